"""The train_topic stage: fit the stance topic gate (pipeline.stance_topic) and score it.

Rows that argue a position: the debate set's claims labelled with one. Rows that do not: the debate
set's neutral claims, and the claims found on the training half of the off-debate pages
(corpora/training/off_debate, written by `argmap off-debate-claims`). Each is read as the stance
stage reads a claim, through the stance model's encoder. The debate set's held-out parts are scored
(how well the gate tells their argued claims from their neutral ones), never fitted on; the other
half of the off-debate pages is kept for `argmap-bench quality stance-off-debate`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.errors import AnnotationError
from pipeline.io import atomic_dir, read_csv_records, write_json
from pipeline.stance import LabelSpace, claim_texts, encode_texts
from pipeline.stance_topic import TopicGate, fit_topic_gate

logger = logging.getLogger(__name__)

OFF_DEBATE_COLUMNS = ("page", "text")


def read_off_debate(path: str | Path) -> pd.DataFrame:
    """Off-debate claims (page, text) from a CSV; an empty text fails with its line."""
    rows = []
    for line, rec in read_csv_records(path, OFF_DEBATE_COLUMNS, error=AnnotationError,
                                      missing_hint="off-debate claims not found (rebuild with "
                                                   "`argmap off-debate-claims`)"):
        if not (rec["text"] or "").strip():
            raise AnnotationError(f"{path}:{line}: empty text")
        rows.append({"page": rec["page"], "text": rec["text"]})
    return pd.DataFrame(rows, columns=list(OFF_DEBATE_COLUMNS))


def _separation(gate: TopicGate, vectors: np.ndarray, argues: np.ndarray) -> dict[str, Any]:
    """How the gate tells argued rows from the rest: ROC AUC and the mean P(argues) of each."""
    from sklearn.metrics import roc_auc_score

    g = gate.probability(vectors)
    out: dict[str, Any] = {"argued_rows": int(argues.sum()), "other_rows": int((~argues).sum()),
                           "mean_p_argued": round(float(g[argues].mean()), 4) if argues.any() else None,
                           "mean_p_other": round(float(g[~argues].mean()), 4) if (~argues).any() else None}
    out["roc_auc"] = round(float(roc_auc_score(argues, g)), 4) if 0 < argues.sum() < len(argues) else None
    return out


def fit_topic_model(debate: pd.DataFrame, off_debate: pd.DataFrame, held: dict[str, pd.DataFrame], *,
                    embedder, labels: LabelSpace, C: float) -> tuple[TopicGate, dict[str, Any]]:
    """Fit the gate on the debate set's claims and the off-debate claims; score it on `held`."""
    claims = debate[debate["is_claim"] == 1]
    vectors = np.vstack([encode_texts(embedder, claim_texts(claims)), encode_texts(embedder, claim_texts(off_debate))])
    argues = np.r_[(claims["stance"] != labels.neutral).to_numpy(), np.zeros(len(off_debate), dtype=bool)]
    gate = fit_topic_gate(vectors, argues, labels, C)
    metrics: dict[str, Any] = {"training": _separation(gate, vectors, argues)}
    for name, frame in held.items():
        rows = frame[frame["is_claim"] == 1]
        metrics[name] = _separation(gate, encode_texts(embedder, claim_texts(rows)),
                                    (rows["stance"] != labels.neutral).to_numpy())
    gate.card = {
        "task": "whether a claim argues one of the positions of this debate at all: logistic regression over "
                "the stance encoder's sentence vector; its log-odds added to the neutral label's at "
                "stance.topic_weight",
        "label_set": list(labels.names),
        "training_data": {"debate_claims_argued": int(argues[: len(claims)].sum()),
                          "debate_claims_neutral": int((~argues[: len(claims)]).sum()),
                          "off_debate_claims": len(off_debate), "off_debate_pages": int(off_debate["page"].nunique()),
                          "files": sorted(set(debate["file"]))},
        "never_trained_on": sorted(held) + ["the other half of the off-debate pages"],
        "hyperparameters": {"C": C, "class_weight": "balanced"},
        "metrics": metrics,
    }
    return gate, metrics


def run_train_topic(params, *, embedder=None, model_dir: str | Path | None = None,
                    metrics_path: str | Path = "metrics/train_topic.json") -> dict:
    """Fit the topic gate; score it on the debate set's held-out parts. Writes models/topic/ and its metrics."""
    from pipeline import paths
    from pipeline.runtime.cache import CachedEmbedder, open_store
    from pipeline.stance import StanceModel
    from pipeline.stance_data import read_debate_set

    cfg = params.train_topic
    labels = LabelSpace.from_params(params.stance)
    debate = read_debate_set(cfg.debate, labels.names)
    off_debate = read_off_debate(cfg.off_debate)
    held = {Path(path).stem: read_debate_set([path], labels.names) for path in cfg.held_out}
    embedder = embedder or CachedEmbedder(str(StanceModel.encoder_path(paths.STANCE_MODEL)), None,
                                          params.embed.batch_size, open_store(), backend=params.embed.backend)
    gate, metrics = fit_topic_model(debate, off_debate, held, embedder=embedder, labels=labels, C=cfg.C)
    with atomic_dir(model_dir or paths.TOPIC_MODEL) as tmp:  # no half-written model on interruption
        gate.save(tmp)
    write_json(metrics_path, metrics)
    for name in held:
        logger.info("train_topic: %s argued vs neutral claims, ROC AUC %s", name, metrics[name]["roc_auc"])
    return metrics
