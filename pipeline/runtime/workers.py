"""Per-sentence model work (embeddings, spaCy parses) in worker processes, one thread each.

On a small machine two single-threaded processes encode faster than one process with two torch
threads (measured here: 1,600 ArgKP arguments in 6.7 s against 8.8 s), and a torch thread pool
that shares its cores with another busy process slows down several-fold while it waits for
them. spaCy parses on one core. So a stage with many new sentences hands both kinds of work to
one pool of single-threaded workers, which keeps every core busy until both are done: the
sentences stage submits its embedding passes, then its parses, and only waits at the end.

The calling process never imports torch on this path. It plans the forward passes itself
(pipeline/runtime/cache.py buckets texts by exact token length and pads chunks to fixed shapes), using
the model's own `tokenizer.json` through the `tokenizers` library to count tokens; each worker
checks those counts against the model's tokenizer before it encodes, so a plan the model would
pad differently fails loudly instead of changing a vector.

A vector depends only on its text and its forward pass's shape, not on which process or how
many torch threads computed it (tests/test_workers.py compares the bytes).
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

# Fewer new texts than this, and no workers running yet: the model loads in-process, which costs
# no more than starting workers. Once a stage's workers run, they take every batch, however small.
MIN_PARALLEL_TEXTS = 256
CHUNKS_PER_TASK = 8  # forward passes per task: few enough to balance, many enough to amortise IPC
PARSE_TEXTS_PER_TASK = 256


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def resolve_workers(requested: int) -> int:
    """`embed.workers`: 0 means one per available core; a daemonic process (a Dask worker) gets 1."""
    if multiprocessing.current_process().daemon:
        return 1  # daemonic processes may not start children; the engine parallelises instead
    return available_cores() if requested == 0 else requested


class TokenCounter:
    """Token counts per text exactly as the sentence-transformers model truncates them.

    Reads `tokenizer.json` (the fast tokenizer the model itself wraps) and the model's
    `max_seq_length`; loading takes milliseconds and needs neither torch nor transformers.
    """

    def __init__(self, model_dir: str | Path):
        from tokenizers import Tokenizer

        model_dir = Path(model_dir)
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.max_length = _max_seq_length(model_dir, self.tokenizer)
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_length)

    def __call__(self, texts: Sequence[str]) -> list[int]:
        return [len(e.ids) for e in self.tokenizer.encode_batch(list(texts))]

    @classmethod
    def for_model(cls, model_dir: str | Path) -> TokenCounter | None:
        """None when the model folder has no tokenizer.json (the caller then loads the model)."""
        return cls(model_dir) if (Path(model_dir) / "tokenizer.json").is_file() else None


def _max_seq_length(model_dir: Path, tokenizer) -> int:
    try:
        config = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
        return int(config["max_seq_length"])
    except (OSError, ValueError, KeyError, TypeError):
        trunc = tokenizer.truncation or {}
        return int(trunc.get("max_length") or 512)


# ------------------------------------------------------------------------------ worker side

def _init_worker(stage_pid: int | None = None) -> None:
    # one thread per worker: the pool, not a thread pool per process, uses the cores
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = "1"
    if stage_pid is not None:
        threading.Thread(target=_exit_with, args=(stage_pid,), daemon=True).start()


def _exit_with(stage_pid: int, every_s: float = 1.0) -> None:
    """End this worker once the stage process that started the pool is gone (killed, say).

    A worker's parent is the fork server, not the stage, so it would otherwise finish its task
    and wait on a queue nobody writes to.
    """
    import psutil

    while True:
        time.sleep(every_s)
        try:
            gone = psutil.Process(stage_pid).status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            gone = True
        if gone:
            os._exit(1)


def model_token_counts(st, texts: Sequence[str]) -> list[int]:
    """Token counts from a loaded sentence-transformers model's own tokenizer, truncated as it encodes."""
    return [len(ids) for ids in st.tokenizer(list(texts), truncation=True, max_length=st.max_seq_length)["input_ids"]]


def encode_chunk(embedder, texts: list[str], n_tokens: int) -> bytes:
    """One forward pass over texts of `n_tokens` tokens each; float32 little-endian bytes.

    Checks the planned token count against the model's own tokenizer first: a pass that needed
    padding would make a vector depend on the texts beside it.
    """
    counts = set(model_token_counts(embedder._model, texts))
    if counts != {n_tokens}:
        raise RuntimeError(
            f"token counts {sorted(counts)} differ from the planned {n_tokens}: the model's tokenizer "
            "and its tokenizer.json disagree"
        )
    return np.ascontiguousarray(embedder.encode(texts), dtype="<f4").tobytes()


def _encode_task(model: str, package: str | None, batch_size: int,
                 chunks: list[tuple[list[str], int]]) -> list[bytes]:
    """Encode each (texts, token count) chunk as one forward pass, in a worker process."""
    embedder = _worker_embedder(model, package, batch_size)
    return [encode_chunk(embedder, texts, n) for texts, n in chunks]


