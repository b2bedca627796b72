"""The train_encoder stage: fine-tune the sentence embedder so that claims making one point lie close.

The packaged all-MiniLM-L6-v2 places sentences by topic: two arguments about the same debate
are close whatever point they make. Key points need the finer distinction. The stage trains the
embedder on groups of arguments labelled with the key point each one makes (one group per topic
and side, as the clustering sees a debate) with a supervised contrastive loss inside each group:
an argument is pulled towards the arguments that make its point and pushed from those that make
another point of the same debate. The result is saved as a sentence-transformers folder
(safetensors weights, no pickle) that `embed.model` names, so every stage embeds with it.

Training groups are a CSV of `group,key_point,text` rows (`train_encoder.groups`). The shipped
file is ArgKP-2021's train split (`argmap encoder-groups` rebuilds it); ArgKP's dev and test
topics are not in it, so the key-point benchmark scores the encoder on debates it never saw.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.errors import AnnotationError
from pipeline.io import atomic_dir, read_csv_records, write_json

logger = logging.getLogger(__name__)

GROUP_COLUMNS = ("group", "key_point", "text")
# Intra-op threads for training, fixed so the weights do not depend on the machine's core count
# (a matrix product split over a different number of threads sums in a different order).
TRAIN_THREADS = 2
# Files of a saved sentence-transformers folder that `SentenceTransformer(path)` reads.
MODEL_FILES = ("config.json", "config_sentence_transformers.json", "model.safetensors", "modules.json",
               "sentence_bert_config.json", "tokenizer.json", "tokenizer_config.json",
               "special_tokens_map.json", "vocab.txt")


def read_groups(path: str | Path) -> pd.DataFrame:
    """Read a training-groups CSV; a missing column or an empty cell names its line."""
    rows = []
    hint = ("training groups not found (set train_encoder.groups, "
            "or rebuild the shipped file with `argmap encoder-groups`)")
    for line_no, rec in read_csv_records(path, GROUP_COLUMNS, missing_hint=hint, error=AnnotationError):
        values = {c: (rec.get(c) or "").strip() for c in GROUP_COLUMNS}
        empty = [c for c, v in values.items() if not v]
        if empty:
            raise AnnotationError(f"{path}:{line_no}: empty {', '.join(empty)}")
        rows.append(values)
    frame = pd.DataFrame(rows, columns=list(GROUP_COLUMNS))
    if frame.empty:
        raise AnnotationError(f"{path}: no rows")
    return frame


def write_groups(frame: pd.DataFrame, path: str | Path) -> None:
    """Write training groups as CSV, sorted, so a rebuild from the same source gives the same bytes."""
    from pipeline.io import write_text

    out = frame[list(GROUP_COLUMNS)].sort_values(list(GROUP_COLUMNS), kind="stable")
    write_text(path, out.to_csv(index=False, lineterminator="\n"))


def training_groups(frame: pd.DataFrame, min_items: int = 4) -> list[tuple[list[str], np.ndarray]]:
    """(texts, key point codes) per group, in a fixed order; groups too small to teach are left out
    (a group needs two arguments making one point and an argument making another)."""
    out = []
    for _, part in frame.groupby("group", sort=True):
        codes = pd.factorize(part["key_point"], sort=True)[0]
        counts = np.bincount(codes)
        if len(part) < min_items or counts.max() < 2 or len(counts) < 2:
            continue
        out.append((part["text"].tolist(), codes.astype(np.int64)))
    return out


def contrastive_loss(z, codes, temperature: float):
    """Supervised contrastive loss over one group's unit vectors `z` (Khosla et al., 2020):
    for each item with a same-point partner, minus the mean log-probability of its partners
    under a softmax over every other item of the group."""
    import torch

    n = z.shape[0]
    eye = torch.eye(n, dtype=torch.bool)
    logits = (z @ z.T / temperature).masked_fill(eye, float("-inf"))
    log_prob = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    positive = (codes[:, None] == codes[None, :]) & ~eye
    has = positive.sum(1) > 0
    mean_pos = log_prob.masked_fill(~positive, 0.0).sum(1)[has] / positive.sum(1)[has]
    return -mean_pos.mean()


def fine_tune(model, groups: list[tuple[list[str], np.ndarray]], *, epochs: int, learning_rate: float,
              temperature: float, max_group: int, seed: int) -> list[float]:
    """Train `model` (a SentenceTransformer) in place, one step per group; mean loss per epoch.

    Deterministic for a fixed seed on one machine: torch's deterministic algorithms, a fixed
    thread count, and the group order and subsamples drawn from `seed`."""
    import torch

    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)
    threads = torch.get_num_threads()
    torch.set_num_threads(TRAIN_THREADS)
    rng = np.random.default_rng(seed)
    optimiser = torch.optim.AdamW(model.parameters(), lr=learning_rate)
    losses = []
    model.train()
    try:
        for epoch in range(epochs):
            total, steps = 0.0, 0
            for g in rng.permutation(len(groups)):
                texts, codes = groups[g]
                pick = np.arange(len(texts))
                if len(pick) > max_group:
                    pick = np.sort(rng.choice(pick, size=max_group, replace=False))
                batch_codes = torch.as_tensor(codes[pick])
                if np.bincount(codes[pick]).max() < 2:
                    continue
                features = model.preprocess([texts[i] for i in pick])
                z = torch.nn.functional.normalize(model(features)["sentence_embedding"], dim=1)
                loss = contrastive_loss(z, batch_codes, temperature)
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                total += float(loss.detach())
                steps += 1
            losses.append(round(total / max(steps, 1), 4))
            logger.info("train_encoder: epoch %d, mean loss %.4f over %d groups", epoch + 1, losses[-1], steps)
    finally:
        model.eval()
        torch.set_num_threads(threads)
    return losses


def point_separation(vectors: np.ndarray, groups: list[tuple[list[str], np.ndarray]]) -> dict[str, float]:
    """How well vectors separate points inside a group: mean cosine of same-point pairs, of
    different-point pairs, and k-means (told the true k) ARI averaged over groups."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    same, other, ari = [], [], []
    start = 0
    for texts, codes in groups:
        v = vectors[start:start + len(texts)]
        start += len(texts)
        sims = v @ v.T
        iu = np.triu_indices(len(texts), 1)
        match = (codes[:, None] == codes[None, :])[iu]
        same.append(float(sims[iu][match].mean()))
        other.append(float(sims[iu][~match].mean()))
        k = len(set(codes.tolist()))
        labels = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(v)
        ari.append(adjusted_rand_score(codes, labels))
    return {"same_point_cosine": round(float(np.mean(same)), 4),
            "other_point_cosine": round(float(np.mean(other)), 4),
            "kmeans_true_k_ari": round(float(np.mean(ari)), 4)}


