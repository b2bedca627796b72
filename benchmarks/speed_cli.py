"""`argmap-bench speed`: the whole pipeline on 1k/10k/50k real claims; writes BENCHMARKS.md."""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from pathlib import Path

import typer
import yaml

logger = logging.getLogger("benchmarks.speed")


def register(app: typer.Typer) -> None:
    @app.command("speed")
    def bench_cmd(
        sizes: str = typer.Option("1000,10000,50000", help="Comma-separated corpus sizes in claims."),
        out: Path = typer.Option(Path("BENCHMARKS.md"), help="Markdown report to write."),
        workdir: Path = typer.Option(Path("/tmp/argmap-bench"), help="Scratch folder for the corpora and runs."),
        argkp: Path = typer.Option(Path("../shared/benchmarks/argkp2021"), help="ArgKP-2021 folder."),
        perspectrum: Path = typer.Option(Path("../shared/benchmarks/perspectrum"), help="PERSPECTRUM folder."),
        reduce: str = typer.Option("pca", help="cluster.reduce for the benchmark corpora."),
        reduce_dims: int = typer.Option(20, help="cluster.reduce_dims for the benchmark corpora."),
        sample_size: int = typer.Option(10000, help="cluster.sample_size for the benchmark corpora."),
        incremental_size: int = typer.Option(10000, help="Size at which to measure an incremental rerun (0 = skip)."),
        warm_server: bool = typer.Option(True, help="Also time the incremental rerun through a running warm server "
                                         "(ARGMAP_WARM=1, pipeline/runtime/warm.py)."),
        ari: bool = typer.Option(True, help="Compare full vs sampled clustering ARI on ArgKP."),
        bertopic: bool = typer.Option(True, help="Also time BERTopic's fit_transform on the same claims, embedding "
                                      "included (the peer; needs the `bench` extra)."),
        engine: str = typer.Option("local", help="base.engine for the bench projects: local, or dask (each "
                                   "per-document stage starts a 2-worker LocalCluster; per-worker peak memory "
                                   "is recorded)."),
        merge: bool = typer.Option(
            False, help="Keep what the previous run in --workdir measured and this one does not (other sizes, "
            "the clustering check, the incremental rerun): a long size can run on its own."),
    ) -> None:
        """Time every stage (fresh process each, cold cache) against the embedding step alone."""
        from benchmarks import speed as bench
        from pipeline.io import write_json
        from pipeline.params import load_params
        from pipeline.runtime.workers import resolve_workers

        if engine not in ("local", "dask"):
            raise typer.BadParameter(f"{engine!r}: use local or dask", param_hint="--engine")
        root = Path.cwd()
        base = yaml.safe_load(Path("params.yaml").read_text(encoding="utf-8"))
        p = load_params("params.yaml")
        backend = p.embed.backend
        texts = bench.load_texts(argkp, perspectrum)
        typer.echo(f"bench: {len(texts)} distinct argument texts available (ArgKP-2021 + PERSPECTRUM)")
        cluster_overrides = {"reduce": reduce, "reduce_dims": reduce_dims, "sample_size": sample_size}
        machine = bench.machine_description()
        results, incremental = [], None
        for n in [int(x) for x in sizes.split(",") if x.strip()]:
            plan = bench.build_corpus(texts, n)
            project = workdir / (f"n{n}" if engine == "local" else f"n{n}-{engine}")
            shutil.rmtree(project, ignore_errors=True)
            bench.prepare_project(root, project)
            name = f"bench-{n}"
            bench.write_corpus(plan, project / "corpora" / name, name)
            base = yaml.safe_load(Path("params.yaml").read_text(encoding="utf-8"))  # current, not stale
            project_params = bench.bench_params(base, name, cluster_overrides, root, engine=engine)
            written = (project / "corpora" / name / "posts.jsonl").stat().st_size
            # one file holds the corpus: past 50k claims it outgrows the default cap on a file's size
            ingest = project_params["ingest"]
            ingest["max_file_bytes"] = max(ingest["max_file_bytes"], written)
            (project / "params.yaml").write_text(yaml.safe_dump(project_params, sort_keys=False), encoding="utf-8")
            env = {**os.environ, "ARGMAP_CACHE_DIR": str(project / ".cache"), "PYTHONWARNINGS": "ignore",
                   "ARGMAP_WARM": "0"}  # cold runs in fresh processes; the warm server is timed apart
            load_at_start = " ".join(f"{x:.2f}" for x in os.getloadavg())
            typer.echo(f"bench: {n} claims in {len(plan.posts)} posts ({plan.note}), engine {engine}; "
                       "running stages ...")
            runs = bench.run_pipeline(project, env)
            for r in runs:
                typer.echo(f"  {r.stage:<10} {r.seconds:8.1f} s {n / r.seconds:10,.0f} claims/s {r.peak_mib:8.0f} MiB"
                           f" (largest worker {r.largest_child_mib:.0f} MiB)")
            texts_file = project / "baseline_texts.json"
            texts_file.write_text(json.dumps(sorted({t for post in plan.posts for t in post["text"].split("\n\n")})))
            model = project_params["embed"]["model"]  # the baselines load what the project ran on
            baseline = bench.embedding_baseline(texts_file, model, p.embed.model_package,
                                                p.embed.batch_size, env, backend=backend)
            total = sum(r.seconds for r in runs)
            typer.echo(f"  embedding alone {baseline['seconds']:.1f} s (load {baseline['load_seconds']:.1f}, "
                       f"encode {baseline['encode_seconds']:.1f}); pipeline {total:.1f} s; "
                       f"ratio {total / baseline['seconds']:.2f}")
            result = {"n_claims": n, "note": plan.note, "baseline": baseline, "load_average": load_at_start,
                      "backend": backend, "engine": engine, "unique_texts": plan.unique_texts,
                      "products": bench.argmap_products(project),
                      "stages": [{"stage": r.stage, "seconds": r.seconds, "peak_mib": r.peak_mib,
                                  "largest_worker_mib": r.largest_child_mib} for r in runs]}
            if engine != "local":  # the distributed row: wall time and memory; the peers are timed on local runs
                results.append(result)
                continue
            if backend != "torch":  # the ONNX column: the same texts through torch
                result["baseline_torch"] = bench.embedding_baseline(texts_file, model, p.embed.model_package,
                                                                    p.embed.batch_size, env, backend="torch")
                typer.echo(f"  torch embedding alone {result['baseline_torch']['seconds']:.1f} s")
            if bertopic:
                claims_file = project / "claim_texts.json"
                claims_file.write_text(json.dumps(bench.claim_texts(project)), encoding="utf-8")
                load_now = " ".join(f"{x:.2f}" for x in os.getloadavg())
                peer = bench.bertopic_peer(claims_file, model, p.embed.model_package, p.embed.batch_size, env,
                                           backend=backend)
                result["bertopic"] = {**peer, "load_average": load_now}
                typer.echo(f"  BERTopic {peer['seconds']:.1f} s ({peer['topics']} topics); "
                           f"ratio argmap / BERTopic {total / peer['seconds']:.2f}")
            workers = resolve_workers(p.embed.workers)
            if workers > 1:
                own = bench.embedding_baseline(texts_file, model, p.embed.model_package,
                                               p.embed.batch_size, env, workers=workers, backend=backend)
                result["baseline_workers"] = {**own, "workers": workers}
                typer.echo(f"  argmap's embedder alone ({workers} workers) {own['seconds']:.1f} s; "
                           f"ratio {total / own['seconds']:.2f}")
            results.append(result)
            served_total = None
            if warm_server and n == incremental_size:
                result["served_cold"] = _served_cold(bench, project, env)
                served_total = result["served_cold"]["seconds"]
                typer.echo(f"  cold through a running warm server {served_total:.1f} s; "
                           f"ratio {served_total / baseline['seconds']:.2f}")
            if n == incremental_size:
                incremental = _incremental(bench, project, name, texts, n, env, total, warm_server, served_total)
                typer.echo(f"  incremental: {incremental}")
        ari_result = None
        if ari and results:
            ari_result = _ari(bench, p, argkp, workdir, results, cluster_overrides, backend)
            typer.echo(f"bench: clustering check {ari_result}")
        state = workdir / "bench_results.json"
        if merge and state.is_file():
            results, ari_result, incremental = bench.merge_runs(
                json.loads(state.read_text(encoding="utf-8")), results, ari_result, incremental)
        workdir.mkdir(parents=True, exist_ok=True)
        state.write_text(json.dumps({"results": results, "ari": ari_result, "incremental": incremental}, indent=1),
                         encoding="utf-8")
        settings = {
            "corpus": f"ArgKP-2021 arguments then PERSPECTRUM perspectives, {bench.DOCS_PER_POST} per JSONL post",
            "claims/s": "corpus claims (argument texts) per wall second of the stage",
            "embedding alone": (
                f"fresh process: load {p.embed.model} ({backend} backend), encode each distinct argument "
                "text once (" + ("onnxruntime on every core" if backend != "torch"
                                 else f"batch {p.embed.batch_size}") + ")"
            ),
            "argmap's embedder alone": (
                "fresh process: the same texts through argmap's embedder (fixed-shape passes on embed.workers "
                "single-threaded worker processes, which load the model themselves), no cache"
            ),
            "peak RSS": ("the larger of the stage process's own peak RSS and the memory of it and its worker "
                         "processes together, shared pages split between the processes that share them "
                         "(PSS, sampled every 0.1 s)"),
            "cluster params": json.dumps(cluster_overrides),
            "stages timed": ", ".join(bench.BENCH_STAGES) + " (train_* run once per project; evaluate and "
                            "report are gold- and HTML-specific and left out)",
        }
        report = bench.markdown_report(results, machine, ari_result, incremental, settings)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report, encoding="utf-8")
        write_json(out.with_suffix(".json"), {**bench.bench_json(results, incremental, incremental_size),
                                              "machine": machine})
        typer.echo(report)


