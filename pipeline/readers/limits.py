"""Limits every reader keeps. Over one, the file, line or document is a reject that names the limit;
never a crash, a silent cut or a stage that dies later.

The values bound what one input can cost downstream, with room for any real page:
- a paragraph is one spaCy call in the sentences stage; spaCy refuses 1,000,000 characters (E088)
  and its memory grows with the length, so a paragraph stops well short of that;
- a document (an article or a comment) is stored whole in documents.parquet and in the report;
- comments per page bound the thread inference, which compares each comment with earlier ones;
- JSON nesting beyond a few levels is never a JSONL article (Python's parser would recurse and crash);
  a Reddit or Hacker News thread nests about five levels of brackets per level of replies, so a
  whole-file JSON export may nest deeper, but stays well under the parser's recursion limit;
- HTML nesting: lxml keeps 255 levels and silently drops what lies deeper (1,500 nested
  comments read as 127), so a page nested beyond the limit is rejected instead.
"""

from __future__ import annotations

import re

MAX_PARAGRAPH_CHARS = 100_000
MAX_DOCUMENT_CHARS = 1_000_000
MAX_COMMENTS_PER_PAGE = 5_000
MAX_JSON_DEPTH = 32
MAX_EXPORT_JSON_DEPTH = 500
MAX_JSONL_LINE_CHARS = 2_000_000
MAX_HTML_DEPTH = 200

_EOL = re.compile(r"\r\n|\r|\n")
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")
_JSON_SPECIAL = re.compile(r'[\\"\[\]{}]')


def paragraph_reason(length: int, where: str = "") -> str:
    return (f"paragraph too long: {length} characters{where}, over the limit of {MAX_PARAGRAPH_CHARS} "
            "per paragraph; break it into shorter paragraphs")


def longest_line(text: str) -> tuple[int, int]:
    """(length, 1-based number) of the longest line of `text` (a paragraph, to the readers). Linear."""
    if len(text) <= MAX_PARAGRAPH_CHARS:  # no line can be over the limit: skip the split
        return len(text), 1
    lengths = [len(line) for line in _EOL.split(text)]
    longest = max(range(len(lengths)), key=lengths.__getitem__)
    return lengths[longest], longest + 1


def json_depth(line: str, stop_above: int | None = None) -> int:
    """How deep the brackets of a JSON text nest, brackets inside strings left out.

    One pass over the special characters, no recursion and no backtracking; it stops as soon as
    the depth passes `stop_above`.
    """
    depth = deepest = 0
    in_string = False
    escaped_at = -1
    for m in _JSON_SPECIAL.finditer(line):
        i = m.start()
        if i == escaped_at:
            continue
        ch = line[i]
        if in_string:
            if ch == "\\":
                escaped_at = i + 1
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_above is not None and deepest > stop_above:
                    return deepest
        elif ch in "]}":
            depth -= 1
    return deepest


def comments_reason(count: int) -> str:
    return (f"too many comments: {count} comments, over the limit of {MAX_COMMENTS_PER_PAGE} per page; "
            "split the thread across files")


def document_reason(length: int, kind: str) -> str:
    return (f"{kind} too long: {length} characters, over the limit of {MAX_DOCUMENT_CHARS} per document; "
            "split it into several documents")


def not_text(value: str) -> str | None:
    """What in `value` is not text: a NUL character, or a lone surrogate (which no UTF-8 file can hold,
    but a JSON escape can); None if there is nothing."""
    m = _NOT_TEXT.search(value)
    if m is None:
        return None
    return "a NUL character (\\u0000)" if m.group() == "\x00" else f"a lone surrogate (\\u{ord(m.group()):04x})"
