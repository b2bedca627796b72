"""Threads of any site: posts found by headers (who + when) whose shape repeats.

`read_thread` takes the headers after a page's title (pipeline/readers/text_headers.py: a writer and
when they wrote, on one to four lines, before or after the post's text), decides whether they make a
thread (at least two of one shape, one after the article, and a sign that it is a thread, not a
diary's dated sections), cuts the posts they open or close, and marks the furniture around them line
by line (headers, lead-ins, controls, repeated lines, quote attributions, reply cues, the page
footer); `thread_page` turns such a thread into the article and its comments, with the reply cues
threads.infer_replies weighs (nesting, 'In reply to …' lines, reply counts, quotes, names, handles).
`lone_byline` uses the same headers on a page that is no thread. pipeline/readers/text.py tries these
before its older thread layouts.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from pipeline.readers import Block, Doc
from pipeline.readers.layout import (
    BULLET_RE,
    CARD_STATUS_RE,
    COMMENT_COUNT_RE,
    COMMENTS_HEADER_RE,
    DELETED_WRITERS,
    EDIT_NOTE_RE,
    LINK_LIST_HEADER_RE,
    NESTING_LEVEL_RE,
    NUMBER_RE,
    POST_COUNT_RE,
    PROFILE_FIELD_RE,
    READ_TIME_ALONE_RE,
    REPEATED_COUNT_RE,
    REPLY_COUNT_RE,
    REPLY_CUE_RE,
    REPLY_TALLY_RE,
    RESULTS_COUNT_RE,
    SCORED_SUBJECT_RE,
    SCRUBBER_COUNT_RE,
    SUBJECT_RE,
    THREAD_META_RE,
    THREAD_STARTER_RE,
    TITLE_DOMAIN_RE,
    TOPIC_SUMMARY_RE,
    Line,
    article_byline,
    is_single_sentence,
    normalize_text,
    post_furniture_reason,
    posted_by,
    when_in,
    who_of,
)
from pipeline.readers.text_blocks import (
    as_title,
    declared_count,
    is_prose,
    lay_out,
    line_boilerplate,
    stated_count,
)
from pipeline.readers.text_headers import (
    REPLY_FROM_RE,
    SEPARATOR_LINES,
    Header,
    avatar_letter,
    find_headers,
    next_to,
    post_furniture,
    quote_attribution,
    submission_byline,
)
from pipeline.readers.threads import ReplyCues, infer_replies

_COMMENTS_TALLY_RE = re.compile(r"(?:^|[·•∙|]\s*)(?P<n>\d{1,6})\s+comments?\b", re.I)


def _count_among_controls(norm: str) -> int | None:
    """The comment count a line of controls and counters states ('12 comments share save report',
    '88 reactions · 14 comments'), or None."""
    m = _COMMENTS_TALLY_RE.search(norm)
    if m is None or COMMENT_COUNT_RE.match(norm) or post_furniture_reason(norm) != "post controls":
        return None
    return int(m.group("n"))


def _post_count(norm: str) -> re.Match[str] | None:
    """A count of a thread's posts that includes the opening post ('6 posts', 'Results 1 to 6 of 6', '1 of 7
    posts')."""
    return POST_COUNT_RE.match(norm) or RESULTS_COUNT_RE.match(norm) or SCRUBBER_COUNT_RE.match(norm)


def _in_card(content: list[Line], i: int) -> bool:
    """Line i is a profile field beside another one or a status: a writer's card ('Posts: 38' under 'Join
    Date: Nov 2022' or 'Offline'), not the thread's count."""
    return bool(PROFILE_FIELD_RE.match(content[i].norm)) and any(
        0 <= j < len(content) and abs(content[j].index - content[i].index) <= 2
        and (PROFILE_FIELD_RE.match(content[j].norm) or CARD_STATUS_RE.match(content[j].norm)) for j in (i - 1, i + 1))


def _count_line(content: list[Line], lo: int, tallies_from: int | None = None) -> tuple[int | None, int | None]:
    """(index of the first comment-count line after the title, the count it states) or (None, None).

    '27 Comments', 'Responses (3)', '5 Replies', '3 Answers', '4 thoughts on “…”', '6 posts',
    'Results 1 to 6 of 6', '9' / 'replies'; a header without a number ('Comments') is passed over for a later one
    that has one, and a writer's card ('Posts: 38') is no count. From line `tallies_from` on (the second
    post's header), '2 replies' and '1 reply by Ann Lee' tally a comment's replies, not the page's, and
    in a list of other pages under the thread ('Similar threads' / title / 'Replies: 14', to the end of
    its paragraph) a count is the listed page's.
    """
    first = None
    in_links = False
    for i in range(lo, len(content)):
        norm = content[i].norm
        if tallies_from is not None and i >= tallies_from:
            in_links = (in_links and content[i].index - content[i - 1].index <= 1) or bool(
                LINK_LIST_HEADER_RE.match(norm))
            if in_links or REPLY_TALLY_RE.search(norm):
                continue
        if norm.casefold() in {"replies", "comments"} and i > lo and next_to(content, i - 1) and (
                content[i - 1].norm.isdigit()):
            return i - 1, int(content[i - 1].norm)  # a thread summary's value over its label ('9' / 'replies')
        among_controls = _count_among_controls(norm)
        if not (COMMENT_COUNT_RE.match(norm) or COMMENTS_HEADER_RE.match(norm) or REPLY_COUNT_RE.match(norm)
                or TOPIC_SUMMARY_RE.match(norm) or REPEATED_COUNT_RE.match(norm)
                or _post_count(norm) or among_controls is not None) or _in_card(content, i):
            continue
        first = i if first is None else first
        m = _post_count(norm)
        count = int(m.group("n")) if m else stated_count(norm) if among_controls is None else among_controls
        if count is not None:
            return i, count
    return first, None


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