def _encode(model, groups: list[tuple[list[str], np.ndarray]]) -> np.ndarray:
    texts = [t for group_texts, _ in groups for t in group_texts]
    return model.encode(texts, batch_size=32, convert_to_numpy=True, normalize_embeddings=True,
                        show_progress_bar=False).astype(np.float32)


def round_to_half(model) -> None:
    """Round the weights to float16 and back, in place: the model then computes exactly what the
    float16 file `save_model` writes gives when loaded (in float32, see `pipeline.models`)."""
    model.half()
    model.float()


def save_model(model, folder: Path) -> None:
    """Save the model's loading files only (no model card: it records versions and dates), with
    float16 weights (half the bytes to ship; call `round_to_half` before scoring the model)."""
    staging = folder / ".save"
    model.half()
    try:
        model.save(str(staging), create_model_card=False)
    finally:
        model.float()
    for f in sorted(staging.rglob("*")):
        if f.is_file() and (f.name in MODEL_FILES or f.parent != staging):
            dest = folder / f.relative_to(staging)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, dest)
    shutil.rmtree(staging)


def run_train_encoder(params, *, model_dir: str | Path | None = None,
                      metrics_path: str | Path = "metrics/train_encoder.json") -> dict[str, Any]:
    """Fine-tune the base model on the training groups; write models/encoder/ and its metrics."""

    from pipeline import paths
    from pipeline.models import load_sentence_transformer

    t = params.train_encoder
    started = time.perf_counter()
    frame = read_groups(t.groups)
    groups = training_groups(frame)
    if not groups:
        raise AnnotationError(f"{t.groups}: no group has two arguments for one key point and one for another")
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    model = load_sentence_transformer(t.base_model, t.base_package)
    held_out = _held_out(params)
    before = point_separation(_encode(model, held_out), held_out) if held_out else {}
    losses = fine_tune(model, groups, epochs=t.epochs, learning_rate=t.learning_rate,
                       temperature=t.temperature, max_group=t.max_group, seed=params.base.seed)
    round_to_half(model)  # score the weights that ship
    after = point_separation(_encode(model, held_out), held_out) if held_out else {}
    with atomic_dir(model_dir or paths.ENCODER_MODEL) as tmp:  # no half-written model on interruption
        save_model(model, tmp)
    metrics = {
        "base_model": t.base_model,
        "groups": len(groups),
        "arguments": int(sum(len(texts) for texts, _ in groups)),
        "key_points": int(frame.groupby("group")["key_point"].nunique().sum()),
        "epochs": t.epochs,
        "loss_per_epoch": losses,
        "held_out": {"groups_file": t.held_out, "groups": len(held_out), "before": before, "after": after},
    }
    write_json(metrics_path, metrics)
    logger.info("train_encoder: %d groups, %d epoch(s) in %.0f s; held-out k-means ARI %s -> %s",
                len(groups), t.epochs, time.perf_counter() - started,
                before.get("kmeans_true_k_ari"), after.get("kmeans_true_k_ari"))
    return metrics


def _held_out(params) -> list[tuple[list[str], np.ndarray]]:
    """Groups of other debates, scored before and after training (never trained on)."""
    path = params.train_encoder.held_out
    return training_groups(read_groups(path)) if path else []


def groups_from_benchmark(items: pd.DataFrame, splits: Sequence[str]) -> pd.DataFrame:
    """Items with a gold key point (pipeline.stance_data.argkp_items) as training-group rows."""
    part = items[items["split"].isin(list(splits))]
    return pd.DataFrame({"group": part["group"], "key_point": part["gold"], "text": part["text"]})
