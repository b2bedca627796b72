"""Ingestion: read corpora folders into documents, layout blocks and rejects (nothing lost).

`read_corpus` is the only function here that touches the disk; `ingest_corpora` is pure.

Decisions a user can rely on:
- Offsets index the decoded text. A UTF-8 byte-order mark is dropped while decoding (the text
  starts after it), so offsets count characters of the text without the mark. Line endings are
  kept as they are (\\r\\n, \\r and \\n may be mixed); offsets never shift.
- Files that are not UTF-8 are decoded with the encoding charset-normalizer detects (cp1252,
  latin-1, ...); the `encoding` column records it. Text that no encoding explains is rejected.
- Duplicates (the same normalised article text, within or across corpora) keep their first
  occurrence, in corpus order then file order; later copies go to the rejects with the reason
  "duplicate of <doc_id>" and a `duplicate_of` field, so every input is counted exactly once.
"""

from __future__ import annotations

import logging
import os
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from pipeline.corpus_files import CORPUS_FILE, read_one_file, walk_corpus
from pipeline.errors import CorpusError
from pipeline.readers import Doc, limits
from pipeline.readers.formats import FORMATS, get_reader
from pipeline.readers.layout import normalize_text
from pipeline.safe_repr import one_line, safe_repr
from pipeline.schemas import BLOCKS, DOCUMENTS

logger = logging.getLogger(__name__)

MAX_CORPUS_YAML_BYTES = 1_000_000


class FileMeta(BaseModel):
    """Per-file metadata in corpus.yaml; each given value overrides what the reader infers."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    title: str | None = None
    author: str | None = None
    url: str | None = None
    date: str | None = None
    # The reader of this file when it differs from the corpus's (an HTML page among text pages).
    format: Literal[tuple(f for f in FORMATS if f != "csv")] | None = None


class CsvColumns(BaseModel):
    """corpus.yaml `columns`: which header name holds each field of a CSV export (format: csv).

    A field left out is read from the column of its own name, if the header has one."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    id: str | None = None
    parent: str | None = None
    author: str | None = None
    timestamp: str | None = None
    title: str | None = None
    text: str | None = None