@dataclass
class _Post:
    """One comment of a thread read from its headers."""

    start: int  # content index of its first line
    own_end: int  # content index after its own last line (what follows is furniture or footer)
    who: str
    header: Header | None = None  # None for a one-line comment signed at its end
    sig_at: int | None = None  # where the signature of a one-line comment starts in its line
    under: int | None = None


@dataclass
class Thread:
    """A page read as a thread: where the article ends, its posts, and its furniture by line."""

    article_end: int  # content index of the first post's first line
    posts: list[_Post]
    own: Header | None  # the article's own header (an opening post's, a question's)
    count_at: int | None = None  # content index of the comment-count line (_count_line)
    count: int | None = None  # the count it states
    furniture: dict[int, str] = field(default_factory=dict)  # content index -> why it is furniture
    # Lines of headers that head no post; furniture unless another rule already says why.
    summaries: set[int] = field(default_factory=set)


def _lead_in(content: list[Line], h: Header, floor: int) -> tuple[int, int]:
    """(first line of the lines printed over a header, first line of the post).

    Layout: furniture and a subject line right above a header belong to it ('level 2'; 'Re: …' /
    'Quote' / 'Post by …'); the post starts at its subject line, or at the writer's avatar or the post's
    number right over the header; furniture before it is the end of what comes before.
    """
    top = h.top
    while top - 1 >= floor and next_to(content, top - 1) and (
            post_furniture(content[top - 1]) or _subject(content[top - 1].norm)):
        top -= 1
    start = next((j for j in range(top, h.top) if not post_furniture(content[j])), h.top)
    if h.top - 1 >= floor and next_to(content, h.top - 1) and _opens_post(content[h.top - 1].norm, h.who):
        top, start = min(top, h.top - 1), min(start, h.top - 1)  # '@ann', 'A', '#2' over the header
    # Layout: the writer's card over a post's fields and subject ('GethinCarpentry' / 'Bench Regular' /
    # 'Posts: 1208' / 'Re: …' / 'Post by GethinCarpentry » …'): the post starts at the card's name.
    if top < h.top and any(PROFILE_FIELD_RE.match(content[j].norm) for j in range(top, h.top)):
        for j in range(top - 1, max(floor, top - 3) - 1, -1):
            if not next_to(content, j):
                break
            if content[j].norm.casefold() == h.who.casefold():
                top = start = j
                break
    return top, start


def _subject(norm: str) -> tuple[str, bool] | None:
    """(subject, whether it answers another post) of a post's subject line ('Re: Creaking bottom bracket',
    'What about the fixer? (Score:4, Interesting)'), or None."""
    scored = SCORED_SUBJECT_RE.match(norm)
    text = scored.group("subject") if scored else norm
    m = SUBJECT_RE.match(text)
    if m:
        return m.group("title").casefold(), True
    return (text.casefold(), False) if scored else None


def _opens_post(norm: str, who: str) -> bool:
    """Layout: a line right over a header that opens its post: the writer's avatar (their '@handle', the
    initial or initials of their name ('A', 'AL'), 'Profile photo for Ann Lee', "Ann Lee's avatar", 'Avatar of
    Ann Lee') or the
    post's number ('#2', 'Message 2 of 7')."""
    initials = "".join(w[0] for w in who.split()[:2]).upper()
    avatar = norm.casefold().replace("’", "'") in {
        f"@{who}".casefold(), f"profile photo for {who}".casefold(), f"{who}'s avatar".casefold(),
        f"avatar of {who}".casefold(), f"{who} avatar".casefold()} or (
        len(initials) == 2 and norm == initials) or (
        avatar_letter(norm) and who[:1].upper() == norm)
    return avatar or re.fullmatch(r"#\d{1,6}|message \d{1,5} of \d{1,5}", norm, re.I) is not None


