"""Stance from word n-grams: the order of words that the pair model's sentence vector loses.

The pair model (pipeline.stance) reads a sentence as one mean-pooled vector, which barely keeps
word order: "put sales before marketing" and "put marketing before sales" come out alike, and a
verb it has learned as strategic ("focus on") outweighs what the sentence asks to focus on. The
n-gram layer is a logistic regression over TF-IDF word unigrams and bigrams ("before marketing",
"not marketing", "sales first"), trained on the debate set's sentences that argue a position, for
one label set. It decides only WHICH position: the pair model's probability that a sentence argues
none (neutral) is kept as it is, and the layer's log-probabilities are added, at a fitted weight,
to the pair model's split of the rest among the positions:

    P(k) = (1 - P_pair(neutral)) * softmax_k(log P_pair(k) + weight * log P_ngram(k)),  k a position

Whether a sentence argues at all is left to the pair model because n-grams learned from the team's
own writing do not carry to other writers there: on long sentences of real pages a four-label
n-gram model was confidently neutral (docs/EXPERIMENTS.md). The weight is fitted by likelihood on
the debate rows the pair model did not train on (its calibration part), so the result stays
calibrated. The layer knows only the labels it was trained for: with another label set, or with
`stance.ngrams: false`, the pair model reads alone.

Saved as arrays (.npz) and JSON, never pickled.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.stance import LabelSpace, _log_softmax, _softmax

# How text becomes terms; fixed, so a saved vocabulary means the same thing when it is loaded.
TOKEN_PATTERN = r"(?u)\b\w\w+\b"
_TOKEN = re.compile(TOKEN_PATTERN)


def _make_vectorizer(ngram_max: int, min_df: int = 1):
    """The vectorizer training fits (vocabulary and IDF); `tfidf_rows` applies what it learned."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(lowercase=True, token_pattern=TOKEN_PATTERN, ngram_range=(1, ngram_max),
                           min_df=min_df, sublinear_tf=True, dtype=np.float64)


def tfidf_rows(texts: Sequence[str], terms: dict[str, int], idf: np.ndarray, ngram_max: int):
    """The fitted vectorizer's transform, without importing scikit-learn (a second of every stance
    run): the same terms, counts, sublinear TF, IDF and L2 norm, computed in the same order, so the
    rows are the same bytes (tests/test_stance_ngrams.py compares them)."""
    from scipy.sparse import csr_array

    indices: list[int] = []
    counts: list[float] = []
    indptr = [0]
    for text in texts:
        tokens = _TOKEN.findall(text.lower())
        grams = list(tokens)
        for n in range(2, min(ngram_max, len(tokens)) + 1):
            grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        row: dict[int, int] = {}
        for gram in grams:
            j = terms.get(gram)
            if j is not None:
                row[j] = row.get(j, 0) + 1
        cols = sorted(row)
        indices.extend(cols)
        counts.extend(float(row[j]) for j in cols)
        indptr.append(len(indices))
    data = np.array(counts, dtype=np.float64)
    cols = np.array(indices, dtype=np.int32)
    np.log(data, data)  # sublinear TF: 1 + log(count)
    data += 1.0
    data *= idf[cols]
    for start, end in zip(indptr[:-1], indptr[1:]):  # L2 norm per row, summed left to right
        total = 0.0
        for x in data[start:end].tolist():
            total += x * x
        if total != 0.0:
            data[start:end] /= np.sqrt(total)
    return csr_array((data, cols, np.array(indptr, dtype=np.int32)), shape=(len(texts), len(idf)))


