"""The train_ngrams stage: fit the stance n-gram layer (pipeline.stance_ngrams) on the debate set,
and score the pair model with and without it.

The layer's regression trains on the debate rows the pair model fine-tuned on; its weight beside
the pair model is fitted on the rows the pair model kept back for calibration (the same split,
`train_stance.calibration_share`), so neither part is scored on rows it learned from except the
calibration part, whose figures are in-sample for the weight. The debate set's held-out file and
the held-out passages (each sentence read alone) are scored, never fitted or tuned on.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.io import atomic_dir, write_json
from pipeline.stance import LabelSpace, claim_texts, label_scores, read_own_words
from pipeline.stance_ngrams import NgramLayer, combine, fit_ngrams, fit_weight

logger = logging.getLogger(__name__)


def fit_ngram_model(debate: pd.DataFrame, calib: np.ndarray, scored: dict[str, pd.DataFrame], *, read_pair,
                    labels: LabelSpace, cfg, affirmed_weight: float = 0.0) -> tuple[NgramLayer, dict[str, Any]]:
    """Fit the layer on `debate[~calib]`, its weight on `debate[calib]` read by the pair model
    (`read_pair(texts)` -> label probabilities, read with `affirmed_weight`: read_own_words), and
    score each frame of `scored` both ways."""

    def label_index(frame: pd.DataFrame) -> np.ndarray:
        return labels.index(frame["stance"], frame["file"] + ":" + frame["line"].astype(str))

    y = label_index(debate)
    texts = claim_texts(debate)
    layer = fit_ngrams([t for t, c in zip(texts, calib) if not c], y[~calib], labels, C=cfg.C,
                       ngram_max=cfg.ngram_max, min_df=cfg.min_df)
    calib_texts = [t for t, c in zip(texts, calib) if c]
    calib_pair = read_pair(calib_texts)
    layer.weight = fit_weight(calib_pair, layer.log_proba(calib_texts), y[calib], labels)
    metrics: dict[str, Any] = {
        "weight": layer.weight, "terms": len(layer.vocabulary),
        "debate_calibration_part": _scores(debate[calib], y[calib], calib_pair, layer, labels),
    }
    for name, frame in scored.items():
        metrics[name] = _scores(frame, label_index(frame), read_pair(claim_texts(frame)), layer, labels)
    layer.card = {
        "task": "which position a sentence argues, from its word unigrams and bigrams (TF-IDF, logistic "
                "regression on the rows that argue one); its log-probabilities added at a fitted weight to the "
                "pair model's split among the positions, the pair model's P(neutral) kept",
        "label_set": list(labels.names),
        "weight": layer.weight,
        "terms": len(layer.vocabulary),
        "training_data": {"debate_rows": int((~calib).sum()), "weight_fitted_on_rows": int(calib.sum()),
                          "files": sorted(set(debate["file"]))},
        "never_trained_on": sorted(scored),
        "hyperparameters": cfg.model_dump(),
        "pair_reading_affirmed_weight": affirmed_weight,
        "metrics": metrics,
    }
    return layer, metrics


def _scores(frame: pd.DataFrame, y: np.ndarray, pair: np.ndarray, layer: NgramLayer, labels: LabelSpace) -> dict:
    """Macro-F1 etc. of the pair model alone, the layer alone and both, on all rows and on claims."""
    texts = claim_texts(frame)
    lp = layer.log_proba(texts)
    both = combine(pair, lp, layer.weight, labels)
    claims = frame["is_claim"].to_numpy().astype(int) == 1
    out: dict[str, Any] = {}
    argued = np.isin(y, labels.positions)
    out["ngrams_alone_on_argued_rows"] = label_scores(
        np.searchsorted(labels.positions, y[argued]), np.exp(lp[argued]), [labels.names[k] for k in labels.positions])
    for name, probs in (("pair", pair), ("pair_and_ngrams", both)):
        out[name] = {"all": label_scores(y, probs, labels.names),
                     "claims": label_scores(y[claims], probs[claims], labels.names)}
    out["changed_labels"] = int((pair.argmax(axis=1) != both.argmax(axis=1)).sum())
    return out


def run_train_ngrams(params, *, embedder=None, model_dir: str | Path | None = None,
                     metrics_path: str | Path = "metrics/train_ngrams.json") -> dict:
    """Fit the stance n-gram layer on the debate set; score it on the held-out sentences and passages.
    Writes models/ngrams/ and its metrics."""
    from pipeline import paths
    from pipeline.runtime.cache import CachedEmbedder, open_store
    from pipeline.stance import StanceModel, position_vectors
    from pipeline.stance_data import read_debate_set, read_passages
    from pipeline.train_stance import calibration_mask

    cfg = params.train_ngrams
    labels = LabelSpace.from_params(params.stance)
    debate = read_debate_set(cfg.debate, labels.names)
    scored = {Path(path).stem: read_debate_set([path], labels.names) for path in cfg.held_out}
    scored["held_out_passages"] = read_passages([cfg.passages_held_out], labels.names)
    model = StanceModel.load(paths.STANCE_MODEL)
    embedder = embedder or CachedEmbedder(str(StanceModel.encoder_path(paths.STANCE_MODEL)), None,
                                          params.embed.batch_size, open_store(), backend=params.embed.backend)
    positions = position_vectors(labels, embedder)

    def read_pair(texts: list[str]) -> np.ndarray:
        return read_own_words(texts, model=model, embedder=embedder, positions=positions, labels=labels,
                              affirmed_weight=params.stance.affirmed_weight)

    calib = calibration_mask(debate, params.train_stance.calibration_share)
    layer, metrics = fit_ngram_model(debate, calib, scored, read_pair=read_pair, labels=labels, cfg=cfg,
                                     affirmed_weight=params.stance.affirmed_weight)
    with atomic_dir(model_dir or paths.NGRAM_MODEL) as tmp:  # no half-written model on interruption
        layer.save(tmp)
    write_json(metrics_path, metrics)
    for name in scored:
        logger.info("train_ngrams: %s macro-F1 %.3f pair, %.3f with n-grams (weight %.3f)", name,
                    metrics[name]["pair"]["all"]["macro_f1"], metrics[name]["pair_and_ngrams"]["all"]["macro_f1"],
                    layer.weight)
    return metrics
