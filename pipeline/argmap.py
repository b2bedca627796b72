"""Assemble the argument map: positions -> key points -> claims, with relations and provenance."""

from __future__ import annotations

import functools
import json
import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.embed import analysis_text, embedding_matrix
from pipeline.parses import PARSE_DISABLE, record_tokens
from pipeline.people import dominant_positions, is_named, resolve_speakers, top_label
from pipeline.stance import LabelSpace

logger = logging.getLogger(__name__)

SCHEMA_VERSION = "1.1"
NOISE_LABEL = "Unclustered claims"

Lemmatizer = Callable[[Sequence[str]], list[list[str]]]


def merge_sentences(
    scored: pd.DataFrame, stances: pd.DataFrame, assignments: pd.DataFrame
) -> pd.DataFrame:
    """The final sentences table: every sentence, with stance and key point for the claims."""
    out = scored.merge(stances, on="sentence_id", how="left", validate="one_to_one")
    out = out.merge(
        assignments[["sentence_id", "cluster_id", "membership_score"]],
        on="sentence_id", how="left", validate="one_to_one",
    )
    out["cluster_id"] = out["cluster_id"].astype("Int64")
    out.loc[~out["is_claim"], ["stance", "stance_score", "stance_probs", "stance_own"]] = None
    out = out.drop(columns=["content_lemmas"], errors="ignore")  # the map's keywords read them from `scored`
    return out.sort_values("sentence_id", kind="stable").reset_index(drop=True)


def class_tfidf_keywords(
    lemmas_by_cluster: dict[int, list[str]], top_n: int
) -> dict[int, list[str]]:
    """Class-based TF-IDF: terms frequent in one key point and rare across the others."""
    counts = {c: Counter(words) for c, words in lemmas_by_cluster.items()}
    total = Counter()
    for counter in counts.values():
        total.update(counter)
    if not total:
        return {c: [] for c in counts}
    avg_words = sum(total.values()) / max(len(counts), 1)
    keywords = {}
    for c, counter in counts.items():
        size = sum(counter.values()) or 1
        scored = [
            (counter[w] / size * math.log(1 + avg_words / total[w]), w) for w in counter
        ]
        scored.sort(key=lambda x: (-x[0], x[1]))
        keywords[c] = [w for _, w in scored[:top_n]]
    return keywords


def stored_lemmatizer(sentences: pd.DataFrame) -> Lemmatizer:
    """The content lemmas the sentences stage stored with each sentence, looked up by analysis text."""
    known = dict(zip(analysis_text(sentences), sentences["content_lemmas"]))

    def lemmatize(texts: Sequence[str]) -> list[list[str]]:
        return [list(known[t]) for t in texts]

    return lemmatize


# ----------------------------------------------------------------------------- key point labels
# A key point's label is a span of one of its claims (the words stay the speaker's; the offsets
# point at them), chosen by `label_score` among every claim and every clause of a claim.
# Constants rather than params: they define what a readable label is, not a per-corpus setting.
# The weights were chosen on ArgKP-2021 train and dev (`argmap-bench quality keypoints --tune-labels`):
# each gold key point's arguments as a cluster, the label chosen among their spans, scored by its
# cosine with the gold key point's text; never on the seeds or a test split.

LABEL_MAX_WORDS = 15      # a key point is read at a glance
LABEL_MIN_WORDS = 3       # shorter is a fragment ("Sales is key" passes)
LABEL_TARGET_WORDS = 8    # ArgKP-2021's gold key points: 7-8 words on average (train)
LABEL_WEIGHTS = {"centrality": 1.0, "shared_words": 0.5, "length": 0.0}  # length: train chose 0; the cap does the work

# A span that starts with one of these leans on a sentence before it.
DANGLING_STARTS = frozenset(
    "this that these those it its they them their he she his her him which who whose such so "
    "there here both".split()
)
QUESTION_STARTS = frozenset("how why what who whom when where whether".split())
# Joining words a clause may start with; dropped from the span's start (the rest still stands).
CONNECTORS = frozenset(
    "and but or so because since as while whereas although though yet thus therefore hence "
    "then also plus nor however moreover furthermore instead".split()
)
HEADING_ROLES = frozenset({"heading", "title", "caption"})
# A span ending on one of these stops mid-phrase ("... do what they").
UNFINISHED_ENDS = frozenset(
    "the a an of to and or but nor that which who whom whose what they it he she we you i this these those "
    "with for from as than is are was were be been being their our my your his her its if so "
    "because into about not very due".split()
)
PREPOSITIONS = frozenset("in on at of for with to by from into about like than as per via".split())
# Clause breaks: ; : dashes, a full stop inside a claim of two sentences, and a comma before a
# joining word. A comma elsewhere often sits in a list ("marketing, sales and strategy"), so it
# breaks only after a short opener ("In fact, ...").
_CLAUSE_BREAK = re.compile(
    r"[;:]|[.!?](?=\s+[A-Z])|\s[—–-]+\s|—|,(?=\s+(?:but|so|because|since|while|whereas|although|though|yet|which|who|"
    r"when|if|then|however)\b)", re.I)
_COMMA = re.compile(r",\s")
OPENER_MAX_WORDS = 4
# After a comma, one or two words and another comma: the comma
# sits in a list ("Marketing is research, design, and ..."), never an opener's end. (A list of two
# after the comma, "..., design and X", is left to the parse: see `clause_problems`.)
_LIST_AFTER_COMMA = re.compile(r"\s*[\w'’-]+(?:\s+[\w'’-]+)?\s*,")
_ELLIPSIS = ("…", "...")
_SPAN_OPENERS = "\"“‘'"  # a span may start with a quote; any other non-word character is a cut
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
_TRIM = " \t\n'‘’«»*,.;:!-–—…"


