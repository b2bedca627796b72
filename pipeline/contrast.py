"""The affirmed part of a sentence that sets what it argues against what it rejects.

"It isn't a sales problem, it's a positioning problem", "the fix is better calls, not a research
phase", "not X but Y": a sentence vector averages both sides, so the rejected side's topic words
pull the stance reading towards the position the sentence argues against. The stance stage reads
such a sentence twice, whole and by its affirmed part (`affirmed_part`), and averages the two
(params `stance.affirmed_weight`). English patterns; a sentence without one is read whole only.
"""

from __future__ import annotations

import re

_NEGATED = (r"(?:isn['’]t|is\s+not|wasn['’]t|was\s+not|aren['’]t|are\s+not|weren['’]t|were\s+not|"
            r"was\s+never|is\s+never|never\s+was|doesn['’]t|didn['’]t|don['’]t)")
_AFFIRMING = (r"(?:it['’]s|it\s+is|it\s+was|that['’]s|that\s+is|they['’]re|they\s+are|this\s+is|"
              r"you\s+(?:have|had|need|failed)|it\s+needs|the\s+\w+\s+(?:is|was))")

# The affirmed part follows: "not X but Y", "<negated> X, it's Y", "less about X, more about Y".
_AFFIRMED_AFTER = (
    re.compile(r"\bnot\s+(?!only\b|just\b|simply\b|merely\b)[^,;.]{2,80}?,?\s+but\s+(?:rather\s+)?(?P<part>.+)$",
               re.IGNORECASE),
    re.compile(r"\b" + _NEGATED + r"\b[^;]{2,120}?[,;:—–-]\s*(?P<part>" + _AFFIRMING + r"\b.+)$", re.IGNORECASE),
    re.compile(r"\bless\s+(?:about|of)\b[^,;]{2,80}?,?\s+(?:and\s+)?more\s+(?:about|of)\s+(?P<part>.+)$",
               re.IGNORECASE),
)
# The affirmed part comes first: "X, not Y." and "X rather than Y" / "X instead of Y" at the end.
_AFFIRMED_BEFORE = (
    re.compile(r"^(?P<part>.{12,}?),\s+(?:and\s+)?not\s+(?!only\b|just\b|because\b|that\b|sure\b|yet\b)"
               r"[^,;]{2,80}[.!?]?$", re.IGNORECASE),
    re.compile(r"^(?P<part>.{12,}?)\s*,?\s+(?:rather\s+than|instead\s+of)\s+[^,;]{2,80}[.!?]?$", re.IGNORECASE),
)
MIN_WORDS = 3  # a shorter affirmed part ("it's this") says too little to read alone


def affirmed_part(text: str) -> str | None:
    """The part of `text` that says what it argues for, when the sentence also names what it
    argues against; None for any other sentence."""
    text = text.strip()
    for pattern in (*_AFFIRMED_AFTER, *_AFFIRMED_BEFORE):
        match = pattern.search(text)
        if match and len(match.group("part").split()) >= MIN_WORDS:
            return match.group("part").strip()
    return None
