"""Claim detection: is a sentence a debatable position (or a reason for one)? spaCy cues + embeddings."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.cues import SENTENCE_FEATURE_NAMES, content_lemmas, cue_record, read_cue_record, sentence_cues

logger = logging.getLogger(__name__)

MODES = ("rules", "classifier", "combined", "ensemble")
CLAIM_ROLES = ("title", "heading", "body", "list_item", "caption", "comment")

# Where a sentence sits (role, kind of document), after what its parse says (pipeline/cues.py).
CONTEXT_FEATURE_NAMES = ["role_title", "role_heading", "role_list_item", "role_caption", "kind_comment"]
FEATURE_NAMES = SENTENCE_FEATURE_NAMES + CONTEXT_FEATURE_NAMES


@dataclass
class ClaimModel:
    """A logistic scorer over spaCy cue features and/or sentence embeddings (weights in .npz)."""

    mode: str
    feature_names: list[str]
    weights: np.ndarray  # (n_features_used,)
    bias: float
    mean: np.ndarray
    scale: np.ndarray
    threshold: float
    embedding_model: str
    card: dict[str, Any] = field(default_factory=dict)

    def predict_proba(self, cues: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
        rules = _sigmoid(cues @ _rule_vector() + RULE_BIAS)
        if self.mode == "rules":
            return rules
        x = (_design(self.mode, cues, embeddings) - self.mean) / self.scale
        fitted = _sigmoid(x @ self.weights + self.bias)
        # ensemble: the hand-set cue rules and the fitted scorer vote with equal weight
        return (rules + fitted) / 2 if self.mode == "ensemble" else fitted

    def save(self, directory: str | Path) -> None:
        from pipeline.io import write_model_dir

        arrays = {"weights": self.weights, "bias": np.array([self.bias]), "mean": self.mean, "scale": self.scale}
        config = {
            "mode": self.mode,
            "feature_names": self.feature_names,
            "threshold": self.threshold,
            "embedding_model": self.embedding_model,
        }
        write_model_dir(directory, "Claim detector", arrays, config, self.card)

    @classmethod
    def load(cls, directory: str | Path) -> ClaimModel:
        from pipeline.io import read_model_dir

        config, card, npz = read_model_dir(
            directory, "no claim model here; run `argmap train_claims` (or dvc repro) first"
        )
        return cls(
            mode=config["mode"], feature_names=list(config["feature_names"]),
            weights=npz["weights"], bias=float(npz["bias"][0]), mean=npz["mean"],
            scale=npz["scale"], threshold=float(config["threshold"]),
            embedding_model=config["embedding_model"], card=card,
        )


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def _design(mode: str, cues: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
    if mode == "classifier":
        return embeddings.astype(np.float64)
    if mode in ("combined", "ensemble"):
        return np.hstack([cues, embeddings]).astype(np.float64)
    return cues.astype(np.float64)


# Hand-set weights of the rules-only scorer: a reading of the gold definition, not fitted.
RULE_WEIGHTS = {
    "question": -3.0, "imperative": -1.5, "greeting": -3.0, "has_url_or_handle": -2.0,
    "ends_intro": -2.0, "first_person_narration": -2.0, "past_root": -0.8, "modal": 0.8,
    "strong_modal": 0.8, "evaluative": 1.0, "comparative": 0.7, "superlative": 0.7,
    "generic_subject": 0.8, "negation": 0.4, "hedge": 0.8, "is_short": -1.5, "role_caption": -2.5,
    "role_heading": -0.8, "copula_root": 0.4, "present_root": 0.5, "no_verb": -0.5,
    "adj_share": 3.0, "contrast": 0.3,
}
RULE_BIAS = -0.2


def _rule_vector() -> np.ndarray:
    return np.array([RULE_WEIGHTS.get(n, 0.0) for n in FEATURE_NAMES])


def rules_model(embedding_model: str, threshold: float) -> ClaimModel:
    zeros, ones = np.zeros(len(FEATURE_NAMES)), np.ones(len(FEATURE_NAMES))
    return ClaimModel("rules", list(FEATURE_NAMES), _rule_vector(), RULE_BIAS, zeros, ones, threshold,
                      embedding_model, {"mode": "rules", "note": "hand-set weights, not fitted"})


def cue_features(texts: Sequence[str], roles: Sequence[str], kinds: Sequence[str], nlp,
                 lemmas_out: list[list[str]] | None = None) -> np.ndarray:
    """One row of FEATURE_NAMES per sentence, from spaCy's tags, parse and lemmas where present.

    With `lemmas_out`, each sentence's content lemmas are appended to it as well.
    """
    rows = []
    if hasattr(nlp, "derive"):  # a cached pipeline: its workers compute the records where they parse
        for record, role, kind in zip(nlp.derive(list(texts), cue_record), roles, kinds):
            doc_part, lemmas = read_cue_record(record)
            rows.append(doc_part + _context_cues(role, kind))
            if lemmas_out is not None:
                lemmas_out.append(lemmas)
    else:
        for doc, role, kind in zip(nlp.pipe(list(texts), batch_size=64), roles, kinds):
            rows.append(_doc_cues(doc, role, kind))
            if lemmas_out is not None:
                lemmas_out.append(content_lemmas(doc))
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES))


def _doc_cues(doc, role: str, kind: str) -> list[float]:
    return sentence_cues(doc) + _context_cues(role, kind)


def _context_cues(role: str, kind: str) -> list[float]:
    """CONTEXT_FEATURE_NAMES: where a sentence sits, not what it says."""
    return [float(role == "title"), float(role == "heading"), float(role == "list_item"),
            float(role == "caption"), float(kind == "comment")]


def _frame_inputs(rows: pd.DataFrame) -> tuple[list[str], list[str], list[str]]:
    texts = [_text_of(r) for r in rows.itertuples(index=False)]
    roles = [str(r) for r in rows["role"]]
    kinds = [str(k) for k in rows["kind"]] if "kind" in rows else ["article"] * len(rows)
    return texts, roles, kinds


def _text_of(row: Any) -> str:
    norm = getattr(row, "norm_text", None)
    text = norm if isinstance(norm, str) and norm.strip() else row.text
    return " ".join(str(text).split())


def fit_logistic(x: np.ndarray, y: np.ndarray, C: float, sample_weight: np.ndarray | None = None,
                 seed: int = 0) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """Standardise, then L2 logistic regression; returns (weights, bias, mean, scale)."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-8] = 1.0
    clf = LogisticRegression(C=C, max_iter=2000, random_state=seed)
    clf.fit((x - mean) / scale, y, sample_weight=sample_weight)
    return clf.coef_[0].astype(np.float64), float(clf.intercept_[0]), mean, scale


