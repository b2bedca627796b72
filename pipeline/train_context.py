"""The train_context stage: fit the stance context layer (pipeline.stance_context) on passages
labelled in context, and score it, beside the sentences read alone, on held-out passages.

The pair model is not retrained here: each passage sentence is read alone by the shipped model,
and only the twelve context weights are fitted. Their L2 penalty is chosen by folds of whole
training passages; the held-out passages are scored, never fitted or tuned on.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.io import atomic_dir, write_json
from pipeline.stance import LabelSpace
from pipeline.stance_context import (
    SLOTS,
    WEIGHTS,
    ContextLayer,
    choose_l2,
    documents,
    fit_context,
    gate,
    neighbours,
    word_counts,
)

logger = logging.getLogger(__name__)


def _passage_key(passages: pd.DataFrame) -> pd.Series:
    """Each row's passage, named by its file and id."""
    return passages["file"].astype(str) + ":" + passages["passage_id"].astype(str)


def passage_neighbours(passages: pd.DataFrame) -> np.ndarray:
    """`neighbours` of a passage frame (read_passages: in reading order)."""
    doc = _passage_key(passages)
    return neighbours(doc, doc + ":" + passages["block"].astype(str), passages["role"])


def passage_documents(passages: pd.DataFrame) -> np.ndarray:
    """`documents` of a passage frame: a passage is one document, except that each comment (a block
    of comment rows) is one of its own, as the readers make it; its claims are the rows counted."""
    doc = _passage_key(passages)
    comment = passages["role"].astype(str).eq("comment")
    doc = doc.where(~comment, doc + ":" + passages["block"].astype(str))
    return documents(doc, passages["is_claim"].astype(int).eq(1), passages["role"])


