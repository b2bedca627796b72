"""What the claim detector reads from one sentence's parse, and the negators relations read.

Computed where the parse happens (a worker process, on the live Doc) and cached by text as one
record per sentence, so later steps and stages read the record instead of rebuilding the Doc.
The cache keys the records by this module's source: editing anything here recomputes them.
"""

from __future__ import annotations

import json

import numpy as np

STRONG_MODALS = {"should", "must", "need", "ought"}
HEDGES = {"think", "believe", "contend", "argue", "feel", "agree", "disagree", "doubt"}
GREETINGS = {"hi", "hello", "hey", "dear", "thanks", "thank", "cheers", "regards", "congrats", "congratulations"}
GENERIC_DETS = {"most", "many", "every", "all", "any", "no", "few", "some", "each"}
EVALUATIVE = {
    "important", "critical", "essential", "key", "best", "better", "worse", "worst", "wrong", "right",
    "mistake", "waste", "wasteful", "premature", "valuable", "value", "matter", "need", "problem",
    "fail", "failure", "success", "successful", "effective", "ineffective", "useless", "crucial",
    "necessary", "unnecessary", "vital", "true", "false", "misconception", "undervalued", "overrated",
}
CONTRAST = {"but", "however", "although", "though", "while", "whereas", "instead", "rather"}

# The claim cues of a sentence that its parse decides (pipeline/claims.py adds where it sits).
SENTENCE_FEATURE_NAMES = [
    "n_words_log", "is_short", "question", "exclamation", "ends_intro", "imperative", "modal",
    "strong_modal", "negation", "adj_share", "comparative", "superlative", "evaluative",
    "generic_subject", "second_person", "first_person_sg", "first_person_narration", "past_root",
    "present_root", "copula_root", "hedge", "greeting", "has_url_or_handle", "digit_share",
    "propn_share", "contrast", "no_verb",
]


KEYWORD_POS = {"NOUN", "PROPN", "ADJ", "VERB"}


def content_lemmas(doc) -> list[str]:
    """The lowercased lemmas of a parse's content words (no stop words, numbers or short words).

    The sentences stage keeps them with every sentence (it has the parse at hand), and the map's
    key point keywords are built from them, so the map stage needs no spaCy.
    """
    return [t.lemma_.lower() for t in doc
            if t.is_alpha and not t.is_stop and len(t) > 2 and t.pos_ in KEYWORD_POS]


SUBJECT_OF = ("nsubj", "nsubjpass")


def cue_record(doc) -> bytes:
    """One sentence's record, as JSON (floats written by `repr`, so they read back the same):
    its SENTENCE_FEATURE_NAMES values and its content lemmas."""
    return json.dumps([sentence_cues(doc), content_lemmas(doc)], ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def read_cue_record(data: bytes) -> tuple[list[float], list[str]]:
    """(sentence features, content lemmas)."""
    features, lemmas = json.loads(data)
    return [float(x) for x in features], [str(x) for x in lemmas]


def sentence_cues(doc) -> list[float]:
    """SENTENCE_FEATURE_NAMES, from the sentence's parse."""
    words = [t for t in doc if not t.is_punct and not t.is_space]
    n = max(len(words), 1)
    lower = [t.lower_ for t in words]
    lemmas = [(t.lemma_ or t.lower_).lower() for t in words]
    # closing quotes/brackets do not change what kind of sentence it is: 'I asked, "why?"' is a question
    text = doc.text.strip().rstrip("\"'”’)]» ")
    intro = text.endswith(":") or text.endswith("...") or text.endswith("…")  # introduces a list
    tags = [t.tag_ for t in words]
    has_tags = any(tags)
    roots = [t for t in doc if t.dep_ == "ROOT"] if doc.has_annotation("DEP") else []
    root = roots[0] if roots else None
    subj = [t for t in doc if t.dep_ in SUBJECT_OF]
    first = words[0] if words else None

    imperative = 0.0
    subjectless = root is not None and root.tag_ == "VB" and not any(
        c.dep_.startswith("nsubj") for c in root.children)
    if subjectless and first is not None and (
            first.i == root.i or first.lower_ in {"please", "do", "don't", "just"}):
        imperative = 1.0
    if first is not None and first.lower_ in {"please", "click", "feel", "share", "subscribe", "read"}:
        imperative = 1.0
    need_to = any(a in ("need", "have") and b == "to" for a, b in zip(lemmas, lower[1:]))
    modal = float(any(t.tag_ == "MD" for t in words) or need_to
                  or any(w in {"should", "must", "ought"} for w in lower))
    strong = float(any(w in STRONG_MODALS for w in lemmas))
    negation = float(any(t.dep_ == "neg" for t in doc) or any(w in {"not", "n't", "never", "no"} for w in lower))
    adj_share = sum(1 for t in words if t.pos_ in ("ADJ", "ADV")) / n if has_tags else 0.0
    comparative = float(any(t in ("JJR", "RBR") for t in tags) or "than" in lower)
    superlative = float(any(t in ("JJS", "RBS") for t in tags) or "most" in lower)
    evaluative = float(any(w in EVALUATIVE for w in lemmas))
    generic = 0.0
    for s in subj:
        dets = {c.lower_ for c in s.children if c.dep_ in ("det", "amod", "nummod")}
        if s.tag_ in ("NNS", "NNPS") and not dets & {"the", "these", "those", "his", "her", "their", "my"}:
            generic = 1.0
        if dets & GENERIC_DETS or s.lower_ in ("you", "everyone", "nobody", "companies", "startups"):
            generic = 1.0
        if s.tag_ in ("NN", "VBG") and not any(c.dep_ in ("det", "poss") for c in s.children):
            generic = 1.0  # bare mass noun: "Marketing is ...", "Selling works"
    second = float(any(w in ("you", "your", "yours") for w in lower))
    first_sg = float(any(w in ("i", "me", "my", "mine") for w in lower))
    past_root = float(root is not None and root.tag_ in ("VBD", "VBN"))
    present_root = float(root is not None and root.tag_ in ("VBZ", "VBP"))
    narration = float(first_sg and (past_root or any(t.tag_ == "VBD" for t in words))
                      or any(s.lower_ in ("he", "she", "we") for s in subj) and past_root)
    copula = float(root is not None and root.lemma_ == "be")
    hedge = float(any(w in HEDGES for w in lemmas) and first_sg)
    greeting = float(bool(lower) and (lower[0] in GREETINGS or (len(lower) <= 3 and lower[0] in GREETINGS | {"best"})))
    url = float(any(t.like_url or t.like_email or t.text.startswith("@") for t in doc))
    digits = sum(1 for t in words if t.like_num) / n
    propn = sum(1 for t in words if t.pos_ == "PROPN") / n if has_tags else 0.0
    contrast = float(any(w in CONTRAST for w in lower))
    no_verb = float(has_tags and not any(t.pos_ in ("VERB", "AUX") for t in words))
    return [
        float(np.log1p(len(words))), float(len(words) < 4), float(text.endswith("?")),
        float(text.endswith("!")), float(intro), imperative, modal, strong, negation,
        adj_share, comparative, superlative, evaluative, generic, second, first_sg, narration,
        past_root, present_root, copula, hedge, greeting, url, digits, propn, contrast, no_verb,
    ]


NEGATORS = {"not", "no", "never", "n't", "without", "nor", "neither", "instead", "rather", "than",
            "less", "stop", "avoid", "forget", "premature", "waste", "over"}


def negator_among(words) -> bool:
    """Whether any of these lower-case words negates what follows ('not', 'never', "shouldn't")."""
    return any(w in NEGATORS or w.endswith("n't") for w in words)
