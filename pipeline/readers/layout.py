"""Page layout rules shared by every reader: lines, roles, boilerplate cues and unicode cleaning."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

# ---------------------------------------------------------------------------------------------
# Unicode: offsets always index the raw text; analysis reads a cleaned copy.

# Characters that are layout, not content: every kind of space plus the zero-width ones.
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"

# Same-length substitutions, so a cleaned copy can be split and its offsets used on the raw text.
_SAME_LENGTH = {
    **{c: " " for c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
       "\u200a\u202f\u205f\u3000" + _ZERO_WIDTH},
    **{c: "'" for c in "\u2018\u2019\u201a\u201b\u2032"},
    **{c: '"' for c in "\u201c\u201d\u201e\u201f\u2033"},
}
_SAME_LENGTH_TABLE = str.maketrans(_SAME_LENGTH)


def is_space(ch: str) -> bool:
    return ch.isspace() or ch in _ZERO_WIDTH


def same_length_clean(text: str) -> str:
    """Spaces and quotes made plain, one character for one, so offsets carry over unchanged."""
    return text.translate(_SAME_LENGTH_TABLE)


def normalize_text(text: str) -> str:
    """Text for analysis: plain spaces and quotes, NFKC (… -> ...), whitespace collapsed."""
    text = unicodedata.normalize("NFKC", same_length_clean(text))
    return " ".join(text.split())


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow [start, end) so it neither starts nor ends with whitespace (unicode spaces included)."""
    while start < end and is_space(text[start]):
        start += 1
    while end > start and is_space(text[end - 1]):
        end -= 1
    return start, end


# ---------------------------------------------------------------------------------------------
# Lines: any of \r\n, \r, \n ends a line; nothing is normalised, so offsets stay on the raw text.

_EOL = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Line:
    index: int  # position among all lines (0-based)
    start: int  # content start (whitespace stripped)
    end: int  # content end (exclusive)
    indent: int  # leading whitespace characters
    text: str  # raw content

    @cached_property
    def norm(self) -> str:  # cached: every layout rule reads it, some many times over
        return normalize_text(self.text)


def split_lines(text: str, start: int = 0, end: int | None = None) -> list[Line | None]:
    """Every line of text[start:end]; blank lines are None so gaps stay visible."""
    end = len(text) if end is None else end
    out: list[Line | None] = []
    pos = start
    index = 0
    while pos <= end:
        m = _EOL.search(text, pos, end)
        line_end = m.start() if m else end
        s, e = strip_span(text, pos, line_end)
        out.append(Line(index, s, e, s - pos, text[s:e]) if s < e else None)
        index += 1
        if not m:
            break
        pos = m.end()
    return out


# ---------------------------------------------------------------------------------------------
# Markers

BULLET_RE = re.compile(r"^[•●○◦▪▫■□‣⁃∙➢►✓✔*\-]\s+(?=\S)")
NUMBER_RE = re.compile(r"^(\d{1,3})[.)]\s+(?=\S)")


def marker_length(text: str) -> int:
    """Length of a leading list marker ('• ', '3. ') including its spaces; 0 if none."""
    m = BULLET_RE.match(text) or NUMBER_RE.match(text)
    return m.end() if m else 0


# ---------------------------------------------------------------------------------------------
# Boilerplate: page furniture that is kept (role boilerplate) but never argued from.

_I = re.IGNORECASE
_NUMBER_WORDS = r"(?:\d{1,3}(?:,\d{3})+|\d+|no|one|two|three|four|five|six|seven|eight|nine|ten)"
# Layout: a vendor community's reply count printed twice ('7 REPLIES 7').
REPEATED_COUNT_RE = re.compile(r"^(?P<n>\d{1,5}) (?:repl(?:y|ies)|comments?) (?P=n)$", _I)
COMMENT_COUNT_RE = re.compile(
    rf"^(?:all\s+|search\s+)?{_NUMBER_WORDS}\s+(?:responses?|comments?|replies|reply|thoughts?|reactions?|trackbacks?)"
    r"(?:\s+(?:on|to)\b.*)?$",
    _I,
)
COMMENTS_HEADER_RE = re.compile(
    r"^(?:comments?|responses?|discussion(?: about this (?:post|article|story))?|(?:reader|your) comments"
    r"|\d+\s+comments?|top comments)"
    r"(?:\s*\(\d+\))?:?$", _I
)
# A person's name as bylines print it: capitalised words, initials with a full stop ('Priya N.').
_PARTICLES = ("de", "van", "von", "der", "da", "di", "le", "la")  # lower-case words inside a name
_PERSON = rf"(?:[A-Z][\w'’\-]+|[A-Z]\.)(?:\s+(?:[A-Z][\w'’\-]+|[A-Z]\.|{'|'.join(_PARTICLES)})){{0,3}}"
# 'Ann says:' (WordPress and most blog engines), 'Ann said...' (Blogger); a full stop only after an initial.
AUTHOR_LINE_RE = re.compile(
    r"^(?P<name>[^\s.!?,](?:[^.!?]|(?<=\b[A-Z])\.){0,48}?)\s+(?:says|said|wrote)\s*(?::|\.{3}|…)?$", _I)
_AGO = r"(?:\d+|an?|one)\s+(?:second|minute|hour|day|week|month|year)s?\s+ago"
_DATE = (r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}"
         r"|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}"
         r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})")
# The arrow between a reply's writer and whom it answers (Disqus-style threads).
REPLY_ARROW = "[>↪→➦↳▸►]"
# 'Ann Lee • 2 years ago', 'Tom Alvarez Mod > Ben Okafor • 2 years ago', 'Cy Diaz ↪ Ann Lee • 1 year ago'
# (Disqus-style threads).
DOT_BYLINE_RE = re.compile(
    rf"^(?P<name>{_PERSON})(?:\s*{REPLY_ARROW}\s*(?P<to>{_PERSON}))?\s*[•·|]\s*(?i:{_AGO}|{_DATE})\b.*$")
# An article's byline: 'By Tom Alvarez | 6 min read', 'Posted on March 3, 2019 by Dana Whitfield',
# 'Written by Ann Lee', 'Author: Ann Lee'.
ARTICLE_BYLINE_RE = re.compile(
    rf"^(?:(?:posted|published|written|updated)(?:\s+on\s+{_DATE})?\s+by|by|author:|written by"
    r"|(?:words|text|story|reporting) by)\s+"
    rf"(?P<name>{_PERSON})(?:\s*(?:[|•·,–—-]|\bon\b|\bin\b).*)?$", _I)
# Comment controls printed under each comment: '△ ▽ • Reply • Share ›', 'Reply • Share'.
COMMENT_CONTROLS_RE = re.compile(r"^(?:[△▲▽▼]\s*)+(?:[•·]\s*)?(?:reply\b.*)?$|^reply\s*[•·|]\s*share\b.*$", _I)


# A line that is nothing but a name ('Jordan Blake'): a byline when a date or 'Follow' comes next.
PERSON_LINE_RE = re.compile(rf"^{_PERSON}$")
# 'Follow' / 'Listen' / read time / clap and response counters printed around a post.
READ_TIME_RE = re.compile(r"^(?:\d+\s+min(?:ute)?s?\s+read)\b.*$", _I)
FOLLOW_RE = re.compile(r"^(?:follow|following|listen|clap|subscribe|member-only story)$", _I)
# The reading time alone on its line ('3 min read'): a card's or a byline's last line.
READ_TIME_ALONE_RE = re.compile(r"^\d{1,3}\s+min(?:ute)?s?\s+read$", _I)


