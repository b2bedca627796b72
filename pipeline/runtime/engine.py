"""Run the per-document stages (ingest, sentences, embed, stance) locally or as Dask tasks.

A stage's work is cut into *units* that can be computed apart: a document for the sentences and
embed stages, a thread (an article with its comments) for stance, whose document priors read the
whole thread. Each unit's result is stored in the content-addressed cache (pipeline/runtime/cache.py)
under a key made of the unit's input rows and a fingerprint of the models, params and code that
produce it, so a grown corpus only computes its new units.

Both engines run the same function on the same Parquet-encoded inputs and keep each unit's
result as Arrow bytes; the stage's table is always assembled from those bytes in unit order.
That is why `engine: local` and `engine: dask`, and cold and incremental runs, write identical
tables (tests/test_cache.py, tests/test_engine.py).

With `engine: dask`, missing units are grouped into partitions, each partition's input tables
are written as Parquet under work/engine/<stage>/, and a `dask.distributed` task per partition
computes it (a `LocalCluster` when `base.scheduler_address` is null). Workers load the models
themselves and share the embedding/parse cache through $ARGMAP_CACHE_DIR.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.parses import PARSE_DISABLE
from pipeline.runtime.cache import (
    CachedEmbedder,
    CachedNLP,
    Store,
    embedder_fingerprint,
    ipc_bytes,
    open_store,
    package_version,
    sha,
    table_from_bytes,
)
from pipeline.runtime.folders import folder_digest

logger = logging.getLogger(__name__)

UNIT = "_unit"  # column naming the unit a row belongs to (added by the engine, never written)
PACKAGE_DIR = Path(__file__).resolve().parent.parent  # pipeline/
# The function that computes a stage's units. The files it imports, read statically
# (pipeline/code_deps.py, as for dvc.yaml's deps), decide the units' results: editing one of them
# invalidates the stage's cached units (see stage_code).
UNIT_WORK = {"sentences": "sentences_work", "embed": "embed_work", "stance": "stance_work"}


# ---------------------------------------------------------------------------------- helpers


def parquet_roundtrip(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame as a task reads it back from partitioned Parquet (both engines feed this to stages)."""
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False), buf)
    return pq.read_table(io.BytesIO(buf.getvalue())).to_pandas()


@functools.cache
def stage_code(stage: str) -> tuple[str, ...]:
    """The package files (relative to pipeline/) whose code decides a stage's per-unit results."""
    from pipeline.code_deps import code_files

    files = code_files([f"pipeline.runtime.engine:{UNIT_WORK[stage]}"])
    return tuple(Path(f).relative_to(PACKAGE_DIR.name).as_posix() for f in files)


def code_fingerprint(stage: str) -> str:
    h = hashlib.sha256()
    for rel in stage_code(stage):
        path = PACKAGE_DIR / rel
        for f in sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]:
            h.update(f.relative_to(PACKAGE_DIR).as_posix().encode())
            h.update(f.read_bytes() if f.is_file() else b"")
    return h.hexdigest()[:16]


def dir_fingerprint(folder: str | Path) -> str:
    """A model folder's content hash (empty when it is missing), short."""
    return (folder_digest(folder) if Path(folder).is_dir() else hashlib.sha256().hexdigest())[:16]


def unit_keys(tables: dict[str, pd.DataFrame], units: list[str]) -> dict[str, str]:
    """A content hash per unit over every input row of that unit (all tables, all columns)."""
    digests = {u: hashlib.sha256() for u in units}
    for name in sorted(tables):
        frame = tables[name]
        cols = [c for c in frame.columns if c != UNIT]
        row_hash = np.column_stack([_column_hash(frame[c]) for c in cols]) if cols else np.zeros((len(frame), 0))
        header = (name + "|" + ",".join(f"{c}:{frame[c].dtype}" for c in cols)).encode()
        for unit, idx in frame.groupby(UNIT, sort=False).indices.items():
            if unit in digests:
                d = digests[unit]
                d.update(header)
                d.update(row_hash[idx].tobytes())
    return {u: d.hexdigest() for u, d in digests.items()}


