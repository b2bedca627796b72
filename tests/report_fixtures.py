"""A small hand-made debate (two corpora, a thread, key points, relations) for the report and queries."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.stance import LabelSpace

LABELS = [
    {"name": "pro-sales", "description": "Sell first."},
    {"name": "pro-marketing", "description": "Market first."},
    {"name": "pro-strategy", "description": "Think first."},
    {"name": "neutral", "description": "No position."},
]
LABEL_SPACE = LabelSpace(names=[lab["name"] for lab in LABELS], descriptions=[lab["description"] for lab in LABELS],
                         examples=[[] for _ in LABELS], terms=[[] for _ in LABELS], neutral="neutral")

# Each one, if it ever ran, would set window.__pwned or open a dialog.
PAYLOADS = [
    "<script>window.__pwned=1;alert(1)</script>",
    '<img src=x onerror="window.__pwned=2;alert(2)">',
    '"><svg onload="window.__pwned=3">',
    "</script><script>window.__pwned=4</script>",
    "<!-- <script>window.__pwned=5</script> -->",
    "\u2028\u2029&amp;&lt;",
]


def _docs(payload: bool) -> list[dict]:
    p = (lambda i: " " + PAYLOADS[i]) if payload else (lambda i: "")
    return [
        {"doc_id": "blogs/a.txt#article", "corpus": "blogs", "source": "a.txt", "kind": "article", "comment_n": None,
             "parent_doc_id": None, "title": "Sell first, market later" + p(0), "author": "Ann" + p(1), "addressed_to": None,
             "text": "Sell first, market later" + p(0) + "\n\nStartups should sell before they market anything. "
             "Talking to ten customers teaches more than any campaign. "
             "Marketing budgets are wasted before product market fit." + p(2) + "\n"},
        {"doc_id": "blogs/a.txt#c1", "corpus": "blogs", "source": "a.txt", "kind": "comment", "comment_n": 1,
             "parent_doc_id": "blogs/a.txt#article", "title": None, "author": "Bo" + p(3), "addressed_to": "Ann",
             "text": "Ann, I disagree." + p(4) + " Marketing is what brings the buyers in. "
             "A brand story makes every sales call easier. \U0001F600 Thanks." + p(1)},
        {"doc_id": "blogs/a.txt#c2", "corpus": "blogs", "source": "a.txt", "kind": "comment", "comment_n": 2,
             "parent_doc_id": "blogs/a.txt#c1", "title": None, "author": "Cy", "addressed_to": "Bo",
             "text": "Bo, both of you skip the real question. \U0001F914 Understand the customer's job to be done "
             "before you sell or market." + p(5)},
        {"doc_id": "notes/b.txt#article", "corpus": "notes", "source": "b.txt", "kind": "article", "comment_n": None,
             "parent_doc_id": None, "title": "Strategy before tactics", "author": "Dee", "addressed_to": None,
             "text": "Strategy before tactics\n\nMarket research done right finds unmet needs. "
             "Positioning decides which customers you even call. "
             "Most founders never define their market at all."},
    ]


# (doc, sentence, stance, cluster, claim_score, stance_score)
_CLAIMS = [
    ("blogs/a.txt#article", "Startups should sell before they market anything.", "pro-sales", 0, 0.95, 0.9),
    ("blogs/a.txt#article", "Talking to ten customers teaches more than any campaign.", "pro-sales", 0, 0.9, 0.8),
    ("blogs/a.txt#article", "Marketing budgets are wasted before product market fit.", "pro-sales", 0, 0.85, 0.7),
    ("blogs/a.txt#c1", "Marketing is what brings the buyers in.", "pro-marketing", 1, 0.9, 0.85),
    ("blogs/a.txt#c1", "A brand story makes every sales call easier.", "pro-marketing", 1, 0.8, 0.75),
    ("blogs/a.txt#c2", "Understand the customer's job to be done before you sell or market.", "pro-strategy", 2, 0.9, 0.8),
    ("notes/b.txt#article", "Market research done right finds unmet needs.", "pro-strategy", 2, 0.85, 0.7),
    ("notes/b.txt#article", "Positioning decides which customers you even call.", "pro-marketing", 2, 0.7, 0.6),
    ("notes/b.txt#article", "Most founders never define their market at all.", "neutral", -1, 0.6, 0.5),
]

# claims whose own words, read alone, give another label than the one their context gave
CONTEXT_MOVED = {"Talking to ten customers teaches more than any campaign.": "neutral"}

CLUSTER_LABELS = {0: "Startups should sell before they market anything.",
                  1: "Marketing is what brings the buyers in.",
                  2: "Market research done right finds unmet needs."}
CLUSTER_REPS = {0: 0, 1: 3, 2: 6}
CLUSTER_KEYWORDS = {0: ["sell", "customer"], 1: ["brand", "buyer"], 2: ["research", "need"]}


def make_tables(payload: bool = False):
    """documents, sentences (every sentence), clusters and edges tables, with consistent offsets."""
    docs = _docs(payload)
    pos = 0
    for d in docs:
        # Documents of one source file sit one after another in that file's text.
        if d["kind"] == "article":
            pos = 0
        d["start_char"], d["end_char"] = pos, pos + len(d["text"])
        pos = d["end_char"] + 1
    documents = pd.DataFrame(docs)
    documents["comment_n"] = documents["comment_n"].astype("Int64")
    by_id = {d["doc_id"]: d for d in docs}
    rows = []
    for i, (doc_id, sentence, stance, cluster, cs, ss) in enumerate(_CLAIMS):
        d = by_id[doc_id]
        local = d["text"].index(sentence)
        rows.append({"sentence_id": f"{doc_id}:s{i:02d}", "doc_id": doc_id, "corpus": d["corpus"], "source": d["source"],
                         "role": "body", "start_char": d["start_char"] + local, "end_char": d["start_char"] + local + len(sentence),
                         "text": sentence, "is_claim": True, "claim_score": cs, "stance": stance, "stance_score": ss,
                         "stance_own": CONTEXT_MOVED.get(sentence, stance), "cluster_id": cluster})
    title = by_id["blogs/a.txt#article"]
    rows.append({"sentence_id": "blogs/a.txt#article:s99", "doc_id": title["doc_id"], "corpus": "blogs", "source": "a.txt",
                     "role": "title", "start_char": 0, "end_char": len(title["title"]), "text": title["title"], "is_claim": False,
                     "claim_score": 0.05, "stance": None, "stance_score": None, "stance_own": None,
                     "cluster_id": None})
    sentences = pd.DataFrame(rows)
    sentences["cluster_id"] = sentences["cluster_id"].astype("Int64")
    claims = sentences[sentences["is_claim"]]
    clusters = []
    for cid, group in claims.groupby("cluster_id"):
        counts = group["stance"].value_counts()
        shares = {lab["name"]: round(float(counts.get(lab["name"], 0)) / len(group), 6) for lab in LABELS}
        dominant = max(shares, key=lambda k: shares[k])
        clusters.append({
            "cluster_id": int(cid), "label": CLUSTER_LABELS.get(int(cid), "Unclustered claims"),
            "representative_sentence_id": (claims.iloc[CLUSTER_REPS[int(cid)]]["sentence_id"] if cid != -1 else None),
            "keywords": json.dumps(CLUSTER_KEYWORDS.get(int(cid), [])), "size": len(group), "dominant_stance": dominant,
            "stance_shares": json.dumps(shares, sort_keys=True), "n_documents": int(group["doc_id"].nunique()),
            "authors": json.dumps(sorted({by_id[d]["author"] for d in group["doc_id"]})),
            "n_people": int(group["doc_id"].map(lambda d: by_id[d]["author"] or d).nunique()),
            "label_start_char": None, "label_end_char": None, "label_score": None})
    clusters = pd.DataFrame(clusters)
    sid = claims["sentence_id"].tolist()
    edges = pd.DataFrame([
        {"source_id": "blogs/a.txt#c1", "target_id": "blogs/a.txt#article", "level": "document", "relation": "reply", "score": 1.0,
             "reason": "comment thread: this comment answers its target"},
        {"source_id": "blogs/a.txt#c1", "target_id": "blogs/a.txt#article", "level": "document", "relation": "attack", "score": 0.8,
             "reason": "disagreement language: 'disagree'" + (" " + PAYLOADS[0] if payload else "")},
        {"source_id": "blogs/a.txt#c2", "target_id": "blogs/a.txt#c1", "level": "document", "relation": "reply", "score": 1.0,
             "reason": "comment thread: this comment answers its target"},
        {"source_id": sid[3], "target_id": sid[0], "level": "claim", "relation": "attack", "score": 0.6,
             "reason": "pro-marketing against pro-sales"},
        {"source_id": sid[4], "target_id": sid[1], "level": "claim", "relation": "attack", "score": 0.4,
             "reason": "pro-marketing against pro-sales"},
        {"source_id": sid[5], "target_id": sid[3], "level": "claim", "relation": "attack", "score": 0.5,
             "reason": "pro-strategy against pro-marketing"},
        {"source_id": sid[7], "target_id": sid[4], "level": "claim", "relation": "support", "score": 0.5,
             "reason": "both pro-marketing"},
    ])
    return documents, sentences, clusters, edges


def make_argmap(documents, sentences, clusters, edges, run: dict | None = None) -> dict:
    """The map built by the pipeline's own assembly from the hand-made tables."""
    from pipeline.argmap import build_argmap

    run = run or {"corpora": ["blogs", "notes"], "embedding_model": "hashing-test-embedder",
                  "spacy_model": "none", "stance_model": "hand-made",
                  "params": {"cluster": {"min_cluster_size": 2}}, "top_claims": 3}
    return build_argmap(sentences, documents, clusters, edges, LABEL_SPACE, run)