def _fit_mode(mode: str, cues: np.ndarray, emb: np.ndarray, y: np.ndarray, C: float,
              threshold: float, embedding_model: str, seed: int) -> ClaimModel:
    if mode == "rules":
        return rules_model(embedding_model, threshold)
    x = _design(mode, cues, emb)
    w, b, mean, scale = fit_logistic(x, y, C, seed=seed)
    names = (list(FEATURE_NAMES) if mode != "classifier" else []) + (
        [f"emb_{i}" for i in range(emb.shape[1])] if mode != "rules" else [])
    return ClaimModel(mode, names, w, b, mean, scale, threshold, embedding_model)


def prf(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    tp = float(np.sum((y == 1) & (pred == 1)))
    fp = float(np.sum((y == 0) & (pred == 1)))
    fn = float(np.sum((y == 1) & (pred == 0)))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"f1": round(f, 4), "precision": round(p, 4), "recall": round(r, 4), "n": len(y),
            "positives": int(y.sum())}


def _claim_inputs(rows: pd.DataFrame, nlp, embedder) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    texts, roles, kinds = _frame_inputs(rows)
    cues = cue_features(texts, roles, kinds, nlp)
    emb = np.asarray(embedder.encode(texts), dtype=np.float64) if texts else None
    return cues, emb, rows["is_claim"].astype(int).to_numpy()


def train_claim_model(rows: pd.DataFrame, *, nlp, embedder, params, extra: pd.DataFrame | None = None,
                      held_out: dict[str, pd.DataFrame] | None = None) -> tuple[ClaimModel, dict]:
    """Fit the claim detector on annotated sentence rows; metrics are leave-one-document-out.

    `rows` is a sentence frame (text/norm_text, role, kind, doc_id) with a 0/1 `is_claim` column;
    its pages are left out one at a time. `extra` rows (the debate set, the passages) are always trained on;
    `held_out` frames (by name) are only scored. Boilerplate rows are left out: never claims by rule.
    """
    cfg = params.train_claims
    threshold = params.sentences.claim_threshold
    data = rows[rows["role"] != "boilerplate"].reset_index(drop=True)
    if data.empty:
        raise ValueError("no annotated non-boilerplate sentences to train the claim model on")
    cues, emb, y = _claim_inputs(data, nlp, embedder)
    empty = data.iloc[:0]
    x_cues, x_emb, x_y = _claim_inputs(extra if extra is not None else empty, nlp, embedder)
    if x_emb is None:
        x_emb = np.zeros((0, emb.shape[1]))
    # Leave out a whole page (article with its comments): comments share their article's topic.
    docs = data["source"].astype(str).to_numpy() if "source" in data else data["doc_id"].astype(str).to_numpy()
    name = getattr(embedder, "name", "unknown")

    def fit(mode: str, train: np.ndarray) -> ClaimModel:
        return _fit_mode(mode, np.vstack([cues[train], x_cues]), np.vstack([emb[train], x_emb]),
                         np.concatenate([y[train], x_y]), cfg.C, threshold, name, params.base.seed)

    comparison: dict[str, dict] = {}
    oof_by_mode: dict[str, np.ndarray] = {}
    for mode in MODES:
        oof = np.zeros(len(y))
        for held in sorted(set(docs)):
            test = docs == held
            train = ~test
            if len(set(y[train]) | set(x_y)) < 2:
                oof[test] = y[train].mean()
                continue
            oof[test] = fit(mode, train).predict_proba(cues[test], emb[test])
        pred = _apply_length_rule((oof >= threshold).astype(int), cues, params)
        comparison[mode] = prf(y, pred)
        oof_by_mode[mode] = oof
    logger.info("claim LODO F1: %s", {m: v["f1"] for m, v in comparison.items()})

    chosen = cfg.mode
    final = fit(chosen, np.ones(len(y), dtype=bool))
    metrics = {
        "mode": chosen,
        **comparison[chosen],
        "comparison": comparison,
        "evaluation": "leave-one-document-out over the annotated seed pages (the debate set always "
                      "in training); boilerplate rows excluded",
        "documents": len(set(docs)),
    }
    for held_name, frame in (held_out or {}).items():
        h_cues, h_emb, h_y = _claim_inputs(frame, nlp, embedder)
        h_pred = _apply_length_rule((final.predict_proba(h_cues, h_emb) >= threshold).astype(int), h_cues, params)
        metrics[held_name] = prf(h_y, h_pred)
        logger.info("claim F1 on %s: %.3f", held_name, metrics[held_name]["f1"])
    final.card = {
        "task": "claim detection (is_claim)",
        "mode": chosen,
        "training_data": {"rows": len(y) + len(x_y), "claims": int(y.sum() + x_y.sum()),
                          "documents": sorted(set(docs)),
                          "rows_always_trained_on": _rows_by_file(extra)},
        "embedding_model": name,
        "spacy_cues": FEATURE_NAMES,
        "threshold": threshold,
        "C": cfg.C,
        "metrics_lodo": metrics,
    }
    final.oof = oof_by_mode[chosen]  # type: ignore[attr-defined]  # for error analysis only
    return final, metrics