_TIME = r"(?:\s*(?:at|,)?\s*\d{1,2}:\d{2}\s*(?:am|pm)?)?"
_WHEN_SUFFIX = re.compile(rf"\s*(?:,|\bon\b)?\s*(?i:{_DATE}){_TIME}\s*$")
# 'Ann Lee March 4, 2019 at 9:12 am': a name and a date on one line.
NAME_DATE_RE = re.compile(rf"^(?P<name>{_PERSON})\s*(?:,|\bon\b)?\s*(?i:{_DATE}){_TIME}$")
_BADGE = re.compile(r"\s+(?:Mod|Moderator|Admin|Author|Staff|Guest)$")  # a role badge after the name


def comment_byline(norm: str) -> tuple[str, str | None] | None:
    """(writer, whom they answer) from a comment's byline line, or None if it is not one."""
    m = AUTHOR_LINE_RE.match(norm)
    if m:  # 'Ann Lee on March 4, 2019 at 9:12 am said:' names Ann Lee
        return _WHEN_SUFFIX.sub("", m.group("name")).strip(), None
    m = NAME_DATE_RE.match(norm)
    if m:
        return m.group("name").strip(), None
    m = DOT_BYLINE_RE.match(norm)
    if m:
        name = _BADGE.sub("", m.group("name").strip())
        return name, (m.group("to") or "").strip() or None
    return None


# Layout: a writer's name with a follow button on one line ('Ann Lee · Follow').
_FOLLOW_BYLINE_RE = re.compile(rf"^(?P<name>{_PERSON})\s*[·•|]\s*(?i:follow|subscribe)$")


def article_byline(norm: str) -> str | None:
    """The writer an article's byline names ('By Tom Alvarez | 6 min read', 'Tom Alvarez · Follow' -> 'Tom Alvarez')."""
    m = ARTICLE_BYLINE_RE.match(norm) or _FOLLOW_BYLINE_RE.match(norm)
    if not m:
        return None
    name = m.group("name").strip()
    words = name.split()
    # 'By the way ...' and 'By Monday' are not bylines: a name here is two to four capitalised words.
    if not 2 <= len(words) <= 4 or not all(w[:1].isupper() or w in _PARTICLES for w in words):
        return None
    return name


DATE_LINE_RE = re.compile(rf"^(?:(?:posted|published|updated)\s+)?(?:on\s+)?{_DATE}{_TIME}$", _I)

_BOILERPLATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("comment count", COMMENT_COUNT_RE),
    ("comment controls", COMMENT_CONTROLS_RE),
    ("read time", READ_TIME_RE),
    ("trackback", re.compile(r"^(?:pingback|trackback)\s*:", _I)),
    ("share button", re.compile(r"^loading\s*(?:\.\.\.|…)?$", _I)),
    ("share button", FOLLOW_RE),
    ("counter", re.compile(r"^[\d.,]+\s*[KkMm]?$")),
    ("share button", re.compile(r"^like loading\.*$|^like this:?$|^related$", _I)),
    ("share button", re.compile(
        r"^(?:twitter|facebook|linkedin|reddit|pinterest|whatsapp|telegram|tumblr|pocket|mastodon"
        r"|bluesky|threads|x|email|e-mail|print|more)$", _I)),
    ("share button", re.compile(
        r"^(?:share|tweet|pin|e-?mail|print|like|save|click to share)"
        r"(?:\s+(?:it|this|on|to|via|with|the|post|article|story)\b(?:\s+\S+){0,3})?\s*[:!]?$", _I)),
    ("share button", re.compile(r"^share this (?:post|article|story|page)\b", _I)),
    ("share button", re.compile(r"^click to (?:share|email|print)\b.{0,80}\(opens in new window\)$", _I)),
    # Layout: a recipe card's buttons and ratings ('Jump to Recipe', 'Print Recipe Pin Recipe', '★★★★★ 4.9 from
    # 23 reviews'), ad slots, affiliate notes and a blog's sidebar headers.
    ("recipe card button", re.compile(r"^(?:(?:jump to|print|pin|rate|save)\s+recipe\s*)+$", _I)),
    ("rating", re.compile(r"^[★☆⭐]{3,5}(?:\s.{0,60})?$|^\d(?:\.\d)? from \d{1,6} (?:reviews|votes|ratings)$", _I)),
    ("advertisement", re.compile(r"^(?:advertisement|sponsored content|story continues below(?: advertisement)?)$",
                                 _I)),
    ("affiliate note", re.compile(r"\bmay contain affiliate links\b|\bas an amazon associate\b", _I)),
    ("sidebar header", re.compile(
        r"^(?:recent (?:posts|comments)|blog archive|archives|post navigation|popular posts|about me)$", _I)),
    ("photo credit", re.compile(
        r"^(?:photo|image|picture|header image|featured image|cover image|illustration)s?\s*"
        r"(?:credits?|courtesy|by)\b", _I)),
    ("photo credit", re.compile(r"\bvia (?:photopin|unsplash|pexels|flickr|shutterstock|getty|pixabay)\b", _I)),
    ("photo credit", re.compile(
        r"^(?:photo|image|picture)s?\s*:\s*(?:\S+\s+){0,3}(?:on\s+|via\s+|/\s*)?"
        r"(?:unsplash|pexels|flickr|shutterstock|getty(?: images)?|istock(?:photo)?|pixabay|adobe stock"
        r"|depositphotos|canva|wikimedia(?: commons)?)\.?$", _I)),
    ("republication note", re.compile(
        r"\b(?:originally published|first published|originally appeared|republished|re-published"
        r"|reprinted with|cross-?posted|this (?:post|article) (?:first )?appeared)\b", _I)),
    ("comment form", re.compile(
        r"^(?:please\s+)?enter your (?:comment|name|email|website)\b"
        r"|you have entered an incorrect|^leave a (?:reply|comment)\b|^cancel reply$|^post comment$"
        r"|^submit comment$|save my name,? email|^notify me of (?:follow-up|new)"
        r"|your email address will not be published|required fields are marked"
        r"|^comments are closed|\buse (?:the )?comments to\b|^maximum (?:one|\d+|a single) links?\b"
        r"|\b(?:will not|won't|do not|don't) publish\b|^comment policy|^log in to (?:reply|comment)"
        r"|^sign (?:up|in)\b.{0,30}\bto (?:join (?:this|the) conversation|comment)\b"
        r"|^reply$|^reply ↓$|^(?:comment|name|e-?mail|website|url)\s*\*?:?$", _I)),
    ("call to comment", re.compile(
        r"\byour opinion (?:is|matters)\b|\bwe(?:'d| would) love to hear\b"
        r"|\blet (?:me|us) know (?:what you think|in the comments|your thoughts)\b"
        r"|\bleave (?:a|your) (?:comment|thoughts)\b|\bfeel free to (?:comment|leave a comment|share your)"
        r"|\b(?:please\s+)?(?:e-?mail|send|post|leave|share) (?:me |us )?(?:your|a) "
        r"(?:comments?|thoughts|feedback|opinions?)\b"
        r"|\bjoin the (?:discussion|conversation)\b|\btell (?:me|us) what you think\b"
        r"|\bchallenge me on (?:twitter|linkedin|x)\b|\bfollow me on (?:twitter|linkedin|x)\b"
        r"|\bcomment below\b|\bin the comments below\b", _I)),
    ("link-only line", re.compile(
        r"\bclick here\b|^read more\b|^continue reading\b|\bread the full (?:article|post|story)\b", _I)),
    ("link-only line", re.compile(
        r"^(?:(?:you can )?(?:find|read|see|get|learn|check out|download|there(?:'s| is))\s+)?"
        r"(?:more|details|info|information)?\b.{0,80}\bhere(?:\s+and\s+here)?\s*(?:[.!…]|\.\.\.)*$", _I)),
    ("navigation", re.compile(
        r"^(?:related (?:posts|articles|reading)|tags?:|filed under|categories:|posted in\b"
        r"|subscribe\b|sign up for\b|previous (?:post|article)|next (?:post|article)|read next"
        r"|you may also like|about the author$)", _I)),
]

# A link-only sentence must also be *about* the link: these words say so.
_LINK_WORDS = re.compile(r"\b(?:more|find|read|see|details|info|information|learn|check|download)\b", _I)


