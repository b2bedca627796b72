"""Plain-text reader: a blog page saved as text (title, article, comment section, page furniture).

`read_text_page` reads the page head (a metadata header, a site menu, labels and bylines above the
title; a menu printed one item a line over the title, or over a social post that has no title line),
then tries a thread of posts found by repeated headers (pipeline/readers/text_posts.py);
failing that, the older layouts: a forum, Q&A or aggregator thread marked by a cue line or handle
bylines, or a blog's comment section (a numbered list, bylines, or one comment a line). The role of
each line comes from pipeline/readers/text_blocks.py.
"""

from __future__ import annotations

import re

from pipeline.readers import Block, Doc, ReadResult, Reject, limits
from pipeline.readers.layout import (
    BULLET_RE,
    CARD_STATUS_RE,
    COMMENT_COUNT_RE,
    COMMENTS_HEADER_RE,
    GROUP_META_RE,
    ISSUE_META_RE,
    META_HEADER_RE,
    NAV_ITEM_RE,
    NUMBER_RE,
    PARENT_LINK_RE,
    PROFILE_FIELD_RE,
    READ_TIME_ALONE_RE,
    REPLY_COUNT_RE,
    SUBJECT_RE,
    THREAD_META_RE,
    THREAD_STARTER_RE,
    TITLE_DOMAIN_RE,
    TOC_HEADER_RE,
    UNNAMED_RE,
    URL_LINE_RE,
    Line,
    article_byline,
    comment_byline,
    furniture_reason,
    handle_byline,
    heading_like,
    is_single_sentence,
    name_and_more,
    normalize_text,
    post_furniture_reason,
    posted_by,
    site_furniture_reason,
    split_lines,
    title_like,
    when_in,
    who_of,
)
from pipeline.readers.text_blocks import (
    SUBSTANTIVE,
    as_title,
    declared_count,
    is_prose,
    lay_out,
    line_boilerplate,
    name_then_meta,
    stated_count,
)
from pipeline.readers.text_headers import next_to, post_top, writer_line
from pipeline.readers.text_posts import lone_byline, read_thread, thread_page
from pipeline.readers.threads import addressee, infer_threads


def _byline_at(lines: list[Line], j: int) -> tuple[str, str | None] | None:
    """(writer, whom they answer) if line j starts a comment with a byline."""
    found = comment_byline(lines[j].norm)
    if found:
        return found
    handle = handle_byline(lines[j].norm)
    if handle:
        return handle, None
    if name_then_meta(lines, j):
        return lines[j].norm.strip(), None
    return None


def comment_blocks(lines: list[Line]) -> list[Block]:
    """Blocks of one comment's lines: its byline and furniture as boilerplate, list items, the rest as text."""
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
    # A list of points is not a thread: comments greet someone or run over several paragraphs; a
    # table of contents ('Contents' / '1. Choosing a route' / '2. Distances, days and …') is none.
    previous = content[first - 1] if first > 0 else None
    if previous is not None and TOC_HEADER_RE.match(previous.norm):
        return None
    greets = any(addressee(item[0].text) for item in items)
    multi_paragraph = any(len(item) > 1 for item in items)
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
            declared = stated_count(norm)
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
    signed = _signed_comments(content[header + 1:])
    if signed is not None:
        return header + 1, declared, *signed
    return header + 1, declared, _comments_by_line(content[header + 1 :]), []


# Layout: a comment signed on a line of its own under its text, no header over it ('— Maria, Leeds',
# '– Jo at Hollins Lane'): the writer, and their town after a comma.
_SIGNATURE_LINE_RE = re.compile(r"^[—–]\s*(?P<name>[^,—–]{2,40}?)(?:,\s*[^,]{2,40})?$")


def signature_writer(norm: str) -> str | None:
    """The writer a signature line names ('— Maria, Leeds' -> 'Maria'), or None."""
    m = _SIGNATURE_LINE_RE.match(norm)
    if m is None:
        return None
    name = m.group("name").strip()
    return name if writer_line(name) or UNNAMED_RE.match(name) or re.match(r"^[A-Z]\w+ at [A-Z]", name) else None


