"""Group claims that make the same point into key points with hdbscan."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from pipeline.embed import embedding_matrix
from pipeline.models import ModelMissingError
from pipeline.params import Cluster

logger = logging.getLogger(__name__)


def lexical_vectors(texts: Sequence[str], dims: int, seed: int) -> np.ndarray:
    """Unit TF-IDF vectors over the words claims share, reduced to at most `dims` by TruncatedSVD.

    Claims that make one key point often repeat its words. Only words at least two claims use
    count (a word of one claim links no pair); English stop words do not. A claim with no shared
    word gets a zero vector, so its place is decided by its embedding alone.
    """
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(texts)
    try:
        tfidf = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2).fit_transform(list(texts))
    except ValueError:  # no word shared by two claims
        return np.zeros((n, 1))
    k = min(dims, tfidf.shape[1] - 1, n - 1)
    if k >= 2:
        with np.errstate(divide="ignore", invalid="ignore"):  # variance ratios of a tiny corpus
            lexical = TruncatedSVD(n_components=k, random_state=seed, n_iter=7).fit_transform(tfidf)
    else:
        lexical = tfidf.toarray()
    norms = np.linalg.norm(lexical, axis=1, keepdims=True)
    return lexical / np.where(norms > 0, norms, 1.0)


def claim_vectors(vectors: np.ndarray, texts: Sequence[str] | None, params: Cluster, seed: int) -> np.ndarray:
    """What hdbscan and noise reassignment compare: the unit embedding, or with
    `lexical_weight` > 0 the embedding joined to that weight times the claim's lexical vector,
    rescaled to unit length (cosine = (embedding cosine + weight² × lexical cosine) / (1 + weight²))."""
    if params.lexical_weight == 0:
        return vectors
    if texts is None:
        raise ValueError("cluster.lexical_weight > 0 needs the claims' texts")
    lexical = lexical_vectors(texts, params.lexical_dims, seed)
    joined = np.hstack([vectors, params.lexical_weight * lexical])
    return joined / np.linalg.norm(joined, axis=1, keepdims=True).clip(1e-12)


def reduce_dimensions(vectors: np.ndarray, params: Cluster, seed: int) -> np.ndarray:
    """PCA or UMAP before hdbscan, so large corpora are not clustered in 384 dimensions."""
    n, d = vectors.shape
    dims = min(params.reduce_dims, d, max(n - 1, 1))
    if params.reduce == "none" or n <= dims + 1:
        return vectors
    if params.reduce == "pca":
        from sklearn.decomposition import PCA

        reduced = PCA(n_components=dims, random_state=seed, svd_solver="covariance_eigh").fit_transform(vectors)
    else:
        try:
            import umap
        except ImportError:
            raise ModelMissingError(
                "cluster.reduce: umap needs the package umap-learn: pip install umap-learn "
                "(or set cluster.reduce to pca or none)"
            ) from None

        reduced = umap.UMAP(
            n_components=dims, metric="cosine", random_state=seed, n_neighbors=15, min_dist=0.0
        ).fit_transform(vectors)
    return np.ascontiguousarray(reduced, dtype=np.float64)


def effective_min_cluster_size(n: int, params: Cluster) -> int:
    """hdbscan's min_cluster_size for `n` claims: `min_cluster_size`, raised to
    `min_cluster_fraction` of the claims hdbscan fits (the sample, with `sample_size`) but never
    by the fraction above `min_cluster_size_max`.

    A key point of a short debate is a few claims; of a long one, more: with a fixed size, the
    claims of one big point split into many small clusters."""
    fitted = min(n, params.sample_size) if 0 < params.sample_size < n else n
    # 1e-9: 0.05 x 60 is 3.0000000000000004 in floating point, and should give 3, not 4.
    scaled = min(math.ceil(params.min_cluster_fraction * fitted - 1e-9), params.min_cluster_size_max)
    return max(params.min_cluster_size, scaled)


def cluster_centroids(vectors: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(cluster ids in order, unit-length centroid of each); noise (-1) has none."""
    ids = np.array(sorted(set(labels.tolist()) - {-1}), dtype=np.int64)
    if not len(ids):
        return ids, np.zeros((0, vectors.shape[1]), dtype=np.float64)
    # Each cluster's rows in index order, found by one stable sort (a mask per cluster was
    # quadratic: 4 s for 2,808 key points over 43k claims); the same rows in the same order as a
    # mask gives, so the same mean.
    order = np.argsort(labels, kind="stable")
    ranked = labels[order]
    bounds = zip(np.searchsorted(ranked, ids, side="left"), np.searchsorted(ranked, ids, side="right"))
    centres = np.vstack([vectors[order[a:b]].mean(axis=0) for a, b in bounds])
    centres /= np.linalg.norm(centres, axis=1, keepdims=True).clip(1e-12)
    return ids, centres