class CorpusMeta(BaseModel):
    """corpus.yaml: what a corpus is, where it comes from, and how to read its files."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    name: str
    description: str
    source: str
    license: str
    language: str
    format: Literal[FORMATS]
    files: dict[str, FileMeta] = {}
    columns: CsvColumns | None = None

    @model_validator(mode="after")
    def _columns_only_for_csv(self) -> CorpusMeta:
        if self.columns is not None and self.format != "csv":
            raise ValueError(f"'columns' maps CSV columns; it is only allowed with format: csv (got {self.format})")
        return self

    def column_map(self) -> dict[str, str] | None:
        """The CSV column mapping as {field: header name}, fields left out omitted."""
        if self.columns is None:
            return None
        return {k: v for k, v in self.columns.model_dump().items() if v is not None}


@dataclass(frozen=True)
class RawFile:
    path: str  # posix path inside the corpus folder
    size: int
    data: bytes | None  # None when the file is over the size limit, or not read (see `reason`)
    reason: str | None = None  # why the walk rejected the entry without reading it (a link, a FIFO)


@dataclass(frozen=True)
class CorpusSource:
    name: str
    meta: CorpusMeta
    files: tuple[RawFile, ...]
    max_file_bytes: int
    ignored: tuple[tuple[str, str], ...] = ()  # (path, rule) of entries an ignore rule skips


@dataclass
class Ingested:
    documents: pd.DataFrame
    blocks: pd.DataFrame
    rejects: list[dict[str, Any]]
    stats: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Reading (the only I/O)

def _describe_error(path: Path, error: dict[str, Any]) -> str:
    key = ".".join(str(p) for p in error["loc"]) or "(top level)"
    kind = error["type"]
    allowed_keys = ", ".join(CorpusMeta.model_fields)
    if kind == "extra_forbidden" and error["loc"][:1] == ("columns",):
        return f"{path}: unknown key {key!r} (allowed under columns: {', '.join(CsvColumns.model_fields)})"
    if kind == "extra_forbidden":
        return (f"{path}: unknown key {key!r} (allowed keys: {allowed_keys}; "
                "per-file keys: title, author, url, date, format)")
    if kind == "missing":
        return (
            f"{path}: required key {key!r} is missing "
            "(required: name, description, source, license, language, format)"
        )
    # The value is shown cut short: it may be an alias-expanded YAML bomb.
    got = safe_repr(error.get("input"))
    if kind == "value_error":
        return f"{path}: {key if error['loc'] else 'columns'}: {error['msg'].removeprefix('Value error, ')}"
    if kind == "literal_error":
        return f"{path}: {key}: got {got}, allowed: {', '.join(FORMATS)}"
    return f"{path}: {key}: got {got}: {error['msg']}"


def load_corpus_meta(folder: Path) -> CorpusMeta:
    """Parse and validate <folder>/corpus.yaml; CorpusError with one actionable line otherwise."""
    path = folder / CORPUS_FILE
    if not os.path.lexists(path):
        raise CorpusError(
            f"{path}: not found; every corpus folder needs a corpus.yaml "
            f"(name, description, source, license, language, format: {'|'.join(FORMATS)}); "
            "see corpora/README.md"
        )
    entry = read_one_file(path, MAX_CORPUS_YAML_BYTES)
    if entry.status == "rejected":
        raise CorpusError(f"{path}: {entry.reason}")
    if entry.data is None:
        raise CorpusError(f"{path}: {entry.size} bytes, over the {MAX_CORPUS_YAML_BYTES} a corpus.yaml may have")
    try:
        raw = yaml.safe_load(entry.data.decode("utf-8"))
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: not UTF-8, or an integer of 5000 digits
        raise CorpusError(f"{path}: not valid YAML: {one_line(exc)}") from None
    except RecursionError:
        raise CorpusError(f"{path}: not valid YAML: nested too deeply") from None
    if not isinstance(raw, dict):
        raise CorpusError(f"{path}: expected a mapping of keys (name, description, ...), got {type(raw).__name__}")
    try:
        meta = CorpusMeta.model_validate(raw)
    except ValidationError as exc:
        raise CorpusError(_describe_error(path, exc.errors()[0])) from None
    if meta.name != folder.name:
        raise CorpusError(
            f"{path}: name: got {safe_repr(meta.name)}, but the folder is {folder.name!r}; make them equal")
    return meta


def read_corpus(corpora_dir: Path, name: str, max_file_bytes: int) -> CorpusSource:
    """corpus.yaml and the raw bytes of every data file of corpora_dir/name (sorted by path).

    No link is followed (pipeline/corpus_files.py has the walk's rules): a link, a FIFO or another
    entry that is not a regular file comes back with a `reason` and no data; ignored entries
    (hidden, corpus.yaml, README) come back in `ignored`. Files over `max_file_bytes` are not read;
    they come back with data=None and become rejects.
    """
    folder = Path(corpora_dir) / name
    if folder.is_symlink():
        raise CorpusError(
            f"{folder}: is a symbolic link; links are not followed: move or copy the corpus folder itself "
            f"under {corpora_dir}"
        )
    if not folder.is_dir():
        raise CorpusError(
            f"{folder}: corpus folder not found; create it with a corpus.yaml "
            f"or remove {name!r} from ingest.corpora in params.yaml"
        )
    meta = load_corpus_meta(folder)
    try:
        entries = walk_corpus(folder, max_file_bytes)
    except OSError as exc:
        raise CorpusError(f"{folder}: cannot read the corpus folder: {exc.strerror or exc}") from None
    files = tuple(
        RawFile(e.path, e.size, e.data, e.reason if e.status == "rejected" else None)
        for e in entries if e.status != "ignored"
    )
    ignored = tuple((e.path, e.reason) for e in entries if e.status == "ignored")
    return CorpusSource(name, meta, files, max_file_bytes, ignored)


# ---------------------------------------------------------------------------------------------
# Decoding

class DecodeReject(ValueError):
    """The bytes are not usable text; the message is the reject reason."""


_BOMS = [
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
]


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for ch in text if unicodedata.category(ch) in {"Cc", "Cs", "Co", "Cn"} and ch not in "\t\n\r\f\v")
    return bad / len(text)


def _pick_encoding(matches):
    """charset-normalizer's best guess, except that cp1252 wins a tie.

    Short Western European texts decode equally well in cp1250, cp1252 and cp1257 (the detector
    then ranks by language guesses that are noise on a few words); cp1252 is what the web means
    by latin-1 and what such files nearly always are, so it is preferred when it scores as well.
    """
    best = matches.best()
    if best is None:
        return None
    for m in matches:
        if (m.encoding == "cp1252" and m.chaos <= best.chaos + 0.01
                and m.coherence >= best.coherence - 0.01):
            return m
    return best


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a file's bytes; DecodeReject with the reason when it is not text."""
    if not data:
        raise DecodeReject("empty file (0 bytes)")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding  # the mark is dropped by these codecs
            except UnicodeDecodeError as exc:
                raise DecodeReject(
                    f"starts with a {encoding} byte-order mark but is not valid {encoding}: {exc.reason}"
                ) from None
    if b"\x00" in data:  # anywhere, not only near the start: a NUL is never text
        raise DecodeReject("binary file: contains NUL bytes, not text; remove it or convert it to UTF-8 text")
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = _pick_encoding(from_bytes(data))
        if best is None:
            raise DecodeReject(
                "not UTF-8 and no text encoding could be detected; re-save the file as UTF-8"
            ) from None
        encoding = best.encoding
        text = str(best)
    if "\x00" in text:  # a UTF-16 or UTF-32 file can spell a NUL without a NUL byte pattern above
        raise DecodeReject(f"binary file: contains NUL characters after decoding as {encoding}, not text")
    if _control_share(text) > 0.01:
        raise DecodeReject(
            f"binary file: {_control_share(text):.0%} control characters after decoding as {encoding}; "
            "remove it or convert it to text"
        )
    return text, encoding


# ---------------------------------------------------------------------------------------------
# Ingesting (pure)

def _doc_id(corpus: str, source: str, key: str) -> str:
    return f"{corpus}/{source}" + (f"#{key}" if key else "")


def _dedup_key(doc: Doc) -> str:
    # The title is left out: a post republished under another title is still the same text.
    parts = [doc.source_text[b.start : b.end] for b in doc.blocks if b.role not in {"boilerplate", "title"}]
    return normalize_text(" ".join(parts)).casefold()


def _apply_overrides(doc: Doc, meta: Any) -> None:
    if meta is None or doc.kind != "article":
        return
    doc.title = meta.title if meta.title is not None else doc.title
    doc.author = meta.author if meta.author is not None else doc.author
    doc.url = meta.url if meta.url is not None else doc.url
    doc.published = meta.date if meta.date is not None else doc.published


def _reject(corpus: str, source: str, reason: str, line: int | None = None, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"corpus": corpus, "source": source, "reason": reason}
    if line is not None:
        row["line"] = line
    row.update(extra)
    return row


def _reason_kind(reason: str) -> str:
    """The kind of a reject reason, for the report's counts ('line 3: malformed JSON' -> 'malformed JSON')."""
    text = reason.split(": ", 1)[1] if reason.startswith("line ") and ": " in reason else reason
    return text.split(":")[0].split(" (")[0].split(";")[0].strip()


def ingest_corpora(sources: list[CorpusSource]) -> Ingested:
    """Every file of every corpus -> documents and blocks, or a reject with a reason. No file I/O."""
    doc_rows: list[dict[str, Any]] = []
    block_rows: list[dict[str, Any]] = []
    rejects: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    doc_ids: dict[str, str] = {}  # doc_id -> the file (and line) it came from
    files_total = files_with_docs = files_rejected = 0
    by_corpus: dict[str, Counter] = {}
    thread_warnings: list[dict[str, Any]] = []
    ignored_records: list[dict[str, Any]] = []

    for src in sources:
        counts = by_corpus.setdefault(src.name, Counter())
        reader = get_reader(src.meta.format, src.meta.column_map())
        for raw in src.files:
            file_meta = src.meta.files.get(raw.path)
            file_reader = get_reader(file_meta.format) if file_meta and file_meta.format else reader
            files_total += 1
            counts["files"] += 1
            if raw.reason is not None:
                rejects.append(_reject(src.name, raw.path, raw.reason))
                files_rejected += 1
                continue
            if raw.data is None:
                rejects.append(_reject(src.name, raw.path, (
                    f"file is {raw.size} bytes, over ingest.max_file_bytes={src.max_file_bytes}; "
                    "split it or raise the limit in params.yaml")))
                files_rejected += 1
                continue
            try:
                text, encoding = decode_bytes(raw.data)
            except DecodeReject as exc:
                rejects.append(_reject(src.name, raw.path, str(exc)))
                files_rejected += 1
                continue
            result = file_reader(text, raw.path)
            for r in result.rejects:
                reason = f"line {r.line}: {r.reason}" if r.line is not None else r.reason
                rejects.append(_reject(src.name, raw.path, reason, r.line))
            for ig in result.ignored:
                ignored_records.append({"corpus": src.name, "source": raw.path, "record": ig.record,
                                        **({"line": ig.line} if ig.line is not None else {}), "rule": ig.rule})
                counts["ignored_records"] += 1
            kept = 0
            articles = [d for d in result.docs if d.kind == "article"]
            for article in articles:
                family = [article] + [
                    d for d in result.docs if d.kind == "comment" and _family(d, article, result.docs)
                ]
                article_id = _doc_id(src.name, raw.path, article.key)
                # Whatever a reader let through, no document over a limit, with a NUL, or with a
                # doc_id another one has, goes on to the later stages.
                problem = _over_limits(family) or _taken_id(family, src.name, raw.path, doc_ids)
                if problem:
                    rejects.append(_reject(src.name, raw.path, _at_line(problem, article.line), article.line))
                    continue
                key = _dedup_key(article)
                if key and key in seen:
                    rejects.append(_reject(
                        src.name, raw.path, f"duplicate of {seen[key]}", article.line,
                        duplicate_of=seen[key], doc_id=article_id,
                    ))
                    counts["duplicates"] += 1
                    continue
                if key:
                    seen[key] = article_id
                _apply_overrides(article, src.meta.files.get(raw.path))
                where = raw.path + (f" line {article.line}" if article.line is not None else "")
                doc_ids.update({_doc_id(src.name, raw.path, d.key): where for d in family})
                warning = thread_warning(article, len(family) - 1)
                if warning:
                    thread_warnings.append({"corpus": src.name, "source": raw.path, "warning": warning})
                    logger.warning("%s/%s: %s", src.name, raw.path, warning)
                for doc in family:
                    _add_doc(doc, src.name, raw.path, encoding, doc_rows, block_rows)
                    kept += 1
                    counts["articles" if doc.kind == "article" else "comments"] += 1
            if kept:
                files_with_docs += 1
            elif not result.rejects and not any(r["source"] == raw.path and r["corpus"] == src.name for r in rejects):
                why = "no document found in the file"
                if result.ignored:
                    why += (f"; its {len(result.ignored)} record(s) are all ignored by stated rules "
                            "(see ignored_records)")
                rejects.append(_reject(src.name, raw.path, why))
            if not kept:
                files_rejected += 1

    documents = pd.DataFrame(doc_rows, columns=_DOC_COLUMNS)
    for col in ("comment_n", "declared_comment_count", "found_comment_count", "line"):
        documents[col] = documents[col].astype("Int64")
    for col in ("start_char", "end_char"):
        documents[col] = documents[col].astype("int64")
    blocks = pd.DataFrame(block_rows, columns=_BLOCK_COLUMNS)
    for col in ("start_char", "end_char"):
        blocks[col] = blocks[col].astype("int64")
    DOCUMENTS.check(documents)
    BLOCKS.check(blocks)

    # Accounting, checked rather than assumed: every entry the walk found is a document's source,
    # a reject's source or ignored by a stated rule, and nothing else is.
    walked = {(src.name, raw.path) for src in sources for raw in src.files}
    ended = set(zip(documents["corpus"], documents["source"])) | {(r["corpus"], r["source"]) for r in rejects}
    ignored = [{"corpus": src.name, "path": path, "rule": rule} for src in sources for path, rule in src.ignored]
    stats = {
        "entries": files_total + len(ignored),
        "files": files_total,
        "files_ingested": files_with_docs,
        "files_rejected": files_rejected,
        "ignored": len(ignored),
        "ignored_entries": ignored,
        "files_accounted": walked == ended and files_with_docs + files_rejected == files_total,
        "documents": len(documents),
        "articles": int((documents["kind"] == "article").sum()),
        "comments": int((documents["kind"] == "comment").sum()),
        "blocks": len(blocks),
        "rejects": len(rejects),
        "reject_reasons": dict(sorted(Counter(_reason_kind(r["reason"]) for r in rejects).items())),
        "by_corpus": {name: dict(sorted(c.items())) for name, c in sorted(by_corpus.items())},
        "block_roles": dict(sorted(Counter(blocks["role"]).items())),
        "thread_warnings": thread_warnings,
        # Records of structured exports that a stated rule passes over (spam, deleted, ...): see
        # the readers' docstrings and corpora/README.md.
        "ignored_records": ignored_records,
        "ignored_record_rules": dict(sorted(Counter(_rule_kind(r["rule"]) for r in ignored_records).items())),
    }
    logger.info(
        "ingest: %d files -> %d articles, %d comments, %d rejects",
        files_total, stats["articles"], stats["comments"], len(rejects),
    )
    return Ingested(documents, blocks, rejects, stats)


def _rule_kind(rule: str) -> str:
    """The kind of an ignore rule, for the report's counts ('more stub: 3 comment(s) ...' -> 'more stub')."""
    return rule.split(":")[0].split(" (")[0].strip()


def _family(comment: Doc, article: Doc, docs: list[Doc]) -> bool:
    """True if `comment` belongs to `article` (its key is the article's plus '/c<n>', or the page has
    one article). Article 'x/c1' has comment 'x/c1/c1', which is not a comment of article 'x'."""
    articles = [d for d in docs if d.kind == "article"]
    if len(articles) == 1:
        return True
    prefix = article.key + "/"
    return comment.key.startswith(prefix) and "/" not in comment.key[len(prefix):]


def _over_limits(family: list[Doc]) -> str | None:
    """Why an article with its comments breaks a reader limit, or None (pipeline/readers/limits.py)."""
    comments = len(family) - 1
    if comments > limits.MAX_COMMENTS_PER_PAGE:
        return limits.comments_reason(comments)
    for doc in family:
        if doc.end - doc.start > limits.MAX_DOCUMENT_CHARS:
            return limits.document_reason(doc.end - doc.start, doc.kind)
        longest = max((b.end - b.start for b in doc.blocks), default=0)
        if longest > limits.MAX_PARAGRAPH_CHARS:
            return limits.paragraph_reason(longest, f" in {doc.kind} {doc.key or 'text'}")
        for name in ("text", "title", "author", "addressed_to", "url", "published"):
            value = getattr(doc, name)
            why = limits.not_text(value) if isinstance(value, str) else None
            if why:
                return f"not text: the {doc.kind}'s {name} contains {why}"
    return None


def _taken_id(family: list[Doc], corpus: str, source: str, doc_ids: dict[str, str]) -> str | None:
    """Why a family's doc_ids clash with documents already kept (a file named 'a.jsonl#b' beside
    'a.jsonl' with id 'b#x', say), or None."""
    for doc in family:
        doc_id = _doc_id(corpus, source, doc.key)
        if doc_id in doc_ids:
            taken_by = safe_repr(doc_ids[doc_id], 120)
            return f"doc_id collision: {safe_repr(doc_id, 120)} is already taken by {taken_by}; rename the file"
    return None


def thread_warning(article: Doc, found: int) -> str | None:
    """Why a page that looks like a thread was read with no or far fewer comments than it declares.

    A page looks like a thread when the reader saw a comment count, a comments header or a
    forum/aggregator metadata line (`Doc.thread_cue`); 'far fewer' is under half the declared count.
    """
    declared = article.declared_comment_count
    cue = article.thread_cue
    if declared is not None and declared > 0 and found < declared / 2:
        return (f"the page declares {declared} comment(s) but {found} were read "
                f"(from {cue!r}); check how its comments are separated")
    if cue is not None and found == 0 and declared != 0:
        return f"the page looks like a thread ({cue!r}) but no comment was read"
    return None


def _at_line(reason: str, line: int | None) -> str:
    return f"line {line}: {reason}" if line is not None else reason


_DOC_COLUMNS = [
    *DOCUMENTS.names, "declared_comment_count", "found_comment_count", "url", "published", "encoding", "line",
]
_BLOCK_COLUMNS = [*BLOCKS.names, "rule"]


def _add_doc(doc: Doc, corpus: str, source: str, encoding: str, doc_rows: list, block_rows: list) -> None:
    doc_id = _doc_id(corpus, source, doc.key)
    parent = _doc_id(corpus, source, doc.parent_key) if doc.parent_key is not None and doc.kind == "comment" else None
    doc_rows.append({
        "doc_id": doc_id, "corpus": corpus, "source": source, "kind": doc.kind,
        "comment_n": doc.comment_n, "parent_doc_id": parent, "title": doc.title, "author": doc.author,
        "addressed_to": doc.addressed_to, "start_char": doc.start, "end_char": doc.end, "text": doc.text,
        "declared_comment_count": doc.declared_comment_count,
        "found_comment_count": doc.found_comment_count,
        "url": doc.url, "published": doc.published, "encoding": encoding, "line": doc.line,
    })
    for i, b in enumerate(doc.blocks):
        block_rows.append({
            "block_id": f"{doc_id}:b{i}", "doc_id": doc_id, "role": b.role,
            "start_char": b.start, "end_char": b.end, "text": doc.source_text[b.start : b.end], "rule": b.why,
        })
