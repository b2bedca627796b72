"""Score key-point clustering against published gold (ArgKP-2021, PERSPECTRUM) beside baselines."""

from __future__ import annotations

import json
import logging
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.errors import CorpusError
from pipeline.models import Embedder
from pipeline.params import Cluster
from pipeline.stance_data import ITEM_COLUMNS

logger = logging.getLogger(__name__)

SPLITS = ("train", "dev", "test")
METRICS = ("ari", "nmi", "v_measure")

# A method turns one group's unit vectors (and texts, and the true number of clusters, which
# only the oracle baseline may read) into labels, -1 for noise.
Method = Callable[[np.ndarray, Sequence[str], int], np.ndarray]


# ------------------------------------------------------------------------------------- loaders
# ArgKP-2021's items are read by the product (pipeline.stance_data.argkp_items), which trains on them.


def load_perspectrum(root: Path, split: str, *, min_items: int = 4) -> pd.DataFrame:
    """PERSPECTRUM perspectives per claim; the paraphrase cluster (`pids` group) is the gold label.

    One group per claim, both stances together, as a claim's perspectives reach the pipeline.
    A perspective listed in two clusters of one claim is ambiguous and left out. Claims with
    fewer than `min_items` perspectives, or whose clusters are all singletons, say nothing about
    grouping and are skipped.
    """
    if split not in SPLITS:
        raise CorpusError(f"PERSPECTRUM split {split!r} unknown; use one of {', '.join(SPLITS)}")
    root = Path(root)
    claims = _read_json(root / "perspectrum_with_answers_v1.0.json")
    pool = {int(p["pId"]): p["text"] for p in _read_json(root / "perspective_pool_v1.0.json")}
    split_of = {str(k): v for k, v in _read_json(root / "dataset_split_v1.0.json").items()}
    rows = []
    for claim in sorted(claims, key=lambda c: int(c["cId"])):
        if split_of.get(str(claim["cId"])) != split:
            continue
        seen: dict[int, int] = {}
        for index, cluster in enumerate(claim["perspectives"]):
            for pid in cluster["pids"]:
                seen[int(pid)] = -1 if int(pid) in seen else index
        members = [(pid, idx) for pid, idx in seen.items() if idx != -1 and pid in pool]
        sizes = pd.Series([idx for _, idx in members]).value_counts() if members else pd.Series()
        if len(members) < min_items or len(sizes) < 2 or sizes.max() < 2:
            continue
        for pid, idx in sorted(members):
            rows.append(
                {
                    "dataset": "perspectrum",
                    "split": split,
                    "group": f"claim {claim['cId']}",
                    "item_id": f"p{pid}",
                    "text": pool[pid],
                    "gold": f"c{claim['cId']}_{idx}",
                }
            )
    logger.info("PERSPECTRUM %s: %d perspectives", split, len(rows))
    return _frame(rows)


def _read_json(path: Path):
    if not path.is_file():
        raise CorpusError(f"{path}: benchmark file missing (see the dataset's README for its layout)")
    return json.loads(path.read_text(encoding="utf-8"))


def _frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(ITEM_COLUMNS)).astype(str)


# ----------------------------------------------------------------------------------- embedding


def benchmark_embedder(model: str, package: str | None, batch_size: int, cache_dir: Path | None = None,
                       backend: str = "torch"):
    """The pipeline's own embedder (`CachedEmbedder`): a text's vector depends only on the text,
    not on the texts encoded beside it, so every run of the benchmark clusters the same bytes.

    A plain sentence-transformers call pads each batch to its longest text, and the vectors
    move in their last bits with the batch: argmap's scores do not notice, but BERTopic's UMAP
    can amplify such differences into other topics, so its scores would depend on which texts a
    run happened to embed together. With `cache_dir`, vectors are kept there (SQLite, raw
    float32; no pickle) for later runs; without it, in memory. `backend` is embed.backend."""
    from pipeline.runtime.cache import CachedEmbedder, MemoryStore, Store

    store = Store(Path(cache_dir) / "embeddings.sqlite") if cache_dir is not None else MemoryStore()
    return CachedEmbedder(model, package, batch_size, store, backend=backend)


