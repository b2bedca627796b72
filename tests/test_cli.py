"""The command line: help everywhere, one clear line and a non-zero exit for a user's mistake."""

import shutil

import pandas as pd
import pytest
import yaml
from conftest import ROOT
from typer.testing import CliRunner

from pipeline import paths
from pipeline.cli.app import app
from pipeline.io import write_table
from pipeline.schemas import CLAIM_SCORES

runner = CliRunner()
STAGES = ["ingest", "sentences", "embed", "cluster", "train_encoder", "train_claims", "train_stance", "stance",
          "relate", "argmap", "evaluate"]


@pytest.fixture
def project(tmp_path, monkeypatch):
    shutil.copy(ROOT / "params.yaml", tmp_path / "params.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _edit_params(path, section, key, value):
    raw = yaml.safe_load(path.read_text())
    raw[section][key] = value
    path.write_text(yaml.safe_dump(raw))


def test_help_lists_every_stage():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for stage in STAGES:
        assert stage in result.output


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_has_help(stage):
    result = runner.invoke(app, [stage, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output


def test_missing_input_is_one_line(project):
    result = runner.invoke(app, ["cluster"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "work/embeddings.parquet: not found" in lines[0] and "dvc repro" in lines[0]


def test_bad_params_names_the_key_and_keeps_outputs(project):
    _edit_params(project / "params.yaml", "cluster", "cluster_selection_method", "best")
    previous = project / paths.ASSIGNMENTS
    previous.parent.mkdir(parents=True)
    previous.write_bytes(b"earlier output")
    result = runner.invoke(app, ["cluster"])
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert "cluster.cluster_selection_method" in line and "'best'" in line and "'leaf'" in line
    assert previous.read_bytes() == b"earlier output"


def test_missing_model_package_is_one_line(project):
    _edit_params(project / "params.yaml", "embed", "model_package", "no-such-model-package")
    scored = pd.DataFrame([dict(sentence_id="d:s0", doc_id="d", corpus="c", source="a.txt", role="body",
                                start_char=0, end_char=5, text="Sell.", is_claim=True, claim_score=0.9,
                                content_lemmas=["sell"])])
    write_table(scored, project / paths.SENTENCES_SCORED, CLAIM_SCORES)
    result = runner.invoke(app, ["embed"])
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert line.count("\n") == 0
    assert "pip install no-such-model-package" in line
    assert not (project / paths.EMBEDDINGS).exists()


def test_encoder_not_built_yet_says_how_to_build_it(project):
    scored = pd.DataFrame([dict(sentence_id="d:s0", doc_id="d", corpus="c", source="a.txt", role="body",
                                start_char=0, end_char=5, text="Sell.", is_claim=True, claim_score=0.9,
                                content_lemmas=["sell"])])
    write_table(scored, project / paths.SENTENCES_SCORED, CLAIM_SCORES)
    result = runner.invoke(app, ["embed"])  # params.yaml names models/encoder, absent here
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert line.count("\n") == 0 and "dvc repro train_encoder" in line
    assert not (project / paths.EMBEDDINGS).exists()


def test_missing_corpus_folder_is_one_line(project):
    _edit_params(project / "params.yaml", "ingest", "corpora", ["no-such-corpus"])
    result = runner.invoke(app, ["ingest"])
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert line.count("\n") == 0 and "no-such-corpus" in line


def test_empty_corpus_is_one_line(project):
    corpus = project / "corpora" / "empty"
    corpus.mkdir(parents=True)
    (corpus / "corpus.yaml").write_text(
        "name: empty\ndescription: nothing yet\nsource: test\nlicense: CC0\nlanguage: en\nformat: text\n"
    )
    _edit_params(project / "params.yaml", "ingest", "corpora", ["empty"])
    result = runner.invoke(app, ["-q", "ingest"])
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert line.count("\n") == 0 and "no data files in corpora ['empty']" in line
    assert not (project / paths.DOCUMENTS).exists()


def test_spacy_imports_without_torch_when_torch_is_not_loaded():
    """thinc would import torch (seconds) for layers the English pipelines never use."""
    import subprocess
    import sys

    code = ("import sys; from pipeline.models import import_spacy; import_spacy(); "
            "assert 'torch' not in sys.modules; import torch; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
