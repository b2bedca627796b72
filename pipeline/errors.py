"""The user-facing errors: each carries one actionable line and makes the CLI exit non-zero.

Every error a user can cause and fix (bad params, a missing input or model, a malformed corpus,
annotation or table, a question that cannot be answered) derives from `ArgmapError`, which is
all the CLI catches. The classes live beside the code that raises them; this module imports
nothing, so any module can use it.
"""

from __future__ import annotations


class ArgmapError(Exception):
    """A mistake the user can fix; the message says what failed, where, and what to do."""


class CorpusError(ArgmapError, ValueError):
    """A corpus folder or its corpus.yaml cannot be used; the message says why and where."""


class AnnotationError(ArgmapError, ValueError):
    """An annotation file is malformed (e.g. a label not in the label set)."""