def _worker_embedder(model: str, package: str | None, batch_size: int):
    """The embedder on one torch thread (load_embedder keeps it for the worker's later tasks)."""
    import torch

    torch.set_num_threads(1)
    from pipeline.models import load_embedder

    return load_embedder(model, package, batch_size)


def _parse_task(spacy_model: str, disable: tuple[str, ...], texts: list[str],
                derive: Callable[[Any], bytes] | None = None) -> list[bytes] | list[tuple[bytes, bytes]]:
    """spaCy annotations of each text (pipeline/parses.py's record format), in a worker process.

    With `derive` (a module-level function of a Doc), each text gives (annotations, derive(doc)):
    what the caller wants from the parse is computed here, from the Doc at hand, so the caller
    does not rebuild the Doc from its record.
    """
    from pipeline.models import load_spacy
    from pipeline.parses import doc_record

    nlp = load_spacy(spacy_model, disable)
    docs = nlp.pipe(texts, batch_size=PARSE_TEXTS_PER_TASK)
    if derive is None:
        return [doc_record(doc) for doc in docs]
    return [(doc_record(doc), derive(doc)) for doc in docs]


def _warm_task(embedder: tuple[str, str | None, int] | None, spacy: tuple[str, tuple[str, ...]] | None) -> None:
    """Load the stage's models in a fresh worker (both loaders keep what they load)."""
    if embedder is not None:
        _worker_embedder(*embedder)
    if spacy is not None:
        from pipeline.models import load_spacy

        load_spacy(*spacy)


# ------------------------------------------------------------------------------ caller side


class WorkerPool:
    """Single-threaded worker processes for a stage's model work, started on first use.

    Tasks run in the order they are submitted. Each worker loads a model the first time a task
    needs it and keeps it for the stage's later tasks.
    """

    def __init__(self, workers: int):
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None
        self._starting: threading.Thread | None = None
        self._start_error: BaseException | None = None

    @property
    def started(self) -> bool:
        """Workers are running or starting: they take every batch of the stage, however small."""
        return self._starting is not None

    def start(self, embedder: tuple[str, str | None, int] | None = None,
              spacy: tuple[str, tuple[str, ...]] | None = None) -> None:
        """Start the workers in the background, so their imports overlap the caller's own work.

        Returns at once. Where the platform has a fork server (Linux, macOS), it imports torch,
        sentence-transformers and spaCy once (pipeline/runtime/_worker_preload.py) and the workers are
        forked from it; elsewhere each worker is spawned and imports them itself. Given the
        stage's `embedder` (model, package, batch size) and `spacy` (pipeline, disabled
        components), each worker loads them as soon as it runs, before the first task arrives.
        """
        if self._starting is not None:
            return
        self._starting = threading.Thread(target=self._start_now, args=(embedder, spacy),
                                          name="argmap-workers-start", daemon=True)
        self._starting.start()

    def _start_now(self, embedder, spacy) -> None:
        try:
            logger.info("starting %d worker processes (one thread each)", self.workers)
            if "forkserver" in multiprocessing.get_all_start_methods():
                ctx = multiprocessing.get_context("forkserver")
                ctx.set_forkserver_preload(["pipeline.runtime._worker_preload"])
            else:
                ctx = multiprocessing.get_context("spawn")
            executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx,
                                           initializer=_init_worker, initargs=(os.getpid(),))
            for _ in range(self.workers):
                # each worker takes one as it starts: it loads the models while the caller works
                executor.submit(_warm_task, embedder, spacy)
            self._executor = executor
        except BaseException as exc:  # raised again in the caller's thread, at its next task
            self._start_error = exc

    def _submit(self, fn, *args) -> Future:
        self.start()
        self._starting.join()
        if self._start_error is not None:
            raise RuntimeError("the worker processes did not start") from self._start_error
        return self._executor.submit(fn, *args)

    def encode(self, model: str, package: str | None, batch_size: int,
               chunks: list[tuple[list[str], int]]) -> list[Future]:
        """One future per CHUNKS_PER_TASK forward passes, in order; each gives one bytes per pass."""
        return [self._submit(_encode_task, model, package, batch_size, chunks[i : i + CHUNKS_PER_TASK])
                for i in range(0, len(chunks), CHUNKS_PER_TASK)]

    def parse(self, spacy_model: str, disable: tuple[str, ...], texts: list[str],
              derive: Callable[[Any], bytes] | None = None) -> list[Future]:
        """One future per PARSE_TEXTS_PER_TASK texts, in order; each gives one annotation record
        per text (with `derive`: one (record, derive(doc)) pair per text)."""
        return [self._submit(_parse_task, spacy_model, disable, texts[i : i + PARSE_TEXTS_PER_TASK], derive)
                for i in range(0, len(texts), PARSE_TEXTS_PER_TASK)]

    def close(self) -> None:
        if self._starting is not None:
            self._starting.join()
            self._starting = None
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