def _leading_posts(content: list[Line], lo: int, headers: list[Header], count_at: int | None, opened: bool = False,
                   ) -> tuple[Header | None, list[_Post]]:
    """Posts that start with their header. The first header belongs to the article (an opening
    post, a byline) when no prose comes between the title and it (a subtitle and furniture aside:
    'User Name | Remember Me?'), when it comes before the comment count, or when a summary line by
    its writer is `opened` over it."""
    first = headers[0]
    # A subtitle (one line of prose right under the title and right over the byline) is not the article text.
    subtitle = first.top == lo + 1 and next_to(content, lo)
    title = content[lo - 1].norm if lo > 0 else None  # a forum may print it again over the first post
    prose = next((i for i in range(lo + int(subtitle), len(content))
                  if is_prose(content[i].norm) and not post_furniture(content[i]) and content[i].norm != title),
                 len(content))
    own = first if first.top < prose or (count_at is not None and first.top < count_at) else None
    if any(submission_byline(content[j].norm) for j in range(lo, first.top)):
        own = None  # the article has its byline already ('51 points by …', 'By Ann Lee')
    if count_at is not None and count_at < first.top and _counts_first(content, count_at, headers):
        own = None  # '2 Answers' over two headers: the first heads an answer, not the question
    if any(post_furniture_reason(content[j].norm) == "sort order" for j in range(lo, first.top)):
        own = None  # a sort order over the first header sorts answers or comments, never the opening post
    if opened and first.top < prose:
        own = first  # a summary line by the same writer says the first post opens the thread
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


def _counts_first(content: list[Line], count_at: int, headers: list[Header]) -> bool:
    """Whether the count line over the first header counts that header's post as a comment: a count
    without a number ('Comments'), or one that matches the headers under it. 'Replies: 3' over four
    posts, or '6 posts' (a forum's count includes its opening post), leaves the first to the article."""
    norm = content[count_at].norm
    if _post_count(norm):
        return False
    stated = stated_count(norm)
    return stated is None or stated != sum(h.top > count_at for h in headers) - 1


def _trailing_posts(content: list[Line], lo: int, headers: list[Header], count_at: int | None,
                    ) -> tuple[Header | None, list[_Post]]:
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
            elif start is None and h is not None and not post_furniture(content[j]) and not (
                    count_at is not None and j <= count_at):
                start = j
                break
            j += 1
        if h is None:
            break
        start = h.top if start is None else start
        if start - 1 >= lo and _VOTES_RE.fullmatch(content[start - 1].norm) and next_to(content, start - 1):
            start -= 1  # Layout: an answer's score right over its text ('14')
        posts.append(_Post(start, h.bottom + 1, h.who, h))
        last_post = len(posts) - 1
        j = h.bottom + 1
    return own, posts


def read_thread(content: list[Line], lo: int, titled: bool = True) -> Thread | None:
    """A thread whose posts open (or close) with headers of a repeating shape, or None.

    A header names a writer and when they wrote (header_at); the page is a thread when at least
    two headers share a shape and one of them comes after the article. `lo` is the line after the
    title (the article's first line when the page has no title line, `titled` False).
    """
    found = _without_quoted_headers(content, find_headers(content, lo))
    summaries = {k for k in range(len(found) - 1) if _summary_over(content, found[k], found[k + 1])}
    kept = [k for k in range(len(found)) if k not in summaries]
    headers = _after_section_heading(content, lo, _without_name_lists(content, [found[k] for k in kept]))
    # Repetition is judged on where the writer is and the kind of date ('Updated 1y' and
    # 'Answered 3y' are one layout); the finer shape tells answers from comments (_reply_cues).
    layouts = Counter(h.shape[0::3] for h in headers)
    if len(headers) < 2 or max(layouts.values()) < 2:
        return None
    count_at, count = _count_line(content, lo, headers[1].top)
    trailing = 2 * sum(h.trailing for h in headers) > len(headers)
    if trailing:
        headers = [h for h in headers if h.trailing]
    # Layout: a summary line over the first post, by its writer ('ann opened this issue on Mar 3 · 3
    # comments'): the first post opens the thread, and the summary may state the count.
    opening = found[kept[0] - 1] if not trailing and kept[0] - 1 in summaries else None
    if trailing:
        own, posts = _trailing_posts(content, lo, headers, count_at)
    else:
        first_who = headers[0].who.casefold()
        started = any((m := _STARTED_RE.match(content[j].norm) or THREAD_STARTER_RE.match(content[j].norm))
                      and m.group("who").casefold() == first_who
                      for j in range(max(lo, headers[0].top - 4), headers[0].top))
        own, posts = _leading_posts(content, lo, headers, count_at, opened=opening is not None or started)
    posts, between = _before_link_list(content, posts)
    posts = _without_cards_at_end(content, posts)
    if not posts or not _thread_evidence(content, headers, posts, count_at):
        return None
    if opening is not None and count is None and (tally := _COMMENTS_TALLY_RE.search(content[opening.top].norm)):
        count_at, count = opening.top, int(tally.group("n"))
    if count is None:
        count = _engagement_count(content, lo, posts[0].start)
    thread = Thread(posts[0].start, posts, own, count_at, count)
    thread.furniture.update((j, "list of other pages between the posts") for j in between)
    if not trailing:
        _mark_footer(content, thread)
    _mark_furniture(content, lo, thread, titled)
    if opening is not None:  # tags and controls between a summary line and the post it sums up
        for j in range(opening.bottom + 1, headers[0].top):
            if not is_prose(content[j].norm):
                thread.furniture.setdefault(j, "line between a summary and its post")
    tops = {h.top for h in headers}
    for h in found:
        if h.top not in tops:
            thread.summaries.update(range(h.top, h.bottom + 1))
    return thread