def _signed_comments(lines: list[Line]) -> tuple[list[list[Line]], list[Line]] | None:
    """(comments, footer) of a comment list whose comments each end on their signature line, or None
    when fewer than two lines are signatures."""
    ends = [j for j, ln in enumerate(lines) if signature_writer(ln.norm)]
    if len(ends) < 2:
        return None
    comments, start = [], 0
    for end in ends:
        comments.append(lines[start:end + 1])
        start = end + 1
    return comments, lines[start:]


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
    breadcrumb or search box above the title; a cookie banner and its buttons.
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
        elif _cookie_line(norm):
            blocks.append(Block("boilerplate", content[k].start, content[k].end, "cookie banner"))
        elif (menu_end := _site_menu_end(content, k)) > k:
            echoed = _echoed_title(content, k)
            if echoed is not None and echoed < menu_end:
                menu_end = echoed  # a title a later line repeats ('Thread: …') is no menu item
            blocks += [Block("boilerplate", ln.start, ln.end, "site menu above the title")
                       for ln in content[k:menu_end]]
            if menu_end == k:
                break
            k = menu_end
            continue
        else:
            break
        k += 1
    return k, blocks, meta


# Layout: a cookie banner over the page ('We use cookies to …', 'Accept all', 'Manage preferences').
_COOKIE_BANNER_RE = re.compile(r"^(?=.{0,400}$)(?:(?:this (?:site|website) uses|we use|we and our partners use)"
                               r" cookies\b|we value your privacy$)", re.I)
_CONSENT_BUTTON_RE = re.compile(r"^(?:accept(?: all)?(?: cookies)?|reject(?: all| non-essential)?(?: cookies)?"
                                r"|manage (?:preferences|cookies|settings)|cookie settings|allow all"
                                r"|(?:ok,? )?got it!?|i agree|i accept|agree and close|show purposes"
                                r"|(?:privacy (?:&|and) )?cookie (?:details|policy|preferences))$", re.I)


def _cookie_line(norm: str) -> bool:
    """A cookie banner's text or one of its buttons."""
    return bool(_COOKIE_BANNER_RE.search(norm) or _CONSENT_BUTTON_RE.match(norm))


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


# Layout: a line of cells ('Private group · 4.2K members', 'Writer | Fixer of lamps', '1w •'): metadata, no title.
_CELLS_RE = re.compile(r"\s[|·•∙]\s|^[·•∙]\s|\s[·•∙]$")
_HEAD_LINES = 40  # a menu printed line by line is looked for this far down the page


def _title_candidate(line: Line) -> bool:
    """A line that can be the title under a site menu: a capitalised title of four words or more,
    not a menu item, a line of cells, a byline, a date or a writer's name and address ('Kim Sato kim at
    example.org')."""
    norm = line.norm
    when = when_in(norm)
    return (len(norm.split()) >= 4 and title_like(norm) and (norm[0].isupper() or norm[0].isdigit() or norm[0] in "\"'")
            and not _CELLS_RE.search(norm) and not site_furniture_reason(line) and not post_furniture_reason(norm)
            and not (when and len((norm[:when.start()] + norm[when.end():]).split()) < 3)
            and not (handle_byline(norm) or article_byline(norm) or THREAD_META_RE.match(norm))
            and not ((named := name_and_more(norm)) and who_of(named.group("name"))))


def _head_label(line: Line) -> bool:
    """A line of a site's head that is no title: a menu item, a short label ('Local News', 'forum-help',
    'Riverside Bakers'), a lower-case line ('jump to content', 'my subreddits'), cells, a counter."""
    norm = line.norm
    return not is_prose(norm) and (len(norm.split()) <= 4 or norm[0].islower() or bool(_CELLS_RE.search(norm))
                                   or post_furniture_reason(norm) is not None)