def make_corpus(payload: bool = False):
    """(argmap dict, documents table) ready for render_report."""
    documents, sentences, clusters, edges = make_tables(payload)
    return make_argmap(documents, sentences, clusters, edges), documents


def write_outputs(root: Path, embedder, payload: bool = False) -> dict:
    """Write outputs/*.parquet, outputs/argmap.json and work/embeddings.parquet under `root`."""
    from pipeline.io import write_json, write_table
    from pipeline.schemas import CLUSTERS, DOCUMENTS, EDGES, EMBEDDINGS, SENTENCES

    documents, sentences, clusters, edges = make_tables(payload)
    doc = make_argmap(documents, sentences, clusters, edges)
    out, work = root / "outputs", root / "work"
    write_table(documents, out / "documents.parquet", DOCUMENTS)
    write_table(sentences, out / "sentences.parquet", SENTENCES)
    write_table(clusters, out / "clusters.parquet", CLUSTERS)
    write_table(edges, out / "edges.parquet", EDGES)
    write_json(out / "argmap.json", doc)
    claims = sentences[sentences["is_claim"]].sort_values("sentence_id")
    vectors = embedder.encode(claims["text"].tolist())
    write_table(pd.DataFrame({"sentence_id": claims["sentence_id"].to_numpy(),
                              "embedding": list(np.asarray(vectors, dtype=np.float32))}),
                work / "embeddings.parquet", EMBEDDINGS)
    return doc
