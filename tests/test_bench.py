"""bench: corpus building from real argument text (figures are printed by `argmap-bench speed`, never asserted)."""

from __future__ import annotations

import json

import yaml

from benchmarks.speed import bench_params, build_corpus, load_texts, markdown_report, write_corpus


def _fixtures(tmp_path):
    argkp = tmp_path / "argkp"
    (argkp / "kpm_data").mkdir(parents=True)
    (argkp / "kpm_data" / "arguments_train.csv").write_text(
        "arg_id,argument,topic,stance\n"
        "a1,Founders should sell before they market.,t,1\n"
        "a2,\"A brand makes   every sale easier.\",t,-1\n"
        "a3,Too short,t,1\n"
        "a4,Founders should sell before they market.,t,1\n", encoding="utf-8")
    persp = tmp_path / "persp"
    persp.mkdir()
    (persp / "perspective_pool_v1.0.json").write_text(json.dumps(
        [{"pId": 2, "text": "Strategy comes before any tactic."}, {"pId": 1, "text": "Research the market first."}]))
    return argkp, persp


def test_load_texts_dedups_and_orders(tmp_path):
    texts = load_texts(*_fixtures(tmp_path))
    assert texts == ["Founders should sell before they market.", "A brand makes every sale easier.",
                     "Research the market first.", "Strategy comes before any tactic."]


def test_build_corpus_repeats_only_past_the_pool(tmp_path):
    texts = load_texts(*_fixtures(tmp_path))
    small = build_corpus(texts, 3, per_post=2)
    assert small.repeats == 1 and "none repeated" in small.note
    assert [p["text"].split("\n\n") for p in small.posts] == [texts[:2], texts[2:3]]
    big = build_corpus(texts, 10, per_post=2)
    assert big.unique_texts == 4 and big.repeats == 2.5 and "repeated 2.50x" in big.note
    assert sum(len(p["text"].split("\n\n")) for p in big.posts) == 10


def test_write_corpus_is_a_valid_jsonl_corpus(tmp_path):
    from pipeline.ingest import ingest_corpora, read_corpus

    plan = build_corpus(load_texts(*_fixtures(tmp_path)), 4, per_post=2)
    write_corpus(plan, tmp_path / "corpora" / "bench-4", "bench-4")
    result = ingest_corpora([read_corpus(tmp_path / "corpora", "bench-4", 5_000_000)])
    assert len(result.documents) == 2 and not result.rejects


def test_bench_params_and_report():
    base = yaml.safe_load(open("params.yaml", encoding="utf-8"))
    p = bench_params(base, "bench-4", {"reduce": "pca", "sample_size": 10})
    assert p["ingest"]["corpora"] == ["bench-4"] and p["cluster"]["sample_size"] == 10
    assert base["ingest"]["corpora"] != ["bench-4"]  # the project's params are untouched
    assert p["embed"]["model"] == base["embed"]["model"]  # without a root: as written


def test_bench_params_point_at_the_projects_own_model_folder(tmp_path):
    from benchmarks.speed import resolve_model

    (tmp_path / "models" / "encoder").mkdir(parents=True)
    base = yaml.safe_load(open("params.yaml", encoding="utf-8"))
    base["embed"]["model"] = "models/encoder"
    p = bench_params(base, "bench-4", {}, root=tmp_path)
    # a bench project lives in another folder: a relative model folder would not be found there
    assert p["embed"]["model"] == str((tmp_path / "models" / "encoder").resolve())
    assert resolve_model("sentence-transformers/all-MiniLM-L6-v2", tmp_path) == "sentence-transformers/all-MiniLM-L6-v2"
    assert resolve_model(str(tmp_path / "models" / "encoder"), tmp_path / "elsewhere") == str(tmp_path / "models" / "encoder")
    results = [{"n_claims": 4, "note": "x", "baseline": {"seconds": 2.0, "load_seconds": 1.0, "encode_seconds": 1.0,
                                                          "peak_mib": 10.0},
                "stages": [{"stage": "ingest", "seconds": 1.0, "peak_mib": 5.0}]}]
    text = markdown_report(results, {"cpu": "c"}, None, None, {"k": "v"})
    assert "| 4 | ingest | 1.0 |" in text and "ratio" in text


