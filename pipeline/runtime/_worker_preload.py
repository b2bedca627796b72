"""Imported once by the worker pool's fork server, so each worker starts with these loaded.

Importing torch, transformers and sentence-transformers takes about 9 s of CPU here; workers
forked from a server that imported them once start at once. Nothing runs a model here: a torch
that has run no operation forks safely.
"""

from pipeline.runtime.env import apply_env_defaults

apply_env_defaults()  # the fork server imports numpy below; its workers inherit what it loaded

import sentence_transformers  # noqa: E402, F401
import torch  # noqa: E402, F401

from pipeline import models  # noqa: E402, F401
from pipeline.runtime import cache  # noqa: E402, F401

models.import_spacy()
