"""The train_stance stage: fine-tune the stance pair model on owned pair data; score it on held-out sets.

Training sees public pairs (ArgKP-2021 and PERSPECTRUM train splits) and the debate set's training
files, less a share of the debate rows kept back: the decision layer is fitted on those, so its
probabilities are calibrated on text the network did not train on. Nothing scored here is trained
on. The dev splits of ArgKP-2021 and PERSPECTRUM (with the calibration part) are where training
params are chosen; nothing is tuned on the debate set's held-out file, the seed annotations (every
seed page is unseen), or the test splits of ArgKP-2021 (zero-shot: its motions are new) and
PERSPECTRUM.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipeline.errors import AnnotationError
from pipeline.stance import (
    AGAINST,
    DECISION_FEATURES,
    FOR,
    RELATIONS,
    LabelSpace,
    PairHead,
    StanceModel,
    _softmax,
    encode_texts,
    fit_decision,
    label_logits,
    label_scores,
    macro_f1,
    pair_features,
    position_vectors,
    reliability,
)
from pipeline.stance_data import stable_pick

logger = logging.getLogger(__name__)


@dataclass
class StanceData:
    """What train_stance reads, as tables (the runner loads them; nothing here touches files)."""

    pairs: pd.DataFrame  # public pairs: text, position, relation, group
    debate: pd.DataFrame  # debate training rows: id, text, is_claim, stance, pair, ...
    held_out: pd.DataFrame  # debate held-out rows (never trained or tuned on)
    seeds: pd.DataFrame  # seed annotation rows: text, is_claim, gold_stance, confidence, source
    benchmarks: dict[str, pd.DataFrame]  # name -> test pairs (for/against rows are scored)
    dev: dict[str, pd.DataFrame] = field(default_factory=dict)  # name -> dev pairs: scored to choose params


def _group_keys(debate: pd.DataFrame) -> list[str]:
    """Contrastive pairs stay together, so no sentence is scored beside its twin's training."""
    return [str(p) if isinstance(p, str) and p else str(i) for p, i in zip(debate["pair"], debate["id"])]


def calibration_mask(debate: pd.DataFrame, share: float) -> np.ndarray:
    """The debate rows kept out of fine-tuning to fit the decision layer on (about `share` of them)."""
    buckets = 1000
    return np.array([stable_pick(k, buckets) < share * buckets for k in _group_keys(debate)])


class _PairNet:
    """The encoder and the pair head as one torch module pair, trained together."""

    def __init__(self, encoder, hidden: int, dropout: float):
        import torch

        dim = (encoder.get_embedding_dimension() if hasattr(encoder, "get_embedding_dimension")
               else encoder.get_sentence_embedding_dimension())
        self.encoder = encoder
        self.head = torch.nn.Sequential(torch.nn.Linear(4 * dim, hidden), torch.nn.GELU(),
                                        torch.nn.Dropout(dropout), torch.nn.Linear(hidden, len(RELATIONS)))

    def encode(self, texts: list[str]):
        prepare = getattr(self.encoder, "preprocess", None) or self.encoder.tokenize
        return self.encoder(prepare(texts))["sentence_embedding"]

    def positions(self, anchors: list[list[str]]):
        import torch

        vecs = []
        for texts in anchors:
            mean = self.encode(texts).mean(dim=0)
            vecs.append(mean / mean.norm())
        return torch.stack(vecs)

    def logits(self, u, v):
        import torch

        return self.head(torch.cat([u * v, (u - v).abs(), u, v], dim=-1))

    def pair_head(self) -> PairHead:
        first, last = self.head[0], self.head[3]
        return PairHead(first.weight.detach().numpy().T.copy(), first.bias.detach().numpy().copy(),
                        last.weight.detach().numpy().T.copy(), last.bias.detach().numpy().copy())


def row_where(frame: pd.DataFrame) -> pd.Series:
    """`file:line` of each debate-set row, for error messages."""
    return frame["file"] + ":" + frame["line"].astype(str)


def pair_targets(y: np.ndarray, labels: LabelSpace, against: Sequence[str] | None = None) -> np.ndarray:
    """(n, n_positions) relation of each sentence with label index `y` to every position: `for` its
    own position, `against` the positions its row's `against` names (`;`-separated label names),
    `neither` the others (all of them for a neutral sentence that argues against none)."""
    own = np.array([labels.positions.index(k) if k in labels.positions else -1 for k in y])
    target = np.where(own[:, None] == np.arange(len(labels.positions))[None, :], FOR, RELATIONS.index("neither"))
    for row, names in enumerate(against if against is not None else []):
        for name in filter(None, names.split(";")):
            target[row, labels.positions.index(labels.names.index(name))] = AGAINST
    return target


def check_against(frame: pd.DataFrame, labels: LabelSpace) -> None:
    """Every label a debate row argues against must be a position (not the neutral label)."""
    bad = frame["against"].str.split(";").apply(lambda names: labels.neutral in names)
    if bad.any():
        raise AnnotationError(f"{row_where(frame)[bad].iloc[0]}: against {labels.neutral!r}: the neutral label "
                              "is not a position to argue against")