def boilerplate_reason(norm: str) -> str | None:
    """Why a sentence or a one-sentence line is page furniture, or None. `norm` is normalize_text()."""
    text = norm.strip()
    if not text:
        return None
    for reason, pattern in _BOILERPLATE_PATTERNS:
        if pattern.search(text):
            lowered = text.lower()
            if (
                reason == "link-only line"
                and "click here" not in lowered
                and lowered.rstrip(".!… ").endswith("here")
                and not _LINK_WORDS.search(text)
            ):
                continue
            if reason == "share button" and len(text.split()) > 8:
                continue
            return reason
    return None


# Sentence ends inside a line: punctuation, optional closing quote, space, then a capital.
_INNER_BREAK = re.compile(r"[.!?…][\"'”’)]*\s+[\"'“‘(]*[A-Z]")


def is_single_sentence(norm: str) -> bool:
    return _INNER_BREAK.search(norm) is None


# ---------------------------------------------------------------------------------------------
# Short standalone lines: title, heading or caption?

_TERMINAL = ".,;:!?…"
CAPTION_PREFIX_RE = re.compile(
    r"^(?:source|sources|image|figure|fig\.|chart|graph|table|exhibit|diagram|illustration"
    r"|infographic|screenshot|via)\s*(?:\d+\s*[.:\-–—]|:)", _I
)
_FIGURE_NOUN_END_RE = re.compile(
    r"\b(?:matrix|diagram|chart|graph|canvas|infographic|illustration|screenshot|figure|image"
    r"|photo|picture|map|quadrant|table)s?$", _I
)
_FIGURE_NOUNS = r"(?:diagram|chart|figure|graph|matrix|image|picture|illustration|canvas)\s+(?:above|below)"
# Words are bounded: an unbounded word backtracked over a long run of letters (2.5 s at 20,000 characters).
_FIGURE_REFERENCE_RE = re.compile(r"((?:[\w'-]{1,40}\s+){1,4})" + _FIGURE_NOUNS, _I)
# The full pattern backtracks from every word; most texts lack the noun, found in one cheap pass.
_FIGURE_HINT_RE = re.compile(_FIGURE_NOUNS, _I)
_FUNCTION_WORDS = {
    "a", "an", "the", "and", "or", "but", "nor", "of", "in", "on", "at", "to", "for", "with", "by",
    "from", "as", "vs", "vs.", "via", "into", "onto", "over", "per", "is", "are", "be", "it", "its",
}


def words(text: str) -> list[str]:
    return text.split()


# An abbreviation closing a line ('… at 5 a.m.', '… in the U.S.'): its full stop ends no sentence.
_ABBREVIATION_END_RE = re.compile(r"(?:^|\s)(?:[A-Za-z]\.){2,}$")


def title_like(norm: str, max_words: int = 20) -> bool:
    """A first line that can be a page title: short, no closing full stop (one closing an abbreviation aside)."""
    w = words(norm)
    return (0 < len(w) <= max_words and len(norm) <= 200 and _has_letter(norm)
            and (norm[-1] not in ".,;:" or _ABBREVIATION_END_RE.search(norm[-12:]) is not None))


def heading_like(norm: str) -> bool:
    """A short standalone line without closing punctuation, starting with a capital."""
    w = words(norm)
    if not (1 <= len(w) <= 12) or len(norm) > 120 or not _has_letter(norm):
        return False
    if norm[-1] in _TERMINAL or not is_single_sentence(norm):
        return False
    first = norm.lstrip("\"'(")[:1]
    return first.isupper() or first.isdigit()


