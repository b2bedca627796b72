"""Score how ingestion read the seed pages against the hand-made structure and sentence gold."""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipeline.readers.layout import marker_length, normalize_text


def _norm(text: Any) -> str | None:
    if text is None or (isinstance(text, float) and pd.isna(text)) or text is pd.NA:
        return None
    n = normalize_text(str(text))
    return n[marker_length(n):].casefold() or None


def _share(hits: list[bool]) -> float | None:
    return round(sum(hits) / len(hits), 4) if hits else None


def _value(row: pd.Series | None, col: str) -> Any:
    if row is None or col not in row.index:
        return None
    v = row[col]
    return None if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)) else v


def score_structure(
    documents: pd.DataFrame,
    sentences: pd.DataFrame,
    gold_structure: dict,
    gold_sentences: pd.DataFrame,
    *,
    rejects: list[dict] | None = None,
    ingest_report: dict | None = None,
) -> dict[str, float | None]:
    """Structure metrics in [0, 1], each computed from the outputs and the gold (None = nothing to score).

    Gold files are matched on `source` (file name). Gold role 'comment' means a body sentence of a
    comment. Sentences are compared after unicode/whitespace normalisation, case folding and
    dropping a leading list marker (the gold keeps '• ' on some list items and drops '1. ' on others).
    """
    hits: dict[str, list[bool]] = {k: [] for k in (
        "titles_correct", "article_authors_correct", "comment_counts_correct",
        "declared_counts_correct", "comment_starts_correct", "comment_authors_correct",
        "addressed_to_correct", "reply_to_correct", "boilerplate_recall", "boilerplate_precision",
        "headings_found", "captions_found", "sentence_boundary_recall", "role_accuracy",
        "title_role_accuracy", "heading_role_accuracy", "caption_role_accuracy",
        "list_item_role_accuracy", "body_role_accuracy", "boilerplate_role_accuracy",
    )}
    sentences = sentences.assign(_key=[_norm(t) or "" for t in sentences["text"]])

    gold_boiler: dict[str, set[str]] = {}
    for g in gold_structure.get("documents", []):
        gold_boiler.setdefault(g["file"], set()).update(_norm(b) for b in g.get("boilerplate", []))
    for row in gold_sentences.itertuples(index=False):
        if row.role == "boilerplate":
            gold_boiler.setdefault(row.doc, set()).add(_norm(row.sentence))

    for g in gold_structure.get("documents", []):
        file = g["file"]
        docs = documents[documents["source"] == file]
        arts = docs[docs["kind"] == "article"]
        art = arts.iloc[0] if len(arts) else None
        comments = docs[docs["kind"] == "comment"].sort_values("comment_n")
        sents = sentences[sentences["source"] == file]

        hits["titles_correct"].append(_norm(_value(art, "title")) == _norm(g.get("title")))
        hits["article_authors_correct"].append(_norm(_value(art, "author")) == _norm(g.get("article_author")))
        found = _value(art, "found_comment_count")
        found = len(comments) if found is None else int(found)
        hits["comment_counts_correct"].append(found == len(g.get("comments", [])) == len(comments))
        declared = _value(art, "declared_comment_count")
        hits["declared_counts_correct"].append(
            (None if declared is None else int(declared)) == g.get("declared_comment_count")
        )
        by_n = {int(c["comment_n"]): c for _, c in comments.iterrows()}
        art_id = _value(art, "doc_id")
        for gc in g.get("comments", []):
            pc = by_n.get(int(gc["n"]))
            text = _norm(_value(pc, "text")) or ""
            hits["comment_starts_correct"].append(text.startswith(_norm(gc["starts"]) or ""))
            hits["comment_authors_correct"].append(_norm(_value(pc, "author")) == _norm(gc.get("author")))
            hits["addressed_to_correct"].append(
                _norm(_value(pc, "addressed_to")) == _norm(gc.get("addressed_to"))
            )
            target = gc.get("reply_to")
            want = art_id if target == "article" else _value(by_n.get(int(target)), "doc_id")
            hits["reply_to_correct"].append(pc is not None and _value(pc, "parent_doc_id") == want)

        boiler_keys = [k for k in sents.loc[sents["role"] == "boilerplate", "_key"] if k]
        gold_b = {b for b in gold_boiler.get(file, set()) if b}
        for b in sorted(gold_b):
            hits["boilerplate_recall"].append(any(b in k for k in boiler_keys))
        for k in boiler_keys:
            hits["boilerplate_precision"].append(any(b in k or k in b for b in gold_b))
        for role, metric in (("heading", "headings_found"), ("caption", "captions_found")):
            role_keys = set(sents.loc[sents["role"] == role, "_key"])
            for h in g.get(role + "s", []):
                hits[metric].append(_norm(h) in role_keys)

    for row in gold_sentences.itertuples(index=False):
        sents = sentences[sentences["source"] == row.doc]
        key = _norm(row.sentence) or ""
        exact = sents[sents["_key"] == key]
        hits["sentence_boundary_recall"].append(len(exact) > 0)
        match = exact if len(exact) else sents[[key in k or (k and k in key) for k in sents["_key"]]]
        gold_role = "body" if row.role == "comment" else row.role
        ok = len(match) > 0 and match.iloc[0]["role"] == gold_role
        hits["role_accuracy"].append(ok)
        metric = f"{gold_role}_role_accuracy"
        if metric in hits:
            hits[metric].append(ok)

    metrics = {k: _share(v) for k, v in hits.items()}
    metrics["files_accounted"] = _files_accounted(documents, gold_structure, rejects, ingest_report)
    return metrics


def _files_accounted(
    documents: pd.DataFrame, gold_structure: dict, rejects: list[dict] | None, report: dict | None
) -> float | None:
    """Share of input files that ended in documents or in the rejects (the target is 1.0)."""
    if report is not None and report.get("files"):
        files = int(report["files"])
        ingested = set(zip(documents["corpus"], documents["source"]))
        rejected = {(r["corpus"], r["source"]) for r in (rejects or [])} - ingested
        return round(min(1.0, (len(ingested) + len(rejected)) / files), 4)
    gold_files = [g["file"] for g in gold_structure.get("documents", [])]
    present = set(documents["source"])
    return _share([f in present for f in gold_files])


def score_structure_pages(
    documents: pd.DataFrame, blocks: pd.DataFrame, gold_structure: dict
) -> dict[str, float | None]:
    """Structure metrics of pages read straight from their corpus (no sentence split) against a gold.

    Blocks stand in for sentences, so boilerplate and heading metrics compare whole lines; the
    sentence-level metrics, which need a sentence gold, are left out. 'url_correct' and
    'published_correct' score the metadata the gold states for a page (a metadata header).
    """
    units = blocks[["doc_id", "role", "text"]].merge(documents[["doc_id", "source"]], on="doc_id")
    no_sentences = pd.DataFrame({"doc": [], "sentence": [], "role": []})
    metrics = score_structure(documents, units, gold_structure, no_sentences)
    metrics = {k: v for k, v in metrics.items() if v is not None}
    for field, metric in (("url", "url_correct"), ("published", "published_correct")):
        hits = []
        for g in gold_structure.get("documents", []):
            if field not in g:
                continue
            arts = documents[(documents["source"] == g["file"]) & (documents["kind"] == "article")]
            found = _value(arts.iloc[0], field) if len(arts) else None
            hits.append(_norm(found) == _norm(g[field]))
        if hits:
            metrics[metric] = _share(hits)
    return metrics
