"""Comment threads from what the text itself says: greetings, sign-offs and who answers whom."""

from __future__ import annotations

import re

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


def _is_name(name: str) -> bool:
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
    # The greeting regex is case-insensitive for 'Hi'; the name itself must be capitalised.
    if not _is_name(name):
        # 'Hi Jessica Thanks, ...': keep the first word if the second is not a name.
        first = name.split()[0]
        return first if " " in name and _is_name(first) else None
    return name


def signer(text: str) -> str | None:
    """Who signs a comment off at its end: '... Thanks, Sergey' -> 'Sergey'."""
    m = _SIGNOFF_RE.search(normalize_text(text))
    if not m:
        return None
    name = m.group("name").strip()
    return name if _is_name(name) else None


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
