"""Plain-text reader: a blog page saved as text (title, article, comment section, page furniture)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from pipeline.readers import Block, Doc, ReadResult, Reject, limits
from pipeline.readers.layout import (
    BADGE_RE,
    BULLET_RE,
    CAPTION_PREFIX_RE,
    COMMENT_COUNT_RE,
    COMMENTS_HEADER_RE,
    DATE_LINE_RE,
    EDIT_NOTE_RE,
    FOLLOW_RE,
    ISSUE_LINE_RE,
    LINK_LIST_HEADER_RE,
    MAIL_HEADER_RE,
    META_HEADER_RE,
    NAME_AND_MORE_RE,
    NAV_ITEM_RE,
    NESTING_LEVEL_RE,
    NUMBER_RE,
    PARENT_LINK_RE,
    PERSON_LINE_RE,
    POST_COUNT_RE,
    QUOTE_ATTRIBUTION_RE,
    READ_TIME_RE,
    REPLY_COUNT_RE,
    REPUTATION_RE,
    SIGNUP_CUE_RE,
    SUBJECT_RE,
    THREAD_META_RE,
    TITLE_DOMAIN_RE,
    TOC_HEADER_RE,
    URL_LINE_RE,
    WHEN_RE,
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
    inline_who,
    is_single_sentence,
    marker_length,
    normalize_text,
    post_furniture_reason,
    site_furniture_reason,
    split_lines,
    title_like,
    when_in,
    who_of,
)
from pipeline.readers.threads import ReplyCues, addressee, infer_replies, infer_threads, looks_like_name

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


def lay_out(text: str, lines: list[Line], allow_title: bool, furnished: bool = False) -> list[Block]:
    """Role of every line of an article: title, heading, caption, list item, body or boilerplate.

    `furnished`: the page came with site furniture (a menu above the title, a thread below the
    article), so the furniture rules of _furniture_lines() apply as well.
    """
    blocks: list[Block] = []
    refs = figure_references([ln.norm for ln in lines])
    furniture = _furniture_lines(lines) if furnished else {}
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
        elif furnished and _label_under_title(lines, i, blocks):
            role, why = "boilerplate", "label under the title"
        elif i in furniture:
            role, why = "boilerplate", furniture[i]
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


def _label_under_title(lines: list[Line], i: int, blocks: list[Block]) -> bool:
    """Layout: short lines printed right under a title, in its paragraph ('Fermentation', a tag row,
    'Ask Question', 'Viewed 2k times', a flair): a category, tags or controls, not a heading."""
    if i == 0 or not blocks or blocks[-1].role != "title" and blocks[-1].why != "label under the title":
        return False
    norm = lines[i].norm
    return (lines[i].index == lines[i - 1].index + 1 and len(norm.split()) <= 6 and is_single_sentence(norm)
            and not norm.endswith((".", "!")))


def _paragraphs(lines: list[Line]) -> list[list[int]]:
    """Indices of `lines` grouped into paragraphs (runs without a blank line)."""
    groups: list[list[int]] = []
    for i, line in enumerate(lines):
        if groups and line.index == lines[i - 1].index + 1:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _furniture_lines(lines: list[Line]) -> dict[int, str]:
    """Lines of a furnished page that are furniture, by index, with the reason.

    Layouts: post controls and counters ('Reply', '14 Likes', 'Sort by: Best'), menus; a list of
    links under a header ('Related', 'More from …', 'Written by …'), to the end of its paragraph;
    a sign-up box (a paragraph of short lines asking for an e-mail address); a tag list (a
    paragraph of short label lines after the last sentence of the text); a paragraph that is
    mostly furniture.
    """
    found: dict[int, str] = {}
    for i, line in enumerate(lines):
        why = post_furniture_reason(line.norm) or site_furniture_reason(line)
        if why:
            found[i] = why
    paragraphs = _paragraphs(lines)
    for para in paragraphs:
        norms = [lines[i].norm for i in para]
        header = next((k for k, n in enumerate(norms) if LINK_LIST_HEADER_RE.match(n)), None)
        if header is not None:
            found.update({i: "list of links" for i in para[header:]})
        elif len(para) >= 2 and any(SIGNUP_CUE_RE.search(n) for n in norms) and all(
                len(n.split()) <= 14 and not n.endswith("?") for n in norms):
            found.update({i: "sign-up box" for i in para})
    # Tags follow the text ('Running', 'Injury Prevention'); a list of ingredients comes before it.
    last_prose = max((i for i, line in enumerate(lines) if i not in found and _is_prose(line.norm)), default=-1)
    for para in paragraphs:
        labels = [heading_like(lines[i].norm) and len(lines[i].norm.split()) <= 4 for i in para]
        rest = [i for i in para if i not in found]
        if para[0] > last_prose and len(para) >= 3 and sum(labels) >= 2 and all(
                lab or i in found for lab, i in zip(labels, para)):
            found.update({i: "tag list" for i in rest})
        elif len(para) >= 3 and len(rest) < len(para) / 2 and all(
                len(lines[i].norm.split()) <= 3 and not lines[i].norm.endswith((".", "!", "?")) for i in rest):
            found.update({i: "furniture paragraph" for i in rest})
    return found


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
            declared = _stated_count(norm)
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
        elif (menu_end := _site_menu_end(content, k)) > k:
            blocks += [Block("boilerplate", ln.start, ln.end, "site menu above the title")
                       for ln in content[k:menu_end]]
            k = menu_end
            continue
        else:
            break
        k += 1
    return k, blocks, meta


def _site_menu_end(content: list[Line], k: int) -> int:
    """Index after a paragraph of site furniture starting at line k (k if there is none).

    Layout: a site's name and menu printed one item a line above the title ('BrewBench Community',
    'Sign Up', 'Log In'; 'Skip to main content'; a menu separated by tabs; a breadcrumb). The
    paragraph is furniture when two of its lines are menu items, or one is and the rest are names of
    at most four words; a paragraph with a sentence in it never is.
    """
    end = k + 1
    while end < len(content) and content[end].index == content[end - 1].index + 1:
        end += 1
    if end >= len(content):
        return k
    para = content[k:end]
    menu = [ln for ln in para if site_furniture_reason(ln)]
    if not all(ln in menu or (len(ln.norm.split()) <= 6 and is_single_sentence(ln.norm)
                              and not ln.norm.endswith(("?", "!", ":"))) for ln in para):
        return k
    if len(menu) >= 2 or (menu and all(len(ln.norm.split()) <= 4 for ln in para if ln not in menu)):
        return end
    return k


def _above_title_reason(line: Line) -> str | None:
    """Why a line above the title is not the title: a one-word label ('Gear', 'r/woodworking'), a
    byline ('Posted by u/ana 7h ago') or furniture."""
    norm = line.norm
    if handle_byline(norm) or article_byline(norm):
        return "byline above the title"
    if len(norm.split()) == 1:
        return "label above the title"
    return site_furniture_reason(line)


def _echoed(content: list[Line], i: int) -> bool:
    """Layout: a later line repeats line i as a title ('Re: <title>', 'Subject: <title>',
    '4 thoughts on “<title>”')."""
    title = content[i].norm.casefold()
    if len(title.split()) < 3:
        return False
    for line in content[i + 2:]:
        norm = line.norm
        m = SUBJECT_RE.match(norm)
        if (m and m.group("title").casefold() == title) or f'"{title}"' in norm.casefold():
            return True
    return False


def _title_line(content: list[Line], first: int) -> tuple[int, list[Block], str | None]:
    """Which line at the top of the page is the title; the blocks of the lines above it; whom a
    byline above it names.

    Layouts: a title a later line repeats ('Re: …', 'Subject: …', '4 thoughts on “…”'), among the
    lines before the first sentence; a label or byline over the title in its paragraph ('Gear',
    'r/woodworking', 'Posted by u/x 7h ago'). Otherwise the first line is the title, as before.
    """
    para = [first]
    while para[-1] + 1 < len(content) and len(para) < 6 and (
            content[para[-1] + 1].index == content[para[-1]].index + 1):
        para.append(para[-1] + 1)
    # A repeated title may sit below a site name that has no menu word ('Harbour Sailing Club Forum').
    head = []
    for i in range(first, min(first + 8, len(content))):
        if _is_prose(content[i].norm):
            break
        head.append(i)
    chosen = next((i for i in head if title_like(content[i].norm) and _echoed(content, i)), None)
    if chosen is None:
        for i in para:
            if _above_title_reason(content[i]) is None:
                norm = content[i].norm
                chosen = i if title_like(norm) and len(norm.split()) >= 2 else None
                break
    if chosen is None or chosen == first:
        return first, [], None
    blocks = [Block("boilerplate", ln.start, ln.end, _above_title_reason(ln) or "line above the title")
              for ln in content[first:chosen]]
    writer = next((handle_byline(ln.norm) or article_byline(ln.norm) for ln in content[first:chosen]
                   if handle_byline(ln.norm) or article_byline(ln.norm)), None)
    return chosen, blocks, writer


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


# ---------------------------------------------------------------------------------------------
# Threads of any site: posts found by headers (who + when) whose shape repeats.


@dataclass(frozen=True)
class _Header:
    """A post's header: its writer and when they wrote, on one to four lines."""

    top: int  # content index of its first line (the writer's name, or the date line)
    bottom: int  # content index of its last line
    who: str
    to: str | None  # whom it says the post answers ('Ann Lee Mod > Cy Diaz • 2 years ago')
    trailing: bool  # the writer printed under the date: the header closes its post (Q&A answers)
    shape: tuple[str, str, str, str]  # where the writer is, header words, separator, kind of date
    parent_link: bool  # '… 7 hours ago | parent | next'