# Layout: a blog's comment section headed by a count that names the post ('9 thoughts on “<title>”').
_SECTION_HEADING_RE = re.compile(r"\s(?:on|to)\s+[\"“]", re.I)


def _after_section_heading(content: list[Line], lo: int, headers: list[Header]) -> list[Header]:
    """Headers without those between the article's text and its comment section's heading ('9 thoughts
    on “…”'): a related-posts list ('Related' / a post's title / its date) or an author box there
    heads no comment. Kept as they are when fewer than two headers come after the heading."""
    prose = next((i for i in range(lo, len(content)) if is_prose(content[i].norm)), None)
    heading = next((i for i in range(lo, len(content)) if COMMENT_COUNT_RE.match(content[i].norm)
                    and _SECTION_HEADING_RE.search(content[i].norm)), None)
    if prose is None or heading is None or sum(h.top > heading for h in headers) < 2:
        return headers
    return [h for h in headers if not prose < h.top < heading]


_CLOCK_TIME_RE = re.compile(r"\b\d{1,2}:\d{2}\b")


def _without_quoted_headers(content: list[Line], headers: list[Header]) -> list[Header]:
    """Layout: a reply that pastes in the post it answers, header and all ('#4' / 'HairByHollie Tue
    05-Mar-24 09:41:30' / 'WhatWouldBevDo Tue 05-Mar-24 09:34:58' / quoted words): a header line that
    repeats an earlier one word for word, to the minute, is a quote, not a post."""
    seen: set[str] = set()
    kept = []
    for h in headers:
        line = content[h.top].norm
        if line in seen and h.shape[0] == "inline" and h.shape[3] == "calendar" and _CLOCK_TIME_RE.search(line):
            continue
        seen.add(line)
        kept.append(h)
    return kept


def _engagement_count(content: list[Line], lo: int, stop: int) -> int | None:
    """Layout: a newsletter post's like and comment counts as bare numbers over its share button, under
    the byline ('41' / '7' / 'Share'): the second is the comment count. None where there is none."""
    for i in range(lo, min(stop, len(content)) - 2):
        if (content[i].norm.isdigit() and content[i + 1].norm.isdigit() and next_to(content, i)
                and next_to(content, i + 1) and content[i + 2].norm.casefold() == "share"):
            return int(content[i + 1].norm)
    return None


# Layout: the control that loads more of a thread, printed after its last comment shown.
_MORE_COMMENTS_RE = re.compile(r"^(?:load|show|view|see) more comments$", re.I)
# Layout: a list of other pages set between a Q&A page's answers that says the answers go on below it.
_GOES_ON_RE = re.compile(r"^(?:more|other) (?:answers|replies|comments|posts|responses) below$", re.I)


def _before_link_list(content: list[Line], posts: list[_Post]) -> tuple[list[_Post], list[int]]:
    """Layout: a list of other pages after the comments ('More articles', 'Related posts'), a
    paragraph of its own or right under a post's controls, whose cards (writer, title, teaser, date)
    read like posts: the thread ends at it. Not 'Read more', which also expands a long comment, unless
    it comes right after the thread's last control ('Load more comments' / 'Read more'). A
    list that says the posts go on below it ('Related questions' / 'More answers below' / the
    questions) sits between posts: the posts after it stay, and its lines (returned) are furniture."""
    if not posts:
        return posts, []
    at = next((j for j in range(posts[0].start + 1, len(content))
               if (content[j].index - content[j - 1].index > 1 or post_furniture(content[j - 1]))
               and LINK_LIST_HEADER_RE.match(content[j].norm)
               and (not content[j].norm.lower().startswith("read more")
                    or _MORE_COMMENTS_RE.match(content[j - 1].norm))),
              None)
    if at is None:
        return posts, []
    before = [p for p in posts if p.start < at]
    starts = {p.start for p in posts}
    end = next((j for j in range(at + 1, len(content)) if content[j].index - content[j - 1].index > 1
                or j in starts), len(content))
    after = [p for p in posts if p.start >= end]
    if not after or not any(_GOES_ON_RE.match(content[j].norm) for j in range(at, end)):
        return before, []
    rest, between = _before_link_list(content, after)
    return before + rest, [*range(at, end), *between]


_VOTES_RE = re.compile(r"[+\-−]?\d{1,6}")


def _without_cards_at_end(content: list[Line], posts: list[_Post]) -> list[_Post]:
    """Layout: a publication's cards of its other posts after the comments ('Brightwater Notes' /
    title / 'Feb 6, 2024' / '3 min read'), read like posts: a trailing post with a reading time right
    under its header is none."""
    while posts and posts[-1].header is not None:
        below = posts[-1].header.bottom + 1
        if below >= len(content) or not READ_TIME_ALONE_RE.match(content[below].norm):
            break
        posts = posts[:-1]
    return posts


