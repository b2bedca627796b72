"""Format readers: each turns one decoded file into documents with role-tagged layout blocks.

This module holds what the readers share (documents, blocks, rejects) and imports none of them;
pipeline/readers/formats.py picks the reader for a corpus format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("title", "heading", "body", "list_item", "caption", "boilerplate")


@dataclass
class Block:
    """A line or paragraph of a document; offsets index the document's source text."""

    role: str
    start: int
    end: int
    why: str = ""  # the rule that set the role, for debugging and reports


@dataclass
class Doc:
    """An article or a comment as a reader found it.

    `key` is unique within the file ("" for the only article of a page, "<id>" for a JSONL row;
    comments get "c<n>"; an export's records "<article id>" and "<article id>/<comment id>").
    `source_text` is the text the offsets index: the whole decoded file for the text format, the
    document's own text for JSONL, HTML and the structured exports (pipeline/readers/exports.py).
    """

    key: str
    kind: str  # article | comment
    source_text: str
    start: int
    end: int
    blocks: list[Block] = field(default_factory=list)
    comment_n: int | None = None
    parent_key: str | None = None  # key of the document it answers
    title: str | None = None
    author: str | None = None
    addressed_to: str | None = None
    url: str | None = None
    published: str | None = None
    declared_comment_count: int | None = None
    found_comment_count: int | None = None
    line: int | None = None  # 1-based line of the source file (JSONL), for reports
    thread_cue: str | None = None  # the line that made the page look like a thread, for warnings

    @property
    def text(self) -> str:
        return self.source_text[self.start : self.end]


@dataclass
class Reject:
    reason: str
    line: int | None = None


@dataclass
class Ignored:
    """A record of an export that a stated rule passes over (spam, deleted, a 'more' stub, ...)."""

    rule: str
    record: str  # how the record is named: "comment 5", "post 'abc'"
    line: int | None = None


@dataclass
class ReadResult:
    docs: list[Doc] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)
