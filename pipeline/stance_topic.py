"""Whether a claim argues anything in this debate at all: the topic gate.

The pair model (pipeline.stance) was fine-tuned on sentences written about the debate, so on a
real page it takes sides on claims about something else: a claim about code quality, a tax rule
or a fundraising round inside a page that leans one way comes out as that way's position. The
gate is a logistic regression over the stance encoder's sentence vector that gives P(the claim
argues one of the positions). It learns from the debate set's claims (those that argue a position
against the neutral ones) and from claims found on pages about other topics, every one neutral in
this debate (corpora/training/off_debate). Its log-odds are added to the neutral label's, at the
weight `stance.topic_weight`:

    log P'(neutral) = log P(neutral) + topic_weight * log((1 - g) / g),  then renormalised

so a claim the gate finds off-debate leans to neutral, one it finds on-debate leans away from it,
and the split among the positions is the reading's own. The gate is fitted for one label set (its
debate): with another label set, or `stance.topic_weight: 0`, a claim's reading is left as it is.

Saved as arrays (.npz) and JSON, never pickled.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.stance import LabelSpace, _softmax

# g is kept inside (CLIP, 1 - CLIP): one vector cannot make the neutral label certain or impossible.
CLIP = 1e-4


def trains_topic_gate(page: str) -> bool:
    """Whether an off-debate page's claims train the gate (else they are kept to score it): a fixed
    half of the pages, chosen by the hash of the page's file name, so adding pages moves no other."""
    return int(hashlib.md5(page.encode("utf-8")).hexdigest(), 16) % 2 == 0


@dataclass
class TopicGate:
    """P(a claim argues a position in this debate) from its stance-encoder vector."""

    coef: np.ndarray  # (dims,)
    intercept: float
    label_names: list[str]
    neutral: str
    card: dict[str, Any] = field(default_factory=dict)

    def fits(self, labels: LabelSpace) -> bool:
        """Whether the gate was fitted for this label set (else readings are left as they are)."""
        return self.label_names == list(labels.names) and self.neutral == labels.neutral

    def probability(self, vectors: np.ndarray) -> np.ndarray:
        """(n,) P(argues a position) of each vector, inside (CLIP, 1 - CLIP)."""
        z = np.asarray(vectors, dtype=np.float64) @ self.coef + self.intercept
        return np.clip(1.0 / (1.0 + np.exp(-z)), CLIP, 1 - CLIP)

    def apply(self, own_probs: np.ndarray, vectors: np.ndarray, labels: LabelSpace, weight: float) -> np.ndarray:
        """Label probabilities with the gate's log-odds added to the neutral label's at `weight`."""
        if weight <= 0 or not self.fits(labels) or not len(own_probs):
            return own_probs
        g = self.probability(vectors)
        logp = np.log(np.clip(own_probs, 1e-12, 1.0))
        logp[:, labels.neutral_index] += weight * np.log((1 - g) / g)
        return _softmax(logp)

    def save(self, directory: str | Path) -> None:
        from pipeline.io import write_model_dir

        write_model_dir(directory, "Stance topic gate", {"coef": self.coef, "intercept": np.array([self.intercept])},
                        {"kind": "topic_gate", "labels": self.label_names, "neutral": self.neutral}, self.card)

    @classmethod
    def load(cls, directory: str | Path) -> TopicGate:
        from pipeline.io import InputError, read_model_dir

        config, card, npz = read_model_dir(
            directory, "no topic gate here; run `argmap train_topic` (or dvc repro) first")
        if (config.get("kind") != "topic_gate" or not isinstance(config.get("labels"), list)
                or "neutral" not in config or set(npz) != {"coef", "intercept"}
                or npz["coef"].ndim != 1 or npz["intercept"].shape != (1,)):
            raise InputError(f"{directory}: not a topic gate written by `argmap train_topic` (config.json or "
                             "weights.npz does not match); retrain it")
        return cls(npz["coef"].astype(np.float64), float(npz["intercept"][0]), list(config["labels"]),
                   str(config["neutral"]), card)


def fit_topic_gate(vectors: np.ndarray, argues: np.ndarray, labels: LabelSpace, C: float) -> TopicGate:
    """A gate fitted by L2 logistic regression (classes weighted to balance) on unit vectors and
    whether each row argues a position (1) or not (0)."""
    from sklearn.linear_model import LogisticRegression

    argues = np.asarray(argues, dtype=int)
    if set(np.unique(argues)) != {0, 1}:
        raise ValueError("the gate needs rows that argue a position and rows that do not")
    reg = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
    reg.fit(np.asarray(vectors, dtype=np.float64), argues)
    return TopicGate(reg.coef_[0].astype(np.float64), float(reg.intercept_[0]), list(labels.names), labels.neutral)