@dataclass(frozen=True)
class LabelSpan:
    """One candidate label: claim `index` of the cluster, characters [start, end) of its text."""

    index: int
    start: int
    end: int
    text: str


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without surrounding punctuation or quotes, nor leading joining words."""
    while True:
        while start < end and text[start] in _TRIM:
            start += 1
        while end > start and text[end - 1] in _TRIM:
            end -= 1
        first = _WORD.match(text, start)
        if first is None or first.end() >= end or first.group(0).lower() not in CONNECTORS:
            return start, end
        start = first.end()


def label_candidates(texts: Sequence[str]) -> list[LabelSpan]:
    """Every claim whole and every clause of it (split at ; : and dashes, at a comma before a joining
    word or after a short opener, never at a comma inside a list), up to three neighbouring clauses
    joined, trimmed; duplicates of a span dropped. A span's text is `text[start:end]` exactly."""
    out: list[LabelSpan] = []
    for index, text in enumerate(texts):
        breaks = [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(text)]
        opener = _COMMA.search(text)  # only the claim's first comma can close an opener
        if (opener and len(_WORD.findall(text, 0, opener.start())) <= OPENER_MAX_WORDS
                and not _LIST_AFTER_COMMA.match(text, opener.end())):
            breaks.append((opener.start(), opener.end()))
        bounds = sorted({0, len(text), *(a for a, _ in breaks), *(b for _, b in breaks)})
        pieces = [(a, b) for a, b in zip(bounds, bounds[1:]) if _WORD.search(text, a, b)]
        seen = set()
        spans = [(0, len(text))]
        for i in range(len(pieces)):
            for j in range(i, min(i + 3, len(pieces))):  # a clause, or up to three in a row
                spans.append((pieces[i][0], pieces[j][1]))
        for a, b in spans:
            a, b = _trimmed(text, a, b)
            if b > a and (a, b) not in seen:
                seen.add((a, b))
                out.append(LabelSpan(index, a, b, text[a:b]))  # the source slice, as written
    return out


def label_words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def label_problems(span: str, role: str | None = None, *, clause: bool = False,
                   after_colon: bool = False) -> list[str]:
    """Why `span` does not read as a key point on its own, judged by its text: too short or long,
    starts with a word that refers back ('this', 'it'), is a question, comes from a heading, leaves a
    bracket or quote open, ends on a function word ('... do what they'), starts with an ellipsis or
    other punctuation ('…a unique'), or, when it is a clause (`clause`: a word of its claim comes
    before it), starts lowercase ('al the way up to ...': the sentence goes on from before the cut;
    not after a colon or semicolon, `after_colon`, where a clause starts lowercase on its own)
    or opens with a preposition, as a short opener does too ('In both cases'); [] when it reads
    alone. `clause_problems` judges the grammar, from a parse."""
    words = label_words(span)
    problems = []
    if span.count("(") != span.count(")") or span.count("“") != span.count("”") or span.count('"') % 2:
        problems.append("unbalanced")
    if words and words[-1] in UNFINISHED_ENDS:
        problems.append("unfinished")
    if words and words[0] in PREPOSITIONS and (clause or len(words) <= OPENER_MAX_WORDS):
        problems.append("fragment")
    if span.startswith(_ELLIPSIS):
        problems.append("ellipsis")
    elif span[:1] and not span[0].isalnum() and span[0] not in _SPAN_OPENERS:
        problems.append("punctuation start")
    if clause and not after_colon and span.lstrip(_SPAN_OPENERS)[:1].islower():
        problems.append("continuation")
    if len(words) < LABEL_MIN_WORDS:
        problems.append("too short")
    if len(words) > LABEL_MAX_WORDS:
        problems.append("too long")
    first = words[0].replace("’", "'").split("'")[0] if words else ""
    if first in DANGLING_STARTS:
        problems.append("dangling reference")
    if span.rstrip().endswith("?") or (words and words[0] in QUESTION_STARTS):
        problems.append("question")
    if role in HEADING_ROLES:
        problems.append("heading")
    return problems


# ----------------------------------------------------------------------------- the grammar check
# A label is a clause that stands alone: a finite verb with its subject, nothing it needs left
# outside the span (its object, its complement, the subordinator of a clause inside it, the next
# item of a list), one clause (or whole sentences). Read from a dependency parse of the whole
# claim (spaCy, `sentences.spacy_model`, parsed as the claims stage parses: the parse cache serves
# the claims it already parsed), and only for the claims whose spans could win (`pick_label`).

FINITE_TAGS = frozenset({"VBD", "VBP", "VBZ", "MD"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
# Dependents a word cannot lose to a cut: its subject, auxiliaries, object, complement, the rest
# of its noun phrase.
CORE_DEPS = frozenset(
    "nsubj nsubjpass csubj csubjpass expl aux auxpass neg dobj dative attr acomp oprd ccomp xcomp "
    "pcomp pobj agent det predet poss case compound amod nummod quantmod prt nmod".split()
)
NOMINAL_POS = frozenset({"NOUN", "PROPN", "PRON", "NUM", "ADJ"})
DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})
# ... and as determiners they point back as well ("In both cases", "these groups")
POINTING_DETERMINERS = DEMONSTRATIVES | {"both", "such"}
# A pronoun that names someone or something the span has not named ("he needed leads", "her level
# of expertise") leans on the sentences before it.
THIRD_PERSON = frozenset("it its itself they them their theirs themselves".split())
PERSONAL = frozenset("he him his himself she her hers herself".split())  # refers to a name, not a noun


@dataclass(frozen=True)
class ParsedWord:
    """What the grammar check reads of one word of a parsed claim: its characters [start, end) in
    the claim, its part of speech (universal `pos`, Penn `tag`), dependency label and head (the
    index of its head word; its own index for a sentence root)."""

    start: int
    end: int
    text: str
    pos: str
    tag: str
    dep: str
    head: int


ClaimParse = tuple[ParsedWord, ...]
Parser = Callable[[Sequence[str]], list[ClaimParse]]


def doc_words(doc) -> ClaimParse:
    """A spaCy Doc as `ParsedWord`s."""
    return tuple(ParsedWord(t.idx, t.idx + len(t.text), t.text, t.pos_, t.tag_, t.dep_, t.head.i) for t in doc)


def record_words(data: bytes) -> ClaimParse:
    """A stored parse (`pipeline.parses.doc_record`) as `ParsedWord`s, read without spaCy: what
    `doc_words` reads of the Doc rebuilt from it (tests/test_argmap.py checks the two agree)."""
    return tuple(ParsedWord(*token) for token in record_tokens(data))


def spacy_parser(nlp, batch_size: int = 64) -> Parser:
    """A `Parser` from a spaCy pipeline (or pipeline.runtime.cache.CachedNLP): texts parsed in batches."""

    def parse(texts: Sequence[str]) -> list[ClaimParse]:
        return [doc_words(doc) for doc in nlp.pipe(list(texts), batch_size=batch_size)]

    return parse


