"""The user-facing errors: each carries one actionable line and makes the CLI exit non-zero."""

from __future__ import annotations

from pipeline.io import InputError
from pipeline.models import ModelMissingError
from pipeline.params import ParamsError
from pipeline.schemas import SchemaError


class CorpusError(ValueError):
    """A corpus folder or its corpus.yaml cannot be used; the message says why and where."""


class AnnotationError(ValueError):
    """An annotation file is malformed (e.g. a label not in the label set)."""


USER_ERRORS: tuple[type[BaseException], ...] = (
    ParamsError,
    InputError,
    ModelMissingError,
    SchemaError,
    CorpusError,
    AnnotationError,
)
