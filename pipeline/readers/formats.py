"""The reader for each corpus format a corpus.yaml may name, and how a file's own content names its format."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from pipeline.readers import ReadResult

Reader = Callable[[str, str], ReadResult]

FORMATS = ("text", "jsonl", "html", "wxr", "disqus", "reddit", "hn", "csv")
# The structured exports: their files state the reply tree, so no thread is guessed.
EXPORT_FORMATS = ("wxr", "disqus", "reddit", "hn", "csv")


def get_reader(fmt: str, columns: dict[str, str] | None = None) -> Reader:
    """The reader for a corpus.yaml `format`; `columns` is the CSV column mapping."""
    from pipeline.readers import csv_export, disqus, hn, html, jsonl, reddit, text, wxr

    if fmt == "csv":
        return partial(csv_export.read_csv_export, columns=columns)
    return {"text": text.read_text_page, "jsonl": jsonl.read_jsonl, "html": html.read_html_page,
            "wxr": wxr.read_wxr, "disqus": disqus.read_disqus, "reddit": reddit.read_reddit,
            "hn": hn.read_hn}[fmt]


def detect_format(data: bytes) -> str | None:
    """The export format a file's content states unambiguously, or None.

    WXR: an <rss> root declaring the wp: namespace; Disqus: a <disqus xmlns="http://disqus.com">
    root; Reddit: a list of Listings holding a t3 submission; Hacker News: items with HN's keys
    (`by`, `kids`, `children`, ...). Both XML and JSON are parsed with the readers' own hardened
    parsers; a file they refuse is not detected.
    """
    from pipeline.readers import disqus, exports, hn, reddit, wxr

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    head = text.lstrip()[:1]
    if head == "<":
        try:
            root = exports.parse_xml(text)
        except exports.XmlProblem:
            return None
        if wxr.wp_namespace(root):
            return "wxr"
        return "disqus" if disqus.is_disqus(root) else None
    if head in "[{" and head:
        parsed, problem = exports.parse_json(text)
        if problem:
            return None
        if reddit.is_reddit(parsed):
            return "reddit"
        return "hn" if hn.is_hn(parsed) else None
    return None