def stage_parser(spacy_model: str) -> Parser:
    """The argmap stage's `Parser`: `spacy_model` (params `sentences.spacy_model`), its parses looked
    up in the parse cache first (pipeline/runtime/cache.py; the claims stage stored its own there) and
    stored there. A stage whose parses are all stored never imports spaCy."""
    from pipeline.models import load_spacy
    from pipeline.runtime.cache import CachedNLP, open_store

    nlp = CachedNLP(lambda: load_spacy(spacy_model, PARSE_DISABLE), open_store(), batch_size=256,
                    spec=(spacy_model, PARSE_DISABLE))
    return lambda texts: [record_words(rec) for rec in nlp.records(texts)]  # spaCy only for texts not stored


def _tagged_clause(words: Sequence[ParsedWord]) -> bool:
    """A finite verb with a noun or pronoun before it, outside brackets, before any subordinator."""
    depth, noun = 0, False
    for w in words:
        depth += (w.text == "(") - (w.text == ")")
        if depth > 0 or w.text == ")":
            continue
        if w.pos == "SCONJ" or w.dep == "mark":
            return False
        if w.tag in FINITE_TAGS and noun:
            return True
        noun = noun or w.pos in ("NOUN", "PROPN", "PRON")
    return False


def clause_problems(words: ClaimParse, start: int, end: int) -> list[str]:
    """Why characters [start, end) of a parsed claim (`words`) are not a clause that stands alone:
    'cut inside a word'; 'no clause' (a head of the span is not a finite verb with its subject:
    'Most smaller companies', 'Missing your chances'); 'not one clause' (pieces of two:
    'I contend that designers' out of '... that designers, developers and testers should ...');
    'cut' (a head of the span lost its object, complement or auxiliary, a word lost the rest of its
    phrase, or a clause inside lost its subordinator: 'you may do X, your job is Y' out of
    'While you may do X, your job is Y'); 'list cut' (the next item of a list is outside);
    'dangling reference' (a demonstrative pronoun: 'How you do that is another matter'); []
    when it stands alone."""
    problems: set[str] = set()
    if any(w.start < start < w.end or w.start < end < w.end for w in words):
        problems.add("cut inside a word")
    inside = {i for i, w in enumerate(words) if w.start >= start and w.end <= end}
    roots = [i for i in sorted(inside)
             if words[i].dep != "punct" and (words[i].head == i or words[i].head not in inside)]
    if len(roots) > 1 and not all(words[i].head == i for i in roots):
        problems.add("not one clause")
    for r in roots:
        kids = [words[i] for i in inside if words[i].head == r and i != r]
        finite = words[r].tag in FINITE_TAGS or any(k.dep in ("aux", "auxpass") and k.tag in FINITE_TAGS for k in kids)
        if not (words[r].pos in ("VERB", "AUX") and finite and any(k.dep in SUBJECT_DEPS for k in kids)):
            # The small parsers misattach ('Most problems are not isolated problems': root
            # 'problems'): the tags then decide, a finite verb with a noun or pronoun before it,
            # neither in brackets nor after a subordinator ('Failing to act (even if it's late)').
            if not _tagged_clause([words[i] for i in sorted(inside)]):
                problems.add("no clause")
    for i, w in enumerate(words):
        if i in inside or w.head not in inside or w.head == i or w.dep == "punct":
            continue
        if w.dep in CORE_DEPS or (w.dep == "mark" and w.head not in roots):
            problems.add("cut")
        elif _subordinator(w) and w.text.lower() not in REASON_MARKS:
            # the span is what an if / when / as / while clause says, stripped of that word: a
            # condition or a concession read as a claim ("new solutions arise" out of "as new
            # solutions arise"); a reason stands ("people know ..." out of "because people know ...")
            problems.add("cut")
        elif w.dep == "conj" and (w.pos in NOMINAL_POS or words[w.head].pos in NOMINAL_POS):
            problems.add("list cut")
    if any(_subordinator(words[k]) and words[k].head in roots for k in inside):
        problems.add("no clause")  # a subordinate clause, whole: "when a sale is in the funnel"
    if any((words[i].text.lower() in DEMONSTRATIVES and words[i].pos == "PRON")
           or (words[i].text.lower() in POINTING_DETERMINERS and words[i].dep in ("det", "predet")) for i in inside):
        problems.add("dangling reference")
    noun = name = False  # a noun or a name in the span before the pronoun, which it may refer to
    for i in sorted(inside):
        word = words[i].text.lower()
        if words[i].pos in ("PRON", "DET") and not _extraposed(words, i) and (
                (word in THIRD_PERSON and not noun) or (word in PERSONAL and not name)):
            problems.add("dangling reference")
            break
        noun = noun or words[i].pos in ("NOUN", "PROPN")
        name = name or words[i].pos == "PROPN"
    return sorted(problems)


def _extraposed(words: ClaimParse, i: int) -> bool:
    """Word `i` is an "it" that stands for a clause later in the sentence, not for anything before:
    "It is important to protect speech", "It is unfair that students pay". Not after a noun ("It is
    a good country to live in": the "it" is the country, named before)."""
    w = words[i]
    if w.dep == "expl":
        return True
    if w.text.lower() != "it" or w.dep not in ("nsubj", "nsubjpass"):
        return False
    kids = _children(words)
    complements = [k for k in kids.get(w.head, ()) if words[k].dep in ("acomp", "oprd")]
    later = [k for k in kids.get(w.head, ())
             if words[k].dep in ("xcomp", "ccomp") and complements and k > complements[0]]
    later += [k for c in complements for k in kids.get(c, ()) if words[k].dep in ("xcomp", "ccomp")]
    return any(any((words[c].dep == "aux" and words[c].text.lower() == "to") or words[c].dep == "mark"
                   for c in kids.get(k, ())) for k in later)


def _children(words: ClaimParse) -> dict[int, list[int]]:
    """Each word's dependents, in word order (a word with none is not a key)."""
    children: dict[int, list[int]] = {}
    for i, w in enumerate(words):
        if w.head != i:
            children.setdefault(w.head, []).append(i)
    return children