_SEPARATORS = "·•|»:,–—-"
_NOT_A_WRITER = {"published", "posted", "updated", "edited", "modified", "answered", "asked", "commented",
                 "replied", "date", "sent", "on", "at", "by"}
_TRAILING_WORDS = {"answered", "asked", "posted", "commented", "replied", "wrote"}


def _short_header_line(norm: str) -> bool:
    """A line that can sit in a header: a few words, no sentence."""
    return len(norm.split()) <= 8 and is_single_sentence(norm) and not norm.endswith((".", "?", "!"))


def _writer_line(norm: str) -> str | None:
    """The writer a line over a date names: what who_of() accepts, a name with an address or a
    badge after it, or one capitalised name ('Marta')."""
    if article_byline(norm):
        return article_byline(norm)  # 'By Ann Lee' over a date
    if who_of(norm):
        name = who_of(norm)
        return name if " " not in name or looks_like_name(name.split()[0]) else None  # not 'Thanks Anna'
    m = NAME_AND_MORE_RE.match(norm)
    if m and who_of(m.group("name")):
        return who_of(m.group("name"))
    single = re.fullmatch(r"[A-Z][a-z'’\-]{1,20}", norm)
    if single and looks_like_name(norm) and not (NAV_ITEM_RE.match(norm) or BADGE_RE.match(norm)
                                                 or post_furniture_reason(norm) or WHEN_RE.match(norm)):
        return norm
    return None


