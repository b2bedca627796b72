"""The stance topic gate: it tells claims about the debate from claims about anything else, moves only
the neutral label's share, stands aside at weight 0 or for another label set, round-trips safely,
and names bad training input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from test_stance import _random_model

from pipeline.errors import AnnotationError
from pipeline.io import InputError
from pipeline.stance import LabelSpace, tag_stances
from pipeline.stance_topic import TopicGate, fit_topic_gate, trains_topic_gate
from pipeline.train_topic import fit_topic_model, read_off_debate

LABELS = LabelSpace(["pro-a", "pro-b", "none"], ["A first.", "B first.", "-"], [[], [], []], [[], [], []], "none")
ON_DEBATE = [f"put apples before pears in plan {i}" for i in range(20)] + \
            [f"pears first then apples for plan {i}" for i in range(20)]
OFF_DEBATE = [f"the boiler needs a service every winter {i}" for i in range(20)] + \
             [f"our invoices go out on the first monday {i}" for i in range(20)]


def _gate(embedder) -> TopicGate:
    vectors = embedder.encode(ON_DEBATE + OFF_DEBATE)
    return fit_topic_gate(vectors, np.r_[np.ones(40), np.zeros(40)], LABELS, C=10.0)


def test_the_gate_tells_debate_claims_from_claims_about_other_things(fake_embedder):
    gate = _gate(fake_embedder)
    g = gate.probability(fake_embedder.encode(["put apples before pears today", "the boiler needs a service"]))
    assert g[0] > 0.5 > g[1]


def test_the_gate_moves_only_the_neutral_share_and_keeps_the_split_among_positions(fake_embedder):
    gate = _gate(fake_embedder)
    vectors = fake_embedder.encode(["put apples before pears today", "the boiler needs a service"])
    own = np.array([[0.5, 0.2, 0.3], [0.5, 0.2, 0.3]])
    out = gate.apply(own, vectors, LABELS, weight=1.0)
    assert np.allclose(out.sum(axis=1), 1.0)
    assert out[0, 2] < own[0, 2] and out[1, 2] > own[1, 2]
    assert np.allclose(out[:, 0] / out[:, 1], own[:, 0] / own[:, 1])  # which position is the reading's call
    assert out[1].argmax() == 2  # an off-debate claim leaning to a position ends neutral


def test_weight_zero_or_another_label_set_changes_nothing(fake_embedder):
    gate = _gate(fake_embedder)
    vectors = fake_embedder.encode(["the boiler needs a service"])
    own = np.array([[0.5, 0.2, 0.3]])
    assert gate.apply(own, vectors, LABELS, weight=0.0) is own
    other = LabelSpace(["x", "y", "none"], ["X.", "Y.", "-"], [[]] * 3, [[]] * 3, "none")
    assert not gate.fits(other) and gate.apply(own, vectors, other, weight=1.0) is own


def test_tagging_with_the_gate_sends_an_off_debate_claim_to_neutral(fake_embedder):
    labels = LabelSpace(["pro-a", "pro-b", "none"], ["A first.", "B first.", "Nothing."], [[]] * 3, [[]] * 3, "none")
    gate = _gate(fake_embedder)
    gate.label_names = list(labels.names)
    texts = ["put apples before pears today", "the boiler needs a service every winter"]
    claims = pd.DataFrame({"sentence_id": ["c:0", "c:1"], "doc_id": "c", "text": texts, "norm_text": texts,
                           "is_claim": True, "role": "body", "block_id": ["c:b0", "c:b1"], "start_char": [0, 100]})
    model = _random_model(labels, fake_embedder.dim)
    plain = tag_stances(claims, model=model, embedder=fake_embedder, labels=labels)
    gated = tag_stances(claims, model=model, embedder=fake_embedder, labels=labels, topic=gate, topic_weight=5.0)
    assert gated["stance"].iloc[1] == "none"
    p_plain = [json.loads(s)["none"] for s in plain["stance_probs"]]
    p_gated = [json.loads(s)["none"] for s in gated["stance_probs"]]
    assert p_gated[1] > p_plain[1] and p_gated[0] < p_plain[0]


def test_round_trip_is_exact_and_a_foreign_folder_is_refused(fake_embedder, tmp_path):
    gate = _gate(fake_embedder)
    gate.save(tmp_path / "topic")
    assert not list((tmp_path / "topic").glob("*.pkl"))
    loaded = TopicGate.load(tmp_path / "topic")
    vectors = fake_embedder.encode(ON_DEBATE[:3] + OFF_DEBATE[:3])
    assert np.array_equal(loaded.probability(vectors), gate.probability(vectors))
    assert loaded.label_names == gate.label_names and loaded.neutral == "none"
    with pytest.raises(InputError, match="train_topic"):
        TopicGate.load(tmp_path / "missing")
    (tmp_path / "topic" / "config.json").write_text('{"kind": "ngrams"}', encoding="utf-8")
    with pytest.raises(InputError, match="not a topic gate"):
        TopicGate.load(tmp_path / "topic")


def test_one_class_of_rows_cannot_fit_a_gate(fake_embedder):
    with pytest.raises(ValueError, match="argue a position and rows that do not"):
        fit_topic_gate(fake_embedder.encode(ON_DEBATE), np.ones(len(ON_DEBATE)), LABELS, C=1.0)


def test_the_page_split_is_fixed_by_name_and_keeps_both_halves():
    pages = [f"page_{i:03d}.txt" for i in range(200)]
    split = [trains_topic_gate(p) for p in pages]
    assert split == [trains_topic_gate(p) for p in pages]
    assert 60 < sum(split) < 140


def test_off_debate_file_errors_name_the_file_and_line(tmp_path):
    missing_column = tmp_path / "a.csv"
    missing_column.write_text("page,sentence\np.txt,Something.\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"missing columns \['text'\]"):
        read_off_debate(missing_column)
    empty = tmp_path / "b.csv"
    empty.write_text('page,text\np.txt,Fine claim.\np.txt,"  "\n', encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"b\.csv:3: empty text"):
        read_off_debate(empty)
    with pytest.raises(InputError, match="off-debate-claims"):
        read_off_debate(tmp_path / "none.csv")


def test_fit_topic_model_trains_on_argued_claims_against_neutral_and_off_debate_ones(fake_embedder):
    debate = pd.DataFrame({"text": ON_DEBATE + ["weather is nice in plan 1", "the dog barked in plan 2"],
                           "is_claim": [1] * 42, "stance": ["pro-a"] * 20 + ["pro-b"] * 20 + ["none"] * 2,
                           "file": "train_x.csv"})
    held = {"held": debate.iloc[[0, 1, 40, 41]].assign(text=["put apples before pears again", "pears first then apples",
                                                             "the boiler is old", "invoices are late"])}
    gate, metrics = fit_topic_model(debate, pd.DataFrame({"page": "p.txt", "text": OFF_DEBATE}), held,
                                    embedder=fake_embedder, labels=LABELS, C=10.0)
    assert metrics["training"]["argued_rows"] == 40 and metrics["training"]["other_rows"] == 42
    assert metrics["held"]["roc_auc"] == 1.0
    assert gate.card["training_data"]["off_debate_claims"] == 40


@pytest.mark.slow
def test_the_off_debate_claims_rebuild_to_the_committed_bytes(tmp_path, monkeypatch):
    from conftest import ROOT
    from typer.testing import CliRunner

    from pipeline.cli.app import app

    monkeypatch.chdir(ROOT)
    out = tmp_path / "claims.csv"
    result = CliRunner().invoke(app, ["off-debate-claims", "--out", str(out)])
    assert result.exit_code == 0, result.output
    committed = ROOT / "corpora" / "training" / "off_debate" / "structure_claims.csv"
    assert out.read_bytes() == committed.read_bytes()
    pages = {line.split(",", 1)[0] for line in out.read_text(encoding="utf-8").splitlines()[1:]}
    assert pages and all(trains_topic_gate(p) for p in pages)