def _without_name_lists(content: list[Line], headers: list[Header]) -> list[Header]:
    """Layout: a list of writers and their last dates beside a thread ('In this Discussion' / 'ann' /
    'March 9' / 'bob' / 'March 3'): three or more headers line after line, no text between, head no
    posts; under a heading that names such a list, any number."""
    drop: set[int] = set()
    run = [0]
    for k in range(1, len(headers) + 1):
        if k < len(headers) and headers[k].top == headers[k - 1].bottom + 1 and next_to(content, headers[k - 1].bottom):
            run.append(k)
            continue
        if len(run) >= 3:
            drop.update(run)
        run = [k]
    for j, line in enumerate(content):
        if _PARTICIPANTS_RE.match(line.norm):  # a list its heading names: the headers right under it, line after line
            at = j + 1
            for k, h in enumerate(headers):
                if h.top < at:
                    continue
                # a dated line read as no header ('Tess March 5') does not end the list
                if h.top > at and not all(next_to(content, q - 1) and when_in(content[q].norm)
                                          for q in range(at, h.top)):
                    break
                if not next_to(content, h.top - 1):
                    break
                drop.add(k)
                at = h.bottom + 1
    return [h for k, h in enumerate(headers) if k not in drop]


# Layout: a line over the opening post naming its writer as the thread's starter ('ann started this
# conversation in Q&A').
_STARTED_RE = re.compile(r"^@?(?P<who>[\w.\-]{2,30}(?: [\w.\-]{2,30}){0,2}) (?:started|opened|began) this "
                         r"(?:conversation|discussion|thread|topic)\b", re.I)
# Layout: the heading of a list of a thread's writers ('In this Discussion', 'Participants').
_PARTICIPANTS_RE = re.compile(r"^(?:in this (?:discussion|thread|topic|conversation)|participants"
                              r"|people in this (?:discussion|thread))\s*:?$", re.I)


_SUMMARY_GAP = 10  # lines a summary line may sit over the first post, with only short lines between


def _summary_over(content: list[Line], h: Header, below: Header) -> bool:
    """Layout: a one-line header that heads no post but sums up the one under it ('ann opened this
    issue on Mar 3 · 3 comments' / 'ann commented on Mar 3'): right over the next header, or over the
    same writer's next header with only short lines between ('Comments' / '@ann'; tags, 'Share', 'Reply to
    this topic' under 'By ann, March 2 in Gardening')."""
    if h.top != h.bottom or h.trailing or below.trailing:
        return False
    if below.top == h.bottom + 1 and next_to(content, h.bottom):
        return True
    return (below.who.casefold() == h.who.casefold() and below.top - h.bottom <= _SUMMARY_GAP
            and not any(is_prose(content[j].norm) for j in range(h.bottom + 1, below.top)))


def _thread_evidence(content: list[Line], headers: list[Header], posts: list[_Post], count_at: int | None) -> bool:
    """Whether dated headers are a thread's and not, say, a diary's dated sections ('Day One' /
    'June 3'): a comment count or header, a writer heading two posts, handles for writers, header
    words ('says', 'Posted by', 'From:'), three one-line headers joined by one separator, controls
    around most posts, or 'Re:' lines and quotes."""
    writers = Counter(h.who.casefold() for h in headers)
    if count_at is not None or writers.most_common(1)[0][1] >= 2:
        return True
    own = [p.header for p in posts if p.header]
    if 2 * sum(" " not in h.who for h in own) >= len(own) or any(h.shape[1] for h in own):
        return True
    # Layout: a chat's one-line headers, the writer and the time joined by a separator ('Ann Lee — 9:14 PM').
    joined = Counter(h.shape for h in headers if h.shape[0] == "inline" and h.shape[2])
    if joined and joined.most_common(1)[0][1] >= 3:
        return True
    with_controls = sum(any(post_furniture_reason(content[j].norm) for j in range(p.start, p.own_end)) for p in posts)
    if 2 * with_controls >= len(posts):
        return True
    return any(SUBJECT_RE.match(ln.norm) or quote_attribution(ln.norm) for ln in content)


def _repeat_key(norm: str) -> str:
    """A line with its numbers evened out, to find lines a page repeats ('Like (3)' ~ 'Like (5)')."""
    return re.sub(r"\d+", "9", norm.casefold())


def _end_key(norm: str) -> str:
    """A post's closing line with its numbers and plurals evened out ('Like · Reply · 3 Reactions')."""
    return re.sub(r"(?<=\w)s\b", "", _repeat_key(norm))


