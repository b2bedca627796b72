"""Stance of each claim: which position (a label from params) it argues, with calibrated probabilities.

The model scores every (claim, label) pair with features that do not depend on which label it is
(similarity to the label's description and example phrases, in the sentence, its paragraph, its
document and the title it answers; mentions of the label's terms, plain or negated) and learns one
weight per feature, shared by all labels, plus a few features that only the neutral label gets.
Sharing the weights is what lets it name a position that no training document argued, and lets
another debate bring its own label set. An optional per-label linear head on the sentence
embedding (and its product with the title's) covers label sets whose descriptions say little,
such as pro/con on a motion. A temperature fitted on out-of-fold scores calibrates the output.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.errors import AnnotationError

logger = logging.getLogger(__name__)

SHARED_FEATURES = [
    "sim_description", "sim_example_max", "sim_centroid", "block_sim_centroid", "sentence_prior", "doc_prior",
    "title_prior", "parent_prior", "term_mention", "term_negated", "other_term_negated",
    "term_in_subject",
]
NEUTRAL_FEATURES = [
    "neutral_bias", "neutral_question", "neutral_narration", "neutral_no_modal",
    "neutral_balanced_terms", "neutral_zero_shot_margin", "neutral_first_person",
]
FEATURES = SHARED_FEATURES + NEUTRAL_FEATURES
# Signs the weights may take: evidence for a label never counts against it (a negated mention of
# its terms never counts for it). A prior from how the features are built, not fitted; with a few
# hundred training claims it keeps the model from learning a page's quirks backwards.
FEATURE_SIGNS = {
    "sim_description": 1, "sim_example_max": 1, "sim_centroid": 1, "block_sim_centroid": 1,
    "sentence_prior": 1, "doc_prior": 1, "title_prior": 1, "parent_prior": 1,
    "term_mention": 1, "term_negated": -1, "other_term_negated": 1,
}
ZERO_SHOT_TEMPERATURE = 0.05
STANCE_PREFIXES = ("pro-", "anti-", "con-", "pro_", "anti_", "con_")

# Zero-shot weights (model=None): label similarity, sharpened, plus the term cues. Set by hand.
ZERO_SHOT_WEIGHTS = {
    "sim_centroid": 1.0, "block_sim_centroid": 0.3, "term_mention": 0.5, "term_negated": -1.5,
    "other_term_negated": 0.7, "doc_prior": 1.0,
}


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
            examples=[list(getattr(lab, "examples", []) or []) for lab in labels],
            terms=[list(getattr(lab, "terms", []) or []) or _terms_from_name(lab.name) for lab in labels],
            neutral=stance_params.neutral_label,
        )

    @classmethod
    def from_config(cls, lab: dict[str, Any]) -> LabelSpace:
        """The label set as a trained model's config.json stores it (`to_json`)."""
        return cls(lab["names"], lab["descriptions"], lab["examples"], lab["terms"], lab["neutral"])

    @property
    def neutral_index(self) -> int:
        return self.names.index(self.neutral)

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


@dataclass
class StanceModel:
    """Shared feature weights (+ optional per-label embedding head) and a temperature; .npz + JSON."""

    labels: LabelSpace
    weights: np.ndarray  # (n_features,)
    head: np.ndarray  # (n_labels, head_dim) or (n_labels, 0)
    temperature: float
    embedding_model: str
    card: dict[str, Any] = field(default_factory=dict)

    def save(self, directory: str | Path) -> None:
        from pipeline.claims import _card_markdown
        from pipeline.io import atomic_path, write_json, write_text

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        with atomic_path(directory / "weights.npz") as tmp, open(tmp, "wb") as fh:
            np.savez(fh, weights=self.weights, head=self.head,
                     temperature=np.array([self.temperature]))
        write_json(directory / "config.json", {
            "labels": self.labels.to_json(), "features": FEATURES,
            "embedding_model": self.embedding_model,
        })
        write_json(directory / "model_card.json", self.card)
        write_text(directory / "model_card.md", _card_markdown("Stance tagger", self.card))

    @classmethod
    def load(cls, directory: str | Path) -> StanceModel:
        from pipeline.io import InputError, read_model_dir

        config, card, npz = read_model_dir(
            directory, "no stance model here; run `argmap train_stance` (or dvc repro) first"
        )
        if config.get("features") != FEATURES:
            raise InputError(f"{directory}: stance model was trained with other features; retrain it")
        return cls(LabelSpace.from_config(config["labels"]), npz["weights"], npz["head"], float(npz["temperature"][0]),
                   config["embedding_model"], card)


