"""Claims and stance on whole thread pages about this debate, read the way the pipeline reads any page.

`corpora/debate-threads/` holds full-page copies of forum, aggregator, Q&A, social, blog and
newsletter threads on this debate, written for the project as an evaluation set and never trained
or tuned on; `corpora/annotations/debate_threads.csv` labels their sentences (the seed gold's
columns and definitions). The stages ingest, sentences and stance run on that corpus alone, in a
scratch folder with the shipped models, so everything a real page goes through counts: the reader
finding the posts, the sentence split, the claim detector and stance read alone and in context.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

CORPUS = "debate-threads"
# Page corpora on this debate and their sentence gold: the evaluation set, and development sets written
# apart from it for choices made on whole pages (the neutral label's prior, say). Each: (its gold, what it
# is for, the stem of its results file under benchmarks/results/).
SETS = {
    "debate-threads": (Path("corpora") / "annotations" / "debate_threads.csv",
                       "an evaluation set never trained or tuned on", "stance_threads"),
    "debate-dev": (Path("corpora") / "annotations" / "debate_dev.csv",
                   "a development set for choices made on whole pages, never trained on", "stance_dev"),
    "debate-dev-b": (Path("corpora") / "annotations" / "debate_dev_b.csv",
                     "a second development set, written after the choices made on the first, never trained on",
                     "stance_dev_b"),
    "debate-dev-c": (Path("corpora") / "annotations" / "debate_dev_c.csv",
                     "a third development set, written after the choices made on the first two, never trained on",
                     "stance_dev_c"),
}


def _split_the_same_way(sentences, gold, values) -> list[tuple[Any, Any]]:
    """(gold row, the pipeline's value for it) for each gold sentence the pipeline split the same way:
    the same page and the same normalised text; `values` holds one value per row of `sentences`."""
    from pipeline.evaluate_structure import _norm

    found = {(s, _norm(t)): v for s, t, v in zip(sentences["source"], sentences["text"], values)}
    return [(g, found[(g.doc, _norm(g.sentence))]) for g in gold.itertuples(index=False)
            if (g.doc, _norm(g.sentence)) in found]


def claim_scores(sentences, gold) -> dict[str, Any]:
    """Claim detection on the gold sentences the pipeline split the same way (normalised text, same
    page): precision, recall and F1 of `is_claim`, and how many gold sentences were matched."""
    pairs = [(bool(int(g.is_claim)), bool(c))
             for g, c in _split_the_same_way(sentences, gold, sentences["is_claim"])]
    tp = sum(g and p for g, p in pairs)
    fp = sum(p and not g for g, p in pairs)
    fn = sum(g and not p for g, p in pairs)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"gold_sentences": int(len(gold)), "matched": len(pairs), "positives": int(tp + fn),
            "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def as_hidden_pages_read(sentences, neutral: str) -> list[str]:
    """Each sentence's label as the hidden pages are scored: its stance if the pipeline took it for a
    claim, else `neutral`."""
    return [st if c else neutral for c, st in zip(sentences["is_claim"], sentences["stance"])]


def every_row_scores(sentences, gold, neutral: str) -> dict[str, Any]:
    """Stance as the hidden pages are scored: every gold sentence the pipeline split the same way, a
    sentence it did not take for a claim read as `neutral`; macro-F1 over all those rows and over the
    gold claims among them (a claim the detector missed counts against the claims' figure too)."""
    import numpy as np

    from pipeline.stance import macro_f1

    read = as_hidden_pages_read(sentences, neutral)
    rows = [(int(g.is_claim), g.stance, st) for g, st in _split_the_same_way(sentences, gold, read)]
    names = sorted({r[1] for r in rows} | {r[2] for r in rows})
    out: dict[str, Any] = {}
    for subset, part in (("all_rows", rows), ("claims", [r for r in rows if r[0] == 1])):
        y = np.array([names.index(r[1]) for r in part], dtype=int)
        pred = np.array([names.index(r[2]) for r in part], dtype=int)
        out[subset] = {"n": len(part), "macro_f1": round(macro_f1(y, pred, len(names)), 4)}
    return out


def page_lean(sentences, gold, neutral: str, min_claims: int = 3) -> dict[str, Any]:
    """How much of a page's argument one label takes, in the gold and as the pipeline reads it: over the
    pages with at least `min_claims` gold claims that take a side, the mean share of those claims carrying
    the page's most common position, and how many pages give that one position 90% or more. A reader that
    has learned the page rather than the sentence gives nearly every claim of a page one label."""
    from collections import Counter

    read = as_hidden_pages_read(sentences, neutral)
    by_page: dict[str, tuple[list[str], list[str]]] = {}
    for g, st in _split_the_same_way(sentences, gold, read):
        if int(g.is_claim) and g.stance != neutral:
            golds, reads = by_page.setdefault(g.doc, ([], []))
            golds.append(g.stance)
            reads.append(st)

    def share(labels: list[str]) -> float:
        sided = [label for label in labels if label != neutral]
        return Counter(sided).most_common(1)[0][1] / len(sided) if sided else 0.0

    pages = {doc: (share(golds), share(reads)) for doc, (golds, reads) in sorted(by_page.items())
             if len(golds) >= min_claims}
    out: dict[str, Any] = {"pages": len(pages), "min_claims": min_claims}
    for i, who in enumerate(("gold", "pipeline")):
        values = [v[i] for v in pages.values()]
        out[who] = {"mean_top_share": round(sum(values) / len(values), 4) if values else 0.0,
                    "pages_one_label_90": sum(v >= 0.9 for v in values)}
    return out


def thread_scores(p, root: Path, corpus: str = CORPUS) -> dict[str, Any]:
    """Claims, stance and comments found on a page corpus of SETS with the models under `root`/models."""
    import pandas as pd

    from pipeline.evaluate import score_seed_stance
    from pipeline.runtime.scratch import read_in_scratch

    gold_path, role, _ = SETS[corpus]
    gold = pd.read_csv(root / gold_path)
    frames = read_in_scratch(p, root, corpus)
    sentences = frames["sentences"].merge(frames["stances"], on="sentence_id", how="left")
    documents = frames["documents"]
    articles = documents[documents["kind"] == "article"]
    comments = documents[documents["kind"] == "comment"].groupby("source").size()
    stance = score_seed_stance(sentences, gold)
    stance["evaluation"] = "the pipeline's claims that match a gold claim; no model saw these pages"
    stance["every_row"] = every_row_scores(sentences, gold, p.stance.neutral_label)
    stance["page_lean"] = page_lean(sentences, gold, p.stance.neutral_label)
    return {"corpus": corpus, "role": role, "pages": int(articles["source"].nunique()),
            "comments_found": {s: int(comments.get(s, 0)) for s in sorted(articles["source"])},
            "claims": claim_scores(sentences, gold), "stance": stance}


def threads_markdown(result: dict[str, Any]) -> str:
    c, st = result["claims"], result["stance"]
    lines = [
        "# Claims and stance on debate threads",
        "",
        f"`argmap-bench quality stance-threads --corpus {result['corpus']}`: the {result['pages']} pages of "
        f"`corpora/{result['corpus']}/` (full-page copies of pages on this debate, {result['role']}), read by "
        "ingest, sentences and stance with the shipped models.",
        "",
        f"- Claims: F1 {c['f1']:.3f} (precision {c['precision']:.3f}, recall {c['recall']:.3f}) over "
        f"{c['matched']} of {c['gold_sentences']} gold sentences split the same way ({c['positives']} claims).",
        f"- Stance on the {st['matched_claims']} gold claims the pipeline also took for claims "
        f"(of {st['gold_claims']}), macro-F1:",
        "",
        "| rows | n | alone | in context |",
        "|---|---:|---:|---:|",
    ]
    for subset in ("high", "all"):
        row = st[subset]
        alone, in_context = row["alone"]["macro_f1"], row["in_context"]["macro_f1"]
        lines.append(f"| {subset} | {row['n']} | {alone:.3f} | {in_context:.3f} |")
    every = st["every_row"]
    lines += ["", f"- As the hidden pages are scored (every gold sentence split the same way; one the pipeline "
              f"does not take for a claim read as neutral), in context: macro-F1 {every['all_rows']['macro_f1']:.3f} "
              f"on all {every['all_rows']['n']} rows, {every['claims']['macro_f1']:.3f} on the "
              f"{every['claims']['n']} gold claims among them."]
    lean = st["page_lean"]
    gold_lean, read_lean = lean["gold"], lean["pipeline"]
    lines += ["", f"- One label per page? Over the {lean['pages']} pages with at least {lean['min_claims']} "
              f"gold claims that take a side, the page's most common position takes "
              f"{gold_lean['mean_top_share']:.0%} of them in the gold and {read_lean['mean_top_share']:.0%} as the "
              "pipeline reads them (in context; a claim it reads neutral or misses leaves the count); pages at 90% "
              f"or more: {gold_lean['pages_one_label_90']} in the gold, {read_lean['pages_one_label_90']} read."]
    lines += ["", "Comments found per page: " + ", ".join(f"{k} {v}" for k, v in result["comments_found"].items()),
              ""]
    return "\n".join(lines)


def page_sets_markdown(results: list[dict[str, Any]]) -> str:
    """One table over every page set scored (`thread_scores` results), and the development sets' mean:
    the figures a choice made on whole pages is judged by."""
    lines = [
        "# Claims and stance on every page set",
        "",
        "`argmap-bench quality stance-threads --corpus all`: each page set read by ingest, sentences and stance "
        "with the shipped models. Stance in context; \"hidden-page scoring\" reads every gold sentence split the "
        "same way, one the pipeline does not take for a claim as neutral. \"A page's top position\": over the pages "
        "with at least three gold claims that take a side, the mean share of them on the page's most common "
        "position, in the gold and as read (a reader that learned the page rather than the sentence nears 100%).",
        "",
        "| page set | role | claim F1 (P / R) | stance high / all (matched claims) "
        "| hidden-page scoring: all rows / gold claims | a page's top position: gold / read |",
        "|---|---|---:|---:|---:|---:|",
    ]

    def figures(r: dict[str, Any]) -> tuple[float, ...]:
        c, st = r["claims"], r["stance"]
        return (c["f1"], c["precision"], c["recall"], st["high"]["in_context"]["macro_f1"],
                st["all"]["in_context"]["macro_f1"], st["every_row"]["all_rows"]["macro_f1"],
                st["every_row"]["claims"]["macro_f1"], st["page_lean"]["gold"]["mean_top_share"],
                st["page_lean"]["pipeline"]["mean_top_share"])

    def row(name: str, role: str, f: tuple[float, ...]) -> str:
        return (f"| {name} | {role} | {f[0]:.3f} ({f[1]:.3f} / {f[2]:.3f}) | {f[3]:.3f} / {f[4]:.3f} "
                f"| {f[5]:.3f} / {f[6]:.3f} | {f[7]:.0%} / {f[8]:.0%} |")

    for r in results:
        lines.append(row(r["corpus"], "evaluation" if r["corpus"] == CORPUS else "development", figures(r)))
    dev = [figures(r) for r in results if r["corpus"] != CORPUS]
    if len(dev) > 1:
        lines.append(row(f"mean of the {len(dev)} development sets", "chooses",
                         tuple(sum(col) / len(dev) for col in zip(*dev))))
    return "\n".join(lines + [""])