def embed_texts(texts: Sequence[str], embedder: Embedder) -> np.ndarray:
    """One float32 unit vector per text, in order."""
    if not len(texts):
        return np.zeros((0, 0), dtype=np.float32)
    return np.asarray(embedder.encode(list(texts)), dtype=np.float32)


# ------------------------------------------------------------------------------------- metrics


def noise_as_singletons(labels: np.ndarray) -> np.ndarray:
    """Give every noise point (-1) its own cluster, so noise counts as a wrong split, not a pass."""
    labels = np.asarray(labels, dtype=np.int64).copy()
    noise = labels == -1
    start = labels.max() + 1 if len(labels) else 0
    labels[noise] = np.arange(start, start + int(noise.sum()))
    return labels


def score_group(gold: Sequence[str], predicted: np.ndarray) -> dict[str, float]:
    """ARI, NMI and V-measure with noise as singletons and with noise left out; noise share."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score, v_measure_score

    gold = np.asarray(gold)
    predicted = np.asarray(predicted, dtype=np.int64)
    noise = predicted == -1
    out: dict[str, float] = {
        "n": float(len(gold)),
        "k_true": float(len(set(gold.tolist()))),
        "k_pred": float(len(set(predicted[~noise].tolist()))),
        "noise_share": float(noise.mean()) if len(gold) else float("nan"),
    }
    scorers = {
        "ari": adjusted_rand_score,
        "nmi": normalized_mutual_info_score,
        "v_measure": v_measure_score,
    }
    singles = noise_as_singletons(predicted)
    kept = ~noise
    for name, fn in scorers.items():
        out[name] = float(fn(gold, singles))
        # Left out: scored only on the points a method dared to place (undefined below 2 points).
        out[f"{name}_no_noise"] = float(fn(gold[kept], predicted[kept])) if kept.sum() >= 2 else float("nan")
    return out


# ------------------------------------------------------------------------------------- methods


def without_late_join(params: Cluster) -> Cluster:
    """The same params with the late join off: the key points alone, which the late join's bar is
    chosen on top of (`argmap-bench quality keypoints`, docs/KEYPOINTS.md)."""
    return params.model_copy(update={"attach_min_similarity": None})


def argmap_method(params: Cluster, seed: int) -> Method:
    """argmap's own `cluster_claims` on one group's vectors."""
    from pipeline.cluster import cluster_claims

    def run(vectors: np.ndarray, texts: Sequence[str], k: int) -> np.ndarray:
        ids = [f"s{i:06d}" for i in range(len(vectors))]
        frame = pd.DataFrame({"sentence_id": ids, "embedding": list(vectors.astype(np.float32))})
        out = cluster_claims(frame, params, seed=seed, texts=pd.Series(list(texts), index=ids))
        return out.set_index("sentence_id").loc[ids, "cluster_id"].to_numpy(dtype=np.int64)

    return run


def no_placement_method(seed: int) -> Method:
    """Places no point: every item noise, so each is its own singleton in the main scores.

    The floor of the noise-as-singletons scores. Its ARI is 0, but its V-measure is not: all
    singletons are perfectly homogeneous, and completeness still credits them the share of the
    gold's entropy that singletons recover. A method's V-measure is worth what it adds above
    this row; `seed` is unused (nothing is random)."""

    def run(vectors: np.ndarray, texts: Sequence[str], k: int) -> np.ndarray:
        return np.full(len(vectors), -1, dtype=np.int64)

    return run


def kmeans_method(seed: int) -> Method:
    """k-means told the true number of clusters: an oracle on k, never on membership."""
    from sklearn.cluster import KMeans

    def run(vectors: np.ndarray, texts: Sequence[str], k: int) -> np.ndarray:
        k = max(1, min(k, len(vectors)))
        return KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(vectors).astype(np.int64)

    return run


def bertopic_method(seed: int) -> Method:
    """BERTopic's defaults on the same vectors; only UMAP's seed is fixed so reruns agree.

    BERTopic cannot fit very small groups (UMAP's spectral layout needs more points than its
    5 dimensions); such a group counts as all noise, as BERTopic would give it no topic.
    """

    def run(vectors: np.ndarray, texts: Sequence[str], k: int) -> np.ndarray:
        from bertopic import BERTopic
        from umap import UMAP

        umap_model = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed)
        try:
            with warnings.catch_warnings():
                # UMAP's spectral layout warns on every small group; the result is still used.
                warnings.simplefilter("ignore")
                topics, _ = BERTopic(umap_model=umap_model, verbose=False).fit_transform(
                    list(texts), embeddings=vectors
                )
        except (ValueError, TypeError, IndexError) as exc:
            logger.debug("BERTopic failed on %d items: %s", len(vectors), exc)
            return np.full(len(vectors), -1, dtype=np.int64)
        return np.asarray(topics, dtype=np.int64)

    return run


# ------------------------------------------------------------------------------------- running


@dataclass(frozen=True)
class Group:
    dataset: str
    split: str
    group: str
    texts: list[str]
    gold: list[str]
    vectors: np.ndarray


def make_groups(items: pd.DataFrame, vectors: np.ndarray) -> list[Group]:
    """Split items (rows aligned with `vectors`) into scoring groups, in a fixed order."""
    groups = []
    items = items.reset_index(drop=True)
    for (dataset, split, name), part in items.groupby(["dataset", "split", "group"], sort=True):
        index = part.index.to_numpy()
        groups.append(
            Group(dataset, split, name, part["text"].tolist(), part["gold"].tolist(), vectors[index])
        )
    return groups


def run_methods(groups: Iterable[Group], methods: dict[str, Method], *, seed: int | None = None) -> pd.DataFrame:
    """Every method on every group; one row of scores per (group, method), plus seconds taken
    (and the `seed` the methods were built with, when given)."""
    rows = []
    tag = {} if seed is None else {"seed": seed}
    for g in groups:
        k = len(set(g.gold))
        for name, method in methods.items():
            start = time.perf_counter()
            labels = method(g.vectors, g.texts, k)
            seconds = time.perf_counter() - start
            rows.append(
                {"dataset": g.dataset, "split": g.split, "group": g.group, "method": name, **tag,
                 **score_group(g.gold, labels), "seconds": seconds}
            )
    return pd.DataFrame(rows)


def run_seeds(groups: list[Group], factories: dict[str, Callable[[int], Method]],
              seeds: Sequence[int]) -> pd.DataFrame:
    """`run_methods` once per seed, each method built with that seed (UMAP's for BERTopic,
    k-means' initialisation, the SVD of argmap's lexical part); rows carry their `seed`."""
    return pd.concat(
        [run_methods(groups, {name: make(seed) for name, make in factories.items()}, seed=seed) for seed in seeds],
        ignore_index=True,
    )


def summarise(per_group: pd.DataFrame) -> pd.DataFrame:
    """Means over groups per (dataset, split, method); method order as first seen."""
    cols = [*METRICS, *(f"{m}_no_noise" for m in METRICS), "noise_share", "k_true", "k_pred"]
    order = {m: i for i, m in enumerate(dict.fromkeys(per_group["method"]))}
    summary = (
        per_group.groupby(["dataset", "split", "method"], sort=False)
        .agg(groups=("group", "nunique"), items=("n", "sum"), seconds=("seconds", "sum"),
             **{c: (c, "mean") for c in cols})
        .reset_index()
    )
    summary["items"] = summary["items"].astype(int)
    summary = summary.sort_values(
        ["dataset", "split", "method"], key=lambda s: s.map(order) if s.name == "method" else s,
        kind="stable",
    )
    return summary.reset_index(drop=True)


SPREAD_COLUMNS = ("ari", "v_measure", "noise_share")


def summarise_per_seed(per_group: pd.DataFrame) -> pd.DataFrame:
    """`summarise` of each seed's rows, with a `seed` column, in seed order."""
    return pd.concat(
        [summarise(part).assign(seed=seed) for seed, part in per_group.groupby("seed", sort=True)],
        ignore_index=True,
    )