def merge_close_clusters(vectors: np.ndarray, labels: np.ndarray, min_similarity: float) -> np.ndarray:
    """Merge key points while the two closest centroids reach `min_similarity` (cosine).

    hdbscan's leaf selection splits one point made in several wordings into neighbouring
    clusters; their centroids lie closer to each other than distinct points' do. Greedy, most
    similar pair first, each merged centroid recomputed from all its members; noise (-1) stays
    noise. A merged key point keeps the smaller id. Deterministic (ties go to the lower ids)."""
    ids = np.array(sorted(set(labels.tolist()) - {-1}), dtype=np.int64)
    if len(ids) < 2:
        return labels
    placed = np.flatnonzero(labels != -1)
    order = placed[np.argsort(labels[placed], kind="stable")]  # members of each id, in index order
    sums = np.add.reduceat(vectors[order], np.searchsorted(labels[order], ids), axis=0)
    alive = np.ones(len(ids), dtype=bool)
    target = np.arange(len(ids))

    def unit(rows: np.ndarray) -> np.ndarray:
        return rows / np.linalg.norm(rows, axis=1, keepdims=True).clip(1e-12)

    units = unit(sums)
    sims = units @ units.T
    np.fill_diagonal(sims, -np.inf)
    # Each row's best partner, kept up to date, so a merge costs one row, not the whole matrix
    # (thousands of key points at 50k claims).
    best = sims.argmax(axis=1)
    while True:
        rows = np.flatnonzero(alive)
        a = int(rows[np.argmax(sims[rows, best[rows]])])
        b = int(best[a])
        if sims[a, b] < min_similarity:
            break
        a, b = min(a, b), max(a, b)
        sums[a] += sums[b]
        units[a] = unit(sums[a:a + 1])[0]
        alive[b] = False
        target[target == b] = a
        sims[b, :] = sims[:, b] = -np.inf
        row = units @ units[a]
        row[~alive] = -np.inf
        row[a] = -np.inf
        sims[a, :] = sims[:, a] = row
        stale = np.flatnonzero(alive & ((best == a) | (best == b)))
        best[stale] = sims[stale].argmax(axis=1)
        raised = np.flatnonzero(alive & (row > sims[np.arange(len(ids)), best]))
        best[raised] = a
        best[a] = int(row.argmax())
    merged = np.asarray(labels, dtype=np.int64).copy()
    merged[placed] = ids[target[np.searchsorted(ids, labels[placed])]]
    return merged


def nearest_centroids(vectors: np.ndarray, centres: np.ndarray, chunk: int = 8192) -> tuple[np.ndarray, np.ndarray]:
    """(index of each vector's most similar centroid, that cosine); vectors and centroids unit
    length. Rows go in chunks, so the similarity matrix of a large corpus is never whole in memory;
    ties go to the lower index."""
    best = np.empty(len(vectors), dtype=np.int64)
    best_sim = np.empty(len(vectors), dtype=np.float64)
    for start in range(0, len(vectors), chunk):
        sims = vectors[start:start + chunk] @ centres.T
        best[start:start + chunk] = sims.argmax(axis=1)
        best_sim[start:start + chunk] = sims[np.arange(len(sims)), best[start:start + chunk]]
    return best, best_sim