def _writer_apart(content: list[Line], i: int, lo: int) -> int | None:
    """Layout: a writer's name (or display name and handle) as a paragraph of its own over a
    date that is a paragraph of its own ('brewsy_dee' / blank / 'Mar 12'); the index of the
    name's first line, or None."""
    j = i - 1
    if j < lo or _next_to(content, j) or content[i].index - content[j].index > 2:
        return None
    top = j - 1 if j - 1 >= lo and _next_to(content, j - 1) else j
    if top > lo and _next_to(content, top - 1):
        return None  # more than two lines: not a name paragraph
    return top if all(_writer_line(content[k].norm) for k in range(top, j + 1)) else None


def _next_to(content: list[Line], i: int) -> bool:
    """Line i+1 follows line i with no blank line between."""
    return i + 1 < len(content) and content[i + 1].index == content[i].index + 1


def _header_at(content: list[Line], i: int, lo: int) -> _Header | None:
    """The header whose date is on line i, or None. The writer is named on the date line
    ('Doweled_Dan · 6h ago', 'Post by X » date'), on a short line up to three lines above it
    ('brewsy_dee' / 'Mar 12'; 'Jonas Feld' / '• 1st' / 'Camera Technician' / '2d'; 'From: …' /
    'Date: …'), or right under it ('answered Mar 3 at 11:47' / 'tomas_vrba': a trailing header)."""
    norm = content[i].norm
    m = when_in(norm)
    if m is None or THREAD_META_RE.match(norm) or _quote_attribution(norm):
        return None  # an aggregator's submission line; 'X wrote: ↑date' over a quote
    before, after = norm[: m.start()], norm[m.end():]
    who, header_words = inline_who(before, after)
    to = None
    known = comment_byline(norm)
    if known and known[0].casefold() not in _NOT_A_WRITER:  # 'Ann Lee Mod > Cy Diaz • 2 years ago'
        who, to = known
    words_ = set(header_words.split())
    if before.strip() and who is None and not header_words:
        return None  # text before the date that names nobody ('Version 2 shipped Mar 3')
    stripped = before.rstrip()
    separator = stripped[-1] if stripped and stripped[-1] in _SEPARATORS else ""
    kind = "relative" if m.group("rel") else "calendar"
    top = bottom = i
    where, trailing = "inline", False
    if who is None and _next_to(content, i) and words_ & _TRAILING_WORDS and who_of(content[i + 1].norm):
        bottom, who, where, trailing = i + 1, who_of(content[i + 1].norm), "below", True
    elif who is None:
        named = None
        for j in range(i - 1, max(lo, i - 4) - 1, -1):
            if not _next_to(content, j) or not _short_header_line(content[j].norm):
                break
            if _writer_line(content[j].norm):
                named = j
        if named is None and not (before + after).strip(" ·•|"):
            named = _writer_apart(content, i, lo)
        if named is None:
            return None
        top, who, where = named, _writer_line(content[named].norm), "above"
    while _next_to(content, bottom) and (MAIL_HEADER_RE.match(content[bottom + 1].norm)
                                         or REPUTATION_RE.match(content[bottom + 1].norm)):
        bottom += 1
    if who is None:
        return None
    return _Header(top, bottom, who, to, trailing, (where, header_words, separator, kind),
                   bool(PARENT_LINK_RE.search(after)))


