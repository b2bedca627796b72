"""Stance: the shipped bi-encoder pair model beside a cross-encoder trained on the same rows at the same budget.

The shipped model (`train_stance`) embeds a sentence and a position apart and reads the pair through
a small head over the two vectors. A cross-encoder reads "sentence [SEP] position" jointly, so every
layer can attend across the pair, at the price of one forward pass per (sentence, position). This
benchmark trains one from the same all-MiniLM-L6-v2 weights on exactly the shipped model's training
rows (the debate rows outside the calibration mask, each against every position, and the same number
of public pairs an epoch at the same loss weight), fits the same four-weight decision layer on the
calibration rows and scores the sets `train_stance` scores. The bi-encoder's figures are read from
`metrics/train_stance.json`; nothing here is shipped, and held-out or seed rows are never tuned on.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from pipeline.stance import RELATIONS, LabelSpace, _softmax, fit_decision, label_logits
from pipeline.train_stance import (
    StanceData,
    _subset_scores,
    calibration_mask,
    for_against_scores,
    pair_targets,
    row_where,
)

logger = logging.getLogger(__name__)

# (sentences, position texts) -> (n, 3) log P(for, against, neither) of each pair
PairScorer = Callable[[Sequence[str], Sequence[str]], np.ndarray]
SETS = (("held-out, all", ("debate_held_out", "all")), ("held-out, claims", ("debate_held_out", "claims")),
        ("seeds, high", ("seeds", "high")), ("seeds, all", ("seeds", "all")),
        ("calibration part, all", ("debate_calibration_part", "all")),
        ("calibration part, claims", ("debate_calibration_part", "claims")),
        ("ArgKP-2021 test (for vs against)", ("argkp2021_test",)),
        ("PERSPECTRUM test (for vs against)", ("perspectrum_test",)))


@dataclass(frozen=True)
class CrossConfig:
    """The cross-encoder's own settings; the rest (rows, batch, public pairs, seed) is train_stance's."""

    epochs: int = 2  # 186 steps: about 11 minutes on 2 idle cores (3.7 s a step); 3 epochs about 17
    max_seq_length: int = 128  # tokens of "sentence [SEP] position" (the longest pair here is shorter)
    body_learning_rate: float = 3.0e-5
    head_learning_rate: float = 1.0e-3
    warmup_share: float = 0.1  # of the steps, with the learning rate rising linearly, then falling to 0
    max_steps: int = 0  # stop after this many steps (0: every epoch); for smoke runs


# ----------------------------------------------------------------------------- the data


def position_texts(labels: LabelSpace) -> list[str]:
    """What the cross-encoder reads of each position: its description in params (the examples
    would triple the joint input's length, and so the cost of a step)."""
    return [labels.descriptions[k] for k in labels.positions]


def debate_pairs(texts: Sequence[str], y: np.ndarray, labels: LabelSpace) -> tuple[list[str], list[str], np.ndarray]:
    """Each sentence against every position, sentence-major: `for` its own label's position,
    `neither` the others (all of them for a neutral sentence), as `train_stance.debate_loss` pairs them."""
    positions = position_texts(labels)
    return ([t for t in texts for _ in range(len(positions))], positions * len(texts),
            pair_targets(y, labels).ravel())


def pair_log_proba(scorer: PairScorer, texts: Sequence[str], labels: LabelSpace) -> np.ndarray:
    """(n, n_positions, 3) log-probabilities of every text towards every position."""
    sentences, positions, _ = debate_pairs(texts, np.full(len(texts), labels.neutral_index), labels)
    n_pos = len(labels.positions)
    if not len(texts):
        return np.zeros((0, n_pos, len(RELATIONS)))
    return np.asarray(scorer(sentences, positions), dtype=np.float64).reshape(len(texts), n_pos, len(RELATIONS))


# ----------------------------------------------------------------------------- the cross-encoder


class CrossEncoder:
    """A transformer body reading "sentence [SEP] position", mean-pooled (as all-MiniLM-L6-v2 was
    pretrained to be read), and a one-hidden-layer head -> logits of (for, against, neither)."""

    def __init__(self, body, tokenizer, *, hidden: int, dropout: float, max_seq_length: int):
        import torch

        self.body, self.tokenizer, self.max_seq_length = body, tokenizer, max_seq_length
        dim = body.config.hidden_size
        self.head = torch.nn.Sequential(torch.nn.Linear(dim, hidden), torch.nn.GELU(),
                                        torch.nn.Dropout(dropout), torch.nn.Linear(hidden, len(RELATIONS)))

    @classmethod
    def from_base(cls, path: str, *, hidden: int, dropout: float, max_seq_length: int) -> CrossEncoder:
        """The body and tokenizer of the sentence-transformers folder at `path`, in float32."""
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        body = AutoModel.from_pretrained(path, dtype=torch.float32)
        return cls(body, AutoTokenizer.from_pretrained(path), hidden=hidden, dropout=dropout,
                   max_seq_length=max_seq_length)

    def parameters(self):
        return [*self.body.parameters(), *self.head.parameters()]

    def train(self, mode: bool = True) -> None:
        self.body.train(mode)
        self.head.train(mode)

    def logits(self, sentences: Sequence[str], positions: Sequence[str]):
        batch = self.tokenizer(list(sentences), list(positions), padding=True, truncation=True,
                               max_length=self.max_seq_length, return_tensors="pt")
        hidden = self.body(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        return self.head((hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0))

    def log_proba(self, sentences: Sequence[str], positions: Sequence[str], batch_size: int = 96) -> np.ndarray:
        """(n, 3) log P(for, against, neither), in fixed batches of the given order."""
        import torch

        self.train(False)
        out = []
        with torch.inference_mode():
            for start in range(0, len(sentences), batch_size):
                part = self.logits(sentences[start:start + batch_size], positions[start:start + batch_size])
                out.append(torch.log_softmax(part.double(), dim=-1).numpy())
        return np.concatenate(out) if out else np.zeros((0, len(RELATIONS)))

    def round_to_half(self) -> None:
        """Score float16-rounded weights, as the shipped model is scored (see pipeline.encoder)."""
        from pipeline.encoder import round_to_half

        round_to_half(self.body)
        round_to_half(self.head)


def schedule(step: int, total: int, warmup_share: float) -> float:
    """The learning rate's factor at `step`: linear warm-up over `warmup_share` of `total`, then linear decay to 0."""
    warmup = max(1, int(round(warmup_share * total)))
    if step < warmup:
        return (step + 1) / warmup
    return max(0.0, (total - step) / max(1, total - warmup))


def train_cross_encoder(model: CrossEncoder, debate: pd.DataFrame, y: np.ndarray, pairs: pd.DataFrame,
                        labels: LabelSpace, cfg, cross: CrossConfig, *, seed: int) -> dict:
    """Fine-tune `model` in place on the rows and in the order `train_stance.fine_tune` uses: each
    step a batch of debate rows, each against every position, and a slice of public pairs at
    `cfg.public_weight`. Returns the steps taken and the seconds they took."""
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    opt = torch.optim.AdamW([{"params": list(model.body.parameters()), "lr": cross.body_learning_rate},
                             {"params": list(model.head.parameters()), "lr": cross.head_learning_rate}],
                            weight_decay=0.01)
    relation = np.array([RELATIONS.index(r) for r in pairs["relation"]])
    steps = int(np.ceil(len(debate) / cfg.batch_size))
    public_per_step = cfg.public_pairs_per_epoch // steps if len(pairs) else 0
    total = steps * cross.epochs if not cross.max_steps else min(cross.max_steps, steps * cross.epochs)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: schedule(s, total, cross.warmup_share))
    started, cpu = time.perf_counter(), time.process_time()
    done = 0
    model.train()
    for epoch in range(cross.epochs):
        order = rng.permutation(len(debate))
        public = rng.permutation(len(pairs))[: public_per_step * steps]
        for step in range(steps):
            if done == total:
                break
            rows = order[step * cfg.batch_size : (step + 1) * cfg.batch_size]
            sentences, positions, target = debate_pairs(debate["text"].iloc[rows].tolist(), y[rows], labels)
            loss = torch.nn.functional.cross_entropy(model.logits(sentences, positions), torch.from_numpy(target))
            if public_per_step:
                picked = public[step * public_per_step : (step + 1) * public_per_step]
                part = pairs.iloc[picked]
                logits = model.logits(part["text"].tolist(), part["position"].tolist())
                loss = loss + cfg.public_weight * torch.nn.functional.cross_entropy(
                    logits, torch.from_numpy(relation[picked]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            done += 1
            if done % 10 == 0 or done == total:
                logger.info("cross-encoder: epoch %d/%d, step %d/%d, loss %.3f (%.0f s)", epoch + 1, cross.epochs,
                            done, total, loss.item(), time.perf_counter() - started)
    model.train(False)
    return {"steps": done, "seconds": round(time.perf_counter() - started, 1),
            "cpu_seconds": round(time.process_time() - cpu, 1), "debate_rows": len(debate),
            "public_pairs_per_step": public_per_step}


# ----------------------------------------------------------------------------- decision and scores


def score_pair_model(scorer: PairScorer, data: StanceData, labels: LabelSpace, calibration_share: float) -> dict:
    """Fit the decision layer on the calibration rows' pair scores and score every set as
    `train_stance` does (macro-F1 over labels; for vs. against on the public test pairs)."""
    from pipeline.stance import label_scores

    calib = calibration_mask(data.debate, calibration_share)
    y_debate = labels.index(data.debate["stance"], row_where(data.debate))
    calib_rows = data.debate[calib].reset_index(drop=True)
    calib_pairs = pair_log_proba(scorer, calib_rows["text"].tolist(), labels)
    decision = fit_decision(calib_pairs, y_debate[calib], labels)
    logger.info("stance models: decision layer fitted on %d calibration rows", len(calib_rows))

    def probs(log_pairs: np.ndarray) -> np.ndarray:
        return _softmax(label_logits(log_pairs, decision, labels))

    metrics: dict = {"decision_weights": [round(float(v), 4) for v in decision]}
    metrics["debate_calibration_part"] = _subset_scores(y_debate[calib], probs(calib_pairs),
                                                        calib_rows["is_claim"].to_numpy(), labels)
    y_held = labels.index(data.held_out["stance"], row_where(data.held_out))
    held = probs(pair_log_proba(scorer, data.held_out["text"].tolist(), labels))
    metrics["debate_held_out"] = _subset_scores(y_held, held, data.held_out["is_claim"].to_numpy(), labels)
    seeds = data.seeds[data.seeds["is_claim"].astype(int) == 1].reset_index(drop=True)
    y_seed = labels.index(seeds["gold_stance"], "seed annotations line " + seeds["annotation_line"].astype(str))
    seed_probs = probs(pair_log_proba(scorer, seeds["text"].tolist(), labels))
    high = (seeds["confidence"].astype(str) == "high").to_numpy()
    metrics["seeds"] = {"high": label_scores(y_seed[high], seed_probs[high], labels.names),
                        "all": label_scores(y_seed, seed_probs, labels.names)}
    logger.info("stance models: %d held-out rows and %d seed claims scored", len(y_held), len(y_seed))
    for bench, frame in sorted(data.benchmarks.items()):
        rows = frame[frame["relation"].isin(["for", "against"])].reset_index(drop=True)
        metrics[bench] = for_against_scores(scorer(rows["text"].tolist(), rows["position"].tolist()),
                                            rows["relation"].tolist())
    return metrics


def sentences_per_second(score: Callable[[list[str]], object], texts: list[str]) -> float:
    """Sentences scored a second against every position (one warm-up call on a few texts first)."""
    score(texts[:4])
    started = time.perf_counter()
    score(texts)
    return round(len(texts) / (time.perf_counter() - started), 1)


# ----------------------------------------------------------------------------- the report


def _figure(metrics: dict, path: tuple[str, ...]) -> float | None:
    node = metrics
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node.get("macro_f1") if isinstance(node, dict) else None


def comparison_rows(bi: dict, cross: dict) -> list[dict]:
    """One row per scored set: macro-F1 of each model and the difference (cross minus bi)."""
    rows = []
    for name, path in SETS:
        b, c = _figure(bi, path), _figure(cross, path)
        rows.append({"set": name, "bi_encoder": b, "cross_encoder": c,
                     "difference": None if b is None or c is None else round(c - b, 4)})
    return rows


def verdict(rows: list[dict], tie: float = 0.01) -> str:
    """Which model wins on which sets (a difference under `tie` macro-F1 counts as a tie)."""
    sides: dict[str, list[str]] = {"cross-encoder": [], "bi-encoder": [], "tie": []}
    for r in rows:
        if r["difference"] is None:
            continue
        side = "tie" if abs(r["difference"]) < tie else "cross-encoder" if r["difference"] > 0 else "bi-encoder"
        sides[side].append(f"{r['set']} ({r['difference']:+.3f})")
    parts = [f"the {side} is ahead on {', '.join(names)}" for side, names in sides.items() if names and side != "tie"]
    if sides["tie"]:
        parts.append(f"they are within {tie} on {', '.join(sides['tie'])}")
    text = "; ".join(parts) or "nothing was scored"
    return text[0].upper() + text[1:] + "."


def models_markdown(result: dict) -> str:
    rows = result["rows"]
    bi, cross = result["bi_encoder"], result["cross_encoder"]

    def cell(v):
        return "–" if v is None else f"{v:.3f}"

    def diff(v):
        return "–" if v is None else f"{v:+.3f}"

    cfg = cross["config"]
    lines = [
        "# Stance: bi-encoder pair model against a cross-encoder", "",
        "Written by `argmap-bench quality stance-models`. Macro-F1; the bi-encoder is the shipped "
        "`train_stance` model (figures read from `metrics/train_stance.json`), the cross-encoder is "
        "trained by this run from the same all-MiniLM-L6-v2 weights on the same rows in the same order.", "",
        "| set | bi-encoder | cross-encoder | cross − bi |", "|---|---:|---:|---:|",
        *[f"| {r['set']} | {cell(r['bi_encoder'])} | {cell(r['cross_encoder'])} | {diff(r['difference'])} |"
          for r in rows],
        "",
        "| | bi-encoder | cross-encoder |", "|---|---:|---:|",
        f"| training steps | {bi['training']['steps']} | {cross['training']['steps']} |",
        f"| training seconds (this machine, this run) | {_seconds(bi['training'])} | "
        f"{cross['training']['seconds']:.0f} |",
        f"| seconds a step | {_per_step(bi['training'])} | {_per_step(cross['training'])} |",
        f"| CPU seconds a step (both threads) | {_per_step(bi['training'], 'cpu_seconds')} | "
        f"{_per_step(cross['training'], 'cpu_seconds')} |",
        f"| sentences a second, every position scored (2 threads) | {bi['sentences_per_second']:.1f} | "
        f"{cross['sentences_per_second']:.1f} |",
        "",
        f"**Verdict.** {result['verdict_text']}", "",
        "**How it was run.** Both models see the debate rows outside the calibration mask "
        f"({cross['training']['debate_rows']}), each against every position, "
        f"{cross['training']['public_pairs_per_step']} public pairs a step at the same loss weight, the same "
        "seed and batch, torch at 2 threads; the "
        "same four-weight decision layer is fitted on the calibration rows and nothing is tuned on the "
        "held-out file or the seeds. The cross-encoder reads \"sentence [SEP] position description\" "
        "(the description alone, not the examples: they would triple the input's length), mean-pools the "
        f"last layer into a {cfg['hidden']}-unit head; {cfg['epochs']} epochs, at most {cfg['max_seq_length']} "
        f"tokens, learning rate {cfg['body_learning_rate']} (body) and {cfg['head_learning_rate']} (head), "
        f"linear warm-up over {cfg['warmup_share']:.0%} of the steps then linear decay; its weights are "
        "rounded to float16 before scoring, as the shipped model's are. The bi-encoder's steps follow from "
        f"params; its seconds are {bi['training']['seconds_note']}. Seconds and speeds were measured on a "
        "shared 2-core machine and vary between runs; the F1 figures do not.", "",
    ]
    return "\n".join(lines)


def _seconds(training: dict) -> str:
    return "–" if training.get("seconds") is None else f"{training['seconds']:.0f}"


def _per_step(training: dict, key: str = "seconds") -> str:
    if training.get(key) is None or not training.get("steps"):
        return "–"
    return f"{training[key] / training['steps']:.2f}"


def bi_encoder_training(cfg, debate_rows: int, timed: dict | None) -> dict:
    """The shipped model's steps (from params and the rows) and its seconds, estimated from `timed`
    steps of `train_stance.fine_tune` on this machine (None when not timed)."""
    steps = cfg.epochs * math.ceil(debate_rows / cfg.batch_size)
    if not timed:
        return {"steps": steps, "seconds": None, "seconds_note": "not recorded by the pipeline"}
    return {"steps": steps, "seconds": round(timed["seconds"] / timed["steps"] * steps, 1),
            "cpu_seconds": round(timed["cpu_seconds"] / timed["steps"] * steps, 1), "timed_steps": timed["steps"],
            "seconds_note": f"estimated from {timed['steps']} timed steps of `train_stance.fine_tune` in this run"}


def config_dict(cross: CrossConfig, cfg) -> dict:
    return {**asdict(cross), "hidden": cfg.hidden, "dropout": cfg.dropout, "batch_size": cfg.batch_size,
            "public_pairs_per_epoch": cfg.public_pairs_per_epoch, "public_weight": cfg.public_weight,
            "position_text": "description"}


def time_bi_encoder_steps(encoder, debate: pd.DataFrame, y: np.ndarray, pairs: pd.DataFrame, labels: LabelSpace,
                          cfg, *, steps: int, seed: int) -> dict:
    """Seconds of `steps` steps of the shipped model's own training loop (`train_stance.fine_tune`),
    each with a full batch of debate rows and as many public pairs as a step of the real run."""
    from pipeline.train_stance import fine_tune

    public_per_step = cfg.public_pairs_per_epoch // math.ceil(len(debate) / cfg.batch_size)
    rows = min(len(debate), steps * cfg.batch_size)
    short = cfg.model_copy(update={"epochs": 1,
                                   "public_pairs_per_epoch": public_per_step * math.ceil(rows / cfg.batch_size)})
    started, cpu = time.perf_counter(), time.process_time()
    fine_tune(encoder, debate.iloc[:rows].reset_index(drop=True), y[:rows], pairs, labels, short, seed=seed)
    return {"steps": math.ceil(rows / cfg.batch_size), "seconds": round(time.perf_counter() - started, 1),
            "cpu_seconds": round(time.process_time() - cpu, 1)}
