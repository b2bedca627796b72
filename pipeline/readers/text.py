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
    ISSUE_LINE_RE,
    META_HEADER_RE,
    NUMBER_RE,
    PERSON_LINE_RE,
    READ_TIME_RE,
    REPLY_COUNT_RE,
    THREAD_META_RE,
    TITLE_DOMAIN_RE,
    TOC_HEADER_RE,
    URL_LINE_RE,
    Line,
    article_byline,
    boilerplate_reason,
    caption_cue,
    comment_byline,
    figure_references,
    furniture_reason,
    glued_alt_text,
    handle_byline,
    heading_like,
    is_single_sentence,
    marker_length,
    normalize_text,
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
    if COMMENT_COUNT_RE.match(norm) or COMMENTS_HEADER_RE.match(norm) or REPLY_COUNT_RE.match(norm):
        return "comment count"  # '12 thoughts on “Sales or marketing? A guide”' has inner stops
    if not is_single_sentence(norm):
        return furniture_reason(norm)
    return boilerplate_reason(norm) or furniture_reason(norm)


def lay_out(text: str, lines: list[Line], allow_title: bool) -> list[Block]:
    """Role of every line of an article: title, heading, caption, list item, body or boilerplate."""
    blocks: list[Block] = []
    refs = figure_references([ln.norm for ln in lines])
    previous_role: str | None = None
    in_toc = False
    for i, line in enumerate(lines):
        norm = line.norm
        has_next = i + 1 < len(lines)
        role, why = "body", ""
        bp = line_boilerplate(line)
        # Layout: a newsletter's table of contents runs from its header to the next blank line.
        in_toc = in_toc and line.index == lines[i - 1].index + 1
        if TOC_HEADER_RE.match(norm):
            in_toc = True
            role, why = "boilerplate", "table of contents"
        elif in_toc:
            role, why = "boilerplate", "table of contents entry"
        elif (i == 0 and allow_title and has_next and not bp and title_like(norm)
              and ISSUE_LINE_RE.match(lines[1].norm)):
            role, why = "boilerplate", "newsletter masthead"  # Layout: newsletter name, then its issue line
        elif i == 1 and previous_role == "boilerplate" and blocks[0].why == "newsletter masthead":
            role, why = "title", "issue line under a newsletter masthead"
        elif i == 0 and allow_title and has_next and not bp and title_like(norm):
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
    handle = handle_byline(lines[j].norm)
    if handle:
        return handle, None
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


def _page_head(content: list[Line]) -> tuple[int, list[Block], dict[str, str]]:
    """Lines at the top of a page before its title: a metadata header and navigation bars.

    Returns (index of the first line after them, their blocks, metadata found: url, published, author).
    Layouts: a page saved with 'Source:/URL:/Date:/Author:' lines; a site's navigation bar,
    breadcrumb or search box above the title.
    """
    meta: dict[str, str] = {}
    blocks: list[Block] = []
    k = 0
    while k < len(content) - 1:
        norm = content[k].norm
        m = META_HEADER_RE.match(norm)
        if m:
            key, value = m.group("key").lower(), m.group("value").strip()
            if key in {"source", "url", "link", "permalink"} and URL_LINE_RE.match(value):
                meta.setdefault("url", value)
            elif key in {"date", "published", "posted"}:
                meta.setdefault("published", value)
            elif key == "author":
                meta.setdefault("author", value)
            blocks.append(Block("boilerplate", content[k].start, content[k].end, "metadata header"))
        elif furniture_reason(norm) in {"navigation", "page footer"}:
            blocks.append(Block("boilerplate", content[k].start, content[k].end, "navigation above the title"))
        else:
            break
        k += 1
    return k, blocks, meta


def _thread_cue(content: list[Line], first: int) -> int | None:
    """Index of the line that marks a forum, Q&A or aggregator thread near the top, or None.

    Layouts: an aggregator's metadata line ('51 points by … | 38 comments'), a forum's 'Replies: 3',
    a Q&A page's '2 Answers', or a page whose posts open with handle bylines ('Posted by amy_chen …').
    """
    for i in range(first, len(content)):
        norm = content[i].norm
        if (i < first + 4 and THREAD_META_RE.match(norm)) or REPLY_COUNT_RE.match(norm):
            return i
    bylines = [i for i in range(first, len(content)) if handle_byline(content[i].norm)]
    return bylines[0] if len(bylines) >= 2 else None