def refine_clusters(vectors: np.ndarray, labels: np.ndarray, iterations: int,
                    join_similarity: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Move every placed claim to the key point whose centroid is most similar, recompute the
    centroids, and repeat until nothing moves or `iterations` rounds have run (spherical k-means
    started from the clusters found). A noise claim joins its nearest key point only when the
    cosine reaches `join_similarity` (None: noise stays noise); a placed claim never becomes noise.

    hdbscan draws each key point's border by density, not by which point a claim is closest to:
    a claim can sit in one cluster while lying nearer another's centre. Returns the labels and
    each claim's cosine with its final centroid (0 for noise). Deterministic."""
    labels = np.asarray(labels, dtype=np.int64).copy()
    for _ in range(max(iterations, 0)):
        ids, centres = cluster_centroids(vectors, labels)
        if not len(ids):
            break
        best, best_sim = nearest_centroids(vectors, centres)
        moved = labels.copy()
        placed = labels != -1
        moved[placed] = ids[best[placed]]
        if join_similarity is not None:
            joins = ~placed & (best_sim >= join_similarity)
            moved[joins] = ids[best[joins]]
        if np.array_equal(moved, labels):  # a fixed point: these are the final centroids
            return labels, np.where(placed, best_sim, 0.0)
        labels = moved
    if iterations <= 0 or not (labels != -1).any():
        return labels, np.zeros(len(labels))
    # The rounds ran out while claims still moved: score them on the centroids they ended with.
    ids, centres = cluster_centroids(vectors, labels)
    _, best_sim = nearest_centroids(vectors, centres)
    return labels, np.where(labels != -1, best_sim, 0.0)


# The noise pass (`noise_pass_min_size`): hdbscan again over the claims still noise at the end, so
# two or three claims that make one point between them become a key point instead of orphans. A
# group is kept only when every member lies within `reassign_min_similarity` of its centroid (the
# bar a noise claim meets to join a key point).
#
# The late join (`attach_min_similarity`): last, a claim still noise joins its nearest key point
# when the cosine with that centroid reaches this lower bar. The key points are settled by then
# (hdbscan, merging, refinement and the noise pass saw only the stricter bar), so a late claim moves
# no centroid the clustering used and adds no key point: the same key points hold more of the
# claims. Both chosen on ArgKP and PERSPECTRUM dev (`argmap-bench quality keypoints`,
# docs/KEYPOINTS.md).


def _join_nearest(out: pd.DataFrame, vectors: np.ndarray, bar: float) -> int | None:
    """Each noise claim of `out` joins the key point whose centroid is most similar when that cosine
    reaches `bar` (its membership score); the count that joined, None when there was nothing to join."""
    labels = out["cluster_id"].to_numpy(dtype=np.int64)
    ids, centres = cluster_centroids(vectors, labels)
    noise = np.flatnonzero(labels == -1)
    if not (len(ids) and len(noise)):
        return None
    best, best_sim = nearest_centroids(vectors[noise], centres)
    keep = best_sim >= bar
    out.loc[noise[keep], "cluster_id"] = ids[best[keep]]
    out.loc[noise[keep], "membership_score"] = np.round(best_sim[keep].clip(0, 1), 6)
    out.loc[noise[keep], "reassigned"] = True
    return int(keep.sum())


def cluster_noise(vectors: np.ndarray, reduced: np.ndarray, labels: np.ndarray, min_size: int,
                  min_similarity: float) -> tuple[np.ndarray, np.ndarray]:
    """Key points among the noise: hdbscan (leaf, min_samples 1) over the noise claims' `reduced`
    rows; a group whose members all reach `min_similarity` (cosine of `vectors` with the group's
    centroid) becomes a new key point, numbered after the existing ones. Returns the labels and
    each claim's cosine with its new centroid (0 where nothing changed). Deterministic."""
    import hdbscan

    labels = np.asarray(labels, dtype=np.int64).copy()
    similarity = np.zeros(len(labels))
    noise = np.flatnonzero(labels == -1)
    if min_size < 2 or len(noise) < min_size:
        return labels, similarity
    found = hdbscan.HDBSCAN(min_cluster_size=min_size, min_samples=1, cluster_selection_method="leaf",
                            metric="euclidean", core_dist_n_jobs=1).fit_predict(reduced[noise])
    ids, centres = cluster_centroids(vectors[noise], found)
    next_id = int(labels.max()) + 1
    for group, centre in zip(ids.tolist(), centres):
        members = noise[found == group]
        sims = vectors[members] @ centre
        if sims.min() >= min_similarity:
            labels[members] = next_id
            similarity[members] = sims
            next_id += 1
    return labels, similarity


def cluster_claims_within(embeddings: pd.DataFrame, groups: pd.Series, params: Cluster, *, seed: int,
                          texts: pd.Series | None = None) -> pd.DataFrame:
    """`cluster_claims` inside each group (`groups`: a key, e.g. the stance label, by
    sentence_id), so every key point belongs to one group: positions -> key points -> claims.

    Each group is clustered on its own (its own min_cluster_size from min_cluster_fraction, its
    own noise reassignment); key point ids are then numbered over the whole corpus by first
    member in sentence order, as `cluster_claims` numbers them.
    """
    ordered = embeddings.sort_values("sentence_id", kind="stable").reset_index(drop=True)
    missing = ~ordered["sentence_id"].isin(groups.index)
    if missing.any():
        raise ValueError(f"cluster.within: {int(missing.sum())} claims have no group "
                         f"(first: {ordered.loc[missing, 'sentence_id'].iloc[0]})")
    keys = groups.loc[ordered["sentence_id"]].to_numpy()
    parts = []
    offset = 0
    for key in sorted(set(keys.tolist())):
        part = cluster_claims(ordered[keys == key], params, seed=seed, texts=texts)
        labels = part["cluster_id"].to_numpy()
        part["cluster_id"] = np.where(labels >= 0, labels + offset, -1)
        offset += int(labels.max()) + 1 if (labels >= 0).any() else 0
        parts.append(part)
    if not parts:
        return cluster_claims(ordered, params, seed=seed, texts=texts)
    out = pd.concat(parts, ignore_index=True).sort_values("sentence_id", kind="stable").reset_index(drop=True)
    out["cluster_id"] = _renumber(out["cluster_id"].to_numpy(dtype=np.int64), out["sentence_id"].tolist())
    logger.info("clustered %d claims within %d groups into %d key points, %d noise", len(out), len(parts),
                len(set(out["cluster_id"].tolist()) - {-1}), int((out["cluster_id"] == -1).sum()))
    return out


def cluster_claims(embeddings: pd.DataFrame, params: Cluster, *, seed: int,
                   texts: pd.Series | None = None) -> pd.DataFrame:
    """hdbscan over claim embeddings; -1 is noise, kept and counted.

    Vectors are unit length, so euclidean distance orders pairs as cosine similarity does.
    With `reassign_noise`, a noise claim joins its nearest key point when the cosine
    similarity to that key point's centroid reaches `reassign_min_similarity`. Then, with
    `merge_min_similarity`, key points whose centroids reach that cosine merge
    (`merge_close_clusters`). With `refine_iterations`, every claim then moves to its nearest
    key point's centroid, rounds repeated until stable (`refine_clusters`); a claim that moves gets
    that cosine as its membership score. Last, with `reassign_noise`, the claims still noise are
    clustered once more (`cluster_noise`, groups of at least `noise_pass_min_size`; 0 off), so a few
    claims making one point between them are a key point rather than orphans. Then a claim still
    noise joins its nearest key point late when the cosine reaches `attach_min_similarity` (null
    off). `texts` (claim text by sentence_id) is read only when
    `lexical_weight` > 0: the words claims share then join their embeddings (see `claim_vectors`).
    """
    import hdbscan

    ordered = embeddings.sort_values("sentence_id", kind="stable").reset_index(drop=True)
    n = len(ordered)
    out = pd.DataFrame(
        {
            "sentence_id": ordered["sentence_id"],
            "cluster_id": np.full(n, -1, dtype=np.int64),
            "membership_score": np.zeros(n),
            "reassigned": np.zeros(n, dtype=bool),
        }
    )
    min_size = effective_min_cluster_size(n, params)
    if n < min_size:
        logger.info("%d claims: fewer than min_cluster_size, all noise", n)
        return out
    vectors = embedding_matrix(ordered).astype(np.float64)
    if params.lexical_weight > 0:
        if texts is None or not ordered["sentence_id"].isin(texts.index).all():
            raise ValueError("cluster.lexical_weight > 0: every claim's text is needed, by sentence_id")
        vectors = claim_vectors(vectors, texts.loc[ordered["sentence_id"]].tolist(), params, seed)
    reduced = reduce_dimensions(vectors, params, seed)
    sampled = 0 < params.sample_size < n
    clusterer = hdbscan.HDBSCAN(
        min_cluster_size=min_size,
        min_samples=params.min_samples,
        cluster_selection_method=params.cluster_selection_method,
        cluster_selection_epsilon=params.cluster_selection_epsilon,
        metric="euclidean",
        # On reduced vectors Prim's algorithm over a k-d tree builds the same tree as hdbscan's
        # default (Boruvka) in half the time (10k claims x 20 dims: 2.6 s against 5.3 s, labels equal).
        algorithm="prims_kdtree" if reduced.shape[1] <= 60 else "best",
        core_dist_n_jobs=1,
        prediction_data=sampled,
    )
    if sampled:
        labels, probabilities = _fit_sample_predict_rest(clusterer, reduced, params.sample_size, seed)
    else:
        labels = clusterer.fit_predict(reduced).astype(np.int64)
        probabilities = clusterer.probabilities_
    labels = _renumber(labels, ordered["sentence_id"].tolist())
    out["cluster_id"] = labels
    out["membership_score"] = np.round(np.nan_to_num(np.asarray(probabilities, dtype=np.float64)), 6)
    if params.reassign_noise:
        _join_nearest(out, vectors, params.reassign_min_similarity)
    if params.merge_min_similarity is not None:
        merged = merge_close_clusters(vectors, out["cluster_id"].to_numpy(dtype=np.int64), params.merge_min_similarity)
        out["cluster_id"] = _renumber(merged, ordered["sentence_id"].tolist())
    if params.refine_iterations > 0:
        before = out["cluster_id"].to_numpy(dtype=np.int64)
        refined, similarity = refine_clusters(
            vectors, before, params.refine_iterations,
            params.reassign_min_similarity if params.reassign_noise else None,
        )
        changed = refined != before
        out.loc[changed, "membership_score"] = np.round(similarity[changed].clip(0, 1), 6)
        out.loc[changed & (before == -1), "reassigned"] = True
        out["cluster_id"] = _renumber(refined, ordered["sentence_id"].tolist())
        logger.info("refinement moved %d claims between key points and placed %d noise claims",
                    int((changed & (before != -1)).sum()), int((changed & (before == -1)).sum()))
    if params.noise_pass_min_size and params.reassign_noise:
        before = out["cluster_id"].to_numpy(dtype=np.int64)
        found, similarity = cluster_noise(vectors, reduced, before, params.noise_pass_min_size,
                                          params.reassign_min_similarity)
        new = found != before
        if new.any():
            out.loc[new, "membership_score"] = np.round(similarity[new].clip(0, 1), 6)
            out.loc[new, "reassigned"] = True
            out["cluster_id"] = _renumber(found, ordered["sentence_id"].tolist())
            logger.info("the noise pass made %d key points of %d noise claims",
                        len(set(found[new].tolist())), int(new.sum()))
    if params.attach_min_similarity is not None and params.reassign_noise:
        joined = _join_nearest(out, vectors, params.attach_min_similarity)
        if joined is not None:
            logger.info("%d noise claims joined a key point late", joined)
    n_clusters = len(set(out["cluster_id"].tolist()) - {-1})
    logger.info(
        "clustered %d claims into %d key points, %d noise",
        n, n_clusters, int((out["cluster_id"] == -1).sum()),
    )
    return out


def _fit_sample_predict_rest(clusterer, reduced: np.ndarray, sample_size: int,
                             seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Fit hdbscan on a seeded random sample; place every other claim with approximate_predict.

    hdbscan's cost grows faster than linearly, so on large corpora (cluster.sample_size > 0)
    the tree is built from a sample and the rest join the cluster whose members they sit among
    (or noise), as hdbscan's own prediction API does.
    """
    import hdbscan

    n = len(reduced)
    sample = np.sort(np.random.default_rng(seed).choice(n, size=sample_size, replace=False))
    clusterer.fit(reduced[sample])
    labels = np.full(n, -1, dtype=np.int64)
    probabilities = np.zeros(n)
    rest = np.setdiff1d(np.arange(n), sample)
    labels[sample] = clusterer.labels_
    probabilities[sample] = clusterer.probabilities_
    if len(rest) and clusterer.labels_.max() >= 0:
        predicted, strength = hdbscan.approximate_predict(clusterer, reduced[rest])
        labels[rest] = predicted
        probabilities[rest] = strength
    logger.info("hdbscan fitted on a sample of %d claims; %d placed by approximate_predict", len(sample), len(rest))
    return labels, probabilities


def _renumber(labels: np.ndarray, keys: list[str]) -> np.ndarray:
    """Number clusters by their first member in sentence order, so ids do not depend on hdbscan's."""
    mapping: dict[int, int] = {}
    for label in labels.tolist():
        if label != -1 and label not in mapping:
            mapping[label] = len(mapping)
    return np.array([mapping.get(int(x), -1) for x in labels], dtype=np.int64)