def _served_cold(bench, project: Path, env: dict) -> dict:
    """The same cold run (empty cache, no outputs) in a copy of the project, every stage handed to
    a warm server that is already running, as a researcher who keeps one would have. Times only:
    a served stage runs in the server's child, outside the process tree the bench samples."""
    from pipeline.runtime.warm_control import running_server

    copy = project.with_name(project.name + "-served")
    shutil.rmtree(copy, ignore_errors=True)
    copy.mkdir(parents=True)
    for part in ("corpora", "models"):
        shutil.copytree(project / part, copy / part)
    shutil.copy(project / "params.yaml", copy / "params.yaml")
    served = {**env, "ARGMAP_WARM": "1", "ARGMAP_CACHE_DIR": str(copy / ".cache")}
    with running_server(served) as start:
        runs = bench.run_pipeline(copy, served)
    return {"server_start_seconds": round(start, 1), "seconds": sum(r.seconds for r in runs),
            "stages": [{"stage": r.stage, "seconds": r.seconds} for r in runs]}


def _incremental(bench, project: Path, name: str, texts: list[str], n: int, env: dict, cold_total: float,
                 warm_server: bool = True, served_cold_total: float | None = None) -> dict:
    """Add one post of unseen texts, rerun the stages with the warm cache; compare to the cold run.

    With `warm_server`, add a second post and rerun once more with ARGMAP_WARM=1 and a running
    warm server (pipeline/runtime/warm.py), as a researcher who keeps one would; the server's own start
    is timed apart. Only times are taken there: a served stage runs in the server's child, outside
    the process tree whose memory the bench samples.
    """
    from pipeline.runtime.warm_control import running_server

    posts = project / "corpora" / name / "posts.jsonl"
    before = len(posts.read_text(encoding="utf-8").splitlines())
    used = n % len(texts)

    def add_post(post_id: str, offset: int) -> None:
        new = [texts[(used + offset + i) % len(texts)] for i in range(bench.DOCS_PER_POST)]
        with posts.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"id": post_id, "text": "\n\n".join(new)}, ensure_ascii=False) + "\n")

    def rerun(run_env: dict) -> tuple[float, list]:
        t0 = time.perf_counter()
        runs = bench.run_pipeline(project, run_env)
        return time.perf_counter() - t0, runs

    add_post("bench-added", 0)
    seconds, runs = rerun(env)
    result = {
        "n_claims": n,
        "corpus": f"{before} posts + 1 added ({bench.DOCS_PER_POST} new argument texts)",
        "cold_seconds": round(cold_total, 1),
        "incremental_seconds": round(seconds, 1),
        "incremental_share_of_cold": f"{seconds / cold_total:.1%} (target ≤ 10%)",
        "per_stage_seconds": {r.stage: round(r.seconds, 1) for r in runs},
    }
    if warm_server:
        served = {**env, "ARGMAP_WARM": "1"}
        with running_server(served) as start:
            add_post("bench-added-warm", bench.DOCS_PER_POST)
            seconds, runs = rerun(served)
        result.update({
            "warm_server": "a second post added, stages rerun with ARGMAP_WARM=1 and the server running",
            "warm_server_start_seconds": round(start, 1),
            "warm_server_incremental_seconds": round(seconds, 1),
            "warm_server_share_of_cold": f"{seconds / cold_total:.1%} (target ≤ 10%)",
            **({"warm_server_share_of_served_cold": f"{seconds / served_cold_total:.1%} of the cold run "
                f"through the warm server ({served_cold_total:.1f} s)"} if served_cold_total else {}),
            "warm_server_per_stage_seconds": {r.stage: round(r.seconds, 1) for r in runs},
        })
    return result