def _column_hash(column: pd.Series) -> np.ndarray:
    """A 64-bit hash per cell; cells that are lists, arrays or dicts are hashed as JSON text."""
    try:
        return pd.util.hash_pandas_object(column, index=False).to_numpy()
    except TypeError:
        def text(v: Any) -> str:
            return json.dumps(v.tolist() if hasattr(v, "tolist") else v, ensure_ascii=False, sort_keys=True,
                              default=str)
        return pd.util.hash_pandas_object(column.map(text), index=False).to_numpy()


def split_units(frame: pd.DataFrame, units: list[str]) -> dict[str, bytes]:
    """One Arrow IPC blob per unit (empty units get an empty table of the same columns).

    The frame is converted to Arrow once and each unit's rows taken from it, so every unit's
    blob has the whole result's column types (converting a thousand slices cost 5 s at 10k claims).
    """
    groups = frame.groupby(UNIT, sort=False).indices if len(frame) else {}
    # One chunk per column: a frame concatenated from per-unit parts converts to thousands of
    # chunks, and every take then walks all of them (42 s of a 50k-claim stance stage).
    whole = pa.Table.from_pandas(frame.drop(columns=[UNIT]).reset_index(drop=True),
                                 preserve_index=False).combine_chunks()
    out: dict[str, bytes] = {}
    for u in units:
        idx = groups.get(u)
        out[u] = ipc_bytes(whole.take(pa.array(idx if idx is not None else [], type=pa.int64())))
    return out


def assemble(blobs: list[bytes]) -> pd.DataFrame:
    tables = [table_from_bytes(b) for b in blobs]
    if not tables:
        return pd.DataFrame()
    return pa.concat_tables(tables, promote_options="permissive").to_pandas()


# ---------------------------------------------------------------------------------- stage work
# Module-level functions (picklable for Dask): (tables, params, context) -> frame with UNIT column.


@dataclass(frozen=True)
class Models:
    """Models handed to the engine in place of the trained ones, to swap a back-end or run on fakes
    (`make_engine(p, models=...)`, the runners' `models=`); each one left None is loaded as usual.

    They must pickle (Dask ships them to its workers) and keep their own cache: the unit cache keys
    name params and model folders, not the models handed in.
    """

    claim_model: Any = None  # as pipeline.claims.ClaimModel: mode, threshold, predict_proba(cues, vectors)
    stance_model: Any = None  # as pipeline.stance.StanceModel: predict_proba(vectors, positions, labels)
    embedder: Any = None  # an Embedder (encode(texts) -> unit vectors) for the claims
    stance_encoder: Any = None  # an Embedder for the stance model's pairs
    ngram_layer: Any = None  # as pipeline.stance_ngrams.NgramLayer: fits, apply
    context_layer: Any = None  # as pipeline.stance_context.ContextLayer: fits, neighbours, word_counts, apply
    topic_gate: Any = None  # as pipeline.stance_topic.TopicGate: apply


@dataclass(frozen=True)
class Context:
    """What a task needs besides its tables: absolute model paths, the cache location, the models."""

    claim_model: str
    stance_model: str
    ngram_model: str
    context_model: str
    topic_model: str
    cache_path: str | None
    models: Models = Models()  # none handed in: every model loaded from its folder or params




def stage_pool(p):
    """The stage's worker processes (pipeline/runtime/workers.py) as a context that closes them; it gives
    None where the stage computes in-process (one worker, or inside a Dask worker)."""
    from contextlib import nullcontext

    from pipeline.runtime.workers import WorkerPool, resolve_workers

    workers = resolve_workers(p.embed.workers)
    return WorkerPool(workers) if workers > 1 else nullcontext()


def make_embedder(p, store: Store, pool=None) -> CachedEmbedder:
    return CachedEmbedder(p.embed.model, p.embed.model_package, p.embed.batch_size, store, pool=pool,
                          backend=p.embed.backend)


