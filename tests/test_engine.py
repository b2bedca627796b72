"""engine: dask runs the per-document stages with the same bytes as the local engine."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_cache import ROOT, _bytes, _seed_inputs

from pipeline.engine import UNIT, assemble, split_units, thread_roots, unit_keys


def test_thread_roots_follow_parents():
    docs = pd.DataFrame({"doc_id": ["a", "a#c1", "a#c2", "b"], "parent_doc_id": [None, "a", "a#c1", None]})
    assert thread_roots(docs) == {"a": "a", "a#c1": "a", "a#c2": "a", "b": "b"}


def test_unit_keys_change_with_content_only():
    frame = pd.DataFrame({"doc_id": ["a", "a", "b"], "text": ["x", "y", "z"]})
    frame[UNIT] = frame["doc_id"]
    keys = unit_keys({"t": frame}, ["a", "b"])
    changed = frame.assign(text=["x", "y", "CHANGED"])
    keys2 = unit_keys({"t": changed}, ["a", "b"])
    assert keys["a"] == keys2["a"] and keys["b"] != keys2["b"]


def test_split_and_assemble_keep_unit_order():
    frame = pd.DataFrame({"v": [1, 2, 3], UNIT: ["b", "a", "b"]})
    blobs = split_units(frame, ["a", "b", "c"])
    out = assemble([blobs["b"], blobs["a"], blobs["c"]])
    assert out["v"].tolist() == [1, 3, 2]


@pytest.mark.slow
def test_dask_engine_matches_local(tmp_path, monkeypatch):
    """A 2-worker LocalCluster gives the local engine's bytes for sentences, embed and stance."""
    from pipeline import schemas
    from pipeline.cache import Store
    from pipeline.engine import Engine, run_embed, run_ingest, run_sentences, run_stance
    from pipeline.params import load_params

    if not (ROOT / "models" / "claims" / "config.json").is_file():
        pytest.skip("models/claims not trained (run `dvc repro train_claims`)")
    monkeypatch.chdir(ROOT)
    p = load_params(ROOT / "params.yaml")
    documents, blocks = _seed_inputs()

    def run(engine):
        ingested = run_ingest(engine, p)
        scored = run_sentences(engine, documents, blocks, p)
        return (_bytes(ingested.documents, schemas.DOCUMENTS), _bytes(scored, schemas.CLAIM_SCORES),
                _bytes(run_embed(engine, scored, p), schemas.EMBEDDINGS),
                run_stance(engine, scored, documents, p))

    from threadpoolctl import threadpool_limits

    # One BLAS thread, as the `argmap` entry point and the Dask workers' preload set it: pytest's
    # own process keeps numpy's default, whose float32 sums can differ in the last bit.
    with threadpool_limits(limits=1):
        local = run(Engine(store=Store(tmp_path / "local" / "c.sqlite")))
    monkeypatch.setenv("ARGMAP_CACHE_DIR", str(tmp_path / "dask"))
    engine = Engine(kind="dask", store=Store(tmp_path / "dask" / "c.sqlite"), workdir=tmp_path / "parts",
                    n_workers=2, partitions=3)
    try:
        distributed = run(engine)
        assert engine.stats["sentences"]["computed"] == len(documents)
    finally:
        engine.close()
    assert distributed[:3] == local[:3]
    # Stance: the same label for every claim; probabilities equal to 1e-4. The stance encoder's
    # vectors differ in their last bits between a Dask worker and the local worker pool (a known
    # gap: the bytes are not yet identical here, unlike the stages above).
    d_stance, l_stance = distributed[3], local[3]
    assert d_stance["sentence_id"].tolist() == l_stance["sentence_id"].tolist()
    assert d_stance["stance"].tolist() == l_stance["stance"].tolist()
    assert np.allclose(d_stance["stance_score"], l_stance["stance_score"], atol=1e-4)
    assert any((tmp_path / "parts" / "sentences").glob("part-*/documents.parquet"))