@functools.cache
def english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, read from the literal in its module's source: importing the
    module runs scikit-learn's and SciPy's imports, about 1 s of a map stage that needs nothing else
    of them (tests/test_argmap.py checks the two agree)."""
    import ast
    import importlib.util

    package = importlib.util.find_spec("sklearn")  # locates the package without importing it
    if package is not None and package.submodule_search_locations:
        path = Path(package.submodule_search_locations[0], "feature_extraction", "_stop_words.py")
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "ENGLISH_STOP_WORDS"
                    and isinstance(node.value, ast.Call) and node.value.args):
                return frozenset(ast.literal_eval(node.value.args[0]))
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # another layout: import it

    return ENGLISH_STOP_WORDS


def _content_words(text: str) -> set[str]:
    stop = english_stop_words()
    return {w for w in label_words(text) if len(w) > 2 and w not in stop}


def label_score(centrality: float, shared_words: float, n_words: int,
                weights: dict[str, float] = LABEL_WEIGHTS) -> float:
    """centrality (its claim's cosine with the key point's centroid, the clustering's own
    embeddings) + shared words (the share of the other claims that use each of its content words,
    averaged) - a length penalty (distance from LABEL_TARGET_WORDS, relative to it)."""
    length = abs(n_words - LABEL_TARGET_WORDS) / LABEL_TARGET_WORDS
    return (weights["centrality"] * centrality + weights["shared_words"] * shared_words
            - weights["length"] * length)


@dataclass(frozen=True)
class LabelCandidate:
    """A span with what `label_score` reads, and what `label_problems` found; `whole`: the span is
    its claim whole (trimmed)."""

    span: LabelSpan
    centrality: float
    shared_words: float
    n_words: int
    problems: tuple[str, ...]
    whole: bool = False


def _span_features(texts: Sequence[str], index: int, start: int, end: int, centrality: float,
                   df: Counter, own: set[str], role: str | None, whole: tuple[int, int]) -> LabelCandidate:
    """One span's `LabelCandidate`: `df` counts, per content word, the claims of the key point using
    it; `own` is the claim's content words."""
    text = texts[index]
    span = LabelSpan(index, start, end, text[start:end])
    mine = _content_words(span.text)
    others = max(len(texts) - 1, 1)
    shared = (sum((df[w] - (w in own)) / others for w in mine) / len(mine)) if mine and len(texts) > 1 else 0.0
    cut = _WORD.search(text, 0, start) is not None
    before = text[:start].rstrip()
    # After a colon or semicolon, or right after a joining word the span dropped ("..., but they
    # needed leads"), a clause may start lowercase: it was whole before the cut.
    joined = re.search(r"([A-Za-z]+)\W*$", before)
    after_colon = before[-1:] in (":", ";") or (joined is not None and joined.group(1).lower() in CONNECTORS)
    return LabelCandidate(span, float(centrality), float(shared), len(label_words(span.text)),
                          tuple(label_problems(span.text, role, clause=cut, after_colon=after_colon)),
                          (start, end) == whole)


def label_candidate_features(texts: Sequence[str], vectors: np.ndarray,
                             roles: Sequence[str | None] | None = None) -> list[LabelCandidate]:
    """Every span of a key point's claims (`texts`, their unit `vectors`, in the same order) with
    its centrality, shared words, length and problems (`label_problems`: the text alone; the
    grammar is checked by `pick_label`, from a parse); weights are applied by `pick_label`."""
    roles = list(roles) if roles is not None else [None] * len(texts)
    mat = np.asarray(vectors, dtype=np.float64)
    centre = mat.mean(axis=0)
    centre /= max(float(np.linalg.norm(centre)), 1e-12)
    centrality = np.clip(mat @ centre, 0.0, 1.0)
    wholes = [_trimmed(t, 0, len(t)) for t in texts]
    words_of = [_content_words(t) for t in texts]
    df = Counter(w for ws in words_of for w in ws)
    return [_span_features(texts, span.index, span.start, span.end, centrality[span.index], df,
                           words_of[span.index], roles[span.index], wholes[span.index])
            for span in label_candidates(texts)]


# ----------------------------------------------------------------------------- clauses from the parse
# The text rules above cut a claim only at punctuation. A long claim often holds a short point that
# no punctuation sets apart: a main clause before its "because" ("X can't help you iterate to success
# because ..."), one clause of a comma splice ("The solution is out there, it may ..."). When no span
# from the text rules stands alone, the parse offers those (`clause_spans`), checked by the same rules.

# Clauses a label may be: the sentence's own, one joined to it (and, but, a comma splice), and one
# under because / since, the reason the speaker gives. Not one under although / while (what the
# speaker concedes, not the point), nor under if / when / unless (a condition, not a claim), nor a
# relative clause (which, who), nor a reported one ("They assume we all have the same needs": the
# speaker does not say the needs are the same).
CLAUSE_HEAD_DEPS = frozenset({"ROOT", "conj", "parataxis", "advcl"})
REASON_MARKS = frozenset({"because", "since"})
# A clause under these says what the speaker holds true: the rest of the sentence stands without it.
ASSERTING_MARKS = REASON_MARKS | {"although", "though", "while", "whereas"}
# What a clause may lose at its edges and still say what it says: an opener ("In fact,", "For a
# small business,"), a joining word, a trailing clause joined by and / but or under because / although.
EDGE_OPENER_DEPS = frozenset({"punct", "cc", "intj", "npadvmod", "advmod", "prep", "mark", "advcl", "dep"})
EDGE_CLOSER_DEPS = frozenset({"punct", "cc", "conj", "parataxis", "advcl", "dep"})
CLAUSE_CLAIMS = 12  # the most central claims whose clauses are read, per key point


def _subtree(children: dict[int, list[int]], root: int) -> set[int]:
    out, todo = set(), [root]
    while todo:
        i = todo.pop()
        out.add(i)
        todo.extend(children.get(i, ()))
    return out


def _asserted(words: ClaimParse, children: dict[int, list[int]], i: int,
              marks: frozenset[str] = ASSERTING_MARKS) -> bool:
    """Clause `i` stands under no subordinator or only under `marks` (a subordinator: its `mark`, or
    a `when` / `where` / `how` the parser attaches as an adverb)."""
    return all(words[c].text.lower() in marks for c in children.get(i, ()) if _subordinator(words[c]))


def _subordinator(w: ParsedWord) -> bool:
    return w.dep == "mark" or (w.dep == "advmod" and (w.pos == "SCONJ" or w.tag == "WRB"))


