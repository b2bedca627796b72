"""Relate comments and claims to what they answer: reply, support and attack edges."""

from __future__ import annotations

import json
import logging
import re

import numpy as np
import pandas as pd

from pipeline.cluster import cluster_centroids
from pipeline.cues import negator_among
from pipeline.embed import analysis_text, embedding_matrix
from pipeline.params import Relate
from pipeline.stance import LabelSpace

logger = logging.getLogger(__name__)

# Language of agreement and disagreement addressed to what a comment answers. Each pattern is
# general debate language, matched on lower-cased, unicode-cleaned text.
AGREE = [
    r"\b(i|we) (totally |fully |completely |absolutely |strongly )?agree\b",
    r"(?:^|[.!?\n]\s*)(totally |fully |completely |absolutely |strongly )?agreed?\b",
    r"\bcould(n'?t| not) agree more\b",
    r"\bwell said\b",
    r"\bspot on\b",
    r"\bexactly\b",
    r"\bgreat (article|post|piece|point)\b",
    r"\bbest (article|post|piece)\b",
    r"\bgood point\b",
    r"\bthanks? (you )?for (the|this|your)\b",
    r"\bconvincing\b",
    r"\bso true\b",
    r"\bi love (this|the)\b",
]
DISAGREE = [
    r"\b(i|we) (don'?t|do not|can'?t|cannot) (really |fully |quite |totally |completely )?agree\b",
    r"\bdisagree\b",
    r"\bunfortunate\b",
    r"\byou (do not|don'?t) (understand|get)\b",
    r"\b(that'?s|this is|you are|you'?re) (just |simply |completely )?(wrong|mistaken|incorrect)\b",
    r"\bmiss(es|ed)? the point\b",
    r"\bnot true\b",
    r"\bnonsense\b",
    r"\bi doubt\b",
    r"\bmisguided\b",
]
_AGREE = [re.compile(p) for p in AGREE]
_DISAGREE = [re.compile(p) for p in DISAGREE]


def cue_balance(text: str) -> tuple[int, list[str]]:
    """(agreeing minus disagreeing cues, the cues found) in a text."""
    lowered = text.lower().replace("’", "'")
    found_dis = [m.group(0) for p in _DISAGREE for m in [p.search(lowered)] if m]
    # "I don't agree" matches an agreement pattern's words too: disagreement wins there.
    found_agree = [
        m.group(0)
        for p in _AGREE
        for m in [p.search(lowered)]
        if m and not any(m.group(0) in d or d in m.group(0) for d in found_dis)
    ]
    return len(found_agree) - len(found_dis), found_agree + found_dis


_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def term_polarity(text: str, terms: dict[str, list[str]]) -> dict[str, int]:
    """Per label: mentions of its terms, affirmed minus negated ('Sales, Not Marketing').

    A mention is negated when a negator ('not', 'never', 'instead', 'than', "shouldn't" ...) is
    among the three words before it. Lexical on purpose: it reads titles and short claims.
    """
    words = _WORD.findall(text.lower().replace("’", "'"))
    out: dict[str, int] = {}
    for label, label_terms in terms.items():
        wanted = {w.lower() for w in label_terms}
        net = 0
        for i, w in enumerate(words):
            if w in wanted:
                net += -1 if negator_among(words[max(i - 3, 0):i]) else 1
        if net:
            out[label] = net
    return out


def polarity_conflict(comment: dict[str, int], thesis: dict[str, int]) -> list[str]:
    """Labels whose terms the comment affirms where the thesis denies them, or the reverse."""
    return sorted(k for k in comment if k in thesis and comment[k] * thesis[k] < 0)


def stance_profile(claims: pd.DataFrame, labels: list[str], neutral: str) -> np.ndarray:
    """Mean stance probabilities over claims, neutral left out; zeros if no claim leans."""
    if not len(claims):
        return np.zeros(len(labels))
    probs = np.array(
        [[json.loads(p).get(label, 0.0) for label in labels] for p in claims["stance_probs"]]
    )
    profile = probs.mean(axis=0)
    profile[labels.index(neutral)] = 0.0
    return profile