def _has_letter(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def title_case(norm: str) -> bool:
    """Every content word starts with a capital ('Lining Up Jobs-to-be-Done with ... Tools')."""
    content = [w for w in words(norm) if w.lower() not in _FUNCTION_WORDS]
    return bool(content) and all(w[:1].isupper() or not w[:1].isalpha() for w in content)


def caption_cue(norm: str, after_heading: bool, figure_refs: list[set[str]]) -> str | None:
    """Why a heading-like line is an image caption rather than a section heading, or None."""
    if CAPTION_PREFIX_RE.match(norm):
        return "source prefix"
    if after_heading:
        return "directly under a heading"
    if _FIGURE_NOUN_END_RE.search(norm):
        return "names a figure"
    if len(words(norm)) >= 6 and title_case(norm):
        return "long title-case figure label"
    line_words = {w.lower().strip(".,:;'\"") for w in words(norm)}
    for ref in figure_refs:
        if ref and ref <= line_words:
            return "referred to as a figure"
    return None


def figure_references(norm_texts: list[str]) -> list[set[str]]:
    """Word sets of phrases such as 'my distinct capabilities diagram above' (minus 'my', 'the')."""
    refs: list[set[str]] = []
    for text in norm_texts:
        if not _FIGURE_HINT_RE.search(text):
            continue
        for m in _FIGURE_REFERENCE_RE.finditer(text):
            ws = [w.lower() for w in m.group(1).split()]
            ws = [w for w in ws if w not in _FUNCTION_WORDS and w not in {"my", "our", "your", "this", "in"}]
            if ws:
                refs.append(set(ws[-2:]))
    return refs


# An image's alt text glued to the first word of a paragraph: 'leadership puzzler marketingMarketing'.
_GLUED_ALT_RE = re.compile(r"^([a-z][a-z0-9]*(?:[ _-][a-z0-9]+){1,7}?[a-z])([A-Z][a-z])")


def glued_alt_text(text: str) -> int:
    """Length of a lowercase alt-text prefix glued to a capitalised word; 0 if none."""
    m = _GLUED_ALT_RE.match(text)
    if not m:
        return 0
    last_word = re.split(r"[ _-]", m.group(1))[-1]
    return m.end(1) if len(last_word) >= 3 else 0


# ---------------------------------------------------------------------------------------------
# Page furniture of forums, aggregators, Q&A sites, newsletters and blogs (layouts beyond the seeds).

# A user handle as forums and aggregators print it: one word, letters first ('hollis_r', 'amy.chen').
_HANDLE = r"[A-Za-z][\w.\-]{1,29}"
# Layout: a page saved with a metadata header ('Source: https://…', 'Date: 2024-05-14', 'Author: …').
META_HEADER_RE = re.compile(
    r"^(?P<key>source|url|link|permalink|date|published|posted|author|saved|retrieved|accessed)\s*:\s*"
    r"(?P<value>\S.*)$", _I)
URL_LINE_RE = re.compile(r"^(?:https?://|www\.)\S+$", _I)
# Layout: a navigation bar or footer of short links joined by '|', '·' or '•'
# ('Home | About | Archive', 'Guidelines | FAQ | Lists | API', 'hide | past | favorite'),
# or a forum breadcrumb joined by '›' or '»' ('Home › Forums › Operations'). Split, not matched by
# one pattern, so a long line of separators costs one pass.
_NAV_SEPARATOR = re.compile(r"\s*[|·•∙]\s*")
_CRUMB_SEPARATOR = re.compile(r"\s*[›»]\s*")


def _short_links(parts: list[str], min_parts: int, max_chars: int, max_words: int) -> bool:
    return len(parts) >= min_parts and all(0 < len(p) <= max_chars and len(p.split()) <= max_words for p in parts)


# Layout: an aggregator thread's metadata line
# ('51 points by someone 3 hours ago | hide | past | favorite | 38 comments'; 'authored by someone 6
# hours ago | flag | 8 comments', when the score stands apart).
THREAD_META_RE = re.compile(
    r"^(?:(?P<points>\d+)\s+points?|(?:authored|submitted)(?=.*\|\s*(?:\d+|no)\s+comments?\s*$))"
    rf"\s+by\s+(?P<name>{_HANDLE})\b.*?"
    r"(?:\|\s*(?P<count>\d+|no)\s+comments?\s*)?$", _I)
# Layout: a forum or Q&A page's reply count ('Replies: 3', 'Answers: 2') or answers header ('2 Answers').
REPLY_COUNT_RE = re.compile(
    r"^(?:(?:replies|answers|posts|comments)\s*:\s*(?P<a>\d+)"
    # a code host's discussion: 'Replies: 4 comments · 5 replies' (replies to comments are comments too)
    r"(?:\s+comments?(?:\s*[·•]\s*(?P<c>\d+)\s+repl(?:y|ies))?)?"
    r"|(?P<b>\d+|no|one|two|three|four|five)\s+(?:answers?|replies))$", _I)
# Layout: forum, Q&A and aggregator bylines naming a handle ('Posted by amy_chen on 4 March 2024',
# 'Posted by u/amy_chen 7h ago',
# 'Asked by bea_lopez · 3 years ago', 'Answer by grant_h · 12 votes', 'dmitri_p 7 hours ago | next',
# 'nadia_f wrote:').
HANDLE_BYLINE_RE = re.compile(
    rf"^(?:(?:posted|submitted|asked|answered|answer|reply|replied|comment)\s+(?:on\s+{_DATE}\s+|{_AGO}\s+)?by\s+"
    rf"(?:u/)?(?P<a>{_HANDLE})(?:\s*(?:[·•|,]|\bon\b|\bto\b|\d).*)?"
    rf"|(?P<b>{_HANDLE})\s+(?:wrote|replied|posted|says)\s*:?"
    rf"|(?P<c>{_HANDLE})\s+(?:{_AGO}|on\s+{_DATE})(?:\s*[|·•].*)?)$", _I)
# Layout: a newsletter's table of contents header ('In this issue:', 'Contents').
TOC_HEADER_RE = re.compile(r"^(?:in (?:this|today's) issue|inside this issue|contents|table of contents)\s*:?$", _I)
# Layout: a newsletter's issue line under its masthead ('Issue 41: Warehouses, lakes and ...').
ISSUE_LINE_RE = re.compile(r"^(?:issue|edition|no\.|vol\.)\s*#?\d+\b", _I)
# The same line when it names the issue and no more ('Issue No. 112 · Tuesday 24 October 2023', 'Issue #48'):
# the issue's title is under it.
ISSUE_META_RE = re.compile(r"^(?:issue|edition|vol\.?|volume)\s*(?:no\.?\s*)?#?\d{1,5}\s*(?:$|[·•|,–—-])", _I)
# Layout: a site footer or newsletter footer ('© 2024 …', 'Powered by …', 'Search:').
FOOTER_RE = re.compile(
    r"^(?:©|\(c\)\s|copyright\b)|\ball rights reserved\b|^powered by\b|^search\s*:?$"
    r"|^you are receiving this\b|^unsubscribe\b|^view (?:this email )?in (?:your )?browser\b"
    r"|^forward (?:this email )?to a friend\b|^our mailing address is\b|^add us to your address book\b"
    r"|\bhow you receive these emails\b", _I)
# Layout: an aggregator title line ending with the linked site ('… cut the bill (example.org)'), an issue
# tracker's title ending with the issue's number ('… as a percentage #142').
TITLE_DOMAIN_RE = re.compile(r"\s+\((?:[\w-]+\.)+[a-z]{2,}\)$|\s+#\d{1,7}$", _I)


def handle_byline(norm: str) -> str | None:
    """The handle a forum, Q&A or aggregator byline names, or None if the line is not one."""
    m = HANDLE_BYLINE_RE.match(norm)
    if not m:
        return None
    return m.group("a") or m.group("b") or m.group("c")


def posted_by(norm: str) -> str | None:
    """The handle a submission's byline names ('Posted by u/x 5 hr. ago', 'Asked by x · 3 years ago'),
    or None: the first form of HANDLE_BYLINE_RE only, not 'x wrote:' or 'x 7 hours ago'."""
    m = HANDLE_BYLINE_RE.match(norm)
    return m.group("a") if m else None


def furniture_reason(norm: str) -> str | None:
    """Why a line is site furniture in the layouts above (navigation, footer), or None."""
    if THREAD_META_RE.match(norm):
        return "thread metadata"
    if FOOTER_RE.search(norm):
        return "page footer"
    if len(norm) <= 300 and _short_links(_NAV_SEPARATOR.split(norm), 3, 30, 4):
        return "navigation"
    if len(norm) <= 300 and _short_links(_CRUMB_SEPARATOR.split(norm), 2, 60, 6):
        return "navigation"
    return None


# ---------------------------------------------------------------------------------------------
# Threads of any site: site furniture, post headers (who + when) and the controls around posts.
# These serve layouts the reader was not written for (forums, Q&A, social and newsletter sites
# saved as text), so each names a kind of line, not one site's wording.

# Layout: a site menu printed one item a line ('Skip to main content', 'Sign in', 'Cart (0)').
NAV_ITEM_RE = re.compile(
    r"^(?:(?:skip|jump) to (?:main )?content|skip to first unread (?:message|post)|skip navigation|open in app"
    r"|get the app|sign ?(?:in|up|out)"
    r"|log ?(?:in|out)|register|subscribe|home|menu|search(?:\s+\S+){0,2}\s*(?:…|\.\.\.)?|write|start writing"
    r"|shop|store|cart(?:\s*\(\d+\))?|contact(?: us)?|about(?: us)?|blog|archive|notifications|messaging"
    r"|messages|jobs|my network|me|following|spaces|questions|tags|users|forums?|community|help|faq"
    r"|newsletter|privacy(?: policy)?|terms(?: of (?:service|use))?|careers|press|status|categories"
    r"|latest|explore|quick links|jump to|who is online|footer|watch|marketplace|groups|bookmarks|profile"
    r"|communities|settings|preferences|feeds?|lists|chat|premium|saved)$", _I)
# Layout: a menu or tag list whose items are separated by tabs or runs of spaces (kept in the raw line).
_CELL_SEPARATOR = re.compile(r"\t+| {3,}")
# Layout: '[Thread Prev][Thread Next][Date Index]' (mailing-list archives).
_BRACKET_NAV_RE = re.compile(r"^(?:\[[^\[\]]{1,40}\]\s*){2,}$")
# Layout: a breadcrumb with any of the arrow separators ('Board index ‹ Repair ‹ Drivetrain').
_ANY_CRUMB_SEPARATOR = re.compile(r"\s*[›»‹«]\s*|\s+>\s+")
# Layout: a list archive's links and footer ('Previous message: …', 'More information about the … list').
_ARCHIVE_NAV_RE = re.compile(
    r"^(?:(?:previous|next) (?:message|thread|topic|post)(?: \(by thread\))?\s*:|messages sorted by\s*:"
    r"|more information about the\b.*\b(?:mailing )?list$|\S+ mailing list$)", _I)
# Layout: links to the neighbouring posts ('← Older post', 'Next post →').
_ARROW_LINK_RE = re.compile(r"^[←⟵«‹]\s*\S|\S\s*[→⟶»›]$")


# Layout: a forum's greeting to the reader who saved the page ('Welcome back, ann. You last visited: Today,
# 06:02 PM Log Out', 'Last visit was: Sun Mar 10, 2024', 'It is currently Mon Mar 11, 2024 8:01 am').
_SIGNED_IN_RE = re.compile(r"^(?:welcome(?: back)?,\s+[\w.\-]+[.!]?\s.{0,40}\b(?:last visited|log ?out|logout)\b"
                           r"|you last visited\b|last visit was\b|it is currently\b).{0,80}$", _I)


def site_furniture_reason(line: Line) -> str | None:
    """Why a line is site furniture: a menu, breadcrumb, footer or neighbour link, or None.

    A superset of furniture_reason() that also reads the raw line (menus separated by tabs).
    """
    norm = line.norm
    reason = furniture_reason(norm)
    if reason:
        return reason
    if NAV_ITEM_RE.match(norm) or _BRACKET_NAV_RE.match(norm):
        return "navigation"
    cells = _CELL_SEPARATOR.split(line.text.strip())
    if _short_links(cells, 3, 40, 4) and sum(c.strip().isdigit() for c in cells) <= 1:
        return "navigation"
    if len(norm) <= 120 and _short_links(_ANY_CRUMB_SEPARATOR.split(norm), 3, 40, 5):
        return "navigation"
    if len(norm) <= 80 and _ARROW_LINK_RE.search(norm):
        return "link to another post"
    if "©" in norm and len(norm.split()) <= 12:
        return "page footer"
    if _ARCHIVE_NAV_RE.match(norm):
        return "navigation"
    if _SIGNED_IN_RE.match(norm):
        return "signed-in notice"
    if _UPSELL_RE.match(norm):
        return "upsell"
    if GROUP_META_RE.match(norm):
        return "group notice"
    return None


# Layout: a social group's notice under its name ('Private group · 8.4K members').
GROUP_META_RE = re.compile(r"^(?:private|public|visible|hidden) group\b.{0,40}\bmembers?$", re.I)


# Layout: a site's offer among its menu items ('Try Premium for £0', 'Start free trial', 'Upgrade to Pro').
_UPSELL_RE = re.compile(r"^(?:try|start|get|upgrade to|go) (?:\w+ )?(?:premium|pro|plus|free trial)\b.{0,30}$", re.I)


_MONTH_NAME = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
               r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?"
_CLOCK = r"(?:,?\s*(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?\s*(?:am|pm)?(?:\s*[+-]\d{4})?)"
_RELATIVE = (rf"(?:{_AGO}|\d{{1,3}}(?:s|m|h|d|w|mo|y|yr)(?:\s+ago)?|\d{{1,3}}\s+(?:mins?|hrs?|wks?|yrs?|mos?)\.?\s+ago"
             rf"|(?:today|yesterday)(?:\s+at)?{_CLOCK}?|just now|\d{{1,2}}:\d{{2}}\s*(?:am|pm))")
_CALENDAR = (rf"(?:{_WEEKDAY}\s+)?(?:{_MONTH_NAME}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?"
             rf"|\d{{1,2}}\s+{_MONTH_NAME}(?:,?\s+\d{{4}})?|\d{{1,2}}-{_MONTH_NAME}-\d{{2}}(?:\d{{2}})?|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}|\d{{1,2}}-\d{{1,2}}-\d{{4}})"
             rf"{_CLOCK}?")
# When a post was written, as thread headers print it: '6h ago', '2d', '7 hours ago', 'Mar 12',
# 'Tue Mar 12, 2024 9:14 am', 'Mon, 11 Mar 2024 21:03:17 +0100', 'March 4, 2024 at 3:12 pm'; not "Today's Posts".
WHEN_RE = re.compile(rf"(?<![\w/])(?<!\d[.,])(?:(?P<rel>{_RELATIVE})|(?P<cal>{_CALENDAR}))(?![\w'’])", _I)
# A month alone ('March 2024'): a forum that dates its posts by the month, under a writer's card only (a
# blog's archive list prints months the same way).
MONTH_DATE_RE = re.compile(rf"^(?P<rel>(?!))?(?P<cal>{_MONTH_NAME}\s+(?:19|20)\d{{2}})$", _I)

# Words that say what a header line is, kept in its shape ('Post by X »', 'answered Mar 3', 'Date:').
_HEADER_WORDS = {"by", "post", "posted", "answered", "asked", "commented", "replied", "wrote", "said",
                 "says", "published", "updated", "edited", "date", "sent", "on", "at", "from", "submitted"}
# A role badge printed after a writer's name ('cherry_and_chisel OP', 'Ann Lee Mod', 'Author').
BADGE_RE = re.compile(r"^(?:op|author|post author|mod|moderator|admin|staff|original poster|verified|creator"
                      r"|(?:[\w&.'’\-]+\s+){1,3}(?:team|staff)|(?:team|staff) member"  # 'BenchBook Team'
                      r"|(?:community|forum|product) (?:champion|expert|hero|guide|ambassador|volunteer|leader))$", _I)
_BADGE_SUFFIX = re.compile(r"\s+(?:op|author|mod|moderator|admin|staff|guest|original poster)$", _I)
# A badge in brackets right after a handle ('river_otter[S]': the submitter; '[M]': a moderator).
_BRACKET_BADGE = re.compile(r"(?<=\w)\[[A-Za-z+]{1,5}\]$")
# A job title under a writer's name ('Operations Manager', 'Head of Sales', 'Practice Owner'): no name.
JOB_TITLE_RE = re.compile(r"\b(?:manager|director|officer|owner|founder|co-founder|head of|lead|engineer|consultant"
                          r"|assistant|specialist|coordinator|technician|designer|developer|accountant|analyst"
                          r"|executive|president|partner|supervisor|administrator|receptionist|reporter|editor)\b", _I)
# A commenter's name and town, their trade perhaps between ('Gordon Tierney, Leeds', 'Ann Lee, North Berwick',
# 'Ann Lee, florist, Harrogate').
_NAME_AND_PLACE_RE = re.compile(r"^(?P<name>[^,]{3,40}),\s+(?:[\w'’\-]+(?:\s+[\w'’\-]+){0,4},\s+)?"
                                r"(?-i:[A-Z])[\w'’\-]+(?:\s+(?-i:[A-Z])[\w'’\-]+){0,2}$")
# A journal's user label before the handle ('[personal profile] kestrel_knits', '[community profile] x').
_JOURNAL_USER_LABEL = re.compile(r"^\[[a-z]+(?: [a-z]+){0,2}\]\s+(?=\S)")
# A writer the site does not name, in brackets ('(Anonymous)').
_ANONYMOUS = re.compile(r"^\(anonymous\)$", _I)
UNNAMED_RE = re.compile(r"^(?:an? (?:\w+ )?(?:reader|user|member|customer)|anonymous|guest"
                        r"|anonymous (?:participant|member|user)|deleted user)$", _I)  # 'A LocalFind user'
# A handle alone on its line: 'tallcarboy', 'brewsy_dee', 'u/sawdust_sally', 'Doweled_Dan', 'm.okafor'.
_HANDLE_TOKEN = re.compile(r"^@?(?:u/)?(?:[a-z][\w.\-]{1,29}|[A-Za-z][\w.\-]*[_\d.][\w.\-]*)$")
# Layout: a mail header ('From: Ilse Brandt <ilse@example.org>'); its display name is the writer.
FROM_HEADER_RE = re.compile(r"^from\s*:\s*(?P<name>[^<>]*?)\s*(?:<(?P<address>[^<>]+)>)?$", _I)
MAIL_HEADER_RE = re.compile(r"^(?:from|date|subject|to|cc|sent|reply-to|message-id|newsgroups)\s*:\s*\S", _I)
# Layout: a post's subject line repeating the thread title ('Re: Creaking bottom bracket').
SUBJECT_RE = re.compile(r"^(?:subject\s*:\s*)?(?:(?:re|aw|fwd?)\s*:\s*)+(?:\[[^\]]*\]\s*)?(?P<title>\S.*)$", _I)
# Layout: a post's subject line with the post's moderated score after it ('What about the fixer? (Score:4,
# Interesting)', 'Re:What about the fixer? (Score:2)').
SCORED_SUBJECT_RE = re.compile(r"^(?P<subject>\S.{0,200}?)\s*\(Score:\s*-?\d{1,2}(?:,\s*[A-Za-z]+)?\)$")
# Layout: a reputation line under a Q&A writer's name ('8,311 ● 3 ● 40 ● 77').
REPUTATION_RE = re.compile(r"^[\d.,]+[kKmM]?(?:\s*[●•·]\s*[\d.,]+[kKmM]?)+$"
                           # the same with its badges spelled out and run together ('14.2k33 gold badges27…')
                           r"|^[\d.,]+[kKmM]?(?:\s*\d*\s*(?:gold|silver|bronze)\s+badges?){1,3}$")
# Layout: a forum writer's card beside their posts: profile fields, as 'Label: value' on one line or
# the label over its value ('Join Date: Nov 2022', 'Posts: 4,211', 'Joined' / 'Jan 14, 2024',
# 'Reaction score' / '11').
_PROFILE_LABEL = (r"(?:join(?:ed| date)|member since|registered|messages|posts|threads|reaction score"
                  r"|last (?:comment|reply|post|activity)(?: posted)?|likes(?: received)?|trophy points|points"
                  r"|reputation|location|age|gender|website|occupation|karma)")
PROFILE_FIELD_RE = re.compile(rf"^{_PROFILE_LABEL}\s*:\s*\S.{{0,60}}$|^(?:joined|member since)\s+\S.{{0,40}}$", _I)
# Layout: a forum writer's status, rank and rank stars on the card ('Offline', 'Hero Member', '*****').
CARD_STATUS_RE = re.compile(r"^(?:online|offline|away|\*{1,6}|[★☆]{1,6}|newbie|(?:global )?moderator|administrator"
                            r"|(?:(?:new|junior|senior|full|hero|well-known|active|veteran|regular|sr\.|jr\.)\s+)?"
                            r"(?:members?|poster|contributor)|guests)$", _I)  # a group: 'Members', 'Guests'
# A card's fields on one line, joined by '·' ('fretbuzz_finn · Member · Joined Jun 2021 · Messages 212'): each part.
PROFILE_PART_RE = re.compile(rf"^{_PROFILE_LABEL}\s*:?\s+\S.{{0,40}}$", _I)
# The label alone, its value on the next line (alone, a menu item too: 'Messages').
PROFILE_LABEL_RE = re.compile(rf"^{_PROFILE_LABEL}\s*:?$", _I)


def who_of(norm: str) -> str | None:
    """The writer a header line names on its own: a handle, a two-to-four-word name, 'X says:'
    or a mail 'From:' header (badges and 'u/' dropped); None if the line names nobody."""
    m = FROM_HEADER_RE.match(norm)
    if m:
        name = m.group("name").strip().strip("\"'")
        if name and (writer := who_of(name)):
            return writer
        address = m.group("address") or (name if "@" in name else "")
        return address.split("@")[0] or None
    m = AUTHOR_LINE_RE.match(norm)
    verb = norm.rstrip(": ").rsplit(" ", 1)[-1]
    if m and (PERSON_LINE_RE.match(m.group("name")) or _HANDLE_TOKEN.match(m.group("name"))) and verb.islower():
        return m.group("name")  # 'Gareth Poole says:', not the surname in 'Omar Said'
    name = _BRACKET_BADGE.sub("", _BADGE_SUFFIX.sub("", _JOURNAL_USER_LABEL.sub("", norm.strip())))
    if _ANONYMOUS.match(name):
        return "Anonymous"
    if UNNAMED_RE.match(name):
        return name  # 'A reader', 'Guest': what the page prints for a writer who gave no name
    if _HANDLE_TOKEN.match(name) and not (BADGE_RE.match(name) or NAV_ITEM_RE.match(name)
                                          or post_furniture_reason(name)):
        return re.sub(r"^@?(?:u/)?", "", name)  # a handle, not 'reply' or 'login'
    if PERSON_LINE_RE.match(name) and 2 <= len(name.split()) <= 4 and not (NAV_ITEM_RE.match(name)
                                                                          or JOB_TITLE_RE.search(name)):
        return name
    placed = _NAME_AND_PLACE_RE.match(name)  # 'Gordon Tierney, Leeds': a news site's commenter and town
    if placed and PERSON_LINE_RE.match(placed.group("name")) and 2 <= len(placed.group("name").split()) <= 4 and not (
            JOB_TITLE_RE.search(placed.group("name"))):  # not 'Operations Manager, Brightwater'
        return placed.group("name")
    return None


# Layout: a writer's address in a header, often spelled out ('<oldsilver AT tinmail DOT example>'), and
# the post's subject printed after its date ('Posted: Sun Mar 10, 2024 7:42 pm    Post subject: Re: …').
_HEADER_ASIDE_RE = re.compile(r"<[^<>]{1,80}>|\bpost subject:.*$", _I)


def when_in(norm: str) -> re.Match[str] | None:
    """Where a short header line says when its post was written, or None.

    Only lines of at most 14 words (an address in angle brackets and a post subject aside) without a
    sentence inside count: prose mentions dates too.
    """
    words = len(_HEADER_ASIDE_RE.sub("", norm).split())
    if words > 14 or not is_single_sentence(norm) or norm.endswith((".", "?", "!")) and len(norm.split()) > 6:
        return None
    return WHEN_RE.search(norm)


# Layout: a header that opens with a collapse control, vote arrows and the post's score, or closes
# with the score ('[–] river_otter 21 points 6 hours ago', '[-] ▲ 11 river_otter 5 hours ago'): none
# of them is part of the writer's name.
_SCORED_HEADER = re.compile(r"^(?:\[[–+\-−]\]\s*)?[▲▼△▽⬆⬇↑↓⇧]+\s*(?:[+\-−]?[\d.,]+[kKmM]?\s+)?|^\[[–+\-−]\]\s*"
                            r"|\s+[+\-−]?[\d.,]+[kKmM]?\s+points?$", _I)


# Layout: a display name and a handle on one header line ('Ann Lee @annlee', 'Ann Lee @ann@example.social').
_NAME_AT_HANDLE_RE = re.compile(r"^(?P<name>[^@\s.!?][^@.!?]{0,50}?)\s+@[A-Za-z0-9_][\w.\-]{0,29}(?:@[\w.\-]+)?$")


# Layout: a writer and what they did before the date ('ann-lee opened this issue on Mar 3').
_WHO_DID_RE = re.compile(r"^(?P<who>\S+(?:\s+\S+){0,3}?)\s+(?-i:[a-z]{2,}ed)\b")


def inline_who(before: str, after: str) -> tuple[str | None, str]:
    """(writer, header words) from the text around a date on one header line.

    'Post by grimpeur_ned »' -> ('grimpeur_ned', 'post by'); 'Rowan Achebe, Market gardener ·
    Answered' -> ('Rowan Achebe', 'answered'); 'Date:' -> (None, 'date'); '' + 'by Ann Lee' -> 'Ann Lee'.
    """
    lead = [w.lower().strip(":»·•|,") for w in before.split()]
    words_ = " ".join(w for w in lead if w in _HEADER_WORDS)
    m = re.match(r"^\s*by\s+(.+?)\s*(?:[|·•,].*)?$", after, _I)
    if m and (writer := who_of(m.group(1))):
        return writer, words_
    text = re.sub(r"^(?:(?:post(?:ed)?|answer(?:ed)?|asked|comment(?:ed)?|repl(?:y|ied)|written|published"
                  r"|updated|edited)(?:\s+|$))?(?:by:?\s+)?", "", _SCORED_HEADER.sub("", before.strip()), flags=_I)
    head = re.split(r"\s*[,·•|»›:(]\s*|\s+[–—-](?:\s+|$)", text, maxsplit=1)[0]
    head = re.sub(r"\s+(?:(?:commented|replied|posted|wrote|said|answered|asked)(?:\s+on)?|on|at)$", "", head, flags=_I)
    if not head or head.lower() in _HEADER_WORDS:
        return None, words_
    if head.lower() in DELETED_WRITERS:
        return head.lower(), words_  # '[–] [deleted] 9 points 2 days ago': a post whose writer is gone
    if (writer := who_of(head)) is not None:
        return writer, words_
    if "by" in words_.split() and (CAMEL_HANDLE_RE.fullmatch(head) or (
            "»" in before and _BOARD_HANDLE_RE.fullmatch(head))):
        # 'Post by OwainPritchard » Mon Mar 4, 2024': a handle of joined words; after a board's 'Post by …
        # »' any one-word handle ('SEOsteve', 'ops-lead')
        return head, words_
    shown = _NAME_AT_HANDLE_RE.match(head)
    if shown and len(shown.group("name").split()) <= 5:
        return shown.group("name"), words_  # 'benji on wheels @benjiwheels · 1h': the display name
    acted = _WHO_DID_RE.match(head)  # 'ann-lee opened this issue on', 'Ann Lee shared a link on'
    if acted:
        return who_of(acted.group("who")), words_
    flair = _HANDLE_AND_FLAIR_RE.match(head)  # 'boxfold_bea Potter · 4h': a community's flair after the handle
    if flair:
        return flair.group("handle"), words_
    if before.strip() == head and _LONE_HANDLE_RE.fullmatch(head) and head.lower() not in _NOT_HANDLES:
        return head, words_  # 'HairByHollie Tue 05-Mar-24 09:12:44', 'Tangerinedream Tue …': a board's user name
    return None, words_


# A user name of one word right before a post's date: run-together capitals, digits or one long word.
_LONE_HANDLE_RE = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z]*)+\d*|[A-Za-z][a-z]*\d+[\w]*|[A-Z][a-z]{5,30}")
_NOT_HANDLES = {"updated", "edited", "posted", "joined", "today", "yesterday", "published", "created", "modified",
                "received", "since", "until", "tuesday", "monday", "wednesday", "thursday", "friday", "saturday",
                "sunday", "answered", "replied", "commented", "written", "printed", "reviewed", "registered"}


