"""Benchmark the whole pipeline on corpora of 1k/10k/50k real claims: seconds, claims/s, peak memory.

Corpora come from real argument text: ArgKP-2021 arguments (all splits) then PERSPECTRUM
perspectives, in file order, ten arguments per JSONL post (one paragraph each). Past the ~18k
unique texts the list repeats, rotated so no post repeats, and the output says how often.
Each stage runs as its own `argmap <stage>` process in a scratch project (as under `dvc repro`),
so model loading counts; peak memory is the process's max RSS from `wait4`. The baseline is the
embedding step alone: a fresh process that loads all-MiniLM-L6-v2 and encodes the same claims.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

BENCH_STAGES = ("ingest", "sentences", "embed", "stance", "cluster", "relate", "argmap")  # cluster reads stances
DOCS_PER_POST = 10
ARGKP_FILES = ("kpm_data/arguments_train.csv", "kpm_data/arguments_dev.csv", "test_data/arguments_test.csv")


# ------------------------------------------------------------------------------ corpus


def load_texts(argkp_root: Path, perspectrum_root: Path) -> list[str]:
    """Unique argument texts: ArgKP-2021 (train, dev, test) then PERSPECTRUM's perspective pool."""
    texts: list[str] = []
    for rel in ARGKP_FILES:
        path = Path(argkp_root) / rel
        if path.is_file():
            with path.open(newline="", encoding="utf-8") as fh:
                texts += [r["argument"] for r in csv.DictReader(fh)]
    pool = Path(perspectrum_root) / "perspective_pool_v1.0.json"
    if pool.is_file():
        rows = json.loads(pool.read_text(encoding="utf-8"))
        texts += [p["text"] for p in sorted(rows, key=lambda p: int(p["pId"]))]
    seen: dict[str, None] = {}
    for t in texts:
        t = " ".join(str(t).split())
        if len(t.split()) >= 3:
            seen.setdefault(t, None)
    return list(seen)


@dataclass
class CorpusPlan:
    n_claims: int
    unique_texts: int
    repeats: float
    posts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def note(self) -> str:
        if self.repeats <= 1:
            return f"{self.n_claims} distinct texts, none repeated"
        return (f"{self.unique_texts} distinct texts repeated {self.repeats:.2f}x "
                "(posts rotated so none repeats)")


def build_corpus(texts: list[str], n_claims: int, per_post: int = DOCS_PER_POST) -> CorpusPlan:
    """`n_claims` argument texts as JSONL posts of `per_post` paragraphs, repeating only past the pool."""
    if not texts:
        raise ValueError("no benchmark texts found (ArgKP-2021 / PERSPECTRUM folders empty?)")
    chosen: list[str] = []
    round_ = 0
    while len(chosen) < n_claims:
        shift = (round_ * 3) % len(texts)  # a different grouping each round: no post repeats
        rotated = texts[shift:] + texts[:shift]
        chosen += rotated[: n_claims - len(chosen)]
        round_ += 1
    posts = []
    for i in range(0, len(chosen), per_post):
        posts.append({"id": f"bench-{i // per_post:06d}", "text": "\n\n".join(chosen[i : i + per_post])})
    unique = len(set(chosen))
    return CorpusPlan(n_claims, unique, len(chosen) / unique, posts)


