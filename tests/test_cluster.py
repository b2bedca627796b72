"""hdbscan key points on hand-built vectors: groups found, noise kept, ids deterministic."""

import numpy as np
import pandas as pd
import pytest

from pipeline.cluster import (
    cluster_claims,
    cluster_claims_within,
    effective_min_cluster_size,
    lexical_vectors,
    merge_close_clusters,
    refine_clusters,
)


def _blobs(seed=0, per=8, noise=3, dim=16):
    rng = np.random.default_rng(seed)
    centres = np.eye(dim)[0] + 0.8 * np.eye(dim)[1:4]  # three nearby points, far from the noise
    rows = [c + rng.normal(0, 0.03, dim) for c in centres for _ in range(per)]
    rows += [np.eye(dim)[5 + i] + rng.normal(0, 0.03, dim) for i in range(noise)]  # far from all
    vecs = np.array(rows, dtype=np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    ids = [f"s{i:03d}" for i in range(len(vecs))]
    return pd.DataFrame({"sentence_id": ids, "embedding": list(vecs)})


WORDS = ["advertising budget", "customer interviews", "pricing model"]


def _texts(frame, per=8):
    """One shared phrase per blob (plus the claim's own number); noise claims share nothing."""
    texts = [f"{WORDS[i // per]} matters, point {i}" if i < 3 * per else f"unrelated remark {i}"
             for i in range(len(frame))]
    return pd.Series(texts, index=frame["sentence_id"].to_numpy())


def _eom(params, **kw):
    return params.cluster.model_copy(
        update={"cluster_selection_method": "eom", "min_samples": 3, "lexical_weight": 0.0, **kw}
    )


def test_finds_three_groups_and_keeps_noise(params):
    out = cluster_claims(_blobs(), _eom(params), seed=42)
    labels = out["cluster_id"].tolist()
    assert len(set(labels) - {-1}) == 3
    assert labels[24:] == [-1, -1, -1]
    for g in range(3):  # each blob lands in one cluster
        assert len(set(labels[g * 8:(g + 1) * 8])) == 1
    assert labels[:8] == [0] * 8  # numbered by first member
    assert out["membership_score"].between(0, 1).all()


def test_deterministic(params):
    frame = _blobs()
    a = cluster_claims(frame, params.cluster, seed=42, texts=_texts(frame))
    shuffled = frame.sample(frac=1, random_state=3)
    b = cluster_claims(shuffled, params.cluster, seed=42, texts=_texts(frame).sample(frac=1, random_state=5))
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("weight", [0.0, 0.25, 1.0])
def test_lexical_part_is_deterministic(params, weight):
    frame = _blobs()
    p = _eom(params, lexical_weight=weight)
    runs = [cluster_claims(frame, p, seed=42, texts=_texts(frame)) for _ in range(2)]
    pd.testing.assert_frame_equal(*runs)
    assert len(set(runs[0]["cluster_id"]) - {-1}) == 3


def test_lexical_weight_zero_ignores_texts(params):
    """Weight 0 is the embeddings-only clustering: no texts needed, and any texts change nothing."""
    frame = _blobs()
    p = params.cluster.model_copy(update={"lexical_weight": 0.0})
    plain = cluster_claims(frame, p, seed=42)
    with_texts = cluster_claims(frame, p, seed=42, texts=_texts(frame))
    other_texts = cluster_claims(frame, p, seed=42, texts=pd.Series("same words", index=frame["sentence_id"]))
    pd.testing.assert_frame_equal(plain, with_texts)
    pd.testing.assert_frame_equal(plain, other_texts)


def test_lexical_weight_needs_every_text(params):
    frame = _blobs()
    p = params.cluster.model_copy(update={"lexical_weight": 0.25})
    with pytest.raises(ValueError, match=r"cluster\.lexical_weight"):
        cluster_claims(frame, p, seed=42)
    with pytest.raises(ValueError, match=r"cluster\.lexical_weight"):
        cluster_claims(frame, p, seed=42, texts=_texts(frame).iloc[1:])


def test_shared_words_join_claims_the_embeddings_leave_apart(params):
    """Two claims per pair on a near-identical embedding; only the words tell the pairs apart."""
    rng = np.random.default_rng(1)
    base = np.eye(16)[0]
    vecs = np.array([base + rng.normal(0, 0.05, 16) for _ in range(8)], dtype=np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    ids = [f"s{i:03d}" for i in range(8)]
    frame = pd.DataFrame({"sentence_id": ids, "embedding": list(vecs)})
    topics = ["advertising budget", "customer interviews", "pricing model", "hiring plan"]
    texts = pd.Series([f"{topics[i % 4]} first" for i in range(8)], index=ids)
    p = params.cluster.model_copy(update={"lexical_weight": 1.0, "reassign_noise": False})
    labels = cluster_claims(frame, p, seed=42, texts=texts)["cluster_id"].to_numpy()
    for i in range(4):  # claims i and i + 4 share their words
        assert labels[i] != -1 and labels[i] == labels[i + 4]
    assert len(set(labels.tolist())) == 4


def test_lexical_vectors_are_unit_or_zero():
    vectors = lexical_vectors(["sales budget", "sales team", "a lone remark", "marketing budget"], 32, 42)
    norms = np.linalg.norm(vectors, axis=1)
    assert np.allclose(norms[[0, 1, 3]], 1.0)
    assert norms[2] == 0.0  # shares no word with another claim
    assert lexical_vectors(["one", "two"], 32, 42).shape == (2, 1)  # nothing shared: all zero


def test_reassign_noise_marks_reassigned(params):
    p = _eom(params, reassign_noise=True, reassign_min_similarity=-1.0)
    out = cluster_claims(_blobs(), p, seed=42)
    assert (out["cluster_id"] != -1).all()
    assert out["reassigned"].tolist() == [False] * 24 + [True] * 3
    strict = cluster_claims(_blobs(), _eom(params, reassign_noise=True, reassign_min_similarity=0.99), seed=42)
    assert (strict["cluster_id"] == -1).sum() == 3 and not strict["reassigned"].any()


def test_too_few_claims_are_all_noise(params):
    out = cluster_claims(_blobs().head(2), params.cluster, seed=42, texts=pd.Series(["a", "b"], index=["s000", "s001"]))
    assert (out["cluster_id"] == -1).all()


def test_pca_reduction_path(params):
    out = cluster_claims(_blobs(), _eom(params, reduce="pca", reduce_dims=5), seed=42)
    labels = out["cluster_id"].tolist()
    assert len(set(labels) - {-1}) == 3
    for g in range(3):
        assert len(set(labels[g * 8:(g + 1) * 8])) == 1


def test_reduced_vectors_get_the_same_key_points_as_hdbscans_default_algorithm(params):
    """Reduced vectors are clustered with Prim's algorithm (faster); the labels and scores must be
    those of hdbscan's default (Boruvka), duplicate claims included."""
    import hdbscan

    from pipeline.cluster import _renumber, reduce_dimensions

    rng = np.random.default_rng(3)
    centres = rng.normal(size=(40, 32))
    rows = np.vstack([c + rng.normal(0, 0.35, (25, 32)) for c in centres] + [rng.normal(0, 2, (200, 32))])
    rows = np.vstack([rows, rows[:60]])  # exact duplicates: ties in the distances
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    ids = [f"s{i:05d}" for i in range(len(rows))]
    frame = pd.DataFrame({"sentence_id": ids, "embedding": list(rows.astype(np.float32))})
    cp = params.cluster.model_copy(update={"lexical_weight": 0.0, "reassign_noise": False, "merge_min_similarity": None,
                                           "min_cluster_fraction": 0.0, "refine_iterations": 0,
                                           "reduce": "pca", "reduce_dims": 10})
    out = cluster_claims(frame, cp, seed=42)
    reduced = reduce_dimensions(rows.astype(np.float32).astype(np.float64), cp, 42)
    default = hdbscan.HDBSCAN(min_cluster_size=cp.min_cluster_size, min_samples=cp.min_samples,
                              cluster_selection_method=cp.cluster_selection_method,
                              algorithm="boruvka_kdtree").fit(reduced)
    assert out["cluster_id"].tolist() == _renumber(default.labels_, ids).tolist()
    assert np.allclose(out["membership_score"], np.round(default.probabilities_, 6))
    assert out["cluster_id"].max() > 20


def test_min_cluster_size_scales_with_the_claims_up_to_its_cap(params):
    c = params.cluster.model_copy(update={"min_cluster_size": 2, "min_cluster_fraction": 0.05,
                                          "min_cluster_size_max": 25, "sample_size": 0})
    assert effective_min_cluster_size(20, c) == 2      # 1 claim's share: the floor holds
    assert effective_min_cluster_size(60, c) == 3      # 0.05 x 60 is 3.0000000000000004 in floats
    assert effective_min_cluster_size(61, c) == 4
    assert effective_min_cluster_size(100_000, c) == 25  # the cap
    sampled = c.model_copy(update={"sample_size": 200})
    assert effective_min_cluster_size(100_000, sampled) == 10  # hdbscan fits the sample
    off = c.model_copy(update={"min_cluster_fraction": 0.0, "min_cluster_size": 4})
    assert effective_min_cluster_size(100_000, off) == 4
    high_floor = c.model_copy(update={"min_cluster_size": 30})
    assert effective_min_cluster_size(100_000, high_floor) == 30  # the cap bounds the share, not the floor


def test_scaled_min_cluster_size_reaches_hdbscan(params):
    frame = _blobs(per=8)  # three blobs of 8 and 3 far points: 27 claims
    fine = _eom(params, min_samples=1, reassign_noise=False, min_cluster_fraction=0.0)
    coarse = _eom(params, min_samples=1, reassign_noise=False, min_cluster_fraction=0.1)  # 27 x 0.1 -> 3
    fine_sizes = cluster_claims(frame, fine, seed=42)["cluster_id"].value_counts().drop(-1, errors="ignore")
    sizes = cluster_claims(frame, coarse, seed=42)["cluster_id"].value_counts().drop(-1, errors="ignore")
    assert sorted(fine_sizes) == [2, 8, 8, 8]  # two far points pair up as a key point of 2
    assert sorted(sizes) == [8, 8, 8]  # at 3 they stay noise


def test_within_groups_no_key_point_crosses_a_group(params):
    frame = _blobs(per=8)
    c = _eom(params, min_samples=1, reassign_noise=False)
    # Split each blob across two groups (first half / second half of its claims).
    groups = pd.Series(["a" if (i % 8) < 4 else "b" for i in range(len(frame))], index=frame["sentence_id"].to_numpy())
    out = cluster_claims_within(frame, groups, c, seed=42)
    placed = out[out["cluster_id"] != -1]
    assert placed.groupby("cluster_id")["sentence_id"].apply(lambda ids: groups.loc[ids].nunique()).eq(1).all()
    labels = out["cluster_id"].tolist()
    halves = [labels[b * 8 + h * 4: b * 8 + h * 4 + 4] for b in range(3) for h in range(2)]
    assert all(len(set(half)) == 1 and half[0] != -1 for half in halves)  # one key point per blob and group
    assert len({half[0] for half in halves}) == 6
    first = out.drop_duplicates("cluster_id").query("cluster_id != -1")["cluster_id"].tolist()
    assert first == sorted(first) == list(range(len(first)))  # numbered by first member, over the corpus
    again = cluster_claims_within(frame.sample(frac=1, random_state=1), groups, c, seed=42)
    pd.testing.assert_frame_equal(out, again)


def test_within_one_group_is_the_plain_clustering(params):
    frame = _blobs()
    c = _eom(params)
    groups = pd.Series("x", index=frame["sentence_id"].to_numpy())
    pd.testing.assert_frame_equal(cluster_claims_within(frame, groups, c, seed=42), cluster_claims(frame, c, seed=42))


def test_within_needs_every_claims_group(params):
    frame = _blobs()
    groups = pd.Series("x", index=frame["sentence_id"].to_numpy()[1:])
    with pytest.raises(ValueError, match="cluster.within: 1 claims have no group"):
        cluster_claims_within(frame, groups, _eom(params), seed=42)


def _unit(rows):
    rows = np.asarray(rows, dtype=np.float64)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_merge_close_clusters_joins_only_close_centroids():
    # Clusters 0 and 1 point the same way (cosine 0.995); cluster 2 is orthogonal; one noise claim.
    vectors = _unit([[1, 0.0, 0], [1, 0.1, 0], [1, 0.1, 0.05], [1, 0.15, 0.05], [0, 0, 1], [0, 0.1, 1], [0, 1, 0]])
    labels = np.array([0, 0, 1, 1, 2, 2, -1])
    assert merge_close_clusters(vectors, labels, 0.99).tolist() == [0, 0, 0, 0, 2, 2, -1]
    assert merge_close_clusters(vectors, labels, 0.999).tolist() == labels.tolist()  # none that close
    assert merge_close_clusters(vectors, labels, -1.0).tolist() == [0, 0, 0, 0, 0, 0, -1]  # noise stays noise
    assert merge_close_clusters(vectors, np.array([0, 0, -1, -1, -1, -1, -1]), 0.0).tolist() == [0, 0] + [-1] * 5


def test_merge_close_clusters_recomputes_the_merged_centroid():
    # A-B cosine 0.955 (merged first), B-C 0.95, A-C 0.81: once A and B merge, their centroid
    # (between them) is at 0.89 from C, below a 0.92 threshold, so C stays apart.
    a, b = np.array([1.0, 0.0]), np.array([np.cos(0.3), np.sin(0.3)])
    c = np.array([np.cos(0.618), np.sin(0.618)])
    vectors = np.vstack([a, a, b, b, c, c])
    labels = np.array([0, 0, 1, 1, 2, 2])
    assert float(a @ b) > float(b @ c) > 0.92 > float(a @ c)
    merged = merge_close_clusters(vectors, labels, 0.92)
    assert merged.tolist() == [0, 0, 0, 0, 2, 2]


def test_cluster_claims_merge_param(params):
    # The three blobs' centroids are at cosine ~0.61 from each other.
    apart = cluster_claims(_blobs(), _eom(params, merge_min_similarity=0.7), seed=42)
    joined = cluster_claims(_blobs(), _eom(params, merge_min_similarity=0.5), seed=42)
    assert len(set(apart["cluster_id"]) - {-1}) == 3
    assert set(joined["cluster_id"][:24]) == {0} and (joined["cluster_id"][24:] == -1).all()


def _unit(rows):
    rows = np.asarray(rows, dtype=np.float64)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_refine_moves_a_claim_to_the_nearer_centroid():
    # Claim 3 sits in cluster 0 but lies next to cluster 1's centre: one round moves it, the next
    # moves nothing.
    vecs = _unit([[1, 0, 0], [1, 0.05, 0], [1, -0.05, 0], [0.1, 1, 0], [0, 1, 0], [0.05, 1, 0.05]])
    labels = np.array([0, 0, 0, 0, 1, 1])
    refined, similarity = refine_clusters(vecs, labels, iterations=10, join_similarity=None)
    assert refined.tolist() == [0, 0, 0, 1, 1, 1]
    centre = _unit([vecs[3:].mean(axis=0)])[0]
    assert similarity[3] == pytest.approx(float(vecs[3] @ centre))


def test_refine_noise_joins_only_above_the_threshold_and_placed_claims_stay_placed():
    vecs = _unit([[1, 0, 0], [1, 0.05, 0], [0, 1, 0], [0, 1, 0.05], [0.9, 0.1, 0.2], [0, 0, 1]])
    labels = np.array([0, 0, 1, 1, -1, -1])
    refined, similarity = refine_clusters(vecs, labels, iterations=10, join_similarity=0.9)
    assert refined.tolist() == [0, 0, 1, 1, 0, -1]  # the far claim stays noise
    assert similarity[5] == 0.0
    kept, _ = refine_clusters(vecs, labels, iterations=10, join_similarity=None)
    assert kept.tolist() == labels.tolist()
    off, _ = refine_clusters(vecs, labels, iterations=0, join_similarity=0.9)
    assert off.tolist() == labels.tolist()


def test_refine_stops_after_the_rounds_allowed():
    # Ten claims 10 degrees apart, all but the last in cluster 0: each round moves the claim at
    # the boundary over to cluster 1, until the two halves balance.
    angles = np.radians(np.arange(0, 100, 10))
    vecs = np.c_[np.cos(angles), np.sin(angles)]
    labels = np.array([0] * 9 + [1])
    one, _ = refine_clusters(vecs, labels, iterations=1, join_similarity=None)
    many, _ = refine_clusters(vecs, labels, iterations=10, join_similarity=None)
    assert one.tolist() == [0] * 7 + [1] * 3
    assert many.tolist() == [0] * 5 + [1] * 5
    again, _ = refine_clusters(vecs, many, iterations=10, join_similarity=None)
    assert again.tolist() == many.tolist()  # a fixed point


def test_cluster_claims_refinement_keeps_separate_blobs_and_ignores_row_order(params):
    frame = _blobs()
    plain = cluster_claims(frame, _eom(params, refine_iterations=0), seed=42)
    refined = cluster_claims(frame, _eom(params, refine_iterations=10), seed=42)
    # Well separated blobs: hdbscan's clusters are already each claim's nearest centroid.
    assert refined["cluster_id"].tolist() == plain["cluster_id"].tolist()
    pd.testing.assert_frame_equal(refined, cluster_claims(frame.sample(frac=1, random_state=1),
                                                          _eom(params, refine_iterations=10), seed=42))


def test_noise_pass_keeps_only_tight_groups():
    from pipeline.cluster import cluster_noise

    def unit(rows):
        m = np.asarray(rows, dtype=float)
        return m / np.linalg.norm(m, axis=1, keepdims=True)

    vectors = unit([[1, 0, 0], [0.99, 0.05, 0], [0, 1, 0], [0.02, 1, 0], [0, 0, 1], [0.6, 0, 0.8]])
    labels = np.array([-1, -1, 0, 0, -1, -1])
    found, similarity = cluster_noise(vectors, vectors, labels, 2, 0.9)
    assert found[0] == found[1] == 1 and found[2] == found[3] == 0  # the tight pair is a new key point
    assert (similarity[:2] > 0.9).all() and (similarity[2:4] == 0).all()
    off, _ = cluster_noise(vectors, vectors, labels, 0, 0.9)
    assert (off == labels).all()


def test_late_join_places_a_noise_claim_below_the_reassign_bar(params):
    bar = params.cluster.attach_min_similarity
    frame = _blobs()
    vecs = np.vstack(frame["embedding"].to_numpy()).astype(np.float64)
    centre = vecs[:8].mean(axis=0)
    centre /= np.linalg.norm(centre)
    cos = (bar + params.cluster.reassign_min_similarity) / 2  # between the two bars
    late = cos * centre + np.sqrt(1 - cos ** 2) * np.eye(16)[10]
    frame = pd.concat([frame, pd.DataFrame({"sentence_id": ["s999"], "embedding": [late.astype(np.float32)]})],
                      ignore_index=True)
    no_late_join = params.cluster.model_copy(update={"attach_min_similarity": None})
    off = cluster_claims(frame, no_late_join, seed=42).set_index("sentence_id")
    on = cluster_claims(frame, params.cluster, seed=42).set_index("sentence_id")
    assert off.loc["s999", "cluster_id"] == -1
    assert on.loc["s999", "cluster_id"] == on.loc["s000", "cluster_id"] and on.loc["s999", "reassigned"]
    assert on.loc["s999", "membership_score"] >= bar
    # the key points are the same ones: the late join adds members, never a key point, and moves no other claim
    assert (on.drop("s999")["cluster_id"] == off.drop("s999")["cluster_id"]).all()