# What an aggregator prints for a writer whose account or post is gone: the post has no writer.
DELETED_WRITERS = {"[deleted]", "[removed]"}
# A board's user name of one word: letters first, then letters, digits, '_', '-' or '.'.
_BOARD_HANDLE_RE = re.compile(r"[A-Za-z][\w.\-]{1,39}")
# A handle of capitalised words run together ('MarlowesMum', 'PeggyOnTheGreen', 'OwainPritchard').
CAMEL_HANDLE_RE = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z0-9]*){1,5}")
# Layout: a forum's notice under a thread's title naming who started it ('Thread starter Ann Lee · Start date
# Mar 4, 2024').
THREAD_STARTER_RE = re.compile(r"^thread starter\s+(?P<who>\S.{0,60}?)\s*[·•]?\s*start date\b", _I)
# Layout: a handle with a community's flair after it ('boxfold_bea Potter', 'kiln_and_clay Verified Seller').
_HANDLE_AND_FLAIR_RE = re.compile(r"^(?P<handle>[a-z][a-z0-9]*[_\d][\w.\-]{0,28})\s+[A-Z]\w+(?:\s+[A-Z]\w+){0,2}$")


# Layout: controls and counters printed around each post of a thread ('Reply', 'Like (3)',
# '2 Likes', 'Upvote · 12', 'Reply Share Report Save Follow', 'Like · Reply · 3 Reactions', '118 points').
_CONTROL_WORD = re.compile(
    r"^(?:reply|replies|share|shares|report|save|saved|follow|like|likes|liked|quote|top|upvotes?|downvotes?|delete"
    r"|votes?|points?|flag|edit|edited|permalink|link|award|respond|comment|comments|reactions?|restacks?"
    r"|views?|users?|members?|followers?|subscribers?|claps?|reads?|answers?|boosts?|favou?rites?|recommend(?:s|ed)?"
    r"|hide|collapse|expand|translate|embed|helpful|retweets?|reposts?|repost|bookmark|more|less|show|newest|oldest|best"
    r"|[+\-−]?[\d.,]+[kKmM]?"
    r"|\(\d+\)|\[[–+\-]\]|\+)$", _I)
