"""Post headers of any site: who wrote a post and when, on one to four lines, before or after its text.

`find_headers` reads every header after a page's title: a writer and a date on one line ('Ann Lee ·
3h', 'Post by x » date', 'Ann Lee — 03/12/2024 9:14 PM', '[–] x 21 points 6 hours ago'), a writer
on the short lines over a date ('Ann Lee' / '@annlee' / '·' / '3h'; 'Ann Lee (Town)' / date), a
writer under a date ('answered …' / 'x'), or a date that closes its post among the post's controls
('Like · Reply · 3d') with the writer on the lines that open it. pipeline/readers/text_posts.py cuts
threads from them; pipeline/readers/text.py asks `post_top` where a post with no title line starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.readers.layout import (
    AUTHOR_LINE_RE,
    BADGE_RE,
    CAMEL_HANDLE_RE,
    CARD_STATUS_RE,
    DELETED_WRITERS,
    JOB_TITLE_RE,
    MAIL_HEADER_RE,
    MONTH_DATE_RE,
    NAV_ITEM_RE,
    PARENT_LINK_RE,
    PROFILE_FIELD_RE,
    PROFILE_LABEL_RE,
    PROFILE_PART_RE,
    QUOTE_ATTRIBUTION_RE,
    REPLY_ARROW,
    REPLY_CUE_RE,
    REPUTATION_RE,
    SUBJECT_RE,
    THREAD_META_RE,
    UNNAMED_RE,
    WHEN_RE,
    Line,
    article_byline,
    comment_byline,
    handle_byline,
    inline_who,
    is_single_sentence,
    name_and_more,
    post_furniture_reason,
    site_furniture_reason,
    when_in,
    who_of,
)
from pipeline.readers.text_blocks import is_prose, line_boilerplate
from pipeline.readers.threads import looks_like_name


@dataclass(frozen=True)
class Header:
    """A post's header: its writer and when they wrote, on one to four lines."""

    top: int  # content index of its first line (the writer's name, or the date line)
    bottom: int  # content index of its last line
    who: str
    to: str | None  # whom it says the post answers ('Ann Lee Mod > Cy Diaz • 2 years ago')
    trailing: bool  # the writer printed under the date: the header closes its post (Q&A answers)
    shape: tuple[str, str, str, str]  # where the writer is, header words, separator, kind of date
    parent_link: bool  # '… 7 hours ago | parent | next'
    handle: str | None = None  # the writer's '@handle' under a display name ('Ann Lee' / '@annlee')
    closing: int | None = None  # content index of the post's closing date line ('Like · Reply · 3d')


_SEPARATORS = "·•|»:,–—-"
_WORDS_RE = re.compile(r"[A-Za-z]+")
_NOT_A_WRITER = {"published", "posted", "updated", "edited", "modified", "answered", "asked", "commented",
                 "replied", "date", "sent", "on", "at", "by", "created", "joined", "started"}
# Layout: links between the comments of an aggregator thread ('| parent | next [–]', '| prev').
_COMMENT_LINKS_RE = re.compile(r"\|\s*(?:parent|next|prev|root)\b", re.I)
_SIGNED_UNDER_RE = re.compile(r"^posted by:\s+(?P<name>\w[\w.'’\- ]{0,39}?)\s*[|·•]", re.I)
_TRAILING_WORDS = {"answered", "asked", "posted", "commented", "replied", "wrote"}


# Layout: a comment's number before its writer in a numbered comment list ('1. Ann Lee says:').
_COMMENT_NUMBER_RE = re.compile(r"^\d{1,4}\.\s+(?=\S)")


def _short_header_line(norm: str) -> bool:
    """A line that can sit in a header: a few words, no sentence ('Ann said...' is none; a comment's number
    aside: '1. Ann Lee says:')."""
    norm = _COMMENT_NUMBER_RE.sub("", norm)
    if len(norm.split()) > 8:
        return False
    return (bool(AUTHOR_LINE_RE.match(norm) or _INITIAL_AND_NAME_RE.match(norm))  # 'K. Osei', 'Jess W.': no sentences
            or is_single_sentence(norm) and not norm.endswith((".", "?", "!")))


