"""A small hand-made map for the export tests: a reply thread three comments deep, two pages, named
and unnamed writers, key points related to each other, publication dates in three forms and none,
and claims whose text holds Argdown, HTML and XML syntax."""

from __future__ import annotations

import json

import pandas as pd
from report_fixtures import LABEL_SPACE, LABELS

ARTICLE_A = ("Sell first, market later\n\nStartups should sell before they market anything. "
             "Talking to ten customers teaches more than any campaign. "
             "Read [the guide](http://x.y) #growth {now} *really* _truly_ e.g. at 9:30: a//b @[C1] === done \\ end.\n")
# (doc_id, kind, comment_n, parent, title, author, published, text)
_DOCS = [
    ("blogs/a.txt#article", "article", None, None, "Sell first, market later", "Ann",
     "2021-03-04T09:30:00+01:00", ARTICLE_A),
    ("blogs/a.txt#c1", "comment", 1, "blogs/a.txt#article", None, "Bo", "2021-03-05",
     "Ann, I disagree. Marketing is what brings the buyers in. "
     "A brand story makes every <b>sales</b> call easier & faster."),
    ("blogs/a.txt#c2", "comment", 2, "blogs/a.txt#c1", None, None, None,
     "Bo, both of you skip the real question. Understand the customer's job to be done\nbefore you sell or market."),
    ("blogs/a.txt#c3", "comment", 3, "blogs/a.txt#c2", None, "Ann", "Tue, 09 Mar 2021 10:00:00 +0000",
     "Fair point, but selling is how you learn that job. Brand campaigns are wasted before product market fit."),
    ("notes/b.txt#article", "article", None, None, "Strategy before tactics", None, "not a date",
     "Strategy before tactics\n\nMarket research done right finds unmet needs. "
     "Positioning decides which customers you even call. Most founders never define their market at all."),
    ("notes/b.txt#c2", "comment", 2, "notes/b.txt#article", None, None, None,
     "Research is what big companies do <script>alert(1)</script>; startups should just ship."),
]

# (doc, sentence, stance, key point, claim_score, stance_score)
CLAIMS = [
    ("blogs/a.txt#article", "Startups should sell before they market anything.", "pro-sales", 0, 0.95, 0.9),
    ("blogs/a.txt#article", "Talking to ten customers teaches more than any campaign.", "pro-sales", 0, 0.9, 0.8),
    ("blogs/a.txt#article", "Read [the guide](http://x.y) #growth {now} *really* _truly_ e.g. at 9:30: a//b @[C1] "
     "=== done \\ end.", "pro-sales", -1, 0.6, 0.55),
    ("blogs/a.txt#c1", "Marketing is what brings the buyers in.", "pro-marketing", 1, 0.9, 0.85),
    ("blogs/a.txt#c1", "A brand story makes every <b>sales</b> call easier & faster.", "pro-marketing", 1, 0.8, 0.75),
    ("blogs/a.txt#c2", "Understand the customer's job to be done\nbefore you sell or market.", "pro-strategy", 2, 0.9, 0.8),
    ("blogs/a.txt#c3", "Fair point, but selling is how you learn that job.", "pro-sales", 0, 0.7, 0.6),
    ("blogs/a.txt#c3", "Brand campaigns are wasted before product market fit.", "pro-sales", 0, 0.85, 0.7),
    ("notes/b.txt#article", "Market research done right finds unmet needs.", "pro-strategy", 2, 0.85, 0.7),
    ("notes/b.txt#article", "Positioning decides which customers you even call.", "pro-marketing", 1, 0.7, 0.6),
    ("notes/b.txt#article", "Most founders never define their market at all.", "neutral", -1, 0.6, 0.5),
    ("notes/b.txt#c2", "Research is what big companies do <script>alert(1)</script>; startups should just ship.",
     "pro-sales", -1, 0.5, 0.5),
]
KEY_POINTS = {0: (0, ["sell", "customer"]), 1: (3, ["brand", "buyer"]), 2: (8, ["research", "need"])}


