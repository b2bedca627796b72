"""Stance of each claim: for every position in params, does the claim argue for it, against it, or neither.

A pair model reads (claim, position) through the sentence embeddings of both, from an encoder
fine-tuned for this task: a small network on [u*v, |u-v|, u, v] gives P(for), P(against),
P(neither). The positions are the label descriptions
(and example phrases) in `params.yaml`, so another debate brings its own labels with no code
change. A four-weight decision layer, shared by all labels and fitted on out-of-fold pair scores,
turns the pair scores of one claim into calibrated probabilities over the labels: the positions
and the neutral label. The pair model reads a claim's own words only; the context layer
(pipeline.stance_context) may then add the pull of its neighbours, heading and document, each read alone,
and `stance_own` keeps the label the claim's own words give.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.contrast import affirmed_part
from pipeline.errors import AnnotationError

RELATIONS = ("for", "against", "neither")
FOR, AGAINST, NEITHER = range(3)
DECISION_FEATURES = ("for_vs_neither", "against_vs_neither", "others_against", "neutral_bias")
STANCE_PREFIXES = ("pro-", "anti-", "con-", "pro_", "anti_", "con_")


@dataclass
class LabelSpace:
    """The label set from params: names, descriptions, example phrases and topic terms."""

    names: list[str]
    descriptions: list[str]
    examples: list[list[str]]
    terms: list[list[str]]
    neutral: str

    @classmethod
    def from_params(cls, stance_params) -> LabelSpace:
        labels = stance_params.labels
        return cls(
            names=[lab.name for lab in labels],
            descriptions=[lab.description for lab in labels],
            examples=[list(lab.examples or []) for lab in labels],
            terms=[list(lab.terms or []) or _terms_from_name(lab.name) for lab in labels],
            neutral=stance_params.neutral_label,
        )

    @classmethod
    def from_config(cls, lab: dict[str, Any]) -> LabelSpace:
        """The label set as a trained model's config.json stores it (`to_json`)."""
        return cls(lab["names"], lab["descriptions"], lab["examples"], lab["terms"], lab["neutral"])

    @property
    def neutral_index(self) -> int:
        return self.names.index(self.neutral)

    @property
    def positions(self) -> list[int]:
        """Indices of the labels that are positions (every label but the neutral one)."""
        return [k for k in range(len(self.names)) if k != self.neutral_index]

    def index(self, stances: Sequence[Any], where: Sequence[Any]) -> np.ndarray:
        """Label indices of `stances`; an unknown label fails naming `where` (file and line)."""
        lookup = {name: i for i, name in enumerate(self.names)}
        out = []
        for stance, at in zip(stances, where):
            if stance not in lookup:
                raise AnnotationError(
                    f"{at}: stance {stance!r} is not a label in params stance.labels "
                    f"({', '.join(self.names)}); fix the annotation or add the label to params.yaml")
            out.append(lookup[stance])
        return np.array(out, dtype=int)

    def to_json(self) -> dict[str, Any]:
        return {"names": self.names, "descriptions": self.descriptions, "examples": self.examples,
                "terms": self.terms, "neutral": self.neutral}


def _terms_from_name(name: str) -> list[str]:
    """'pro-sales' -> ['sales']: a label's own name says which topic it favours."""
    lowered = name.lower()
    for prefix in STANCE_PREFIXES:
        if lowered.startswith(prefix):
            return [lowered[len(prefix):].replace("_", " ").replace("-", " ")]
    return []


def clean_text(text: Any) -> str:
    """Whitespace collapsed; '' for a missing value."""
    return " ".join(str(text).split()) if isinstance(text, str) else ""


def claim_texts(frame: pd.DataFrame) -> list[str]:
    """Each claim's text, as the pair model reads it (its normalised text where there is one)."""
    if "norm_text" in frame.columns:
        return [clean_text(n) or clean_text(t) for n, t in zip(frame["norm_text"], frame["text"])]
    return [clean_text(t) for t in frame["text"]]


def encode_texts(embedder, texts: Sequence[str]) -> np.ndarray:
    """float32 vectors of `texts`, each distinct text encoded once, in sorted order (batch-stable)."""
    uniq = sorted(set(texts))
    if not uniq:
        return np.zeros((len(texts), 0), dtype=np.float32)
    vecs = np.asarray(embedder.encode(uniq), dtype=np.float32)
    at = {t: i for i, t in enumerate(uniq)}
    return vecs[[at[t] for t in texts]]


def position_vectors(labels: LabelSpace, embedder) -> np.ndarray:
    """One unit vector per position label: the mean of its description's and examples' vectors."""
    out = []
    for k in labels.positions:
        vecs = encode_texts(embedder, [labels.descriptions[k], *labels.examples[k]]).astype(np.float64)
        mean = vecs.mean(axis=0)
        out.append(mean / (np.linalg.norm(mean) or 1.0))
    return np.array(out, dtype=np.float32)