def test_merge_runs_keeps_what_this_run_did_not_measure():
    from benchmarks.speed import merge_runs

    old = {"results": [{"n_claims": 1000, "v": "old"}, {"n_claims": 10000, "v": "old"}],
           "ari": {"a": 1}, "incremental": {"i": 1}}
    results, ari, inc = merge_runs(old, [{"n_claims": 50000, "v": "new"}, {"n_claims": 1000, "v": "new"}],
                                   None, None)
    assert [(r["n_claims"], r["v"]) for r in results] == [(1000, "new"), (10000, "old"), (50000, "new")]
    assert ari == {"a": 1} and inc == {"i": 1}
    assert merge_runs(old, [], {"a": 2}, None)[1] == {"a": 2}


def _argkp_all_splits(root):
    """Two key points per split, six arguments each, one argument matching none."""
    files = {"train": "kpm_data", "dev": "kpm_data", "test": "test_data"}
    words = {"kp1": "sell to customers first", "kp2": "brand story builds trust"}
    for split, folder in files.items():
        (root / folder).mkdir(parents=True, exist_ok=True)
        args, labels = ["arg_id,argument,topic,stance"], ["arg_id,key_point_id,label"]
        for i in range(12):
            kp = "kp1" if i % 2 else "kp2"
            args.append(f"{split}{i},Founders should {words[kp]} in case {i}.,t,1")
            labels.append(f"{split}{i},{split}_{kp},1")
        args.append(f"{split}x,Nothing to do with either.,t,1")
        (root / folder / f"arguments_{split}.csv").write_text("\n".join(args) + "\n", encoding="utf-8")
        (root / folder / f"labels_{split}.csv").write_text("\n".join(labels) + "\n", encoding="utf-8")
    return root


def test_clustering_check_runs_with_the_projects_cluster_params(tmp_path):
    """The full-vs-sampled clustering check clusters as the pipeline does (texts included)."""
    import numpy as np

    from benchmarks.speed import cluster_ari_check
    from pipeline.params import load_params

    class Fake:
        name = "fake"

        def encode(self, texts):
            rng = np.random.default_rng(0)
            base = np.array([[1.0, 0.0, 0.0] if "sell" in t else [0.0, 1.0, 0.0] for t in texts])
            v = base + 0.01 * rng.standard_normal(base.shape)
            return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)

    # With a lexical part the clustering reads texts: the check must pass them.
    params = load_params("params.yaml").cluster.model_copy(update={"lexical_weight": 0.25})
    big = Fake().encode(["sell a"] * 10 + ["brand b"] * 10)
    out = cluster_ari_check(_argkp_all_splits(tmp_path / "argkp"), Fake(), params, 0.5, 42,
                            big_vectors=big, big_texts=["sell a"] * 10 + ["brand b"] * 10)
    assert out["argkp_arguments"] == 36
    assert -1 <= out["full_ari"] <= 1 and -1 <= out["sampled_ari"] <= 1
    assert "sampled_seconds_at_20" in out


def test_report_shows_the_cold_run_through_a_warm_server():
    stages = ("ingest", "sentences", "embed", "cluster", "stance", "relate", "argmap")
    results = [{"n_claims": 10, "note": "x",
                "baseline": {"seconds": 4.0, "load_seconds": 1.0, "encode_seconds": 3.0, "peak_mib": 10.0},
                "baseline_workers": {"seconds": 2.0, "load_seconds": 1.0, "encode_seconds": 1.0, "peak_mib": 10.0,
                                     "workers": 2},
                "stages": [{"stage": s, "seconds": 1.0, "peak_mib": 5.0} for s in stages],
                "served_cold": {"server_start_seconds": 5.5, "seconds": 5.0,
                                "stages": [{"stage": s, "seconds": 5.0 / 7} for s in stages]}}]
    text = markdown_report(results, {"cpu": "c"}, None, None, {"k": "v"})
    assert "## Cold runs through a running warm server" in text
    assert "| 10 | 0.7 | 0.7 | 0.7 | 0.7 | 0.7 | 0.7 | 0.7 | 5.0 | 1.25 | 2.50 | 5.5 |" in text