def clause_spans(words: ClaimParse) -> list[tuple[int, int]]:
    """Character spans [start, end) of a parsed claim's clauses (`CLAUSE_HEAD_DEPS`): each finite
    verb with its subject, everything under it, and the same without what its edges may lose
    (`EDGE_OPENER_DEPS` before it, `EDGE_CLOSER_DEPS` after it; a clause under if / when / unless is
    never dropped, it bounds what the rest says), or without a second verb joined to one of its last
    words. Only spans whose words are contiguous."""
    children = _children(words)
    out: set[tuple[int, int]] = set()
    for h, w in enumerate(words):
        kids = sorted(children.get(h, ()))
        finite = w.tag in FINITE_TAGS or any(words[k].dep in ("aux", "auxpass") and words[k].tag in FINITE_TAGS
                                             for k in kids)
        head_dep = "ROOT" if w.head == h else w.dep
        if not (w.pos in ("VERB", "AUX") and finite and any(words[k].dep in SUBJECT_DEPS for k in kids)
                and head_dep in CLAUSE_HEAD_DEPS
                and (head_dep != "advcl" or _asserted(words, children, h, REASON_MARKS))):
            continue
        left = [k for k in kids if k < h]
        right = [k for k in kids if k > h]

        def droppable(k: int, deps: frozenset) -> bool:
            dep = words[k].dep
            if dep not in deps:
                return False
            if dep == "advcl":
                return _asserted(words, children, k)
            return not _subordinator(words[k]) or words[k].text.lower() in ASSERTING_MARKS

        n_left = next((i for i, k in enumerate(left) if not droppable(k, EDGE_OPENER_DEPS)), len(left))
        n_right = next((i for i, k in enumerate(reversed(right)) if not droppable(k, EDGE_CLOSER_DEPS)), len(right))
        full = _subtree(children, h)
        closings = [set().union(*(_subtree(children, k) for k in right[len(right) - b:])) for b in range(n_right + 1)]
        # Deeper down the clause's last words, a second verb joined by and / or ("an exercise in getting
        # away from solutions and understanding what ..."): the clause without it still says the first.
        node = h
        while any(words[k].dep != "punct" for k in children.get(node, ())):
            last = max(k for k in children[node] if words[k].dep != "punct")
            if last < node:
                break
            if words[last].dep == "conj" and node != h and words[node].pos in ("VERB", "AUX") \
                    and words[last].pos in ("VERB", "AUX"):
                closings.append(_subtree(children, last))
            node = last
        for a in range(n_left + 1):
            for closing in closings:
                dropped = set().union(*(_subtree(children, k) for k in left[:a])) | closing
                kept = sorted(full - dropped)
                while kept and words[kept[-1]].dep in ("punct", "cc"):  # "He had sales people, but"
                    kept.pop()
                while kept and words[kept[0]].dep in ("punct", "cc"):
                    kept.pop(0)
                if kept and kept[-1] - kept[0] + 1 == len(kept):  # contiguous
                    out.add((words[kept[0]].start, words[kept[-1]].end))
    return sorted(out)


def clause_candidates(texts: Sequence[str], candidates: Sequence[LabelCandidate],
                      parses: dict[int, ClaimParse]) -> list[LabelCandidate]:
    """`LabelCandidate`s of the parsed claims' clauses (`clause_spans`, trimmed) that the text rules
    did not already offer; centrality and heading role as the claim's other spans have them."""
    by_claim: dict[int, LabelCandidate] = {}
    seen = set()
    for c in candidates:
        by_claim.setdefault(c.span.index, c)
        seen.add((c.span.index, c.span.start, c.span.end))
    words_of = [_content_words(t) for t in texts]
    df = Counter(w for ws in words_of for w in ws)
    out = []
    for index in sorted(parses):
        text, first = texts[index], by_claim.get(index)
        if first is None:
            continue
        role = "heading" if "heading" in first.problems else None
        whole = _trimmed(text, 0, len(text))
        for a, b in clause_spans(parses[index]):
            a, b = _trimmed(text, a, b)
            if b > a and (index, a, b) not in seen:
                seen.add((index, a, b))
                out.append(_span_features(texts, index, a, b, first.centrality, df, words_of[index], role, whole))
    return out


# Problems that leave a whole claim readable alone; the last resort (`pick_label_or_needs`, step 6)
# prefers a claim with only these to one that leans on its context or is no clause.
SOFT_PROBLEMS = frozenset({"too long", "too short", "heading"})
# A whole claim of at most LABEL_MAX_WORDS words with only these reads alone though it is no clause
# ("Misunderstanding the difference between marketing and sales": a heading or list item).
READABLE_PROBLEMS = frozenset({"no clause", "heading", "question", "too short"})
# A clause with only these is grammatical but leans on the sentences around it ("He already had good
# sales people"): the label of last resort (`pick_label_or_needs`, step 4), short and never cut.
LEANING_PROBLEMS = frozenset({"dangling reference", "continuation", "question"})
LOOKAHEAD_CLAIMS = 2  # claims a key point asks to have parsed at a time (`pick_label_or_needs`)


def _decided_by_grammar(span: str) -> set[str]:
    """The text problems of `span` (`label_problems`) that a parse decides instead (`clause_problems`)."""
    words = label_words(span)
    out = {"continuation"}
    if words[:1] in (["it"], ["it's"], ["it’s"]):
        out.add("dangling reference")
    if words[-1:] and words[-1] in PREPOSITIONS:
        out.add("unfinished")
    return out


