"""The reader for each corpus format a corpus.yaml may name."""

from __future__ import annotations

from collections.abc import Callable

from pipeline.readers import ReadResult

Reader = Callable[[str, str], ReadResult]

FORMATS = ("text", "jsonl", "html")


def get_reader(fmt: str) -> Reader:
    """The reader for a corpus.yaml `format` (text, jsonl, html)."""
    from pipeline.readers import html, jsonl, text

    return {"text": text.read_text_page, "jsonl": jsonl.read_jsonl, "html": html.read_html_page}[fmt]
