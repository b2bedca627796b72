"""Stance in context: a sentence read beside the sentences around it and the heading above it.

The pair model (pipeline.stance) reads one sentence at a time, and some sentences argue only
through their context: "They are business problems." after a paragraph on strategy, a list item
under "Three reasons to hire a closer first". The context layer adds to each label's logit a
fitted share of the same label's probability in three neighbours, each read alone by the pair
model:

- `previous`: the sentence before, in the same paragraph (or comment);
- `next`: the sentence after, in the same paragraph;
- `heading`: the nearest title or heading above (not for headings themselves, nor for comments).

Nine weights in all, tied across the positions (one per neighbour for "the same position",
two for the neutral label), so they carry over to a label set they were not fitted on. A
sentence with no neighbour keeps its own probabilities exactly, and a sentence whose own words
are clear keeps its label: the neighbours' pull is bounded by these weights, never a vote.
The weights are fitted by `train_context` on passages written for it (corpora/training/passages).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.stance import LabelSpace, _log_softmax, _softmax

SLOTS = ("previous", "next", "heading")
WEIGHTS = ("same_position", "same_neutral", "present_neutral")  # per slot
HEADING_ROLES = frozenset({"title", "heading"})
NO_HEADING_ROLES = HEADING_ROLES | {"comment"}


def neighbours(doc: pd.Series | np.ndarray, block: pd.Series | np.ndarray,
               role: pd.Series | np.ndarray) -> np.ndarray:
    """(n, 3) row index of each row's previous, next and heading neighbour, -1 where none.

    Rows must be in reading order within each document; `block` names a row's paragraph or
    comment, `role` its role (title, heading, body, list_item, comment, ...). Consecutive list
    items are one paragraph, whether a reader gave each item its own block or the list one.
    """
    doc, block, role = (np.asarray(a, dtype=object) for a in (doc, block, role))
    n = len(doc)
    out = np.full((n, len(SLOTS)), -1, dtype=np.int64)

    def together(i: int, j: int) -> bool:
        return doc[i] == doc[j] and (block[i] == block[j] or role[i] == role[j] == "list_item")

    heading = -1
    for i in range(n):
        if i == 0 or doc[i] != doc[i - 1]:
            heading = -1
        if role[i] in HEADING_ROLES:
            heading = i
            continue
        if i > 0 and together(i - 1, i):
            out[i, 0] = i - 1
        if i + 1 < n and together(i, i + 1):
            out[i, 1] = i + 1
        if role[i] not in NO_HEADING_ROLES:
            out[i, 2] = heading
    return out


def context_features(probs: np.ndarray, index: np.ndarray) -> np.ndarray:
    """(n, slots, labels) each neighbour's own label probabilities (zeros where there is none)."""
    present = index >= 0
    feats = np.where(present[..., None], probs[np.where(present, index, 0)], 0.0)
    return feats


@dataclass
class ContextLayer:
    """The nine context weights and the label set they were fitted on."""

    weights: np.ndarray  # (slots, WEIGHTS)
    label_names: list[str]
    neutral: str
    card: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def identity(cls, labels: LabelSpace) -> ContextLayer:
        return cls(np.zeros((len(SLOTS), len(WEIGHTS))), list(labels.names), labels.neutral)

    neighbours = staticmethod(neighbours)

    def fits(self, labels: LabelSpace) -> bool:
        """Whether the layer was fitted for this label set (else sentences are read alone)."""
        return self.label_names == list(labels.names) and self.neutral == labels.neutral

    def logits(self, own_logits: np.ndarray, feats: np.ndarray, labels: LabelSpace) -> np.ndarray:
        return own_logits + _shift(self.weights, feats, labels)

    def apply(self, own_probs: np.ndarray, index: np.ndarray, labels: LabelSpace) -> np.ndarray:
        """Label probabilities in context, from every row's own probabilities and its neighbours."""
        if not self.fits(labels) or not len(own_probs):
            return own_probs
        feats = context_features(own_probs, index)
        shift = _shift(self.weights, feats, labels)
        moved = np.any(shift != 0.0, axis=1)
        out = own_probs.copy()  # rows with no neighbour keep their own bytes
        if moved.any():
            out[moved] = _softmax(np.log(np.clip(own_probs[moved], 1e-300, None)) + shift[moved])
        return out

    def save(self, directory: str | Path) -> None:
        from pipeline.claims import _card_markdown
        from pipeline.io import atomic_path, write_json, write_text

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        with atomic_path(directory / "weights.npz") as tmp, open(tmp, "wb") as fh:
            np.savez(fh, weights=self.weights)
        write_json(directory / "config.json", {"kind": "context", "slots": list(SLOTS), "weights": list(WEIGHTS),
                                               "labels": self.label_names, "neutral": self.neutral})
        write_json(directory / "model_card.json", self.card)
        write_text(directory / "model_card.md", _card_markdown("Stance context layer", self.card))

    @classmethod
    def load(cls, directory: str | Path) -> ContextLayer:
        from pipeline.io import InputError, read_model_dir

        config, card, npz = read_model_dir(
            directory, "no stance context layer here; run `argmap train_context` (or dvc repro) first")
        if (config.get("kind") != "context" or config.get("slots") != list(SLOTS)
                or config.get("weights") != list(WEIGHTS) or npz["weights"].shape != (len(SLOTS), len(WEIGHTS))):
            raise InputError(f"{directory}: context layer of another kind; "
                             "retrain it with `dvc repro -f train_context`")
        return cls(np.asarray(npz["weights"], dtype=float), list(config["labels"]), config["neutral"], card)