def _stance_agreement(a: np.ndarray, b: np.ndarray) -> float | None:
    """Cosine between two stance profiles, or None where either leans nowhere."""
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na < 1e-9 or nb < 1e-9:
        return None
    return float(a @ b / (na * nb))


def _thesis(doc_id: str, titles: dict, claims_by_doc: dict, terms: dict[str, list[str]]) -> tuple[dict, str]:
    """What a document argues for and against, by term polarity: its title where it has one
    (a title states the thesis), else its claims. Returns the polarity and where it was read."""
    title = titles.get(doc_id)
    if isinstance(title, str) and title.strip():
        return term_polarity(title, terms), f"the title '{_short(title)}'"
    group = claims_by_doc.get(doc_id)
    text = " ".join(analysis_text(group)) if group is not None and len(group) else ""
    return term_polarity(text, terms), "its claims"


def relate_documents(claims: pd.DataFrame, documents: pd.DataFrame, label_space: LabelSpace) -> pd.DataFrame:
    """A reply edge per comment, and a support or attack edge for its overall stance.

    Evidence in order: the comment's language of agreement or disagreement; else a polarity
    conflict (the comment's claims affirm a position's terms that what it answers denies, as a
    comment praising marketing under 'Sales, Not Marketing'; each label's topic terms from
    `label_space`); else the stance profiles.
    """
    rows = []
    empty = claims.iloc[0:0]
    labels, neutral = label_space.names, label_space.neutral
    terms = dict(zip(label_space.names, label_space.terms))
    titles = documents.set_index("doc_id")["title"].to_dict() if "title" in documents.columns else {}
    comments = documents[documents["kind"].eq("comment") & documents["parent_doc_id"].notna()]
    # Only comments and what they answer are read: grouping every article's claims costs seconds.
    involved = set(comments["doc_id"]) | set(comments["parent_doc_id"])
    claims_by_doc = {d: g for d, g in claims[claims["doc_id"].isin(involved)].groupby("doc_id", sort=True)}
    for doc in comments.sort_values("doc_id").itertuples(index=False):
        target = doc.parent_doc_id
        rows.append(
            dict(source_id=doc.doc_id, target_id=target, level="document", relation="reply",
                 score=1.0, reason="comment thread: this comment answers its target")
        )
        balance, cues = cue_balance(doc.text)
        own_claims = claims_by_doc.get(doc.doc_id, empty)
        own = stance_profile(own_claims, labels, neutral)
        other = stance_profile(claims_by_doc.get(target, empty), labels, neutral)
        agreement = _stance_agreement(own, other)
        conflict: list[str] = []
        if balance == 0 and terms and len(own_claims):
            thesis, where = _thesis(target, titles, claims_by_doc, terms)
            conflict = polarity_conflict(term_polarity(" ".join(analysis_text(own_claims)), terms), thesis)
        if balance != 0:
            relation = "support" if balance > 0 else "attack"
            score = min(1.0, 0.6 + 0.2 * abs(balance))
            reason = f"{'agreement' if balance > 0 else 'disagreement'} language: " + ", ".join(
                f"'{c}'" for c in cues
            )
        elif conflict:
            relation, score = "attack", 0.7
            sides = "; ".join(
                f"{'affirm' if thesis[k] < 0 else 'deny'} the {k} terms that {where} "
                f"{'denies' if thesis[k] < 0 else 'affirms'}" for k in conflict)
            reason = f"polarity: the comment's claims {sides}"
        elif agreement is not None:
            relation = "support" if agreement >= 0.5 else "attack"
            score = agreement if relation == "support" else 1.0 - agreement
            lean_own = labels[int(own.argmax())]
            lean_other = labels[int(other.argmax())]
            reason = (
                f"stance: the comment leans {lean_own}, what it answers leans {lean_other} "
                f"(agreement {agreement:.2f})"
            )
        else:
            continue
        rows.append(
            dict(source_id=doc.doc_id, target_id=target, level="document", relation=relation,
                 score=round(float(score), 6), reason=reason)
        )
    return pd.DataFrame(rows, columns=["source_id", "target_id", "level", "relation", "score", "reason"])


