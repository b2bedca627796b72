"""Assemble the argument map: positions -> key points -> claims, with relations and provenance."""

from __future__ import annotations

import json
import logging
import math
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from pipeline.embed import analysis_text, embedding_matrix
from pipeline.people import dominant_positions, is_named, resolve_speakers, top_label

logger = logging.getLogger(__name__)

SCHEMA_VERSION = "1.1"
NOISE_LABEL = "Unclustered claims"

Lemmatizer = Callable[[Sequence[str]], list[list[str]]]


def merge_sentences(
    scored: pd.DataFrame, stances: pd.DataFrame, assignments: pd.DataFrame
) -> pd.DataFrame:
    """The final sentences table: every sentence, with stance and key point for the claims."""
    out = scored.merge(stances, on="sentence_id", how="left", validate="one_to_one")
    out = out.merge(
        assignments[["sentence_id", "cluster_id", "membership_score"]],
        on="sentence_id", how="left", validate="one_to_one",
    )
    out["cluster_id"] = out["cluster_id"].astype("Int64")
    out.loc[~out["is_claim"], ["stance", "stance_score", "stance_probs"]] = None
    out = out.drop(columns=["content_lemmas"], errors="ignore")  # the map's keywords read them from `scored`
    return out.sort_values("sentence_id", kind="stable").reset_index(drop=True)


def class_tfidf_keywords(
    lemmas_by_cluster: dict[int, list[str]], top_n: int
) -> dict[int, list[str]]:
    """Class-based TF-IDF: terms frequent in one key point and rare across the others."""
    counts = {c: Counter(words) for c, words in lemmas_by_cluster.items()}
    total = Counter()
    for counter in counts.values():
        total.update(counter)
    if not total:
        return {c: [] for c in counts}
    avg_words = sum(total.values()) / max(len(counts), 1)
    keywords = {}
    for c, counter in counts.items():
        size = sum(counter.values()) or 1
        scored = [
            (counter[w] / size * math.log(1 + avg_words / total[w]), w) for w in counter
        ]
        scored.sort(key=lambda x: (-x[0], x[1]))
        keywords[c] = [w for _, w in scored[:top_n]]
    return keywords


def stored_lemmatizer(sentences: pd.DataFrame) -> Lemmatizer:
    """The content lemmas the sentences stage stored with each sentence, looked up by analysis text."""
    known = dict(zip(analysis_text(sentences), sentences["content_lemmas"]))

    def lemmatize(texts: Sequence[str]) -> list[list[str]]:
        return [list(known[t]) for t in texts]

    return lemmatize


