"""Embed the claims with the sentence-transformers model named in params."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from pipeline.models import Embedder

logger = logging.getLogger(__name__)


def analysis_text(sentences: pd.DataFrame) -> pd.Series:
    """The text models read: unicode-cleaned where the splitter provides it, else raw."""
    if "norm_text" in sentences.columns:
        return sentences["norm_text"].fillna(sentences["text"])
    return sentences["text"]


def embed_claims(sentences: pd.DataFrame, *, embedder: Embedder) -> pd.DataFrame:
    """One unit-length vector per claim, in sentence order."""
    claims = sentences[sentences["is_claim"]].sort_values("sentence_id", kind="stable")
    vectors = embedder.encode(analysis_text(claims).tolist())
    logger.info("embedded %d claims (%d dims)", len(claims), vectors.shape[1] if len(claims) else 0)
    return pd.DataFrame(
        {"sentence_id": claims["sentence_id"].to_numpy(), "embedding": list(vectors.astype(np.float32))}
    )


def embedding_matrix(embeddings: pd.DataFrame) -> np.ndarray:
    """Stack the `embedding` column into an (n, d) float32 matrix."""
    if not len(embeddings):
        return np.zeros((0, 0), dtype=np.float32)
    return np.vstack(embeddings["embedding"].to_numpy()).astype(np.float32)
