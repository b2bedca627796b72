"""Score the pipeline's outputs against the gold annotations."""

from __future__ import annotations

import logging

import pandas as pd

logger = logging.getLogger(__name__)


def _gold_comment_docs(documents: pd.DataFrame, gold_structure: dict):
    """(gold document entry, gold comment, matching doc row or None) for each gold comment."""
    for entry in gold_structure["documents"]:
        mine = documents[documents["source"] == entry["file"]]
        for comment in entry.get("comments", []):
            row = mine[mine["comment_n"] == comment["n"]]
            yield entry, comment, (row.iloc[0] if len(row) else None)


def score_relations(documents: pd.DataFrame, edges: pd.DataFrame, gold_structure: dict) -> dict:
    """Comment-level support/attack toward what each comment answers, against the gold."""
    doc_edges = edges[(edges["level"] == "document") & (edges["relation"] != "reply")]
    relation_of = {(e.source_id, e.target_id): e.relation for e in doc_edges.itertuples(index=False)}
    total = correct = 0
    details = []
    for entry, comment, row in _gold_comment_docs(documents, gold_structure):
        gold = comment.get("relation_to_reply_target")
        if gold is None:
            continue
        total += 1
        got = None
        if row is not None:
            got = relation_of.get((row["doc_id"], row["parent_doc_id"]))
        correct += got == gold
        details.append({"file": entry["file"], "comment": comment["n"], "gold": gold, "predicted": got})
    return {
        "relation_accuracy": round(correct / total, 4) if total else None,
        "relations_scored": total,
        "relation_details": details,
    }


def score_map(sentences: pd.DataFrame, clusters: pd.DataFrame, edges: pd.DataFrame) -> dict:
    """Shape of the map: claims, key points, noise share, edges by type."""
    claims = sentences[sentences["is_claim"]]
    n_claims = len(claims)
    noise = int((claims["cluster_id"] == -1).sum())
    by_relation = edges.groupby(["level", "relation"]).size() if len(edges) else pd.Series(dtype=int)
    return {
        "sentences": int(len(sentences)),
        "claims": int(n_claims),
        "key_points": int((clusters["cluster_id"] != -1).sum()),
        "noise_share": round(noise / n_claims, 4) if n_claims else 0.0,
        "stance_counts": {k: int(v) for k, v in claims["stance"].value_counts().sort_index().items()},
        "edges": {f"{lvl}_{rel}": int(n) for (lvl, rel), n in by_relation.items()},
    }


def score_seed_stance(sentences: pd.DataFrame, gold_sentences: pd.DataFrame) -> dict:
    """The map's stances against the seed gold: every gold claim the pipeline also found as a claim
    (matched by normalised text in the same file), scored as the map tags it (`stance`, in context)
    and as its own words alone tag it (`stance_own`), on high-confidence rows and on all; and per
    page, the share of its claims that take its most common label, gold and predicted (a model
    that reads the page rather than the claim drives it towards 1)."""
    import numpy as np

    from pipeline.evaluate_structure import _norm
    from pipeline.stance import macro_f1

    claims = sentences[sentences["is_claim"]]
    by_key = {(s, _norm(t)): (st, own) for s, t, st, own in
              zip(claims["source"], claims["text"], claims["stance"], claims["stance_own"])}
    gold = gold_sentences[gold_sentences["is_claim"].astype(int) == 1]
    rows = [(g.doc, g.stance, g.confidence, *by_key[(g.doc, _norm(g.sentence))])
            for g in gold.itertuples(index=False) if (g.doc, _norm(g.sentence)) in by_key]
    frame = pd.DataFrame(rows, columns=["doc", "gold", "confidence", "in_context", "alone"])
    names = sorted(set(frame["gold"]) | set(frame["in_context"]) | set(frame["alone"]))
    out: dict = {"gold_claims": int(len(gold)), "matched_claims": int(len(frame)),
                 "evaluation": "the map's claims that match a gold claim; every seed page unseen by every model"}
    for subset, part in (("high", frame[frame["confidence"] == "high"]), ("all", frame)):
        y = np.array([names.index(v) for v in part["gold"]], dtype=int)
        scores = {"n": int(len(part))}
        for how in ("in_context", "alone"):
            pred = np.array([names.index(v) for v in part[how]], dtype=int)
            confusion = np.zeros((len(names), len(names)), dtype=int)
            np.add.at(confusion, (y, pred), 1)
            scores[how] = {"macro_f1": round(macro_f1(y, pred, len(names)), 4),
                           "accuracy": round(float((y == pred).mean()), 4) if len(y) else None,
                           "confusion": {"labels": names, "rows_actual_cols_predicted": confusion.tolist()}}
        out[subset] = scores
    # "one label per page" watched: the share of a page's claims that take its most common label
    out["page_majority_share"] = {
        doc: {how: round(float(part[how].value_counts().iloc[0] / len(part)), 4)
              for how in ("gold", "in_context", "alone")}
        for doc, part in frame.groupby("doc", sort=True)}
    return out
