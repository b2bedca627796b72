"""Stance in context: a sentence read beside the sentences around it, the heading above it and its document.

The pair model (pipeline.stance) reads one sentence at a time, and some sentences argue only
through their context: "They are business problems." after a paragraph on strategy, a list item
under "Three reasons to hire a closer first". The context layer adds to each label's logit a
fitted share of the same label's probability in three neighbours and in its document, each read
alone by the pair model:

- `previous`: the sentence before, in the same paragraph (or comment);
- `next`: the sentence after, in the same paragraph;
- `heading`: the nearest title or heading above (not for headings themselves, nor for comments);
- `document`: the mean of the other claims of the same document (the article, or the one
  comment; not for titles and headings), each read alone: what the rest of the writer's text
  argues, so a sentence that attacks one position inside a comment that argues another leans to
  the comment's side.

Twelve weights in all, tied across the positions (one per slot for "the same position", two for
the neutral label), so they carry over to a label set they were not fitted on. The pull
reaches a sentence in proportion to how much its own words lean to any position (one minus its
own neutral probability), and in full for a short fragment ("Not yet.", at most `short_words`
words), whose side its words cannot carry: a claim that reads as neutral on its own, about code
or hiring inside a one-sided page, is not dragged to the page's side. A sentence with no
neighbour keeps its own probabilities exactly, and a sentence whose own words are clear keeps its
label: the pull is bounded by these weights, never a vote. The weights are fitted by
`train_context` on passages written for it (corpora/training/passages).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.stance import LabelSpace, _log_softmax, _softmax

SLOTS = ("previous", "next", "heading", "document")
NEIGHBOURS = 3  # the first three slots are single sentences; `document` is a mean
WEIGHTS = ("same_position", "same_neutral", "present_neutral")  # per slot
HEADING_ROLES = frozenset({"title", "heading"})
NO_HEADING_ROLES = HEADING_ROLES | {"comment"}


def neighbours(doc: pd.Series | np.ndarray, block: pd.Series | np.ndarray,
               role: pd.Series | np.ndarray) -> np.ndarray:
    """(n, NEIGHBOURS) row index of each row's previous, next and heading neighbour, -1 where none.

    Rows must be in reading order within each document; `block` names a row's paragraph or
    comment, `role` its role (title, heading, body, list_item, comment, ...). Consecutive list
    items are one paragraph, whether a reader gave each item its own block or the list one.
    """
    doc, block, role = (np.asarray(a, dtype=object) for a in (doc, block, role))
    n = len(doc)
    out = np.full((n, NEIGHBOURS), -1, dtype=np.int64)

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


def documents(doc: pd.Series | np.ndarray, member: pd.Series | np.ndarray,
              role: pd.Series | np.ndarray) -> np.ndarray:
    """(n, 3) each row's document as a number, whether the document slot counts the row (a claim)
    and whether the row reads the slot (a title or heading does not, as it reads no neighbour): the
    `docs` argument of ContextLayer.apply. A row that reads the slot reads the mean of the counted
    rows of its document but itself, claim or not, so the slot says nothing of whether it is a claim."""
    codes = pd.factorize(pd.Series(np.asarray(doc, dtype=object)), sort=False)[0]
    reads = ~pd.Series(np.asarray(role, dtype=object)).isin(HEADING_ROLES).to_numpy()
    return np.stack([codes, np.asarray(member, dtype=bool), reads], axis=1).astype(np.int64)


def document_means(probs: np.ndarray, docs: np.ndarray | None) -> np.ndarray:
    """(n, labels) the mean own probabilities of the other counted rows of each row's document (zeros
    where there is none, and for a row that does not read the slot)."""
    out = np.zeros_like(probs)
    if docs is None or not len(probs):
        return out
    codes, member, reads = docs[:, 0], docs[:, 1].astype(bool), docs[:, 2].astype(bool)
    totals = np.zeros((codes.max() + 1, probs.shape[1]))
    np.add.at(totals, codes[member], probs[member])
    others = np.bincount(codes[member], minlength=codes.max() + 1)[codes] - member
    sums = totals[codes] - np.where(member[:, None], probs, 0.0)
    has = (others > 0) & reads
    out[has] = sums[has] / others[has, None]
    return out


def context_features(probs: np.ndarray, index: np.ndarray, docs: np.ndarray | None = None) -> np.ndarray:
    """(n, slots, labels) each neighbour's own label probabilities (zeros where there is none), and
    last the mean of the other claims of the document (`document_means`)."""
    present = index >= 0
    near = np.where(present[..., None], probs[np.where(present, index, 0)], 0.0)
    return np.concatenate([near, document_means(probs, docs)[:, None, :]], axis=1)


def word_counts(texts) -> np.ndarray:
    """Words in each text (runs of letters and digits), for the short-fragment gate."""
    return np.array([len(re.findall(r"\w+", t)) for t in texts], dtype=np.int64)


def gate(own_probs: np.ndarray, words: np.ndarray, labels: LabelSpace, short_words: int) -> np.ndarray:
    """(n,) how much of the neighbours' pull reaches each sentence: all of it for a fragment of at
    most `short_words` words, else its own words' lean to any position (1 - P(neutral))."""
    return np.maximum((words <= short_words).astype(float), 1.0 - own_probs[:, labels.neutral_index])