def pick_label_or_needs(candidates: Sequence[LabelCandidate], weights: dict[str, float] = LABEL_WEIGHTS,
                        parses: dict[int, ClaimParse] | None = None,
                        texts: Sequence[str] | None = None) -> tuple[tuple[LabelSpan, float] | None, set[int]]:
    """`pick_label`'s choice, or, when it depends on claims not parsed yet, None and those claims
    (indices; a few at a time, the likeliest winners first). `parses` None: no grammar check;
    `texts` (the claims) None: no clauses from the parse (`clause_candidates`)."""
    check = parses is not None
    parses = parses or {}

    def rank(pool: Sequence[LabelCandidate], offset: int = 0) -> list:
        if check:
            # With a parse, whether a span starting lowercase is a whole clause is the grammar's call
            # (`clause_problems`); "continuation" is the text's guess without one.
            # Likewise a leading "it" (the grammar tells the one standing for a later clause, "It is
            # important to ...", from the one pointing back) and a closing preposition (stranded,
            # "someone to work with", or cut from its object, a `cut`).
            pool = [replace(c, problems=tuple(p for p in c.problems if p not in _decided_by_grammar(c.span.text)))
                    for c in pool]
        return sorted(((-label_score(c.centrality, c.shared_words, c.n_words, weights), offset + order, c)
                       for order, c in enumerate(pool)), key=lambda r: r[:2])

    ranked = rank(candidates)

    def grammar(c: LabelCandidate) -> tuple[str, ...] | None:
        if not check:
            return ()
        words = parses.get(c.span.index)
        return None if words is None else tuple(clause_problems(words, c.span.start, c.span.end))

    def first_passing(pool) -> tuple[LabelCandidate | None, set[int]]:
        need: set[int] = set()
        for _, _, c in pool:
            found = grammar(c)
            if found is None:
                need.add(c.span.index)
                if len(need) >= LOOKAHEAD_CLAIMS:
                    break
            elif not found:
                return (None, need) if need else (c, need)
        return None, need

    # 1. the best span with no problem
    best, need = first_passing(r for r in ranked if not r[2].problems)
    if best is None and not need and check and texts is not None:
        # 2. the best clause the parse finds with no problem, among the most central claims' clauses
        centrality = {r[2].span.index: r[2].centrality for r in ranked}
        central = sorted(centrality, key=lambda i: (-centrality[i], i))[:CLAUSE_CLAIMS]
        need = {i for i in central if i not in parses}
        if need:
            return None, need
        ranked = sorted(ranked + rank(clause_candidates(texts, candidates, {i: parses[i] for i in central}),
                                      len(candidates)), key=lambda r: r[:2])
        best, need = first_passing(r for r in ranked if not r[2].problems)
    if best is None and not need:
        # 3. the best whole claim of at most LABEL_MAX_WORDS words that reads alone, though no clause
        readable = [r for r in ranked if r[2].whole and r[2].n_words <= LABEL_MAX_WORDS
                    and set(r[2].problems) <= READABLE_PROBLEMS]
        need = {r[2].span.index for r in readable if grammar(r[2]) is None}
        if not need:
            fits = [(len(found), r) for r in readable
                    if set(found := (*r[2].problems, *grammar(r[2]))) <= READABLE_PROBLEMS]
            best = min(fits, key=lambda f: (f[0], f[1][:2]))[1][2] if fits else None
    if best is None and not need:
        # 4. no span of at most LABEL_MAX_WORDS words reads alone: the clause that leans least on its
        # context (fewest problems, all of them LEANING ones), then any such span with the fewest
        # problems. A label is never longer than LABEL_MAX_WORDS words while a span of its claims is not.
        short = [r for r in ranked if LABEL_MIN_WORDS <= r[2].n_words <= LABEL_MAX_WORDS]
        need = {r[2].span.index for r in short if grammar(r[2]) is None}
        if not need and short:
            found = [(set(r[2].problems) | set(grammar(r[2]) or ()), r) for r in short]
            leaning = [(len(f), r) for f, r in found if f <= LEANING_PROBLEMS]
            best = min(leaning or [(len(f), r) for f, r in found], key=lambda x: (x[0], x[1][:2]))[1][2]
    if best is None and not need:
        # 5. no span is short enough: the shortest whole claim with no problem but its length
        wholes = sorted((r for r in ranked if r[2].whole and set(r[2].problems) <= {"too long"}),
                        key=lambda r: (r[2].n_words, r[0], r[1]))
        best, need = first_passing(wholes)
        if best is None and not need:
            # 6. the whole claim with the fewest problems, text and grammar, soft ones counting last
            wholes = [r for r in ranked if r[2].whole] or ranked
            need = {r[2].span.index for r in wholes if grammar(r[2]) is None}
            if not need:
                def severity(r) -> tuple[int, int]:
                    found = set(r[2].problems) | set(grammar(r[2]) or ())
                    return len(found - SOFT_PROBLEMS), len(found & SOFT_PROBLEMS)

                best = min(wholes, key=lambda r: (*severity(r), r[0], r[1]))[2]
    if best is None:
        return None, need
    return (best.span, label_score(best.centrality, best.shared_words, best.n_words, weights)), set()


def pick_label(texts: Sequence[str], candidates: Sequence[LabelCandidate],
               weights: dict[str, float] = LABEL_WEIGHTS, parse: Parser | None = None) -> tuple[LabelSpan, float]:
    """The best of `candidates` (from `label_candidate_features` over `texts`) by `label_score`.

    A span must read alone (`label_problems`) and, given a `parse`, stand alone as a clause
    (`clause_problems`; only the claims whose spans could win are parsed). When none does, the
    clauses the parse finds in the most central claims (`clause_candidates`) are tried; then a whole
    claim of at most LABEL_MAX_WORDS words that reads alone without a clause (a heading); then the
    span of at most LABEL_MAX_WORDS words that leans least on its context. Only when no span is that
    short, the shortest whole claim with no problem but its length, then the whole claim with the
    fewest problems: a label is never cut mid-phrase. Deterministic: ties go to the earlier claim,
    then the earlier span."""
    parses: dict[int, ClaimParse] | None = {} if parse is not None else None
    while True:
        choice, need = pick_label_or_needs(candidates, weights, parses, texts)
        if choice is not None:
            return choice
        order = sorted(need)
        parses.update(zip(order, parse([texts[i] for i in order])))  # type: ignore[union-attr]


def choose_label(texts: Sequence[str], vectors: np.ndarray, roles: Sequence[str | None] | None = None,
                 weights: dict[str, float] = LABEL_WEIGHTS, parse: Parser | None = None) -> tuple[LabelSpan, float]:
    """The label of a key point whose claims are `texts` (unit `vectors`, `roles` as the sentences
    stage gave them), and its `label_score`: `pick_label` over `label_candidate_features`, the
    grammar checked with `parse` when given."""
    return pick_label(texts, label_candidate_features(texts, vectors, roles), weights, parse)


def _aligned(text: str, analysed: str) -> bool:
    """`analysed` (the unicode-cleaned text the claims stage parsed) has `text`'s offsets: the same
    length, differing only where both have a non-word character (quotes, dashes, spaces)."""
    return len(text) == len(analysed) and all(
        a == b or not (a.isalnum() or b.isalnum()) for a, b in zip(text, analysed))