def make_parser(p, store: Store, pool=None) -> CachedNLP:
    from pipeline.models import load_spacy

    return CachedNLP(lambda: load_spacy(p.sentences.spacy_model, disable=PARSE_DISABLE), store,
                     pool=pool, spec=(p.sentences.spacy_model, PARSE_DISABLE))


def make_cached_splitter(p, store: Store) -> CachedNLP:
    return CachedNLP(_splitter_loader(p.sentences.spacy_model), store)


def _splitter_loader(name: str):
    from functools import lru_cache

    from pipeline.sentences import make_splitter

    return lru_cache(maxsize=1)(lambda: make_splitter(name))


def sentences_work(tables: dict[str, pd.DataFrame], p, ctx: Context) -> pd.DataFrame:
    from pipeline.claims import ClaimModel, score_claims
    from pipeline.runtime.workers import MIN_PARALLEL_TEXTS
    from pipeline.sentences import split_sentences

    store = open_store(ctx.cache_path)
    documents, blocks = tables["documents"], tables["blocks"]
    docs = documents.drop(columns=[UNIT])
    with stage_pool(p) as pool:
        if pool is not None and len(blocks) >= MIN_PARALLEL_TEXTS:
            # the workers import and load their models while this process splits sentences
            pool.start(embedder=(p.embed.model, p.embed.model_package, p.embed.batch_size, p.embed.backend),
                       spacy=(p.sentences.spacy_model, PARSE_DISABLE))
        sentences = split_sentences(docs, blocks.drop(columns=[UNIT]), make_cached_splitter(p, store))
        parser = make_parser(p, store, pool)
        embedder = ctx.models.embedder or make_embedder(p, store, pool)
        model = ctx.models.claim_model or ClaimModel.load(ctx.claim_model)
        scored = score_claims(sentences, docs, model=model, nlp=parser, embedder=embedder, params=p)
    scored[UNIT] = scored["doc_id"].astype(str)
    return scored


def embed_work(tables: dict[str, pd.DataFrame], p, ctx: Context) -> pd.DataFrame:
    from pipeline.embed import embed_claims

    scored = tables["scored"]
    with stage_pool(p) as pool:
        embedder = ctx.models.embedder or make_embedder(p, open_store(ctx.cache_path), pool)
        out = embed_claims(scored.drop(columns=[UNIT]), embedder=embedder)
    unit_of = dict(zip(scored["sentence_id"], scored[UNIT]))
    out[UNIT] = out["sentence_id"].map(unit_of)
    return out