@dataclass
class ContextLayer:
    """The twelve context weights, the fragment length the gate lets through in full, and the label
    set they were fitted on."""

    weights: np.ndarray  # (slots, WEIGHTS)
    label_names: list[str]
    neutral: str
    short_words: int
    card: dict[str, Any] = field(default_factory=dict)

    neighbours = staticmethod(neighbours)
    word_counts = staticmethod(word_counts)

    def fits(self, labels: LabelSpace) -> bool:
        """Whether the layer was fitted for this label set (else sentences are read alone)."""
        return self.label_names == list(labels.names) and self.neutral == labels.neutral

    documents = staticmethod(documents)

    def apply(self, own_probs: np.ndarray, index: np.ndarray, words: np.ndarray, labels: LabelSpace,
              docs: np.ndarray | None = None) -> np.ndarray:
        """Label probabilities in context, from every row's own probabilities, its neighbours, the
        other claims of its document (`docs`, see `documents`; None: no document slot) and its word
        count."""
        if not self.fits(labels) or not len(own_probs):
            return own_probs
        shift = _pull(self.weights, own_probs, index, gate(own_probs, words, labels, self.short_words), labels,
                      docs)
        moved = np.any(shift != 0.0, axis=1)
        out = own_probs.copy()  # rows no neighbour moves keep their own bytes
        if moved.any():
            out[moved] = _softmax(_log(own_probs[moved]) + shift[moved])
        return out

    def save(self, directory: str | Path) -> None:
        from pipeline.io import write_model_dir

        write_model_dir(directory, "Stance context layer", {"weights": self.weights},
                        {"kind": "context", "slots": list(SLOTS), "weights": list(WEIGHTS), "labels": self.label_names,
                         "neutral": self.neutral, "short_words": self.short_words}, self.card)

    @classmethod
    def load(cls, directory: str | Path) -> ContextLayer:
        from pipeline.io import InputError, read_model_dir

        config, card, npz = read_model_dir(
            directory, "no stance context layer here; run `argmap train_context` (or dvc repro) first")
        if (config.get("kind") != "context" or config.get("slots") != list(SLOTS) or "short_words" not in config
                or config.get("weights") != list(WEIGHTS) or npz["weights"].shape != (len(SLOTS), len(WEIGHTS))):
            raise InputError(f"{directory}: context layer of another kind; "
                             "retrain it with `dvc repro -f train_context`")
        return cls(np.asarray(npz["weights"], dtype=float), list(config["labels"]), config["neutral"],
                   int(config["short_words"]), card)