def _submission_byline(norm: str) -> bool:
    """An article's own byline ('51 points by …', 'By Ann Lee', 'Posted by amy_c')."""
    return bool(THREAD_META_RE.match(norm) or article_byline(norm) or handle_byline(norm))


def _find_headers(content: list[Line], lo: int) -> list[_Header]:
    """Every header from line `lo` on, in order, none overlapping the one before."""
    headers: list[_Header] = []
    for i in range(lo, len(content)):
        h = _header_at(content, i, lo)
        if h is not None and (not headers or h.top > headers[-1].bottom):
            headers.append(h)
    return headers


def _is_prose(norm: str) -> bool:
    """A line of running text: a sentence of four words or more, or fifteen words."""
    n = len(norm.split())
    return n >= 15 or (n >= 4 and norm.endswith((".", "!", "?")))


def _count_line(content: list[Line], lo: int) -> tuple[int | None, int | None]:
    """(index of the first comment-count line after the title, the count it states) or (None, None).

    '27 Comments', 'Responses (3)', '5 Replies', '3 Answers', '4 thoughts on “…”', '6 posts'; a
    header without a number ('Comments') is passed over for a later one that has one.
    """
    first = None
    for i in range(lo, len(content)):
        norm = content[i].norm
        if not (COMMENT_COUNT_RE.match(norm) or COMMENTS_HEADER_RE.match(norm) or REPLY_COUNT_RE.match(norm)
                or POST_COUNT_RE.match(norm)):
            continue
        first = i if first is None else first
        m = POST_COUNT_RE.match(norm)
        count = int(m.group("n")) if m else _stated_count(norm)
        if count is not None:
            return i, count
    return first, None


def _stated_count(norm: str) -> int | None:
    """The number a count line states ('27 Comments', 'Responses (3)', 'Replies: 5', 'two replies')."""
    numbers = {"no": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
               "eight": 8, "nine": 9, "ten": 10}
    word = norm.split()[0].lower()
    counted = re.search(r"\((\d+)\)", norm)  # 'Responses (2)'
    if word.isdigit():
        return int(word)
    if counted:
        return int(counted.group(1))
    if word in numbers:
        return numbers[word]
    m = REPLY_COUNT_RE.match(norm)
    value = (m.group("a") or m.group("b")) if m else None
    return int(value) if value and value.isdigit() else None


def _post_furniture(line: Line) -> str | None:
    """Why a line around a thread's posts is furniture (controls, counters, menus, forms), or None."""
    return post_furniture_reason(line.norm) or line_boilerplate(line) or site_furniture_reason(line)


def _signed_line(line: Line) -> tuple[int, str] | None:
    """(offset in the line where its signature starts, the signer) for a comment written on one
    line and signed at its end ('Does -j need a directory dump? – lena_o Mar 3 at 12:05'), or None."""
    at = max(line.text.rfind(" – "), line.text.rfind(" — "))
    if at < 12:
        return None
    tail = normalize_text(line.text[at + 3:])
    when = when_in(tail)
    if when is None or when.end() != len(tail):
        return None
    who = who_of(tail[: when.start()].strip())
    return (at, who) if who else None


def _edit_note(norm: str) -> bool:
    """Layout: 'edited Jan 6, 2022 at 9:00' (an editor's name may follow on the next line)."""
    m = when_in(norm)
    return m is not None and EDIT_NOTE_RE.match(norm[: m.start()]) is not None


def _quote_attribution(norm: str) -> str | None:
    """Whom a line says the quote under it is from ('X wrote:', 'On Mon, …, X wrote:', 'x_y:')."""
    m = QUOTE_ATTRIBUTION_RE.match(norm)
    if not m:
        return None
    name = (m.group("name") or m.group("handle") or "").strip()
    if re.fullmatch(r"[\w.+\-]+@[\w.\-]+", name):
        return name.split("@")[0]  # 'On Thu, 4 Apr 2024, nora@example.org wrote:'
    return who_of(name) or (name if m.group("handle") else None)


@dataclass
class _Post:
    """One comment of a thread read from its headers."""

    start: int  # content index of its first line
    own_end: int  # content index after its own last line (what follows is furniture or footer)
    who: str
    header: _Header | None = None  # None for a one-line comment signed at its end
    sig_at: int | None = None  # where the signature of a one-line comment starts in its line
    under: int | None = None