def _ari(bench, p, argkp: Path, workdir: Path, results: list[dict], cluster_overrides: dict,
         backend: str = "torch") -> dict:
    import numpy as np
    import pandas as pd

    from pipeline.runtime.cache import CachedEmbedder, Store

    largest = max(r["n_claims"] for r in results)
    store = Store(workdir / f"n{largest}" / ".cache" / "cache.sqlite")
    # The model as the bench projects named it, so their cached vectors are found.
    model = bench.resolve_model(p.embed.model, Path.cwd())
    embedder = CachedEmbedder(model, p.embed.model_package, p.embed.batch_size, store, backend=backend)
    emb_path = workdir / f"n{largest}" / "work" / "embeddings.parquet"
    scored_path = workdir / f"n{largest}" / "work" / "sentences_scored.parquet"
    big, big_texts = None, None
    if emb_path.is_file() and scored_path.is_file():
        emb = pd.read_parquet(emb_path)
        big = np.vstack(emb["embedding"].to_numpy())
        scored = pd.read_parquet(scored_path, columns=["sentence_id", "norm_text"]).set_index("sentence_id")
        big_texts = scored["norm_text"].reindex(emb["sentence_id"]).tolist()
    n_big = len(big) if big is not None else largest
    params = p.cluster.model_copy(update={**cluster_overrides, "sample_size": min(
        cluster_overrides["sample_size"], max(n_big // 2, 10))})
    # The sample's share at the design point (50k claims), so the check samples even on small runs.
    fraction = min(0.5, cluster_overrides["sample_size"] / max(n_big, 50000))
    return bench.cluster_ari_check(argkp, embedder, params, fraction, p.base.seed, big_vectors=big,
                                   big_texts=big_texts)