def _choose_labels(texts: np.ndarray, analysed: np.ndarray, roles: np.ndarray, vectors: dict,
                   sentence_ids: np.ndarray, bounds: list[tuple[int, int]],
                   parse: Parser) -> dict[int, tuple[LabelSpan, float]]:
    """Every key point's label (`pick_label`), by the position of its first claim; key points are
    claims [start, end) of the arrays. The parses are asked for in rounds, each round one batch over
    every key point still undecided: only the claims whose spans could win get parsed. A claim is
    parsed as the claims stage parsed it (its analysis text, which the parse cache holds) when the
    offsets agree, else as written."""
    todo = {}
    for start, end in bounds:
        mat = np.vstack([vectors[s] for s in sentence_ids[start:end]])
        members = texts[start:end].tolist()
        todo[start] = (members, label_candidate_features(members, mat, roles[start:end].tolist()))
    parses: dict[int, dict[int, ClaimParse]] = {start: {} for start in todo}
    chosen: dict[int, tuple[LabelSpan, float]] = {}
    while todo:
        wanted: list[tuple[int, int]] = []  # (key point's first claim, claim index in the key point)
        for start, (members, candidates) in list(todo.items()):
            choice, need = pick_label_or_needs(candidates, LABEL_WEIGHTS, parses[start], members)
            if choice is not None:
                chosen[start] = choice
                del todo[start]
            else:
                wanted.extend((start, i) for i in sorted(need))
        if wanted:
            positions = [start + i for start, i in wanted]
            as_parsed = [analysed[j] if isinstance(analysed[j], str) and _aligned(texts[j], analysed[j]) else texts[j]
                         for j in positions]
            for (start, i), words in zip(wanted, parse(as_parsed)):
                parses[start][i] = words
    return chosen


def describe_clusters(
    sentences: pd.DataFrame,
    documents: pd.DataFrame,
    embeddings: pd.DataFrame,
    label_space: LabelSpace,
    *,
    lemmatize: Lemmatizer,
    n_keywords: int,
    parse: Parser,
) -> pd.DataFrame:
    """One row per key point: readable label, keywords, size, stance shares, sources.

    The label is a span of the claim `representative_sentence_id`, at `label_start_char` to
    `label_end_char` (offsets as the claims'; the label is exactly that slice of the source), chosen
    by `pick_label`, its grammar checked with `parse` (the stage's: `stage_parser`); `n_people`
    counts distinct speakers, named or not (pipeline/schemas.py CLUSTERS); stance shares are over
    `label_space`'s labels."""
    labels = label_space.names
    claims = sentences[sentences["is_claim"]].copy()
    if not len(claims):
        return pd.DataFrame(columns=["cluster_id", "label", "representative_sentence_id", "keywords",
                                     "size", "dominant_stance", "stance_shares", "n_documents", "authors",
                                     "n_people", "label_start_char", "label_end_char", "label_score"])
    vectors = dict(zip(embeddings["sentence_id"], embedding_matrix(embeddings)))
    claims["analysis_text"] = analysis_text(claims)
    lemmas = dict(zip(claims["sentence_id"], lemmatize(claims["analysis_text"].tolist())))
    speaker = resolve_speakers(documents)
    lemmas_by_cluster = {
        int(c): [w for sid in g["sentence_id"] for w in lemmas[sid]]
        for c, g in claims.groupby("cluster_id", sort=True)
        if c != -1
    }
    keywords = class_tfidf_keywords(lemmas_by_cluster, n_keywords)
    # Plain arrays in (key point, sentence id) order, cut by position: a DataFrame slice, sort
    # and value_counts per key point cost seconds at 10k claims.
    claims = claims[claims["cluster_id"].notna()].sort_values(["cluster_id", "sentence_id"], kind="stable")
    cluster_of = claims["cluster_id"].to_numpy(dtype=np.int64)
    sentence_ids = claims["sentence_id"].to_numpy(dtype=object)
    stances = claims["stance"].to_numpy(dtype=object)
    texts = claims["text"].to_numpy(dtype=object)
    analysed = claims["analysis_text"].to_numpy(dtype=object)
    doc_ids = claims["doc_id"].to_numpy(dtype=object)
    claim_starts = claims["start_char"].to_numpy(dtype=np.int64)
    roles = (claims["role"] if "role" in claims else pd.Series([None] * len(claims))).to_numpy(dtype=object)
    starts = np.flatnonzero(np.r_[True, cluster_of[1:] != cluster_of[:-1]])
    ends = np.r_[starts[1:], len(cluster_of)]
    chosen = _choose_labels(texts, analysed, roles, vectors, sentence_ids,
                            [(a, b) for a, b in zip(starts.tolist(), ends.tolist()) if cluster_of[a] != -1],
                            parse)
    rows = []
    for start, end in zip(starts.tolist(), ends.tolist()):
        cluster_id = int(cluster_of[start])
        size = end - start
        counts = Counter(s for s in stances[start:end] if isinstance(s, str))
        shares = {label: round(float(counts.get(label, 0)) / size, 6) for label in labels}
        dominant = top_label(counts, labels)
        if cluster_id == -1:
            label, representative, span_start, span_end, score = NOISE_LABEL, None, None, None, None
        else:
            span, score = chosen[start]
            representative = sentence_ids[start + span.index]
            label = span.text
            span_start = int(claim_starts[start + span.index]) + span.start
            span_end = int(claim_starts[start + span.index]) + span.end
            score = round(float(score), 6)
        docs = set(doc_ids[start:end].tolist())
        authors = sorted({speaker[d] for d in docs if is_named(speaker[d])})
        rows.append(
            dict(
                cluster_id=cluster_id,
                label=label,
                representative_sentence_id=representative,
                keywords=json.dumps(keywords.get(cluster_id, []), ensure_ascii=False),
                size=size,
                dominant_stance=dominant,
                stance_shares=json.dumps(shares, sort_keys=True),
                n_documents=len(docs),
                authors=json.dumps(authors, ensure_ascii=False),
                n_people=len({speaker[d] for d in docs}),
                label_start_char=span_start,
                label_end_char=span_end,
                label_score=score,
            )
        )
    out = pd.DataFrame(rows)
    for column in ("label_start_char", "label_end_char"):
        out[column] = out[column].astype("Int64")
    return out


def _none(value):
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value


def _label_fields(k) -> dict:
    """A key point's people count and label span, when its clusters row has them (older
    clusters tables do not)."""
    out = {}
    if getattr(k, "n_people", None) is not None and not pd.isna(k.n_people):
        out["n_people"] = int(k.n_people)
    start, end = getattr(k, "label_start_char", None), getattr(k, "label_end_char", None)
    if start is not None and end is not None and not pd.isna(start) and not pd.isna(end):
        out["label_span"] = {"sentence_id": k.representative_sentence_id, "start_char": int(start),
                             "end_char": int(end)}
    return out


