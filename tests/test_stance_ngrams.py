"""The stance n-gram layer: it reads word order, moves only the split among positions, fits its
weight by likelihood, round-trips safely, stands aside for another label set, and names a missing
label."""

from __future__ import annotations

import json
import types

import numpy as np
import pandas as pd
import pytest

from pipeline.errors import AnnotationError
from pipeline.io import InputError
from pipeline.stance import LabelSpace
from pipeline.stance_ngrams import NgramLayer, combine, fit_ngrams, fit_weight

LABELS = LabelSpace(["pro-a", "pro-b", "none"], ["A first.", "B first.", "-"], [[], [], []], [[], [], []], "none")


def _ordered_rows(n: int = 40) -> tuple[list[str], np.ndarray]:
    """Sentences that name both topics and differ only in which comes first; plus neutral ones."""
    texts, y = [], []
    for i in range(n):
        texts += [f"put apples before pears in plan {i}", f"put pears before apples in plan {i}", f"weather note {i}"]
        y += [0, 1, 2]
    return texts, np.array(y)


def _layer() -> NgramLayer:
    texts, y = _ordered_rows()
    layer = fit_ngrams(texts, y, LABELS, C=10.0, ngram_max=2, min_df=2)
    layer.weight = 1.0
    return layer


def test_bigrams_tell_apart_sentences_with_the_same_words_in_another_order():
    layer = _layer()
    lp = layer.log_proba(["put apples before pears now", "put pears before apples now"])
    assert lp.shape == (2, 2)
    assert lp[0].argmax() == 0 and lp[1].argmax() == 1
    assert np.allclose(np.exp(lp).sum(axis=1), 1.0)


def test_the_layer_moves_the_split_among_positions_and_keeps_p_neutral():
    layer = _layer()
    own = np.array([[0.2, 0.3, 0.5], [0.45, 0.45, 0.1], [0.0, 0.0, 1.0]])
    out = layer.apply(own, ["put apples before pears", "put pears before apples", "put apples before pears"], LABELS)
    assert np.allclose(out.sum(axis=1), 1.0)
    assert np.array_equal(out[:, 2], own[:, 2])  # whether a sentence argues at all is the pair model's call
    assert out[0, 0] > own[0, 0] and out[1, 1] > own[1, 1]
    assert np.array_equal(out[2], own[2])  # nothing to split


def test_a_layer_trained_for_other_labels_changes_nothing():
    layer = _layer()
    other = LabelSpace(["x", "y", "z", "none"], ["X.", "Y.", "Z.", "-"], [[]] * 4, [[]] * 4, "none")
    own = np.full((1, 4), 0.25)
    assert not layer.fits(other)
    assert layer.apply(own, ["put apples before pears"], other) is own


def test_the_weight_is_fitted_by_likelihood():
    rng = np.random.default_rng(0)
    n = 600
    y = rng.integers(0, 2, size=n)
    own = np.full((n, 3), [0.45, 0.45, 0.1])  # the pair model cannot tell the positions apart
    informative = np.log(np.where(np.eye(2)[y] == 1, 0.8, 0.2))
    noise = np.log(rng.dirichlet([1, 1], size=n))
    assert fit_weight(own, informative, y, LABELS) > 0.5
    assert fit_weight(own, noise, y, LABELS) < 0.1
    assert np.allclose(combine(own, informative, 0.0, LABELS), own)


def test_safe_round_trip_gives_the_same_probabilities(tmp_path):
    layer = _layer()
    layer.card = {"task": "test"}
    layer.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.json", "model_card.json", "model_card.md",
                                                          "vocabulary.json", "weights.npz"]
    loaded = NgramLayer.load(tmp_path)
    texts = ["put apples before pears", "an unseen sentence", ""]
    assert np.array_equal(loaded.log_proba(texts), layer.log_proba(texts))
    assert loaded.weight == layer.weight and loaded.card == {"task": "test"}


def test_loading_a_broken_or_missing_layer_says_how_to_make_one(tmp_path):
    with pytest.raises(InputError, match="train_ngrams"):
        NgramLayer.load(tmp_path / "missing")
    _layer().save(tmp_path)
    config = json.loads((tmp_path / "config.json").read_text(encoding="utf-8"))
    (tmp_path / "config.json").write_text(json.dumps({**config, "labels": ["a", "none"]}), encoding="utf-8")
    with pytest.raises(InputError, match="another kind"):
        NgramLayer.load(tmp_path)


def test_a_position_with_no_training_row_is_named():
    texts, y = _ordered_rows(5)
    with pytest.raises(AnnotationError, match="pro-b"):
        fit_ngrams([t for t, k in zip(texts, y) if k != 1], y[y != 1], LABELS, C=1.0, ngram_max=2, min_df=1)


def test_fit_ngram_model_scores_each_set_with_and_without_the_layer():
    from pipeline.train_ngrams import fit_ngram_model

    texts, y = _ordered_rows(30)
    frame = pd.DataFrame({"text": texts, "stance": [LABELS.names[k] for k in y], "is_claim": (y != 2).astype(int),
                          "file": "t.csv", "line": range(2, 2 + len(texts))})
    calib = np.arange(len(frame)) % 5 == 0

    def read_pair(batch):  # a pair model that knows only whether a sentence argues
        return np.array([[0.05, 0.05, 0.9] if t.startswith("weather") else [0.45, 0.45, 0.1] for t in batch])

    cfg = types.SimpleNamespace(C=10.0, ngram_max=2, min_df=1, model_dump=lambda: {})
    held = frame.iloc[:9].reset_index(drop=True)
    layer, metrics = fit_ngram_model(frame, calib, {"held": held}, read_pair=read_pair, labels=LABELS, cfg=cfg)
    assert layer.weight > 0 and layer.fits(LABELS)
    scores = metrics["held"]
    assert scores["pair_and_ngrams"]["all"]["macro_f1"] > scores["pair"]["all"]["macro_f1"]
    assert scores["pair"]["all"]["n"] == len(held) and scores["changed_labels"] > 0
    assert layer.card["training_data"]["debate_rows"] == int((~calib).sum())


def test_rows_computed_together_are_the_rows_computed_alone():
    layer = _layer()
    texts = ["put apples before pears", "weather note", "put pears before apples in plan 3"]
    known = layer.knowing(texts)
    for text in texts:
        assert np.array_equal(known.log_proba([text]), layer.log_proba([text]))
    assert np.array_equal(known.log_proba(["an unseen sentence"]), layer.log_proba(["an unseen sentence"]))


def test_tfidf_rows_are_the_fitted_vectorizers_rows_to_the_bit():
    """The layer applies its vocabulary without scikit-learn; the rows must be what the vectorizer
    it was fitted with gives, byte for byte, on repeated terms, unknown words, case, accents,
    underscores, empty and very long texts."""
    from pipeline.stance_ngrams import _make_vectorizer, tfidf_rows

    texts, _ = _ordered_rows()
    vec = _make_vectorizer(2, min_df=1)
    vec.fit(texts + ["Pears, pears and PEARS: café_au_lait naïve"])
    probe = ["put apples before pears", "PUT Pears before pears before apples apples", "", "  ?! ", "a b c",
             "café_au_lait naïve pears pears pears", "unseen words only", "apples " * 3000, "plan 7 plan 7"]
    want = vec.transform(probe)
    got = tfidf_rows(probe, vec.vocabulary_, vec.idf_, 2)
    assert np.array_equal(want.indptr, got.indptr) and np.array_equal(want.indices, got.indices)
    assert want.data.tobytes() == got.data.tobytes()