@dataclass
class _Thread:
    """A page read as a thread: where the article ends, its posts, and its furniture by line."""

    article_end: int  # content index of the first post's first line
    posts: list[_Post]
    own: _Header | None  # the article's own header (an opening post's, a question's)
    furniture: dict[int, str] = field(default_factory=dict)  # content index -> why it is furniture


def _lead_in(content: list[Line], h: _Header, floor: int) -> tuple[int, int]:
    """(first line of the lines printed over a header, first line of the post).

    Layout: furniture and a subject line right above a header belong to it ('level 2'; 'Re: …' /
    'Quote' / 'Post by …'); the post starts at its subject line, furniture before it is the end of
    what comes before.
    """
    top = h.top
    while top - 1 >= floor and _next_to(content, top - 1) and (
            _post_furniture(content[top - 1]) or SUBJECT_RE.match(content[top - 1].norm)):
        top -= 1
    start = next((j for j in range(top, h.top) if not _post_furniture(content[j])), h.top)
    return top, start


def _leading_posts(content: list[Line], lo: int, headers: list[_Header], count_at: int | None,
                   ) -> tuple[_Header | None, list[_Post]]:
    """Posts that start with their header. The first header belongs to the article (an opening
    post, a byline) when no prose comes between the title and it, a subtitle aside, or when it
    comes before the comment count."""
    first = headers[0]
    # A subtitle (one line of prose right under the title and right over the byline) is not the article text.
    subtitle = first.top == lo + 1 and _next_to(content, lo)
    prose = next((i for i in range(lo + int(subtitle), len(content)) if _is_prose(content[i].norm)), len(content))
    own = first if first.top < prose or (count_at is not None and first.top < count_at) else None
    if any(_submission_byline(content[j].norm) for j in range(lo, first.top)):
        own = None  # the article has its byline already ('51 points by …', 'By Ann Lee')
    if count_at is not None and count_at < first.top and _counts_first(content, count_at, headers):
        own = None  # '2 Answers' over two headers: the first heads an answer, not the question
    rest = [h for h in headers if h is not own]
    posts: list[_Post] = []
    floor = own.bottom + 1 if own else lo
    lead_ins = []
    for h in rest:
        top, start = _lead_in(content, h, floor)
        lead_ins.append(top)
        posts.append(_Post(start, start, h.who, h))
        floor = h.bottom + 1
    for k, post in enumerate(posts):
        post.own_end = lead_ins[k + 1] if k + 1 < len(posts) else len(content)
    return own, posts


def _counts_first(content: list[Line], count_at: int, headers: list[_Header]) -> bool:
    """Whether the count line over the first header counts that header's post as a comment: a count
    without a number ('Comments'), or one that matches the headers under it. 'Replies: 3' over four
    posts, or '6 posts' (a forum's count includes its opening post), leaves the first to the article."""
    norm = content[count_at].norm
    if POST_COUNT_RE.match(norm):
        return False
    stated = _stated_count(norm)
    return stated is None or stated != sum(h.top > count_at for h in headers) - 1


def _trailing_posts(content: list[Line], lo: int, headers: list[_Header], count_at: int | None,
                    ) -> tuple[_Header | None, list[_Post]]:
    """Posts signed at their end (Q&A answers: text, then 'answered …' and the writer). The first
    header closes the article (the question) unless the comment count comes before it. One-line
    comments signed at their end, between posts, are comments under the post above them."""
    own = headers[0] if count_at is None or headers[0].bottom < count_at else None
    rest = [h for h in headers if h is not own]
    posts: list[_Post] = []
    j = own.bottom + 1 if own else (count_at + 1 if count_at is not None else lo)
    last_post: int | None = None
    for h in [*rest, None]:
        stop = h.top if h is not None else len(content)
        start = None
        while j < stop:
            signed = _signed_line(content[j])
            if signed:
                posts.append(_Post(j, j + 1, signed[1], sig_at=signed[0], under=last_post))
            elif start is None and h is not None and not _post_furniture(content[j]) and not (
                    count_at is not None and j <= count_at):
                start = j
                break
            j += 1
        if h is None:
            break
        start = h.top if start is None else start
        posts.append(_Post(start, h.bottom + 1, h.who, h))
        last_post = len(posts) - 1
        j = h.bottom + 1
    return own, posts