def _controls_then_footer(content: list[Line], floor: int, closing: int | None) -> int | None:
    """Layout: the last post's text, then its controls, then a site footer of short lines and
    furniture with no prose ('Reply' / 'Trending' / 'A post title' / 'About' / 'Privacy'): the
    index of the first control line, or None. `floor` is the last line of the post's header."""
    def furniture(j: int) -> bool:
        return j == closing or post_furniture(content[j]) is not None

    last_prose = next((j for j in range(len(content) - 1, floor, -1) if is_prose(content[j].norm) and not furniture(j)),
                      None)
    if last_prose is None:
        return None
    return next((j for j in range(last_prose + 1, len(content)) if furniture(j)), None)


def _mark_footer(content: list[Line], thread: Thread) -> None:
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
        end = _controls_then_footer(content, floor, last.header.closing if last.header else None)
    if end is None:
        end = len(content)
        while end - 1 > floor and post_furniture(content[end - 1]):
            end -= 1
    # Layout: a list of links after the thread ('Related topics', 'More from …') ends it.
    links = next((j for j in range(floor + 1, end) if LINK_LIST_HEADER_RE.match(content[j].norm)), None)
    last.own_end = end if links is None else links


def _mark_furniture(content: list[Line], lo: int, thread: Thread, titled: bool) -> None:
    """Furniture of a thread by line: headers, lead-ins, controls, repeated lines, quote
    attributions, the page footer after the last post."""
    marks = thread.furniture
    for h in [p.header for p in thread.posts if p.header]:
        marks.update({j: "comment byline" for j in range(h.top, h.bottom + 1)})
    for h in [p.header for p in thread.posts] + [thread.own]:
        if h is not None and h.closing is not None:
            marks[h.closing] = "date line closing a post"
            j = h.closing
            # Layout: the closing line spread over short lines joined by a lone separator ('Mar 2' / '·' / 'Web').
            while j + 2 < len(content) and next_to(content, j) and next_to(content, j + 1) and content[
                    j + 1].norm in SEPARATOR_LINES and len(content[j + 2].norm.split()) <= 2:
                marks.update({j + 1: "date line closing a post", j + 2: "date line closing a post"})
                j += 2
    if thread.own:
        marks.update({j: "post byline" for j in range(thread.own.top, thread.own.bottom + 1)})
        top, _ = _lead_in(content, thread.own, lo)
        marks.update({j: post_furniture(content[j]) or "subject line" for j in range(top, thread.own.top)})
    for post in thread.posts:
        if post.header and not post.header.trailing:
            marks.update({j: post_furniture(content[j]) or "subject line"
                          for j in range(post.start, post.header.top)})
    title = content[lo - 1].norm.casefold() if titled else None
    marks.update({j: "title repeated over a post" for j in range(lo, len(content))
                  if j not in marks and content[j].norm.casefold() == title})
    counts = Counter(_repeat_key(content[j].norm) for j in range(lo, len(content)))
    in_posts = {_repeat_key(content[j].norm) for j in range(thread.article_end, len(content))}
    for j in range(lo, len(content)):
        norm = content[j].norm
        if j in marks:
            continue
        why = post_furniture_reason(norm)
        if not why and j >= thread.article_end and quote_attribution(norm):
            why = "quote attribution"  # also when two replies quote the same post
        key = _repeat_key(norm)
        if not why and counts[key] >= 2 and key in in_posts and len(norm.split()) <= 12 and is_single_sentence(
                norm) and not norm.endswith((".", "!", "?")):
            why = "repeated line (signature, list footer)"
        if not why and _edit_note(norm):
            why = "edit note"
            if next_to(content, j) and who_of(content[j + 1].norm) and j + 1 not in marks:
                marks[j + 1] = why  # the editor's name under it
        if why:
            marks[j] = why
    last = thread.posts[-1]
    marks.update({j: "page footer after the comment thread" for j in range(last.own_end, len(content))})


# Layout: a blog engine's byline under the post's text ('Posted by Declan Moss at 10:12', Blogger's footer).
_CLOSING_BYLINE_RE = re.compile(r"^posted by\s+(?P<name>\S.{0,60}?)\s+at\s+\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?$", re.I)
# Layout: a post's controls copied as one run, a 'parent' link among them ('permalinkembedsaveparentreportreply').
_CONTROL_WORDS = r"(?:permalink|embed|save|report|reply|share|edit|delete|hide|source|give award)"
_PARENT_CONTROLS_RE = re.compile(rf"^(?:{_CONTROL_WORDS}\s*)*parent\s*(?:{_CONTROL_WORDS}\s*)+$", re.I)


