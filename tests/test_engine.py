"""engine: dask runs the per-document stages with the same bytes as the local engine."""

from __future__ import annotations

import pandas as pd
import pytest
from test_cache import ROOT

from pipeline.runtime.engine import UNIT, assemble, split_units, thread_roots, unit_keys


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


# Run in a fresh interpreter, as the `argmap` command runs: torch and BLAS state left by other tests
# in pytest's process changes the last bits of the local run, and a stuck cluster must not hang CI.
_COMPARE = """
import hashlib, json, sys
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from threadpoolctl import threadpool_limits
from test_cache import _bytes, _seed_inputs
from pipeline import schemas
from pipeline.runtime.cache import Store
from pipeline.runtime.engine import Engine, run_embed, run_ingest, run_sentences, run_stance
from pipeline.params import load_params

tmp = Path(sys.argv[1])
p = load_params("params.yaml")
documents, blocks = _seed_inputs()

def run(engine):
    ingested = run_ingest(engine, p)
    scored = run_sentences(engine, documents, blocks, p)
    tables = [_bytes(ingested.documents, schemas.DOCUMENTS), _bytes(scored, schemas.CLAIM_SCORES),
              _bytes(run_embed(engine, scored, p), schemas.EMBEDDINGS)]
    stance = run_stance(engine, scored, documents, p)
    return {"tables": [hashlib.sha256(b).hexdigest() for b in tables],
            "stance_bytes": hashlib.sha256(_bytes(stance, schemas.STANCES)).hexdigest(),
            "sentence_id": stance["sentence_id"].tolist(), "stance": stance["stance"].tolist(),
            "score": [float(x) for x in stance["stance_score"]]}

with threadpool_limits(limits=1):
    local = run(Engine(store=Store(tmp / "local" / "c.sqlite")))
engine = Engine(kind="dask", store=Store(tmp / "dask" / "c.sqlite"), workdir=tmp / "parts",
                n_workers=2, partitions=3)
try:
    distributed = run(engine)
    computed = engine.stats["sentences"]["computed"]
finally:
    engine.close()
print(json.dumps({"local": local, "dask": distributed, "computed": computed, "documents": len(documents)}))
"""


@pytest.mark.slow
def test_dask_engine_matches_local(tmp_path):
    """A 2-worker LocalCluster gives the local engine's bytes for sentences, embed and stance."""
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "ARGMAP_CACHE_DIR": str(tmp_path / "dask")}
    done = subprocess.run([sys.executable, "-c", _COMPARE, str(tmp_path), str(ROOT / "tests")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    local, distributed = result["local"], result["dask"]
    assert result["computed"] == result["documents"]
    assert distributed["tables"] == local["tables"]
    # Stance: tagged unit by unit, so a Dask partition gives the local run's exact figures.
    assert distributed["sentence_id"] == local["sentence_id"]
    assert distributed["stance"] == local["stance"]
    assert distributed["score"] == local["score"]
    assert distributed["stance_bytes"] == local["stance_bytes"]
    assert any((tmp_path / "parts" / "sentences").glob("part-*/documents.parquet"))