# A writer named by one capitalised word ('Marta'), a handle of joined capitalised words ('TabbyTed'),
# or a first name and an initial ('Wendy O').
_ONE_NAME_RE = re.compile(r"[A-Z][a-z'’\-]{1,20}")
# A business writing as itself, its name joined by '&' ('Hearth & Hollow Bakery').
_FIRM_NAME_RE = re.compile(r"[A-Z][\w'’]+(?: [A-Z][\w'’]+)* & [A-Z][\w'’]+(?: [A-Z][\w'’]+){1,3}")
REPLY_FROM_RE = re.compile(r"^(?:reply|response) from\s+(?!the\b)(?P<name>\S.{1,60})$", re.I)
_NAME_INITIAL_RE = re.compile(r"[A-Z][a-z'’\-]{1,20} [A-Z]")
_INITIAL_AND_NAME_RE = re.compile(r"^[A-Z]\.\s+[A-Z][\w'’\-]+$|^[A-Z][\w'’\-]+\s+[A-Z]\.$")  # 'K. Osei', 'Jess W.'


# Layout: labels of a thread's summary over or under their values ('created' / 'Mar 4', 'last reply'), an
# avatar's alt text and a forum table's column heads ('Author Message'): no writer's names.
_NOT_WRITER_LINES = {"created", "last reply", "last post", "latest reply", "started", "replies", "views", "users",
                     "likes", "links", "activity", "frequent posters", "avatar", "online", "offline",
                     "author message", "submitted"}


@lru_cache(maxsize=1 << 14)  # a thread prints the same names over and over
def writer_line(norm: str) -> str | None:
    """The writer a line over a date names: what who_of() accepts, a name with an address or a
    badge after it, one capitalised name ('Marta'), a handle of joined words ('PeggyOnTheGreen') or a
    first name and an initial ('Wendy O'); not a thread summary's label ('created') or 'Avatar'."""
    if norm.casefold() in _NOT_WRITER_LINES:
        return None
    norm = _COMMENT_NUMBER_RE.sub("", norm)  # '1. Ann Lee says:' in a numbered comment list
    if byline := article_byline(norm):
        return byline  # 'By Ann Lee' over a date
    if norm.lower() in DELETED_WRITERS:
        return norm.lower()  # '[deleted]' over '·' / '3 hr. ago': a post whose writer is gone
    if answer := REPLY_FROM_RE.match(norm):
        return answer.group("name")  # 'Reply from Paws at Home Pet Sitting' over a date: a business answers a review
    if account := _FEDERATED_ACCOUNT_RE.match(norm):
        return account.group("user")  # 'tamsin_okafor@bramble.example' over '· 13h': an account on another server
    if name := who_of(norm):
        return name if " " not in name or looks_like_name(name.split()[0]) or UNNAMED_RE.match(name) else None
    m = name_and_more(norm)
    if m and (name := who_of(m.group("name")) or (
            _ONE_NAME_RE.fullmatch(m.group("name")) and looks_like_name(m.group("name")) and m.group("name"))):
        return name  # 'Ann Lee (Harbourside)', 'Leah (PawPlanner Team)'
    if CAMEL_HANDLE_RE.fullmatch(norm) or _NAME_INITIAL_RE.fullmatch(norm) or _FIRM_NAME_RE.fullmatch(norm):
        return norm  # 'PeggyOnTheGreen', 'Wendy O', 'Hearth & Hollow Bakery'
    if _ONE_NAME_RE.fullmatch(norm) and looks_like_name(norm) and not (
            NAV_ITEM_RE.match(norm) or BADGE_RE.match(norm) or post_furniture_reason(norm) or WHEN_RE.match(norm)):
        return norm
    return None


# Layout: a federated link aggregator's writer, an account and its server ('tamsin_okafor@bramble.example').
_FEDERATED_ACCOUNT_RE = re.compile(r"^(?P<user>[A-Za-z0-9_][\w.\-]{0,29})@[a-z0-9\-]+(?:\.[a-z0-9\-]+)+$")
# Layout: a handle on its own line under a display name ('@annlee', '@ann@example.social').
_AT_HANDLE_RE = re.compile(r"^@(?P<handle>[A-Za-z0-9_][\w.\-]{0,29})(?:@[\w.\-]+)?$")


def _one_line_card(norm: str) -> str | None:
    """Layout: a forum writer's card on one line, the name first, the fields after it joined by '·'
    ('fretbuzz_finn · Member · Joined Jun 2021 · Messages 212 · Location Derby'): the writer, or None."""
    parts = [q.strip() for q in norm.split("·")]
    if len(parts) < 3 or len(norm) > 200:
        return None
    fields = sum(bool(PROFILE_PART_RE.match(q) or CARD_STATUS_RE.match(q)) for q in parts[1:])
    return who_of(parts[0]) if fields >= 2 else None