def debate_loss(net: _PairNet, texts: list[str], y: np.ndarray, labels: LabelSpace,
                against: Sequence[str] | None = None):
    """Cross-entropy of sentences with label indices `y` against every position: `for` their own
    position, `against` those their rows argue against, `neither` the others (`pair_targets`)."""
    import torch

    n_pos = len(labels.positions)
    u = net.encode(texts)
    v = net.positions([[labels.descriptions[k], *labels.examples[k]] for k in labels.positions])
    target = pair_targets(y, labels, against)
    return torch.nn.functional.cross_entropy(
        net.logits(u.repeat_interleave(n_pos, 0), v.repeat(len(texts), 1)), torch.from_numpy(target.ravel()))


def fine_tune(encoder, debate: pd.DataFrame, y: np.ndarray, pairs: pd.DataFrame, labels: LabelSpace, cfg, *,
              seed: int) -> PairHead:
    """Fine-tune `encoder` (in place) with a pair head: each step takes a batch of debate rows, each
    against every position (for its own label, neither the others; with `against_targets`, against
    those its row argues against), and a slice of public pairs."""
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = _PairNet(encoder, cfg.hidden, cfg.dropout)
    opt = torch.optim.AdamW([{"params": encoder.parameters(), "lr": cfg.encoder_learning_rate},
                             {"params": net.head.parameters(), "lr": cfg.head_learning_rate}], weight_decay=0.01)
    relation = np.array([RELATIONS.index(r) for r in pairs["relation"]])
    steps = int(np.ceil(len(debate) / cfg.batch_size))
    public_per_step = cfg.public_pairs_per_epoch // steps if len(pairs) else 0
    started = time.perf_counter()
    encoder.train()
    net.head.train()
    for epoch in range(cfg.epochs):
        order = rng.permutation(len(debate))
        public = rng.permutation(len(pairs))[: public_per_step * steps]
        for step in range(steps):
            rows = order[step * cfg.batch_size : (step + 1) * cfg.batch_size]
            loss = debate_loss(net, debate["text"].iloc[rows].tolist(), y[rows], labels,
                               debate["against"].iloc[rows].tolist() if cfg.against_targets else None)
            if public_per_step:
                part = pairs.iloc[public[step * public_per_step : (step + 1) * public_per_step]]
                logits = net.logits(net.encode(part["text"].tolist()), net.encode(part["position"].tolist()))
                target = torch.from_numpy(relation[public[step * public_per_step : (step + 1) * public_per_step]])
                loss = loss + cfg.public_weight * torch.nn.functional.cross_entropy(logits, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if step % 10 == 0 or step == steps - 1:
                logger.info("train_stance: epoch %d/%d, step %d/%d, loss %.3f (%.0f s)", epoch + 1, cfg.epochs,
                            step + 1, steps, loss.item(), time.perf_counter() - started)
    encoder.eval()
    return net.pair_head()


def train_stance_model(data: StanceData, labels: LabelSpace, *, encoder, cfg, seed: int):
    """Fine-tune the encoder with the pair head, fit the decision layer on held-back debate rows,
    and score every evaluation set. Returns (model, fine-tuned encoder, metrics)."""
    import torch

    from pipeline.encoder import round_to_half
    from pipeline.models import TorchEmbedder

    threads = torch.get_num_threads()
    torch.set_num_threads(2)  # a fixed thread count: the same sums in the same order on every run
    try:
        started = time.perf_counter()
        y_debate = labels.index(data.debate["stance"], row_where(data.debate))
        check_against(data.debate, labels)
        y_held = labels.index(data.held_out["stance"], row_where(data.held_out))
        calib = calibration_mask(data.debate, cfg.calibration_share)
        train_rows = data.debate[~calib].reset_index(drop=True)
        logger.info("train_stance: fine-tuning on %d debate rows (+%d public pairs an epoch); %d rows kept "
                    "back for calibration", len(train_rows), cfg.public_pairs_per_epoch, int(calib.sum()))
        head = fine_tune(encoder, train_rows, y_debate[~calib], data.pairs, labels, cfg, seed=seed)
        round_to_half(encoder)  # calibrate and score the weights that ship
        # the time goes to the log only: a product holds nothing that differs between two runs
        logger.info("train_stance: fine-tuned in %.0f s", time.perf_counter() - started)
        embedder = TorchEmbedder(encoder)
        positions = position_vectors(labels, embedder)
        probe = StanceModel(labels, head, np.zeros(len(DECISION_FEATURES)), "")
        calib_rows = data.debate[calib].reset_index(drop=True)
        calib_pairs = probe.pair_log_proba(encode_texts(embedder, calib_rows["text"].tolist()), positions)
        decision = fit_decision(calib_pairs, y_debate[calib], labels)
        model = StanceModel(labels, head, decision, cfg.base_model)
        metrics = _evaluate(model, data, labels, embedder, positions, y_held, calib_pairs, y_debate[calib],
                            calib_rows)
    finally:
        torch.set_num_threads(threads)
    model.card = {
        "task": "stance of claims: (claim, position) -> for / against / neither, then one label per claim",
        "label_set": labels.to_json(),
        "base_model": cfg.base_model,
        "training_data": {
            "public_pairs": {g: int(n) for g, n in
                             data.pairs["group"].str.split("/").str[0].value_counts().sort_index().items()},
            "public_pairs_seen_per_epoch": cfg.public_pairs_per_epoch,
            "debate_rows_by_file": {f: int(n) for f, n in data.debate["file"].value_counts().sort_index().items()},
            "debate_rows_fine_tuned_on": int((~calib).sum()),
            "debate_rows_for_calibration": int(calib.sum()),
            "debate_per_label": {labels.names[k]: int((y_debate == k).sum()) for k in range(len(labels.names))},
            "debate_rows_trained_as_against": int((train_rows["against"] != "").sum()) if cfg.against_targets else 0,
            "never_trained_on": ["debate held-out file", "seed annotations", *sorted(data.dev),
                                 *sorted(data.benchmarks)],
        },
        "hyperparameters": cfg.model_dump(),
        "decision_weights": dict(zip(DECISION_FEATURES, [round(float(v), 4) for v in decision])),
        "calibration": "decision layer fitted by NLL on debate rows kept out of fine-tuning",
        "metrics": {k: v for k, v in metrics.items() if not k.startswith("_")},
    }
    return model, encoder, metrics


def _evaluate(model: StanceModel, data: StanceData, labels: LabelSpace, embedder, positions: np.ndarray,
              y_held: np.ndarray, calib_pairs: np.ndarray, y_calib: np.ndarray, calib_rows: pd.DataFrame) -> dict:
    def label_probs(texts: list[str]) -> np.ndarray:
        return model.predict_proba(encode_texts(embedder, texts), positions, labels)

    metrics: dict = {}
    calib_probs = _softmax(label_logits(calib_pairs, model.decision, labels))
    metrics["debate_calibration_part"] = _subset_scores(y_calib, calib_probs, calib_rows["is_claim"].to_numpy(), labels)
    held_probs = label_probs(data.held_out["text"].tolist())
    metrics["debate_held_out"] = _subset_scores(y_held, held_probs, data.held_out["is_claim"].to_numpy(), labels)
    seeds = data.seeds[data.seeds["is_claim"].astype(int) == 1].reset_index(drop=True)
    y_seed = labels.index(seeds["gold_stance"], "seed annotations line " + seeds["annotation_line"].astype(str))
    seed_probs = label_probs(seeds["text"].tolist())
    high = (seeds["confidence"].astype(str) == "high").to_numpy()
    metrics["seeds"] = {"high": label_scores(y_seed[high], seed_probs[high], labels.names),
                        "all": label_scores(y_seed, seed_probs, labels.names),
                        "evaluation": "every seed page unseen in training (stricter than leave-one-page-out)"}
    for bench, frame in {**data.dev, **data.benchmarks}.items():
        metrics[bench] = _pair_benchmark(model, frame, embedder)
    _, table = reliability(held_probs, y_held)
    metrics["_plots"] = {
        "confusion": pd.concat([
            pd.DataFrame({"subset": subset, "actual": [labels.names[i] for i in y],
                          "predicted": [labels.names[i] for i in p.argmax(axis=1)]})
            for subset, y, p in (("high", y_seed[high], seed_probs[high]), ("all", y_seed, seed_probs),
                                 ("held_out", y_held, held_probs))
        ], ignore_index=True),
        "reliability": table,
        "held_out_probs": held_probs,
    }
    return metrics


def _subset_scores(y: np.ndarray, probs: np.ndarray, is_claim: np.ndarray, labels: LabelSpace) -> dict:
    claims = is_claim.astype(int) == 1
    return {"all": label_scores(y, probs, labels.names), "claims": label_scores(y[claims], probs[claims], labels.names)}


def _pair_benchmark(model: StanceModel, frame: pd.DataFrame, embedder) -> dict:
    """for vs. against on a test split's pairs (its 'neither' rows are left out): macro-F1."""
    rows = frame[frame["relation"].isin(["for", "against"])].reset_index(drop=True)
    u = encode_texts(embedder, rows["text"].tolist())
    v = encode_texts(embedder, rows["position"].tolist())
    return for_against_scores(model.head.log_proba(pair_features(u, v)), rows["relation"].tolist())


def for_against_scores(log_pairs: np.ndarray, relations: Sequence[str]) -> dict:
    """for vs. against from pair log-probabilities (`relations` holds only for and against rows):
    macro-F1, accuracy and the confusion matrix."""
    pred = np.where(log_pairs[:, FOR] >= log_pairs[:, AGAINST], 0, 1)
    y = np.where(np.asarray(relations) == "for", 0, 1)
    confusion = np.zeros((2, 2), dtype=int)
    np.add.at(confusion, (y, pred), 1)
    return {"n": len(y), "macro_f1": round(macro_f1(y, pred, 2), 4), "accuracy": round(float((y == pred).mean()), 4),
            "confusion": {"labels": ["for", "against"], "rows_actual_cols_predicted": confusion.tolist()}}
