"""Plain-text reader: a blog page saved as text (title, article, comment section, page furniture)."""

from __future__ import annotations

import re

from pipeline.readers import Block, Doc, ReadResult, Reject, limits
from pipeline.readers.layout import (
    BULLET_RE,
    CAPTION_PREFIX_RE,
    COMMENT_COUNT_RE,
    COMMENTS_HEADER_RE,
    DATE_LINE_RE,
    FOLLOW_RE,
    NUMBER_RE,
    PERSON_LINE_RE,
    READ_TIME_RE,
    Line,
    article_byline,
    boilerplate_reason,
    caption_cue,
    comment_byline,
    figure_references,
    glued_alt_text,
    heading_like,
    is_single_sentence,
    marker_length,
    split_lines,
    title_like,
)
from pipeline.readers.threads import addressee, infer_threads

SUBSTANTIVE = {"title", "heading", "body", "list_item", "caption"}


def line_boilerplate(line: Line) -> str | None:
    """Why a whole line is page furniture (only one-sentence lines; longer ones go sentence by sentence)."""
    norm = line.norm
    norm = norm[marker_length(norm):]
    if DATE_LINE_RE.match(norm):
        return "date line"
    if COMMENT_COUNT_RE.match(norm) or COMMENTS_HEADER_RE.match(norm):
        return "comment count"  # '12 thoughts on “Sales or marketing? A guide”' has inner stops
    if not is_single_sentence(norm):
        return None
    return boilerplate_reason(norm)


def lay_out(text: str, lines: list[Line], allow_title: bool) -> list[Block]:
    """Role of every line of an article: title, heading, caption, list item, body or boilerplate."""
    blocks: list[Block] = []
    refs = figure_references([ln.norm for ln in lines])
    previous_role: str | None = None
    for i, line in enumerate(lines):
        norm = line.norm
        has_next = i + 1 < len(lines)
        role, why = "body", ""
        bp = line_boilerplate(line)
        if i == 0 and allow_title and has_next and not bp and title_like(norm):
            role, why = "title", "first line, short, no full stop"
        elif i <= 6 and (article_byline(norm) or (
                _name_then_meta(lines, i) and 2 <= len(norm.split()) <= 4 and not FOLLOW_RE.match(norm))):
            role, why = "boilerplate", "byline"
        elif bp:
            role, why = "boilerplate", bp
        elif BULLET_RE.match(norm) or NUMBER_RE.match(norm):
            role, why = "list_item", "list marker"
        elif CAPTION_PREFIX_RE.match(norm):
            role, why = "caption", "source prefix"
        elif heading_like(norm) and has_next:
            cue = caption_cue(norm, previous_role == "heading", refs)
            role, why = ("caption", cue) if cue else ("heading", "short line without closing punctuation")
        if role == "body":
            glued = glued_alt_text(line.text)
            if glued:
                blocks.append(Block("boilerplate", line.start, line.start + glued, "image alt text"))
                blocks.append(Block("body", line.start + glued, line.end, "text after alt text"))
                previous_role = "body"
                continue
        blocks.append(Block(role, line.start, line.end, why))
        previous_role = role
    return blocks


def _name_then_meta(lines: list[Line], i: int) -> bool:
    """A line that is only a name, followed by a date, a read time or 'Follow': a byline."""
    if i + 1 >= len(lines) or not PERSON_LINE_RE.match(lines[i].norm):
        return False
    after = lines[i + 1].norm
    return bool(DATE_LINE_RE.match(after) or READ_TIME_RE.match(after) or FOLLOW_RE.match(after))


def _byline_at(lines: list[Line], j: int) -> tuple[str, str | None] | None:
    """(writer, whom they answer) if line j starts a comment with a byline."""
    found = comment_byline(lines[j].norm)
    if found:
        return found
    if _name_then_meta(lines, j):
        return lines[j].norm.strip(), None
    return None


def _comment_blocks(lines: list[Line]) -> list[Block]:
    blocks = []
    for j, line in enumerate(lines):
        norm = line.norm
        bp = line_boilerplate(line)
        if _byline_at(lines, j):
            blocks.append(Block("boilerplate", line.start, line.end, "comment byline"))
        elif bp:
            blocks.append(Block("boilerplate", line.start, line.end, bp))
        elif j > 0 and (BULLET_RE.match(norm) or NUMBER_RE.match(norm)):
            blocks.append(Block("list_item", line.start, line.end, "list marker"))
        else:
            blocks.append(Block("body", line.start, line.end, "comment text"))
    return blocks


