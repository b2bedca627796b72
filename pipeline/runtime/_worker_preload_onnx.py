"""Imported once by the worker pool's fork server when the stage embeds with onnxruntime (embed.backend onnx*).

The ONNX path needs neither torch nor sentence-transformers: the workers load onnxruntime, the
model's tokenizer and spaCy, which start in about a second instead of nine.
"""

from pipeline.runtime.env import apply_env_defaults

apply_env_defaults()  # the fork server imports numpy below; its workers inherit what it loaded

import onnxruntime  # noqa: E402, F401
import tokenizers  # noqa: E402, F401

from pipeline import models, onnx_encoder  # noqa: E402, F401
from pipeline.runtime import cache  # noqa: E402, F401

models.import_spacy()