def _writer_rank(content: list[Line], j: int) -> tuple[int, str] | None:
    """(rank, writer) of line j as the writer's line of a header, lower ranks first: a byline ('By Ann
    Lee') or a display name over an '@handle' line ('benji on wheels' / '@benjiwheels'), a name or
    handle, one capitalised word ('Marta'); None if it names nobody."""
    norm = content[j].norm
    if byline := article_byline(norm):
        return 0, byline
    if card := _one_line_card(norm):
        return 0, card
    if (next_to(content, j) and _AT_HANDLE_RE.match(content[j + 1].norm) and not _AT_HANDLE_RE.match(norm)
            and len(norm.split()) <= 5 and _short_header_line(norm) and not post_furniture(content[j])):
        return 0, norm
    name = writer_line(norm)
    if name is None or CARD_STATUS_RE.match(norm) or BADGE_RE.match(norm) or post_furniture_reason(norm):
        return None  # a rank or a badge on a card ('Senior Member', 'BenchBook Team'), a scrubber's 'Original Post'
    # A handle of joined words ('MarlowesMum') outranks one capitalised word, which may be a rank ('Regular').
    return (2 if _ONE_NAME_RE.fullmatch(norm) and not CAMEL_HANDLE_RE.fullmatch(norm) else 1), name


# Layout: an edit note naming its editor, on the line under a post's header.
_EDITED_BY_RE = re.compile(r"^(?:last\s+)?edited\s+by\s+\S{1,40}\s*$", re.I)
_FIGURE_RE = re.compile(r"[\d.,]+[kKmM]?")
_EDITED_RE = re.compile(r"^\s*(?:last\s+)?edited(?:\s+on)?\s*$", re.I)  # the words before an edit note's date
SEPARATOR_LINES = {"·", "•", "∙", "|"}  # a lone separator between the fields of a header


def _card_fields(content: list[Line], i: int, lo: int) -> int:
    """Line i, or the first line of the forum profile fields right over it ('Joined' / 'Jan 14, 2024' /
    'Messages' / '23' / 'Location' / 'Utrecht' over 'Mar 3, 2024'; 'Hero Member' / '*****' / 'Offline' /
    'Posts: 812' / 'Re: …' over '« Reply #1 on: …'). A card states a number or a date: a menu item over
    a name ('Messages' / 'Ann Lee') is none."""
    top, counted = i, False
    if top - 2 >= lo and next_to(content, top - 1) and next_to(content, top - 2) and (
            SUBJECT_RE.match(content[top - 1].norm) or CARD_STATUS_RE.match(content[top - 2].norm)
            or PROFILE_FIELD_RE.match(content[top - 2].norm)):
        top -= 1  # the post's subject or number ('#4'), between its writer's card and its date
    while top - 1 >= lo and next_to(content, top - 1):
        above = content[top - 1].norm
        if CARD_STATUS_RE.match(above):
            top -= 1  # 'Offline', '*****': counted only with a field beside them
        elif PROFILE_FIELD_RE.match(above):
            top, counted = top - 1, True
        elif top - 2 >= lo and next_to(content, top - 2) and PROFILE_LABEL_RE.match(content[top - 2].norm):
            top, counted = top - 2, counted or bool(_FIGURE_RE.fullmatch(above) or WHEN_RE.fullmatch(above))
        else:
            break
    return top if counted else i


def _credential_line(norm: str) -> bool:
    """Layout: a Q&A writer's credential under their name, longer than a header line but no sentence
    ('Floor and wall tiler, 22 years in the trade', 'Lives in Bristol · Did our own bathroom in 2021')."""
    return 8 < len(norm.split()) <= 14 and is_single_sentence(norm) and not norm.endswith((".", "?", "!", ":"))


def _joined_credential(content: list[Line], i: int, lo: int, before: str) -> bool:
    """Layout: a Q&A writer's credential and the date on one line, right under the writer's name
    ('Owen Strickland' / 'Runs a two-person print shop · 3y')."""
    credential, sep, _ = before.rstrip().rpartition("·")
    if not (sep and 1 <= len(credential.split()) <= 14 and is_single_sentence(credential)
            and not credential.rstrip().endswith((".", "?", "!", ":"))):
        return False
    j = i - 1
    while j - 1 >= lo and next_to(content, j - 1) and BADGE_RE.match(content[j].norm):
        j -= 1  # a badge between the name and the credential ('Ann Lee' / 'Admin' / 'Community lead · 2d')
    return j >= lo and next_to(content, j) and writer_line(content[j].norm) is not None


