"""KPA matching mAP, ROUGE, generated key points and the label tuning on tiny hand-made inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks.keypoints import (
    best_matches,
    generation_rows,
    gold_clusters,
    keypoints_markdown,
    kpa_map,
    load_kpa,
    match_scores,
    rouge_l,
    rouge_n,
    rouge_scores,
    summarise_generation,
    tune_label_weights,
    with_labels,
)
from pipeline.errors import CorpusError


def _args():
    return pd.DataFrame({"arg_id": ["a1", "a2", "a3", "a4", "a5"], "topic": ["T"] * 5, "stance": ["1"] * 5,
                         "argument": ["x"] * 5})


def _scores():
    # a5 has no score: it gets the dummy key point, never a match
    return pd.DataFrame({"arg_id": ["a1", "a1", "a2", "a3", "a4"], "key_point_id": ["k1", "k2", "k2", "k1", "k2"],
                         "score": [0.9, 0.1, 0.8, 0.7, 0.6]})


def _labels():
    # (a3, k1) is undecided: no row
    return pd.DataFrame({"arg_id": ["a1", "a2", "a4"], "key_point_id": ["k1", "k2", "k2"], "label": [1, 0, 1]})


def test_kpa_map_strict_and_relaxed_by_hand():
    whole = kpa_map(_scores(), _args(), _labels(), top_share=1.0)
    # ranked a1 (1), a2 (0), a3 (undecided), a4 (1), a5 (dummy, 0)
    assert whole["map_strict"] == pytest.approx((1 / 1 + 2 / 4) / 2)
    assert whole["map_relaxed"] == pytest.approx((1 / 1 + 2 / 3 + 3 / 4) / 3)
    assert whole["groups"][0]["undecided"] == 1
    top = kpa_map(_scores(), _args(), _labels())  # the shared task keeps the top half: a1, a2
    assert top["map_strict"] == top["map_relaxed"] == pytest.approx(1.0)


def test_match_scores_pairs_only_within_topic_and_stance():
    args = pd.DataFrame({"arg_id": ["a", "b"], "topic": ["T", "U"], "stance": ["1", "1"], "argument": ["", ""]})
    kps = pd.DataFrame({"key_point_id": ["k", "m"], "topic": ["T", "T"], "stance": ["1", "-1"], "key_point": ["", ""]})
    out = match_scores(args, kps, np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0.6, 0.8], [1.0, 0.0]]))
    assert out.to_dict(orient="records") == [{"arg_id": "a", "key_point_id": "k", "score": pytest.approx(0.6)}]


def test_rouge_by_hand():
    assert rouge_n("the cat sat", "The cat ran", 1) == pytest.approx(2 / 3)
    assert rouge_n("the cat sat", "the cat ran", 2) == pytest.approx(0.5)
    assert rouge_l("the cat sat on the mat", "the cat on a mat") == pytest.approx(2 * (4 / 6) * (4 / 5) / (4 / 6 + 4 / 5))
    assert rouge_scores("", "anything") == {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}


def _fake_embed(texts):
    # one axis per first letter: a text matches the texts that start as it does
    out = np.zeros((len(texts), 26))
    for i, t in enumerate(texts):
        out[i, ord(t.strip().lower()[0]) - 97] = 1.0
    return out


def test_best_matches_take_the_scorers_first_choice():
    rows = best_matches(["sales close deals", "brands build trust"], ["brand matters", "selling first"], _fake_embed)
    assert [r["label"] for r in rows] == ["brands build trust", "sales close deals"]
    assert rows[0]["cosine"] == pytest.approx(1.0) and rows[0]["rouge1"] == 0.0
    assert best_matches([], ["brand matters"], _fake_embed)[0]["label"] is None


def test_generation_rows_and_summary():
    args = pd.DataFrame({"arg_id": list("abcd"), "topic": ["T"] * 4, "stance": ["1"] * 4,
                         "argument": ["sales close deals fast", "sales close deals", "brands build trust",
                                      "brands build trust slowly"]})
    kps = pd.DataFrame({"key_point_id": ["k1", "k2"], "topic": ["T", "T"], "stance": ["1", "1"],
                        "key_point": ["sales close deals", "brands build trust"]})

    def two_groups(texts, vectors):
        return [[0, 1], [2, 3]]

    def shortest(members, vectors):
        return [min(m, key=len) for m in members]

    rows = generation_rows(args, kps, np.eye(4), {"fake": with_labels(two_groups, shortest)}, _fake_embed)
    assert rows["rouge1"].tolist() == [1.0, 1.0]
    summary = summarise_generation(rows).iloc[0]
    assert summary["gold"] == 2 and summary["key_points"] == 2 and summary["noise_share"] == 0


def test_gold_clusters_keep_arguments_of_one_key_point():
    args = pd.DataFrame({"arg_id": ["a", "b", "c", "d"]})
    kps = pd.DataFrame({"key_point_id": ["k", "m"], "key_point": ["K", "M"]})
    labels = pd.DataFrame({"arg_id": ["a", "b", "c", "c", "d"], "key_point_id": ["k", "k", "k", "m", "m"],
                           "label": [1, 1, 1, 1, 1]})
    assert gold_clusters(args, kps, labels) == [("K", [0, 1])]  # c matches two; m has one argument left


def test_tune_label_weights_chooses_on_train():
    vecs = np.array([[1.0, 0.0], [0.9, 0.1]])
    rows = [("customers beat advertising", ["Talking to customers beats advertising early on.",
                                            "Customers beat advertising, says everyone who tried it."], vecs)]
    result = tune_label_weights({"train": rows, "dev": rows},
                                [{"centrality": 1.0, "shared_words": 0.0, "length": 0.0},
                                 {"centrality": 1.0, "shared_words": 1.0, "length": 0.5}])
    assert result["chosen"] in [r["weights"] for r in result["results"]]
    assert result["results"][0]["train"]["objective"] >= result["results"][1]["train"]["objective"]


def test_markdown_has_every_table():
    result = {
        "map": {"test": {"map_strict": 0.8, "map_relaxed": 0.9, "groups": [{}]}},
        "generation": [{"method": "m", "gold": 2, "cosine": 0.5, "rouge1": 0.3, "rouge2": 0.1, "rougeL": 0.2,
                        "key_points": 3.0, "label_words": 7.0, "noise_share": 0.1}],
        "label_tuning": {"selection": "s", "chosen": {"centrality": 1, "shared_words": 0, "length": 0},
                         "n_settings": 1, "representative": {"train": {"rouge1": 0.2, "rougeL": 0.1}},
                         "shown": [{"weights": {"centrality": 1, "shared_words": 0, "length": 0},
                                    "train": {"rouge1": 0.3, "rougeL": 0.2}, "dev": {"rouge1": 0.3, "rougeL": 0.2}}]},
        "orphans": {"selection": "s", "rows": [
            {"reassign_min_similarity": 0.75, "noise_pass": 2, "attach": attach, "objective": 0.45,
             "vs_reference": 0.0, "paired_se": 0.0, "noise_share": 0.01,
             "datasets": {"argkp": {"ari": 0.4, "v_measure": 0.5, "noise_share": 0.01, "k_pred": 5.0}}}
            for attach in (False, 0.7)],
            "reference": {"reassign_min_similarity": 0.75, "noise_pass": 2, "attach": False},
            "chosen": {"reassign_min_similarity": 0.75, "noise_pass": 2, "attach": 0.7},
            "best_key_points": {"reassign_min_similarity": 0.75, "noise_pass": 2, "attach": False},
            "in_use": {"reassign_min_similarity": 0.75, "noise_pass": 2, "attach": 0.7},
            "generation_dev": [{"method": "in use", "cosine": 0.7, "rouge1": 0.3, "rougeL": 0.2, "key_points": 4.0,
                                "noise_share": 0.02}]},
    }
    text = keypoints_markdown(result)
    assert "| test | 1 | 0.800 | 0.900 |" in text and "0.913" in text and "(chosen)" in text
    assert "| 0.75, min size 2 (best key points) | 0.400 / 0.500 / 1.0% |" in text
    assert "| 0.70 (chosen, in use) | 0.400 / 0.500 / 1.0% |" in text and "| in use | 0.700 |" in text


def test_orphan_tradeoff_chooses_the_fewest_orphans_within_the_tolerance(params):
    from benchmarks.clustering import Group
    from benchmarks.keypoints import orphan_tradeoff

    rng = np.random.default_rng(0)
    centres = np.eye(8)[:3]
    groups = []
    for g in range(3):
        gold = [str(i % 3) for i in range(24)]
        vecs = np.array([centres[int(x)] + rng.normal(0, 0.45, 8) for x in gold])
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        groups.append(Group("argkp", "dev", f"g{g}", [f"t{i}" for i in range(24)], gold, vecs))
    cluster = params.cluster.model_copy(update={"reassign_min_similarity": 0.9})
    result = orphan_tradeoff(groups, cluster, 42, thresholds=(0.9,), noise_passes=(2,), attach_bars=(0.8, 0.5),
                             tolerance=0.01)
    rows = {r["attach"]: r for r in result["rows"]}
    assert set(rows) == {False, 0.8, 0.5} and result["reference"]["attach"] is False
    assert rows[False]["vs_reference"] == 0.0
    assert rows[0.5]["noise_share"] <= rows[0.8]["noise_share"] <= rows[False]["noise_share"]
    eligible = [r for r in rows.values() if r["vs_reference"] >= -0.01]
    assert result["chosen"]["attach"] == min(eligible, key=lambda r: r["noise_share"])["attach"]


def test_load_kpa_names_a_missing_file(tmp_path):
    with pytest.raises(CorpusError, match="arguments_dev.csv"):
        load_kpa(tmp_path, "dev")
    with pytest.raises(CorpusError, match="unknown"):
        load_kpa(tmp_path, "final")
