"""Content-addressed cache of per-sentence work (embeddings, spaCy parses) and per-document results.

Keys are a SHA-256 of the text (or of a document's rows) together with a fingerprint of the
model that produced the value (name, package versions, settings), so a new model version never
reads an old value. One SQLite file under `.cache/argmap/` (or $ARGMAP_CACHE_DIR) serves every
corpus; deleting it only costs time. No pickle: vectors are raw float32 bytes, parses JSON,
tables Arrow IPC.

Cold and cached paths give identical bytes because both return the value *as stored*: a value
is computed, written, and then read back exactly as a later run would read it. For that to hold,
computing one text must not depend on what else is in its batch:
- sentence-transformers pads a batch to its longest text, and padding moves the vectors by
  ~1e-7; so does the batch's row count, as the BLAS kernel is chosen by matrix shape.
  `CachedEmbedder` therefore encodes texts in buckets of one exact token length (no padding),
  FIXED_BATCH rows at a time, a bucket's short last chunk padded (repeating its last text) to
  the smallest of SHORT_BATCHES that holds it: every forward pass has one of a few fixed shapes
  that give the same bytes, and a text's vector is the same alone or in any batch (checked in
  tests/test_cache.py, and on the seed and a 1k-claim corpus against 16-row passes).
- spaCy's tagger and parser give the same annotations for a text alone or in a batch (checked on
  3,000 ArgKP arguments); the cache stores those annotations and rebuilds the `Doc` from them on
  both paths.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.parses import doc_from_record, doc_record
from pipeline.runtime.folders import cache_dir, folder_digest

logger = logging.getLogger(__name__)

FIXED_BATCH = 16  # rows per forward pass for full chunks (see CachedEmbedder._encode_bucketed)
# Row counts a bucket's last, short chunk is padded up to (the smallest that holds it). Each gives
# the same vector bytes as 16 rows; one row does not (a single sequence takes another code path).
SHORT_BATCHES = (2, 4, 8)
STORE_BATCH = 2048  # new vectors written to the store per transaction
_CHUNK = 500  # keys per SQL query (SQLite's variable limit is 32k; keep queries small)


def cache_disabled() -> bool:
    return os.environ.get("ARGMAP_CACHE", "").lower() in ("0", "off", "false", "no")


def sha(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\x1f")
    return h.hexdigest()


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "none"


class Store:
    """A key-value store in one SQLite file: (namespace, key) -> bytes. Safe across processes."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else cache_dir() / "cache.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._conn() as con:
            con.execute(
                "CREATE TABLE IF NOT EXISTS kv (ns TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, "
                "PRIMARY KEY (ns, key)) WITHOUT ROWID"
            )

    def _conn(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(self.path, timeout=120, isolation_level=None)
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
            self._local.con = con
        return con

    def get_many(self, ns: str, keys: Iterable[str]) -> dict[str, bytes]:
        keys = list(dict.fromkeys(keys))
        found: dict[str, bytes] = {}
        con = self._conn()
        for i in range(0, len(keys), _CHUNK):
            chunk = keys[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for key, value in con.execute(f"SELECT key, value FROM kv WHERE ns = ? AND key IN ({marks})", [ns, *chunk]):
                found[key] = bytes(value)
        return found

    def put_many(self, ns: str, items: Iterable[tuple[str, bytes]]) -> None:
        rows = [(ns, k, sqlite3.Binary(v)) for k, v in items]
        if not rows:
            return
        con = self._conn()
        con.execute("BEGIN IMMEDIATE")
        try:
            con.executemany("INSERT OR REPLACE INTO kv (ns, key, value) VALUES (?, ?, ?)", rows)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def count(self, ns: str | None = None) -> int:
        con = self._conn()
        if ns is None:
            return int(con.execute("SELECT COUNT(*) FROM kv").fetchone()[0])
        return int(con.execute("SELECT COUNT(*) FROM kv WHERE ns = ?", [ns]).fetchone()[0])


class MemoryStore(Store):
    """The same interface in memory: what runs when the cache is switched off (ARGMAP_CACHE=off)."""

    def __init__(self):
        self.path = None
        self._data: dict[tuple[str, str], bytes] = {}

    def get_many(self, ns, keys):
        return {k: self._data[(ns, k)] for k in dict.fromkeys(keys) if (ns, k) in self._data}

    def put_many(self, ns, items):
        for k, v in items:
            self._data[(ns, k)] = bytes(v)

    def count(self, ns=None):
        return sum(1 for n, _ in self._data if ns is None or n == ns)


def open_store(path: str | Path | None = None) -> Store:
    return MemoryStore() if cache_disabled() else Store(path)


# ------------------------------------------------------------------------------ embeddings


def embedder_fingerprint(model: str, package: str | None, backend: str = "torch") -> str:
    """Model name + the versions of everything that turns its weights into vectors."""
    parts = [model, package or "", package_version(package) if package else "local-folder",
             package_version("sentence-transformers"), package_version("transformers"),
             package_version("torch"), "normalize=1",
             f"bucket=exact-token-length,rows={FIXED_BATCH},short={'/'.join(map(str, SHORT_BATCHES))}"]
    if backend != "torch":  # torch keeps its earlier fingerprint (and so its cached vectors)
        from pipeline.onnx_encoder import RECIPES

        parts += [f"backend={backend}", RECIPES[backend], package_version("onnx"), package_version("onnxruntime")]
    if Path(model).is_dir():  # a local folder (a trained encoder): its files' bytes are the version
        parts.append(folder_digest(model))
    return sha(*parts)[:16]


class CachedEmbedder:
    """An `Embedder` that looks every text up by content hash before running the model.

    The model is loaded only when some text is missing, so a fully cached stage never imports
    torch. Missing texts are encoded once each, grouped by exact token length (no padding).
    Given a `pool` (pipeline/runtime/workers.py) and enough missing texts, the forward passes run in its
    worker processes and `start` returns at once, so the caller can work meanwhile.
    """

    def __init__(self, model: str, package: str | None, batch_size: int, store: Store,
                 loader: Callable[[], Any] | None = None, fingerprint: str | None = None,
                 pool: Any = None, backend: str = "torch"):
        self.name = model
        self.model_name = model
        self.package = package
        self.batch_size = batch_size
        self.store = store
        self.backend = backend  # torch | onnx (pipeline/onnx_encoder.py)
        self.fingerprint = fingerprint or embedder_fingerprint(model, package, backend)
        self.ns = f"emb:{self.fingerprint}"
        self.pool = pool
        self._loader = loader
        self._inner = None
        self.hits = 0
        self.misses = 0

    @property
    def inner(self):
        if self._inner is None:
            if self._loader is not None:
                self._inner = self._loader()
            elif self.backend != "torch":
                from pipeline.onnx_encoder import load_onnx_embedder

                self._inner = load_onnx_embedder(self.model_name, self.package, self.batch_size, self.backend)
            else:
                from pipeline.models import load_embedder

                self._inner = load_embedder(self.model_name, self.package, self.batch_size)
        return self._inner

    def _token_counter(self) -> Callable[[list[str]], list[int]] | None:
        """Token counts as the model truncates them; None for a model that is not sentence-transformers."""
        if self._loader is None:
            from pipeline.models import resolve_model_path
            from pipeline.runtime.workers import TokenCounter

            counter = TokenCounter.for_model(resolve_model_path(self.model_name, self.package))
            if counter is not None:
                return counter
        if hasattr(self.inner, "token_counts"):
            return self.inner.token_counts
        model = getattr(self.inner, "_model", None)
        if model is None:
            return None
        from pipeline.runtime.workers import model_token_counts

        return lambda texts: model_token_counts(model, texts)

    def _plan(self, texts: list[str]) -> list[tuple[list[int], list[str], int]] | None:
        """The forward passes: (positions in `texts`, the pass's texts, their token count).

        Only fixed (batch, length) shapes: BLAS picks its kernel by shape, and a kernel that moves
        the last bits would make a vector depend on its batch. A bucket's short last chunk repeats
        its last text up to the smallest fixed row count that holds it.
        """
        counter = self._token_counter()
        if counter is None:
            return None
        by_len: dict[int, list[int]] = {}
        for i, n in enumerate(counter(texts)):
            by_len.setdefault(n, []).append(i)
        plan = []
        for n in sorted(by_len):
            idx = by_len[n]
            for start in range(0, len(idx), FIXED_BATCH):
                part = idx[start : start + FIXED_BATCH]
                chunk = [texts[i] for i in part]
                size = next((k for k in SHORT_BATCHES if k >= len(chunk)), FIXED_BATCH)
                plan.append((part, chunk + [chunk[-1]] * (size - len(chunk)), n))
        return plan

    def _passes(self, texts: list[str]) -> Callable[[], Iterator[tuple[list[int], np.ndarray]]]:
        """Start the forward passes; the returned function yields (positions, vectors) pass by pass."""
        plan = self._plan(texts)
        if plan is None:  # not a sentence-transformers model (e.g. a test fake): encode one by one
            return lambda: ((([i], np.asarray(self.inner.encode([t]), dtype=np.float32))) for i, t in enumerate(texts))
        from pipeline.runtime.workers import MIN_PARALLEL_TEXTS, encode_chunk

        if self.pool is not None and self._loader is None and (self.pool.started or len(texts) >= MIN_PARALLEL_TEXTS):
            futures = self.pool.encode(self.model_name, self.package, self.batch_size,
                                       [(chunk, n) for _, chunk, n in plan], backend=self.backend)

            def outputs() -> Iterator[bytes]:
                return (data for fut in futures for data in fut.result())
        else:
            def outputs() -> Iterator[bytes]:
                return (encode_chunk(self.inner, chunk, n) for _, chunk, n in plan)

        def passes() -> Iterator[tuple[list[int], np.ndarray]]:
            for (part, chunk, _), data in zip(plan, outputs(), strict=True):
                yield part, np.frombuffer(data, dtype="<f4").reshape(len(chunk), -1)[: len(part)]
        return passes

    def start(self, texts: Sequence[str]) -> Callable[[], np.ndarray]:
        """Look `texts` up and start encoding what is missing; call the result for the vectors.

        One float32 row per text, in order; each distinct missing text is computed once. New
        vectors go to the store in batches of STORE_BATCH as they arrive and into one
        preallocated result, so a large corpus never holds its vectors twice.
        """
        texts = [str(t) for t in texts]
        if not texts:
            return lambda: np.zeros((0, 0), dtype=np.float32)
        keys = [sha(t) for t in texts]
        rows_of: dict[str, list[int]] = {}
        for i, k in enumerate(keys):
            rows_of.setdefault(k, []).append(i)
        found = self.store.get_many(self.ns, rows_of)
        missing = sorted((k, texts[rows[0]]) for k, rows in rows_of.items() if k not in found)
        self.hits += len(texts) - sum(len(rows_of[k]) for k, _ in missing)
        self.misses += len(missing)
        passes = self._passes([t for _, t in missing]) if missing else None

        def finish() -> np.ndarray:
            out: np.ndarray | None = None

            def place(key: str, data: bytes) -> None:
                nonlocal out
                vec = np.frombuffer(data, dtype="<f4")
                if out is None:
                    out = np.empty((len(texts), len(vec)), dtype=np.float32)
                out[rows_of[key]] = vec

            for k, data in found.items():
                place(k, data)
            found.clear()
            if passes is not None:
                pending: list[tuple[str, bytes]] = []
                for part, vecs in passes():
                    for j, v in zip(part, vecs):
                        # stored bytes and returned row are the same value, as a later run reads it
                        data = np.ascontiguousarray(v, dtype="<f4").tobytes()
                        pending.append((missing[j][0], data))
                        place(missing[j][0], data)
                    if len(pending) >= STORE_BATCH:
                        self.store.put_many(self.ns, sorted(pending))
                        pending = []
                self.store.put_many(self.ns, sorted(pending))
            return out

        return finish

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.start(texts)()


# ------------------------------------------------------------------------------ spaCy parses


def nlp_fingerprint(nlp) -> str:
    meta = getattr(nlp, "meta", {}) or {}
    return sha(meta.get("lang", ""), meta.get("name", ""), meta.get("version", ""),
               package_version("spacy"), ",".join(nlp.pipe_names))[:16]


def function_fingerprint(fn: Callable) -> str:
    """A function's qualified name and its module's source: what it computes changes with either."""
    import inspect

    return sha(f"{fn.__module__}.{fn.__qualname__}", Path(inspect.getfile(fn)).read_bytes())[:16]


def package_meta(spacy_model: str) -> dict[str, Any] | None:
    """The meta.json of an installed spaCy pipeline package, read without loading it (None: not a package)."""
    import importlib.util

    spec = importlib.util.find_spec(spacy_model)
    if spec is None or not spec.submodule_search_locations:
        return None
    return json.loads((Path(spec.submodule_search_locations[0]) / "meta.json").read_text(encoding="utf-8"))


def spec_fingerprint(spacy_model: str, disable: tuple[str, ...]) -> str:
    """`nlp_fingerprint` of `load_spacy(spacy_model, disable)`, read from the package's meta.json
    without loading the pipeline (tests/test_cache.py checks the two agree)."""
    meta = package_meta(spacy_model)
    if meta is None:
        from pipeline.models import load_spacy

        return nlp_fingerprint(load_spacy(spacy_model, disable))  # not a package: load it (or fail clearly)
    off = set(disable) | set(meta.get("disabled", []))
    pipe_names = [name for name in meta.get("pipeline", []) if name not in off]
    return sha(meta.get("lang", ""), meta.get("name", ""), meta.get("version", ""),
               package_version("spacy"), ",".join(pipe_names))[:16]


class CachedNLP:
    """A spaCy pipeline whose `pipe` looks each text up first; Docs are rebuilt from stored annotations.

    Given a `pool` and the pipeline's `spec` (package name, disabled components), many missing
    texts are parsed in the pool's worker processes, each loading the same pipeline.
    """

    def __init__(self, nlp_or_loader, store: Store, batch_size: int = 256, *, pool: Any = None,
                 spec: tuple[str, tuple[str, ...]] | None = None):
        self._nlp = None if callable(nlp_or_loader) and not hasattr(nlp_or_loader, "pipe") else nlp_or_loader
        self._loader = nlp_or_loader if self._nlp is None else None
        self.store = store
        self.batch_size = batch_size
        self.pool = pool
        self.spec = spec
        self._ns: str | None = None
        self._vocab = None
        self.hits = 0
        self.misses = 0

    @property
    def nlp(self):
        if self._nlp is None:
            self._nlp = self._loader()
        return self._nlp

    @property
    def vocab(self):
        """The vocabulary stored parses are rebuilt on. Given a spec, a blank pipeline of the package's
        language: a rebuilt Doc takes its annotations from the record and its words' lexical attributes
        (is_alpha, is_stop, like_num) from the language, so a process whose parses are all stored
        never loads the trained pipeline (tests/test_cache.py checks the attributes agree)."""
        if self._vocab is None:
            meta = package_meta(self.spec[0]) if self.spec is not None and self._nlp is None else None
            if meta is not None and meta.get("lang"):
                from pipeline.models import import_spacy

                self._vocab = import_spacy().blank(meta["lang"]).vocab
            else:
                self._vocab = self.nlp.vocab
        return self._vocab

    @property
    def pipe_names(self):
        return self.nlp.pipe_names

    @property
    def ns(self) -> str:
        if self._ns is None:
            # Given its spec, the pipeline's fingerprint comes from its package's meta.json, so a
            # process whose workers parse never loads the pipeline itself.
            fingerprint = spec_fingerprint(*self.spec) if self.spec is not None else nlp_fingerprint(self.nlp)
            self._ns = f"doc:{fingerprint}"
        return self._ns

    def records(self, texts: Iterable[str]) -> list[bytes]:
        """Each text's stored parse (`pipeline.parses.doc_record`); a text not stored yet is parsed and stored."""
        texts = [str(t) for t in texts]
        keys = [sha(t) for t in texts]
        found = self.store.get_many(self.ns, keys)
        missing = sorted({k: t for k, t in zip(keys, texts) if k not in found}.items())
        self.hits += len(texts) - sum(1 for k in keys if k not in found)
        if missing:
            self.misses += len(missing)
            new = {k: r for (k, _), r in zip(missing, self._records([t for _, t in missing]))}
            self.store.put_many(self.ns, sorted(new.items()))
            found.update(new)
        return [found[k] for k in keys]

    def pipe(self, texts: Iterable[str], batch_size: int | None = None, **_: Any) -> Iterator:
        records = self.records(texts)
        vocab = self.vocab
        for rec in records:
            yield doc_from_record(vocab, rec)

    def derive(self, texts: Sequence[str], fn: Callable[[Any], bytes], *, keep_parses: bool = True) -> list[bytes]:
        """`fn(doc)` of each text's parse, cached by text under the pipeline's and `fn`'s fingerprints.

        `fn` is a module-level function (workers import it by name). A text nobody has parsed is
        parsed and `fn` applied to the Doc at hand: in the pool's workers when there is a pool,
        else here. Only a text whose parse is stored but whose `fn` value is not gets its Doc
        rebuilt from the record. Either way the value is `fn` of the same annotations. With
        `keep_parses` False the parses themselves are not stored (a caller that only ever
        wants `fn` of them).
        """
        texts = [str(t) for t in texts]
        keys = [sha(t) for t in texts]
        ns = f"{self.ns}:{function_fingerprint(fn)}"
        found = self.store.get_many(ns, keys)
        missing = sorted({k: t for k, t in zip(keys, texts) if k not in found}.items())
        if missing:
            new: dict[str, bytes] = {}
            parsed = self.store.get_many(self.ns, [k for k, _ in missing])
            unparsed = [(k, t) for k, t in missing if k not in parsed]
            if unparsed:
                self.misses += len(unparsed)
                if self._in_pool(len(unparsed)):
                    futures = self.pool.parse(*self.spec, [t for _, t in unparsed], fn)
                    pairs = [pair for fut in futures for pair in fut.result()]
                else:
                    docs = self.nlp.pipe([t for _, t in unparsed], batch_size=self.batch_size)
                    pairs = [(doc_record(doc) if keep_parses else b"", fn(doc)) for doc in docs]
                if keep_parses:
                    self.store.put_many(self.ns, sorted((k, rec) for (k, _), (rec, _) in zip(unparsed, pairs)))
                new.update((k, value) for (k, _), (_, value) in zip(unparsed, pairs))
            if len(new) < len(missing):
                vocab = self.vocab
                for k, _ in missing:
                    if k not in new:
                        self.hits += 1
                        new[k] = fn(doc_from_record(vocab, parsed[k]))
            self.store.put_many(ns, sorted(new.items()))
            found.update(new)
        return [found[k] for k in keys]

    def _in_pool(self, n_texts: int) -> bool:
        from pipeline.runtime.workers import MIN_PARALLEL_TEXTS

        return (self.pool is not None and self.spec is not None
                and (self.pool.started or n_texts >= MIN_PARALLEL_TEXTS))

    def _records(self, texts: list[str]) -> Iterator[bytes]:
        if self._in_pool(len(texts)):
            for fut in self.pool.parse(*self.spec, texts):
                yield from fut.result()
        else:
            for doc in self.nlp.pipe(texts, batch_size=self.batch_size):
                yield doc_record(doc)

    def __call__(self, text: str):
        return next(iter(self.pipe([text])))


# ------------------------------------------------------------------------------ tables


def ipc_bytes(table) -> bytes:
    """An Arrow table as IPC stream bytes."""
    import pyarrow as pa

    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def table_from_bytes(data: bytes):
    import pyarrow as pa

    with pa.ipc.open_stream(io.BytesIO(data)) as reader:
        return reader.read_all()