def _writer_over(content: list[Line], i: int, lo: int, credential: bool = False) -> tuple[int, str] | None:
    """(line, writer) of the writer named on the short lines right over line i, up to four lines
    up ('Jonas Feld' / '• 1st' / 'Camera Technician' / '2d'; 'Ann Lee' / '@annlee' / '·' / '3h'),
    past a forum writer's profile fields and, when line i is a bare date (`credential`), past a Q&A
    writer's credential: the best-ranked writer line (_writer_rank), the topmost of equals."""
    best: tuple[int, int, int, str] | None = None
    fields = _card_fields(content, i, lo)
    # Layout: a card's name and rank may sit over its fields with blank lines between (phpBB's subSilver).
    gap = fields < i and fields - 1 >= lo and content[fields].index - content[fields - 1].index <= 3
    if fields == i and i - 2 >= lo and next_to(content, i - 1) and _FIGURE_RE.fullmatch(content[i - 1].norm) and (
            content[i - 1].index - content[i - 2].index <= 3):
        fields, gap = i - 1, True  # the writer's post count over the date, apart from their card (Invision)
    i = fields
    budget, first = 4, True  # lines looked at; a lone separator or a follow button costs none
    for j in range(i - 1, max(lo, i - 8) - 1, -1):
        norm = content[j].norm
        if not next_to(content, j) and not (gap and j == i - 1) or budget == 0:
            break
        if norm in SEPARATOR_LINES or norm.casefold() == "follow":
            continue  # 'Dana Whitlock' / '·' / 'Follow' / credential / '·' / 'Updated Mar 4'
        if avatar_letter(norm):
            break  # an avatar's letter tops the header ('T' / 'tess_okafor' / 'Tess Okafor' / 'Mar 4')
        if j < i - 1 and (BADGE_RE.match(norm) or REPLY_CUE_RE.match(norm) or PROFILE_FIELD_RE.match(norm)
                          or (JOB_TITLE_RE.search(norm) and len(norm.split()) <= 6)):
            continue  # 'OP' / 'Rank: Bronze' / 'Office Manager' / 'Replying to ann' between the name and the date
        budget -= 1
        if credential and first and _credential_line(norm):
            first = False
            continue  # 'Floor and wall tiler, 22 years in the trade' between the name and the date
        first = False
        if not (_short_header_line(norm) or MAIL_HEADER_RE.match(norm) or _one_line_card(norm)):
            break  # a mail header's lines ('From:' / 'Subject: …' / 'Date:') and a card on one line may be long
        ranked = _writer_rank(content, j)
        # Among equals, a name over its badges or right over the date beats a group's or site's name over it.
        carded = 0 if j == i - 1 or _badge_line(content[j + 1].norm) else 1
        if ranked and (best is None or (ranked[0], carded) <= best[:2]):
            best = (ranked[0], carded, j, ranked[1])
    return (best[2], best[3]) if best else None


def avatar_letter(norm: str) -> bool:
    """Layout: a writer's avatar copied as the capital letter it shows ('T' over 'tess_okafor')."""
    return len(norm) == 1 and norm.isupper()


_HANDLE_TOKEN_RE = re.compile(r"(?:^|\s)@(?P<handle>[A-Za-z0-9_][\w.\-]{0,29})")


def _handle_in(content: list[Line], top: int, bottom: int) -> str | None:
    """The '@handle' printed among a header's lines ('@annlee', 'Ann Lee @annlee · 3h'), or None; else a
    bare handle right over the writer's name, under their avatar's letter ('T' / 'tess_okafor' / 'Tess Okafor')."""
    at = next((m.group("handle") for j in range(top, bottom + 1)
               if (m := _HANDLE_TOKEN_RE.search(content[j].norm))), None)
    if at is None and top >= 2 and next_to(content, top - 1) and next_to(content, top - 2) and (
            avatar_letter(content[top - 2].norm)):
        bare = _BARE_HANDLE_RE.fullmatch(content[top - 1].norm)
        at = bare.group(0) if bare else None
    return at


_BARE_HANDLE_RE = re.compile(r"[a-z0-9][\w.\-]{1,29}")


def _closing_line(norm: str, when: re.Match[str]) -> bool:
    """A post's closing line: its date among controls or another date only ('Like · Reply · 3d',
    '4:12 PM · Mar 9, 2024', 'Mar 2, 2024, 08:41')."""
    parts = [p for p in re.split(r"\s*[·•∙|]\s*", norm[: when.start()] + " · " + norm[when.end():]) if p.strip()]
    return all(WHEN_RE.fullmatch(p) or post_furniture_reason(p) for p in parts)