def _menu_head(content: list[Line], first: int, menu_above: int = 0) -> tuple[int | None, int, list[Block]] | None:
    """(title index or None, the article's first line, blocks of the lines above it) for a page whose
    site name, menu and labels are printed one a line with no blank line under them, or None.

    Layouts: a news or blog page ('The Courier' / 'News' / 'Sport' / 'Log in' / 'Local News' /
    title): the title is the first line that can be one (_title_candidate) after at least one menu
    item; a social post with no title line ('Home' / 'Explore' / … / 'Ann Lee' / '@annlee' / text):
    two menu items or more and no title before the writer's header, the text or a date, so the title
    stays empty and the article starts at the writer's header. `menu_above`: menu items the page
    head already read (a menu paragraph over a blank line).
    """
    echoed = _echoed_title(content, first)
    if echoed == first:
        return None  # the first line is the title, as the older rules read it
    if echoed is not None:  # a title a later line repeats, under the site's menu and name
        return echoed, echoed + 1, [Block("boilerplate", ln.start, ln.end, _above_title_reason(ln) or
                                          "site menu above the title") for ln in content[first:echoed]]
    menu_items = menu_above
    k = first
    limit = min(len(content), first + _HEAD_LINES)
    # Layout: a post's tags over its title repeat items of the site's menu above ('Bug Reports').
    above = {ln.norm.casefold() for ln in content[:first] if len(ln.norm.split()) <= _TAG_WORDS}
    while k < limit:
        line = content[k]
        norm = line.norm
        menu_next = k + 1 < limit and content[k + 1].index == line.index + 1 and bool(
            NAV_ITEM_RE.match(content[k + 1].norm) or site_furniture_reason(content[k + 1]))
        if NAV_ITEM_RE.match(norm) or site_furniture_reason(line) or _cookie_line(norm) or norm.casefold() in above:
            menu_items += 1
        elif menu_next and len(norm.split()) <= 8 and is_single_sentence(norm):
            pass  # a site's name over its menu ('The Garden Letter' / 'Subscribe' / 'Sign in')
        elif (k + 2 < limit and content[k + 2].index == line.index + 2 and len(norm.split()) <= 4
              and NAV_ITEM_RE.match(content[k + 2].norm)):
            pass  # a site's name over its tagline and menu ('Crumb Notes' / 'From a small bakery' / 'Home')
        elif k + 1 < limit and GROUP_META_RE.match(content[k + 1].norm):
            pass  # a group's name over its notice ('Independent Gym Owners' / 'Private group · 8.4K members')
        elif _title_candidate(line):
            if k == first or menu_items == menu_above and not (
                    _header_follows(content, k) and all(len(ln.norm.split()) <= 3 for ln in content[first:k])):
                return None  # no menu or labels over a header right over it: the older rules read the title
            return k, k + 1, [Block("boilerplate", ln.start, ln.end,
                                    _above_title_reason(ln) or "site menu above the title") for ln in content[first:k]]
        elif (is_prose(norm) or when_in(norm) or norm.startswith("@") or handle_byline(norm)
              or article_byline(norm)):
            break
        elif not _head_label(line):
            return None
        k += 1
    if menu_items < 2 or k >= limit:
        return None
    if k > first and article_byline(content[k].norm) and _short_title(content[k - 1], names_ok=True):
        # Layout: a short title right over an article's byline ('Summer Fixtures Announced' / 'Posted by …')
        return k - 1, k, [Block("boilerplate", ln.start, ln.end, "site menu above the title")
                          for ln in content[first:k - 1]]
    start = post_top(content, k, first)
    if start is None:  # no writer's header over the text: no social post
        if k > first and _short_title(content[k - 1], names_ok=bool(article_byline(content[k].norm))):
            # Layout: a short title right over the byline or the text ('Home' / 'News' / 'Why we moved' / 'By …')
            return k - 1, k, [Block("boilerplate", ln.start, ln.end, "site menu above the title")
                              for ln in content[first:k - 1]]
        return None
    after = k + 1
    while after < min(len(content), k + 6) and not is_prose(content[after].norm):
        if _title_candidate(content[after]):
            return None  # a title under a byline ('Posted by u/ann 3h ago' / title): the older rules read it
        after += 1
    return None, start, [Block("boilerplate", ln.start, ln.end, "site menu above the post")
                         for ln in content[first:start]]


_TAG_WORDS = 4  # a tag is a short label: a longer line that repeats one above may be the title itself


def _header_follows(content: list[Line], k: int) -> bool:
    """A byline or a dated header on one of the two lines right under line k (a label may sit between)."""
    return any(content[j].index == content[k].index + (j - k) and (
        when_in(content[j].norm) or article_byline(content[j].norm) or handle_byline(content[j].norm))
        for j in range(k + 1, min(k + 3, len(content))))