# ----------------------------------------------------------------------------- features


@dataclass
class StanceInputs:
    """Everything the scorer needs for a batch of claims (features computed once, reused in CV)."""

    x: np.ndarray  # (n, n_labels, n_features)
    head_x: np.ndarray  # (n, head_dim)
    groups: np.ndarray  # page of each claim (for leave-one-document-out)


def clean_text(text: Any) -> str:
    """Whitespace collapsed; '' for a missing value."""
    return " ".join(str(text).split()) if isinstance(text, str) else ""


def _sentence_texts(frame: pd.DataFrame) -> list[str]:
    if "norm_text" in frame.columns:
        return [clean_text(n) or clean_text(t) for n, t in zip(frame["norm_text"], frame["text"])]
    return [clean_text(t) for t in frame["text"]]


def _encode_unique(embedder, texts: Sequence[str]) -> np.ndarray:
    uniq = sorted(set(texts))
    if not uniq:
        return np.zeros((len(texts), 0), dtype=np.float64)
    vecs = np.asarray(embedder.encode(uniq), dtype=np.float64)
    index = {t: i for i, t in enumerate(uniq)}
    return vecs[[index[t] for t in texts]]


def claim_texts(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(each claim's text, its paragraph's text) as the stance features read them."""
    texts = _sentence_texts(frame)
    blocks = [clean_text(b) or t for b, t in zip(frame.get("block_text", pd.Series(texts)), texts)]
    return texts, blocks


def anchor_texts(descriptions: Sequence[str], examples: Sequence[Sequence[str]]) -> list[str]:
    """Every text the label anchors embed: each label's description and its example phrases."""
    return [text for desc, phrases in zip(descriptions, examples) for text in [desc, *phrases]]


def _label_anchors(labels: LabelSpace, embedder) -> dict[str, np.ndarray]:
    descs = np.asarray(embedder.encode(labels.descriptions), dtype=np.float64)
    centroids, example_sets = [], []
    for k in range(len(labels.names)):
        texts = [labels.descriptions[k]] + labels.examples[k]
        vecs = np.asarray(embedder.encode(texts), dtype=np.float64)
        example_sets.append(vecs)
        c = vecs.mean(axis=0)
        centroids.append(c / (np.linalg.norm(c) or 1.0))
    return {"desc": descs, "centroid": np.stack(centroids), "examples": example_sets}


def _softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def _cue_values(texts: Sequence[str], nlp) -> list[tuple[list[float], list[str], list[tuple[str, str, int]]]]:
    """Each text's parse record (pipeline/cues.py): a cached pipeline reads what the sentences
    stage stored, so no Doc is built; a plain spaCy pipeline parses."""
    from pipeline.cues import cue_record, doc_cue_values, read_cue_record

    texts = list(texts)
    if hasattr(nlp, "derive"):
        return [read_cue_record(r) for r in nlp.derive(texts, cue_record)]
    return [doc_cue_values(doc) for doc in nlp.pipe(texts, batch_size=64)]


def _term_cues(values, labels: LabelSpace) -> np.ndarray:
    """Per sentence and label: [mentions, negated mentions, mentions as a clause subject]."""
    from pipeline.cues import IN_SUBJECT, NEGATED

    term_sets = [{t.lower() for t in terms} for terms in labels.terms]
    out = np.zeros((len(values), len(labels.names), 3))
    for i, (_, _, tokens) in enumerate(values):
        for lower, lemma, flags in tokens:
            forms = {lower, lemma}
            for k, terms in enumerate(term_sets):
                if not terms or not forms & terms:
                    continue
                out[i, k, 0] += 1
                if flags & NEGATED:
                    out[i, k, 1] += 1
                if flags & IN_SUBJECT:
                    out[i, k, 2] += 1
    return np.minimum(out, 2.0)


def _claim_cues(values) -> np.ndarray:
    """[question, narration, no modal/evaluative, first person] per sentence."""
    from pipeline.cues import SENTENCE_FEATURE_NAMES

    rows = np.array([features for features, _, _ in values], dtype=np.float64)
    rows = rows.reshape(len(values), len(SENTENCE_FEATURE_NAMES))
    col = {n: j for j, n in enumerate(SENTENCE_FEATURE_NAMES)}
    opinion = rows[:, [col["modal"], col["evaluative"], col["comparative"], col["superlative"],
                       col["negation"]]].max(axis=1)
    return np.stack([rows[:, col["question"]], rows[:, col["first_person_narration"]],
                     1.0 - opinion, rows[:, col["first_person_sg"]]], axis=1)


def _root_titles(doc_ids: Sequence[str], documents: pd.DataFrame) -> list[str]:
    """An article's own title; a comment's is the title of the article it hangs under."""
    if documents is None or not len(documents):
        return [""] * len(doc_ids)
    frame = documents.drop_duplicates("doc_id").set_index("doc_id")
    titles = frame["title"].to_dict() if "title" in frame.columns else {}
    parents = frame["parent_doc_id"].to_dict() if "parent_doc_id" in frame.columns else {}
    out = []
    for d in doc_ids:
        seen: set[str] = set()
        title = ""
        while isinstance(d, str) and d not in seen:
            seen.add(d)
            if isinstance(titles.get(d), str) and titles[d].strip():
                title = clean_text(titles[d])
                break
            d = parents.get(d)
        out.append(title)
    return out


def _topical_mask(labels: LabelSpace) -> np.ndarray:
    return np.array([k != labels.neutral_index for k in range(len(labels.names))])


def _evidence(emb: np.ndarray, terms: np.ndarray, anchors: dict, labels: LabelSpace) -> np.ndarray:
    """Zero-shot logits per label from one text: label similarity plus its term cues."""
    mention, negated = terms[..., 0], terms[..., 1]
    topical = _topical_mask(labels)
    other_negated = np.zeros_like(negated)
    for k in np.flatnonzero(topical):
        others = topical.copy()
        others[k] = False
        other_negated[:, k] = negated[:, others].sum(axis=1)
    w = ZERO_SHOT_WEIGHTS
    similarity = emb @ anchors["centroid"].T / ZERO_SHOT_TEMPERATURE
    return (w["sim_centroid"] * similarity + w["term_mention"] * (mention - negated)
            + w["term_negated"] * negated + w["other_term_negated"] * other_negated)


def _topical_softmax(logits: np.ndarray, labels: LabelSpace) -> np.ndarray:
    topical = _topical_mask(labels)
    out = np.zeros_like(logits)
    if topical.any():
        out[:, topical] = _softmax(logits[:, topical])
    return out


def _log_prior(prior: np.ndarray) -> np.ndarray:
    """Log-probabilities (floored at 1e-3); 0 where there is no prior (neutral, no title, no parent)."""
    return np.where(prior > 0, np.log(np.clip(prior, 1e-3, 1.0)), 0.0)


def build_inputs(claims: pd.DataFrame, documents: pd.DataFrame, labels: LabelSpace, *, embedder,
                 nlp, with_head: bool) -> StanceInputs:
    """Features for every (claim, label) pair from the claim, its paragraph, document and parent."""
    n, n_labels = len(claims), len(labels.names)
    texts, blocks = claim_texts(claims)
    anchors = _label_anchors(labels, embedder)
    emb = _encode_unique(embedder, texts)
    block_emb = emb if blocks == texts else _encode_unique(embedder, blocks)
    parsed = _cue_values(texts, nlp)
    terms = _term_cues(parsed, labels)

    sim_desc = emb @ anchors["desc"].T
    sim_cent = emb @ anchors["centroid"].T
    sim_max = np.stack([(emb @ e.T).max(axis=1) for e in anchors["examples"]], axis=1)
    block_cent = block_emb @ anchors["centroid"].T
    sentence_prior = _topical_softmax(_evidence(emb, terms, anchors, labels), labels)

    doc_ids = [str(d) for d in claims["doc_id"]]
    titles = _root_titles(doc_ids, documents)
    unique_titles = sorted({t for t in titles if t})
    title_prior_of: dict[str, np.ndarray] = {}
    title_emb_of: dict[str, np.ndarray] = {}
    if unique_titles:
        t_emb = np.asarray(embedder.encode(unique_titles), dtype=np.float64)
        t_terms = _term_cues(_cue_values(unique_titles, nlp), labels)
        t_prior = _topical_softmax(_evidence(t_emb, t_terms, anchors, labels), labels)
        title_prior_of = dict(zip(unique_titles, t_prior))
        title_emb_of = dict(zip(unique_titles, t_emb))
    title_prior = np.array([title_prior_of.get(t, np.zeros(n_labels)) for t in titles]).reshape(n, n_labels)

    # A document's lean: the mean zero-shot evidence of its claims, with its title counted twice.
    rows_of: dict[str, list[int]] = {}
    for i, d in enumerate(doc_ids):
        rows_of.setdefault(d, []).append(i)
    prior_by_doc: dict[str, np.ndarray] = {}
    own_title = dict(zip(doc_ids, titles))
    for d in sorted(rows_of):
        parts = [sentence_prior[rows_of[d]]]  # the document's claims, in order (one mask per document was quadratic)
        title = own_title[d]
        if title and title in title_prior_of:
            parts.append(np.repeat(title_prior_of[title][None, :], 2, axis=0))
        prior_by_doc[d] = np.vstack(parts).mean(axis=0)
    doc_prior = np.array([prior_by_doc[d] for d in doc_ids]).reshape(n, n_labels)
    parent_prior = np.zeros((n, n_labels))
    if documents is not None and len(documents) and "parent_doc_id" in documents.columns:
        parents = documents.drop_duplicates("doc_id").set_index("doc_id")["parent_doc_id"].to_dict()
        for i, d in enumerate(doc_ids):
            parent = parents.get(d)
            if isinstance(parent, str) and parent in prior_by_doc:
                parent_prior[i] = prior_by_doc[parent]

    mention, negated, subject = terms[..., 0], terms[..., 1], terms[..., 2]
    topical = _topical_mask(labels)
    other_negated = np.zeros((n, n_labels))
    for k in np.flatnonzero(topical):
        others = topical.copy()
        others[k] = False
        other_negated[:, k] = negated[:, others].sum(axis=1)

    x = np.zeros((n, n_labels, len(FEATURES)))
    scale = 1.0 / ZERO_SHOT_TEMPERATURE  # similarities on the zero-shot logit scale
    priors = [_log_prior(p) for p in (sentence_prior, doc_prior, title_prior, parent_prior)]
    shared = [scale * sim_desc, scale * sim_max, scale * sim_cent, scale * block_cent, *priors,
              mention - negated, negated, other_negated, subject]
    for j, values in enumerate(shared):
        x[:, :, j] = values
    cues = _claim_cues(parsed)
    top = np.sort(sentence_prior[:, topical], axis=1) if topical.sum() >= 2 else np.zeros((n, 2))
    margin = top[:, -1] - top[:, -2]
    balanced = ((mention - negated)[:, topical] > 0).sum(axis=1) >= 2
    nk = labels.neutral_index
    base = len(SHARED_FEATURES)
    x[:, nk, base + 0] = 1.0
    x[:, nk, base + 1] = cues[:, 0]
    x[:, nk, base + 2] = cues[:, 1]
    x[:, nk, base + 3] = cues[:, 2]
    x[:, nk, base + 4] = balanced.astype(float)
    x[:, nk, base + 5] = margin
    x[:, nk, base + 6] = cues[:, 3]

    if with_head:
        dim = emb.shape[1]
        title_emb = np.array([title_emb_of.get(t, np.zeros(dim)) for t in titles]).reshape(n, dim)
        head_x = np.hstack([emb, emb * title_emb])
    else:
        head_x = np.zeros((n, 0))
    groups = (claims["source"] if "source" in claims.columns else claims["doc_id"]).astype(str).to_numpy()
    return StanceInputs(x=x, head_x=head_x, groups=groups)


# ----------------------------------------------------------------------------- fitting


def _scores(weights: np.ndarray, head: np.ndarray, inputs: StanceInputs, rows=slice(None)) -> np.ndarray:
    s = inputs.x[rows] @ weights
    if head.size:
        s = s + inputs.head_x[rows] @ head.T
    return s


def fit_weights(inputs: StanceInputs, targets: np.ndarray, sample_weight: np.ndarray, *, C: float,
                head_C: float, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Minimise weighted cross-entropy (soft targets) + L2 within FEATURE_SIGNS; the neutral bias
    is not penalised."""
    rows = np.arange(len(targets)) if rows is None else rows
    x, t, sw = inputs.x[rows], targets[rows], sample_weight[rows]
    hx = inputs.head_x[rows]
    _, n_labels, n_feat = x.shape
    use_head = head_C > 0 and hx.shape[1] > 0
    head_dim = hx.shape[1] if use_head else 0
    penalty = np.ones(n_feat) / C
    penalty[FEATURES.index("neutral_bias")] = 0.0
    total = sw.sum() or 1.0

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w = theta[:n_feat]
        h = theta[n_feat:].reshape(n_labels, head_dim)
        s = x @ w + (hx @ h.T if use_head else 0.0)
        p = _softmax(s)
        logp = np.log(np.clip(p, 1e-12, 1.0))
        nll = -(sw[:, None] * t * logp).sum() / total
        g_s = sw[:, None] * (p * t.sum(axis=1, keepdims=True) - t) / total
        g_w = np.einsum("nk,nkf->f", g_s, x) + penalty * w / total
        value = nll + 0.5 * (penalty * w * w).sum() / total
        if use_head:
            g_h = g_s.T @ hx + h / (head_C * total)
            value += 0.5 * (h * h).sum() / (head_C * total)
            return value, np.concatenate([g_w, g_h.ravel()])
        return value, g_w

    from scipy.optimize import minimize  # here, not at import: relate and the sentences stage import this module

    theta0 = np.zeros(n_feat + n_labels * head_dim)
    sign_bounds = {1: (0.0, None), -1: (None, 0.0)}
    bounds = [sign_bounds.get(FEATURE_SIGNS.get(f, 0), (None, None)) for f in FEATURES]
    bounds += [(None, None)] * (n_labels * head_dim)
    result = minimize(loss, theta0, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 500})
    w = result.x[:n_feat]
    head = result.x[n_feat:].reshape(n_labels, head_dim) if use_head else np.zeros((n_labels, 0))
    return w, head


def fit_temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """The temperature minimising the NLL of out-of-fold scores (searched on a log grid)."""
    if len(y) == 0:
        return 1.0
    grid = np.exp(np.linspace(np.log(0.05), np.log(20.0), 200))
    nll = [(-np.log(np.clip(_softmax(scores / t)[np.arange(len(y)), y], 1e-12, 1))).mean() for t in grid]
    return float(grid[int(np.argmin(nll))])


def _targets(y: np.ndarray, n_labels: int, neutral: int, smoothing: float) -> np.ndarray:
    t = np.zeros((len(y), n_labels))
    t[np.arange(len(y)), y] = 1.0 - smoothing
    t[:, neutral] += smoothing
    return t


def _label_indices(stances: Sequence[Any], labels: LabelSpace, lines: Sequence[Any]) -> np.ndarray:
    index = {name: i for i, name in enumerate(labels.names)}
    out = []
    for stance, line in zip(stances, lines):
        if stance not in index:
            raise AnnotationError(
                f"annotations line {line}: stance {stance!r} is not a label in params stance.labels "
                f"({', '.join(labels.names)}); fix the annotation or add the label to params.yaml")
        out.append(index[stance])
    return np.array(out, dtype=int)


def macro_f1(y: np.ndarray, pred: np.ndarray, n_labels: int, present_only: bool = True) -> float:
    f1s = []
    for k in range(n_labels):
        tp = np.sum((y == k) & (pred == k))
        fp = np.sum((y != k) & (pred == k))
        fn = np.sum((y == k) & (pred != k))
        if present_only and not np.any(y == k):
            continue
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    return float(np.mean(f1s)) if f1s else 0.0


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


def _zero_shot_weights() -> np.ndarray:
    return np.array([ZERO_SHOT_WEIGHTS.get(f, 0.0) for f in FEATURES])


def _train_cfg(params):
    return params.train_stance


def train_stance_model(rows: pd.DataFrame, documents: pd.DataFrame, *, embedder, params,
                       nlp=None) -> tuple[StanceModel, dict]:
    """Fit the stance model on annotated claims; metrics by leave-one-document-out (whole pages).

    `rows` is a sentence frame with `gold_stance` (or `stance`), `is_claim`, `confidence` and the
    usual context columns. Only claims are used: stance is only ever asked of claims.
    """
    cfg = _train_cfg(params)
    labels = LabelSpace.from_params(params.stance)
    stance_col = "gold_stance" if "gold_stance" in rows.columns else "stance"
    lines = rows["annotation_line"] if "annotation_line" in rows.columns else rows.index + 2
    y_all = _label_indices(rows[stance_col].tolist(), labels, lines.tolist())
    keep = (rows["is_claim"].astype(int) == 1).to_numpy() if "is_claim" in rows.columns else np.ones(len(rows), bool)
    data = rows[keep].reset_index(drop=True)
    y = y_all[keep]
    if data.empty:
        raise AnnotationError("no annotated claims to train the stance model on")
    nlp = nlp if nlp is not None else _default_nlp(params)
    inputs = build_inputs(data, documents, labels, embedder=embedder, nlp=nlp, with_head=cfg.head_C > 0)
    high = (data["confidence"].astype(str) == "high").to_numpy() if "confidence" in data else np.ones(len(y), bool)
    sw = np.where(high, 1.0, cfg.low_confidence_weight)
    targets = _targets(y, len(labels.names), labels.neutral_index, cfg.neutral_smoothing)

    def fit_calibrated(train_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
        w, h = fit_weights(inputs, targets, sw, C=cfg.C, head_C=cfg.head_C, rows=train_rows)
        # temperature from inner leave-one-document-out scores of the training pages only
        groups = inputs.groups[train_rows]
        inner_scores, inner_y = [], []
        for g in sorted(set(groups)):
            inner_test = train_rows[groups == g]
            inner_train = train_rows[groups != g]
            if len(inner_train) == 0:
                continue
            wi, hi = fit_weights(inputs, targets, sw, C=cfg.C, head_C=cfg.head_C, rows=inner_train)
            inner_scores.append(_scores(wi, hi, inputs, inner_test))
            inner_y.append(y[inner_test])
        temp = fit_temperature(np.vstack(inner_scores), np.concatenate(inner_y)) if inner_scores else 1.0
        return w, h, temp

    n_labels = len(labels.names)
    oof = np.zeros((len(y), n_labels))
    zero = _softmax(inputs.x @ _zero_shot_weights())
    for g in sorted(set(inputs.groups)):
        test = np.flatnonzero(inputs.groups == g)
        train = np.flatnonzero(inputs.groups != g)
        w, h, temp = fit_calibrated(train)
        oof[test] = _softmax(_scores(w, h, inputs, test) / temp)
    pred = oof.argmax(axis=1)
    metrics = _stance_metrics(y, pred, oof, high, labels)
    metrics["zero_shot"] = _stance_metrics(y, zero.argmax(axis=1), zero, high, labels, brief=True)
    ece, table = reliability(oof, y)
    metrics["ece"] = round(ece, 4)
    metrics["ece_high"] = round(reliability(oof[high], y[high])[0], 4) if high.any() else None

    w, h, temp = fit_calibrated(np.arange(len(y)))
    name = getattr(embedder, "name", "unknown")
    confusion = pd.concat([
        pd.DataFrame({"subset": "high", "actual": [labels.names[i] for i in y[high]],
                      "predicted": [labels.names[i] for i in pred[high]]}),
        pd.DataFrame({"subset": "all", "actual": [labels.names[i] for i in y],
                      "predicted": [labels.names[i] for i in pred]}),
    ], ignore_index=True)
    card = {
        "task": "stance of claims",
        "label_set": labels.to_json(),
        "training_data": {"claims": len(y), "high_confidence": int(high.sum()),
                          "pages": sorted(set(inputs.groups.tolist())),
                          "per_label": {labels.names[k]: int((y == k).sum()) for k in range(n_labels)}},
        "embedding_model": name,
        "features": FEATURES,
        "weights": {f: round(float(v), 4) for f, v in zip(FEATURES, w)},
        "embedding_head": bool(h.size),
        "temperature": round(temp, 4),
        "hyperparameters": {"C": cfg.C, "head_C": cfg.head_C,
                            "low_confidence_weight": cfg.low_confidence_weight,
                            "neutral_smoothing": cfg.neutral_smoothing},
        "metrics_lodo": {k: v for k, v in metrics.items()},
    }
    model = StanceModel(labels, w, h, temp, name, card)
    metrics["_plots"] = {"confusion": confusion, "reliability": table}
    model.oof = oof  # type: ignore[attr-defined]  # for error analysis only
    model.train_rows = data  # type: ignore[attr-defined]
    return model, metrics


def _stance_metrics(y, pred, probs, high, labels: LabelSpace, brief: bool = False) -> dict:
    n_labels = len(labels.names)
    out = {
        "macro_f1_high": round(macro_f1(y[high], pred[high], n_labels), 4),
        "accuracy_high": round(float((y[high] == pred[high]).mean()), 4) if high.any() else None,
        "macro_f1_all": round(macro_f1(y, pred, n_labels), 4),
        "accuracy_all": round(float((y == pred).mean()), 4),
    }
    if brief:
        return out
    out.update({
        "n_high": int(high.sum()), "n_all": len(y),
        "per_label_f1_high": {labels.names[k]: round(_f1_for(y[high], pred[high], k), 4)
                              for k in range(n_labels)},
        "evaluation": "leave-one-page-out (an article with its comments) over annotated claims; "
                      "temperature fitted on inner folds of the training pages only",
    })
    return out


def _f1_for(y, pred, k) -> float:
    tp = np.sum((y == k) & (pred == k))
    wrong = np.sum((y == k) != (pred == k))
    return float(2 * tp / (2 * tp + wrong)) if tp + wrong else 0.0


def _default_nlp(params):
    from pipeline.models import load_spacy

    return load_spacy(params.sentences.spacy_model, disable=("ner",))


def tag_stances(claims: pd.DataFrame, documents: pd.DataFrame, *, model: StanceModel | None,
                embedder, params, nlp=None) -> pd.DataFrame:
    """One row per claim: stance label, its probability and every label's probability (JSON).

    model=None gives the zero-shot fallback: the labels' descriptions (and example phrases) from
    params, with hand-set weights, for corpora that bring no annotations.
    """
    labels = model.labels if model is not None else LabelSpace.from_params(params.stance)
    columns = ["sentence_id", "stance", "stance_score", "stance_probs"]
    if claims.empty:
        return pd.DataFrame({c: pd.Series(dtype=float if c == "stance_score" else object) for c in columns})
    nlp = nlp if nlp is not None else _default_nlp(params)
    use_head = model is not None and model.head.size > 0
    inputs = build_inputs(claims.reset_index(drop=True), documents, labels, embedder=embedder, nlp=nlp,
                          with_head=use_head)
    if model is None:
        probs = _softmax(inputs.x @ _zero_shot_weights())
    else:
        probs = _softmax(_scores(model.weights, model.head, inputs) / model.temperature)
    pick = probs.argmax(axis=1)
    order = sorted(range(len(labels.names)), key=lambda k: labels.names[k])
    out = pd.DataFrame({
        "sentence_id": claims["sentence_id"].astype(str).to_numpy(),
        "stance": [labels.names[k] for k in pick],
        "stance_score": np.round(probs[np.arange(len(pick)), pick], 6),
        "stance_probs": [json.dumps({labels.names[k]: round(float(p[k]), 6) for k in order})
                         for p in probs],
    })
    logger.info("stance: %d claims tagged (%s)", len(out),
                ", ".join(f"{k}={v}" for k, v in out["stance"].value_counts().sort_index().items()))
    return out
