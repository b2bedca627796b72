"""Benchmark loaders, metrics and table on tiny hand-made fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmarks.clustering import (
    Group,
    argmap_method,
    benchmark_embedder,
    embed_texts,
    kmeans_method,
    load_perspectrum,
    make_groups,
    markdown_table,
    no_placement_method,
    noise_as_singletons,
    run_methods,
    run_seeds,
    score_group,
    summarise,
    summarise_seeds,
)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def perspectrum_root(tmp_path: Path) -> Path:
    root = tmp_path / "perspectrum"
    claims = [
        {"cId": 1, "text": "c1", "perspectives": [
            {"pids": [10, 11], "stance_label_3": "SUPPORT"},
            {"pids": [12], "stance_label_3": "UNDERMINE"},
            {"pids": [13, 14, 15], "stance_label_3": "UNDERMINE"},
        ]},
        # all singletons: nothing to group
        {"cId": 2, "text": "c2", "perspectives": [{"pids": [20]}, {"pids": [21]}, {"pids": [22]}, {"pids": [23]}]},
        # pid 30 in two clusters is ambiguous; the three left are below min_items=4
        {"cId": 3, "text": "c3", "perspectives": [{"pids": [30, 31, 33]}, {"pids": [30, 32]}]},
        {"cId": 4, "text": "c4", "perspectives": [{"pids": [40, 41]}, {"pids": [42, 43]}]},
    ]
    pool = [{"pId": i, "text": f"perspective {i}"} for i in (10, 11, 12, 13, 14, 15, 20, 21, 22, 23, 30, 31, 32, 33, 40, 41, 42, 43)]
    _write(root / "perspectrum_with_answers_v1.0.json", json.dumps(claims))
    _write(root / "perspective_pool_v1.0.json", json.dumps(pool))
    _write(root / "dataset_split_v1.0.json", json.dumps({"1": "dev", "2": "dev", "3": "dev", "4": "test"}))
    return root


def test_load_perspectrum_groups_paraphrases_per_claim(perspectrum_root):
    items = load_perspectrum(perspectrum_root, "dev")
    assert items["group"].unique().tolist() == ["claim 1"]
    assert items["item_id"].tolist() == ["p10", "p11", "p12", "p13", "p14", "p15"]
    assert items["gold"].tolist() == ["c1_0", "c1_0", "c1_1", "c1_2", "c1_2", "c1_2"]
    assert items["text"].iloc[0] == "perspective 10"
    test = load_perspectrum(perspectrum_root, "test")
    assert test["gold"].tolist() == ["c4_0", "c4_0", "c4_1", "c4_1"]


def test_load_perspectrum_drops_pid_listed_twice(perspectrum_root):
    items = load_perspectrum(perspectrum_root, "dev", min_items=2)
    claim3 = items[items["group"] == "claim 3"]
    assert claim3["item_id"].tolist() == ["p31", "p32", "p33"]
    assert claim3["gold"].tolist() == ["c3_0", "c3_1", "c3_0"]


def test_noise_as_singletons():
    assert noise_as_singletons(np.array([0, -1, 1, -1])).tolist() == [0, 2, 1, 3]
    assert noise_as_singletons(np.array([-1, -1])).tolist() == [0, 1]


def test_score_group_hand_checked():
    gold = ["a", "a", "b", "b"]
    perfect = score_group(gold, np.array([5, 5, 7, 7]))
    assert perfect["ari"] == pytest.approx(1.0)
    assert perfect["v_measure"] == pytest.approx(1.0)
    assert perfect["noise_share"] == 0.0
    # One noise point: as a singleton the prediction is {0,0},{1},{2}.
    # Pairs: (0,1) together in both; (2,3) together in gold only. Contingency [[2,0,0],[0,1,1]]:
    # sum C(n_ij,2) = 1, gold pairs 2, predicted pairs 1, total pairs 6:
    # ARI = (1 - 2*1/6) / ((2+1)/2 - 2*1/6) = (2/3) / (7/6) = 4/7.
    noisy = score_group(gold, np.array([0, 0, 1, -1]))
    assert noisy["ari"] == pytest.approx(4 / 7)
    assert noisy["noise_share"] == pytest.approx(0.25)
    # homogeneity 1 (every predicted cluster pure); completeness = 1 - H(K|C)/H(K) = 1 - (0.5 ln2)/ln(3)... check:
    h_k = -(0.5 * np.log(0.5) + 2 * 0.25 * np.log(0.25))  # predicted clusters sizes 2,1,1
    h_k_given_c = 0.5 * np.log(2)  # gold b splits evenly into two predicted clusters
    completeness = 1 - h_k_given_c / h_k
    assert noisy["v_measure"] == pytest.approx(2 * completeness / (1 + completeness))
    # Noise left out: the three placed points are perfectly clustered.
    assert noisy["ari_no_noise"] == pytest.approx(1.0)
    assert noisy["k_pred"] == 2 and noisy["k_true"] == 2


def test_score_group_all_noise_is_zero_ari_and_undefined_without_noise():
    s = score_group(["a", "a", "b"], np.array([-1, -1, -1]))
    assert s["ari"] == pytest.approx(0.0)
    assert s["noise_share"] == 1.0
    assert np.isnan(s["ari_no_noise"])


def test_placing_nothing_scores_zero_ari_but_a_v_measure_well_above_zero():
    # Why the benchmark shows a none-placed row: with noise as singletons, placing nothing is
    # perfectly homogeneous and its completeness is H(gold) / H(singletons), here ln 2 / ln 4.
    labels = no_placement_method(0)(np.zeros((4, 3), dtype=np.float32), ["w"] * 4, 2)
    assert labels.tolist() == [-1, -1, -1, -1]
    s = score_group(["a", "a", "b", "b"], labels)
    completeness = np.log(2) / np.log(4)
    assert s["ari"] == pytest.approx(0.0)
    assert s["v_measure"] == pytest.approx(2 * completeness / (1 + completeness))  # 2/3
    assert s["noise_share"] == 1.0 and s["k_pred"] == 0


def _blob_groups(seed: int = 0) -> list[Group]:
    rng = np.random.default_rng(seed)
    centres = np.eye(8)[:3]
    vectors, gold = [], []
    for c, centre in enumerate(centres):
        for _ in range(6):
            v = centre + 0.05 * rng.standard_normal(8)
            vectors.append(v / np.linalg.norm(v))
            gold.append(f"k{c}")
    items = pd.DataFrame({"dataset": "toy", "split": "dev", "group": "g", "item_id": range(18),
                          "text": [f"t{i}" for i in range(18)], "gold": gold})
    return make_groups(items, np.array(vectors, dtype=np.float32))


def test_methods_recover_clear_blobs(params):
    groups = _blob_groups()
    # The harness, not the tuned defaults, is under test: eom keeps each tight blob whole.
    blob_params = params.cluster.model_copy(update={"min_cluster_size": 3, "cluster_selection_method": "eom"})
    per_group = run_methods(groups, {"argmap": argmap_method(blob_params, 42), "kmeans": kmeans_method(42)})
    assert set(per_group["method"]) == {"argmap", "kmeans"}
    assert (per_group["ari"] > 0.9).all()
    summary = summarise(per_group)
    assert summary["method"].tolist() == ["argmap", "kmeans"]
    assert summary["groups"].tolist() == [1, 1]
    assert summary["items"].tolist() == [18, 18]


def test_markdown_table_has_one_row_per_method():
    per_group = pd.DataFrame([
        {"dataset": "argkp", "split": "test", "group": g, "method": m, "n": 10.0, "k_true": 2.0,
         "k_pred": 2.0, "noise_share": ns, "ari": a, "nmi": a, "v_measure": a, "ari_no_noise": a,
         "nmi_no_noise": float("nan"), "v_measure_no_noise": a, "seconds": 0.1}
        for g in ("g1", "g2") for m, a, ns in (("argmap", 0.5, 0.1), ("bertopic", 0.25, 0.5))
    ])
    table = markdown_table(summarise(per_group))
    lines = table.strip().splitlines()
    assert lines[0].startswith("| dataset | split | groups | items | method | ARI |")
    assert len(lines) == 4
    assert "| argkp | test | 2 | 20 | argmap | 0.500 | 0.500 | 0.500 | 10.0% | 0.500 | – | 0.500 | 2.0 / 2.0 |" in lines
    assert lines[3].split("|")[5].strip() == "bertopic"


def test_seeds_are_averaged_with_their_spread():
    """Two seeds of one method: the table gives their mean and the standard deviation across them."""
    per_group = pd.DataFrame([
        {"dataset": "argkp", "split": "test", "group": g, "method": "bertopic", "seed": seed, "n": 10.0,
         "k_true": 2.0, "k_pred": 1.0, "noise_share": ns, "ari": a, "nmi": a, "v_measure": a,
         "ari_no_noise": a, "nmi_no_noise": a, "v_measure_no_noise": a, "seconds": 0.1}
        for seed, a, ns in ((1, 0.2, 0.4), (2, 0.4, 0.6)) for g in ("g1", "g2")
    ])
    summary = summarise_seeds(per_group)
    assert len(summary) == 1
    row = summary.iloc[0]
    assert row["seeds"] == 2 and row["groups"] == 2 and row["items"] == 20
    assert row["ari"] == pytest.approx(0.3) and row["ari_sd"] == pytest.approx(0.1)
    assert row["noise_share"] == pytest.approx(0.5) and row["noise_share_sd"] == pytest.approx(0.1)
    assert "| argkp | test | 2 | 20 | bertopic | 0.300 ± 0.100 | 0.300 | 0.300 ± 0.100 | 50.0% ± 10.0% |" \
        in markdown_table(summary)


def test_run_seeds_builds_each_method_once_per_seed():
    built = []

    def factory(seed):
        built.append(seed)
        return lambda vectors, texts, k: np.zeros(len(vectors), dtype=np.int64)

    per_group = run_seeds(_blob_groups(), {"one": factory}, [7, 8])
    assert built == [7, 8]
    assert per_group["seed"].tolist() == [7, 8]


def test_embed_texts_keeps_order(fake_embedder):
    vectors = embed_texts(["a b", "c d", "a b"], fake_embedder)
    assert vectors.dtype == np.float32 and vectors.shape[0] == 3
    np.testing.assert_array_equal(vectors[0], vectors[2])
    np.testing.assert_array_equal(vectors[1], fake_embedder.encode(["c d"])[0])
    assert embed_texts([], fake_embedder).shape == (0, 0)


def test_benchmark_embedder_is_the_pipelines_batch_independent_embedder(tmp_path):
    from pipeline.runtime.cache import CachedEmbedder, MemoryStore

    kept = benchmark_embedder("models/encoder", None, 32, tmp_path / "vectors")
    assert isinstance(kept, CachedEmbedder)
    assert kept.store.path == tmp_path / "vectors" / "embeddings.sqlite"
    assert isinstance(benchmark_embedder("models/encoder", None, 32).store, MemoryStore)


def test_benchmark_command_writes_json_and_markdown(tmp_path, argkp_root, perspectrum_root, monkeypatch,
                                                     fake_embedder):
    from typer.testing import CliRunner

    import benchmarks.clustering
    from benchmarks.cli import app

    _write(argkp_root / "test_data/arguments_test.csv",
           "arg_id,argument,topic,stance\n" + "".join(
               f"t{i},{'cheap uniforms save money' if i < 4 else 'uniforms limit expression'} {i},T,1\n"
               for i in range(8)))
    _write(argkp_root / "test_data/labels_test.csv",
           "arg_id,key_point_id,label\n" + "".join(f"t{i},{'k1' if i < 4 else 'k2'},1\n" for i in range(8)))
    monkeypatch.setattr(benchmarks.clustering, "benchmark_embedder", lambda *a, **k: fake_embedder)
    out = tmp_path / "results"
    result = CliRunner().invoke(app, [
        "--params", str(Path(__file__).resolve().parents[1] / "params.yaml"), "quality", "clustering", "--methods", "argmap,kmeans-true-k", "--out-dir", str(out),
        "--argkp-dir", str(argkp_root), "--perspectrum-dir", str(perspectrum_root),
    ])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "clustering.json").read_text())
    assert {(r["dataset"], r["method"]) for r in doc["summary"]} == {
        ("argkp", "argmap"), ("argkp", "kmeans-true-k"), ("perspectrum", "argmap"), ("perspectrum", "kmeans-true-k")}
    assert doc["seeds"] == [42, 43, 44, 45, 46]
    assert {r["seed"] for r in doc["per_seed"]} == set(doc["seeds"])
    text = (out / "clustering.md").read_text()
    assert "| argkp | test | 1 | 8 | kmeans-true-k |" in text
    assert "### Seed 46" in text


def test_benchmark_command_rejects_bad_seeds(tmp_path):
    from typer.testing import CliRunner

    from benchmarks.cli import app

    result = CliRunner().invoke(app, ["quality", "clustering", "--seeds", "1,x", "--out-dir", str(tmp_path)])
    assert result.exit_code != 0
    assert "--seeds" in result.output


def test_benchmark_command_rejects_unknown_method(tmp_path):
    from typer.testing import CliRunner

    from benchmarks.cli import app

    result = CliRunner().invoke(app, ["quality", "clustering", "--methods", "lda", "--out-dir", str(tmp_path)])
    assert result.exit_code != 0
    assert "lda" in result.output


def test_tuning_caps_lexical_settings_by_the_best_plain_settings_noise(params, monkeypatch):
    """A lexical setting that scores higher only by leaving more noise is not chosen."""
    import benchmarks.clustering as bc

    scores = {  # (lexical weight, threshold) -> (ari, v, noise)
        (0.0, 0.7): (0.10, 0.40, 0.10),
        (0.0, 0.8): (0.05, 0.40, 0.30),   # over BERTopic's noise: out
        (0.25, 0.7): (0.10, 0.50, 0.12),  # best score, but more noise than the plain best
        (0.25, 0.6): (0.11, 0.45, 0.09),
    }
    candidates = [{"lexical_weight": w, "reassign_min_similarity": t} for w, t in scores]

    def fake_score(groups, base, overrides, seed):
        ari, v, noise = scores[(overrides["lexical_weight"], overrides["reassign_min_similarity"])]
        return {"toy": {"ari": ari, "nmi": v, "v_measure": v, "noise_share": noise,
                        "ari_no_noise": ari, "v_measure_no_noise": v, "k_pred": 3.0}}

    monkeypatch.setattr(bc, "_score_candidate", fake_score)
    bertopic = pd.DataFrame([{"dataset": "toy", "noise_share": 0.2, "ari": 0.0, "v_measure": 0.3}])
    base = params.cluster.model_copy(update={"lexical_weight": 0.0, "reassign_min_similarity": 0.7})
    result = bc.tune_cluster([], [], base, 42, bertopic, top=4, candidates=candidates)
    assert result["chosen"] == {"lexical_weight": 0.25, "reassign_min_similarity": 0.6}
    assert result["lexical_noise_cap"] == {"toy": 0.10}
    assert [r["params"]["reassign_min_similarity"] for r in result["top"]][:2] == [0.6, 0.7]
