"""JSON Lines reader: one article per line with explicit fields, the format data teams export to.

Each line is an object:
  {"id": "...", "title": "...", "author": "...", "url": "...", "published": "...", "text": "...",
   "comments": [{"id": "...", "parent_id": null | "<comment id>", "author": "...", "text": "..."}]}
`id` and `text` are required (and `text` of every comment); the rest may be missing or null.
The article's own text (what its offsets index) is its title, a blank line, then `text`; a comment's
own text is its `text`. A comment whose parent_id is null, the article id or unknown answers the
article.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pipeline.readers import Block, Doc, ReadResult, Reject, limits
from pipeline.readers.layout import split_lines
from pipeline.readers.limits import not_text
from pipeline.readers.text import comment_blocks
from pipeline.readers.text_blocks import lay_out
from pipeline.readers.threads import infer_threads
from pipeline.safe_repr import safe_repr

REQUIRED = ("id", "text")
_OPTIONAL_STR = ("title", "author", "url", "published")


def _str_or_none(value: Any) -> str | None:
    if value is None:
        return None
    return str(value).strip() or None


def _not_text_field(obj: dict[str, Any]) -> str | None:
    """Why a string field of a line is not text (a NUL, a lone surrogate from a \\ud800 escape), or None."""
    fields = [(repr(key), obj.get(key)) for key in ("id", *_OPTIONAL_STR, "text")]
    for i, c in enumerate(obj.get("comments") or []):
        fields += [(f"comments[{i}].{key}", c.get(key)) for key in ("id", "parent_id", "author", "text")]
    for name, value in fields:
        why = not_text(value) if isinstance(value, str) else None
        if why:
            return f"not text: field {name} contains {why}; remove it"
    return None


def _check(obj: Any) -> str | None:
    """Why a parsed line cannot be used, or None."""
    if not isinstance(obj, dict):
        return f"expected a JSON object, got {type(obj).__name__}"
    for key in REQUIRED:
        if key not in obj or obj[key] is None or (isinstance(obj[key], str) and not obj[key].strip()):
            return f"missing required field {key!r} (required: {', '.join(REQUIRED)})"
    if not isinstance(obj["text"], str):
        return f"field 'text' must be a string, got {type(obj['text']).__name__}"
    for key in _OPTIONAL_STR:
        if obj.get(key) is not None and not isinstance(obj[key], (str, int, float)):
            return f"field {key!r} must be a string, got {type(obj[key]).__name__}"
    comments = obj.get("comments") or []
    if not isinstance(comments, list):
        return f"field 'comments' must be a list, got {type(comments).__name__}"
    for i, c in enumerate(comments):
        if not isinstance(c, dict):
            return f"comments[{i}]: expected a JSON object, got {type(c).__name__}"
        if not isinstance(c.get("text"), str) or not c["text"].strip():
            return f"comments[{i}]: missing required field 'text'"
    problem = _not_text_field(obj)
    if problem:
        return problem
    if len(comments) > limits.MAX_COMMENTS_PER_PAGE:
        return limits.comments_reason(len(comments))
    texts = [("text", obj["text"]), *((f"comments[{i}].text", c["text"]) for i, c in enumerate(comments))]
    for field_name, text in texts:
        if len(text) > limits.MAX_DOCUMENT_CHARS:
            return f"field {field_name}: " + limits.document_reason(len(text), "text")
        length, _ = limits.longest_line(text)
        if length > limits.MAX_PARAGRAPH_CHARS:
            return f"field {field_name}: " + limits.paragraph_reason(length)
    return None


def _blocks(text: str, comment: bool, has_title: bool) -> list[Block]:
    lines = [ln for ln in split_lines(text) if ln is not None]
    if comment:
        return comment_blocks(lines)
    return lay_out(text, lines, allow_title=has_title)


def _parse(line: str) -> tuple[Any, str | None]:
    """(the parsed line, None) or (None, why it cannot be parsed); never raises."""
    if len(line) > limits.MAX_JSONL_LINE_CHARS:
        return None, (f"line too long: {len(line)} characters, over the limit of {limits.MAX_JSONL_LINE_CHARS}; "
                      "split the article's comments across lines or files")
    depth = limits.json_depth(line, stop_above=limits.MAX_JSON_DEPTH)
    if depth > limits.MAX_JSON_DEPTH:
        return None, f"nested too deeply: over {limits.MAX_JSON_DEPTH} levels of brackets; not an article export"
    try:
        return json.loads(line), None
    except json.JSONDecodeError as exc:
        return None, f"malformed JSON: {exc.msg} at column {exc.colno}"
    except (ValueError, RecursionError) as exc:  # e.g. an integer of more than 4300 digits
        return None, f"malformed JSON: {str(exc).split(';')[0][:120]}"


def read_jsonl(text: str, source: str) -> ReadResult:
    result = ReadResult()
    seen: dict[str, int] = {}
    # Every document key of the file (article ids and the '<id>/c<n>' keys of comments) -> the
    # line and what holds it, so that two lines can never give one doc_id.
    keys: dict[str, tuple[int, str]] = {}
    lines = re.split(r"\r\n|\r|\n", text)
    if not any(line.strip() for line in lines):
        result.rejects.append(Reject("empty file: no JSON lines"))
        return result
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        obj, problem = _parse(line)
        if problem:
            result.rejects.append(Reject(problem, lineno))
            continue
        problem = _check(obj)
        if problem:
            result.rejects.append(Reject(problem, lineno))
            continue
        doc_key = str(obj["id"]).strip()
        if doc_key in seen:
            result.rejects.append(Reject(f"duplicate id {safe_repr(doc_key)} (first on line {seen[doc_key]})", lineno))
            continue
        n_comments = len(obj.get("comments") or [])
        own = {doc_key: "the article id"} | {
            f"{doc_key}/c{n}": f"the key of comment {n} of {safe_repr(doc_key)}" for n in range(1, n_comments + 1)}
        clash = next((k for k in own if k in keys), None)
        if clash is not None:
            other_line, other = keys[clash]
            result.rejects.append(Reject(
                f"id collision: {safe_repr(clash)} would be {own[clash]}, but it is already {other} "
                f"on line {other_line}; give one of the two articles another id", lineno))
            continue
        seen[doc_key] = lineno
        keys.update({k: (lineno, what) for k, what in own.items()})
        title = _str_or_none(obj.get("title"))
        body = obj["text"]
        own_text = f"{title}\n\n{body}" if title else body
        blocks = _blocks(own_text, comment=False, has_title=bool(title))
        if title and blocks:
            blocks[0] = Block("title", blocks[0].start, blocks[0].end, "title field")
        article = Doc(
            doc_key, "article", own_text, 0, len(own_text), blocks, title=title,
            author=_str_or_none(obj.get("author")), url=_str_or_none(obj.get("url")),
            published=_str_or_none(obj.get("published")), line=lineno,
        )
        comments: list[Doc] = []
        key_of: dict[str, str] = {}
        for n, c in enumerate(obj.get("comments") or [], start=1):
            ctext = c["text"]
            key = f"{doc_key}/c{n}"
            if c.get("id") is not None:
                key_of[str(c["id"])] = key
            parent = c.get("parent_id")
            parent_key = key_of.get(str(parent)) if parent is not None else None
            comments.append(Doc(
                key, "comment", ctext, 0, len(ctext), _blocks(ctext, comment=True, has_title=False),
                comment_n=n, parent_key=parent_key or doc_key, author=_str_or_none(c.get("author")),
                line=lineno,
            ))
        article.found_comment_count = len(comments)
        infer_threads(article, comments)
        result.docs.extend([article, *comments])
    return result
