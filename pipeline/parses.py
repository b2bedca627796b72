"""A spaCy Doc's annotations as bytes and back: the record the parse cache stores and workers send.

Only the layers a Doc carries are kept (words, spaces, tags, POS, dependencies, lemmas,
morphology, sentence starts), as compact JSON; the cache (pipeline/runtime/cache.py) and the worker
processes (pipeline/runtime/workers.py) both write it, and the cache rebuilds Docs from it, or reads
its words without spaCy (`record_tokens`).
"""

from __future__ import annotations

import json
from typing import Any

# The one spaCy pipeline the project parses with, less these components: the claim cues, stance and
# the key point labels read tags, lemmas and the parse, never entities. One setting for every
# caller, so that every stage looks up and stores the same cached parses.
PARSE_DISABLE = ("ner",)


def doc_record(doc) -> bytes:
    """The annotations a spaCy Doc carries, as JSON (only the layers that are set)."""
    rec: dict[str, Any] = {"w": [t.text for t in doc], "s": [bool(t.whitespace_) for t in doc]}
    if doc.has_annotation("TAG"):
        rec["tag"] = [t.tag_ for t in doc]
    if doc.has_annotation("POS"):
        rec["pos"] = [t.pos_ for t in doc]
    if doc.has_annotation("DEP"):
        rec["dep"] = [t.dep_ for t in doc]
        rec["head"] = [t.head.i for t in doc]
    if doc.has_annotation("LEMMA"):
        rec["lemma"] = [t.lemma_ for t in doc]
    if doc.has_annotation("MORPH"):
        rec["morph"] = [str(t.morph) for t in doc]
    if doc.has_annotation("SENT_START") and not doc.has_annotation("DEP"):
        rec["ss"] = [1 if t.is_sent_start else -1 for t in doc]
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def doc_from_record(vocab, data: bytes):
    from spacy.tokens import Doc

    rec = json.loads(data)
    if rec.get("ss"):
        rec["ss"][0] = 1
    return Doc(
        vocab, words=rec["w"], spaces=rec["s"], tags=rec.get("tag"), pos=rec.get("pos"),
        deps=rec.get("dep"), heads=rec.get("head"), lemmas=rec.get("lemma"),
        morphs=rec.get("morph"), sent_starts=rec.get("ss"),
    )


def record_tokens(data: bytes) -> list[tuple[int, int, str, str, str, str, int]]:
    """Each word of a record as (start, end, text, pos, tag, dep, head), read without spaCy: the
    character offsets and labels the Doc `doc_from_record` rebuilds gives its tokens (`t.idx`,
    `t.pos_`, `t.tag_`, `t.dep_`, `t.head.i`; an unset layer reads as "", an unset head as the word)."""
    rec = json.loads(data)
    words, spaces = rec["w"], rec["s"]
    pos, tag, dep = (rec.get(layer) or [""] * len(words) for layer in ("pos", "tag", "dep"))
    heads = rec.get("head") or list(range(len(words)))
    out, start = [], 0
    for i, word in enumerate(words):
        out.append((start, start + len(word), word, pos[i], tag[i], dep[i], heads[i]))
        start += len(word) + bool(spaces[i])
    return out
