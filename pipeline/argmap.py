"""Assemble the argument map: positions -> key points -> claims, with relations and provenance."""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.embed import analysis_text, embedding_matrix
from pipeline.people import dominant_positions, is_named, resolve_speakers, top_label

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
    out.loc[~out["is_claim"], ["stance", "stance_score", "stance_probs"]] = None
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
# The weights were chosen on ArgKP-2021 train and dev (`argmap benchmark-keypoints --tune-labels`):
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
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
_TRIM = " \t\n'‘’«»*,.;:!-–—"


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
    word or after a short opener), up to three neighbouring clauses joined, trimmed; duplicates of a
    span dropped."""
    out: list[LabelSpan] = []
    for index, text in enumerate(texts):
        breaks = [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(text)]
        opener = _COMMA.search(text)  # only the claim's first comma can close an opener
        if opener and len(_WORD.findall(text, 0, opener.start())) <= OPENER_MAX_WORDS:
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
                out.append(LabelSpan(index, a, b, " ".join(text[a:b].split())))
    return out


def label_words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def label_problems(span: str, role: str | None = None, *, clause: bool = False) -> list[str]:
    """Why `span` does not read as a key point on its own: too short or long, starts with a word
    that refers back ('this', 'it'), is a question, comes from a heading, leaves a bracket or quote
    open, ends on a function word ('... do what they'), or opens with a preposition when it is a
    clause (`clause`: not the claim's start) or a short opener ('in the same context', 'In both
    cases'); [] when it reads alone."""
    words = label_words(span)
    problems = []
    if span.count("(") != span.count(")") or span.count("“") != span.count("”") or span.count('"') % 2:
        problems.append("unbalanced")
    if words and words[-1] in UNFINISHED_ENDS:
        problems.append("unfinished")
    if words and words[0] in PREPOSITIONS and (clause or len(words) <= OPENER_MAX_WORDS):
        problems.append("fragment")
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


def _content_words(text: str) -> set[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return {w for w in label_words(text) if len(w) > 2 and w not in ENGLISH_STOP_WORDS}


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
    """A span with what `label_score` reads, and what `label_problems` found."""

    span: LabelSpan
    centrality: float
    shared_words: float
    n_words: int
    problems: tuple[str, ...]


def label_candidate_features(texts: Sequence[str], vectors: np.ndarray,
                             roles: Sequence[str | None] | None = None) -> list[LabelCandidate]:
    """Every span of a key point's claims (`texts`, their unit `vectors`, in the same order) with
    its centrality, shared words, length and problems; weights are applied by `pick_label`."""
    roles = list(roles) if roles is not None else [None] * len(texts)
    mat = np.asarray(vectors, dtype=np.float64)
    centre = mat.mean(axis=0)
    centre /= max(float(np.linalg.norm(centre)), 1e-12)
    centrality = np.clip(mat @ centre, 0.0, 1.0)
    words_of = [_content_words(t) for t in texts]
    df = Counter(w for ws in words_of for w in ws)
    others = max(len(texts) - 1, 1)
    out = []
    for span in label_candidates(texts):
        mine = _content_words(span.text)
        own = words_of[span.index]
        shared = (sum((df[w] - (w in own)) / others for w in mine) / len(mine)) if mine and len(texts) > 1 else 0.0
        out.append(LabelCandidate(span, float(centrality[span.index]), float(shared), len(label_words(span.text)),
                                  tuple(label_problems(span.text, roles[span.index], clause=span.start > 0))))
    return out


def pick_label(texts: Sequence[str], candidates: Sequence[LabelCandidate],
               weights: dict[str, float] = LABEL_WEIGHTS) -> tuple[LabelSpan, float]:
    """The best of `candidates` (from `label_candidate_features` over `texts`) by `label_score`.

    Spans with a problem are chosen only when every span has one: first those only too long (the
    best cut after at most LABEL_MAX_WORDS words, on a word that ends a phrase), then by fewest
    problems. Deterministic: ties go to the earlier claim, then the earlier span."""
    ranked = []
    for order, c in enumerate(candidates):
        score = label_score(c.centrality, c.shared_words, c.n_words, weights)
        tier = 0 if not c.problems else 1 if c.problems == ("too long",) else 1 + len(c.problems)
        ranked.append((tier, -score, order, c.span, score))
    tier, _, _, span, score = min(ranked, key=lambda r: r[:3])
    if tier == 1:
        text = texts[span.index]
        words = list(_WORD.finditer(text, span.start, span.end))[:LABEL_MAX_WORDS]
        # end on a word that finishes a phrase ("... and understanding what" -> "... and understanding")
        while len(words) > LABEL_MIN_WORDS and words[-1].group(0).lower() in UNFINISHED_ENDS | PREPOSITIONS:
            words.pop()
        start, end = _trimmed(text, span.start, words[-1].end())
        return LabelSpan(span.index, start, end, " ".join(text[start:end].split())), score
    return span, score


def choose_label(texts: Sequence[str], vectors: np.ndarray, roles: Sequence[str | None] | None = None,
                 weights: dict[str, float] = LABEL_WEIGHTS) -> tuple[LabelSpan, float]:
    """The label of a key point whose claims are `texts` (unit `vectors`, `roles` as the sentences
    stage gave them), and its `label_score`: `pick_label` over `label_candidate_features`."""
    return pick_label(texts, label_candidate_features(texts, vectors, roles), weights)


def describe_clusters(
    sentences: pd.DataFrame,
    documents: pd.DataFrame,
    embeddings: pd.DataFrame,
    labels: list[str],
    *,
    lemmatize: Lemmatizer,
    n_keywords: int,
) -> pd.DataFrame:
    """One row per key point: readable label, keywords, size, stance shares, sources.

    The label is a span of the claim `representative_sentence_id`, at `label_start_char` to
    `label_end_char` (offsets as the claims'), chosen by `label_score`; `n_people` counts distinct
    speakers, named or not (pipeline/schemas.py CLUSTERS)."""
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
    doc_ids = claims["doc_id"].to_numpy(dtype=object)
    claim_starts = claims["start_char"].to_numpy(dtype=np.int64)
    roles = (claims["role"] if "role" in claims else pd.Series([None] * len(claims))).to_numpy(dtype=object)
    starts = np.flatnonzero(np.r_[True, cluster_of[1:] != cluster_of[:-1]])
    ends = np.r_[starts[1:], len(cluster_of)]
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
            mat = np.vstack([vectors[s] for s in sentence_ids[start:end]])
            span, score = choose_label(texts[start:end].tolist(), mat, roles[start:end].tolist())
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
    label_set: list[dict[str, str]],
    run: dict,
    neutral: str | None = None,
) -> dict:
    """The map as a JSON-ready dict (see pipeline/schemas_json/argmap.schema.json).

    Positions count claims and people: `speaker` resolves each document to a person
    (pipeline/people.py); `share_of_people` is the share of speakers whose claims mostly take
    that position (`neutral`, the label set's no-position label, only where nothing else).
    """
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
                claim_score=float(c.claim_score), strength_score=float(c.strength_score),
                cluster_id=int(c.cluster_id),
            )
        )
    positions = []
    n_claims = max(len(claims), 1)
    names = [lab["name"] for lab in label_set]
    neutral = neutral if neutral in names else names[-1]
    leaning = dominant_positions(claims, speaker, names, neutral) if len(claims) else {}
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