_POST_SPAN = 24  # a post whose date closes it is looked for this many lines up (bounds the work)


def _closing_header(content: list[Line], i: int, lo: int, kind: str) -> Header | None:
    """Layout: a post whose date closes it, among its controls ('Like · Reply · 3d'), and whose
    writer is named on the short lines that open it ('Ann Lee' / 'Top fan' / text; 'Ann Lee' /
    '@annlee' / text / '4:12 PM · Mar 9, 2024'). The post starts after the furniture or date line
    above it; the header is its writer's line and the badge lines under it."""
    j, top, ranked = i - 1, None, None
    # Layout: the post's controls between its text and the date ('Upvote (14)' / 'Reply' / 'Share' / '1d ago').
    while j > lo and next_to(content, j) and post_furniture_reason(content[j].norm) and not when_in(content[j].norm):
        j -= 1
    while j >= lo and i - j <= _POST_SPAN and not _ends_a_post(content[j].norm):
        # The writer's line is the first of the span with text under it; lines over it end what comes before.
        if j < i - 1 and _short_header_line(content[j].norm) and (rank := _writer_rank(content, j)):
            top, ranked = j, rank
        j -= 1
    if i - j > _POST_SPAN or top is None or ranked is None or ranked[0] == 2 and not looks_like_name(ranked[1]):
        return None
    bottom = top
    while bottom + 2 < i and next_to(content, bottom) and _card_line(content[bottom + 1].norm):
        bottom += 1
    return Header(top, bottom, ranked[1], None, False, ("closing", "", "", kind), False,
                  handle=_handle_in(content, top, bottom), closing=i)


def _ends_a_post(norm: str) -> bool:
    """A line over a post whose date closes it that ends what comes before: a date (the post above
    closed by its own), controls or counters, a menu item. Cheaper than post_furniture(): it is
    asked of every line a closing date looks back over."""
    return bool(when_in(norm) or post_furniture_reason(norm) or NAV_ITEM_RE.match(norm))


def _text_between(content: list[Line], top: int, i: int) -> bool:
    """Layout: a writer's name, a short text, then a date that closes the post, not a header over
    its post ('Ann Lee' / 'Great idea' / '2d' / 'Like' / 'Reply' / 'Bob Kerr'): a line between the
    name and the date that is no part of a writer's card, and under the date, past its controls,
    the next writer or the end of the page rather than text."""
    k = i + 1
    while k < min(len(content), i + 6) and _ends_a_post(content[k].norm):
        k += 1
    if k < len(content) and (is_prose(content[k].norm) or _writer_rank(content, k) is None):
        return False
    return not all(_card_line(content[k].norm) or post_furniture(content[k]) for k in range(top + 1, i))


def _badge_line(norm: str) -> bool:
    """A handle, a badge ('Author', '• 2nd', '(Moderator)') or a lone separator under a writer's name."""
    return bool(_AT_HANDLE_RE.match(norm) or BADGE_RE.match(norm) or post_furniture_reason(norm)
                or name_and_more("x " + norm))


def _card_line(norm: str) -> bool:
    """A line of a writer's card under their name: a badge line, or a label of two words ('Top fan')."""
    return _badge_line(norm) or (len(norm.split()) <= 2 and _short_header_line(norm) and not norm.endswith((",", ":")))


def _writer_apart(content: list[Line], i: int, lo: int) -> int | None:
    """Layout: a writer's name (or display name and handle) as a paragraph of its own over a
    date that is a paragraph of its own ('brewsy_dee' / blank / 'Mar 12'); the index of the
    name's first line, or None."""
    j = i - 1
    if j < lo or next_to(content, j) or content[i].index - content[j].index > 2:
        return None
    top = j - 1 if j - 1 >= lo and next_to(content, j - 1) else j
    if top > lo and next_to(content, top - 1):
        return None  # more than two lines: not a name paragraph
    return top if all(writer_line(content[k].norm) for k in range(top, j + 1)) else None


def next_to(content: list[Line], i: int) -> bool:
    """Line i+1 follows line i with no blank line between."""
    return i + 1 < len(content) and content[i + 1].index == content[i].index + 1


