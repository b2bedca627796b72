"""One base class for the errors a user can fix; the CLI turns exactly those into one line."""

from __future__ import annotations

import pytest
import typer

from pipeline.cli.common import user_errors
from pipeline.errors import AnnotationError, ArgmapError, CorpusError
from pipeline.io import InputError
from pipeline.models import ModelMissingError
from pipeline.params import ParamsError
from pipeline.results.query import QueryError
from pipeline.schemas import SchemaError

USER_ERRORS = [ParamsError, InputError, ModelMissingError, SchemaError, CorpusError, AnnotationError, QueryError]


@pytest.mark.parametrize("error", USER_ERRORS, ids=lambda e: e.__name__)
def test_user_errors_share_the_base_and_keep_their_builtin_base(error):
    assert issubclass(error, ArgmapError)
    assert issubclass(error, (ValueError, RuntimeError))  # callers that catch those still do


@pytest.mark.parametrize("error", USER_ERRORS, ids=lambda e: e.__name__)
def test_a_user_error_is_one_line_and_exit_1(error, capsys):
    @user_errors
    def command():
        raise error("params.yaml: cluster.min_cluster_size: must be at least 2")

    with pytest.raises(typer.Exit) as exit_info:
        command()
    assert exit_info.value.exit_code == 1
    assert capsys.readouterr().err == "argmap: error: params.yaml: cluster.min_cluster_size: must be at least 2\n"


def test_a_bug_is_not_a_user_error():
    @user_errors
    def command():
        raise KeyError("sentence_id")

    with pytest.raises(KeyError):
        command()