def relate_claims(
    claims: pd.DataFrame,
    documents: pd.DataFrame,
    embeddings: pd.DataFrame,
    params: Relate,
    label_space: LabelSpace,
    document_edges: pd.DataFrame,
) -> pd.DataFrame:
    """For each comment claim, the claims of what it answers that it speaks to.

    Similar claims are linked; the edge is support where both lean the same way, attack where
    they lean different ways, and follows the comment's overall relation where either is neutral.
    """
    neutral = label_space.neutral
    vectors = dict(zip(embeddings["sentence_id"], embedding_matrix(embeddings)))
    parent = documents.set_index("doc_id")["parent_doc_id"].to_dict()
    overall = {
        (r.source_id, r.target_id): r.relation
        for r in document_edges.itertuples(index=False)
        if r.relation != "reply"
    }
    # Only replies and what they answer are read: grouping every article's claims costs seconds.
    claim_docs = set(claims["doc_id"])
    replies = {d for d in claim_docs if isinstance(parent.get(d), str) and parent[d] in claim_docs}
    involved = claims[claims["doc_id"].isin(replies | {parent[d] for d in replies})]
    by_doc = {d: g.sort_values("sentence_id") for d, g in involved.groupby("doc_id", sort=True)}
    rows = []
    for doc_id, group in by_doc.items():
        target_doc = parent.get(doc_id)
        if target_doc is None or pd.isna(target_doc) or target_doc not in by_doc:
            continue
        targets = by_doc[target_doc]
        t_ids = targets["sentence_id"].tolist()
        t_mat = np.vstack([vectors[i] for i in t_ids])
        t_text = dict(zip(t_ids, analysis_text(targets)))
        t_stance = dict(zip(t_ids, targets["stance"]))
        for claim in group.itertuples(index=False):
            sims = t_mat @ vectors[claim.sentence_id]
            order = np.argsort(-sims, kind="stable")[: params.top_k]
            for j in order:
                sim = float(sims[j])
                if sim < params.min_similarity:
                    continue
                target_id = t_ids[j]
                a, b = claim.stance, t_stance[target_id]
                if a != neutral and b != neutral:
                    relation = "support" if a == b else "attack"
                    why = f"both {a}" if a == b else f"{a} against {b}"
                else:
                    relation = overall.get((doc_id, target_doc))
                    if relation is None:
                        continue
                    why = f"a neutral side; follows the comment's overall {relation}"
                rows.append(
                    dict(source_id=claim.sentence_id, target_id=target_id, level="claim",
                         relation=relation, score=round(max(sim, 0.0), 6),
                         reason=f"speaks to '{_short(t_text[target_id])}' (similarity {sim:.2f}); {why}")
                )
    return pd.DataFrame(rows, columns=["source_id", "target_id", "level", "relation", "score", "reason"])


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def dominant_stances(claims: pd.DataFrame, labels: list[str]) -> dict[int, str]:
    """Most frequent stance per key point (ties go to the label listed first, as people.top_label)."""
    clustered = claims[claims["cluster_id"] != -1]
    if not len(clustered):
        return {}
    # One count matrix (key point x label) instead of a value_counts per key point.
    ids, row = np.unique(clustered["cluster_id"].to_numpy(dtype=np.int64), return_inverse=True)
    index = {label: k for k, label in reversed(list(enumerate(labels)))}
    col = np.array([index.get(s, -1) for s in clustered["stance"]], dtype=np.int64)
    known = col >= 0
    counts = np.zeros((len(ids), len(labels)), dtype=np.int64)
    np.add.at(counts, (row.reshape(-1)[known], col[known]), 1)
    pick = counts.argmax(axis=1)  # the first maximum: the label listed first among ties
    return {int(c): labels[int(k)] for c, k in zip(ids, pick)}