def header_at(content: list[Line], i: int, lo: int) -> Header | None:
    """The header whose date is on line i, or None. The writer is named on the date line
    ('Doweled_Dan · 6h ago', 'Post by X » date', 'Ann Lee — 03/12/2024 9:14 PM', '[–] x 21 points
    6 hours ago', 'Ann Lee @annlee · 3h', 'answered Mar 3 by Ann Lee': a trailing header), on short
    lines up to four lines above it ('brewsy_dee' / 'Mar 12'; 'Jonas Feld' / '• 1st' / 'Camera
    Technician' / '2d'; 'Ann Lee' / '@annlee' / '·' / '3h'; 'Ann Lee (Town)' / date; 'From: …' /
    'Date: …'), right under it ('answered Mar 3 at 11:47' / 'tomas_vrba': a trailing header), or on
    the lines opening a post the date closes (_closing_header)."""
    norm = content[i].norm
    m = when_in(norm)
    if m is None and i - 1 >= lo and next_to(content, i - 1) and PROFILE_FIELD_RE.match(content[i - 1].norm):
        m = MONTH_DATE_RE.match(norm)  # 'Posts: 27' / 'Joined: Sep 2022' / 'March 2024'
    if m is None or _submission_line(norm) or quote_attribution(norm) or (
            PROFILE_FIELD_RE.match(norm) and not _CARD_THEN_DATE_RE.match(norm)) or (
            i - 1 >= lo and next_to(content, i - 1) and _DATE_LABEL_RE.match(content[i - 1].norm)):
        return None  # an aggregator's submission line; 'X wrote: ↑date' over a quote; 'Joined' / a date
    if _in_scrubber(content, i, lo):
        return None  # 'Mar 4' / '1 / 9' / 'Mar 6': a forum's timeline beside its posts, no post
    before, after = norm[: m.start()], norm[m.end():]
    if _VIEWS_RE.search(before):
        return None  # '22K views  4 months ago': a video's or article's card, no post
    if _LAUNCHED_RE.search(before):
        return None  # 'By Ann Lee · Launched 3 years ago': a publication's age in its sign-up box, no post
    if _EDITED_BY_RE.match(before) or _EDITED_RE.match(before) and re.match(r"\s*by\b", after, re.I):
        return None  # 'last edited by ann Mar 13, 2024, 8:24 PM', 'Edited March 6 by Ann Lee': an edit note
    before = _CARD_THEN_DATE_RE.sub("", _POST_ICON_RE.sub("", before))
    who, header_words = inline_who(_comment_score_line(norm) or before, after)
    # Layout: 'Posted by: Ann Lee | March 2, 2009 at 08:42 PM' under a comment (older blog engines) closes it.
    signed = _SIGNED_UNDER_RE.match(norm)
    if who is None and signed:
        who = signed.group("name")  # the name the engine printed: 'Kev in Leeds', 'Marguerite'
    to = None
    known = comment_byline(norm) if m.start() > 0 else None  # not 'Tuesday 5 March 2024'
    if known and known[0].casefold() not in _NOT_A_WRITER and not WHEN_RE.search(known[0]):
        # 'Ann Lee Mod > Cy Diaz • 2 years ago'; not '… by Omar Said' read as 'X said'
        who, to = known
    if to is None and (spaced := _spaced_reply(content[i].text)):
        who, to = spaced
    words_ = set(header_words.split())
    kind = "relative" if m.group("rel") else "calendar"
    closing = who is None and _closing_line(norm, m)
    if closing and before.strip(_SEPARATORS + " "):
        return _closing_header(content, i, lo, kind)  # 'Like · Reply · 3d' closes its post
    if before.strip(_SEPARATORS + " ") and who is None and not header_words and not _joined_credential(
            content, i, lo, before):
        return None  # text before the date that names nobody ('Version 2 shipped Mar 3')
    stripped = before.rstrip()
    separator = stripped[-1] if stripped and stripped[-1] in _SEPARATORS else ""
    top = bottom = i
    # Layout: 'answered Mar 3, 2024 at 9:12 by Ann Lee' under an answer (a Q&A user card) closes its post.
    where, trailing = "inline", bool(words_ & {"answered", "asked"} and re.match(r"\s*by\b", after, re.I))
    trailing = trailing or signed is not None
    bare = not (before + after).strip(" ·•|,")  # the date alone on its line
    if who is None and next_to(content, i) and words_ & _TRAILING_WORDS and who_of(content[i + 1].norm) and not (
            quote_attribution(content[i + 1].norm)):  # not 'Posted 3 days ago' / 'Tamsin Hale said:' over a quote
        bottom, who, where, trailing = i + 1, who_of(content[i + 1].norm), "below", True
    elif who is None and (bare or not (before + _POST_ID_RE.sub("", after)).strip(" ·•|,")) and (
            card := _card_under(content, i)):  # the date alone, or with the post's id ('… #18342')
        bottom, who, where = *card, "over a card"  # 'Old 03-09-2024, 04:12 PM' / 'ann_lee' / 'Posts: 38'
    elif who is None and bare and i - 1 >= lo and next_to(content, i - 1) and (
            pair := _spaced_names(content[i - 1].text)):
        (who, to), top, where = pair, i - 1, "above"  # 'Kit Marchbank Mod  Aoife Garrihy' / '• 2 years ago'
    elif who is None:
        over = _writer_over(content, i, lo, credential=bare or (
            bool(words_) and not _WORDS_RE.sub("", before + after).strip(" ·•|,")))
        if over is None and not (before + after).strip(" ·•|"):
            apart = _writer_apart(content, i, lo)
            over = (apart, writer_line(content[apart].norm)) if apart is not None else None
        if over is None or closing and _text_between(content, over[0], i):
            return _closing_header(content, i, lo, kind) if closing else None
        (top, who), where = over, "above"
    while next_to(content, bottom) and (MAIL_HEADER_RE.match(content[bottom + 1].norm)
                                        or REPUTATION_RE.match(content[bottom + 1].norm)
                                        or BADGE_RE.match(content[bottom + 1].norm)):
        bottom += 1  # 'Date:' under 'From:'; a reputation line; a badge under the header ('Author')
    if who is None:
        return None
    return Header(top, bottom, who, to, trailing, (where, header_words, separator, kind),
                  bool(PARENT_LINK_RE.search(after)), handle=_handle_in(content, top, bottom))


