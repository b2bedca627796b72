"""Sentence splitting: every layout block cut into sentences, each with a role and raw offsets."""

from __future__ import annotations

import json
import logging
from typing import Any

import pandas as pd

from pipeline.models import ModelMissingError
from pipeline.readers.layout import (
    boilerplate_reason,
    marker_length,
    normalize_text,
    same_length_clean,
    strip_span,
)

logger = logging.getLogger(__name__)

# Blocks that are one unit whatever their punctuation ('Leadership Puzzler: Is it ...?').
_WHOLE_BLOCK_ROLES = {"title", "heading", "caption"}
# Roles whose sentences are checked one by one for page furniture ('Click here to read ...').
_ARGUMENT_ROLES = {"body", "list_item"}

SENTENCE_COLUMNS = [
    "sentence_id", "doc_id", "corpus", "source", "role", "start_char", "end_char", "text",
    "norm_text", "block_id", "block_text", "kind", "comment_n", "rule",
]


def make_splitter(spacy_model: str):
    """The spaCy pipeline the sentences stage needs: the statistical `senter` and nothing else.

    The small English pipelines ship `senter` disabled (the parser sets sentence starts in the
    full pipeline), so `enable=["senter"]` clashes with the packaged config; excluding every
    other component and enabling `senter` gives the fast splitter (about 40k words/s here,
    against about 3k for the full pipeline). A pipeline without `senter` falls back to its parser.
    """
    from pipeline.models import import_spacy

    spacy = import_spacy()
    from spacy.util import get_model_meta, get_package_path

    try:
        meta = get_model_meta(get_package_path(spacy_model))
    except (ImportError, OSError, ValueError):
        try:
            nlp = spacy.load(spacy_model)
        except OSError:
            raise ModelMissingError(
                f"spaCy pipeline {spacy_model!r} is not installed: pip install "
                f"{spacy_model.replace('_', '-')} (or set sentences.spacy_model to an installed pipeline)"
            ) from None
        meta = {"components": nlp.component_names}
    components = list(meta.get("components") or meta.get("pipeline") or [])
    try:
        if "senter" in components:
            nlp = spacy.load(spacy_model, exclude=[c for c in components if c != "senter"])
            nlp.enable_pipe("senter")
        else:
            keep = {"tok2vec", "parser"}
            nlp = spacy.load(spacy_model, exclude=[c for c in components if c not in keep])
    except OSError:
        raise ModelMissingError(
            f"spaCy pipeline {spacy_model!r} is not installed: pip install {spacy_model.replace('_', '-')}"
        ) from None
    logger.info("sentence splitter: %s with %s", spacy_model, nlp.pipe_names)
    return nlp


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _continues(text: str) -> bool:
    """A sentence cannot start with a lowercase word: the splitter cut after an abbreviation."""
    first = text.lstrip("\"'“‘(")[:1]
    return first.islower()


def sentence_spans(doc) -> bytes:
    """The (start, end) character offsets of a parse's sentences, as JSON."""
    return json.dumps([[s.start_char, s.end_char] for s in doc.sents], separators=(",", ":")).encode()


def _spans(nlp, texts: list[str]) -> list[list[tuple[int, int]]]:
    """Sentence spans (start, end) of each text, as the splitter cuts them. A cached splitter
    stores the spans alone, not the parse."""
    if hasattr(nlp, "derive"):
        return [[(s, e) for s, e in json.loads(r)] for r in nlp.derive(texts, sentence_spans, keep_parses=False)]
    return [[(s.start_char, s.end_char) for s in doc.sents] for doc in nlp.pipe(texts, batch_size=256)]


def split_sentences(documents: pd.DataFrame, blocks: pd.DataFrame, nlp) -> pd.DataFrame:
    """One row per sentence of every block (boilerplate too, so nothing is lost). Pure.

    Offsets index the same source text as the blocks'; `text` is the raw slice, `norm_text`
    the cleaned text for analysis (plain spaces and quotes, NFKC, collapsed whitespace). A leading
    list marker ('• ', '3. ') stays in the block but not in the sentence. Sentences that are page
    furniture inside an argument paragraph ('Click here to read the full article ...', 'Please
    use comments to add value ...') get role boilerplate; when most sentences of a paragraph are
    furniture, the whole paragraph is.
    """
    docs = {
        row["doc_id"]: row
        for row in documents[["doc_id", "corpus", "source", "kind", "comment_n"]].to_dict("records")
    }
    todo: list[tuple[int, str]] = []  # (block row position, cleaned text to split)
    rows_of_blocks = list(blocks.itertuples(index=False))
    plans: list[tuple[Any, int, list[tuple[int, int]] | None]] = []
    for pos, b in enumerate(rows_of_blocks):
        raw = b.text
        skip = marker_length(raw) if b.role in _ARGUMENT_ROLES else 0
        if b.role in _WHOLE_BLOCK_ROLES:
            plans.append((b, skip, [(0, len(raw))]))
        else:
            plans.append((b, skip, None))
            todo.append((pos, same_length_clean(raw[skip:])))
    split = dict(zip([p for p, _ in todo], _spans(nlp, [t for _, t in todo])))

    rows: list[dict[str, Any]] = []
    counter: dict[str, int] = {}
    for pos, (b, skip, spans) in enumerate(plans):
        raw = b.text
        if spans is None:
            spans = [(s + skip, e + skip) for s, e in split[pos]]
        cut: list[list[int]] = []
        for s, e in spans:
            s, e = strip_span(raw, max(s, skip), e)
            if s >= e:
                continue
            if cut and not _has_word(raw[s:e]):
                cut[-1][1] = e  # a lone emoji or bracket joins the sentence before it
                continue
            if cut and _continues(raw[s:e]):
                cut[-1][1] = e  # cut after an abbreviation ('incl. data sciences'): mend it
                continue
            cut.append([s, e])
        doc = docs[b.doc_id]
        block_rows = []
        for s, e in cut:
            text = raw[s:e]
            norm = normalize_text(text)
            role, rule = b.role, getattr(b, "rule", "") or ""
            if b.role in _ARGUMENT_ROLES:
                reason = boilerplate_reason(norm)
                if reason:
                    role, rule = "boilerplate", reason
            block_rows.append({
                "doc_id": b.doc_id, "corpus": doc["corpus"], "source": doc["source"], "role": role,
                "start_char": int(b.start_char) + s, "end_char": int(b.start_char) + e, "text": text,
                "norm_text": norm, "block_id": b.block_id, "block_text": raw, "kind": doc["kind"],
                "comment_n": doc["comment_n"], "rule": rule,
            })
        furniture = sum(r["role"] == "boilerplate" for r in block_rows)
        if b.role in _ARGUMENT_ROLES and furniture * 2 > len(block_rows):
            for r in block_rows:
                if r["role"] != "boilerplate":
                    r["role"], r["rule"] = "boilerplate", "paragraph of page furniture"
        for r in block_rows:
            k = counter.get(b.doc_id, 0)
            counter[b.doc_id] = k + 1
            r["sentence_id"] = f"{b.doc_id}:s{k}"
            rows.append(r)

    out = pd.DataFrame(rows, columns=SENTENCE_COLUMNS)
    out["start_char"] = out["start_char"].astype("int64")
    out["end_char"] = out["end_char"].astype("int64")
    out["comment_n"] = out["comment_n"].astype("Int64")
    logger.info("split %d blocks into %d sentences", len(blocks), len(out))
    return out
