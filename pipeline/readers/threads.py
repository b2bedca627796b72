"""Comment threads from what the text itself says: greetings, sign-offs and who answers whom."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.readers import Doc
from pipeline.readers.layout import marker_length, normalize_text

# Words that open a sentence followed by a comma but never name a person ("However, ...").
_NOT_NAMES_TEXT = """
    yes no yeah yep nope well so now however also great nice thanks thank agreed agree indeed
    absolutely exactly interesting true fair right first second third finally otherwise unfortunately sadly
    honestly actually again ok okay sure wow hmm in on at for and but or if when while this that
    these those the a an i we you he she they it my our your his her their good excellent
    brilliant awesome love really very perhaps maybe personally frankly basically clearly
    of course hi hello hey dear all everyone everybody folks guys team there sir madam friends
    today yesterday tomorrow here then still yet anyway besides instead meanwhile likewise
    similarly moreover furthermore nevertheless nonetheless therefore thus hence sometimes often
    usually typically generally ultimately overall anyhow regardless admittedly surprisingly
    obviously naturally fortunately importantly lastly next later initially originally
    marketing sales strategy business startups companies customers note ps p.s update edit
    what why how who where which whether because since although though unless until after before
    as like with without from by to not just only even every each some many most more less
"""
_NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())

_NAME = r"@?[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)?"
_GREETING_RE = re.compile(
    rf"^(?:(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|thanks|thank you)\s*,?\s+)?"
    rf"(?P<name>{_NAME})\s*(?:,|!|:|\s[—–-]\s)",
    re.IGNORECASE,
)
_SIGNOFF_RE = re.compile(
    r"(?:^|[.!?…)]\s+)(?:thanks|thank you|many thanks|cheers|regards|best regards|kind regards|"
    r"warm regards|best|sincerely|warmly|all the best|--?|—|–)\s*[,!]?\s*"
    r"(?P<name>[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*){0,2})\s*\.?$",
    re.IGNORECASE,
)
_ARTICLE_RE = re.compile(r"\b(?:article|post|blog|piece|write-?up|essay|column)s?\b", re.IGNORECASE)
_COMMENT_RE = re.compile(
    r"\b(?:your|the|my|this|that) (?:comment|reply|response|remark)s?\b", re.IGNORECASE
)
_SELF_HANDLE_RE = re.compile(r"\b(?:me|I'm|I am)\b[^.!?]{0,40}?@(\w{2,30})", re.IGNORECASE)


def looks_like_name(name: str) -> bool:
    """An '@handle', or capitalised words none of which opens sentences ('However', 'Update')."""
    parts = name.lstrip("@").split()
    if not parts:
        return False
    if name.startswith("@"):
        return True
    return all(p.lower().strip("'’") not in _NOT_NAMES and p[:1].isupper() for p in parts)


def addressee(text: str) -> str | None:
    """Whom a comment greets at its start: 'Hi Jessica, ...' -> 'Jessica'; 'John,' -> 'John'."""
    text = normalize_text(text)
    text = text[marker_length(text):]
    m = _GREETING_RE.match(text)
    if not m:
        return None
    name = m.group("name").strip()
    if name.startswith("@"):
        return name.split()[0].lstrip("@")  # "@Dev yes, same slots": a handle is one word
    # The greeting regex is case-insensitive for 'Hi'; the name itself must be capitalised.
    if not looks_like_name(name):
        # 'Hi Jessica Thanks, ...': keep the first word if the second is not a name.
        first = name.split()[0]
        return first if " " in name and looks_like_name(first) else None
    return name


def signer(text: str) -> str | None:
    """Who signs a comment off at its end: '... Thanks, Sergey' -> 'Sergey'."""
    m = _SIGNOFF_RE.search(normalize_text(text))
    if not m:
        return None
    name = m.group("name").strip()
    return name if looks_like_name(name) else None


def self_handle(text: str) -> str | None:
    """A handle the writer gives as their own: 'challenge me on Twitter @mikeboysen'."""
    m = _SELF_HANDLE_RE.search(normalize_text(text))
    return m.group(1) if m else None


def same_person(a: str | None, b: str | None) -> bool:
    """Names match on the whole or on the first name ('Mike' ~ 'Mike Boysen')."""
    if not a or not b:
        return False
    a, b = a.lower().lstrip("@"), b.lower().lstrip("@")
    return a == b or (bool(a.split()) and bool(b.split()) and a.split()[0] == b.split()[0])


def _expand_with_handle(name: str, handle: str | None) -> str:
    """'Mike' + handle 'mikeboysen' -> 'Mike Boysen' (the handle is first name + surname)."""
    if not handle or " " in name:
        return name
    h = handle.lower()
    first = name.lower()
    rest = h[len(first):]
    if h.startswith(first) and rest.isalpha() and len(rest) >= 2:
        return f"{name} {rest.capitalize()}"
    return name


def _body_text(doc: Doc, which: str) -> str:
    blocks = [b for b in doc.blocks if b.role != "boilerplate"]
    if not blocks:
        return ""
    block = blocks[0] if which == "first" else blocks[-1]
    return doc.source_text[block.start : block.end]


def _whole_text(doc: Doc) -> str:
    return " ".join(doc.source_text[b.start : b.end] for b in doc.blocks if b.role != "boilerplate")


def infer_threads(article: Doc, comments: list[Doc]) -> None:
    """Fill addressed_to, author and parent_key of comments, and the article's author, in place.

    Rules (each general, none page-specific):
    - a comment addresses the name it opens with ('Hi Jessica,', 'John,');
    - it is signed by the name it closes with ('Thanks, Sergey');
    - a name that matches the article's author, or comes with talk of 'the article/post', addresses
      the article's author, so the comment answers the article (and names the author if unknown);
    - a name that matches an earlier commenter, or comes with talk of 'the comment', answers that
      commenter's comment; an unnamed earlier commenter takes the name (the reply's greeting
      reveals who wrote it);
    - whoever answers a comment that addressed X is X (X replies to the one who addressed them);
    - otherwise a comment answers the article.
    """
    handle = self_handle(_whole_text(article))
    author = article.author
    for c in comments:
        if c.addressed_to is None:
            c.addressed_to = addressee(_body_text(c, "first"))
        if c.author is None:
            signed = signer(_body_text(c, "last"))
            if signed and not same_person(signed, c.addressed_to):
                c.author = signed

    earlier: list[Doc] = []
    for c in comments:
        if c.parent_key is not None:  # given by the format (JSONL, HTML structure)
            earlier.append(c)
            continue
        name = c.addressed_to
        text = _whole_text(c)
        target: Doc | None = None
        if name:
            by_author = [e for e in earlier if same_person(e.author, name)]
            if author and same_person(author, name):
                target = None
            elif author is None and handle and handle.lower().startswith(name.lower().lstrip("@")):
                author = _expand_with_handle(name, handle)
            elif by_author:
                target = by_author[-1]
            elif _COMMENT_RE.search(text) and not _ARTICLE_RE.search(text):
                unnamed = [e for e in earlier if e.author is None]
                if unnamed:
                    target = unnamed[-1]
                    target.author = name
            elif author is None:
                author = _expand_with_handle(name, handle)
        c.parent_key = target.key if target is not None else article.key
        if target is not None and c.author is None and target.addressed_to and not same_person(
            target.addressed_to, target.author
        ):
            c.author = target.addressed_to
        earlier.append(c)
    if article.author is None and author is not None:
        article.author = author
    elif article.author is None and handle:
        article.author = "@" + handle


# ---------------------------------------------------------------------------------------------
# Threads whose posts carry bylines: who answers whom from what the layout shows.


@dataclass
class ReplyCues:
    """What a thread's layout shows about the post a comment answers (pipeline/readers/text_posts.py)."""

    depth: int | None = None  # nesting level ('level 2', or the rank of its indentation)
    parent_link: bool = False  # its header links to a parent post ('… | parent | next')
    under: int | None = None  # index of the comment it sits under (a comment under an answer)
    to: str | None = None  # whom its header says it answers ('Ann Lee Mod > Cy Diaz')
    quoted: list[str] = field(default_factory=list)  # lines it quotes ('> …', or under 'X wrote:')
    quoted_name: str | None = None  # whom it quotes ('X wrote:')
    own_lines: list[str] = field(default_factory=list)  # its own words: quotes and furniture left out
    reply_to: str | None = None  # whom a cue line says it answers ('In reply to Ann Lee', 'Replying to @ann')
    handle: str | None = None  # its writer's '@handle' printed in its header, under a display name


