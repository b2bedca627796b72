"""Stance in context: which neighbours a sentence reads, what the context layer may and may not
change, its fit, a safe round trip, the passage reader's errors, and the map's seed scoring."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from test_stance import _random_model

from pipeline.errors import AnnotationError
from pipeline.io import InputError
from pipeline.schemas import STANCES
from pipeline.stance import LabelSpace, tag_stances
from pipeline.stance_context import (
    NEIGHBOURS,
    SLOTS,
    WEIGHTS,
    ContextLayer,
    document_means,
    documents,
    fit_context,
    gate,
    neighbours,
)
from pipeline.stance_data import PASSAGE_COLUMNS, read_passages

NONE = -1


def _labels(params) -> LabelSpace:
    return LabelSpace.from_params(params.stance)


def _layer(labels: LabelSpace, same_position: float = 2.0) -> ContextLayer:
    weights = np.zeros((len(SLOTS), len(WEIGHTS)))
    weights[:, 0] = same_position
    return ContextLayer(weights, list(labels.names), labels.neutral, short_words=6)


LONG = 12  # words: above the short-fragment limit, so the gate is the sentence's own lean


def test_neighbours_stay_in_their_paragraph_and_read_the_heading_above():
    doc = ["a", "a", "a", "a", "a", "a", "a", "b", "b"]
    block = ["h", "p1", "p1", "p2", "h2", "l1", "l2", "c", "c"]
    role = ["heading", "body", "body", "body", "heading", "list_item", "list_item", "comment", "comment"]
    got = neighbours(doc, block, role).tolist()
    assert got == [
        [NONE, NONE, NONE],  # a heading reads nothing
        [NONE, 2, 0],  # first of its paragraph: the next sentence and the heading
        [1, NONE, 0],
        [NONE, NONE, 0],  # alone in its paragraph: the heading only
        [NONE, NONE, NONE],
        [NONE, 6, 4],  # consecutive list items read each other, whatever their blocks
        [5, NONE, 4],
        [NONE, 8, NONE],  # a new document starts afresh; comments read no heading
        [7, NONE, NONE],
    ]


def test_a_sentence_with_no_neighbour_keeps_its_own_probabilities_exactly(params):
    labels = _labels(params)
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(len(labels.names)), size=3)
    index = np.array([[NONE, NONE, NONE], [NONE, 2, NONE], [1, NONE, NONE]])
    out = _layer(labels).apply(probs, index, np.full(3, LONG), labels)
    assert out[0].tobytes() == probs[0].tobytes()
    assert not np.allclose(out[1:], probs[1:])
    assert np.allclose(out.sum(axis=1), 1.0)


def _reading(labels: LabelSpace, label: str | None, top: float) -> np.ndarray:
    """Own probabilities: `top` on `label` (None: uniform), the rest shared evenly."""
    k = len(labels.names)
    if label is None:
        return np.full(k, 1 / k)
    probs = np.full(k, (1 - top) / (k - 1))
    probs[labels.names.index(label)] = top
    return probs


def test_context_moves_an_unsure_sentence_and_never_a_clear_one(params):
    labels = _labels(params)
    sales, marketing = labels.names.index("pro-sales"), labels.names.index("pro-marketing")
    probs = np.vstack([_reading(labels, "pro-sales", 0.97), _reading(labels, None, 0),
                       _reading(labels, "pro-marketing", 0.97)])
    index = np.array([[NONE, NONE, NONE], [0, NONE, NONE], [0, NONE, NONE]])
    out = _layer(labels, same_position=2.0).apply(probs, index, np.array([LONG, 4, LONG]), labels)
    assert out[1].argmax() == sales  # "They are business problems." after a sales-first sentence
    assert out[2].argmax() == marketing  # its own words overturn the sentence before


def test_a_long_claim_that_reads_as_neutral_keeps_most_of_its_own_reading(params):
    """Off-topic claims (code, hiring) inside a one-sided page are not dragged to the page's side;
    a short fragment with the same own reading takes the neighbour's pull in full."""
    labels = _labels(params)
    sales, neutral = labels.names.index("pro-sales"), labels.neutral_index
    reads_neutral = _reading(labels, labels.neutral, 0.7)
    probs = np.vstack([_reading(labels, "pro-sales", 0.97), reads_neutral, reads_neutral])
    index = np.array([[NONE, NONE, NONE], [0, NONE, NONE], [0, NONE, NONE]])
    out = _layer(labels, same_position=3.0).apply(probs, index, np.array([LONG, LONG, 3]), labels)
    assert out[1].argmax() == neutral  # "Early hires should be generalists, because roles change."
    assert out[2].argmax() == sales  # "Not yet."