def _read_thread(content: list[Line], title_at: int) -> _Thread | None:
    """A thread whose posts open (or close) with headers of a repeating shape, or None.

    A header names a writer and when they wrote (_header_at); the page is a thread when at least
    two headers share a shape and one of them comes after the article.
    """
    lo = title_at + 1
    headers = _find_headers(content, lo)
    # Repetition is judged on where the writer is and the kind of date ('Updated 1y' and
    # 'Answered 3y' are one layout); the finer shape tells answers from comments (_reply_cues).
    layouts = Counter(h.shape[0::3] for h in headers)
    if len(headers) < 2 or max(layouts.values()) < 2:
        return None
    count_at, _ = _count_line(content, lo)
    trailing = 2 * sum(h.trailing for h in headers) > len(headers)
    if trailing:
        headers = [h for h in headers if h.trailing]
    reader = _trailing_posts if trailing else _leading_posts
    own, posts = reader(content, lo, headers, count_at)
    if not posts or not _thread_evidence(content, headers, posts, count_at):
        return None
    thread = _Thread(posts[0].start, posts, own)
    if not trailing:
        _mark_footer(content, thread)
    _mark_furniture(content, lo, thread)
    return thread


def _thread_evidence(content: list[Line], headers: list[_Header], posts: list[_Post], count_at: int | None) -> bool:
    """Whether dated headers are a thread's and not, say, a diary's dated sections ('Day One' /
    'June 3'): a comment count or header, a writer heading two posts, handles for writers, header
    words ('says', 'Posted by', 'From:'), controls around most posts, or 'Re:' lines and quotes."""
    writers = Counter(h.who.casefold() for h in headers)
    if count_at is not None or writers.most_common(1)[0][1] >= 2:
        return True
    own = [p.header for p in posts if p.header]
    if 2 * sum(" " not in h.who for h in own) >= len(own) or any(h.shape[1] for h in own):
        return True
    with_controls = sum(any(post_furniture_reason(content[j].norm) for j in range(p.start, p.own_end)) for p in posts)
    if 2 * with_controls >= len(posts):
        return True
    return any(SUBJECT_RE.match(ln.norm) or _quote_attribution(ln.norm) for ln in content)


def _repeat_key(norm: str) -> str:
    """A line with its numbers evened out, to find lines a page repeats ('Like (3)' ~ 'Like (5)')."""
    return re.sub(r"\d+", "9", norm.casefold())


def _end_key(norm: str) -> str:
    """A post's closing line with its numbers and plurals evened out ('Like · Reply · 3 Reactions')."""
    return re.sub(r"(?<=\w)s\b", "", _repeat_key(norm))


def _mark_footer(content: list[Line], thread: _Thread) -> None:
    """Where the last post ends: after the line that ends most other posts ('Reply', 'Top', a list
    footer), else before the furniture that closes the page."""
    posts = thread.posts
    last = posts[-1]
    ends: Counter[str] = Counter(_end_key(content[p.own_end - 1].norm) for p in posts[:-1] if p.own_end > p.start)
    end = None
    if ends:
        key, n = ends.most_common(1)[0]
        if 2 * n >= len(posts) - 1:
            hits = [j for j in range(last.start, len(content)) if _end_key(content[j].norm) == key]
            end = hits[-1] + 1 if hits else None
    floor = last.header.bottom if last.header else last.start
    if end is None:
        end = len(content)
        while end - 1 > floor and _post_furniture(content[end - 1]):
            end -= 1
    # Layout: a list of links after the thread ('Related topics', 'More from …') ends it.
    links = next((j for j in range(floor + 1, end) if LINK_LIST_HEADER_RE.match(content[j].norm)), None)
    last.own_end = end if links is None else links


def _mark_furniture(content: list[Line], lo: int, thread: _Thread) -> None:
    """Furniture of a thread by line: headers, lead-ins, controls, repeated lines, quote
    attributions, the page footer after the last post."""
    marks = thread.furniture
    for h in [p.header for p in thread.posts if p.header]:
        marks.update({j: "comment byline" for j in range(h.top, h.bottom + 1)})
    if thread.own:
        marks.update({j: "post byline" for j in range(thread.own.top, thread.own.bottom + 1)})
        top, _ = _lead_in(content, thread.own, lo)
        marks.update({j: _post_furniture(content[j]) or "subject line" for j in range(top, thread.own.top)})
    for post in thread.posts:
        if post.header and not post.header.trailing:
            marks.update({j: _post_furniture(content[j]) or "subject line"
                          for j in range(post.start, post.header.top)})
    title = content[lo - 1].norm.casefold()
    marks.update({j: "title repeated over a post" for j in range(lo, len(content))
                  if j not in marks and content[j].norm.casefold() == title})
    counts = Counter(_repeat_key(content[j].norm) for j in range(lo, len(content)))
    in_posts = {_repeat_key(content[j].norm) for j in range(thread.article_end, len(content))}
    for j in range(lo, len(content)):
        norm = content[j].norm
        if j in marks:
            continue
        why = post_furniture_reason(norm)
        key = _repeat_key(norm)
        if not why and counts[key] >= 2 and key in in_posts and len(norm.split()) <= 12 and is_single_sentence(
                norm) and not norm.endswith((".", "!", "?")):
            why = "repeated line (signature, list footer)"
        if not why and j >= thread.article_end and _quote_attribution(norm):
            why = "quote attribution"
        if not why and _edit_note(norm):
            why = "edit note"
            if _next_to(content, j) and who_of(content[j + 1].norm) and j + 1 not in marks:
                marks[j + 1] = why  # the editor's name under it
        if why:
            marks[j] = why
    last = thread.posts[-1]
    marks.update({j: "page footer after the comment thread" for j in range(last.own_end, len(content))})