def fit_context_model(train: pd.DataFrame, held: pd.DataFrame, *, model, embedder, labels: LabelSpace,
                      positions: np.ndarray, cfg, ngrams=None,
                      affirmed_weight: float = 0.0) -> tuple[ContextLayer, dict[str, Any]]:
    """Fit the layer on `train` passages (its L2 penalty chosen by folds of whole passages) and
    score `held` passages with and without it. Each sentence is read alone as the stance stage reads
    it: by the pair model (with `affirmed_weight`, read_own_words'), with the n-gram layer when one
    is given. Returns the layer (with its
    card) and the metrics."""
    from pipeline.stance import claim_texts, read_own_words

    def read_alone(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Each sentence's own label probabilities and word count, as the stance stage reads it."""
        texts = claim_texts(frame)
        return (read_own_words(texts, model=model, embedder=embedder, positions=positions, labels=labels,
                               ngrams=ngrams, affirmed_weight=affirmed_weight), word_counts(texts))

    y_train = labels.index(train["stance"], train["file"] + ":" + train["line"].astype(str))
    y_held = labels.index(held["stance"], held["file"] + ":" + held["line"].astype(str))
    (p_train, w_train), i_train, d_train = read_alone(train), passage_neighbours(train), passage_documents(train)
    (p_held, w_held), i_held, d_held = read_alone(held), passage_neighbours(held), passage_documents(held)
    g_train = gate(p_train, w_train, labels, cfg.short_words)
    groups = _passage_key(train).to_numpy()
    l2, cv = choose_l2(p_train, i_train, y_train, g_train, groups, labels, tuple(cfg.l2_grid), cfg.folds, d_train)
    layer = ContextLayer(fit_context(p_train, i_train, y_train, labels, l2, g_train, d_train), list(labels.names),
                         labels.neutral, cfg.short_words)
    metrics = {
        "train_passages": _scores(train, y_train, p_train, layer.apply(p_train, i_train, w_train, labels, d_train),
                                  labels),
        "held_out_passages": _scores(held, y_held, p_held, layer.apply(p_held, i_held, w_held, labels, d_held),
                                     labels),
        "l2": l2, "l2_fold_nll": cv,
    }
    layer.card = {
        "task": "stance in context: each label's logit plus a fitted share of the same label's probability "
                "in the previous and next sentence of the paragraph, the heading above and the mean of the "
                "other claims of the same document (article or comment), scaled by the "
                "sentence's own lean to any position (in full for fragments of at most short_words words)",
        "short_words": cfg.short_words,
        "label_set": list(labels.names),
        "weights": {slot: dict(zip(WEIGHTS, [round(float(v), 4) for v in row]))
                    for slot, row in zip(SLOTS, layer.weights)},
        "training_data": {"passages": len(set(groups)), "rows": len(train),
                          "files": sorted(set(train["file"]))},
        "own_words_read_by": "the pair model and the n-gram layer" if ngrams is not None else "the pair model",
        "affirmed_weight": affirmed_weight,
        "never_trained_on": ["held-out passages", "debate set", "seed annotations"],
        "l2": l2,
        "metrics": metrics,
    }
    return layer, metrics


def _scores(frame: pd.DataFrame, y: np.ndarray, alone: np.ndarray, context: np.ndarray, labels: LabelSpace) -> dict:
    """Macro-F1 etc. alone and in context, on all rows, claims, context-dependent rows, off-topic
    neutral claims and rows whose label is not their passage's most common one (where copying the
    neighbours goes wrong)."""
    from pipeline.stance import label_scores

    key = _passage_key(frame)
    majority = pd.Series(y).groupby(key.to_numpy()).agg(lambda s: s.value_counts().sort_index().idxmax())
    subsets = {
        "all": np.ones(len(y), dtype=bool),
        "claims": frame["is_claim"].to_numpy() == 1,
        "context_dependent": (frame["hard_case"] == "context").to_numpy(),
        "off_topic": (frame["hard_case"] == "off_topic").to_numpy(),
        "off_passage_majority": y != majority.loc[key].to_numpy(),
    }
    out: dict[str, Any] = {"passages": int(key.nunique())}
    for name, probs in (("alone", alone), ("in_context", context)):
        out[name] = {sub: label_scores(y[m], probs[m], labels.names) for sub, m in subsets.items()}
    out["changed_labels"] = int((alone.argmax(axis=1) != context.argmax(axis=1)).sum())
    return out


def run_train_context(params, *, embedder=None, model_dir: str | Path | None = None,
                      metrics_path: str | Path = "metrics/train_context.json") -> dict:
    """Fit the stance context layer on the training passages; score it, beside the sentences read
    alone, on the held-out passages. Writes models/context/ and its metrics."""
    from pipeline import paths
    from pipeline.runtime.cache import CachedEmbedder, open_store
    from pipeline.stance import StanceModel, position_vectors
    from pipeline.stance_data import read_passages

    cfg = params.train_context
    labels = LabelSpace.from_params(params.stance)
    train = read_passages(cfg.passages, labels.names)
    held = read_passages([cfg.held_out], labels.names)
    model = StanceModel.load(paths.STANCE_MODEL)
    ngrams = None
    if params.stance.ngrams:
        from pipeline.stance_ngrams import NgramLayer

        ngrams = NgramLayer.load(paths.NGRAM_MODEL)
    embedder = embedder or CachedEmbedder(str(StanceModel.encoder_path(paths.STANCE_MODEL)), None,
                                          params.embed.batch_size, open_store(), backend=params.embed.backend)
    layer, metrics = fit_context_model(train, held, model=model, embedder=embedder, labels=labels,
                                       positions=position_vectors(labels, embedder), cfg=cfg, ngrams=ngrams,
                                       affirmed_weight=params.stance.affirmed_weight)
    with atomic_dir(model_dir or paths.CONTEXT_MODEL) as tmp:  # no half-written model on interruption
        layer.save(tmp)
    write_json(metrics_path, metrics)
    ho = metrics["held_out_passages"]
    logger.info("train_context: held-out passages macro-F1 %.3f alone, %.3f in context",
                ho["alone"]["all"]["macro_f1"], ho["in_context"]["all"]["macro_f1"])
    return metrics