def _declared(norm: str) -> int | None:
    words_ = {"no": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
    m = THREAD_META_RE.match(norm)
    value = m.group("count") if m else None
    m = REPLY_COUNT_RE.match(norm)
    if m:
        value = m.group("a") or m.group("b")
    if value is None:
        return None
    return int(value) if value.isdigit() else words_.get(value.lower())


def _thread_layout(content: list[Line], first: int) -> tuple[int, list[list[Line]], list[Line], str | None]:
    """Split a forum, Q&A or aggregator page after its title into article lines, comments, footer.

    Returns (index where the comments start, the lines of each comment, footer lines, the
    submitter or opening poster). Layouts:
    - handle bylines ('Posted by …', 'Answer by …', 'dmitri_p 7 hours ago | next'): each starts a
      post; a byline directly under the title (and its count lines) opens the article itself
      (a forum's opening post, a Q&A page's question);
    - no bylines (an aggregator thread saved as text): comments are separated by runs of two or
      more blank lines (one, if the page has no longer runs) or by a change of indentation; text
      directly under the metadata line, before the first such run, is the submission's own text.
    Trailing lines that are all furniture (navigation, footer, search box) are the footer.
    """
    end = len(content)
    while end > first and line_boilerplate(content[end - 1]) is not None:
        end -= 1
    footer = content[end:]
    author = None
    k = first
    while k < end and (THREAD_META_RE.match(content[k].norm) or REPLY_COUNT_RE.match(content[k].norm)):
        m = THREAD_META_RE.match(content[k].norm)
        author = m.group("name") if m else author
        k += 1
    starts = [i for i in range(k, end) if handle_byline(content[i].norm)]
    if starts:
        if starts[0] == k and author is None:
            author = handle_byline(content[k].norm)
            starts = starts[1:]
        if not starts:
            return end, [], footer, author
        bounds = [*starts, end]
        return starts[0], [content[a:b] for a, b in zip(bounds, bounds[1:])], footer, author
    gaps = [content[i].index - content[i - 1].index - 1 for i in range(k + 1, end)]
    sep = 2 if any(g >= 2 for g in gaps) else 1
    groups: list[list[Line]] = []
    for i in range(k, end):
        gap = content[i].index - content[i - 1].index - 1 if i > 0 else 0
        if i == k or gap >= sep or content[i].indent != content[i - 1].indent:
            groups.append([content[i]])
        else:
            groups[-1].append(content[i])
    comment_from = k
    if groups and k > first and content[k].index - content[k - 1].index - 1 < sep:
        comment_from = k + len(groups[0])  # the submission's own text, right under the metadata line
        groups = groups[1:]
    return comment_from, groups, footer, author


def _reply_parents(comments: list[Doc], lines: list[list[Line]]) -> None:
    """Layout: replies indented under what they answer; the nearest less-indented comment is the parent."""
    indents = [ls[0].indent for ls in lines]
    if len(set(indents)) < 2:
        return
    for n, c in enumerate(comments):
        parent = next((comments[j] for j in range(n - 1, -1, -1) if indents[j] < indents[n]), None)
        c.parent_key = parent.key if parent is not None else ""


def read_text_page(text: str, source: str) -> ReadResult:
    """One page saved as plain text -> the article and its comments, each with role-tagged blocks."""
    length, lineno = limits.longest_line(text)
    if length > limits.MAX_PARAGRAPH_CHARS:  # before any layout rule runs over it
        return ReadResult(rejects=[Reject(limits.paragraph_reason(length, f" at line {lineno}"))])
    content = [ln for ln in split_lines(text) if ln is not None]
    if not content:
        return ReadResult(rejects=[Reject("empty file: nothing but whitespace")])

    first, head_blocks, meta = _page_head(content)
    cue = _thread_cue(content, first + 1)
    submitter = None
    thread_cue = None
    if cue is not None:
        thread_cue = content[cue].norm
        declared = next((d for ln in content[first:] if (d := _declared(ln.norm)) is not None), None)
        article_end, comment_lines, footer, submitter = _thread_layout(content, first + 1)
    else:
        article_end, declared, comment_lines, footer = _find_comments(content, first + 1)
        if declared is not None or article_end < len(content):
            thread_cue = content[article_end - 1].norm if article_end > 0 else None
    if len(comment_lines) > limits.MAX_COMMENTS_PER_PAGE:  # before the thread inference compares them
        return ReadResult(rejects=[Reject(limits.comments_reason(len(comment_lines)))])
    article_lines = content[first:article_end]
    blocks = head_blocks + lay_out(text, article_lines, allow_title=True)
    if cue is not None:
        blocks = [Block("boilerplate", b.start, b.end, "post byline")
                  if b.role != "title" and handle_byline(normalize_text(text[b.start:b.end])) else b
                  for b in blocks]
    title_block = next((b for b in blocks if b.role == "title"), None)
    title = None
    if title_block is not None:
        title = text[title_block.start : title_block.end]
        if thread_cue is not None and THREAD_META_RE.match(thread_cue):
            title = TITLE_DOMAIN_RE.sub("", title)  # Layout: aggregator title '… (example.org)'
    start = blocks[0].start if blocks else 0
    end = blocks[-1].end if blocks else 0
    article = Doc("", "article", text, start, end, blocks, title=title)
    bylines = [text[b.start:b.end].strip() for b in blocks if b.why == "byline"]
    article.author = next((article_byline(s) or s for s in bylines), None) or meta.get("author") or submitter
    article.url, article.published = meta.get("url"), meta.get("published")

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
    if cue is not None:
        _reply_parents(comments, comment_lines)
        if not comments and footer:
            article.blocks += [Block("boilerplate", ln.start, ln.end, "page footer") for ln in footer]
            article.end = footer[-1].end
    article.declared_comment_count = declared
    article.found_comment_count = len(comments)
    article.thread_cue = thread_cue
    infer_threads(article, comments)

    docs = [article, *comments]
    if not any(b.role in SUBSTANTIVE - {"title"} for d in docs for b in d.blocks):
        return ReadResult(rejects=[Reject(
            "only boilerplate: no article or comment text found (share buttons, credits, forms only)"
        )])
    return ReadResult(docs=docs)