def _reply_cues(content: list[Line], thread: Thread) -> list[ReplyCues]:
    """What the layout shows about whom each post answers (see threads.infer_replies)."""
    posts = thread.posts
    cues = []
    indents = {p.header.top: content[p.header.top].indent for p in posts if p.header}
    ranked = sorted(set(indents.values()))
    shapes = Counter(p.header.shape for p in posts if p.header)
    common = shapes.most_common(1)[0][0] if shapes else None
    # The same judged on where the writer is and the kind of date only ('Updated 1y' and 'Answered 2y' are one).
    layouts = Counter(p.header.shape[0::3] for p in posts if p.header)
    usual = layouts.most_common(1)[0][0] if layouts else None
    tallies: dict[int, int] = {}  # post -> the replies its controls say are printed under it
    # 'level N' printed over each post's header; a post without one, among posts with one, is at the top level
    shown = [next((int(m.group("n")) for j in range(max(p.start - 3, 0), p.header.top)
                   if (m := NESTING_LEVEL_RE.match(content[j].norm))), None) if p.header else None for p in posts]
    leveled = any(level is not None for level in shown)
    # Layout: a 'Replies' line under a post: the posts after it answer it, up to the one under which
    # the group's 'Reply' button closes it.
    group: int | None = None
    # Layout: 'Re: <subject>' over a post answers the comment that opened that subject ('What about the fixer?').
    opened: dict[str, int] = {}
    for k, post in enumerate(posts):
        cue = ReplyCues(under=post.under if post.under is not None else group)
        subject = next((sub for j in range(post.start, post.header.top if post.header else post.start)
                        if (sub := _subject(content[j].norm))), None)
        if subject is not None and not subject[1]:
            opened[subject[0]] = k
        elif subject is not None and cue.under is None and subject[0] in opened:
            cue.under = opened[subject[0]]
        header = post.header
        after = posts[k + 1].start if k + 1 < len(posts) else post.own_end
        controls = {content[j].norm.casefold() for j in range(post.own_end if post.header else after, after)}
        if "replies" in controls:
            group = k
        elif "reply" in controls:
            group = None
        parent_line = False  # Layout: a 'Parent' link among the post's own controls ('Link' / 'Parent' / 'Reply')
        for j in range(post.start, after):
            norm = content[j].norm
            parent_line = parent_line or norm.casefold() == "parent" or bool(_PARENT_CONTROLS_RE.match(norm))
            tally = REPLY_TALLY_RE.search(norm)  # not 'View 3 more replies' (replies not shown)
            if tally:
                tallies[k] = int(tally.group("n"))
            replying = REPLY_CUE_RE.match(norm)
            if replying and cue.reply_to is None:
                cue.reply_to = replying.group("name").lstrip("@")
        if header is not None and k > 0 and cue.under is None and REPLY_FROM_RE.match(content[header.top].norm):
            cue.under = k - 1  # 'Reply from <business>' under the review it answers
        if header is not None:
            cue.to, cue.handle = header.to, header.handle
            cue.parent_link = header.parent_link or cue.under is None and parent_line
            level = shown[k]
            if level is None and len(ranked) > 1:
                level = ranked.index(indents[header.top]) + 1
            cue.depth = 1 if level is None and leveled else level
            if common and header.shape != common and shapes[header.shape] < shapes[common] and (
                    header.shape[0] != common[0] or (common[1] and not header.shape[1])):
                # Layout: a rarer header (a comment under an answer: 'Name · 1y' among 'Name · Answered 2y')
                # sits under the post above it.
                cue.under = next((n for n in range(k - 1, -1, -1) if posts[n].header
                                  and posts[n].header.shape == common), None)
            elif usual and header.shape[0] != usual[0] and layouts[header.shape[0::3]] < layouts[usual]:
                cue.under = next((n for n in range(k - 1, -1, -1) if posts[n].header
                                  and posts[n].header.shape[0::3] == usual), None)
        quoting = first_quoted = False
        above: str | None = None  # the text above the post, read once a quote in it needs it
        for j in range(post.start, post.own_end):
            norm = content[j].norm
            if thread.furniture.get(j) == "quote attribution":
                cue.quoted_name = cue.quoted_name or quote_attribution(norm)
                quoting, first_quoted = True, True
                continue
            quoting = quoting and next_to(content, j - 1)
            if quoting and not first_quoted:
                # Layout: the reply's own text right under the quote, no blank line between: a quote
                # copies text above it, so the first line found nowhere above ends it.
                above = above if above is not None else " ".join(ln.norm.casefold() for ln in content[:post.start])
                quoting = norm.casefold() in above
            first_quoted = False
            if norm.startswith(">") or quoting:
                cue.quoted.append(norm.lstrip("> "))
            elif j not in thread.furniture and j not in thread.summaries and not line_boilerplate(content[j]):
                cue.own_lines.append(norm if post.sig_at is None else normalize_text(content[j].text[: post.sig_at]))
        cues.append(cue)
    # Layout: 'Like | Reply · 2 Replies' under a post with no nesting shown: the next two posts answer it.
    for k, n in tallies.items():
        # Replies that name what they answer ('↩ reply to ann') are counted in the tally of the post they
        # name, wherever they sit; the rest of a tally are the posts right under it.
        names = {posts[k].who.casefold(), (posts[k].header.handle or "").casefold() if posts[k].header else ""}
        n -= sum(1 for cue in cues[k + 1:] if cue.reply_to and cue.reply_to.casefold() in names)
        for cue in cues[k + 1:k + 1 + max(n, 0)]:
            if cue.depth is None and cue.under is None and cue.reply_to is None:
                cue.under = k
    return cues