_CONTROL_SPLIT = re.compile(r"\s*[·•∙|]\s*|\s+")
# Layout: a line naming the post a reply answers ('In reply to Ann Lee', 'Replying to @annlee', '↩ reply to
# annlee'); the first name or handle it gives is whom the reply answers.
_CUED_NAME = r"@?[\w.\-]+(?:\s+(?-i:[A-Z])[\w'’\-]*){0,3}"
REPLY_CUE_RE = re.compile(
    rf"^(?=.{{0,120}}$)(?:↩\s*reply to|in reply to|replying to|in response to)\s+(?P<name>{_CUED_NAME})"
    rf"(?:\s*(?:,|and)\s+{_CUED_NAME})*\s*:?$", _I)
# Layout: a post's count of the replies printed under it ('Like | Reply · 2 Replies', '1 reply by Ann Lee');
# a link to replies not shown ('View 3 more replies') is no such count.
REPLY_TALLY_RE = re.compile(r"(?:^|[·•|]\s*)(?P<n>\d{1,3})\s+repl(?:y|ies)\b(?:\s+by\s+[^·•|]{1,60})?$", _I)
# Layout: a comment's nesting level printed over it ('level 2').
NESTING_LEVEL_RE = re.compile(r"^level (?P<n>\d+)$", _I)
# Layout: a header's link to the post it answers ('dpark 7 hours ago | parent | next [–]').
PARENT_LINK_RE = re.compile(r"\|\s*parent\b", _I)
_POST_FURNITURE: list[tuple[str, re.Pattern[str]]] = [
    ("nesting level", NESTING_LEVEL_RE),
    ("sort order", re.compile(r"^sort(?:ed)?(?: by)?\s*:|^sort(?:ed)?(?: by)?$|^(?:most relevant|most recent"
                              r"|newest first|oldest first|top comments|all comments|all related(?: \(\d+\))?)$"
                              # a sort menu's options ('Highest score (default)', 'Date created (oldest first)')
                              r"|^[a-z][\w ]{2,30}\((?:default|newest first|oldest first|recent votes count more)\)$",
                              _I)),
    ("more comments link", re.compile(
        r"^(?:view|load|show|see|read)\s+(?:\d+\s+)?(?:more|all|previous|older|newer|other)?\s*"
        r"(?:comments?|replies|answers?|responses?)(?:\s*\(\d+\s+(?:more\s+)?(?:replies|repl(?:y|ies)|comments?)\))?$"
        r"|^\d{1,5}\s+hidden\s+(?:comments?|replies)$", _I)),
    ("comment form", re.compile(
        r"^(?:add (?:a )?comment|post (?:a )?(?:reply|comment)|post your (?:answer|comment|reply)"
        r"|your (?:answer|comment|reply)|what are your thoughts\??|write a (?:comment|response|reply)\.*"
        r"|type your email\.*|your email(?: address)?|improve this (?:answer|question|post))$", _I)),
    ("reshare note", re.compile(r"\b(?:restacked|reposted|retweeted|shared) this$", _I)),
    ("reaction note", re.compile(r"^(?:(?:liked|loved|upvoted|recommended|restacked|reposted) by\s.{1,60}"
                                 r"|all reactions:?|\S.{0,80}?\s(?:liked|loved|upvoted) this\.?"
                                 rf"|(?:(?-i:{_PERSON})|[\w.\-]{{2,30}})\s+and [\d,.]+[kKmM]? others?)$", _I)),
    ("reply tally", re.compile(r"^\d{1,3}\s+repl(?:y|ies)\s+by\s[^.!?]{1,60}$", _I)),
    ("reply cue", REPLY_CUE_RE),
    ("message box", re.compile(r"^message\s+[#@][\w.\-]+$", _I)),
    ("pagination", re.compile(r"\bpage \d+ of \d+\b", _I)),
    ("profile field", PROFILE_FIELD_RE),
    ("post number", re.compile(r"^#\d{1,6}$")),
    # Layout: a forum's per-post controls and quote frames ('Reply With Quote', 'Click to expand...',
    # 'Quote:', 'Reactions: ann, bob and 3 others'), and a lone letter standing for a writer's avatar.
    ("forum post controls", re.compile(r"^(?:reply with quote|multi-?quote(?: this message)?|quick reply|click to "
                                       r"(?:expand|shrink)\W*|quote:|reactions:\s.{1,160})$"
                                       r"|^(?:post new topic|view previous topic)\b.{0,200}$", _I)),
    ("avatar initial", re.compile(r"^(?:[A-Z]{1,2}|avatar)$")),
    # Layout: a link to the writer's profile printed over their name ('View Ann Lee’s profile').
    ("profile link", re.compile(r"^view\s+\S.{0,60}?[’']s?\s+profile$", _I)),
    # Layout: a forum's notices over a topic ('0 Members and 2 Guests are viewing this topic.', 'Author Topic: …
    # (Read 734 times)', 'Thread starter ann · Start date Jan 20, 2024').
    ("forum notice", re.compile(r"\b(?:members?|guests?|users?) (?:and \d+ guests? )?(?:are|is) (?:viewing|browsing) "
                                r"this (?:topic|thread|board)\b|\(read \d[\d,]* times\)$"
                                r"|^thread starter\s+\S.{0,60}?\bstart date\b"
                                r"|^this (?:topic|thread) has \d+ repl(?:y|ies)\b.{0,160}$"
                                r"|^viewing \d+ (?:posts?|repl(?:y|ies)) - \d+ through \d+ \(of \d+ total\)$", _I)),
    # Layout: an issue tracker's timeline between comments ('@ann ann added the bug label on Mar 2, 2024',
    # 'ann self-assigned this on Mar 3, 2024', 'ann mentioned this issue 2 days ago').
    ("timeline event", re.compile(
        r"^@?[\w.\-]+(?:\s+[\w.\-]+)?\s+(?:added|removed|self-assigned|assigned|unassigned|mentioned|linked"
        r"|closed|reopened|referenced|changed|pinned|locked|merged|requested|labeled)\b.{0,120}?"
        r"\s(?:on\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s+\d{4}|\d+\s+\w+\s+ago)$", _I)),
    ("deleted comment", re.compile(r"^(?:this )?(?:comment|post|message) (?:was |has been )?(?:deleted|removed)\.?$",
                                   _I)),
    ("rule line", re.compile(r"^[\W_]+$")),
    ("form field", re.compile(r"^(?:user ?name|password|e-?mail(?: address)?|subject|message)\s*:$", _I)),
    # Layout: a vendor community's topic options ('Subscribe to RSS Feed', 'Printer Friendly Page').
    ("topic options", re.compile(r"^(?:subscribe to rss feed|mark topic as (?:new|read)|bookmark|printer friendly page"
                                 r"|float this topic for current user|all forum topics|previous topic|next topic)$",
                                 _I)),
    ("report link", re.compile(r"^report inappropriate content$", _I)),  # within a vendor community's post header
    ("audience note", re.compile(r"^shared with\s+\S.{0,80}$", _I)),  # 'Shared with Members of …', a post's audience
    # Layout: a forum's divider where time passed between posts ('2 days later'), and its scrubber beside
    # the thread ('Original Post' / 'Mar 3' / '1 of 7 posts' / 'Now').
    ("time between posts", re.compile(r"^(?:\d+|a|an)\s+(?:minutes?|hours?|days?|weeks?|months?|years?)\s+later$", _I)),
    ("post scrubber", re.compile(r"^(?:original post|now)$", _I)),
]