def pair_features(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """[u*v, |u-v|, u, v] per row: what the pair head reads of a text and a position."""
    return np.hstack([u * v, np.abs(u - v), u, v]).astype(np.float32)


def _log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def _softmax(z: np.ndarray) -> np.ndarray:
    return np.exp(_log_softmax(z))


# ----------------------------------------------------------------------------- the pair head


@dataclass
class PairHead:
    """A one-hidden-layer network over pair features -> logits of (for, against, neither)."""

    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray

    def log_proba(self, features: np.ndarray) -> np.ndarray:
        hidden = features.astype(np.float32) @ self.w1 + self.b1
        hidden = 0.5 * hidden * (1.0 + _erf(hidden / np.sqrt(2.0)))  # GELU, as trained
        return _log_softmax((hidden @ self.w2 + self.b2).astype(np.float64))

    def arrays(self) -> dict[str, np.ndarray]:
        return {"w1": self.w1, "b1": self.b1, "w2": self.w2, "b2": self.b2}


def _erf(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return erf(x).astype(np.float32)


# ----------------------------------------------------------------------------- the decision layer


def decision_inputs(log_pairs: np.ndarray) -> np.ndarray:
    """(n, n_positions, 3) pair log-probabilities -> (n, n_positions, 3) shared decision features."""
    for_vs = log_pairs[..., FOR] - log_pairs[..., NEITHER]
    against_vs = log_pairs[..., AGAINST] - log_pairs[..., NEITHER]
    n_pos = log_pairs.shape[1]
    others = (against_vs.sum(axis=1, keepdims=True) - against_vs) / max(n_pos - 1, 1)
    return np.stack([for_vs, against_vs, others], axis=-1)


def label_logits(log_pairs: np.ndarray, decision: np.ndarray, labels: LabelSpace) -> np.ndarray:
    """(n, n_labels) logits: each position from its pair scores, the neutral label a fitted bias."""
    x = decision_inputs(log_pairs)
    out = np.zeros((len(log_pairs), len(labels.names)))
    out[:, labels.positions] = x @ decision[:3]
    out[:, labels.neutral_index] = decision[3]
    return out


def fit_decision(log_pairs: np.ndarray, y: np.ndarray, labels: LabelSpace, weight: np.ndarray | None = None,
                 l2: float = 1e-3) -> np.ndarray:
    """The four decision weights minimising the (weighted) NLL of held-out pair scores."""
    from scipy.optimize import minimize

    weight = np.ones(len(y)) if weight is None else weight
    x = decision_inputs(log_pairs)
    pos, neutral = labels.positions, labels.neutral_index

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        z = np.zeros((len(y), len(labels.names)))
        z[:, pos] = x @ theta[:3]
        z[:, neutral] = theta[3]
        logp = _log_softmax(z)
        total = weight.sum()
        value = -(weight * logp[np.arange(len(y)), y]).sum() / total + l2 * (theta[:3] ** 2).sum()
        g_z = np.exp(logp)
        g_z[np.arange(len(y)), y] -= 1.0
        g_z *= (weight / total)[:, None]
        grad = np.zeros(4)
        grad[:3] = np.einsum("np,npf->f", g_z[:, pos], x) + 2 * l2 * theta[:3]
        grad[3] = g_z[:, neutral].sum()
        return value, grad

    result = minimize(loss, np.array([1.0, 0.0, 0.0, 0.0]), jac=True, method="L-BFGS-B")
    return result.x


# ----------------------------------------------------------------------------- the model


ENCODER_DIR = "encoder"  # the fine-tuned sentence encoder, inside the model folder


@dataclass
class StanceModel:
    """The pair head, the decision weights and the label set they were fitted for (.npz + JSON).

    The texts and positions it reads are embedded by its own fine-tuned encoder, saved beside
    it in `encoder/` (safetensors); `encoder_path` says where to load it from."""

    labels: LabelSpace
    head: PairHead
    decision: np.ndarray  # (4,) DECISION_FEATURES
    base_model: str
    card: dict[str, Any] = field(default_factory=dict)

    def pair_log_proba(self, text_vecs: np.ndarray, position_vecs: np.ndarray) -> np.ndarray:
        """(n, n_positions, 3) log P(for/against/neither) of every text towards every position."""
        n, n_pos = len(text_vecs), len(position_vecs)
        if n == 0 or n_pos == 0:
            return np.zeros((n, n_pos, len(RELATIONS)))
        u = np.repeat(text_vecs, n_pos, axis=0)
        v = np.tile(position_vecs, (n, 1))
        return self.head.log_proba(pair_features(u, v)).reshape(n, n_pos, len(RELATIONS))

    def predict_proba(self, text_vecs: np.ndarray, position_vecs: np.ndarray, labels: LabelSpace) -> np.ndarray:
        """(n, n_labels) calibrated label probabilities for a label set (the model's or another)."""
        return _softmax(label_logits(self.pair_log_proba(text_vecs, position_vecs), self.decision, labels))

    def save(self, directory: str | Path) -> None:
        from pipeline.io import write_model_dir

        write_model_dir(directory, "Stance pair model", {**self.head.arrays(), "decision": self.decision}, {
            "kind": "pair", "relations": list(RELATIONS), "decision_features": list(DECISION_FEATURES),
            "labels": self.labels.to_json(), "base_model": self.base_model, "encoder": ENCODER_DIR,
        }, self.card)

    @classmethod
    def load(cls, directory: str | Path) -> StanceModel:
        from pipeline.io import InputError, read_model_dir

        config, card, npz = read_model_dir(
            directory, "no stance model here; run `argmap train_stance` (or dvc repro) first"
        )
        if config.get("kind") != "pair" or config.get("decision_features") != list(DECISION_FEATURES):
            raise InputError(f"{directory}: stance model of another kind; retrain it with `dvc repro -f train_stance`")
        if not (Path(directory) / ENCODER_DIR / "config.json").is_file():
            raise InputError(f"{directory}: the stance model's encoder/ folder is missing; retrain it with "
                             "`dvc repro -f train_stance`")
        head = PairHead(npz["w1"], npz["b1"], npz["w2"], npz["b2"])
        return cls(LabelSpace.from_config(config["labels"]), head, npz["decision"], config["base_model"], card)

    @staticmethod
    def encoder_path(directory: str | Path) -> Path:
        return Path(directory) / ENCODER_DIR


# ----------------------------------------------------------------------------- metrics


def macro_f1(y: np.ndarray, pred: np.ndarray, n_labels: int, present_only: bool = True) -> float:
    f1s = [_f1_for(y, pred, k) for k in range(n_labels) if not present_only or np.any(y == k)]
    return float(np.mean(f1s)) if f1s else 0.0


def _f1_for(y, pred, k) -> float:
    tp = np.sum((y == k) & (pred == k))
    wrong = np.sum((y == k) != (pred == k))
    return float(2 * tp / (2 * tp + wrong)) if tp + wrong else 0.0


def reliability(probs: np.ndarray, y: np.ndarray, bins: int = 10) -> tuple[float, pd.DataFrame]:
    """Expected calibration error (top label) and the per-bin table for a reliability plot."""
    conf = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == y).astype(float)
    edges = np.linspace(0, 1, bins + 1)
    rows, ece = [], 0.0
    for b in range(bins):
        m = (conf > edges[b]) & (conf <= edges[b + 1]) if b else (conf >= 0) & (conf <= edges[1])
        if not m.any():
            continue  # empty bins carry no point for the plot
        ece += m.sum() / len(y) * abs(conf[m].mean() - correct[m].mean())
        rows.append({"bin": round(float((edges[b] + edges[b + 1]) / 2), 3),
                     "confidence": round(float(conf[m].mean()), 4),
                     "accuracy": round(float(correct[m].mean()), 4), "count": int(m.sum())})
    return float(ece), pd.DataFrame(rows, columns=["bin", "confidence", "accuracy", "count"])


def label_scores(y: np.ndarray, probs: np.ndarray, names: Sequence[str]) -> dict[str, Any]:
    """Macro-F1, accuracy, per-label F1, ECE and the confusion matrix of label predictions."""
    pred = probs.argmax(axis=1)
    n = len(names)
    confusion = np.zeros((n, n), dtype=int)
    np.add.at(confusion, (y, pred), 1)
    return {
        "n": len(y),
        "macro_f1": round(macro_f1(y, pred, n), 4),
        "accuracy": round(float((y == pred).mean()), 4) if len(y) else None,
        "per_label_f1": {names[k]: round(_f1_for(y, pred, k), 4) for k in range(n)},
        "ece": round(reliability(probs, y)[0], 4) if len(y) else None,
        "confusion": {"labels": list(names), "rows_actual_cols_predicted": confusion.tolist()},
    }


# ----------------------------------------------------------------------------- tagging


def rows_to_read(sentences: pd.DataFrame, labels: LabelSpace, context=None):
    """What tagging a thread's claims reads, as positions: (the rows of `sentences` in reading
    order; then, counted in that order, each row's neighbours or None when no context applies, the
    claims, and the rows whose text is encoded: the claims and their neighbours)."""
    doc = sentences["doc_id"].to_numpy(dtype=object)
    order = np.lexsort((sentences["start_char"].to_numpy(), pd.factorize(doc, sort=True)[0]))  # stable
    claim_rows = np.flatnonzero(sentences["is_claim"].to_numpy(dtype=bool)[order])
    if context is None or not context.fits(labels):
        return order, None, claim_rows, claim_rows
    index = context.neighbours(doc[order], sentences["block_id"].to_numpy(dtype=object)[order],
                               sentences["role"].to_numpy(dtype=object)[order])
    near = index[claim_rows]
    return order, index, claim_rows, np.union1d(claim_rows, near[near >= 0])


def read_own_words(texts: list[str], *, model: StanceModel, embedder, positions: np.ndarray, labels: LabelSpace,
                   ngrams=None, affirmed_weight: float = 0.0, topic=None, topic_weight: float = 0.0) -> np.ndarray:
    """(n, labels) what each text's own words say: the pair model's label probabilities, with the
    n-gram layer's (pipeline.stance_ngrams.NgramLayer) added when one is given. A text that sets
    what it argues against what it rejects is read by the pair model as `affirmed_weight` of its
    affirmed part (pipeline.contrast.affirmed_part) and the rest of the whole text. Last, the topic
    gate (pipeline.stance_topic.TopicGate), when one is given, moves a text it finds off-debate
    towards neutral by `topic_weight`."""
    vectors = encode_texts(embedder, texts)
    own = model.predict_proba(vectors, positions, labels)
    if affirmed_weight > 0:
        parts = {i: part for i, part in enumerate(map(affirmed_part, texts)) if part}
        if parts:
            rows = list(parts)
            read = model.predict_proba(encode_texts(embedder, list(parts.values())), positions, labels)
            own[rows] = (1 - affirmed_weight) * own[rows] + affirmed_weight * read
    if ngrams is not None:
        own = ngrams.apply(own, texts, labels)
    return own if topic is None else topic.apply(own, vectors, labels, topic_weight)


def tag_stances(sentences: pd.DataFrame, *, model: StanceModel, embedder, labels: LabelSpace,
                positions: np.ndarray | None = None, ngrams=None, context=None,
                affirmed_weight: float = 0.0, topic=None, topic_weight: float = 0.0) -> pd.DataFrame:
    """One row per claim: stance label, its probability, every label's probability (JSON) and the
    label its own words give (`stance_own`).

    `sentences` are a thread's sentences (columns doc_id, block_id, role, start_char, is_claim and
    the text); only the claims are tagged. `labels` is the label set in params: the pair model reads
    each label's description and examples, so a label set the model never saw in training works as
    it is. `positions` are their vectors (`position_vectors`), passed in when a stage tags many units
    with one label set. `ngrams` (pipeline.stance_ngrams.NgramLayer) adds what a claim's word order
    says to the pair model's reading of it, when it was trained for this label set. `context`
    (pipeline.stance_context.ContextLayer) adds the pull of each claim's neighbours, heading and document,
    read alone too; without it, or when it was fitted for another label set, a claim's own words
    alone decide. `affirmed_weight`, `topic` and `topic_weight` are read_own_words'.
    """
    columns = ["sentence_id", "stance", "stance_score", "stance_probs", "stance_own"]
    order, index, claim_rows, read = rows_to_read(sentences, labels, context)
    if not len(claim_rows):
        return pd.DataFrame({c: pd.Series(dtype=float if c == "stance_score" else object) for c in columns})
    if positions is None:
        positions = position_vectors(labels, embedder)
    texts = claim_texts(sentences)
    own = np.zeros((len(order), len(labels.names)))  # rows no claim reads stay zero, unused
    own[read] = read_own_words([texts[i] for i in order[read]], model=model, embedder=embedder,
                               positions=positions, labels=labels, ngrams=ngrams,
                               affirmed_weight=affirmed_weight, topic=topic, topic_weight=topic_weight)
    if index is None:
        probs = own
    else:
        docs = context.documents(sentences["doc_id"].to_numpy(dtype=object)[order],
                                 sentences["is_claim"].to_numpy(dtype=bool)[order],
                                 sentences["role"].to_numpy(dtype=object)[order])
        probs = context.apply(own, index, context.word_counts([texts[i] for i in order]), labels, docs)
    own, probs = own[claim_rows], probs[claim_rows]
    ids = sentences["sentence_id"].astype(str).to_numpy()[order[claim_rows]]
    pick = probs.argmax(axis=1)
    by_name = sorted(range(len(labels.names)), key=lambda k: labels.names[k])
    return pd.DataFrame({
        "sentence_id": ids,
        "stance": [labels.names[k] for k in pick],
        "stance_score": np.round(probs[np.arange(len(pick)), pick], 6),
        "stance_probs": [json.dumps({labels.names[k]: round(float(p[k]), 6) for k in by_name}) for p in probs],
        "stance_own": [labels.names[k] for k in own.argmax(axis=1)],
    })
