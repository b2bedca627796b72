"""Hacker News reader: an item with its replies, as the public APIs return it.

Two shapes are read:
- the Algolia items API (`/api/v1/items/<id>`): one object, replies nested under `children`
  (`id`, `type`, `author`, `title`, `url`, `text` (HTML), `created_at` or `created_at_i`);
- the Firebase API (`/v0/item/<id>.json`): items with `by`, `time`, `text`, `title`, `url`,
  `parent` and `kids`; a file is one item whose `kids` hold the reply objects themselves, or a
  JSON list of items (the story and its comments), linked by `parent`.
The top item (a story, an Ask HN, a job, or a comment whose subtree was saved) is the article;
`descendants` is its declared comment count. `text` is HTML (paragraphs as <p>, links, <i>,
<pre><code>) and is converted to plain text.

Stated rules (each ignored record is listed with its rule in the ingest report):
- a `deleted` item, and in the Algolia shape a comment with neither author nor text (how it shows a
  deleted one), is ignored; a `dead` item (flagged or killed, hidden on the site by default) is
  ignored; a poll option (`pollopt`) is ignored; replies of an ignored comment answer the nearest
  read comment above it;
- in a list of items, a comment whose parent is not in the file and does not lead to a story is a
  reject.
"""

from __future__ import annotations

from typing import Any

from pipeline.readers import ReadResult
from pipeline.readers.exports import HtmlProblem, Record, html_to_text, read_json_export, str_or_none, timestamp
from pipeline.safe_repr import safe_repr

_ITEM_KEYS = {"by", "kids", "children", "descendants", "story_id", "created_at_i"}


def is_hn(data: Any) -> bool:
    """True for an HN item (or a list of them): an object with an id and HN's own keys."""
    items = data if isinstance(data, list) else [data]
    return bool(items) and all(
        isinstance(x, dict) and "id" in x and "kind" not in x and (x.keys() & _ITEM_KEYS or x.get("type") in (
            "story", "comment", "job", "poll", "pollopt")) for x in items)


def _id(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    return str(value) if isinstance(value, int) else str_or_none(value)


def _record(item: dict, kind: str, parent: str | None, article: str, n: int) -> Record:
    rid = _id(item.get("id")) or f"#{n}"
    author = str_or_none(item.get("by")) or str_or_none(item.get("author"))
    body = item.get("text")
    what = "item" if kind == "article" else "comment"
    rec = Record(kind, rid, what, article=article if kind == "comment" else None, parent=parent,
                 title=str_or_none(item.get("title")) if kind == "article" else None, author=author,
                 url=str_or_none(item.get("url")),
                 published=timestamp(item.get("created_at")) or timestamp(item.get("time"))
                 or timestamp(item.get("created_at_i")))
    declared = item.get("descendants")
    if kind == "article" and isinstance(declared, int) and not isinstance(declared, bool):
        rec.declared = declared
    if item.get("deleted") is True:
        rec.ignore = "deleted"
    elif item.get("dead") is True:
        rec.ignore = "dead (flagged or killed; hidden on the site by default)"
    elif item.get("type") == "pollopt":
        rec.ignore = "poll option"
    elif kind == "comment" and author is None and body is None:
        rec.ignore = "deleted (no author and no text)"
    elif body is not None and not isinstance(body, str):
        rec.problem = f"text is not a string: {safe_repr(body, 30)}"
    else:
        try:
            rec.text = html_to_text(body or "", newlines=False)
        except HtmlProblem as exc:
            rec.problem = str(exc)
    return rec


def _nested(root: dict) -> list[Record]:
    article = _id(root.get("id")) or "#1"
    records = [_record(root, "article", None, article, 1)]
    stack = [(c, article) for c in reversed(_replies(root))]
    n = 1
    while stack:
        node, parent = stack.pop()
        n += 1
        if not isinstance(node, dict):
            records.append(Record("comment", f"#{n}", "comment", article=article, parent=parent,
                                  problem=f"expected an item object, got {safe_repr(node, 40)}"))
            continue
        rec = _record(node, "comment", parent, article, n)
        records.append(rec)
        stack.extend((c, rec.rid) for c in reversed(_replies(node)))
    return records


def _replies(item: dict) -> list:
    for key in ("children", "kids"):
        value = item.get(key)
        if isinstance(value, list) and any(isinstance(v, dict) for v in value):
            return value
    return []


def _flat(items: list[dict]) -> list[Record]:
    records = []
    for n, item in enumerate(items, start=1):
        parent = _id(item.get("parent")) or _id(item.get("parent_id"))
        if parent is None:
            records.append(_record(item, "article", None, "", n))
        else:
            records.append(_record(item, "comment", parent, "", n))
    return records


def read_hn(text: str, source: str) -> ReadResult:
    return read_json_export(
        text, is_hn,
        "not a Hacker News item: expected an object with 'id' and 'by'/'kids' (Firebase) or "
        "'children' (Algolia), or a list of such items; pass the right --format",
        lambda data: _flat(data) if isinstance(data, list) else _nested(data))