# A writer card's label whose value, on the next line, is a date ('Joined' / 'Nov 2022'); not a column
# heading over the posts ('Author' / 'Posts').
_DATE_LABEL_RE = re.compile(r"^(?:join(?:ed| date)|member since|registered"
                            r"|last (?:comment|reply|post|activity)(?: posted)?)\s*:?$", re.I)
# Layout: a post's id after its date ('12 March 2024 at 7:41 pm #18342', bbPress).
_POST_ID_RE = re.compile(r"\s*#\d{1,10}\s*$")
_VIEWS_RE = re.compile(r"\b[\d.,]+\s*[kKmM]?\s+views?\b", re.I)
_LAUNCHED_RE = re.compile(r"\b(?:launched|founded|established)\s*$", re.I)
# Layout: a forum's post icon printed before the date ('Old 03-09-2024, 04:12 PM').
_POST_ICON_RE = re.compile(r"^\s*(?:old|new)\s+$", re.I)
# Layout: a writer's card before the post's date on its line ('Member since 2023 • 2d ago').
_CARD_THEN_DATE_RE = re.compile(r"^(?:member since|joined)\s+[^•·|]{1,30}[•·|]\s*", re.I)


# Layout: a forum's timeline scrubber, the reader's place among the posts between the first and last dates
# ('Mar 4' / '1 / 9' / 'Mar 6', Discourse).
_SCRUBBER_PLACE_RE = re.compile(r"^\d{1,5}\s*/\s*\d{1,5}$")


def _in_scrubber(content: list[Line], i: int, lo: int) -> bool:
    """Line i, a date, is one end of a timeline scrubber: the line next to it is the place ('1 / 9')."""
    return (i + 1 < len(content) and next_to(content, i) and bool(_SCRUBBER_PLACE_RE.match(content[i + 1].norm))) or (
        i - 1 >= lo and next_to(content, i - 1) and bool(_SCRUBBER_PLACE_RE.match(content[i - 1].norm)))


def _card_under(content: list[Line], i: int) -> tuple[int, str] | None:
    """(last line, writer) of a forum writer's card right under a date line: the writer's name, a
    member title or badges, then profile fields ('tommy_hydraulic' / 'Senior Member' / 'Join Date: Apr
    2011' / 'Posts: 4,211'), or a guest's name and 'Guest'; None unless a profile field follows within six
    lines."""
    writer = writer_line(content[i + 1].norm) if i + 1 < len(content) else None  # a date on the last line
    if writer is None:
        return None
    last = None
    for k in range(i + 2, min(len(content), i + 8)):
        if content[k].index - content[k - 1].index > 2:
            break
        norm = content[k].norm
        if PROFILE_FIELD_RE.match(norm):
            last = k
        elif last is not None or not _card_line(norm):
            break
    if last is None and i + 2 < len(content) and next_to(content, i + 1) and _GUEST_RE.match(content[i + 2].norm):
        last = i + 2  # a guest's card has no fields ('Anonymous' / 'Guest')
    return (last, writer) if last is not None else None