def _numbered_thread(content: list[Line], first: int) -> tuple[list[list[Line]], int] | None:
    """Comments written as a numbered list ('  1. Mike, ...' + indented paragraphs); None if not one.

    Returns the lines of each comment and the index of the first line after the thread.
    """
    indent = content[first].indent
    items: list[list[Line]] = []
    k = first
    while k < len(content):
        line = content[k]
        m = NUMBER_RE.match(line.text)
        if m and int(m.group(1)) == len(items) + 1 and line.indent <= indent + 2:
            items.append([line])
        elif items and line.indent > indent and not NUMBER_RE.match(line.text):
            items[-1].append(line)
        else:
            break
        k += 1
    # A list of points is not a thread: comments greet someone or run over several paragraphs.
    greets = any(addressee(item[0].text) for item in items)
    multi_paragraph = any(len(item) > 1 for item in items)
    previous = content[first - 1] if first > 0 else None
    after_article_end = previous is not None and line_boilerplate(previous) is not None
    if greets or (multi_paragraph and after_article_end):
        return items, k
    return None


def _find_comments(
    content: list[Line], body_start: int
) -> tuple[int, int | None, list[list[Line]], list[Line]]:
    """Where the comment section starts, the declared count, the lines of each comment, the footer.

    Returns (index of the first line after the article, declared count, comments, footer lines).
    The footer (what follows a numbered thread: comment form, related links) is page furniture.
    """
    declared: int | None = None
    header = None
    for i in range(body_start, len(content) - 1):
        norm = content[i].norm
        if COMMENT_COUNT_RE.match(norm) or COMMENTS_HEADER_RE.match(norm):
            header = i
            word = norm.split()[0].lower()
            numbers = {"no": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                       "seven": 7, "eight": 8, "nine": 9, "ten": 10}
            counted = re.search(r"\((\d+)\)", norm)  # 'Responses (2)'
            if word.isdigit():
                declared = int(word)
            elif counted:
                declared = int(counted.group(1))
            elif word in numbers:
                declared = numbers[word]
            break
    search_from = header + 1 if header is not None else body_start
    for i in range(search_from, len(content)):
        m = NUMBER_RE.match(content[i].text)
        if m and m.group(1) == "1":
            found = _numbered_thread(content, i)
            if found:
                items, after = found
                footer = content[after:] if items else []
                return i, declared, items, footer
    if header is None:
        return len(content), None, [], []
    return header + 1, declared, _comments_by_line(content[header + 1 :]), []


def _comments_by_line(lines: list[Line]) -> list[list[Line]]:
    """Comments without numbering: a byline ('Ann says:', 'Ann Lee • 2 years ago') starts one;
    otherwise each line is one."""
    starts = {j for j in range(len(lines)) if _byline_at(lines, j)}
    with_bylines = bool(starts)
    comments: list[list[Line]] = []
    for j, line in enumerate(lines):
        if with_bylines:
            if j in starts or not comments:
                comments.append([line])
            else:
                comments[-1].append(line)
        elif line_boilerplate(line) is not None and comments:
            comments[-1].append(line)
        else:
            comments.append([line])
    return comments


def read_text_page(text: str, source: str) -> ReadResult:
    """One page saved as plain text -> the article and its comments, each with role-tagged blocks."""
    length, lineno = limits.longest_line(text)
    if length > limits.MAX_PARAGRAPH_CHARS:  # before any layout rule runs over it
        return ReadResult(rejects=[Reject(limits.paragraph_reason(length, f" at line {lineno}"))])
    content = [ln for ln in split_lines(text) if ln is not None]
    if not content:
        return ReadResult(rejects=[Reject("empty file: nothing but whitespace")])

    article_end, declared, comment_lines, footer = _find_comments(content, 1)
    if len(comment_lines) > limits.MAX_COMMENTS_PER_PAGE:  # before the thread inference compares them
        return ReadResult(rejects=[Reject(limits.comments_reason(len(comment_lines)))])
    article_lines = content[:article_end]
    blocks = lay_out(text, article_lines, allow_title=True)
    title = None
    if blocks and blocks[0].role == "title":
        title = text[blocks[0].start : blocks[0].end]
    start = blocks[0].start if blocks else 0
    end = blocks[-1].end if blocks else 0
    article = Doc("", "article", text, start, end, blocks, title=title)
    bylines = [text[b.start:b.end].strip() for b in blocks if b.why == "byline"]
    article.author = next((article_byline(s) or s for s in bylines), None)

    comments = []
    for n, lines in enumerate(comment_lines, start=1):
        cblocks = _comment_blocks(lines)
        if n == len(comment_lines):
            # Contiguous spans: the footer rides with the last comment, as boilerplate.
            cblocks += [Block("boilerplate", ln.start, ln.end, "page footer after the comment thread")
                        for ln in footer]
        doc = Doc(f"c{n}", "comment", text, cblocks[0].start, cblocks[-1].end, cblocks, comment_n=n)
        byline = _byline_at(lines, 0)
        if byline:
            doc.author, doc.addressed_to = byline
        comments.append(doc)
    article.declared_comment_count = declared
    article.found_comment_count = len(comments)
    infer_threads(article, comments)

    docs = [article, *comments]
    if not any(b.role in SUBSTANTIVE - {"title"} for d in docs for b in d.blocks):
        return ReadResult(rejects=[Reject(
            "only boilerplate: no article or comment text found (share buttons, credits, forms only)"
        )])
    return ReadResult(docs=docs)