def relate_key_points(
    claims: pd.DataFrame,
    embeddings: pd.DataFrame,
    claim_edges: pd.DataFrame,
    params: Relate,
    label_space: LabelSpace,
) -> pd.DataFrame:
    """Key points that back or oppose each other across documents.

    Two key points are related when their centroids are similar and they draw on different
    documents: support where their dominant stances agree, attack where they differ. Claim
    edges running between their members are counted into the reason and the score.
    """
    columns = ["source_id", "target_id", "level", "relation", "score", "reason"]
    if "cluster_id" not in claims.columns:
        return pd.DataFrame(columns=columns)
    clustered = claims[claims["cluster_id"] != -1]
    if clustered["cluster_id"].nunique() < 2:
        return pd.DataFrame(columns=columns)
    vectors = dict(zip(embeddings["sentence_id"], embedding_matrix(embeddings)))
    labels, neutral = label_space.names, label_space.neutral
    dominant = dominant_stances(claims, labels)
    ids = sorted(dominant)
    mat = np.vstack([vectors[s] for s in clustered["sentence_id"]])
    centre_ids, centre_mat = cluster_centroids(mat, clustered["cluster_id"].to_numpy(dtype=np.int64))
    centres = dict(zip(centre_ids.tolist(), centre_mat))
    docs = {int(c): set(g["doc_id"]) for c, g in clustered.groupby("cluster_id", sort=True)}
    member = dict(zip(clustered["sentence_id"], clustered["cluster_id"].astype(int)))
    between: dict[tuple[int, int], dict[str, int]] = {}
    for e in claim_edges.itertuples(index=False):
        a, b = member.get(e.source_id), member.get(e.target_id)
        if a is None or b is None or a == b:
            continue
        key = (min(a, b), max(a, b))
        between.setdefault(key, {"support": 0, "attack": 0})[e.relation] += 1
    rows = []
    # All pairs' similarities in one product, only to pick the candidates: a pair's score is still
    # its own dot product (as before), and the margin keeps every pair that product could admit.
    leaning = [c for c in ids if dominant[c] != neutral]
    pairs = {key for key, counted in between.items() if any(counted.values())}
    if leaning:
        lean_mat = np.vstack([centres[c] for c in leaning])
        for start in range(0, len(leaning), 1024):  # row blocks: memory stays O(1024 x key points)
            block = lean_mat[start:start + 1024] @ lean_mat.T >= params.keypoint_min_similarity - 1e-4
            for i, j in zip(*np.nonzero(block)):
                if start + i < j:
                    pairs.add((leaning[start + i], leaning[j]))
    for a, b in sorted(pairs):
        if docs[a] == docs[b] or neutral in (dominant[a], dominant[b]):
            continue
        sim = float(centres[a] @ centres[b])
        counted = between.get((a, b), {"support": 0, "attack": 0})
        if sim < params.keypoint_min_similarity and not any(counted.values()):
            continue
        relation = "support" if dominant[a] == dominant[b] else "attack"
        why = (f"both lean {dominant[a]}" if relation == "support"
               else f"{dominant[a]} against {dominant[b]}")
        reason = f"similar key points (similarity {sim:.2f}) from different documents; {why}"
        if any(counted.values()):
            reason += f"; claim edges between them: {counted['support']} support, {counted['attack']} attack"
        rows.append(dict(source_id=f"kp-{a}", target_id=f"kp-{b}", level="key_point",
                         relation=relation, score=round(min(max(sim, 0.0), 1.0), 6), reason=reason))
    return pd.DataFrame(rows, columns=columns)


def relate(
    claims: pd.DataFrame,
    documents: pd.DataFrame,
    embeddings: pd.DataFrame,
    params: Relate,
    label_space: LabelSpace,
) -> pd.DataFrame:
    """All edges: document replies and relations, claim-level and key-point-level support and attack.

    `label_space` (params stance) gives the labels in order, the neutral one and each label's topic
    terms, for the polarity rule.
    """
    doc_edges = relate_documents(claims, documents, label_space)
    claim_edges = relate_claims(claims, documents, embeddings, params, label_space, doc_edges)
    kp_edges = relate_key_points(claims, embeddings, claim_edges, params, label_space)
    edges = pd.concat([doc_edges, claim_edges, kp_edges], ignore_index=True)
    logger.info(
        "%d edges: %s", len(edges),
        {f"{lvl} {rel}": int(n) for (lvl, rel), n in edges.groupby(["level", "relation"]).size().items()},
    )
    return edges.sort_values(["level", "source_id", "target_id", "relation"], kind="stable").reset_index(
        drop=True
    )