def lone_byline(content: list[Line], lo: int, end: int, article: Doc) -> str | None:
    """Layout: a header (writer and date, header_at) between the title and the text of a page
    that is no thread ('Anna Pohl anna at example.org' / 'Mon Mar 4 09:12:44 2024'): its writer
    wrote the article, and its lines become bylines in `article`'s blocks. `lo`: the line after the title."""
    prose = next((i for i in range(lo, end) if is_prose(content[i].norm)), end)
    header = next((h for h in find_headers(content[:prose], lo)), None)
    if header is None:
        return None
    spans = {content[j].start for j in range(header.top, header.bottom + 1)}
    article.blocks = [Block("boilerplate", b.start, b.end, "byline") if b.start in spans else b for b in article.blocks]
    return header.who


def _thread_comment_blocks(content: list[Line], post: _Post, end: int, thread: Thread) -> list[Block]:
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
            post_furniture(line) if j >= post.own_end else None) or (
            "header over another header" if j in thread.summaries else None)
        if why:
            blocks.append(Block("boilerplate", line.start, line.end, why))
        elif BULLET_RE.match(line.norm) or NUMBER_RE.match(line.norm):
            blocks.append(Block("list_item", line.start, line.end, "list marker"))
        else:
            blocks.append(Block("body", line.start, line.end, "comment text"))
    return blocks


def thread_page(text: str, content: list[Line], lo: int, head_blocks: list[Block],
                meta: dict[str, str], writer_above: str | None, thread: Thread, titled: bool = True,
                sure_title: bool = False) -> list[Doc]:
    """The article and comments of a thread read from its headers (read_thread); `lo` and `titled` as there;
    `sure_title`: the line over `lo` is the title whatever its shape (as_title)."""
    marks = {content[j].start: why for j, why in thread.furniture.items()}
    laid = as_title(lay_out(text, content[lo - titled:thread.article_end], allow_title=titled, furnished=True),
                    sure_title)
    bylines = [text[b.start:b.end].strip() for b in laid if b.why == "byline"]
    summaries = {content[j].start for j in thread.summaries}
    blocks = head_blocks + [Block("boilerplate", b.start, b.end, marks[b.start])
                            if b.role != "title" and b.start in marks else
                            Block("boilerplate", b.start, b.end, "header over another header")
                            if b.role not in {"title", "boilerplate"} and b.start in summaries else b for b in laid]
    title_block = next((b for b in blocks if b.role == "title"), None)
    title = text[title_block.start:title_block.end] if title_block is not None else None
    submission = next((m for ln in content[lo:lo + 3] if (m := THREAD_META_RE.match(ln.norm))), None)
    # Layout: a submission's byline under the title ('submitted 2 days ago by x to Gardening', 'Posted by x on …').
    # Not 'Answered by x' (the accepted answer's writer, over the question).
    posted = None if bylines else next(((ln.start, a) for ln in content[lo:lo + 3] if (a := posted_by(ln.norm))
                                        and not ln.norm.casefold().startswith("answer")), None)
    if posted is not None:
        blocks = [Block("boilerplate", b.start, b.end, "post byline") if b.start == posted[0] and b.role != "title"
                  else b for b in blocks]
    if title is not None:
        title = TITLE_DOMAIN_RE.sub("", title)  # Layout: aggregator title '… (example.org)', '… (self.kayaks)'
    article = Doc("", "article", text, blocks[0].start, blocks[-1].end, blocks, title=title)
    own = thread.own.who if thread.own else None
    submitter = submission.group("name") if submission else posted[1] if posted is not None else None
    closing = next((m.group("name") for ln in content[lo:thread.article_end]
                    if (m := _CLOSING_BYLINE_RE.match(ln.norm))), None)
    article.author = (next((article_byline(s) or s for s in bylines), None) or meta.get("author")
                      or writer_above or submitter or closing or own)
    article.url, article.published = meta.get("url"), meta.get("published")
    count_at, declared = thread.count_at, thread.count
    if count_at is not None and _post_count(content[count_at].norm) and declared and thread.own:
        declared -= 1  # Layout: a forum's post count includes the opening post
    if submission is not None and count_at is None:
        declared = declared_count(submission.string)
    posts = thread.posts
    comments = []
    for n, post in enumerate(posts, start=1):
        end = posts[n].start if n < len(posts) else len(content)
        cblocks = _thread_comment_blocks(content, post, end, thread)
        doc = Doc(f"c{n}", "comment", text, cblocks[0].start, cblocks[-1].end, cblocks, comment_n=n)
        doc.author = None if post.who in DELETED_WRITERS else post.who
        comments.append(doc)
    article.declared_comment_count = declared
    article.found_comment_count = len(comments)
    article.thread_cue = content[count_at].norm if count_at is not None else content[posts[0].start].norm
    infer_replies(article, comments, _reply_cues(content, thread), thread.own.handle if thread.own else None,
                  opening_post=thread.own is not None)
    return [article, *comments]