def stance_work(tables: dict[str, pd.DataFrame], p, ctx: Context) -> pd.DataFrame:
    from pipeline.contrast import affirmed_part
    from pipeline.stance import LabelSpace, StanceModel, claim_texts, position_vectors, rows_to_read, tag_stances

    store = open_store(ctx.cache_path)
    sentences = tables["sentences"]
    model = ctx.models.stance_model or StanceModel.load(ctx.stance_model)
    ngrams = context = None
    if p.stance.ngrams:
        from pipeline.stance_ngrams import NgramLayer

        ngrams = ctx.models.ngram_layer or NgramLayer.load(ctx.ngram_model)
    if p.stance.context:
        from pipeline.stance_context import ContextLayer

        context = ctx.models.context_layer or ContextLayer.load(ctx.context_model)
    topic = None
    if p.stance.topic_weight > 0:
        from pipeline.stance_topic import TopicGate

        topic = ctx.models.topic_gate or TopicGate.load(ctx.topic_model)
    labels = LabelSpace.from_params(p.stance)
    if ngrams is not None and not ngrams.fits(labels):
        logger.warning("stance: the n-gram layer was trained for the labels %s, not these (%s); the pair model "
                       "reads each claim's words alone (train one for them with train_ngrams, or set "
                       "stance.ngrams: false)", ", ".join(ngrams.label_names), ", ".join(labels.names))
    if context is not None and not context.fits(labels):
        logger.warning("stance: the context layer was fitted for the labels %s, not these (%s); each claim is "
                       "read alone (fit one for them with train_context, or set stance.context: false)",
                       ", ".join(context.label_names), ", ".join(labels.names))
    if topic is not None and not topic.fits(labels):
        logger.warning("stance: the topic gate was fitted for the labels %s, not these (%s); no claim is moved "
                       "by it (fit one for them with train_topic, or set stance.topic_weight: 0)",
                       ", ".join(topic.label_names), ", ".join(labels.names))
    with stage_pool(p) as pool:
        embedder = ctx.models.stance_encoder or CachedEmbedder(
            str(StanceModel.encoder_path(ctx.stance_model)), None, p.embed.batch_size, store, pool=pool,
            backend=p.embed.backend)
        order, _, _, read = rows_to_read(sentences, labels, context)
        read_texts = claim_texts(sentences.iloc[order[read]])
        embedder.encode(read_texts)  # every vector at once (batched, cached)
        if p.stance.affirmed_weight > 0:
            embedder.encode([part for part in map(affirmed_part, read_texts) if part])
        if ngrams is not None and ngrams.fits(labels):
            ngrams = ngrams.knowing(read_texts)  # every n-gram row at once too
        positions = position_vectors(labels, embedder)
        # One call per unit: the head's matrix products then have the same shapes whichever units a
        # run computes together (a cold run, an incremental one, a Dask partition), so the same bytes.
        outs = [tag_stances(group.drop(columns=[UNIT]), model=model, embedder=embedder, labels=labels,
                            positions=positions, ngrams=ngrams, context=context,
                            affirmed_weight=p.stance.affirmed_weight, topic=topic,
                            topic_weight=p.stance.topic_weight).assign(**{UNIT: unit})
                for unit, group in sentences.groupby(UNIT, sort=False)]
    if not outs:
        return tag_stances(sentences.drop(columns=[UNIT]), model=model, embedder=embedder, labels=labels,
                           positions=positions).assign(**{UNIT: pd.Series(dtype=object)})
    out = pd.concat(outs, ignore_index=True)
    logger.info("stance: %d claims tagged (%s)%s", len(out),
                ", ".join(f"{k}={v}" for k, v in out["stance"].value_counts().sort_index().items()),
                f"; context moved {int((out['stance'] != out['stance_own']).sum())}" if context is not None else "")
    return out


def _dask_task(work: Callable, part_dir: str, p, ctx: Context, units: list[str]) -> dict[str, bytes]:
    """Read one partition's Parquet inputs, compute, and return each unit's result as Arrow bytes."""
    tables = {f.stem: pq.read_table(f).to_pandas() for f in sorted(Path(part_dir).glob("*.parquet"))}
    return split_units(work(tables, p, ctx), units)


# ---------------------------------------------------------------------------------- engine