def _rows_by_file(frame: pd.DataFrame | None) -> dict[str, int]:
    """How many rows of each file (the debate set's, the passages') the detector always trains on."""
    if frame is None or frame.empty:
        return {}
    return {str(k): int(v) for k, v in frame["source"].value_counts().sort_index().items()}


def _apply_length_rule(pred: np.ndarray, cues: np.ndarray, params) -> np.ndarray:
    n_words = np.expm1(cues[:, FEATURE_NAMES.index("n_words_log")])
    too_short = n_words < params.sentences.min_claim_words - 0.5
    out = pred.copy()
    out[too_short] = 0
    return out


SCORE_ROWS = 4096  # sentences scored per matrix pass


def score_claims(sentences: pd.DataFrame, documents: pd.DataFrame, *, model: ClaimModel, nlp,
                 embedder, params) -> pd.DataFrame:
    """Add `is_claim`, `claim_score` and `content_lemmas` to every sentence row.

    Boilerplate is never a claim, and is not parsed (its content lemmas are empty).
    """
    out = sentences.copy()
    out["claim_score"] = 0.0
    out["is_claim"] = False
    out["content_lemmas"] = [[] for _ in range(len(out))]
    if out.empty:
        return out
    if "kind" not in out.columns:
        has_kinds = len(documents) and {"doc_id", "kind"} <= set(documents.columns)
        kinds = documents.set_index("doc_id")["kind"] if has_kinds else pd.Series(dtype=str)
        out["kind"] = out["doc_id"].map(kinds).fillna("article")
    mask = (out["role"] != "boilerplate").to_numpy()
    if mask.any():
        part = out.loc[mask]
        texts, roles, kinds = _frame_inputs(part)
        if model.mode == "rules":
            vectors = None
        elif hasattr(embedder, "start"):  # the embedder's workers encode while spaCy parses here
            vectors = embedder.start(texts)
        else:
            vectors = lambda: embedder.encode(texts)  # noqa: E731
        lemmas: list[list[str]] = []
        cues = cue_features(texts, roles, kinds, nlp, lemmas_out=lemmas)
        out.loc[mask, "content_lemmas"] = pd.Series(lemmas, index=out.index[mask], dtype=object)
        emb = np.zeros((len(texts), 0), dtype=np.float32) if vectors is None else vectors()
        # A few thousand rows at a time: the float64 design matrix of a 50k-sentence corpus is
        # 170 MB, and it was built twice. The row count is a multiple of BLAS's row blocks, so
        # every row meets the same kernel as in one pass.
        scores = np.concatenate([
            model.predict_proba(cues[i : i + SCORE_ROWS], np.asarray(emb[i : i + SCORE_ROWS], dtype=np.float64))
            for i in range(0, len(texts), SCORE_ROWS)
        ])
        pred = _apply_length_rule((scores >= model.threshold).astype(int), cues, params)
        out.loc[mask, "claim_score"] = np.round(scores, 6)
        out.loc[mask, "is_claim"] = pred.astype(bool)
    out["is_claim"] = out["is_claim"].astype(bool)
    logger.info("claims: %d of %d sentences", int(out["is_claim"].sum()), len(out))
    return out


def iter_chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
