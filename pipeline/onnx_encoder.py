"""The sentence encoder as an ONNX graph run by onnxruntime: exported once per model, kept by its hash.

`embed.backend: onnx` encodes with the same fine-tuned encoder (models/encoder) exported to ONNX
in float32: the same vectors as torch to within float rounding, and faster (no torch in the
workers, onnxruntime's kernels). `onnx-int8` also quantizes the weights to int8
(onnxruntime.quantization's dynamic quantization): faster still on an idle core, but its
vectors move enough to cost ArgKP key-point ARI (docs/EXPERIMENTS.md), so it is opt-in.
The export is built on first use from the sentence-transformers
folder into the cache (`$ARGMAP_CACHE_DIR/onnx/<key>/`), keyed by a hash of the folder's bytes
and of the export recipe and tool versions, so a retrained encoder gets a new export and the
same weights always give the same file (the export and the quantization are deterministic:
tests/test_onnx_encoder.py builds it twice and compares the bytes).

What sentence-transformers computes is rebuilt around the graph, as the model's modules.json
says: the model's own `tokenizer.json` (the fast tokenizer sentence-transformers wraps),
truncated at its max_seq_length; the transformer's `last_hidden_state`; mean pooling over the
tokens; L2 normalisation. A model whose modules are anything else is refused.

Dynamic quantization scales each activation by its range over the whole input tensor, so an
int8 vector would depend on the texts in its batch. Each text therefore runs alone (a [1, n]
input, no padding): its vector depends only on its text, as the cache (pipeline/cache.py)
requires. The float32 graph has no such coupling: it runs texts of one token count together, and
a row's bytes are the same alone or in any batch (tests/test_onnx_encoder.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.errors import ArgmapError
from pipeline.runtime.folders import cache_dir, folder_digest

logger = logging.getLogger(__name__)

BACKENDS = ("torch", "onnx", "onnx-int8")
ONNX_FILES = {"onnx": "model.fp32.onnx", "onnx-int8": "model.int8.onnx"}
OPSET = 17
# The export recipes: part of the export's cache key, so changing one builds a new file.
# int8: per-channel int8 weights on every MatMul and the word-embedding Gather, activations quantized
# per pass (uint8); the feed-forward output projections stay float32: quantizing them moved the
# vectors most (mean cosine to torch 0.9964 with them, 0.9981 without, on 723 ArgKP test arguments).
RECIPES = {"onnx": "v1:last_hidden_state,opset17,fp32",
           "onnx-int8": "v1:last_hidden_state,opset17,dynamic-int8,per_channel,keep-ffn-output-fp32"}


class OnnxEncoderError(ArgmapError, RuntimeError):
    """The encoder cannot be exported or run with onnxruntime; the message says why."""


def onnx_root() -> Path:
    """The exports' folder: onnx/ under the embedding cache's folder."""
    return cache_dir() / "onnx"


def _version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "none"


def _versions() -> list[str]:
    return [f"{name}={_version(name)}" for name in ("torch", "transformers", "onnx", "onnxruntime")]


def check_modules(model_dir: Path) -> None:
    """Refuse a sentence-transformers folder whose modules are not transformer, mean pooling and
    normalisation: the ONNX path computes exactly that."""
    modules_file = model_dir / "modules.json"
    try:
        modules = json.loads(modules_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OnnxEncoderError(f"{modules_file}: not a sentence-transformers folder ({exc})") from None
    kinds = [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules]
    if kinds != ["Transformer", "Pooling", "Normalize"]:
        why = ("no Normalize module; the pipeline needs unit vectors" if kinds == ["Transformer", "Pooling"]
               else f"modules {kinds}; embed.backend onnx needs Transformer, Pooling (mean) and Normalize")
        raise OnnxEncoderError(f"{modules_file}: {why}: set embed.backend: torch")
    pooling_dir = model_dir / modules[1].get("path", "")
    pooling = json.loads((pooling_dir / "config.json").read_text(encoding="utf-8"))
    mode = pooling.get("pooling_mode") or ("mean" if pooling.get("pooling_mode_mean_tokens") else None)
    if mode != "mean":
        raise OnnxEncoderError(f"{pooling_dir / 'config.json'}: pooling {mode!r}; embed.backend onnx "
                               "computes mean pooling only: set embed.backend: torch")


def export_key(model_dir: str | Path, backend: str = "onnx") -> str:
    """Hash of the source weights' folder, the recipe and the versions of the tools that export."""
    folder = Path(model_dir).resolve()
    parts = [folder_digest(folder), RECIPES[backend], *_versions()]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


def ensure_onnx(model_dir: str | Path, root: str | Path | None = None, backend: str = "onnx") -> Path:
    """The ONNX file of a sentence-transformers folder (float32 for `onnx`, int8 for `onnx-int8`),
    exported into the cache if missing.

    Concurrent callers (worker processes) wait on a lock; the folder appears whole (renamed into
    place) or not at all.
    """
    model_dir = Path(model_dir)
    check_modules(model_dir)
    root = Path(root) if root is not None else onnx_root()
    name = ONNX_FILES[backend]
    target = root / export_key(model_dir, backend)
    if (target / name).is_file():
        return target / name
    root.mkdir(parents=True, exist_ok=True)
    with _lock(root / f"{target.name}.lock"):
        if not (target / name).is_file():
            logger.info("exporting %s to ONNX (%s, once per model) into %s", model_dir, backend, target)
            staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=root))
            try:
                export_onnx(model_dir, staging / name, quantize=backend == "onnx-int8")
                (staging / "export.json").write_text(json.dumps(
                    {"source": str(model_dir), "recipe": RECIPES[backend], "versions": _versions()},
                    indent=2, sort_keys=True) + "\n", encoding="utf-8")
                if target.exists():
                    shutil.rmtree(target)
                os.replace(staging, target)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    return target / name