@dataclass
class Engine:
    kind: str = "local"  # local | dask
    scheduler_address: str | None = None
    store: Store = field(default_factory=open_store)
    workdir: Path = Path("work") / "engine"
    n_workers: int = 2
    partitions: int | None = None  # dask: partitions per stage (default: 4 per worker)
    models: Models = field(default_factory=Models)
    stats: dict[str, Any] = field(default_factory=dict)
    _client: Any = None
    _cluster: Any = None

    def context(self) -> Context:
        from pipeline import paths

        return Context(
            claim_model=str(paths.CLAIM_MODEL.resolve()),
            stance_model=str(paths.STANCE_MODEL.resolve()),
            ngram_model=str(paths.NGRAM_MODEL.resolve()),
            context_model=str(paths.CONTEXT_MODEL.resolve()),
            topic_model=str(paths.TOPIC_MODEL.resolve()),
            cache_path=str(Path(self.store.path).resolve()) if getattr(self.store, "path", None) else None,
            models=self.models,
        )

    def client(self):
        if self._client is None:
            from dask.distributed import Client, LocalCluster

            if self.scheduler_address:
                self._client = Client(self.scheduler_address)
            else:
                self._cluster = LocalCluster(
                    n_workers=self.n_workers, threads_per_worker=1, processes=True,
                    dashboard_address=None, silence_logs=logging.WARNING,
                )
                self._client = Client(self._cluster)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def map_units(self, stage: str, work: Callable, tables: dict[str, pd.DataFrame], units: list[str],
                  p, fingerprint: str, *, use_cache: bool = True) -> pd.DataFrame:
        """Run `work` over every unit whose result is not cached; return all units' rows in unit order."""
        t0 = time.perf_counter()
        ctx = self.context()
        units = list(dict.fromkeys(units))
        keys = unit_keys(tables, units)
        ns = f"unit:{stage}:{fingerprint}"
        found = self.store.get_many(ns, keys.values()) if use_cache else {}
        todo = [u for u in units if keys[u] not in found]
        results: dict[str, bytes] = {}
        if todo:
            todo_set = set(todo)
            inputs = {n: parquet_roundtrip(t[t[UNIT].isin(todo_set)]) for n, t in tables.items()}
            if self.kind == "dask":
                results = self._run_dask(stage, work, inputs, todo, p, ctx)
            else:
                results = split_units(work(inputs, p, ctx), todo)
            if use_cache:
                self.store.put_many(ns, sorted((keys[u], results[u]) for u in todo))
        blobs = [results[u] if u in results else found[keys[u]] for u in units]
        out = assemble(blobs)
        self.stats[stage] = {"units": len(units), "computed": len(todo), "cached": len(units) - len(todo),
                             "seconds": round(time.perf_counter() - t0, 3), "engine": self.kind}
        logger.info("%s: %d units, %d computed, %d from cache (%s engine)",
                    stage, len(units), len(todo), len(units) - len(todo), self.kind)
        return out

    def _run_dask(self, stage, work, inputs, todo, p, ctx) -> dict[str, bytes]:
        client = self.client()
        n_parts = self.partitions or max(1, 4 * len(client.scheduler_info().get("workers", {}) or [1]))
        n_parts = min(n_parts, len(todo))
        part_of = {u: i * n_parts // len(todo) for i, u in enumerate(todo)}  # contiguous unit ranges
        root = self.workdir / stage
        futures = []
        for part in range(n_parts):
            part_units = [u for u in todo if part_of[u] == part]
            part_dir = root / f"part-{part:05d}"
            part_dir.mkdir(parents=True, exist_ok=True)
            wanted = set(part_units)
            for name, t in inputs.items():
                rows = t[t[UNIT].isin(wanted)]
                pq.write_table(pa.Table.from_pandas(rows.reset_index(drop=True), preserve_index=False),
                               part_dir / f"{name}.parquet")
            futures.append(client.submit(_dask_task, work, str(part_dir.resolve()), p, ctx, part_units,
                                         pure=False))
        results: dict[str, bytes] = {}
        for fut in futures:
            results.update(fut.result())
        return results


def make_engine(p, *, store: Store | None = None, models: Models | None = None) -> Engine:
    base = p.base
    return Engine(kind=base.engine, scheduler_address=base.scheduler_address,
                  store=store if store is not None else open_store(), models=models or Models())


# ---------------------------------------------------------------------------------- stages


def thread_roots(documents: pd.DataFrame) -> dict[str, str]:
    """doc_id -> the id of the article at the top of its thread (itself for an article)."""
    parent = {}
    if "parent_doc_id" in documents.columns:
        parent = {str(d): (str(q) if isinstance(q, str) and q else None)
                  for d, q in zip(documents["doc_id"], documents["parent_doc_id"])}
    roots: dict[str, str] = {}
    for d in documents["doc_id"].astype(str):
        seen, cur = set(), d
        while parent.get(cur) and parent[cur] in parent and cur not in seen:
            seen.add(cur)
            cur = parent[cur]
        roots[d] = cur
    return roots


def _fingerprint(stage: str, p, *parts: str) -> str:

    embed = p.embed.model_dump_json(exclude={"workers"})  # how many processes encode changes no vector
    sections = {
        "sentences": [p.sentences.model_dump_json(), embed],
        "embed": [embed],
        "stance": [p.stance.model_dump_json(), p.sentences.spacy_model, embed],
    }[stage]
    embedder = embedder_fingerprint(p.embed.model, p.embed.model_package, p.embed.backend)
    return sha(stage, code_fingerprint(stage), embedder,
               package_version("spacy"), package_version(p.sentences.spacy_model.replace("_", "-")),
               *sections, *parts)[:16]


def run_sentences(engine: Engine, documents: pd.DataFrame, blocks: pd.DataFrame, p) -> pd.DataFrame:
    from pipeline import paths

    docs = documents.assign(**{UNIT: documents["doc_id"].astype(str)})
    blks = blocks.assign(**{UNIT: blocks["doc_id"].astype(str)})
    fp = _fingerprint("sentences", p, dir_fingerprint(paths.CLAIM_MODEL))
    return engine.map_units("sentences", sentences_work, {"documents": docs, "blocks": blks},
                            docs[UNIT].tolist(), p, fp)


def run_embed(engine: Engine, scored: pd.DataFrame, p) -> pd.DataFrame:
    claims = scored[scored["is_claim"]]
    claims = claims.assign(**{UNIT: claims["doc_id"].astype(str)})
    out = engine.map_units("embed", embed_work, {"scored": claims}, claims[UNIT].tolist(), p,
                           _fingerprint("embed", p), use_cache=False)
    if not len(out):
        return pd.DataFrame({"sentence_id": pd.Series(dtype=str), "embedding": pd.Series(dtype=object)})
    out = out.sort_values("sentence_id", kind="stable").reset_index(drop=True)
    out["embedding"] = [np.asarray(v, dtype=np.float32) for v in out["embedding"]]
    return out


def run_stance(engine: Engine, scored: pd.DataFrame, documents: pd.DataFrame, p) -> pd.DataFrame:
    from pipeline import paths

    roots = thread_roots(documents)
    sentences = scored.assign(**{UNIT: scored["doc_id"].astype(str).map(roots)})
    claims = sentences[sentences["is_claim"]]
    units = list(dict.fromkeys(claims[UNIT].tolist()))
    if not units:
        return pd.DataFrame({"sentence_id": pd.Series(dtype=str), "stance": pd.Series(dtype=str),
                             "stance_score": pd.Series(dtype=float), "stance_probs": pd.Series(dtype=str),
                             "stance_own": pd.Series(dtype=str)})
    # a thread's other sentences are read only as context, and only when params ask for it
    sentences = sentences[sentences[UNIT].isin(set(units))] if p.stance.context else claims
    models = [paths.STANCE_MODEL, *[paths.NGRAM_MODEL] * p.stance.ngrams, *[paths.CONTEXT_MODEL] * p.stance.context,
              *[paths.TOPIC_MODEL] * (p.stance.topic_weight > 0)]
    fp = _fingerprint("stance", p, *map(dir_fingerprint, models))
    out = engine.map_units("stance", stance_work, {"sentences": sentences}, units, p, fp)
    if not len(out):
        return out
    order = {s: i for i, s in enumerate(claims["sentence_id"].astype(str))}
    return out.iloc[np.argsort(out["sentence_id"].map(order).to_numpy(), kind="stable")].reset_index(drop=True)


def run_ingest(engine: Engine, p):
    """Ingest every corpus; under Dask the whole ingest is one task (its de-duplication is global)."""
    args = (str(Path(p.ingest.corpora_dir).resolve()), list(p.ingest.corpora), p.ingest.max_file_bytes)
    if engine.kind == "dask":
        return engine.client().submit(_ingest_job, *args, pure=False).result()
    return _ingest_job(*args)


def _ingest_job(corpora_dir: str, names: list[str], max_bytes: int):
    from pipeline.ingest import ingest_corpora, read_corpus

    return ingest_corpora([read_corpus(Path(corpora_dir), n, max_bytes) for n in names])
