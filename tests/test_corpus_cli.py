"""`argmap corpus add|validate|list` on temporary corpora and params files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pipeline.cli.corpus import add_to_params, corpus_app

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "corpora"
runner = CliRunner()


@pytest.fixture
def project(tmp_path):
    """A project folder: params.yaml (the real one, comments included) and an empty corpora/."""
    shutil.copy(ROOT / "params.yaml", tmp_path / "params.yaml")
    (tmp_path / "corpora").mkdir()
    return tmp_path


def run(project: Path, *args: str):
    return runner.invoke(corpus_app, [*args, "--params", str(project / "params.yaml")])


def test_every_option_has_help():
    for command in ("add", "validate", "list"):
        result = runner.invoke(corpus_app, [command, "--help"])
        assert result.exit_code == 0
    import click
    import typer.main

    group = typer.main.get_command(corpus_app)
    for cmd in group.commands.values():
        for p in cmd.params:
            if isinstance(p, click.Option) and p.name != "help":
                assert p.help, f"{cmd.name} --{p.name} has no help"


def test_add_copies_writes_yaml_and_lists_in_params(project):
    src = FIXTURES / "jsonl-sample"
    before = (project / "params.yaml").read_text(encoding="utf-8")
    result = run(project, "add", str(src / "posts.jsonl"), "--name", "team-export",
                 "--corpora-dir", str(project / "corpora"), "--license", "CC0-1.0")
    assert result.exit_code == 0, result.output
    meta = yaml.safe_load((project / "corpora" / "team-export" / "corpus.yaml").read_text())
    assert meta["format"] == "jsonl" and meta["name"] == "team-export"
    assert (project / "corpora" / "team-export" / "posts.jsonl").is_file()
    after = (project / "params.yaml").read_text(encoding="utf-8")
    listed = yaml.safe_load(before)["ingest"]["corpora"]
    assert yaml.safe_load(after)["ingest"]["corpora"] == [*listed, "team-export"]
    # Only one line was added: every comment and every other line is kept.
    assert [ln for ln in after.splitlines() if ln not in before.splitlines()] == ["    - team-export"]
    assert "2 article(s), 3 comment(s), 0 reject(s)" in result.output


def test_add_refuses_an_unknown_format_and_an_existing_name(project):
    result = run(project, "add", str(FIXTURES / "html-sample"), "--name", "x", "--format", "pdf",
                 "--corpora-dir", str(project / "corpora"))
    assert result.exit_code == 1 and "allowed: text, jsonl, html, wxr, disqus, reddit, hn, csv" in result.output
    (project / "corpora" / "taken").mkdir()
    result = run(project, "add", str(FIXTURES / "html-sample"), "--name", "taken",
                 "--corpora-dir", str(project / "corpora"))
    assert result.exit_code == 1 and "already exists" in result.output


def test_add_to_params_handles_a_flow_list(tmp_path):
    p = tmp_path / "params.yaml"
    p.write_text("# top\ningest:\n  corpora_dir: corpora\n  corpora: [a]  # listed\n  max_file_bytes: 10\n")
    assert add_to_params(p, "b") is True
    assert yaml.safe_load(p.read_text())["ingest"]["corpora"] == ["a", "b"]
    assert "# listed" in p.read_text() and add_to_params(p, "b") is False


def test_validate_reports_rejects_and_fails_on_unusable(project):
    corpora = project / "corpora"
    shutil.copytree(FIXTURES / "html-sample", corpora / "html-sample")
    ok = run(project, "validate", "html-sample", "--corpora-dir", str(corpora))
    assert ok.exit_code == 0, ok.output
    bad = corpora / "bad"
    bad.mkdir()
    (bad / "corpus.yaml").write_text((FIXTURES / "jsonl-sample" / "corpus.yaml").read_text().replace(
        "jsonl-sample", "bad"))
    (bad / "x.jsonl").write_text('{"id": 1}\n{broken\n')
    result = run(project, "validate", "bad", "--corpora-dir", str(corpora))
    assert result.exit_code == 1
    assert "reject x.jsonl: line 1: missing required field 'text'" in result.output
    assert "reject x.jsonl: line 2: malformed JSON" in result.output
    missing = run(project, "validate", "nope", "--corpora-dir", str(corpora))
    assert missing.exit_code == 1 and "corpus folder not found" in missing.output


def test_list_counts_from_outputs(project, tmp_path):
    import pandas as pd

    corpora = project / "corpora"
    shutil.copytree(FIXTURES / "jsonl-sample", corpora / "jsonl-sample")
    out = project / "outputs"
    out.mkdir()
    pd.DataFrame({"corpus": ["jsonl-sample"] * 3, "kind": ["article", "comment", "comment"]}).to_parquet(
        out / "documents.parquet")
    pd.DataFrame({"corpus": ["jsonl-sample"] * 7}).to_parquet(out / "sentences.parquet")
    result = run(project, "list", "--corpora-dir", str(corpora), "--outputs", str(out))
    assert result.exit_code == 0, result.output
    row = next(ln for ln in result.output.splitlines() if ln.startswith("jsonl-sample"))
    assert row.split() == ["jsonl-sample", "jsonl", "1", "2", "7", "outputs"]


@pytest.mark.slow
def test_list_reads_when_there_are_no_outputs(project):
    corpora = project / "corpora"
    shutil.copytree(FIXTURES / "jsonl-sample", corpora / "jsonl-sample")
    result = run(project, "list", "--corpora-dir", str(corpora), "--outputs", str(project / "none"))
    assert result.exit_code == 0, result.output
    row = next(ln for ln in result.output.splitlines() if ln.startswith("jsonl-sample")).split()
    assert row[:4] == ["jsonl-sample", "jsonl", "2", "3"] and int(row[4]) > 5 and row[5:] == ["read", "now"]
