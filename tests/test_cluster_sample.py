"""cluster.sample_size: hdbscan fitted on a seeded sample, the rest placed by approximate_predict."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from pipeline.cluster import cluster_claims
from pipeline.params import load_params


def _blobs(n_per=150, k=4, d=16, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, d))
    x = np.vstack([c + 0.05 * rng.normal(size=(n_per, d)) for c in centres])
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    gold = np.repeat(np.arange(k), n_per)
    frame = pd.DataFrame({"sentence_id": [f"s{i:05d}" for i in range(len(x))], "embedding": list(x.astype(np.float32))})
    return frame, gold


def test_sampled_fit_matches_full_fit_on_clear_clusters():
    base = load_params("params.yaml").cluster.model_copy(
        update={"min_cluster_size": 10, "cluster_selection_method": "eom", "reduce": "pca", "reduce_dims": 5,
                "lexical_weight": 0.0})
    frame, gold = _blobs()
    full = cluster_claims(frame, base.model_copy(update={"sample_size": 0}), seed=42)
    sampled = cluster_claims(frame, base.model_copy(update={"sample_size": 200}), seed=42)
    again = cluster_claims(frame, base.model_copy(update={"sample_size": 200}), seed=42)
    assert sampled.equals(again)  # seeded: same sample, same labels
    assert adjusted_rand_score(gold, sampled["cluster_id"]) >= adjusted_rand_score(gold, full["cluster_id"]) - 0.02
    assert (sampled["cluster_id"] >= 0).mean() > 0.9
