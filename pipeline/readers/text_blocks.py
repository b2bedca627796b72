"""Block layout of plain text, shared by the page reader and the post finder: line roles and counts.

`lay_out` gives every line of an article its role (title, heading, caption, list item, body or
boilerplate, with the rule that set it); `line_boilerplate` says why a whole line is page furniture;
`is_prose` tells a line of running text from a label; `stated_count` and `declared_count` read the
number a comment-count or thread-metadata line states. pipeline/readers/text.py (the page and its
older thread layouts) and pipeline/readers/text_posts.py (posts found by repeated headers) both
build on these, and the HTML and JSONL readers reuse them.
"""

from __future__ import annotations

import re

from pipeline.readers import Block
from pipeline.readers.layout import (
    BULLET_RE,
    CAPTION_PREFIX_RE,
    COMMENT_COUNT_RE,
    COMMENTS_HEADER_RE,
    DATE_LINE_RE,
    FOLLOW_RE,
    ISSUE_LINE_RE,
    LINK_LIST_HEADER_RE,
    NUMBER_RE,
    PERSON_LINE_RE,
    READ_TIME_RE,
    REPLY_COUNT_RE,
    SIGNUP_CUE_RE,
    THREAD_META_RE,
    TOC_HEADER_RE,
    TOPIC_SUMMARY_RE,
    Line,
    article_byline,
    boilerplate_reason,
    caption_cue,
    figure_references,
    furniture_reason,
    glued_alt_text,
    heading_like,
    is_single_sentence,
    marker_length,
    post_furniture_reason,
    site_furniture_reason,
    title_like,
)

SUBSTANTIVE = {"title", "heading", "body", "list_item", "caption"}
# Layout: a Q&A page's tags in a row under the question ('soil-ph raised-beds'): two to six lower-case
# words, one of them hyphenated, no punctuation.
_TAG_ROW_RE = re.compile(r"^(?=.*[a-z0-9]-[a-z0-9])(?!.*\b(?:a|an|the|of|and|or|to|in|on|for|is|with)\b)"
                         r"[a-z0-9][a-z0-9+#.\-]*(?: [a-z0-9][a-z0-9+#.\-]*){1,5}$")
# A line of hashtags under a post ('#repairs #volunteering'): the writer's words, not furniture.
_HASHTAGS_RE = re.compile(r"^#\w+(?:\s+#\w+)*$")
# Counts written as words ('two answers', 'no comments').
_NUMBER_WORDS = {"no": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10}


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


def as_title(blocks: list[Block], sure: bool) -> list[Block]:
    """`blocks` with the first one made the title when the page's head already showed it is (`sure`: over
    its byline, under a masthead), though a headline of two sentences can end with a full stop."""
    if sure and blocks and blocks[0].role != "title":
        return [Block("title", blocks[0].start, blocks[0].end, "headline over its byline"), *blocks[1:]]
    return blocks


# A newsletter's name over its issue line is short ('The Data Desk', 'Hiring Notes'); a longer line there is
# the post's own title over a subtitle that opens with the issue number ('Issue #47: what we reconcile …').
MASTHEAD_MAX_WORDS = 5


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
              and len(norm.split()) <= MASTHEAD_MAX_WORDS and ISSUE_LINE_RE.match(lines[1].norm)):
            role, why = "boilerplate", "newsletter masthead"  # Layout: newsletter name, then its issue line
        elif i == 1 and previous_role == "boilerplate" and blocks[0].why == "newsletter masthead":
            role, why = "title", "issue line under a newsletter masthead"
        elif i == 0 and allow_title and has_next and not bp and title_like(norm):
            role, why = "title", "first line, short, no full stop"
        elif i <= 6 and (article_byline(norm) or (
                name_then_meta(lines, i) and 2 <= len(norm.split()) <= 4 and not FOLLOW_RE.match(norm))):
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
        why = post_furniture_reason(line.norm) or site_furniture_reason(line) or (
            "tag row" if _TAG_ROW_RE.match(line.norm) else None)
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
    last_prose = max((i for i, line in enumerate(lines) if i not in found and is_prose(line.norm)), default=-1)
    for para in paragraphs:
        labels = [heading_like(lines[i].norm) and len(lines[i].norm.split()) <= 4 for i in para]
        rest = [i for i in para if i not in found and not _HASHTAGS_RE.match(lines[i].norm)]  # hashtags are text
        if para[0] > last_prose and len(para) >= 3 and sum(labels) >= 2 and all(
                lab or i in found for lab, i in zip(labels, para)):
            found.update({i: "tag list" for i in rest})
        elif len(para) >= 3 and len(rest) < len(para) / 2 and all(
                len(lines[i].norm.split()) <= 3 and not lines[i].norm.endswith((".", "!", "?")) for i in rest):
            found.update({i: "furniture paragraph" for i in rest})
    return found


def name_then_meta(lines: list[Line], i: int) -> bool:
    """A line that is only a name, followed by a date, a read time or 'Follow': a byline."""
    if i + 1 >= len(lines) or not PERSON_LINE_RE.match(lines[i].norm):
        return False
    after = lines[i + 1].norm
    return bool(DATE_LINE_RE.match(after) or READ_TIME_RE.match(after) or FOLLOW_RE.match(after))


def declared_count(norm: str) -> int | None:
    """The comment count a thread's metadata or reply-count line states ('51 points by … | 38 comments',
    'Replies: 3', 'two answers'), or None."""
    m = THREAD_META_RE.match(norm)
    value = m.group("count") if m else None
    m = REPLY_COUNT_RE.match(norm)
    if m:
        value = m.group("a") or m.group("b")
    if value is None:
        return None
    return int(value) if value.isdigit() else _NUMBER_WORDS.get(value.lower())


def is_prose(norm: str) -> bool:
    """A line of running text: a sentence of four words or more, or fifteen words."""
    n = len(norm.split())
    return n >= 15 or (n >= 4 and norm.endswith((".", "!", "?")))


def stated_count(norm: str) -> int | None:
    """The number a count line states ('27 Comments', 'Responses (3)', 'Replies: 5', 'two replies', 'This topic
    has 7 replies, …')."""
    if summary := TOPIC_SUMMARY_RE.match(norm):
        return int(summary.group("n"))
    word = norm.split()[0].lower()
    if word in ("all", "search") and len(norm.split()) > 1:  # 'all 12 comments', 'Search 23 Comments'
        word = norm.split()[1].lower()
    word = re.sub(r"(?<=\d),(?=\d{3}\b)", "", word)  # '1,204 Comments'
    counted = re.search(r"\((\d+)\)", norm)  # 'Responses (2)'
    if word.isdigit():
        return int(word)
    if counted:
        return int(counted.group(1))
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    m = REPLY_COUNT_RE.match(norm)
    value = (m.group("a") or m.group("b")) if m else None
    if not (value and value.isdigit()):
        return None
    return int(value) + int(m.group("c") or 0)