_MENTION_STOP = _NOT_NAMES | {"author", "admin", "mod", "op"}
_TOKEN_RE = re.compile(r"(?:@|\bu/)?[\w][\w.'’\-]*")  # 'u/ann': an aggregator's mention, as '@ann' elsewhere
_GREETING_WORDS = {"hi", "hey", "thanks", "thank", "you", "dear", "cheers", "sorry", "yes", "no", "ok", "okay"}
# 'Agree with Mark, …', 'I disagree with Priya.', '+1 to what Sharon said': a comment that opens by siding
# with someone answers them.
_SIDING_RE = re.compile(r"^(?:(?:i\s+)?(?:\w+ly\s+)?(?:dis)?agreed?\s+with|\+1\s+(?:to|for)(?:\s+what)?)$",
                        re.IGNORECASE)


class _Participants:
    """The writers of a thread's earlier posts, indexed so a comment's words are read once.

    A comment names a participant by '@handle' (the writer's own, or their display name written as
    one: '@AnnLee'), by a handle with '_', '.' or a digit, by the full name, by a first name it
    speaks to ('Priya, …', 'Thanks Marek!', '… call, Pavel.'), or by a handle or a word of one it
    speaks to ('river_otter, …' as 'river_otter' or 'Otter, …'; 'Polly, …' to pollyfibre, the only
    handle it begins).
    """

    def __init__(self) -> None:
        self.latest: dict[str, Doc] = {}  # writer (casefolded) -> their latest post
        self.handles: dict[str, str] = {}  # handle (casefolded) -> writer
        self.names: dict[str, list[str]] = {}  # first word of a full name -> full names
        self.handle_words: dict[str, str] = {}  # a word of a handle (casefolded) -> writer ('otter')

    def add(self, doc: Doc, handle: str | None = None) -> None:
        if not doc.author:
            return
        name = doc.author
        self.latest[name.casefold()] = doc
        if " " in name:
            self.names.setdefault(name.split()[0], []).append(name)
            self.handles.setdefault(name.replace(" ", "").casefold(), name)
        else:
            self.handles[name.casefold()] = name
        for alias in filter(None, (handle, None if " " in name else name)):
            self.handles[alias.casefold()] = name
            for part in re.split(r"[_.\-\d]+", alias):
                if len(part) >= 3 and part.casefold() != alias.casefold():
                    self.handle_words.setdefault(part.casefold(), name)

    def writer(self, name: str) -> Doc | None:
        """The latest post of the participant a cue names by name or '@handle', or None."""
        bare = name.lstrip("@").casefold()
        return self.latest.get(self.handles.get(bare, bare).casefold())

    def named_in(self, text: str, writer: str | None) -> Doc | None:
        """The latest post of the participant `text` names first (not its own writer), or None."""
        names = self.all_named(text, writer)
        return self.latest[names[0].casefold()] if names else None

    def all_named(self, text: str, writer: str | None, at_only: bool = False) -> list[str]:
        """Every participant `text` names, in order (not its own writer); with `at_only`, by '@handle' only."""
        own = (writer or "").casefold()
        out: list[str] = []
        for m in _TOKEN_RE.finditer(text):
            token = re.sub(r"['’]s$", "", m.group(0).rstrip(".'’-"))  # 'old_tandem's point
            if at_only and not token.startswith(("@", "u/")):
                continue
            name = self._name_at(text, m.start(), token)
            if name and name.casefold() != own and name not in out:
                out.append(name)
        return out

    def _name_at(self, text: str, at: int, token: str) -> str | None:
        bare = re.sub(r"^(?:@|u/)", "", token)
        handle = self.handles.get(bare.casefold())
        if handle and (token.startswith(("@", "u/")) or not (bare.isalpha() and bare.islower())
                       or self._spoken_to(text, at, bare)):
            return handle
        start = at + len(token) - len(bare)  # '@Priya Raman': the full name after the '@'
        for name in self.names.get(bare, []):
            if text.startswith(name, start) and not text[start + len(name):start + len(name) + 1].isalnum():
                return name
        if bare in self.names and self._spoken_to(text, at, bare):
            return self.names[bare][-1]
        if not self._spoken_to(text, at, bare) or not (at == 0 or bare[:1].isupper()):
            return None
        word = self.handle_words.get(bare.casefold())
        if word:
            return word  # 'Dan, …' to dan_elm: as the comment's first word, or capitalised ('Fair enough, Dan, …')
        if bare[:1].isupper() and len(bare) >= 4:  # 'Polly, …' to pollyfibre: the only handle it begins
            begun = {w for h, w in self.handles.items() if h.startswith(bare.casefold()) and " " not in w}
            return begun.pop() if len(begun) == 1 else None
        return None

    @staticmethod
    def _spoken_to(text: str, at: int, first: str) -> bool:
        """A first name used to address someone: at the start, after a stop or comma, or after a
        greeting, and followed by punctuation or the end ('Priya, …', 'Thanks Marek!'); or after words
        that side with them, at the start of the comment ('Agree with Mark, …', '+1 to what Sharon said')."""
        if len(first) < 2 or first.lower() in _MENTION_STOP:
            return False
        if _SIDING_RE.match(text[:at].rstrip()):
            return True
        after = text[at + len(first):].lstrip()
        if after and after[0] not in ",!:;.?" and not (at == 0 and after[:2] in ("- ", "– ", "— ")):
            return False  # not 'Priya, …', nor 'Kev - good call' opening a comment
        before = text[:at].rstrip()
        words_before = before.split()
        return (not before or before[-1] in ".!?,;"
                or (bool(words_before) and words_before[-1].lower() in _GREETING_WORDS))


