"""Reddit thread reader: the JSON the API returns for a thread (`/comments/<id>.json`).

The file is a list of two Listings: the first holds the submission (`kind` t3: `id`, `title`,
`selftext`, `author`, `created_utc`, `url`, `num_comments`), the second its comments (`kind` t1:
`id`, `parent_id`, `author`, `body`, `created_utc`, `replies`: "" or a Listing of replies). Bodies
are Markdown with &, < and > escaped as entities; they are unescaped and kept as written (line
breaks kept, Markdown marks left in place).

Stated rules (each ignored record is listed with its rule in the ingest report):
- a comment whose body is `[deleted]` (deleted by its writer) or `[removed]` (removed by a
  moderator) is ignored; its replies answer the nearest read comment above it;
- a `more` stub (comments the API left for a later call) is ignored, with how many it stands for;
  the submission's `num_comments` is kept as its declared count, so a thread read with far fewer
  comments is warned about;
- an author `[deleted]` is no author; a submission whose selftext is `[deleted]` or `[removed]`
  (or a link post, which has none) is its title alone.
"""

from __future__ import annotations

import html
from typing import Any

from pipeline.readers import ReadResult
from pipeline.readers.exports import Record, clean_plain, read_json_export, str_or_none, timestamp
from pipeline.safe_repr import safe_repr

_GONE = {"[deleted]": "comment deleted by its writer ([deleted])",
         "[removed]": "comment removed by a moderator ([removed])"}


def is_reddit(data: Any) -> bool:
    """True for the API's thread JSON: a list of Listings whose first holds a t3 submission."""
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not data or not all(isinstance(x, dict) for x in data):
        return False
    first = data[0]
    children = (first.get("data") or {}).get("children") if isinstance(first.get("data"), dict) else None
    return (first.get("kind") == "Listing" and isinstance(children, list)
            and any(isinstance(c, dict) and c.get("kind") == "t3" for c in children))


def _markdown(value: Any) -> str:
    return clean_plain(html.unescape(value)) if isinstance(value, str) else ""


def _author(value: Any) -> str | None:
    author = str_or_none(value)
    return None if author in (None, "[deleted]") else author


def _listing_children(value: Any) -> list | None:
    if isinstance(value, dict) and value.get("kind") == "Listing" and isinstance(value.get("data"), dict):
        children = value["data"].get("children")
        return children if isinstance(children, list) else None
    return None


def read_reddit(text: str, source: str) -> ReadResult:
    return read_json_export(
        text, is_reddit,
        "not a Reddit thread: expected a list of Listings, the first holding a t3 submission "
        "(the JSON of /comments/<id>.json); pass the right --format",
        _records)


def _records(data: Any) -> list[Record]:
    """The submission and its comments, in file order."""
    listings = data if isinstance(data, list) else [data]
    records: list[Record] = []
    submissions = [c for c in _listing_children(listings[0]) or [] if isinstance(c, dict) and c.get("kind") == "t3"]
    root_id = ""
    for sub in submissions:
        d = sub.get("data") if isinstance(sub.get("data"), dict) else {}
        rid = str_or_none(d.get("id")) or ""
        root_id = root_id or rid
        body = d.get("selftext")
        declared = d.get("num_comments")
        records.append(Record(
            "article", rid, "submission", text="" if isinstance(body, str) and body in _GONE else _markdown(body),
            title=str_or_none(d.get("title")), author=_author(d.get("author")),
            url=str_or_none(d.get("url")), published=timestamp(d.get("created_utc")),
            declared=declared if isinstance(declared, int) and not isinstance(declared, bool) else None))
    # Comments, in file order (a depth-first walk without recursion).
    stack: list[tuple[Any, str | None]] = [(c, None) for c in reversed(
        [c for listing in listings[1:] for c in (_listing_children(listing) or [])])]
    n = 0
    while stack:
        node, parent = stack.pop()
        n += 1
        if not isinstance(node, dict) or not isinstance(node.get("data"), dict):
            records.append(Record("comment", f"#{n}", "comment", article=root_id,
                                  problem=f"expected a {{kind, data}} object, got {safe_repr(node, 40)}"))
            continue
        kind, d = node.get("kind"), node["data"]
        rid = str_or_none(d.get("id")) or f"#{n}"
        parent_id = str_or_none(d.get("parent_id"))
        if parent_id and parent_id.startswith("t1_"):
            parent = parent_id[3:]
        elif parent_id and parent_id.startswith("t3_"):
            parent = None
        rec = Record("comment", rid, "comment", article=root_id, parent=parent)
        if kind == "more":
            count = d.get("count")
            rec.rid, rec.what = f"more:{rid}", "more stub"
            rec.ignore = (f"more stub: {count if isinstance(count, int) else 'some'} comment(s) the API did not "
                          "return in this file (it leaves them for /api/morechildren)")
        elif kind != "t1":
            rec.problem = f"unexpected kind {safe_repr(kind, 20)} (expected t1 or more)"
        else:
            body = d.get("body")
            rec.author = _author(d.get("author"))
            rec.published = timestamp(d.get("created_utc"))
            if isinstance(body, str) and body in _GONE:
                rec.ignore = _GONE[body]
            elif not isinstance(body, str):
                rec.problem = "no body"
            else:
                rec.text = _markdown(body)
            replies = _listing_children(d.get("replies"))
            stack.extend((c, rid) for c in reversed(replies or []))
        records.append(rec)
    return records