def test_a_label_set_the_layer_was_not_fitted_on_reads_sentences_alone(params):
    labels = _labels(params)
    other = LabelSpace(["yes", "no", "none"], ["y", "n", "-"], [[], [], []], [[], [], []], "none")
    probs = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    out = _layer(labels).apply(probs, np.array([[NONE, 1, NONE], [0, NONE, NONE]]), np.full(2, LONG), other)
    assert out.tobytes() == probs.tobytes()


def test_the_fit_learns_that_neighbours_share_a_side(params):
    labels = _labels(params)
    rng = np.random.default_rng(1)
    k, n = len(labels.names), 600
    y = rng.integers(0, k, size=n // 2).repeat(2)  # pairs of sentences that argue the same side
    probs = rng.dirichlet(np.ones(k) * 2, size=n)
    clear = np.arange(n) % 2 == 0  # the first of each pair says it clearly; the second is unsure
    probs[clear] = 0.05 / (k - 1)
    probs[clear, y[clear]] = 0.95
    index = np.full((n, NEIGHBOURS), NONE)
    index[1::2, 0] = np.arange(0, n, 2)
    index[0::2, 1] = np.arange(1, n, 2)
    words = np.where(clear, LONG, 3)  # the unsure follower is a fragment
    weights = fit_context(probs, index, y, labels, l2=1e-3, gates=gate(probs, words, labels, 6))
    assert weights[0, 0] > 1.0  # the previous sentence's side pulls its follower
    layer = ContextLayer(weights, list(labels.names), labels.neutral, short_words=6)
    follower = ~clear
    assert (layer.apply(probs, index, words, labels)[follower].argmax(axis=1) == y[follower]).mean() > 0.9


def test_the_document_slot_reads_the_other_claims_of_the_same_document():
    probs = np.array([[0.8, 0.2], [0.4, 0.6], [0.1, 0.9], [0.5, 0.5], [0.3, 0.7]])
    # rows 0-2 one comment (row 2 not a claim), row 3 another, row 4 a third alone
    docs = documents(["c1", "c1", "c1", "c2", "c3"], [True, True, False, True, True], ["body"] * 5)
    got = document_means(probs, docs)
    assert np.allclose(got[0], probs[1]) and np.allclose(got[1], probs[0])  # never itself
    assert np.allclose(got[2], (probs[0] + probs[1]) / 2)  # a row not counted still reads its document
    assert np.allclose(got[3:], 0.0)  # no other claim in the document: no pull
    titled = document_means(probs[:3], documents(["a"] * 3, [True] * 3, ["title", "body", "body"]))
    assert np.allclose(titled[0], 0.0)  # a title reads no document, as it reads no neighbour
    assert np.allclose(titled[1], (probs[0] + probs[2]) / 2)  # but counts in it
    assert np.allclose(document_means(probs, None), 0.0)


def test_a_claim_that_attacks_one_position_leans_to_its_comments_side(params):
    """"Twenty interviews is how founders procrastinate" reads as being about research; inside a
    comment whose other claims argue for selling, the document slot moves it there, and a claim that
    says the opposite clearly keeps its own words."""
    labels = _labels(params)
    sales, strategy = labels.names.index("pro-sales"), labels.names.index("pro-strategy")
    probs = np.vstack([_reading(labels, "pro-sales", 0.9), _reading(labels, "pro-sales", 0.85),
                       _reading(labels, "pro-strategy", 0.4), _reading(labels, "pro-strategy", 0.97)])
    weights = np.zeros((len(SLOTS), len(WEIGHTS)))
    weights[SLOTS.index("document"), 0] = 4.0
    layer = ContextLayer(weights, list(labels.names), labels.neutral, short_words=6)
    index = np.full((4, NEIGHBOURS), NONE)
    docs = documents(["c"] * 4, [True] * 4, ["body"] * 4)
    out = layer.apply(probs, index, np.full(4, LONG), labels, docs)
    assert out[2].argmax() == sales and out[3].argmax() == strategy
    assert layer.apply(probs, index, np.full(4, LONG), labels).tobytes() == probs.tobytes()  # no docs: no pull


def test_a_passage_is_one_document_and_each_of_its_comments_one_of_its_own():
    from pipeline.train_context import passage_documents

    frame = pd.DataFrame({"file": ["f"] * 5, "passage_id": ["p1", "p1", "p1", "p1", "p2"],
                          "block": [0, 1, 2, 2, 0], "role": ["title", "body", "comment", "comment", "body"],
                          "is_claim": [1, 0, 1, 1, 1]})
    docs = passage_documents(frame)
    assert docs[:, 1].tolist() == [1, 0, 1, 1, 1]  # only claims are counted
    assert docs[:, 2].tolist() == [0, 1, 1, 1, 1]  # the title reads no document
    assert docs[0, 0] == docs[1, 0] != docs[2, 0] == docs[3, 0] != docs[4, 0]


def test_round_trip_is_safe_and_exact(tmp_path, params):
    labels = _labels(params)
    layer = _layer(labels, 1.5)
    layer.card = {"task": "test"}
    layer.save(tmp_path)
    with np.load(tmp_path / "weights.npz", allow_pickle=False) as npz:
        assert npz.files == ["weights"]
    loaded = ContextLayer.load(tmp_path)
    assert loaded.weights.tobytes() == layer.weights.tobytes() and loaded.fits(labels)
    (tmp_path / "config.json").write_text(json.dumps({"kind": "pair"}), encoding="utf-8")
    with pytest.raises(InputError, match="another kind"):
        ContextLayer.load(tmp_path)
    with pytest.raises(InputError, match="train_context"):
        ContextLayer.load(tmp_path / "missing")


def _thread() -> pd.DataFrame:
    texts = ["Why you should sell first", "Talk to ten buyers this week.", "They will tell you the truth.",
             "Brand comes later."]  # a title, a paragraph of two claims, and a one-sentence comment
    return pd.DataFrame({
        "sentence_id": [f"c/a.txt:s{i}" for i in range(4)], "doc_id": ["c/a.txt"] * 3 + ["c/a.txt#c1"], "text": texts,
        "norm_text": texts, "is_claim": [False, True, True, True], "role": ["title", "body", "body", "body"],
        "block_id": ["c/a.txt:b0", "c/a.txt:b1", "c/a.txt:b1", "c/a.txt#c1:b0"], "start_char": [0, 30, 60, 0],
    })


def test_tag_stances_tags_claims_only_and_keeps_their_own_label(params, fake_embedder):
    labels = _labels(params)
    model = _random_model(labels, fake_embedder.dim)
    alone = tag_stances(_thread(), model=model, embedder=fake_embedder, labels=labels)
    STANCES.check(alone)
    assert alone["sentence_id"].tolist() == ["c/a.txt:s1", "c/a.txt:s2", "c/a.txt:s3"]
    assert (alone["stance"] == alone["stance_own"]).all()
    pulled = tag_stances(_thread(), model=model, embedder=fake_embedder, labels=labels,
                         context=_layer(labels, 50.0))
    STANCES.check(pulled)
    assert pulled["stance_own"].tolist() == alone["stance_own"].tolist()
    # a huge pull: the paragraph's two claims end on one label; a comment's lone claim keeps its own
    assert pulled["stance"].iloc[0] == pulled["stance"].iloc[1]
    assert pulled["stance_probs"].iloc[2] == alone["stance_probs"].iloc[2]


def _write(path, rows) -> str:
    pd.DataFrame(rows, columns=list(PASSAGE_COLUMNS)).to_csv(path, index=False)
    return str(path)


def test_passage_reader_names_file_and_line_for_bad_rows(tmp_path, params):
    names = _labels(params).names
    good = ["p1", "blog", 0, 0, "title", "Sell first", 1, "pro-sales", "headline", ""]
    second = ["p1", "blog", 1, 1, "body", "Talk to buyers.", 1, "pro-sales", "none", ""]
    frame = read_passages([_write(tmp_path / "ok.csv", [second, good])], names)
    assert frame["seq"].tolist() == [0, 1]  # reading order, whatever the row order
    bad_label = [*second[:7], "pro-brand", *second[8:]]
    with pytest.raises(AnnotationError, match=r"bad\.csv:3: stance 'pro-brand' is not a label"):
        read_passages([_write(tmp_path / "bad.csv", [good, bad_label])], names)
    gap = [*second[:2], 2, *second[3:]]
    with pytest.raises(AnnotationError, match="seq 0..1"):
        read_passages([_write(tmp_path / "gap.csv", [good, gap])], names)
    role = [*second[:4], "sidebar", *second[5:]]
    with pytest.raises(AnnotationError, match="role 'sidebar' is not one of"):
        read_passages([_write(tmp_path / "role.csv", [good, role])], names)


def test_seed_stance_scores_the_maps_claims_in_context_and_alone():
    from pipeline.evaluate import score_seed_stance

    sentences = pd.DataFrame({
        "source": "a.txt", "text": ["Sell first.", "They know.", "Hello there."], "is_claim": [True, True, False],
        "stance": ["pro-sales", "pro-sales", None], "stance_own": ["pro-sales", "neutral", None]})
    gold = pd.DataFrame({"doc": "a.txt", "sentence": ["Sell first.", "They know.", "Missing one."],
                         "is_claim": 1, "stance": "pro-sales", "confidence": ["high", "high", "low"]})
    got = score_seed_stance(sentences, gold)
    assert got["gold_claims"] == 3 and got["matched_claims"] == 2
    assert got["high"]["in_context"]["accuracy"] == 1.0 and got["high"]["alone"]["accuracy"] == 0.5
    assert got["page_majority_share"] == {"a.txt": {"gold": 1.0, "in_context": 1.0, "alone": 0.5}}


def test_fit_context_model_scores_held_out_passages_alone_and_in_context(params, fake_embedder):
    import types

    from pipeline.stance import position_vectors
    from pipeline.train_context import fit_context_model

    labels = _labels(params)
    model = _random_model(labels, fake_embedder.dim, seed=3)
    sides = ["pro-sales", "pro-marketing", "pro-strategy"]
    rows = []
    for i in range(30):  # passages of a heading and two sentences that argue the heading's side
        side = sides[i % 3]
        rows += [[f"p{i}", "blog", 0, 0, "heading", f"Why {side} first {i}", 1, side, "headline", ""],
                 [f"p{i}", "blog", 1, 1, "body", f"Reason {i} for {side}.", 1, side, "none", ""],
                 [f"p{i}", "blog", 2, 1, "body", f"That is it {i}.", 1, side, "context", ""]]
    frame = pd.DataFrame(rows, columns=list(PASSAGE_COLUMNS)).assign(file="t.csv", line=range(2, 2 + len(rows)))
    train, held = frame[frame["passage_id"] < "p2"], frame[frame["passage_id"] >= "p2"]
    cfg = types.SimpleNamespace(l2_grid=[1e-3, 1e-1], folds=3, short_words=6)
    layer, metrics = fit_context_model(train.reset_index(drop=True), held.reset_index(drop=True), model=model,
                                       embedder=fake_embedder, labels=labels,
                                       positions=position_vectors(labels, fake_embedder), cfg=cfg)
    scores = metrics["held_out_passages"]
    assert set(scores["alone"]) == set(scores["in_context"]) == {"all", "claims", "context_dependent", "off_topic",
                                                                 "off_passage_majority"}
    assert scores["alone"]["all"]["n"] == len(held) and metrics["l2"] in (1e-3, 1e-1)
    assert layer.card["training_data"]["rows"] == len(train) and layer.fits(labels)
    assert layer.weights[:, 0].max() > 0  # neighbours that share a side pull toward it