def describe_clusters(
    sentences: pd.DataFrame,
    documents: pd.DataFrame,
    embeddings: pd.DataFrame,
    labels: list[str],
    *,
    lemmatize: Lemmatizer,
    n_keywords: int,
) -> pd.DataFrame:
    """One row per key point: readable label, keywords, size, stance shares, sources."""
    claims = sentences[sentences["is_claim"]].copy()
    if not len(claims):
        return pd.DataFrame(columns=["cluster_id", "label", "representative_sentence_id", "keywords",
                                     "size", "dominant_stance", "stance_shares", "n_documents", "authors"])
    vectors = dict(zip(embeddings["sentence_id"], embedding_matrix(embeddings)))
    claims["analysis_text"] = analysis_text(claims)
    lemmas = dict(zip(claims["sentence_id"], lemmatize(claims["analysis_text"].tolist())))
    speaker = resolve_speakers(documents)
    lemmas_by_cluster = {
        int(c): [w for sid in g["sentence_id"] for w in lemmas[sid]]
        for c, g in claims.groupby("cluster_id", sort=True)
        if c != -1
    }
    keywords = class_tfidf_keywords(lemmas_by_cluster, n_keywords)
    # Plain arrays in (key point, sentence id) order, cut by position: a DataFrame slice, sort
    # and value_counts per key point cost seconds at 10k claims.
    claims = claims[claims["cluster_id"].notna()].sort_values(["cluster_id", "sentence_id"], kind="stable")
    cluster_of = claims["cluster_id"].to_numpy(dtype=np.int64)
    sentence_ids = claims["sentence_id"].to_numpy(dtype=object)
    stances = claims["stance"].to_numpy(dtype=object)
    texts = claims["text"].to_numpy(dtype=object)
    doc_ids = claims["doc_id"].to_numpy(dtype=object)
    starts = np.flatnonzero(np.r_[True, cluster_of[1:] != cluster_of[:-1]])
    ends = np.r_[starts[1:], len(cluster_of)]
    rows = []
    for start, end in zip(starts.tolist(), ends.tolist()):
        cluster_id = int(cluster_of[start])
        size = end - start
        counts = Counter(s for s in stances[start:end] if isinstance(s, str))
        shares = {label: round(float(counts.get(label, 0)) / size, 6) for label in labels}
        dominant = top_label(counts, labels)
        if cluster_id == -1:
            label, representative = NOISE_LABEL, None
        else:
            mat = np.vstack([vectors[s] for s in sentence_ids[start:end]])
            centre = mat.mean(axis=0)
            best = int(np.argmax(mat @ centre))
            representative = sentence_ids[start + best]
            label = " ".join(texts[start + best].split())
        docs = set(doc_ids[start:end].tolist())
        authors = sorted({speaker[d] for d in docs if is_named(speaker[d])})
        rows.append(
            dict(
                cluster_id=cluster_id,
                label=label,
                representative_sentence_id=representative,
                keywords=json.dumps(keywords.get(cluster_id, []), ensure_ascii=False),
                size=size,
                dominant_stance=dominant,
                stance_shares=json.dumps(shares, sort_keys=True),
                n_documents=len(docs),
                authors=json.dumps(authors, ensure_ascii=False),
            )
        )
    return pd.DataFrame(rows)


def _none(value):
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value