def post_furniture_reason(norm: str) -> str | None:
    """Why a line around a thread's posts is furniture (controls, counters, sort order, forms), or None."""
    for reason, pattern in _POST_FURNITURE:
        if pattern.search(norm):
            return reason
    parts = [p for p in _CONTROL_SPLIT.split(norm) if p]
    if parts and len(parts) <= 6 and all(_CONTROL_WORD.match(p) for p in parts):
        return "post controls"
    return None


# Layout: a header over a list of links or a box about the writer: the rest of its block is furniture.
LINK_LIST_HEADER_RE = re.compile(
    r"^(?:related(?: (?:posts|articles|reading|topics|questions|stories))?|more from\b.*"
    r"|more (?:articles|posts|stories)|suggested (?:topics|threads|posts)|written by\b.*|read more"
    r"|about the author|you (?:may|might) also like|read next|recommended(?: for you)?|popular (?:posts|notes)"
    r"|similar (?:posts|questions|threads)|linked|hot network questions|trending|also on\b.*)\s*:?$", _I)
# Layout: a newsletter sign-up box ('Type your email...', 'Subscribe', 'No spam, unsubscribe anytime').
SIGNUP_CUE_RE = re.compile(r"\b(?:subscribe|unsubscribe|your email|e-?mail address|sign up|no spam)\b", _I)
# Layout: a line over a quote naming whom it quotes ('X wrote: ↑Tue Mar 12', 'On Mon, 11 Mar, X wrote:',
# 'Originally Posted by X', 'Quote from: X on <date>', 'brewsy_dee:' over a quoted line).
QUOTE_ATTRIBUTION_RE = re.compile(
    r"^(?:on\s.{3,90}?,\s*)?(?P<name>[^,:]{2,60}?)\s+(?:wrote|said)\s*:?(?:\s*[↑^].*)?$"
    r"|^(?:originally posted by|quote from:?)\s+(?P<poster>\S.{0,59}?)(?:\s+on\s+\S.{3,60})?$"
    r"|^(?!(?:username|password|e-?mail|name|website|comment|subject|search|message)\s*:)(?P<handle>[\w.\-]{2,30}):$",
    _I)  # not a login or comment form's field label ('Username:')