def _reply_cues(content: list[Line], thread: _Thread) -> list[ReplyCues]:
    """What the layout shows about whom each post answers (see threads.infer_replies)."""
    posts = thread.posts
    cues = []
    indents = {p.header.top: content[p.header.top].indent for p in posts if p.header}
    ranked = sorted(set(indents.values()))
    shapes = Counter(p.header.shape for p in posts if p.header)
    common = shapes.most_common(1)[0][0] if shapes else None
    for k, post in enumerate(posts):
        cue = ReplyCues(under=post.under)
        header = post.header
        if header is not None:
            cue.to, cue.parent_link = header.to, header.parent_link
            level = next((int(m.group("n")) for j in range(max(post.start - 3, 0), header.top)
                          if (m := NESTING_LEVEL_RE.match(content[j].norm))), None)
            if level is None and len(ranked) > 1:
                level = ranked.index(indents[header.top]) + 1
            cue.depth = level
            if common and header.shape != common and shapes[header.shape] < shapes[common] and (
                    header.shape[0] != common[0] or (common[1] and not header.shape[1])):
                # Layout: a rarer header (a comment under an answer: 'Name · 1y' among 'Name · Answered 2y')
                # sits under the post above it.
                cue.under = next((n for n in range(k - 1, -1, -1) if posts[n].header
                                  and posts[n].header.shape == common), None)
        quoting = False
        for j in range(post.start, post.own_end):
            norm = content[j].norm
            if thread.furniture.get(j) == "quote attribution":
                cue.quoted_name = cue.quoted_name or _quote_attribution(norm)
                quoting = True
                continue
            quoting = quoting and _next_to(content, j - 1)
            if norm.startswith(">") or quoting:
                cue.quoted.append(norm.lstrip("> "))
            elif j not in thread.furniture:
                cue.own_lines.append(norm if post.sig_at is None else normalize_text(content[j].text[: post.sig_at]))
        cues.append(cue)
    return cues


def _reply_parents(comments: list[Doc], lines: list[list[Line]]) -> None:
    """Layout: replies indented under what they answer; the nearest less-indented comment is the parent."""
    indents = [ls[0].indent for ls in lines]
    if len(set(indents)) < 2:
        # Layout: no indentation, but a header links to its parent ('… | parent | next'): the
        # comment answers the one just above it.
        for n, (c, ls) in enumerate(zip(comments, lines)):
            if n > 0 and PARENT_LINK_RE.search(ls[0].norm):
                c.parent_key = comments[n - 1].key
        return
    for n, c in enumerate(comments):
        parent = next((comments[j] for j in range(n - 1, -1, -1) if indents[j] < indents[n]), None)
        c.parent_key = parent.key if parent is not None else ""


def _lone_byline(content: list[Line], title_at: int, end: int, article: Doc) -> str | None:
    """Layout: a header (writer and date, _header_at) between the title and the text of a page
    that is no thread ('Anna Pohl anna at example.org' / 'Mon Mar 4 09:12:44 2024'): its writer
    wrote the article, and its lines become bylines in `article`'s blocks."""
    lo = title_at + 1
    prose = next((i for i in range(lo, end) if _is_prose(content[i].norm)), end)
    header = next((h for h in _find_headers(content[:prose], lo)), None)
    if header is None:
        return None
    spans = {content[j].start for j in range(header.top, header.bottom + 1)}
    article.blocks = [Block("boilerplate", b.start, b.end, "byline") if b.start in spans else b for b in article.blocks]
    return header.who


def _thread_comment_blocks(content: list[Line], post: _Post, end: int, thread: _Thread) -> list[Block]:
    """Blocks of one post of a thread read from its headers: furniture by line, the rest as text."""
    blocks = []
    for j in range(post.start, end):
        line = content[j]
        if post.sig_at is not None and j == post.start:
            body_end = line.start + len(line.text[: post.sig_at].rstrip())
            sig_start = line.start + post.sig_at + len(line.text[post.sig_at:]) - len(line.text[post.sig_at:].lstrip())
            blocks += [Block("body", line.start, body_end, "comment text"),
                       Block("boilerplate", sig_start, line.end, "signature of a one-line comment")]
            continue
        why = thread.furniture.get(j) or line_boilerplate(line) or (
            _post_furniture(line) if j >= post.own_end else None)
        if why:
            blocks.append(Block("boilerplate", line.start, line.end, why))
        elif BULLET_RE.match(line.norm) or NUMBER_RE.match(line.norm):
            blocks.append(Block("list_item", line.start, line.end, "list marker"))
        else:
            blocks.append(Block("body", line.start, line.end, "comment text"))
    return blocks


