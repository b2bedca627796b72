"""hdbscan key points on hand-built vectors: groups found, noise kept, ids deterministic."""

import numpy as np
import pandas as pd

from pipeline.cluster import cluster_claims


def _blobs(seed=0, per=8, noise=3, dim=16):
    rng = np.random.default_rng(seed)
    centres = np.eye(dim)[0] + 0.8 * np.eye(dim)[1:4]  # three nearby points, far from the noise
    rows = [c + rng.normal(0, 0.03, dim) for c in centres for _ in range(per)]
    rows += [np.eye(dim)[5 + i] + rng.normal(0, 0.03, dim) for i in range(noise)]  # far from all
    vecs = np.array(rows, dtype=np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    ids = [f"s{i:03d}" for i in range(len(vecs))]
    return pd.DataFrame({"sentence_id": ids, "embedding": list(vecs)})


def _eom(params, **kw):
    return params.cluster.model_copy(update={"cluster_selection_method": "eom", "min_samples": 3, **kw})


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
    a = cluster_claims(_blobs(), params.cluster, seed=42)
    b = cluster_claims(_blobs().sample(frac=1, random_state=3), params.cluster, seed=42)
    pd.testing.assert_frame_equal(a, b)


def test_reassign_noise_marks_reassigned(params):
    p = _eom(params, reassign_noise=True, reassign_min_similarity=-1.0)
    out = cluster_claims(_blobs(), p, seed=42)
    assert (out["cluster_id"] != -1).all()
    assert out["reassigned"].tolist() == [False] * 24 + [True] * 3
    strict = cluster_claims(_blobs(), _eom(params, reassign_noise=True, reassign_min_similarity=0.99), seed=42)
    assert (strict["cluster_id"] == -1).sum() == 3 and not strict["reassigned"].any()


def test_too_few_claims_are_all_noise(params):
    out = cluster_claims(_blobs().head(2), params.cluster, seed=42)
    assert (out["cluster_id"] == -1).all()


def test_pca_reduction_path(params):
    out = cluster_claims(_blobs(), _eom(params, reduce="pca", reduce_dims=5), seed=42)
    labels = out["cluster_id"].tolist()
    assert len(set(labels) - {-1}) == 3
    for g in range(3):
        assert len(set(labels[g * 8:(g + 1) * 8])) == 1