def _shift(weights: np.ndarray, feats: np.ndarray, labels: LabelSpace) -> np.ndarray:
    """(n, labels) what the neighbours add to each label's logit."""
    pos, neu = labels.positions, labels.neutral_index
    present = (feats.sum(axis=2) > 0).astype(float)  # (n, slots)
    shift = np.zeros((len(feats), len(labels.names)))
    shift[:, pos] = np.einsum("nsk,s->nk", feats[:, :, pos], weights[:, 0])
    shift[:, neu] = feats[:, :, neu] @ weights[:, 1] + present @ weights[:, 2]
    return shift


def _pull(weights: np.ndarray, own_probs: np.ndarray, index: np.ndarray, gates: np.ndarray,
          labels: LabelSpace, docs: np.ndarray | None = None) -> np.ndarray:
    """(n, labels) the gated shift each row's neighbours and document add to its logits."""
    return gates[:, None] * _shift(weights, context_features(own_probs, index, docs), labels)


def _log(probs: np.ndarray) -> np.ndarray:
    return np.log(np.clip(probs, 1e-300, None))


def fit_context(own_probs: np.ndarray, index: np.ndarray, y: np.ndarray, labels: LabelSpace, l2: float,
                gates: np.ndarray, docs: np.ndarray | None = None) -> np.ndarray:
    """The (slots, WEIGHTS) weights minimising the NLL of `y` in context, with an L2 penalty;
    `gates` (see `gate`) scale each row's pull as `apply` does, `docs` are `apply`'s."""
    from scipy.optimize import minimize

    own = _log(own_probs)
    feats = context_features(own_probs, index, docs)
    n_w = len(SLOTS) * len(WEIGHTS)
    rows = np.arange(len(y))
    # the shift is linear in the weights: one (n, labels) column per weight, computed once
    basis = np.stack([gates[:, None] * _shift(np.eye(n_w)[k].reshape(len(SLOTS), len(WEIGHTS)), feats, labels)
                      for k in range(n_w)])

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        logp = _log_softmax(own + np.tensordot(theta, basis, axes=1))
        value = -logp[rows, y].mean() + l2 * (theta ** 2).sum()
        g = np.exp(logp)
        g[rows, y] -= 1.0
        return value, np.tensordot(basis, g / len(y), axes=([1, 2], [0, 1])) + 2 * l2 * theta

    result = minimize(loss, np.zeros(n_w), jac=True, method="L-BFGS-B")
    return result.x.reshape(len(SLOTS), len(WEIGHTS))


def choose_l2(own_probs: np.ndarray, index: np.ndarray, y: np.ndarray, gates: np.ndarray, groups: np.ndarray,
              labels: LabelSpace, grid: tuple[float, ...], folds: int,
              docs: np.ndarray | None = None) -> tuple[float, dict[str, float]]:
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
            # neighbours and documents stay inside a passage, so a fold's rows only point to rows of the same fold
            w = fit_context(own_probs[train_rows], _reindex(index, train_rows), y[train_rows], labels, l2,
                            gates[train_rows], None if docs is None else docs[train_rows])
            shift = _pull(w, own_probs[test], _reindex(index, test), gates[test], labels,
                          None if docs is None else docs[test])
            logp = _log_softmax(_log(own_probs[test]) + shift)
            total += -logp[np.arange(test.sum()), y[test]].sum()
        scores[str(l2)] = round(float(total / len(y)), 5)
    best = min(grid, key=lambda v: (scores[str(v)], -v))
    return best, scores


def _reindex(index: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Neighbour indices within the rows kept (a neighbour that was dropped becomes -1)."""
    new_pos = np.full(len(keep), -1, dtype=np.int64)
    new_pos[keep] = np.arange(keep.sum())
    sub = index[keep]
    return np.where(sub >= 0, new_pos[np.where(sub >= 0, sub, 0)], -1)