# Layout: a forum's post count, which includes the opening post ('6 posts • Page 1 of 1').
POST_COUNT_RE = re.compile(r"^(?P<n>\d+)\s+(?:posts?|messages?)\b", _I)
# Layout: a forum's count of a thread's posts over them ('Results 1 to 6 of 6'); it includes the opening post.
RESULTS_COUNT_RE = re.compile(r"^results\s+\d+\s+to\s+\d+\s+of\s+(?P<n>\d+)$", _I)
# Layout: a forum topic's summary over its posts ('This topic has 7 replies, 6 voices, and was last updated …'):
# the replies, not the opening post.
TOPIC_SUMMARY_RE = re.compile(r"^this (?:topic|thread) has (?P<n>\d+) repl(?:y|ies)\b", _I)
# Layout: a forum's scrubber beside the thread ('1 of 7 posts'); it counts the opening post too.
SCRUBBER_COUNT_RE = re.compile(r"^\d+\s+of\s+(?P<n>\d+)\s+posts$", _I)
# Layout: an edit note among a post's header lines ('edited Jan 6, 2022 at 9:00', 'Last edited on …').
EDIT_NOTE_RE = re.compile(r"^(?:last\s+)?(?:edited|updated|modified)(?:\s+by\s+\S{1,40})?(?:\s+on)?\s*$", _I)
# Layout: a writer's name followed by an address or a badge ('Ilse Brandt ilse at example.org',
# 'Jonas Feld • 1st', 'Dana Okafor • Author', 'Ann Lee (Author)', 'Ann Lee (Harbourside)': a badge or a place).
NAME_AND_MORE_RE = re.compile(
    r"^(?P<name>.+?)\s*(?:<[^<>]*>|\S+@\S+|\S+ at [\w\-]+(?:\.[\w\-]+)+"
    r"|[•·|]\s*(?:1st|2nd|3rd\+?|\d+th\+?|author|op|mod|moderator|admin|staff)"
    r"|\([^()]{1,40}\))$", _I)


def name_and_more(norm: str) -> re.Match[str] | None:
    """NAME_AND_MORE_RE on a line short enough to be a header: its lazy name backtracks over the whole
    line, so a long line (untrusted text) is never tried."""
    return NAME_AND_MORE_RE.match(norm) if len(norm) <= 160 else None