# A header's addressee or a quote is looked for among this many posts above, nearest first
# (the post a comment answers is nearly always close above it; this bounds the work on long threads).
_QUOTE_LOOKBACK = 200


def _norm_quote(text: str) -> str:
    return normalize_text(text).strip(" .…").casefold()


def infer_replies(article: Doc, comments: list[Doc], cues: list[ReplyCues], article_handle: str | None = None,
                  opening_post: bool = False) -> None:
    """parent_key and addressed_to of comments in a thread whose posts name their writers, in place.

    Rules, the first that applies wins:
    - nesting ('level 2', indentation): the nearest earlier comment one level up;
    - a header naming whom it answers ('Ann Lee > Cy Diaz'): that writer's latest post;
    - a cue line naming whom it answers ('In reply to Ann Lee', 'Replying to @annlee'): that writer's
      latest post that answers the article (the article itself, if it is theirs), else their latest post;
    - quoted lines: the latest earlier post that contains them; else the latest post of whom it says it
      quotes ('X wrote:', with the quote itself shown or collapsed);
    - a 'parent' link with no nesting shown: the comment just above;
    - a participant named in its own words ('@dee', 'Thanks Marek!', 'Priya, …'): their latest post
      (the article, if it is theirs and the comment talks about the article);
    - a comment printed under another (a comment under an answer, or one its reply count covers): that one;
    - the comment just above, when it spoke to this comment's writer (they answer whoever spoke to them);
    - the comment just above, when this one is by the article's writer (who answers the comments under
      an article; not in a forum thread, `opening_post`, whose opener's later posts often speak to all);
    - otherwise the article.
    A comment addresses the participant it names (or its header names), else nobody. `article_handle`
    and each cue's `handle` are the writers' handles printed under their display names.
    """
    participants = _Participants()
    participants.add(article, article_handle)
    texts: dict[str, str] = {}  # doc key -> its text as quotes are compared
    nesting: list[tuple[int, Doc]] = []  # (depth, comment) of the comments a new one can nest under
    spoke_to: list[str] = []  # whom the comment above named by '@handle', for 'they answer whoever spoke to them'
    for n, (c, cue) in enumerate(zip(comments, cues)):
        latest_first = [*comments[max(n - _QUOTE_LOOKBACK, 0):n][::-1], article]  # the posts above, nearest first
        own = " ".join(cue.own_lines)
        named = participants.named_in(own, c.author)
        target: Doc | None = None
        if cue.depth is not None:
            while nesting and nesting[-1][0] >= cue.depth:
                nesting.pop()
            target = nesting[-1][1] if nesting else article
            nesting.append((cue.depth, c))
        elif cue.to:
            target = next((d for d in latest_first if same_person(d.author, cue.to)), None)
        elif cue.reply_to:
            answered = participants.writer(cue.reply_to)
            theirs = [d for d in latest_first if answered is not None and d.author == answered.author]
            target = next((d for d in theirs if d is article or d.parent_key == article.key), None) or (
                theirs[0] if theirs else None)
        if target is None and cue.depth is None and cue.quoted:
            quoted = [q for q in (_norm_quote(x) for x in cue.quoted) if len(q) >= 12]
            for d in latest_first if quoted else []:
                if d.key not in texts:
                    texts[d.key] = _norm_quote(_whole_text(d))
                if all(q in texts[d.key] for q in quoted):
                    target = d
                    break
        if target is None and cue.depth is None and cue.quoted_name:  # also 'X wrote:' over a collapsed quote
            target = next((d for d in latest_first if same_person(d.author, cue.quoted_name)), None)
        if target is None and cue.depth is None:
            if cue.parent_link and n > 0:
                target = comments[n - 1]
            elif named is not None:
                talks_of_article = bool(_ARTICLE_RE.search(own)) and same_person(named.author, article.author)
                target = article if talks_of_article else named
            elif cue.under is not None:
                target = comments[cue.under]
            elif n > 0 and (same_person(comments[n - 1].addressed_to, c.author)
                            or any(same_person(m, c.author) for m in spoke_to)):
                target = comments[n - 1]
            elif (n > 0 and not opening_post and same_person(c.author, article.author)
                  and not same_person(comments[n - 1].author, c.author)):
                target = comments[n - 1]  # the article's writer, below a comment, answers it
        c.parent_key = (target or article).key
        c.addressed_to = named.author if named is not None else cue.to
        participants.add(c, cue.handle)
        spoke_to = participants.all_named(own, c.author, at_only=True)  # '@ann … and @bob, you were right'