def make_tables():
    """documents (with text and publication dates), sentences, clusters and edges, offsets exact."""
    docs, pos, page = [], 0, None
    for doc_id, kind, n, parent, title, author, published, text in _DOCS:
        corpus, rest = doc_id.split("/", 1)
        source = rest.split("#")[0]
        if source != page:
            pos, page = 0, source
        docs.append({"doc_id": doc_id, "corpus": corpus, "source": source, "kind": kind, "comment_n": n,
                     "parent_doc_id": parent, "title": title, "author": author, "addressed_to": None,
                     "start_char": pos, "end_char": pos + len(text), "text": text, "published": published})
        pos += len(text) + 2
    documents = pd.DataFrame(docs)
    documents["comment_n"] = documents["comment_n"].astype("Int64")
    by_id = {d["doc_id"]: d for d in docs}
    rows = []
    for i, (doc_id, sentence, stance, cluster, cs, ss) in enumerate(CLAIMS):
        d = by_id[doc_id]
        local = d["text"].index(sentence)
        rows.append({"sentence_id": f"{doc_id}:s{i:02d}", "doc_id": doc_id, "corpus": d["corpus"], "source": d["source"],
                     "role": "body", "start_char": d["start_char"] + local,
                     "end_char": d["start_char"] + local + len(sentence), "text": sentence, "is_claim": True,
                     "claim_score": cs, "stance": stance, "stance_score": ss, "stance_own": stance,
                     "cluster_id": cluster})
    sentences = pd.DataFrame(rows)
    sentences["cluster_id"] = sentences["cluster_id"].astype("Int64")
    sid = sentences["sentence_id"].tolist()
    clusters = []
    for cid, group in sentences.groupby("cluster_id"):
        counts = group["stance"].value_counts()
        shares = {lab["name"]: round(float(counts.get(lab["name"], 0)) / len(group), 6) for lab in LABELS}
        rep, keywords = KEY_POINTS.get(int(cid), (None, []))
        clusters.append({
            "cluster_id": int(cid), "label": CLAIMS[rep][1] if rep is not None else "Unclustered claims",
            "representative_sentence_id": sid[rep] if rep is not None else None, "keywords": json.dumps(keywords),
            "size": len(group), "dominant_stance": max(shares, key=lambda k: shares[k]),
            "stance_shares": json.dumps(shares, sort_keys=True), "n_documents": int(group["doc_id"].nunique()),
            "authors": json.dumps(sorted({by_id[d]["author"] for d in group["doc_id"] if by_id[d]["author"]})),
            "n_people": int(group["doc_id"].map(lambda d: by_id[d]["author"] or d).nunique()),
            "label_start_char": None, "label_end_char": None, "label_score": None})
    clusters = pd.DataFrame(clusters)

    def edge(src, dst, level, relation, score, reason):
        return {"source_id": src, "target_id": dst, "level": level, "relation": relation, "score": score,
                "reason": reason}

    thread = "comment thread: this comment answers its target"
    edges = pd.DataFrame([
        edge("blogs/a.txt#c1", "blogs/a.txt#article", "document", "reply", 1.0, thread),
        edge("blogs/a.txt#c2", "blogs/a.txt#c1", "document", "reply", 1.0, thread),
        edge("blogs/a.txt#c3", "blogs/a.txt#c2", "document", "reply", 1.0, thread),
        edge("notes/b.txt#c2", "notes/b.txt#article", "document", "reply", 1.0, thread),
        edge("blogs/a.txt#c1", "blogs/a.txt#article", "document", "attack", 0.8, "disagreement language: 'disagree'"),
        edge(sid[3], sid[0], "claim", "attack", 0.6, "pro-marketing against pro-sales"),
        edge(sid[4], sid[1], "claim", "attack", 0.4, "pro-marketing against pro-sales {x} <y>"),
        edge(sid[5], sid[3], "claim", "attack", 0.5, "pro-strategy against pro-marketing"),
        edge(sid[6], sid[5], "claim", "support", 0.55, "agreement language: 'fair point'"),
        edge(sid[7], sid[4], "claim", "attack", 0.45, "pro-sales against pro-marketing"),
        edge(sid[9], sid[4], "claim", "support", 0.5, "both pro-marketing"),
        edge("kp-1", "kp-0", "key_point", "attack", 0.82, "similar key points (similarity 0.82) from different documents"),
        edge("kp-2", "kp-1", "key_point", "attack", 0.81, "similar key points (similarity 0.81) from different documents"),
        edge("kp-0", "kp-2", "key_point", "support", 0.85, "similar key points (similarity 0.85) from different documents"),
    ])
    return documents, sentences, clusters, edges


def make_thread_map():
    """(argmap, documents table): the map the pipeline's own assembly builds from the tables above."""
    from pipeline.argmap import build_argmap, validate_argmap

    documents, sentences, clusters, edges = make_tables()
    run = {"corpora": ["blogs", "notes"], "embedding_model": "hand-made", "spacy_model": "none",
           "stance_model": "hand-made", "params": {}, "top_claims": 3}
    doc = build_argmap(sentences, documents.drop(columns=["published"]), clusters, edges, LABEL_SPACE, run)
    validate_argmap(doc)
    return doc, documents