def _shift(weights: np.ndarray, feats: np.ndarray, labels: LabelSpace) -> np.ndarray:
    """(n, labels) what the neighbours add to each label's logit."""
    pos, neu = labels.positions, labels.neutral_index
    present = (feats.sum(axis=2) > 0).astype(float)  # (n, slots)
    shift = np.zeros((len(feats), len(labels.names)))
    shift[:, pos] = np.einsum("nsk,s->nk", feats[:, :, pos], weights[:, 0])
    shift[:, neu] = feats[:, :, neu] @ weights[:, 1] + present @ weights[:, 2]
    return shift


def fit_context(own_probs: np.ndarray, index: np.ndarray, y: np.ndarray, labels: LabelSpace,
                l2: float) -> np.ndarray:
    """The (slots, WEIGHTS) weights minimising the NLL of `y` in context, with an L2 penalty."""
    from scipy.optimize import minimize

    own = np.log(np.clip(own_probs, 1e-300, None))
    feats = context_features(own_probs, index)
    n_w = len(SLOTS) * len(WEIGHTS)
    rows = np.arange(len(y))

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w = theta.reshape(len(SLOTS), len(WEIGHTS))
        logp = _log_softmax(own + _shift(w, feats, labels))
        value = -logp[rows, y].mean() + l2 * (theta ** 2).sum()
        g = np.exp(logp)
        g[rows, y] -= 1.0
        g /= len(y)
        grad = np.empty_like(w)
        for j in range(len(SLOTS)):  # the shift is linear in the weights: its gradient column by column
            basis = np.zeros_like(w)
            for k in range(len(WEIGHTS)):
                basis[:] = 0.0
                basis[j, k] = 1.0
                grad[j, k] = (g * _shift(basis, feats, labels)).sum()
        return value, grad.ravel() + 2 * l2 * theta

    result = minimize(loss, np.zeros(n_w), jac=True, method="L-BFGS-B")
    return result.x.reshape(len(SLOTS), len(WEIGHTS))


def choose_l2(own_probs: np.ndarray, index: np.ndarray, y: np.ndarray, groups: np.ndarray,
              labels: LabelSpace, grid: tuple[float, ...], folds: int) -> tuple[float, dict[str, float]]:
    """The L2 penalty with the lowest NLL over `folds` folds of whole passages (no row is scored
    beside its own passage's training). Returns the choice and every candidate's NLL."""
    keys = pd.Series(groups).astype(str)
    fold_of = pd.util.hash_pandas_object(keys, index=False).to_numpy() % folds
    scores = {}
    for l2 in grid:
        total = 0.0
        for f in range(folds):
            test = fold_of == f
            train_rows = ~test
            # neighbours stay inside a passage, so a fold's rows only point to rows of the same fold
            w = fit_context(own_probs[train_rows], _reindex(index, train_rows), y[train_rows], labels, l2)
            layer = ContextLayer(w, list(labels.names), labels.neutral)
            p = layer.apply(own_probs[test], _reindex(index, test), labels)
            total += -np.log(np.clip(p[np.arange(test.sum()), y[test]], 1e-300, None)).sum()
        scores[str(l2)] = round(float(total / len(y)), 5)
    best = min(grid, key=lambda v: (scores[str(v)], -v))
    return best, scores


def _reindex(index: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Neighbour indices within the rows kept (a neighbour that was dropped becomes -1)."""
    new_pos = np.full(len(keep), -1, dtype=np.int64)
    new_pos[keep] = np.arange(keep.sum())
    sub = index[keep]
    return np.where(sub >= 0, new_pos[np.where(sub >= 0, sub, 0)], -1)