def _thread_page(text: str, content: list[Line], title_at: int, head_blocks: list[Block],
                 meta: dict[str, str], writer_above: str | None, thread: _Thread) -> list[Doc]:
    """The article and comments of a thread read from its headers (_read_thread)."""
    marks = {content[j].start: why for j, why in thread.furniture.items()}
    laid = lay_out(text, content[title_at:thread.article_end], allow_title=True, furnished=True)
    bylines = [text[b.start:b.end].strip() for b in laid if b.why == "byline"]
    blocks = head_blocks + [Block("boilerplate", b.start, b.end, marks[b.start])
                            if b.role != "title" and b.start in marks else b for b in laid]
    title_block = next((b for b in blocks if b.role == "title"), None)
    title = text[title_block.start:title_block.end] if title_block is not None else None
    submission = next((m for ln in content[title_at + 1:title_at + 4] if (m := THREAD_META_RE.match(ln.norm))), None)
    if title is not None and submission is not None:
        title = TITLE_DOMAIN_RE.sub("", title)  # Layout: aggregator title '… (example.org)'
    article = Doc("", "article", text, blocks[0].start, blocks[-1].end, blocks, title=title)
    own = thread.own.who if thread.own else None
    submitter = submission.group("name") if submission else None
    article.author = (next((article_byline(s) or s for s in bylines), None) or meta.get("author")
                      or writer_above or submitter or own)
    article.url, article.published = meta.get("url"), meta.get("published")
    count_at, declared = _count_line(content, title_at + 1)
    if count_at is not None and POST_COUNT_RE.match(content[count_at].norm) and declared and thread.own:
        declared -= 1  # Layout: a forum's post count includes the opening post
    if submission is not None and count_at is None:
        declared = _declared(submission.string)
    posts = thread.posts
    comments = []
    for n, post in enumerate(posts, start=1):
        end = posts[n].start if n < len(posts) else len(content)
        cblocks = _thread_comment_blocks(content, post, end, thread)
        doc = Doc(f"c{n}", "comment", text, cblocks[0].start, cblocks[-1].end, cblocks, comment_n=n)
        doc.author = post.who
        comments.append(doc)
    article.declared_comment_count = declared
    article.found_comment_count = len(comments)
    article.thread_cue = content[count_at].norm if count_at is not None else content[posts[0].start].norm
    infer_replies(article, comments, _reply_cues(content, thread))
    return [article, *comments]


def read_text_page(text: str, source: str) -> ReadResult:
    """One page saved as plain text -> the article and its comments, each with role-tagged blocks."""
    length, lineno = limits.longest_line(text)
    if length > limits.MAX_PARAGRAPH_CHARS:  # before any layout rule runs over it
        return ReadResult(rejects=[Reject(limits.paragraph_reason(length, f" at line {lineno}"))])
    content = [ln for ln in split_lines(text) if ln is not None]
    if not content:
        return ReadResult(rejects=[Reject("empty file: nothing but whitespace")])

    first, head_blocks, meta = _page_head(content)
    furnished = bool(head_blocks)
    first, above, writer_above = _title_line(content, first)
    head_blocks += above
    thread = _read_thread(content, first)
    if thread is not None:
        if len(thread.posts) > limits.MAX_COMMENTS_PER_PAGE:
            return ReadResult(rejects=[Reject(limits.comments_reason(len(thread.posts)))])
        return _checked(_thread_page(text, content, first, head_blocks, meta, writer_above, thread))
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
    blocks = head_blocks + lay_out(text, article_lines, allow_title=True, furnished=furnished)
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
    article.author = (next((article_byline(s) or s for s in bylines), None) or meta.get("author") or submitter
                      or writer_above)
    if article.author is None:
        article.author = _lone_byline(content, first, article_end, article)
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

    return _checked([article, *comments])


def _checked(docs: list[Doc]) -> ReadResult:
    """The documents of a page, or a reject when none of them has any text."""
    if not any(b.role in SUBSTANTIVE - {"title"} for d in docs for b in d.blocks):
        return ReadResult(rejects=[Reject(
            "only boilerplate: no article or comment text found (share buttons, credits, forms only)"
        )])
    return ReadResult(docs=docs)