@contextlib.contextmanager
def _lock(path: Path):
    import fcntl

    with open(path, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def export_onnx(model_dir: Path, out: Path, quantize: bool = True) -> None:
    """torch.onnx export of the transformer (float32), then (`quantize`) onnxruntime's dynamic int8
    quantization."""
    try:
        import onnx
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic
        from transformers import AutoModel
        from transformers.utils import logging as hf_logging
    except ImportError as exc:
        raise OnnxEncoderError(f"embed.backend onnx needs onnx and onnxruntime: pip install onnx onnxruntime "
                               f"({exc})") from None
    hf_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(str(model_dir), dtype=torch.float32).eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    ids = torch.tensor([[101, 2023, 2003, 1037, 6251, 102]])
    fp32 = out.with_name("export.fp32.onnx")
    import warnings

    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(LastHiddenState(model), (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(fp32),
                          input_names=names, output_names=["last_hidden_state"],
                          dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]},
                          opset_version=OPSET, do_constant_folding=True, dynamo=False)
    if not quantize:
        os.replace(fp32, out)
        return
    graph = onnx.load(str(fp32), load_external_data=False).graph
    keep_fp32 = [n.name for n in graph.node
                 if n.op_type == "MatMul" and "/output/dense/" in n.name and "/attention/" not in n.name]
    quant_logger = logging.getLogger()
    level = quant_logger.level
    quant_logger.setLevel(logging.ERROR)  # the quantizer logs a pre-processing hint at WARNING
    try:
        quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8, per_channel=True,
                         nodes_to_exclude=keep_fp32)
    finally:
        quant_logger.setLevel(level)
    fp32.unlink()


class OnnxEmbedder:
    """An `Embedder` over the ONNX export: unit-length float32 vectors. int8: one text per pass;
    float32: texts of one token count together, `batch_size` at a time (no padding)."""

    def __init__(self, model: str, package: str | None, batch_size: int = 32, threads: int | None = None,
                 backend: str = "onnx"):
        from pipeline.models import resolve_model_path

        path = Path(resolve_model_path(model, package))
        self.name = model
        self.batch_size = batch_size
        self.backend = backend
        counter = _TokenCounter.for_model(path)
        if counter is None:
            raise OnnxEncoderError(f"{path}: no tokenizer.json; embed.backend onnx needs the fast tokenizer's "
                                   "file: set embed.backend: torch")
        self._tokens = counter
        self.onnx_path = ensure_onnx(path, backend=backend)
        self._session = _session(str(self.onnx_path), threads or _threads())
        self.dimension = int(self.encode(["x"]).shape[1])
        logger.info("loaded embedding model %s as ONNX (%s, %s)", model, backend, self.onnx_path)

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        return self._tokens(texts)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = [str(t) for t in texts]
        if not texts:
            return np.zeros((0, getattr(self, "dimension", 0)), dtype=np.float32)
        distinct = list(dict.fromkeys(texts))  # a padded chunk repeats its last text: compute it once
        ids = [e.ids for e in self._tokens.tokenizer.encode_batch(distinct)]
        rows: dict[str, np.ndarray] = {}
        if self.backend == "onnx-int8":
            for text, seq in zip(distinct, ids):
                rows[text] = self._pass([seq])[0]
        else:
            by_len: dict[int, list[int]] = {}
            for i, seq in enumerate(ids):
                by_len.setdefault(len(seq), []).append(i)
            for group in by_len.values():
                for start in range(0, len(group), self.batch_size):
                    part = group[start:start + self.batch_size]
                    for i, vector in zip(part, self._pass([ids[i] for i in part])):
                        rows[distinct[i]] = vector
        return np.vstack([rows[t] for t in texts]).astype(np.float32)

    def _pass(self, ids: list[list[int]]) -> np.ndarray:
        """One forward pass over texts of one token count: their unit vectors."""
        batch = np.asarray(ids, dtype=np.int64)
        hidden = self._session.run(None, {"input_ids": batch, "attention_mask": np.ones_like(batch),
                                          "token_type_ids": np.zeros_like(batch)})[0]
        vectors = hidden.astype(np.float32).mean(axis=1)  # mean pooling: every token is real (no padding)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


class _TokenCounter:
    """The model's own `tokenizer.json`, truncated at its max_seq_length, as
    pipeline.runtime.workers.TokenCounter reads it (the test compares the ids with
    sentence-transformers' tokenizer)."""

    def __init__(self, model_dir: Path):
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        try:
            config = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
            max_length = int(config["max_seq_length"])
        except (OSError, ValueError, KeyError, TypeError):
            max_length = int((self.tokenizer.truncation or {}).get("max_length") or 512)
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length)

    def __call__(self, texts: Sequence[str]) -> list[int]:
        return [len(e.ids) for e in self.tokenizer.encode_batch(list(texts))]

    @classmethod
    def for_model(cls, model_dir: Path) -> _TokenCounter | None:
        return cls(model_dir) if (model_dir / "tokenizer.json").is_file() else None


def _threads() -> int:
    """One thread in a worker process (OMP_NUM_THREADS=1 there), else every available core."""
    try:
        return max(1, int(os.environ.get("OMP_NUM_THREADS", "")))
    except ValueError:
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # not Linux
            return max(1, os.cpu_count() or 1)


@lru_cache(maxsize=4)
def _session(path: str, threads: int) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


@lru_cache(maxsize=4)
def load_onnx_embedder(model: str, package: str | None, batch_size: int = 32, backend: str = "onnx") -> OnnxEmbedder:
    return OnnxEmbedder(model, package, batch_size, backend=backend)


def file_digest(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
