"""Who is speaking: one name per person across a page, so positions count people, not sentences."""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

_SPACES = re.compile(r"\s+")
UNNAMED = "unnamed, "  # prefix of a speaker the page gives no name for


def is_named(speaker: str) -> bool:
    return not speaker.startswith(UNNAMED)


def _norm(name: str) -> str:
    return _SPACES.sub(" ", name).strip()


def resolve_speakers(documents: pd.DataFrame) -> dict[str, str]:
    """doc_id -> the person who wrote it.

    Names are read as the page gives them; within one source page a one-word name that is the
    first name of exactly one longer name there is that person ('Mike' replying in the comments
    of an article by 'Mike Boysen'). A document with no author is its own unnamed speaker, named
    after its place ('unnamed, 000.txt comment 1'), so two anonymous commenters stay two people.
    """
    out: dict[str, str] = {}
    for _source, page in documents.groupby("source", sort=True):
        names = {_norm(a) for a in page["author"] if isinstance(a, str) and _norm(a)}
        full = [n for n in names if " " in n]
        alias = {}
        for n in names:
            if " " in n:
                continue
            matches = [f for f in full if f.split(" ")[0].lower() == n.lower()]
            if len(matches) == 1:
                alias[n] = matches[0]
        for d in page.itertuples(index=False):
            author = _norm(d.author) if isinstance(d.author, str) else ""
            if author:
                out[d.doc_id] = alias.get(author, author)
            elif d.kind == "comment" and pd.notna(d.comment_n):
                out[d.doc_id] = f"{UNNAMED}{d.source} comment {int(d.comment_n)}"
            else:
                out[d.doc_id] = f"{UNNAMED}{d.source} {d.kind}"
    return out


def top_label(counts, labels: list[str]) -> str:
    """The label with the most counts (a mapping label -> count); ties go to the one listed first."""
    return max(labels, key=lambda label: (counts.get(label, 0), -labels.index(label)))


def dominant_positions(claims: pd.DataFrame, speakers: dict[str, str], labels: list[str],
                       neutral: str) -> dict[str, str]:
    """person -> the position most of their claims take (neutral only if nothing else).

    Ties go to the label listed first in params, so the result does not depend on row order.
    """
    out: dict[str, str] = {}
    # one Counter per person over plain lists (a value_counts per person cost seconds at 10k claims)
    by_person: dict[str, Counter] = {}
    for doc_id, stance in zip(claims["doc_id"].tolist(), claims["stance"].tolist()):
        name = speakers.get(doc_id)
        if isinstance(name, str):
            counter = by_person.setdefault(name, Counter())
            if isinstance(stance, str):
                counter[stance] += 1
    for name in sorted(by_person):
        counts = by_person[name]
        leaning = [lab for lab in labels if lab != neutral and counts.get(lab, 0) > 0]
        out[name] = top_label(counts, leaning or [neutral])
    return out