def build_argmap(
    sentences: pd.DataFrame,
    documents: pd.DataFrame,
    clusters: pd.DataFrame,
    edges: pd.DataFrame,
    label_space: LabelSpace,
    run: dict,
) -> dict:
    """The map as a JSON-ready dict (see pipeline/schemas_json/argmap.schema.json).

    One position per label of `label_space`, in its order. Positions count claims and people:
    `speaker` resolves each document to a person (pipeline/people.py); `share_of_people` is the
    share of speakers whose claims mostly take that position (the label space's neutral label only
    where nothing else).
    """
    label_set = [{"name": name, "description": description}
                 for name, description in zip(label_space.names, label_space.descriptions)]
    docs = documents.set_index("doc_id")
    speaker = resolve_speakers(documents)
    # column lookups by id: a `docs.loc[id]` row per claim cost seconds at 10k claims
    kind_of, author_of = docs["kind"].to_dict(), docs["author"].to_dict()
    claims = sentences[sentences["is_claim"]].copy()
    claims["strength_score"] = (claims["claim_score"] * claims["stance_score"]).round(6)
    claims = claims.sort_values(["strength_score", "sentence_id"], ascending=[False, True], kind="stable")
    claim_nodes = []
    for c in claims.sort_values("sentence_id").itertuples(index=False):
        claim_nodes.append(
            dict(
                id=c.sentence_id, text=c.text, doc_id=c.doc_id, corpus=c.corpus, source=c.source,
                kind=kind_of[c.doc_id], author=_none(author_of[c.doc_id]), speaker=speaker[c.doc_id],
                start_char=int(c.start_char),
                end_char=int(c.end_char), stance=c.stance, stance_score=float(c.stance_score),
                stance_own=c.stance_own, claim_score=float(c.claim_score), strength_score=float(c.strength_score),
                cluster_id=int(c.cluster_id),
            )
        )
    positions = []
    n_claims = max(len(claims), 1)
    leaning = dominant_positions(claims, speaker, label_space.names, label_space.neutral) if len(claims) else {}
    n_people = max(len(leaning), 1)
    # each key point's claims in strength order, gathered once (a mask per key point is O(n) each)
    members_of: dict[int, list[str]] = {}
    for cluster_id, sentence_id in zip(claims["cluster_id"].tolist(), claims["sentence_id"].tolist()):
        if not pd.isna(cluster_id):
            members_of.setdefault(int(cluster_id), []).append(sentence_id)
    for entry in label_set:
        label = entry["name"]
        mine = claims[claims["stance"] == label]
        key_points = []
        mine_kps = clusters[(clusters["dominant_stance"] == label) & (clusters["cluster_id"] != -1)]
        for k in mine_kps.itertuples(index=False):
            key_points.append(
                dict(
                    id=f"kp-{int(k.cluster_id)}", cluster_id=int(k.cluster_id), label=k.label,
                    representative_claim_id=k.representative_sentence_id,
                    keywords=json.loads(k.keywords), size=int(k.size),
                    stance_shares=json.loads(k.stance_shares), n_documents=int(k.n_documents),
                    authors=json.loads(k.authors), claim_ids=list(members_of.get(int(k.cluster_id), [])),
                    **_label_fields(k),
                )
            )
        key_points.sort(key=lambda kp: (-kp["size"], kp["cluster_id"]))
        voices = sorted({speaker[d] for d in mine["doc_id"]})
        held_by = sum(1 for s in leaning.values() if s == label)
        positions.append(
            dict(
                stance=label, description=entry["description"], n_claims=int(len(mine)),
                share_of_claims=round(len(mine) / n_claims, 6),
                n_people=len(voices), n_people_leaning=held_by,
                share_of_people=round(held_by / n_people, 6),
                n_documents=int(mine["doc_id"].nunique()), authors=[v for v in voices if is_named(v)],
                strongest_claim_ids=mine["sentence_id"].head(run.get("top_claims", 5)).tolist(),
                key_points=key_points,
                unclustered_claim_ids=mine[mine["cluster_id"] == -1]["sentence_id"].tolist(),
            )
        )
    document_nodes = [
        dict(
            doc_id=doc_id, corpus=d["corpus"], source=d["source"], kind=d["kind"],
            comment_n=_none(d["comment_n"]), parent_doc_id=_none(d["parent_doc_id"]),
            title=_none(d["title"]), author=_none(d["author"]), speaker=speaker[doc_id],
            addressed_to=_none(d["addressed_to"]), start_char=int(d["start_char"]),
            end_char=int(d["end_char"]),
        )
        for doc_id, d in docs.sort_index().iterrows()
    ]
    relations = [
        dict(source_id=e.source_id, target_id=e.target_id, level=e.level, relation=e.relation,
             score=float(e.score), reason=e.reason)
        for e in edges.itertuples(index=False)
    ]
    summary = dict(
        documents=int((documents["kind"] == "article").sum()),
        comments=int((documents["kind"] == "comment").sum()),
        sentences=int(len(sentences)),
        claims=int(len(claims)),
        people=len(leaning),
        key_points=int((clusters["cluster_id"] != -1).sum()) if len(clusters) else 0,
        noise_claims=int((claims["cluster_id"] == -1).sum()),
    )
    return dict(
        schema_version=SCHEMA_VERSION,
        run={k: v for k, v in run.items() if k != "top_claims"},
        labels=label_set,
        summary=summary,
        positions=positions,
        claims=claim_nodes,
        documents=document_nodes,
        relations=relations,
    )


def argmap_schema() -> dict:
    from importlib.resources import files

    return json.loads(files("pipeline").joinpath("schemas_json/argmap.schema.json").read_text("utf-8"))


class MapSchemaError(ValueError):
    """An argument map that does not follow pipeline/schemas_json/argmap.schema.json."""


def validate_argmap(doc: dict, max_errors: int = 5) -> None:
    """Raise MapSchemaError, naming where and why, unless `doc` follows the committed schema.

    jsonschema-rs (compiled, Draft 2020-12) checks a 10k-claim map in about 0.05 s; the
    pure-Python validator took 5 s.
    """
    import jsonschema_rs

    errors = []
    for err in jsonschema_rs.validator_for(argmap_schema()).iter_errors(doc):
        where = "/".join(str(p) for p in err.instance_path) or "(top level)"
        errors.append(f"at {where}: {err.message}")
        if len(errors) >= max_errors:
            break
    if errors:
        raise MapSchemaError("the argument map does not follow its schema: " + "; ".join(errors))
