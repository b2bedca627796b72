"""Imported once by the worker pool's fork server, so each worker starts with these loaded.

Importing torch, transformers and sentence-transformers takes about 9 s of CPU here; workers
forked from a server that imported them once start at once. Nothing runs a model here: a torch
that has run no operation forks safely.
"""

import sentence_transformers  # noqa: F401
import torch  # noqa: F401

from pipeline import cache, models  # noqa: F401

models.import_spacy()
