"""The ONNX encoder (float32 and int8): refused configurations, the param, and (slow) the export's bytes and vectors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pipeline.onnx_encoder import (
    OnnxEncoderError,
    check_modules,
    ensure_onnx,
    export_key,
    file_digest,
)
from pipeline.runtime.cache import CachedEmbedder, MemoryStore, embedder_fingerprint

ROOT = Path(__file__).resolve().parents[1]

ENCODER = "models/encoder"


def _folder(tmp_path, kinds, pooling="mean"):
    modules = [{"idx": i, "name": str(i), "path": "" if i == 0 else f"{i}_{k}",
                "type": f"sentence_transformers.modules.{k}"} for i, k in enumerate(kinds)]
    (tmp_path / "modules.json").write_text(json.dumps(modules))
    for i, k in enumerate(kinds[1:], start=1):
        (tmp_path / f"{i}_{k}").mkdir()
        (tmp_path / f"{i}_{k}" / "config.json").write_text(json.dumps({"pooling_mode": pooling}))
    return tmp_path


def test_the_ships_encoder_is_what_the_onnx_path_computes():
    check_modules(__import__("pathlib").Path(ENCODER))


@pytest.mark.parametrize("kinds,pooling,hint", [
    (["Transformer", "Pooling", "Normalize"], "cls", "pooling 'cls'"),
    (["Transformer", "Pooling"], "mean", "no Normalize"),
    (["Transformer", "Pooling", "Dense", "Normalize"], "mean", "Dense"),
])
def test_other_module_stacks_are_refused_with_the_file_named(tmp_path, kinds, pooling, hint):
    folder = _folder(tmp_path, kinds, pooling)
    with pytest.raises(OnnxEncoderError, match=hint) as err:
        check_modules(folder)
    assert str(folder) in str(err.value) and "embed.backend: torch" in str(err.value)


def test_backend_param_is_checked_and_names_its_key(tmp_path):
    from pipeline.params import ParamsError, load_params

    text = (ROOT / "params.yaml").read_text(encoding="utf-8").replace("  backend: onnx ", "  backend: tf ")
    (tmp_path / "params.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ParamsError, match="embed.backend"):
        load_params(tmp_path / "params.yaml")



def test_backends_never_share_cached_vectors_and_torch_keeps_its_key():
    assert embedder_fingerprint(ENCODER, None) == embedder_fingerprint(ENCODER, None, "torch")
    keys = {embedder_fingerprint(ENCODER, None, b) for b in ("torch", "onnx", "onnx-int8")}
    assert len(keys) == 3


def test_export_key_follows_the_weights(tmp_path):
    import shutil

    copy = tmp_path / "encoder"
    shutil.copytree(ENCODER, copy)
    assert export_key(copy) == export_key(ENCODER)
    assert export_key(ENCODER, "onnx-int8") != export_key(ENCODER, "onnx")
    (copy / "config.json").write_text((copy / "config.json").read_text() + " ")
    assert export_key(copy) != export_key(ENCODER)


def _texts():
    return ["Founders should sell before they market.", "A brand is built by the product, not by ads.",
            "Überraschend: café-owners’ “marketing” – honestly — works! 🚀",
            " ".join(["Talk to customers before you advertise."] * 60)]  # truncated at max_seq_length


@pytest.mark.slow
@pytest.mark.parametrize("backend,min_cosine", [("onnx-int8", 0.99), ("onnx", 0.99999)])
def test_the_export_is_deterministic_and_matches_sentence_transformers(tmp_path, monkeypatch, backend, min_cosine):
    monkeypatch.setenv("ARGMAP_CACHE_DIR", str(tmp_path / "cache"))
    first = ensure_onnx(ENCODER, root=tmp_path / "a", backend=backend)
    second = ensure_onnx(ENCODER, root=tmp_path / "b", backend=backend)
    assert file_digest(first) == file_digest(second)

    from pipeline.models import load_embedder
    from pipeline.onnx_encoder import OnnxEmbedder

    onnx = OnnxEmbedder(ENCODER, None, 32, backend=backend)
    st = load_embedder(ENCODER, None, 32)
    texts = _texts()
    expected_ids = st._model.tokenizer(texts, truncation=True, max_length=st._model.max_seq_length)["input_ids"]
    assert [onnx._tokens.tokenizer.encode(t).ids for t in texts] == [list(ids) for ids in expected_ids]
    vectors = onnx.encode(texts)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert float(np.min(np.sum(vectors * st.encode(texts), axis=1))) > min_cosine
    # a text's vector is the same alone, in any batch, and through the cache's fixed-shape plan
    for i, text in enumerate(texts):
        assert onnx.encode([text]).tobytes() == vectors[i].tobytes()
    cached = CachedEmbedder(ENCODER, None, 32, MemoryStore(), backend=backend).encode(texts[::-1])
    assert cached[::-1].tobytes() == vectors.tobytes()
    batch = [f"Sales come first for startup number {i}." for i in range(21)]  # one token count, 21 rows
    together = onnx.encode(batch)
    assert all(onnx.encode([t]).tobytes() == together[i].tobytes() for i, t in enumerate(batch))


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["onnx", "onnx-int8"])
def test_onnx_worker_vectors_equal_in_process_ones(tmp_path, monkeypatch, backend):
    from pipeline.runtime.workers import MIN_PARALLEL_TEXTS, WorkerPool

    monkeypatch.setenv("ARGMAP_CACHE_DIR", str(tmp_path / "cache"))
    words = ["sales", "brand", "price", "market", "story", "team", "money", "plan", "product", "growth"]
    texts = [f"The {words[i % 10]} matters{' a great deal' * (i % 5)} for startup number {i}."
             for i in range(MIN_PARALLEL_TEXTS + 20)]
    in_process = CachedEmbedder(ENCODER, None, 32, MemoryStore(), backend=backend).encode(texts)
    with WorkerPool(2) as pool:
        from_workers = CachedEmbedder(ENCODER, None, 32, MemoryStore(), pool=pool, backend=backend).encode(texts)
    assert from_workers.tobytes() == in_process.tobytes()