def summarise_seeds(per_group: pd.DataFrame, per_seed: pd.DataFrame | None = None) -> pd.DataFrame:
    """`summarise` per seed (`per_seed`, computed if not given), then the mean over seeds of each
    figure, with the standard deviation across seeds of ARI, V-measure and noise share (`*_sd`)
    and how many seeds (`seeds`)."""
    if per_seed is None:
        per_seed = summarise_per_seed(per_group)
    order = {m: i for i, m in enumerate(dict.fromkeys(per_group["method"]))}
    keys = ["dataset", "split", "method"]
    numeric = [c for c in per_seed.columns if c not in (*keys, "seed")]
    grouped = per_seed.groupby(keys, sort=False)
    summary = grouped[numeric].mean().reset_index()
    spread = grouped[list(SPREAD_COLUMNS)].std(ddof=0).add_suffix("_sd").reset_index(drop=True)
    summary = pd.concat([summary, spread], axis=1)
    summary["seeds"] = grouped.size().to_numpy()
    summary["groups"] = summary["groups"].round().astype(int)
    summary["items"] = summary["items"].round().astype(int)
    summary = summary.sort_values(
        keys, key=lambda s: s.map(order) if s.name == "method" else s, kind="stable")
    return summary.reset_index(drop=True)


def markdown_table(summary: pd.DataFrame) -> str:
    """The results table: noise-as-singletons scores first, then the scores with noise left out."""
    head = (
        "| dataset | split | groups | items | method | ARI | NMI | V-measure | noise share "
        "| ARI (no noise) | NMI (no noise) | V (no noise) | mean k true / found |\n"
        "|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    lines = []
    for r in summary.itertuples(index=False):
        ari, v, noise = (_with_sd(r, name) for name in SPREAD_COLUMNS)
        lines.append(
            f"| {r.dataset} | {r.split} | {r.groups} | {r.items} | {r.method} "
            f"| {ari} | {r.nmi:.3f} | {v} | {noise} "
            f"| {_fmt(r.ari_no_noise)} | {_fmt(r.nmi_no_noise)} | {_fmt(r.v_measure_no_noise)} "
            f"| {r.k_true:.1f} / {r.k_pred:.1f} |"
        )
    return head + "\n".join(lines) + "\n"


def _fmt(x: float) -> str:
    return "–" if x != x else f"{x:.3f}"


def _with_sd(row, name: str) -> str:
    """A figure, with ± its standard deviation across seeds where the summary has one."""
    value, sd = getattr(row, name), getattr(row, f"{name}_sd", None)
    if name == "noise_share":
        return f"{value:.1%}" + ("" if sd is None else f" ± {sd:.1%}")
    return f"{value:.3f}" + ("" if sd is None else f" ± {sd:.3f}")


# -------------------------------------------------------------------------------------- tuning


def tuning_candidates() -> list[dict]:
    """The settings tried: hdbscan's knobs and the size fraction crossed with noise reassignment;
    reduction, the lexical part and key-point merging on subsets. Embeddings alone unless named.

    The thresholds reach 0.82 because the fine-tuned encoder (train_encoder) packs a debate's
    claims closer together than the packaged model: its same-point and other-point cosines on
    ArgKP dev are 0.76 and 0.70, against 0.64 and 0.57."""
    plain = {"lexical_weight": 0.0, "lexical_dims": 32, "min_cluster_size": 2, "min_cluster_size_max": 25,
             "cluster_selection_epsilon": 0.0, "reduce": "none", "reduce_dims": 50,
             "merge_min_similarity": None, "refine_iterations": 0}
    reassign_options = ((False, 0.5), (True, 0.67), (True, 0.72), (True, 0.77), (True, 0.82))
    candidates = []
    for fraction in (0.0, 0.03, 0.04, 0.05):
        for ms in (1, 2):
            for method in ("eom", "leaf"):
                for reassign, threshold in reassign_options:
                    candidates.append({
                        **plain, "min_cluster_fraction": fraction, "min_samples": ms,
                        "cluster_selection_method": method, "reassign_noise": reassign,
                        "reassign_min_similarity": threshold,
                    })
    for reduce, dims in (("pca", 10), ("umap", 5)):
        for fraction in (0.0, 0.04):
            for method in ("eom", "leaf"):
                candidates.append({
                    **plain, "min_cluster_fraction": fraction, "min_samples": 1,
                    "cluster_selection_method": method, "reduce": reduce, "reduce_dims": dims,
                    "reassign_noise": True, "reassign_min_similarity": 0.77,
                })
    for weight in (0.15, 0.25):
        for fraction in (0.0, 0.04):
            for threshold in (0.72, 0.77):
                candidates.append({
                    **plain, "min_cluster_fraction": fraction, "min_samples": 1,
                    "cluster_selection_method": "leaf", "reassign_noise": True,
                    "reassign_min_similarity": threshold, "lexical_weight": weight,
                })
    for refine in (0, 10):  # ... and, with refinement, move each claim to its nearest key point
        for merge in (0.9, 0.91, 0.92, 0.93):  # leaf over-splits a point: merge close key points after
            for threshold in (0.72, 0.75, 0.77, 0.8, 0.82):
                candidates.append({
                    **plain, "min_cluster_fraction": 0.04, "min_samples": 1, "cluster_selection_method": "leaf",
                    "reassign_noise": True, "reassign_min_similarity": threshold, "merge_min_similarity": merge,
                    "refine_iterations": refine,
                })
    return candidates


def _score_candidate(groups: list[Group], base: Cluster, overrides: dict, seed: int) -> dict[str, dict]:
    params = without_late_join(base.model_copy(update=overrides))
    summary = summarise(run_methods(groups, {"argmap": argmap_method(params, seed)}))
    return {
        r["dataset"]: {k: round(float(r[k]), 4) for k in ("ari", "nmi", "v_measure", "noise_share",
                                                          "ari_no_noise", "v_measure_no_noise", "k_pred")}
        for r in summary.to_dict(orient="records")
    }


def objective(scores: dict[str, dict], noise_cap: dict[str, float]) -> float:
    """Mean over datasets of (ARI + V-measure) / 2, noise as singletons; -inf above the noise cap."""
    values = []
    for dataset, s in scores.items():
        if s["noise_share"] > noise_cap.get(dataset, 1.0) + 1e-9:
            return float("-inf")
        values.append((s["ari"] + s["v_measure"]) / 2)
    return float(np.mean(values)) if values else float("-inf")


def tune_cluster(dev: list[Group], train: list[Group], base: Cluster, seed: int,
                 bertopic_dev: pd.DataFrame, *, top: int = 10,
                 candidates: list[dict] | None = None) -> dict:
    """Score every candidate on dev, pick the best whose noise share is no higher than BERTopic's
    on dev, and re-score the `top` best on train to show whether the choice carries over."""
    bertopic_cap = {r["dataset"]: float(r["noise_share"]) for r in bertopic_dev.to_dict(orient="records")}
    rows = []
    for i, overrides in enumerate(candidates or tuning_candidates()):
        scores = _score_candidate(dev, base, overrides, seed)
        rows.append({"params": overrides, "dev": scores})
        if i % 50 == 0:
            logger.info("tuning: %d settings scored", i + 1)
    # The lexical part may not buy its score with noise: its settings are capped by the noise of
    # the best embeddings-only setting as well as by BERTopic's.
    plain = [r for r in rows if not r["params"].get("lexical_weight", 0)]
    for r in plain:
        r["dev_objective"] = objective(r["dev"], bertopic_cap)
    reference = max(plain, key=lambda r: r["dev_objective"], default=None)
    noise_cap = dict(bertopic_cap)
    if reference is not None and np.isfinite(reference["dev_objective"]):
        noise_cap = {d: min(bertopic_cap.get(d, 1.0), s["noise_share"]) for d, s in reference["dev"].items()}
    for r in rows:
        if r["params"].get("lexical_weight", 0):
            r["dev_objective"] = objective(r["dev"], noise_cap)
    rows.sort(key=lambda r: -r["dev_objective"] if np.isfinite(r["dev_objective"]) else float("inf"))
    current = {k: v for k, v in base.model_dump().items() if k in rows[0]["params"]}
    best = rows[:top]
    if current not in [r["params"] for r in best]:
        row = next((r for r in rows if r["params"] == current), None)
        if row is None:  # the params in use are not among the candidates: score them the same way
            row = {"params": current, "dev": _score_candidate(dev, base, current, seed)}
            row["dev_objective"] = objective(row["dev"], noise_cap if current.get("lexical_weight") else bertopic_cap)
        best.append(row)
    for r in best:
        r["train"] = _score_candidate(train, base, r["params"], seed)
        r["train_objective"] = objective(r["train"], {})
        r["current"] = r["params"] == current
    return {
        "selection": "highest dev mean of (ARI + V-measure)/2 over datasets, noise as singletons, "
                     "noise share no higher than BERTopic's on dev (settings with a lexical part: nor "
                     "than the best embeddings-only setting's)",
        "bertopic_dev": bertopic_dev.round(4).to_dict(orient="records"),
        "noise_cap": bertopic_cap,
        "lexical_noise_cap": noise_cap,
        "n_candidates": len(rows),
        "chosen": rows[0]["params"],
        "top": [{**r, "dev_objective": round(r["dev_objective"], 4)} if np.isfinite(r.get("dev_objective", 0))
                else {**r, "dev_objective": None} for r in best],
    }


def tuning_markdown(result: dict) -> str:
    """The dev-best settings with their dev and train scores."""
    datasets = sorted({d for r in result["top"] for d in r["dev"]})
    head = "| rank | params | " + " | ".join(
        f"{d} dev ARI / V / noise | {d} train ARI / V / noise" for d in datasets
    ) + " | dev objective |\n|---|---|" + "---|" * (2 * len(datasets)) + "---:|\n"
    lines = []
    for rank, r in enumerate(result["top"], 1):
        p = r["params"]
        desc = (f"mcs={p['min_cluster_size']}"
                + (f" frac={p['min_cluster_fraction']}" if p.get("min_cluster_fraction") else "")
                + f" ms={p['min_samples']} {p['cluster_selection_method']} "
                f"eps={p['cluster_selection_epsilon']} reduce={p['reduce']}"
                + (f"/{p['reduce_dims']}" if p["reduce"] != "none" else "")
                + (f" reassign>={p['reassign_min_similarity']}" if p["reassign_noise"] else "")
                + (f" lexical={p['lexical_weight']}/{p['lexical_dims']}" if p.get("lexical_weight") else "")
                + (f" merge>={p['merge_min_similarity']}" if p.get("merge_min_similarity") is not None else "")
                + (f" refine={p['refine_iterations']}" if p.get("refine_iterations") else "")
                + (" (current)" if r.get("current") else ""))
        cells = []
        for d in datasets:
            for part in ("dev", "train"):
                s = r[part].get(d)
                cells.append(f"{s['ari']:.3f} / {s['v_measure']:.3f} / {s['noise_share']:.0%}" if s else "–")
        obj = r.get("dev_objective")
        lines.append(f"| {rank} | {desc} | " + " | ".join(cells) + f" | {'–' if obj is None else f'{obj:.3f}'} |")
    return (
        f"# Cluster params tuning ({result['n_candidates']} settings; selection: {result['selection']})\n\n"
        + head + "\n".join(lines) + "\n"
    )