def _short_title(line: Line, names_ok: bool = False) -> bool:
    """A short title under a menu: two or three words, a capital first, no label or menu item, and no
    name unless `names_ok` (right over a 'By …' byline, 'Winter Pruning' is a title, not a writer)."""
    norm = line.norm
    return (2 <= len(norm.split()) <= 3 and heading_like(norm) and (names_ok or not who_of(norm))
            and not _CELLS_RE.search(norm)
            and not (NAV_ITEM_RE.match(norm) or site_furniture_reason(line) or post_furniture_reason(norm)))


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
    '4 thoughts on “<title>”', 'Thread: <title>', '… Post subject: <title>'), or repeats it whole right
    under it (a breadcrumb's last item, then the title)."""
    title = content[i].norm.casefold()
    if len(title.split()) < 3:
        return False
    tagged = _LIST_TAG_RE.sub("", title)  # '[wheelers-chat] sunday rides …': a mailing list's tag, dropped in 're:'
    if any(line.norm.casefold() == title and line.index - content[i].index <= 3 for line in content[i + 1:i + 3]):
        return len(title.split()) >= 4
    for line in content[i + 2:]:
        norm = line.norm
        m = SUBJECT_RE.match(norm)
        low = norm.casefold()
        if (m and m.group("title").casefold() in (title, tagged)) or f'"{title}"' in low or (
                low == f"thread: {title}" or low.endswith(f"post subject: {title}")):
            return True
        if low == title and len(title.split()) >= 5 and line.index - content[i].index <= _REPEAT_LINES and not (
                site_furniture_reason(content[i])):
            return True  # a forum's heading again over its first post
    return False


_LIST_TAG_RE = re.compile(r"^\[[^\]]{1,40}\]\s*")
_REPEAT_LINES = 12  # a title repeated whole is looked for this far below it
_ECHO_LINES = 20  # a title a later line repeats is looked for this far down, over a site's menu lines
_LATER_TITLE_LINES = 16  # a share card's or cover image's title is looked for this far below them


def _later_title(content: list[Line], title_at: int) -> int | None:
    """The real title below the line read as the title, or None. Layouts: a newsletter's masthead
    and issue line over the issue's title ('POCKET TRAILS' / 'Short walks, big skies' / 'Issue No. 112
    · …' / title); a share card that prints the title cut short over the title itself ('I logged my
    flat's humidity for a month' … 'I logged my flat's humidity for a month. Here's what …'); a cover
    image named after the title, over the byline and the title ('Cover image for …')."""
    for k in range(title_at + 1, min(title_at + 3, len(content))):
        if ISSUE_META_RE.match(content[k].norm):  # its share links may come between ('Forward to a friend')
            return next((j for j in range(k + 1, min(k + 6, len(content)))
                         if title_like(content[j].norm) and len(content[j].norm.split()) >= 3
                         and not site_furniture_reason(content[j])), None)
    if len(content[title_at].norm.split()) < 3 or NAV_ITEM_RE.match(content[title_at].norm):
        # Layout: a community's name (or the site's skip link) read as the title, then the post's byline
        # and flair over its title ('r/bouldering' … 'Posted by u/x 5 hr. ago' / 'Injury / Rehab' / title),
        # which may run to a few sentences (an aggregator takes up to 300 characters)
        by = next((k for k in range(title_at + 1, min(title_at + 8, len(content)))
                   if posted_by(content[k].norm)), None)
        if by is not None:
            return next((j for j in range(by + 1, min(by + 4, len(content)))
                         if len(content[j].norm.split()) >= 4 and len(content[j].norm) <= _SUBMISSION_TITLE_CHARS),
                        None)  # (a title-like line is shorter still: title_like caps it at 200 characters)
    # Layout: a board's topic line over its posts ('Author	Topic: <title>  (Read 1,873 times)'), the title
    # again as the first post's subject: that line
    for j in range(title_at + 1, min(title_at + _HEAD_LINES, len(content))):
        if topic := _TOPIC_LINE_RE.match(content[j].norm):
            named = topic.group("title").casefold()
            k = next((k for k in range(j + 1, min(j + _LATER_TITLE_LINES, len(content)))
                      if content[k].norm.casefold() == named), None)
            if k is not None:
                return k
            break
    # Layout: a post's byline, date and reading time over its title ('Priya Nair' / 'Mar 4' / '3 min read' /
    # 'Updated: Mar 6' / title), under a site's name read as the title
    for j in range(title_at, min(title_at + _HEAD_LINES, len(content) - 1)):
        if _title_shape(content[j].norm) and len(content[j].norm.split()) >= 5:
            break  # a headline before the reading time: the title is over its byline, not under it
        if READ_TIME_ALONE_RE.match(content[j].norm):
            k = j + 1
            while k < len(content) - 1 and _UPDATED_RE.match(content[k].norm):
                k += 1
            if next_to(content, k - 1) and _title_shape(content[k].norm):
                return k
            break
    # Layout: a thread's title right over its reply count ('Hairdresser - AIBU to …' / '9 replies'), under a
    # board's menu whose items read like titles ('Am I being unreasonable?')
    for j in range(title_at + 2, min(title_at + _HEAD_LINES, len(content))):
        if REPLY_COUNT_RE.match(content[j].norm) or COMMENT_COUNT_RE.match(content[j].norm):
            cand = content[j - 1].norm
            if (next_to(content, j - 1) and _title_shape(cand) and len(cand.split()) >= 6 and not cand.endswith(".")
                    and len(cand.split()) > len(content[title_at].norm.split())):
                return j - 1
            break
    # Layout: a breadcrumb printed one item a line under the line read as the title (a site's tagline),
    # its separators alone on theirs ('Home' / '›' / 'Business' / '›' / 'Local Business' / title)
    seps = [j for j in range(title_at + 1, min(title_at + _HEAD_LINES, len(content) - 2))
            if content[j].norm in _CRUMB_SEPARATORS and next_to(content, j - 1) and next_to(content, j)]
    if len(seps) >= 2 and _title_shape(content[seps[-1] + 2].norm) and next_to(content, seps[-1] + 1):
        return seps[-1] + 2
    # Layout: a breadcrumb under the line read as the title (the site's name), its last item the next line
    for j in range(title_at + 1, min(title_at + _LATER_TITLE_LINES, len(content) - 1)):
        crumbs = _CRUMB_RE.split(content[j].norm)
        if len(crumbs) >= 3 and next_to(content, j) and content[j + 1].norm.casefold() == crumbs[-1].casefold():
            return j + 1
    crumbs = _CRUMB_RE.split(content[title_at].norm)
    if len(crumbs) >= 3:  # a breadcrumb read as the title, the title its last item and the next line
        last = crumbs[-1].casefold()
        k = next((k for k in range(title_at + 1, min(title_at + 3, len(content)))
                  if content[k].norm.casefold() == last), None)
        if k is not None:
            return k
        if title_at + 1 < len(content) and next_to(content, title_at) and _title_shape(content[title_at + 1].norm):
            return title_at + 1  # its last item a section ('Home / Blog / News'), the title under it
    # Layout: a forum's breadcrumb, one item a line, read as the title; the title over its 'Thread starter' notice
    starter = next((k for k in range(title_at + 2, min(title_at + 6, len(content)))
                    if THREAD_STARTER_RE.match(content[k].norm)), None)
    if starter is not None and title_like(content[starter - 1].norm):
        return starter - 1
    tab = _TAB_TITLE_RE.match(content[title_at].norm)
    if tab:  # the browser tab's title, '<title> : <community>', over the page; the title itself further down
        k = next((k for k in range(title_at + 1, min(title_at + _LATER_TITLE_LINES, len(content)))
                  if content[k].norm.casefold() == tab.group("title").casefold()), None)
        if k is not None:
            return k
    cut = content[title_at].norm.rstrip(".…").casefold()
    cover = m.group("title").casefold() if (m := _COVER_RE.match(content[title_at].norm)) else None
    for k in range(title_at + 1, min(title_at + _LATER_TITLE_LINES, len(content))):
        norm = content[k].norm
        if len(norm) > len(cut) + 10 and norm.casefold().startswith(cut) and title_like(norm):
            return k
        if norm.casefold() == cut and k > title_at + 2 and all(
                content[j].norm.casefold() in _SHARE_ITEMS for j in (title_at + 1, title_at + 2)):
            return k  # a share card's whole title over its menu ('Copy link' / 'Facebook' …), the title below it
        if cover is not None and norm.casefold() == cover:
            return k
        if m := _COVER_RE.match(norm):
            cover = m.group("title").casefold()
    return None


# Layout: the items of a share menu printed one a line under a share card's title.
_SHARE_ITEMS = frozenset({"copy link", "facebook", "email", "x", "twitter", "linkedin"})
# Layout: a writer's avatar printed as a line over their name ('Profile photo for Ann Lee').
_AVATAR_RE = re.compile(r"^profile (?:photo|picture) (?:for|of)\s+\S", re.I)
_BYLINE_REACH = 14  # a byline under the title is looked for this far below the line read as the title


_SUBMISSION_REACH = 30  # a link aggregator's post is looked for this far below its community's name, past a sidebar


def _title_over_submission(content: list[Line], title_at: int, asked_only: bool = False) -> int | None:
    """The title over an aggregator post's submission line, its flair perhaps between ('Sharing an office
    …' / 'Question' / 'submitted 3 days ago by quillandcrate'), below the line read as the title (the
    community's name, 'ShopOwners comments'), or None. With `asked_only`, over a question's byline
    only ('Asked by Carys M. · 2 weeks ago'), whatever the line read as the title (a listing's name over
    its questions and answers)."""
    for k in range(title_at + 2, min(title_at + _SUBMISSION_REACH, len(content))):
        norm = content[k].norm
        if asked_only:
            if not _ASKED_BY_RE.match(norm):
                continue
        elif not (_SUBMITTED_RE.match(norm) and handle_byline(norm)):
            continue
        for j in (k - 1, k - 2):
            if j > title_at and _title_shape(content[j].norm) and not content[j].norm.endswith(".") and all(
                    next_to(content, q) and len(content[q + 1].norm.split()) <= 3
                    and (content[q + 1].norm.isdigit() or not post_furniture_reason(content[q + 1].norm))
                    for q in range(j, k - 1)):  # a flair or the comment count ('23') between, not 'Reply'
                return j
        return None
    return None


_SUBMISSION_TITLE_CHARS = 300  # the longest title an aggregator takes
_SUBMITTED_RE = re.compile(r"^(?:submitted|posted)\b", re.I)
_ASKED_BY_RE = re.compile(r"^asked by\s+\S.{0,60}?\s*[·•|]\s*\S", re.I)


def _card_over(content: list[Line], k: int) -> str | None:
    """Layout: a board's first post, its writer's card right over its subject line ('SqueegeeSteve' /
    'Full Member' / '***' / 'Offline' / 'Posts: 214' / subject): the writer, or None."""
    j, fields = k - 1, 0
    while j > 0 and next_to(content, j) and (PROFILE_FIELD_RE.match(content[j].norm)
                                              or CARD_STATUS_RE.match(content[j].norm)):
        j, fields = j - 1, fields + 1
    return writer_line(content[j].norm) if fields >= 2 and next_to(content, j) else None


def _title_over_byline(content: list[Line], title_at: int) -> int | None:
    """The title right over its byline (over its subtitle, if it has one), below the line read as the
    title (a section label, a site's name), or None. Layout: title, a subtitle perhaps, then the
    writer's name with the date under it
    ('Appliances' / title / subtitle / 'Joel Armitage' / 'Mar 4, 2024 • 6 min read'; a Medium story's
    name, 'Follow', 'Published in …', read time and date)."""
    for k in range(title_at + 2, min(title_at + _BYLINE_REACH, len(content) - 1)):
        if len(content[k].norm.split()) > 30:
            return None  # the text has begun
        if article_byline(content[k].norm) and _title_shape(content[k - 1].norm) and (
                k == title_at + 2 or content[k - 2].norm.casefold() == content[title_at].norm.casefold()):
            # Layout: the title over its one-line byline ('Posted on … by Ann Lee'), under a category label
            # read as the title, or under that label repeated from the site's menu ('The Business Side')
            return k - 1
        if _writer_and_date_at(content, k):
            top = k
            while top - 1 > title_at + 1 and (_AVATAR_RE.match(content[top - 1].norm)
                                              or post_furniture_reason(content[top - 1].norm)):
                top -= 1
            if top < k:  # Layout: the writer's avatar and the answers' sort order over the byline
                return top - 1 if _title_shape(content[top - 1].norm) else None
            if title_at >= k - 2:
                return None  # the line read as the title is the one over the byline (a short title)
            if k - 2 > title_at and (title_like(content[k - 2].norm) or _title_shape(content[k - 2].norm)) and (
                    not site_furniture_reason(content[k - 2])):
                return k - 2  # the title over its subtitle (not a breadcrumb over the title)
            return k - 1 if _title_shape(content[k - 1].norm) else None
    return None


def _byline_apart(content: list[Line], lo: int) -> str | None:
    """Layout: a submission's byline copied one word a line under its title ('submitted' / '14 hours ago'
    / 'by' / 'wrenfield' / 'to' / 'c/smallbiz'): the handle after the 'by' line, or None."""
    for k in range(lo, min(lo + 6, len(content) - 1)):
        if content[k].norm.casefold() == "by" and next_to(content, k) and (
                handle := _HANDLE_ALONE_RE.match(content[k + 1].norm)):
            return handle.group("handle")
    return None


def _title_under_date(content: list[Line], title_at: int) -> int | None:
    """The title under the post's date, below a blog's or newsletter's name read as the title, or None.
    Layout: 'Under the Sink' / … / 'February 11, 2009' / title / the text ('April 14, 2024' /
    '#37: The ferry, the headwind …' / 'Hello from a damp tent …')."""
    for k in range(title_at + 1, min(title_at + _BYLINE_REACH, len(content) - 2)):
        if is_prose(content[k].norm) and k > title_at + 1 and not site_furniture_reason(content[k]):
            return None  # the text has begun (the line under the name may be its tagline)
        when = when_in(content[k].norm)
        if (when is not None and when.start() == 0 and when.end() == len(content[k].norm)
                and _title_shape(content[k + 1].norm) and is_prose(content[k + 2].norm)):
            return k + 1
    return None


def _writer_and_date_at(content: list[Line], k: int) -> bool:
    """Layout: a byline block at line k: the writer's name, then a date within the short lines under it
    ('Joel Armitage' / 'Mar 4, 2024 • 6 min read'; 'Ines Carvalho' / 'Follow' / … / 'Mar 4, 2024')."""
    return k < len(content) and writer_line(content[k].norm) is not None and any(
        when_in(content[m].norm) for m in range(k + 1, min(k + 8, len(content)))
        if all(next_to(content, q) and not is_prose(content[q + 1].norm) for q in range(k, m)))


def _title_shape(norm: str) -> bool:
    """A line shaped like a headline: 4 to 25 words, capitalised (or a number or '#47:'), at most two
    sentences ('I Capsized Eleven Times. Here's What Clicked.')."""
    words = norm.split()
    return (4 <= len(words) <= 25 and (norm[0].isupper() or norm[0] in "#\"'“‘" or norm[0].isdigit())
            and len(re.findall(r"[.!?](?:\s|$)", norm)) <= 2 and not norm.endswith(":"))


_CRUMB_RE = re.compile(r"\s+[/»›>]\s+")
_CRUMB_SEPARATORS = {"›", "»", ">", "/"}
_UPDATED_RE = re.compile(r"^updated:?\s+\S.{0,40}$", re.I)
_TOPIC_LINE_RE = re.compile(r"^(?:author\s+)?topic:\s*(?P<title>\S.{2,300}?)\s*\(read [\d,]+ times\)$", re.I)
# A handle alone on its line, under a post's date and over its title ('kiln_and_clay').
_HANDLE_ALONE_RE = re.compile(r"^(?:u/)?(?P<handle>[a-z0-9][\w.\-]{2,29})$")
# Layout: a browser tab's title over the page: the title, then the community or site ('… : OnlineShopOwners').
_TAB_TITLE_RE = re.compile(r"^(?P<title>\S.{8,300}?)\s+[:|–—-]\s+[\w.\- ]{2,40}$")
# Layout: an article's cover image named after it ('Cover image for <title>'), over the byline and the title.
_COVER_RE = re.compile(r"^cover image for\s+(?P<title>\S.{3,300})$", re.I)


def _echoed_title(content: list[Line], first: int) -> int | None:
    """Index of the line near the top that a later line repeats as a title (_echoed), or None. It may
    sit below a site name that has no menu word ('Harbour Sailing Club Forum') or a whole site menu,
    and is looked for up to the first line that reads as a sentence, which a long title may do."""
    for i in range(first, min(first + _ECHO_LINES, len(content))):
        if title_like(content[i].norm) and _echoed(content, i):
            return i
        if is_prose(content[i].norm) and not site_furniture_reason(content[i]):
            return None
    return None


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
    chosen = _echoed_title(content, first)
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
        # Layout: no indentation, but a header links to its parent ('… | parent | next'): the
        # comment answers the one just above it.
        for n, (c, ls) in enumerate(zip(comments, lines)):
            if n > 0 and PARENT_LINK_RE.search(ls[0].norm):
                c.parent_key = comments[n - 1].key
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
    furnished = bool(head_blocks)
    menu = _menu_head(content, first, sum(b.why != "metadata header" for b in head_blocks))
    if menu is not None:  # a menu printed line by line over the title, or over a post with no title
        title_at, lo, above = menu
        # Layout: the post's byline among the lines over its title ('Posted by u/x 5 hr. ago' / flair / title).
        writer_above = next((a for ln in content[first:lo] if (a := posted_by(ln.norm))), None)
    else:
        title_at, above, writer_above = _title_line(content, first)
        lo = title_at + 1
    later = None  # the real title further down, when the line read as the title is not it
    if title_at is not None:
        later = _later_title(content, title_at)
        later = _title_over_submission(content, title_at if later is None else later, asked_only=True) or later
        published_in = title_at > 0 and content[title_at - 1].norm.casefold() == "published in"
        if later is None and (len(content[title_at].norm.split()) < 4 or published_in):
            # a section label or a site's name; a publication's name ('Published in' / 'The Shop Notebook')
            later = _title_over_submission(content, title_at)
            if later is None:
                later = _title_over_byline(content, title_at)
            if later is None:
                later = _title_under_date(content, title_at)
    sure_title = later is not None  # found so, a headline may end with a full stop
    if later is not None:
        above += [Block("boilerplate", ln.start, ln.end, "masthead, share card or byline above the title")
                  for ln in content[title_at:later]]
        writer_above = writer_above or next((a for ln in content[title_at:later] if (a := posted_by(ln.norm))), None)
        if writer_above is None and later - 2 > title_at and when_in(content[later - 2].norm) and (
                handle := _HANDLE_ALONE_RE.match(content[later - 1].norm)):
            writer_above = handle.group("handle")  # Layout: the post's date, then its writer's handle, over its title
        writer_above = writer_above or _card_over(content, later)
        title_at, lo = later, later + 1
    titled = title_at is not None
    if writer_above is None and titled:
        writer_above = _byline_apart(content, lo)
    first = lo - titled  # the article's first line: its title, or its first line after the menu
    head_blocks += above
    furnished = furnished or menu is not None
    thread = read_thread(content, lo, titled)
    if thread is not None:
        if len(thread.posts) > limits.MAX_COMMENTS_PER_PAGE:
            return ReadResult(rejects=[Reject(limits.comments_reason(len(thread.posts)))])
        return _checked(thread_page(text, content, lo, head_blocks, meta, writer_above, thread, titled, sure_title))
    cue = _thread_cue(content, lo)
    submitter = None
    thread_cue = None
    if cue is not None:
        thread_cue = content[cue].norm
        declared = next((d for ln in content[first:] if (d := declared_count(ln.norm)) is not None), None)
        article_end, comment_lines, footer, submitter = _thread_layout(content, lo)
    else:
        article_end, declared, comment_lines, footer = _find_comments(content, lo)
        if declared is not None or article_end < len(content):
            thread_cue = content[article_end - 1].norm if article_end > 0 else None
    if len(comment_lines) > limits.MAX_COMMENTS_PER_PAGE:  # before the thread inference compares them
        return ReadResult(rejects=[Reject(limits.comments_reason(len(comment_lines)))])
    article_lines = content[first:article_end]
    blocks = head_blocks + as_title(lay_out(text, article_lines, allow_title=titled, furnished=furnished), sure_title)
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
        article.author = lone_byline(content, lo, article_end, article)
    article.url, article.published = meta.get("url"), meta.get("published")

    comments = []
    for n, lines in enumerate(comment_lines, start=1):
        cblocks = comment_blocks(lines)
        if n == len(comment_lines):
            # Contiguous spans: the footer rides with the last comment, as boilerplate.
            cblocks += [Block("boilerplate", ln.start, ln.end, "page footer after the comment thread")
                        for ln in footer]
        doc = Doc(f"c{n}", "comment", text, cblocks[0].start, cblocks[-1].end, cblocks, comment_n=n)
        byline = _byline_at(lines, 0)
        if byline:
            doc.author, doc.addressed_to = byline
        elif signed := signature_writer(lines[-1].norm):
            doc.author = signed
            doc.blocks = [Block("boilerplate", b.start, b.end, "signature") if b.start == lines[-1].start else b
                          for b in doc.blocks]
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