def write_corpus(plan: CorpusPlan, folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    meta = {
        "name": name,
        "description": f"Benchmark corpus: {plan.n_claims} argument texts ({plan.note}).",
        "source": "ArgKP-2021 arguments and PERSPECTRUM perspectives (../shared/benchmarks)",
        "license": "CC-BY-SA (ArgKP-2021), CC-BY-SA (PERSPECTRUM)",
        "language": "en",
        "format": "jsonl",
    }
    (folder / "corpus.yaml").write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
    with (folder / "posts.jsonl").open("w", encoding="utf-8") as fh:
        for post in plan.posts:
            fh.write(json.dumps(post, ensure_ascii=False) + "\n")


def resolve_model(model: str, root: Path) -> str:
    """`embed.model` as a bench project (another folder) can load it: a model folder of the
    project itself (models/encoder, relative to `root`) becomes an absolute path; a model name
    is left as it is."""
    folder = Path(model)
    if not folder.is_absolute() and (Path(root) / folder).is_dir():
        return str((Path(root) / folder).resolve())
    return model


def bench_params(base_params: dict, corpus: str, cluster_overrides: dict, root: Path | None = None,
                 engine: str = "local") -> dict:
    """The project's params for a bench project: its one corpus, the cluster overrides, the engine
    (`dask`: a LocalCluster started by each per-document stage), and the project's own embedding
    model (from `root`), not a copy of it."""
    p = json.loads(json.dumps(base_params))
    p["ingest"]["corpora_dir"] = "corpora"
    p["ingest"]["corpora"] = [corpus]
    p["cluster"].update(cluster_overrides)
    p["base"]["engine"] = engine
    if engine == "dask":
        p["base"]["scheduler_address"] = None
    if root is not None:
        p["embed"]["model"] = resolve_model(p["embed"]["model"], root)
    return p


# ------------------------------------------------------------------------------ running


@dataclass
class StageRun:
    stage: str
    seconds: float
    peak_mib: float
    returncode: int
    stderr_tail: str = ""
    largest_child_mib: float = 0.0  # the largest peak of one descendant process (a Dask or embedder worker)


def _tree_memory(pid: int) -> tuple[int, dict[int, int]]:
    """Memory of a process and all its descendants (worker processes, their fork server) right now:
    the total, and each descendant's own.

    Proportional set size where the OS reports it (Linux): a page shared by k processes counts
    1/k in each, so the modules workers share with the fork server they came from are counted
    once, not once per process. Resident set size elsewhere.
    """
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0, {}
    total, children = 0, {}
    for p in procs:
        try:
            info = p.memory_full_info()
            used = getattr(info, "pss", info.rss)
        except psutil.AccessDenied:
            try:
                used = p.memory_info().rss
            except psutil.Error:
                continue
        except psutil.Error:
            continue
        total += used
        if p.pid != pid:
            children[p.pid] = used
    return total, children


def run_process(cmd: list[str], cwd: Path, env: dict[str, str]) -> StageRun:
    """Run one command; wall seconds and peak RSS of the whole process tree.

    The peak is the larger of the child's own peak RSS (wait4) and the memory of the child and
    its worker processes together (`_tree_memory`), sampled every 0.1 s; the largest peak of any
    one worker process is kept too.
    """
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    tree_peak, child_peak = 0, 0
    done = threading.Event()

    def sample() -> None:
        nonlocal tree_peak, child_peak
        while not done.wait(0.1):
            total, children = _tree_memory(proc.pid)
            tree_peak = max(tree_peak, total)
            child_peak = max(child_peak, *children.values(), 0)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - t0
    return StageRun(cmd[-1] if cmd[-1] in BENCH_STAGES else " ".join(cmd[-2:]), seconds,
                    max(usage.ru_maxrss / 1024.0, tree_peak / 2**20), proc.returncode,
                    "\n".join(err.strip().splitlines()[-3:]), child_peak / 2**20)


def argmap_cmd() -> list[str]:
    """`argmap` as the running interpreter imports it (`python -m pipeline` is the same entry point):
    the installed console script may belong to another checkout of the package."""
    return [sys.executable, "-m", "pipeline"]


def prepare_project(root: Path, project_dir: Path) -> None:
    project_dir.mkdir(parents=True, exist_ok=True)
    from pipeline import paths

    # what the timed stages load
    for model in (paths.CLAIM_MODEL, paths.STANCE_MODEL, paths.NGRAM_MODEL, paths.CONTEXT_MODEL,
                  paths.TOPIC_MODEL):
        if (root / model).is_dir():
            shutil.copytree(root / model, project_dir / model, dirs_exist_ok=True)


def run_pipeline(project_dir: Path, env: dict[str, str], stages=BENCH_STAGES) -> list[StageRun]:
    runs = []
    for stage in stages:
        run = run_process([*argmap_cmd(), stage], project_dir, env)
        runs.append(run)
        if run.returncode != 0:
            raise RuntimeError(f"stage {stage} failed in {project_dir}:\n{run.stderr_tail}")
    return runs


def embedding_baseline(texts_file: Path, model: str, package: str | None, batch_size: int,
                       env: dict[str, str], workers: int = 1, backend: str = "torch") -> dict[str, float]:
    """The embedding step alone, in a fresh process: load the model and encode the texts.

    workers = 1: the backend's own encoder in one process (torch: sentence-transformers' `encode`
    on torch's threads; onnx, onnx-int8: onnxruntime on every core).
    workers > 1: argmap's embedder, its fixed-shape passes on that many single-threaded worker
    processes; the model loads in the workers, so its load time is part of the encode time.
    """
    out = texts_file.with_suffix(f".result-w{workers}.json")
    cmd = [sys.executable, "-m", "benchmarks.speed", "embed-baseline", str(texts_file), model,
           package or "", str(batch_size), str(out), str(workers), backend]
    return _timed_json_run(cmd, texts_file.parent, out, env, "embedding baseline failed")


def _baseline_main(texts_file: str, model: str, package: str, batch_size: str, out: str, workers: str = "1",
                   backend: str = "torch") -> None:
    t0 = time.perf_counter()
    texts = json.loads(Path(texts_file).read_text(encoding="utf-8"))
    if int(workers) > 1:
        from pipeline.runtime.cache import CachedEmbedder, MemoryStore
        from pipeline.runtime.workers import WorkerPool

        t1 = time.perf_counter()
        with WorkerPool(int(workers)) as pool:
            CachedEmbedder(model, package or None, int(batch_size), MemoryStore(), pool=pool,
                           backend=backend).encode(texts)
    else:
        embedder = _plain_embedder(model, package or None, int(batch_size), backend)
        t1 = time.perf_counter()
        embedder.encode(texts)
    t2 = time.perf_counter()
    Path(out).write_text(json.dumps({"load_seconds": t1 - t0, "encode_seconds": t2 - t1, "texts": len(texts)}))


def _plain_embedder(model: str, package: str | None, batch_size: int, backend: str):
    if backend != "torch":
        from pipeline.onnx_encoder import OnnxEmbedder

        return OnnxEmbedder(model, package, batch_size, backend=backend)
    from pipeline.models import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(model, package, batch_size)


def bertopic_peer(texts_file: Path, model: str, package: str | None, batch_size: int, env: dict[str, str],
                  backend: str = "torch") -> dict[str, Any]:
    """BERTopic's `fit_transform` on the same claim texts in one fresh process, embedding included:
    the same encoder on the same backend as the pipeline, BERTopic's defaults otherwise."""
    out = texts_file.with_suffix(".bertopic.json")
    cmd = [sys.executable, "-m", "benchmarks.speed", "bertopic", str(texts_file), model, package or "",
           str(batch_size), str(out), backend]
    return _timed_json_run(cmd, texts_file.parent, out, env,
                           "BERTopic run failed (pip install 'argmap[bench]'?)")


def _timed_json_run(cmd: list[str], cwd: Path, out: Path, env, failure: str) -> dict:
    """Run a measuring subprocess; its JSON result with the wall time and peak memory it took."""
    run = run_process(cmd, cwd, env)
    if run.returncode != 0:
        raise RuntimeError(f"{failure}:\n{run.stderr_tail}")
    result = json.loads(out.read_text(encoding="utf-8"))
    result.update(seconds=run.seconds, peak_mib=run.peak_mib)
    return result


def _bertopic_main(texts_file: str, model: str, package: str, batch_size: str, out: str,
                   backend: str = "torch") -> None:
    t0 = time.perf_counter()
    texts = json.loads(Path(texts_file).read_text(encoding="utf-8"))
    import numpy as np
    from bertopic import BERTopic
    from bertopic.backend import BaseEmbedder

    inner = _plain_embedder(model, package or None, int(batch_size), backend)
    encode_seconds = 0.0

    class Timed(BaseEmbedder):
        """The pipeline's encoder as BERTopic's embedding model; times the encoding."""

        def embed(self, documents, verbose=False):
            nonlocal encode_seconds
            t = time.perf_counter()
            vectors = np.asarray(inner.encode(list(documents)), dtype=np.float32)
            encode_seconds += time.perf_counter() - t
            return vectors

    t1 = time.perf_counter()
    topics, _ = BERTopic(embedding_model=Timed()).fit_transform(texts)
    t2 = time.perf_counter()
    topics = np.asarray(topics)
    Path(out).write_text(json.dumps({
        "texts": len(texts), "load_seconds": t1 - t0, "fit_transform_seconds": t2 - t1,
        "encode_seconds": encode_seconds, "topics": int(len(set(topics.tolist()) - {-1})),
        "outlier_share": float((topics == -1).mean()) if len(topics) else 0.0}))


# ------------------------------------------------------------------------------ clustering check


def cluster_ari_check(argkp_root: Path, embedder, cluster_params, sample_fraction: float, seed: int,
                      big_vectors=None, big_texts=None) -> dict[str, Any]:
    """ARI against ArgKP's key points: full hdbscan fit vs fit-on-a-sample + approximate_predict.

    Both over the same reduced vectors and params; the sample keeps the fraction used on the
    large corpus. With `big_vectors`, also time both on those (the 50k corpus' claims).
    """
    import numpy as np
    import pandas as pd
    from sklearn.metrics import adjusted_rand_score

    from pipeline.cluster import cluster_claims
    from pipeline.stance_data import argkp_items

    items = pd.concat([argkp_items(argkp_root, s) for s in ("train", "dev", "test")], ignore_index=True)
    vectors = embedder.encode(items["text"].tolist())
    frame = pd.DataFrame({"sentence_id": [f"a{i:06d}" for i in range(len(items))],
                          "embedding": list(vectors)})
    texts = pd.Series(items["text"].tolist(), index=frame["sentence_id"])  # cluster.lexical_weight reads them
    out: dict[str, Any] = {"argkp_arguments": len(items)}
    full_params = cluster_params.model_copy(update={"sample_size": 0})
    sampled_params = cluster_params.model_copy(
        update={"sample_size": max(int(len(items) * sample_fraction), cluster_params.min_cluster_size + 1)})
    for name, params in (("full", full_params), ("sampled", sampled_params)):
        t0 = time.perf_counter()
        labels = cluster_claims(frame, params, seed=seed, texts=texts)["cluster_id"].to_numpy()
        out[f"{name}_seconds"] = round(time.perf_counter() - t0, 2)
        # noise as its own singleton, as the clustering benchmark scores it
        as_single = np.where(labels == -1, -1 - np.arange(len(labels)), labels)
        out[f"{name}_ari"] = round(float(adjusted_rand_score(items["gold"], as_single)), 4)
        out[f"{name}_noise"] = round(float((labels == -1).mean()), 3)
    if big_vectors is not None and len(big_vectors):
        big = pd.DataFrame({"sentence_id": [f"b{i:06d}" for i in range(len(big_vectors))],
                            "embedding": list(big_vectors)})
        big_text = pd.Series(list(big_texts) if big_texts is not None else [""] * len(big), index=big["sentence_id"])
        for name, params in (("full", full_params), ("sampled", cluster_params)):
            if name == "full" and len(big) > 20000:
                continue  # a full fit at 50k takes minutes: reported by the pipeline run instead
            t0 = time.perf_counter()
            cluster_claims(big, params, seed=seed, texts=big_text)
            out[f"{name}_seconds_at_{len(big)}"] = round(time.perf_counter() - t0, 2)
    return out


def argmap_products(project_dir: Path) -> dict[str, Any]:
    """What argmap produced in a bench project: the map's summary and its relations by kind."""
    doc = json.loads((Path(project_dir) / "outputs" / "argmap.json").read_text(encoding="utf-8"))
    relations: dict[str, int] = {}
    for r in doc.get("relations", []):
        relations[r["relation"]] = relations.get(r["relation"], 0) + 1
    summary = doc.get("summary", {})
    return {"claims": summary.get("claims"), "key_points": summary.get("key_points"),
            "noise_claims": summary.get("noise_claims"), "positions": len(doc.get("positions", [])),
            "relations": dict(sorted(relations.items()))}


def claim_texts(project_dir: Path) -> list[str]:
    """The claims argmap found, as the models read them, in sentence order (BERTopic gets the same texts)."""
    import pandas as pd

    scored = pd.read_parquet(Path(project_dir) / "work" / "sentences_scored.parquet",
                             columns=["sentence_id", "is_claim", "text", "norm_text"])
    claims = scored[scored["is_claim"]]
    return claims["norm_text"].fillna(claims["text"]).astype(str).tolist()


def bench_json(results: list[dict], incremental: dict | None, incremental_size: int | None) -> dict[str, Any]:
    """BENCHMARKS.json: the headline figures per corpus size, as the markdown report gives them."""
    sizes, distributed = {}, {}
    incremental_size = (incremental or {}).get("n_claims", incremental_size)  # a merged run's own size
    for r in results:
        total = sum(s["seconds"] for s in r["stages"])
        if r.get("engine", "local") != "local":
            distributed[f"{r['n_claims']}-{r['engine']}"] = {
                "claims": r.get("products", {}).get("claims", r["n_claims"]), "corpus_texts": r["n_claims"],
                "unique_texts": r.get("unique_texts"), "pipeline_s": round(total, 1),
                "peak_rss_mib": round(max(s["peak_mib"] for s in r["stages"])),
                "largest_worker_mib": round(max(s.get("largest_worker_mib", 0) for s in r["stages"])),
                "load_average": r.get("load_average", "")}
            continue
        peer = r.get("bertopic")
        share = None
        if incremental and r["n_claims"] == incremental_size:
            share = round(incremental["incremental_seconds"] / incremental["cold_seconds"], 4)
        sizes[str(r["n_claims"])] = {
            "claims": r.get("products", {}).get("claims", r["n_claims"]),
            "corpus_texts": r["n_claims"],
            "pipeline_s": round(total, 1),
            "embedding_s": round(r["baseline"]["seconds"], 1),
            "embedding_backend": r.get("backend", "torch"),
            "bertopic_s": round(peer["seconds"], 1) if peer else None,
            "ratio_to_bertopic": round(total / peer["seconds"], 3) if peer else None,
            "ratio_to_embedding": round(total / r["baseline"]["seconds"], 3),
            "incremental_share": share,
            "peak_rss_mib": round(max(s["peak_mib"] for s in r["stages"])),
            "load_average": r.get("load_average", ""),
        }
    return {"generated_by": "argmap-bench speed (benchmarks/speed.py)", "sizes": sizes,
            **({"distributed": distributed} if distributed else {})}


def _peer_lines(results: list[dict]) -> list[str]:
    rows = [r for r in results if r.get("bertopic")]
    if not rows:
        return []
    lines = ["", "## argmap vs BERTopic on the same claims (the peer)", "",
             ("BERTopic's `fit_transform` on the claim texts argmap found, in one fresh process, embedding "
              "included, with the pipeline's encoder on the same backend and BERTopic's defaults otherwise; "
              "argmap is the whole pipeline above (a fresh process per stage, cold cache)."), "",
             ("| claims | argmap s | BERTopic s (load + encode + fit) | ratio argmap / BERTopic (target ≤ 0.5 at 10k) "
              "| BERTopic produced | argmap produced | BERTopic peak RSS MiB | load average at start |"),
             "|---:|---:|---:|---:|---|---|---:|---|"]
    for r in rows:
        b, total = r["bertopic"], sum(s["seconds"] for s in r["stages"])
        fit = b["fit_transform_seconds"] - b["encode_seconds"]
        made = r.get("products", {})
        rel = ", ".join(f"{v} {k}" for k, v in made.get("relations", {}).items())
        lines.append(
            f"| {b['texts']} | {total:.1f} | {b['seconds']:.1f} ({b['load_seconds']:.1f} + {b['encode_seconds']:.1f} "
            f"+ {fit:.1f}) | {total / b['seconds']:.2f} | {b['topics']} topics, {b['outlier_share']:.0%} outliers "
            f"| {made.get('claims', '?')} claims with a stance each over {made.get('positions', '?')} positions, "
            f"{made.get('key_points', '?')} key points ({made.get('noise_claims', '?')} claims unplaced), "
            f"{rel or 'no'} relations; map, exports | {b['peak_mib']:.0f} | {b.get('load_average', '')} |")
    return lines


def _backend_lines(results: list[dict]) -> list[str]:
    rows = [r for r in results if r.get("baseline_torch")]
    if not rows:
        return []
    backend = rows[0].get("backend", "onnx")
    lines = ["", f"## The embedding step alone: the pipeline's backend ({backend}) vs torch", "",
             f"| claims | {backend} s (load + encode) | torch s (load + encode) | speed-up, encode only "
             "| speed-up, wall |",
             "|---:|---:|---:|---:|---:|"]
    for r in rows:
        o, t = r["baseline"], r["baseline_torch"]
        lines.append(f"| {r['n_claims']} | {o['seconds']:.1f} ({o['load_seconds']:.1f} + {o['encode_seconds']:.1f}) "
                     f"| {t['seconds']:.1f} ({t['load_seconds']:.1f} + {t['encode_seconds']:.1f}) "
                     f"| {t['encode_seconds'] / o['encode_seconds']:.2f}x | {t['seconds'] / o['seconds']:.2f}x |")
    return lines


# ------------------------------------------------------------------------------ report


def machine_description() -> dict[str, str]:
    def sh(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout
        except (OSError, subprocess.SubprocessError):
            return ""

    lscpu = {}
    for line in sh(["lscpu"]).splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            lscpu[k.strip()] = v.strip()
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    try:
        import torch

        threads = str(torch.get_num_threads())
        torch_v = torch.__version__
    except ImportError:  # pragma: no cover
        threads, torch_v = "?", "?"
    return {
        "cpu": lscpu.get("Model name", platform.processor() or "?"),
        "nproc": sh(["nproc"]).strip() or str(os.cpu_count()),
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "python": platform.python_version(),
        "torch": torch_v,
        "torch_threads": threads,
        "os": platform.platform(),
        "load_average_at_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def merge_runs(previous: dict, results: list[dict], ari: dict | None,
               incremental: dict | None) -> tuple[list[dict], dict | None, dict | None]:
    """This run's figures, plus the previous run's for what this one did not measure (a size on
    one engine)."""
    def key(r: dict) -> tuple[int, str]:
        return r["n_claims"], r.get("engine", "local")

    sizes = {key(r) for r in results}
    merged = sorted([r for r in previous.get("results", []) if key(r) not in sizes] + results,
                    key=lambda r: (r.get("engine", "local") != "local", r["n_claims"]))
    return merged, ari or previous.get("ari"), incremental or previous.get("incremental")


DISTRIBUTED_STAGES = ("sentences", "embed", "stance")  # per-document: Dask tasks under engine: dask
VECTOR_BYTES = 384 * 4  # one float32 sentence vector of the encoder


def _distributed_lines(results: list[dict]) -> list[str]:
    rows = [r for r in results if r.get("engine", "local") != "local"]
    if not rows:
        return []
    lines = ["", "## Past one machine: `base.engine: dask` on a LocalCluster", "",
             ("Each per-document stage (" + ", ".join(DISTRIBUTED_STAGES) + ", and ingest as one task) starts a "
              "2-worker LocalCluster, one thread per worker; clustering, relations and the map run on the "
              "driver. Peak: the stage's process tree together; largest worker: the highest peak of any one "
              "worker process."), "",
             "| claims | corpus | stage | seconds | claims/s | peak MiB (tree) | largest worker MiB |",
             "|---:|---|---|---:|---:|---:|---:|"]
    for r in rows:
        for s in r["stages"]:
            lines.append(f"| {r['n_claims']} | {r['note']} | {s['stage']} | {s['seconds']:.1f} "
                         f"| {r['n_claims'] / s['seconds']:,.0f} | {s['peak_mib']:.0f} "
                         f"| {s.get('largest_worker_mib', 0):.0f} |")
        total = sum(s["seconds"] for s in r["stages"])
        lines.append(f"| {r['n_claims']} | | **whole pipeline** | {total:.1f} | {r['n_claims'] / total:,.0f} "
                     f"| {max(s['peak_mib'] for s in r['stages']):.0f} "
                     f"| {max(s.get('largest_worker_mib', 0) for s in r['stages']):.0f} |")
    return lines


def scale_plan(results: list[dict], cores: int) -> list[str]:
    """The 1M and 10M claim plan, its numbers extrapolated from this run's measurements.

    Encoding cost per claim comes from the largest run whose texts are all distinct (repeated
    texts hit the cache); the driver's cost per claim (cluster, relate, map) from the largest run.
    """
    local = [r for r in results if r.get("engine", "local") == "local"]
    distinct = [r for r in local if r.get("unique_texts", 0) >= r["n_claims"]]
    if not distinct or not results:
        return []
    base = max(distinct, key=lambda r: r["n_claims"])
    big = max(results, key=lambda r: r["n_claims"])
    per = {s["stage"]: s["seconds"] / base["n_claims"] for s in base["stages"]}
    doc_core_s = sum(per.get(st, 0.0) for st in DISTRIBUTED_STAGES) * cores  # core-seconds per claim
    driver = {s["stage"]: s for s in big["stages"] if s["stage"] in ("cluster", "relate", "argmap")}
    driver_s = sum(s["seconds"] for s in driver.values()) / big["n_claims"]
    driver_mib = max(s["peak_mib"] for s in driver.values()) if driver else 0.0
    lines = ["", "## Plan for 1M and 10M claims (extrapolated from the rows above)", "",
             (f"Per-document work (parse, claim cues, both encoders) cost {doc_core_s * 1000:.1f} core-ms a claim "
              f"at {base['n_claims']:,} distinct claims ({cores} cores); the driver's stages (cluster, relate, "
              f"map) {driver_s * 1000:.2f} ms a claim at {big['n_claims']:,} claims, peaking at "
              f"{driver_mib:,.0f} MiB. Linear extrapolation:"), "",
             "| claims | per-document core-hours | wall on 1 machine (h) | wall on 16 workers × 2 cores (h) "
             "| driver stages (h) | full vectors GiB | reduced vectors (20 dims) GiB |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    for n in (1_000_000, 10_000_000):
        core_h = n * doc_core_s / 3600
        lines.append(f"| {n:,} | {core_h:,.1f} | {core_h / cores:,.1f} | {core_h / (16 * 2):,.2f} "
                     f"| {n * driver_s / 3600:,.2f} | {n * VECTOR_BYTES / 2**30:,.1f} "
                     f"| {n * 20 * 4 / 2**30:,.2f} |")
    lines += ["", "What runs where, and what would change:",
              "- **Distributed, as today** (`engine: dask`, one task per partition of documents): parsing, "
              "claim cues, both encoders, stance. Workers share nothing but the model files and write Parquet "
              "partitions; each keeps its own cache on local disk.",
              "- **Single node, over reduced vectors**: hdbscan needs the whole corpus at once, so the driver "
              "fits PCA and the density tree on a seeded sample (`cluster.sample_size`) and places every other "
              "claim with `approximate_predict`, as today. Today the driver reads the whole embeddings table "
              "(the full vectors column); past 1M claims that no longer fits comfortably, so the change that "
              "scale needs is to project the vectors to 20 dimensions on the workers, partition by partition, "
              "and send the driver only those rows (the last column).",
              "- **Relations and the map** are linear in claims and key points. At 10M claims the map's JSON "
              "would need splitting per position (one file per position with its key points and claims), so "
              "that no reader has to hold it whole; today it is one file."]
    return lines


def markdown_report(results: list[dict], machine: dict[str, str], ari: dict | None, incremental: dict | None,
                    settings: dict) -> str:
    distributed = [r for r in results if r.get("engine", "local") != "local"]
    everything, results = results, [r for r in results if r.get("engine", "local") == "local"]
    lines = ["# Benchmarks", "",
             ("Generated by `argmap-bench speed` (benchmarks/speed.py); every figure below is measured by that "
             "command, none typed in. Rerun it to refresh this file."), "",
             "## Machine", ""]
    lines += [f"- {k}: {v}" for k, v in machine.items()]
    lines += ["", "## Settings", ""]
    lines += [f"- {k}: {v}" for k, v in settings.items()]
    lines += ["", "## Per stage (cold: empty cache; each stage a fresh process, as under `dvc repro`)", "",
              "| claims | stage | seconds | claims/s | peak RSS MiB |", "|---:|---|---:|---:|---:|"]
    for r in results:
        for s in r["stages"]:
            rate = r["n_claims"] / s["seconds"] if s["seconds"] else float("inf")
            lines.append(f"| {r['n_claims']} | {s['stage']} | {s['seconds']:.1f} | {rate:,.0f} | {s['peak_mib']:.0f} |")
        b = r["baseline"]
        lines.append(f"| {r['n_claims']} | **embedding alone** (load {b['load_seconds']:.1f} s + encode "
                     f"{b['encode_seconds']:.1f} s) | {b['seconds']:.1f} | {r['n_claims'] / b['seconds']:,.0f} "
                     f"| {b['peak_mib']:.0f} |")
        w = r.get("baseline_workers")
        if w:
            lines.append(f"| {r['n_claims']} | **argmap's embedder alone** ({w['workers']} worker processes, "
                         f"load included) | {w['seconds']:.1f} | {r['n_claims'] / w['seconds']:,.0f} "
                         f"| {w['peak_mib']:.0f} |")
    lines += ["", "## Whole pipeline vs the embedding step alone", "",
              ("| claims | corpus | pipeline s | embedding alone s | ratio (target ≤ 1.2 at 10k) | "
              "ratio, encode only | argmap's embedder alone s | ratio to it | "
              "peak RSS MiB (target ≤ 2048 at 50k) | dominant stage | load average at start |"),
              "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for r in results:
        total = sum(s["seconds"] for s in r["stages"])
        peak = max(s["peak_mib"] for s in r["stages"])
        top = max(r["stages"], key=lambda s: s["seconds"])
        b = r["baseline"]
        w = r.get("baseline_workers")
        own = f"{w['seconds']:.1f} | {total / w['seconds']:.2f}" if w else "– | –"
        lines.append(
            f"| {r['n_claims']} | {r['note']} | {total:.1f} | {b['seconds']:.1f} | {total / b['seconds']:.2f} | "
            f"{total / b['encode_seconds']:.2f} | {own} | {peak:.0f} | {top['stage']} ({top['seconds'] / total:.0%}) | "
            f"{r.get('load_average', '')} |")
    lines += _peer_lines(results) + _backend_lines(results)
    served = [r for r in results if r.get("served_cold")]
    if served:
        lines += ["", "## Cold runs through a running warm server (`ARGMAP_WARM=1`, pipeline/runtime/warm.py)", "",
                  ("Empty cache, every stage handed to a server that had already imported the stages' libraries; "
                   "times only (a served stage runs outside the process tree whose memory is sampled)."), "",
                  "| claims | " + " | ".join(BENCH_STAGES) + " | pipeline s | ratio to embedding alone "
                  "| ratio to argmap's embedder alone | server start s |",
                  "|---:|" + "---:|" * (len(BENCH_STAGES) + 4)]
        for r in served:
            c = r["served_cold"]
            by_stage = {s["stage"]: s["seconds"] for s in c["stages"]}
            w = r.get("baseline_workers")
            lines.append(
                f"| {r['n_claims']} | " + " | ".join(f"{by_stage.get(s, float('nan')):.1f}" for s in BENCH_STAGES)
                + f" | {c['seconds']:.1f} | {c['seconds'] / r['baseline']['seconds']:.2f} | "
                + (f"{c['seconds'] / w['seconds']:.2f}" if w else "–") + f" | {c['server_start_seconds']:.1f} |")
    if ari:
        lines += ["", "## Clustering: full hdbscan fit vs a sample + `approximate_predict`", ""]
        lines += [f"- {k}: {v}" for k, v in ari.items()]
    if incremental:
        lines += ["", "## Incremental: one post added to the corpus, stages rerun with a warm cache", ""]
        lines += [f"- {k}: {v}" for k, v in incremental.items()]
    lines += _distributed_lines(distributed)
    lines += scale_plan(everything, int(machine.get("nproc") or 2))
    return "\n".join(lines) + "\n"


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "embed-baseline":
    _baseline_main(*sys.argv[2:9])
if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "bertopic":
    _bertopic_main(*sys.argv[2:8])