@dataclass
class NgramLayer:
    """The vocabulary, its IDF weights, one weight vector per label, and the weight of the layer's
    log-probabilities beside the pair model's."""

    vocabulary: list[str]  # sorted terms
    idf: np.ndarray  # (terms,)
    coef: np.ndarray  # (positions, terms): the labels but the neutral one, in label order
    intercept: np.ndarray  # (positions,)
    weight: float
    label_names: list[str]
    neutral: str
    ngram_max: int
    card: dict[str, Any] = field(default_factory=dict)
    _terms: dict[str, int] | None = field(default=None, repr=False, compare=False)  # built once, on first use
    _known: dict[str, np.ndarray] | None = field(default=None, repr=False, compare=False)  # text -> log_proba row

    def fits(self, labels: LabelSpace) -> bool:
        """Whether the layer was trained for this label set (else the pair model reads alone)."""
        return self.label_names == list(labels.names) and self.neutral == labels.neutral

    def log_proba(self, texts: Sequence[str]) -> np.ndarray:
        """(n, positions) the layer's own log-probabilities of each position, given that one is argued."""
        if not len(texts):
            return np.zeros((0, len(self.coef)))
        if self._known is not None and all(t in self._known for t in texts):
            return np.array([self._known[t] for t in texts])
        return self._compute(texts)

    def knowing(self, texts: Sequence[str]) -> NgramLayer:
        """The same layer with the rows of `texts` computed in one pass (a stage that tags many
        threads calls `log_proba` once per thread); each row is what `log_proba` gives alone."""
        uniq = sorted(set(texts))
        return replace(self, _known=dict(zip(uniq, self._compute(uniq))) if uniq else {})

    def _compute(self, texts: Sequence[str]) -> np.ndarray:
        if self._terms is None:
            self._terms = {t: i for i, t in enumerate(self.vocabulary)}
        z = np.asarray(tfidf_rows(texts, self._terms, self.idf, self.ngram_max) @ self.coef.T) + self.intercept
        return _log_softmax(z)

    def apply(self, own_probs: np.ndarray, texts: Sequence[str], labels: LabelSpace) -> np.ndarray:
        """The pair model's label probabilities with the layer's added (unchanged for another label set)."""
        if not self.fits(labels) or not len(own_probs):
            return own_probs
        return combine(own_probs, self.log_proba(texts), self.weight, labels)

    def save(self, directory: str | Path) -> None:
        from pipeline.io import write_json, write_model_dir

        write_model_dir(directory, "Stance n-gram layer",
                        {"idf": self.idf, "coef": self.coef, "intercept": self.intercept},
                        {"kind": "ngrams", "token_pattern": TOKEN_PATTERN, "ngram_max": self.ngram_max,
                         "weight": self.weight, "labels": self.label_names, "neutral": self.neutral}, self.card)
        write_json(Path(directory) / "vocabulary.json", self.vocabulary)

    @classmethod
    def load(cls, directory: str | Path) -> NgramLayer:
        import json

        from pipeline.io import InputError, read_model_dir

        config, card, npz = read_model_dir(
            directory, "no stance n-gram layer here; run `argmap train_ngrams` (or dvc repro) first")
        vocab_path = Path(directory) / "vocabulary.json"
        vocabulary = json.loads(vocab_path.read_text(encoding="utf-8")) if vocab_path.is_file() else None
        n_positions = len(config.get("labels") or []) - 1
        if (config.get("kind") != "ngrams" or config.get("token_pattern") != TOKEN_PATTERN
                or not {"weight", "ngram_max", "neutral"} <= set(config)
                or not isinstance(vocabulary, list) or not all(isinstance(t, str) for t in vocabulary)
                or npz["idf"].shape != (len(vocabulary),) or npz["coef"].shape != (n_positions, len(vocabulary))
                or npz["intercept"].shape != (n_positions,)):
            raise InputError(f"{directory}: n-gram layer of another kind or incomplete; "
                             "retrain it with `dvc repro -f train_ngrams`")
        return cls(vocabulary, np.asarray(npz["idf"], dtype=float), np.asarray(npz["coef"], dtype=float),
                   np.asarray(npz["intercept"], dtype=float), float(config["weight"]), list(config["labels"]),
                   config["neutral"], int(config["ngram_max"]), card)


def combine(own_probs: np.ndarray, ngram_log_probs: np.ndarray, weight: float, labels: LabelSpace) -> np.ndarray:
    """The pair model's probabilities with the share of the positions redistributed by the layer's
    (`ngram_log_probs`: one column per position); P(neutral) is kept."""
    pos = labels.positions
    out = own_probs.copy()
    out[:, pos] = (own_probs[:, pos].sum(axis=1, keepdims=True)
                   * _softmax(np.log(np.clip(own_probs[:, pos], 1e-12, None)) + weight * ngram_log_probs))
    return out


def fit_ngrams(texts: Sequence[str], y: np.ndarray, labels: LabelSpace, *, C: float, ngram_max: int,
               min_df: int) -> NgramLayer:
    """The logistic regression over the n-grams of the texts that argue a position (label index
    `y`; neutral rows are left out), weight 0 until `fit_weight` sets it."""
    from sklearn.linear_model import LogisticRegression

    from pipeline.errors import AnnotationError

    argued = np.isin(y, labels.positions)
    missing = [labels.names[k] for k in labels.positions if not (y == k).any()]
    if missing:
        raise AnnotationError(f"train_ngrams: no training row has the label(s) {', '.join(missing)}")
    vec = _make_vectorizer(ngram_max, min_df)
    X = vec.fit_transform([t for t, a in zip(texts, argued) if a])
    vocabulary = sorted(vec.vocabulary_, key=vec.vocabulary_.get)  # column order: sorted terms
    lr = LogisticRegression(C=C, max_iter=5000, tol=1e-8).fit(X, y[argued])  # classes_: positions, in order
    coef, intercept = lr.coef_.astype(float), lr.intercept_.astype(float)
    if len(coef) == 1:  # two positions: one logit, the same as a softmax over -z/2 and z/2
        coef, intercept = np.vstack([-coef / 2, coef / 2]), np.concatenate([-intercept / 2, intercept / 2])
    return NgramLayer(vocabulary, np.asarray(vec.idf_, dtype=float), coef, intercept, 0.0, list(labels.names),
                      labels.neutral, ngram_max)


def fit_weight(own_probs: np.ndarray, ngram_log_probs: np.ndarray, y: np.ndarray, labels: LabelSpace,
               max_weight: float = 4.0) -> float:
    """The weight in [0, max_weight] that gives `combine` the lowest negative log-likelihood of `y`."""
    from scipy.optimize import minimize_scalar

    def nll(w: float) -> float:
        p = combine(own_probs, ngram_log_probs, w, labels)
        return float(-np.log(np.clip(p[np.arange(len(y)), y], 1e-12, None)).mean())

    res = minimize_scalar(nll, bounds=(0.0, max_weight), method="bounded", options={"xatol": 1e-4})
    return round(float(res.x), 4)