def _fake_result(n: int) -> dict:
    stages = ("ingest", "sentences", "embed", "stance", "cluster", "relate", "argmap")
    return {"n_claims": n, "note": "x", "load_average": "0.10 0.20 0.30", "backend": "onnx",
            "baseline": {"seconds": 4.0, "load_seconds": 1.0, "encode_seconds": 3.0, "peak_mib": 10.0},
            "baseline_torch": {"seconds": 8.0, "load_seconds": 2.0, "encode_seconds": 6.0, "peak_mib": 10.0},
            "products": {"claims": n - 1, "key_points": 3, "noise_claims": 1, "positions": 4,
                         "relations": {"attack": 2, "support": 5}},
            "bertopic": {"seconds": 14.0, "load_seconds": 2.0, "fit_transform_seconds": 12.0,
                         "encode_seconds": 3.0, "topics": 2, "outlier_share": 0.25, "texts": n - 1,
                         "peak_mib": 20.0, "load_average": "0.40 0.50 0.60"},
            "stages": [{"stage": s, "seconds": 1.0, "peak_mib": 5.0 + i} for i, s in enumerate(stages)]}


def test_bench_json_has_the_headline_figures_per_size():
    from benchmarks.speed import bench_json

    incremental = {"cold_seconds": 7.0, "incremental_seconds": 0.7}
    out = bench_json([_fake_result(10), _fake_result(20)], incremental, 20)
    assert sorted(out["sizes"]) == ["10", "20"]
    row = out["sizes"]["20"]
    for key in ("claims", "pipeline_s", "embedding_s", "bertopic_s", "incremental_share", "peak_rss_mib",
                "load_average"):
        assert key in row
    assert row["claims"] == 19 and row["pipeline_s"] == 7.0 and row["embedding_s"] == 4.0
    assert row["bertopic_s"] == 14.0 and row["ratio_to_bertopic"] == 0.5 and row["incremental_share"] == 0.1
    assert row["peak_rss_mib"] == 11 and out["sizes"]["10"]["incremental_share"] is None
    json.dumps(out)  # plain JSON


def test_report_has_the_peer_and_the_backend_columns():
    text = markdown_report([_fake_result(10)], {"cpu": "c"}, None, None, {"k": "v"})
    assert "## argmap vs BERTopic on the same claims" in text
    assert "| 9 | 7.0 | 14.0 (2.0 + 3.0 + 9.0) | 0.50 | 2 topics, 25% outliers |" in text
    assert "2 attack, 5 support relations" in text
    assert "| 10 | 4.0 (1.0 + 3.0) | 8.0 (2.0 + 6.0) | 2.00x | 2.00x |" in text


def test_bench_params_set_the_engine():
    base = yaml.safe_load(open("params.yaml", encoding="utf-8"))
    p = bench_params(base, "bench-4", {}, engine="dask")
    assert p["base"]["engine"] == "dask" and p["base"]["scheduler_address"] is None
    assert bench_params(base, "bench-4", {})["base"]["engine"] == "local"


def test_a_distributed_row_is_kept_apart_from_the_same_size_on_one_machine():
    from benchmarks.speed import bench_json, merge_runs

    dask = {**_fake_result(20), "engine": "dask", "unique_texts": 10}
    for s in dask["stages"]:
        s["largest_worker_mib"] = 3.0
    merged, _, _ = merge_runs({"results": [dask]}, [_fake_result(20)], None, None)
    assert [(r["n_claims"], r.get("engine", "local")) for r in merged] == [(20, "local"), (20, "dask")]
    out = bench_json(merged, None, None)
    assert sorted(out["sizes"]) == ["20"] and out["distributed"]["20-dask"]["largest_worker_mib"] == 3
    text = markdown_report(merged, {"nproc": "2"}, None, None, {})
    assert "## Past one machine: `base.engine: dask`" in text
    assert "| 20 | | **whole pipeline** | 7.0 | 3 | 11 | 3 |" in text


def test_the_scale_plan_extrapolates_from_distinct_texts_only():
    from benchmarks.speed import scale_plan

    small = {**_fake_result(10), "unique_texts": 10}  # 1 s a stage over 10 distinct claims
    big = {**_fake_result(100), "unique_texts": 20, "engine": "dask"}  # repeats: not used for the encoders
    lines = "\n".join(scale_plan([small, big], cores=2))
    # sentences + embed + stance: 3 s / 10 claims on 2 cores = 0.6 core-s a claim; 1M claims: 166.7 core-h
    assert "| 1,000,000 | 166.7 | 83.3 | 5.21 |" in lines
    # the driver's three stages: 3 s / 100 claims = 0.03 s a claim; 1M claims: 8.33 h
    assert "| 8.33 | 1.4 | 0.07 |" in lines
    assert scale_plan([{**_fake_result(10), "unique_texts": 5}], cores=2) == []