_GUEST_RE = re.compile(r"^(?:guest|unregistered|visitor)$", re.I)


def _spaced_reply(raw: str) -> tuple[str, str] | None:
    """Layout: a reply's header naming whom it answers after a gap of spaces, where the copy dropped
    the arrow between ('Rufus Tennant  Aoife Garrihy • 2 years ago', 'Kit Marchbank Mod  Aoife Garrihy
    • 2 years ago'): (writer, whom they answer), or None."""
    when = WHEN_RE.search(raw)
    return None if when is None else _spaced_names(raw[: when.start()])


def _spaced_names(raw: str) -> tuple[str, str] | None:
    """(writer, whom they answer) of a header's names printed apart by a gap of spaces, where the copy
    dropped the arrow between ('Kit Marchbank Mod  Aoife Garrihy'), or by the arrow on a line of their
    own over the date ('Deb Kowalski > Walt Prosser' / '• 2 days ago'), or None."""
    arrowed = _REPLY_ARROW_RE.split(raw.strip())
    if len(arrowed) == 2:
        parts = [p for p in (q.strip(" ·•|") for q in arrowed) if p]
    elif re.search(r"\S(?: {2,}|\t)\S", raw.strip()):
        parts = [p for p in (q.strip(" ·•|") for q in re.split(r"\s{2,}|\t", raw.strip())) if p]
    else:
        return None
    if len(parts) != 2:
        return None
    words = parts[0].split()
    if len(words) > 1 and BADGE_RE.match(words[-1]):
        words = words[:-1]  # 'Mod', 'Author'
    who, to = (who_of(part) or writer_line(part) for part in (" ".join(words), parts[1]))
    return (who, to) if who and to else None


_REPLY_ARROW_RE = re.compile(rf"\s*{REPLY_ARROW}\s*")  # splits a reply's writer from whom it answers


def _submission_line(norm: str) -> bool:
    """An aggregator's submission line ('51 points by x 3 hours ago | hide | 38 comments'); the
    same line without a comment count and with links between comments ('3 points by x 2 hours ago |
    parent | next') heads a comment."""
    m = THREAD_META_RE.match(norm)
    return m is not None and (m.group("count") is not None or not _COMMENT_LINKS_RE.search(norm))


def _comment_score_line(norm: str) -> str | None:
    """The writer part of a comment header that opens with the comment's score ('3 points by x 2 hours
    ago | parent'), as 'by x', or None."""
    m = THREAD_META_RE.match(norm)
    return f"by {m.group('name')}" if m else None


def submission_byline(norm: str) -> bool:
    """An article's own byline ('51 points by …', 'By Ann Lee', 'Posted by amy_c')."""
    return bool(THREAD_META_RE.match(norm) or article_byline(norm) or handle_byline(norm))


def find_headers(content: list[Line], lo: int) -> list[Header]:
    """Every header from line `lo` on, in order, none overlapping the one before."""
    headers: list[Header] = []
    for i in range(lo, len(content)):
        h = header_at(content, i, lo)
        if h is not None and (not headers or h.top > headers[-1].bottom):
            headers.append(h)
    return headers


@lru_cache(maxsize=1 << 16)  # the post finders ask about the same lines many times; lines are immutable
def post_furniture(line: Line) -> str | None:
    """Why a line around a thread's posts is furniture (controls, counters, menus, forms), or None."""
    return post_furniture_reason(line.norm) or line_boilerplate(line) or site_furniture_reason(line)


def quote_attribution(norm: str) -> str | None:
    """Whom a line says the quote under it is from ('X wrote:', 'On Mon, …, X wrote:', 'x_y:')."""
    m = QUOTE_ATTRIBUTION_RE.match(norm)
    if not m:
        return None
    name = (m.group("name") or m.group("poster") or m.group("handle") or "").strip()
    if re.fullmatch(r"[\w.+\-]+@[\w.\-]+", name):
        return name.split("@")[0]  # 'On Thu, 4 Apr 2024, nora@example.org wrote:'
    return who_of(name) or (name if m.group("handle") else None)


def post_top(content: list[Line], k: int, floor: int) -> int | None:
    """First line of the header that line k ends or belongs to (a social post with no title line:
    'Ann Lee' / '@annlee' over its text; 'Ann Lee' / 'Admin' / '3d'; 'Ann Lee @annlee · 5h'), or None."""
    h = header_at(content, k, floor)
    if h is not None and not h.trailing:
        return min(h.top, k)
    over = _writer_over(content, k, floor) if _AT_HANDLE_RE.match(content[k].norm) else None
    return over[0] if over else None