def build_argmap(
    sentences: pd.DataFrame,
    documents: pd.DataFrame,
    clusters: pd.DataFrame,
    edges: pd.DataFrame,
    label_set: list[dict[str, str]],
    run: dict,
    neutral: str | None = None,
) -> dict:
    """The map as a JSON-ready dict (see pipeline/schemas_json/argmap.schema.json).

    Positions count claims and people: `speaker` resolves each document to a person
    (pipeline/people.py); `share_of_people` is the share of speakers whose claims mostly take
    that position (`neutral`, the label set's no-position label, only where nothing else).
    """
    docs = documents.set_index("doc_id")
    speaker = resolve_speakers(documents)
    # column lookups by id: a `docs.loc[id]` row per claim cost seconds at 10k claims
    kind_of, author_of = docs["kind"].to_dict(), docs["author"].to_dict()
    claims = sentences[sentences["is_claim"]].copy()
    claims["strength_score"] = (claims["claim_score"] * claims["stance_score"]).round(6)
    claims = claims.sort_values(["strength_score", "sentence_id"], ascending=[False, True], kind="stable")
    claim_nodes = []
    for c in claims.sort_values("sentence_id").itertuples(index=False):
        claim_nodes.append(
            dict(
                id=c.sentence_id, text=c.text, doc_id=c.doc_id, corpus=c.corpus, source=c.source,
                kind=kind_of[c.doc_id], author=_none(author_of[c.doc_id]), speaker=speaker[c.doc_id],
                start_char=int(c.start_char),
                end_char=int(c.end_char), stance=c.stance, stance_score=float(c.stance_score),
                claim_score=float(c.claim_score), strength_score=float(c.strength_score),
                cluster_id=int(c.cluster_id),
            )
        )
    positions = []
    n_claims = max(len(claims), 1)
    names = [lab["name"] for lab in label_set]
    neutral = neutral if neutral in names else names[-1]
    leaning = dominant_positions(claims, speaker, names, neutral) if len(claims) else {}
    n_people = max(len(leaning), 1)
    # each key point's claims in strength order, gathered once (a mask per key point is O(n) each)
    members_of: dict[int, list[str]] = {}
    for cluster_id, sentence_id in zip(claims["cluster_id"].tolist(), claims["sentence_id"].tolist()):
        if not pd.isna(cluster_id):
            members_of.setdefault(int(cluster_id), []).append(sentence_id)
    for entry in label_set:
        label = entry["name"]
        mine = claims[claims["stance"] == label]
        key_points = []
        mine_kps = clusters[(clusters["dominant_stance"] == label) & (clusters["cluster_id"] != -1)]
        for k in mine_kps.itertuples(index=False):
            key_points.append(
                dict(
                    id=f"kp-{int(k.cluster_id)}", cluster_id=int(k.cluster_id), label=k.label,
                    representative_claim_id=k.representative_sentence_id,
                    keywords=json.loads(k.keywords), size=int(k.size),
                    stance_shares=json.loads(k.stance_shares), n_documents=int(k.n_documents),
                    authors=json.loads(k.authors), claim_ids=list(members_of.get(int(k.cluster_id), [])),
                )
            )
        key_points.sort(key=lambda kp: (-kp["size"], kp["cluster_id"]))
        voices = sorted({speaker[d] for d in mine["doc_id"]})
        held_by = sum(1 for s in leaning.values() if s == label)
        positions.append(
            dict(
                stance=label, description=entry["description"], n_claims=int(len(mine)),
                share_of_claims=round(len(mine) / n_claims, 6),
                n_people=len(voices), n_people_leaning=held_by,
                share_of_people=round(held_by / n_people, 6),
                n_documents=int(mine["doc_id"].nunique()), authors=[v for v in voices if is_named(v)],
                strongest_claim_ids=mine["sentence_id"].head(run.get("top_claims", 5)).tolist(),
                key_points=key_points,
                unclustered_claim_ids=mine[mine["cluster_id"] == -1]["sentence_id"].tolist(),
            )
        )
    document_nodes = [
        dict(
            doc_id=doc_id, corpus=d["corpus"], source=d["source"], kind=d["kind"],
            comment_n=_none(d["comment_n"]), parent_doc_id=_none(d["parent_doc_id"]),
            title=_none(d["title"]), author=_none(d["author"]), speaker=speaker[doc_id],
            addressed_to=_none(d["addressed_to"]), start_char=int(d["start_char"]),
            end_char=int(d["end_char"]),
        )
        for doc_id, d in docs.sort_index().iterrows()
    ]
    relations = [
        dict(source_id=e.source_id, target_id=e.target_id, level=e.level, relation=e.relation,
             score=float(e.score), reason=e.reason)
        for e in edges.itertuples(index=False)
    ]
    summary = dict(
        documents=int((documents["kind"] == "article").sum()),
        comments=int((documents["kind"] == "comment").sum()),
        sentences=int(len(sentences)),
        claims=int(len(claims)),
        people=len(leaning),
        key_points=int((clusters["cluster_id"] != -1).sum()) if len(clusters) else 0,
        noise_claims=int((claims["cluster_id"] == -1).sum()),
    )
    return dict(
        schema_version=SCHEMA_VERSION,
        run={k: v for k, v in run.items() if k != "top_claims"},
        labels=label_set,
        summary=summary,
        positions=positions,
        claims=claim_nodes,
        documents=document_nodes,
        relations=relations,
    )


def argmap_schema() -> dict:
    from importlib.resources import files

    return json.loads(files("pipeline").joinpath("schemas_json/argmap.schema.json").read_text("utf-8"))


class MapSchemaError(ValueError):
    """An argument map that does not follow pipeline/schemas_json/argmap.schema.json."""


def validate_argmap(doc: dict, max_errors: int = 5) -> None:
    """Raise MapSchemaError, naming where and why, unless `doc` follows the committed schema.

    jsonschema-rs (compiled, Draft 2020-12) checks a 10k-claim map in about 0.05 s; the
    pure-Python validator took 5 s.
    """
    import jsonschema_rs

    errors = []
    for err in jsonschema_rs.validator_for(argmap_schema()).iter_errors(doc):
        where = "/".join(str(p) for p in err.instance_path) or "(top level)"
        errors.append(f"at {where}: {err.message}")
        if len(errors) >= max_errors:
            break
    if errors:
        raise MapSchemaError("the argument map does not follow its schema: " + "; ".join(errors))
