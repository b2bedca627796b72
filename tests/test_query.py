"""The query commands through Typer's runner: answers, formats, and one clear line for bad input."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
import typer
from conftest import ROOT, HashingEmbedder
from report_fixtures import write_outputs
from typer.testing import CliRunner

from pipeline.cli.app import app
from pipeline.results.query import QueryError, check_read_only

runner = CliRunner()
COMMANDS = ["search", "positions", "keypoints", "keypoint", "sql", "describe", "report"]


@pytest.fixture
def project(tmp_path, monkeypatch):
    shutil.copy(ROOT / "params.yaml", tmp_path / "params.yaml")
    monkeypatch.chdir(tmp_path)
    write_outputs(tmp_path, HashingEmbedder())
    monkeypatch.setattr("pipeline.cli.query._embedder", lambda p: HashingEmbedder())
    return tmp_path


def run(*args):
    return runner.invoke(app, ["-q", *args])


def one_error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("argmap: error: ")
    return lines[0]


# ------------------------------------------------------------------------------- help


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_and_argument_has_help(command):
    group = typer.main.get_command(app)
    cmd = group.commands[command]
    assert cmd.help
    for param in cmd.params:
        assert getattr(param, "help", None), f"{command}: {param.name} has no help"
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output


# ------------------------------------------------------------------------------- positions / key points


def test_positions_table_json_csv(project):
    table = run("positions")
    assert table.exit_code == 0
    for label in ("pro-sales", "pro-marketing", "pro-strategy", "neutral"):
        assert label in table.stdout
    rows = json.loads(run("positions", "--json").stdout)
    assert [r["stance"] for r in rows] == ["pro-sales", "pro-marketing", "pro-strategy", "neutral"]
    assert abs(sum(r["share_of_claims"] for r in rows) - 1) < 1e-4
    assert rows[0]["strongest_claim"] == "Startups should sell before they market anything."
    parsed = list(csv.DictReader(io.StringIO(run("positions", "--csv").stdout)))
    assert [r["stance"] for r in parsed] == [r["stance"] for r in rows]
    assert parsed[0]["claims"] == "3"


def test_json_and_csv_together_is_an_error(project):
    result = run("positions", "--json", "--csv")
    assert result.exit_code == 1
    assert "choose one of --json and --csv" in one_error_line(result)


def test_keypoints_by_stance(project):
    rows = json.loads(run("keypoints", "--json").stdout)
    assert [r["id"] for r in rows] == ["kp-0", "kp-1", "kp-2"]
    only = json.loads(run("keypoints", "--stance", "pro-marketing", "--json").stdout)
    assert [(r["id"], r["stance"], r["size"]) for r in only] == [("kp-1", "pro-marketing", 2)]
    # how many voice it, and the claim its label comes from, whole
    assert {"documents", "people", "label", "representative_claim"} <= set(only[0])
    assert only[0]["label"] in only[0]["representative_claim"]
    table = run("keypoints").stdout
    assert "argmap keypoint <id>" in " ".join(table.split())


def test_unknown_stance_lists_the_labels(project):
    for args in (["keypoints", "--stance", "pro-sale"], ["search", "sales", "--stance", "pro-sale"]):
        result = run(*args)
        assert result.exit_code == 1
        line = one_error_line(result)
        assert "unknown stance 'pro-sale'" in line
        assert "allowed: pro-sales, pro-marketing, pro-strategy, neutral" in line


def test_empty_key_point_list_says_so_and_exits_0(project):
    result = run("keypoints", "--stance", "neutral")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no key points for neutral" in result.stderr
    as_json = run("keypoints", "--stance", "neutral", "--json")
    assert as_json.exit_code == 0 and json.loads(as_json.stdout) == []


def test_one_key_point_by_id_or_number(project):
    detail = json.loads(run("keypoint", "kp-2", "--json").stdout)
    assert detail["key_point"]["label"] == "Market research done right finds unmet needs."
    assert detail["key_point"]["stance"] == "pro-strategy"
    assert len(detail["claims"]) == 3
    strengths = [c["strength_score"] for c in detail["claims"]]
    assert strengths == sorted(strengths, reverse=True)
    assert json.loads(run("keypoint", "2", "--json").stdout) == detail
    table = run("keypoint", "kp-2")
    assert table.exit_code == 0 and "research, need" in table.stdout
    members = list(csv.DictReader(io.StringIO(run("keypoint", "kp-2", "--csv").stdout)))
    assert len(members) == 3 and "start_char" in members[0]


def test_unknown_key_point(project):
    result = run("keypoint", "kp-99")
    assert result.exit_code == 1
    line = one_error_line(result)
    assert "no key point 'kp-99'" in line and "kp-0" in line


def test_missing_outputs_is_one_line(tmp_path, monkeypatch):
    shutil.copy(ROOT / "params.yaml", tmp_path / "params.yaml")
    monkeypatch.chdir(tmp_path)
    result = run("positions")
    assert result.exit_code == 1
    line = one_error_line(result)
    assert "outputs/argmap.json: not found" in line and "dvc repro" in line


# ------------------------------------------------------------------------------- search


def test_search_finds_the_claim_with_its_provenance(project):
    result = run("search", "a brand story makes every sales call easier", "--json", "--top", "3")
    assert result.exit_code == 0
    hits = json.loads(result.stdout)
    assert len(hits) == 3
    best = hits[0]
    assert best["text"] == "A brand story makes every sales call easier."
    assert best["stance"] == "pro-marketing" and best["key_point"] == "kp-1"
    assert best["author"] == "Bo" and best["source"] == "blogs/a.txt"
    assert best["similarity"] >= hits[1]["similarity"]
    # offsets point at the claim inside the source text
    import pandas as pd

    docs = pd.read_parquet(project / "outputs" / "documents.parquet").set_index("doc_id")
    doc = docs.loc[best["doc_id"]]
    local = slice(best["start_char"] - doc["start_char"], best["end_char"] - doc["start_char"])
    assert doc["text"][local] == best["text"]


def test_search_filters_and_table(project):
    hits = json.loads(run("search", "customers", "--stance", "pro-sales", "--json").stdout)
    assert hits and {h["stance"] for h in hits} == {"pro-sales"}
    hits = json.loads(run("search", "customers", "--corpus", "notes", "--json").stdout)
    assert hits and {h["source"] for h in hits} == {"notes/b.txt"}
    table = run("search", "customers", "--top", "2")
    assert table.exit_code == 0 and "Claims nearest" in table.stdout


def test_search_empty_result_exits_0(project):
    result = run("search", "anything", "--stance", "neutral", "--corpus", "blogs")
    assert result.exit_code == 0
    assert "no claim matches these filters" in result.stderr


def test_search_unknown_corpus_and_blank_text(project):
    result = run("search", "sales", "--corpus", "nope")
    assert result.exit_code == 1
    assert "unknown corpus 'nope'; corpora with claims: blogs, notes" in one_error_line(result)
    blank = run("search", "  ")
    assert blank.exit_code == 1 and "nothing to search for" in one_error_line(blank)


def test_search_shows_progress_unless_quiet(project):
    loud = runner.invoke(app, ["search", "sales", "--json"])
    quiet = runner.invoke(app, ["-q", "search", "sales", "--json"])
    assert loud.exit_code == quiet.exit_code == 0
    assert json.loads(loud.stdout) == json.loads(quiet.stdout)
    assert quiet.stderr == ""


# ------------------------------------------------------------------------------- sql


def test_sql_over_named_views(project):
    rows = json.loads(run("sql", "SELECT stance, count(*) AS n FROM claims GROUP BY 1 ORDER BY 1", "--json").stdout)
    assert rows == [{"stance": "neutral", "n": 1}, {"stance": "pro-marketing", "n": 3},
                    {"stance": "pro-sales", "n": 3}, {"stance": "pro-strategy", "n": 2}]
    joined = json.loads(run("sql", "WITH c AS (SELECT * FROM claims) SELECT d.author, count(*) AS n FROM c "
                                   "JOIN documents d USING (doc_id) GROUP BY 1 ORDER BY 2 DESC, 1", "--json").stdout)
    assert joined[0] == {"author": "Ann", "n": 3}
    people = json.loads(run("sql", "SELECT s.speaker, s.named, count(*) AS n FROM claims "
                                   "JOIN speakers s USING (doc_id) GROUP BY ALL ORDER BY n DESC, 1", "--json").stdout)
    assert people[0] == {"speaker": "Ann", "named": True, "n": 3}
    assert sum(r["n"] for r in people) == 9
    for view in ("documents", "sentences", "claims", "clusters", "edges"):
        result = run("sql", f"SELECT count(*) AS n FROM {view}", "--json")
        assert result.exit_code == 0 and json.loads(result.stdout)[0]["n"] > 0
    described = run("sql", "DESCRIBE edges")
    assert described.exit_code == 0 and "relation" in described.stdout
    assert "edges" in run("sql", "SHOW TABLES").stdout


@pytest.mark.parametrize(
    "statement",
    [
        "DROP VIEW claims",
        "CREATE TABLE x AS SELECT 1",
        "INSERT INTO edges VALUES ('a', 'b', 'claim', 'support', 1.0, 'x')",
        "UPDATE documents SET author = 'x'",
        "DELETE FROM documents",
        "COPY documents TO 'leak.csv'",
        "COPY (SELECT * FROM documents) TO 'leak.parquet' (FORMAT parquet)",
        "ATTACH 'other.db'",
        "INSTALL httpfs",
        "SET enable_external_access = true",
        "SELECT 1; DROP VIEW claims",
    ],
)
def test_write_sql_is_refused(project, statement):
    result = run("sql", statement)
    assert result.exit_code == 1
    line = one_error_line(result)
    assert "refused" in line and "read-only" in line
    assert not (project / "leak.csv").exists() and not (project / "leak.parquet").exists()
    assert not (project / "other.db").exists()


def test_sql_cannot_read_other_files(project):
    (project / "secret.csv").write_text("a\n1\n")
    result = run("sql", "SELECT * FROM read_csv('secret.csv')")
    assert result.exit_code == 1
    assert "SQL failed" in one_error_line(result)


def test_malformed_sql_is_one_line(project):
    result = run("sql", "SELEC stance FROM claims")
    assert result.exit_code == 1
    assert "SQL does not parse" in one_error_line(result)
    missing = run("sql", "SELECT * FROM nope")
    assert missing.exit_code == 1
    assert "SQL failed" in one_error_line(missing)


def test_sql_empty_result_exits_0(project):
    result = run("sql", "SELECT * FROM claims WHERE stance = 'nobody'")
    assert result.exit_code == 0
    assert "the query returned no rows" in result.stderr
    assert json.loads(run("sql", "SELECT * FROM claims WHERE false", "--json").stdout) == []


def test_check_read_only_accepts_reads():
    for ok in ("SELECT 1", "WITH a AS (SELECT 1) SELECT * FROM a", "DESCRIBE claims", "SHOW TABLES",
               "SUMMARIZE claims", "EXPLAIN SELECT 1", "FROM claims"):
        check_read_only(ok)
    with pytest.raises(QueryError):
        check_read_only("")


# ------------------------------------------------------------------------------- describe


def test_describe_comes_from_the_schemas():
    from pipeline import schemas

    rows = json.loads(run("describe", "--json").stdout)
    tables = {r["table"] for r in rows}
    assert tables == {"documents", "sentences", "claims", "clusters", "edges", "speakers"}
    edges = [r for r in rows if r["table"] == "edges"]
    assert [r["column"] for r in edges] == schemas.EDGES.names
    assert edges[0]["meaning"] == schemas.EDGES.columns[0].doc
    table = run("describe", "documents")
    assert table.exit_code == 0 and "parent_doc_id" in table.stdout and "One row per article" in table.stdout


def test_describe_unknown_table():
    result = run("describe", "nope")
    assert result.exit_code == 1
    assert "unknown table 'nope'; tables: documents, sentences, claims, clusters, edges" in one_error_line(result)


# ------------------------------------------------------------------------------- report stage


def test_report_stage_writes_a_stable_page(project):
    assert run("report").exit_code == 0
    first = (project / "outputs" / "report.html").read_bytes()
    assert run("report").exit_code == 0
    assert (project / "outputs" / "report.html").read_bytes() == first
    assert b"Argument map: blogs, notes" in first


def test_report_without_the_map_is_one_line(tmp_path, monkeypatch):
    shutil.copy(ROOT / "params.yaml", tmp_path / "params.yaml")
    monkeypatch.chdir(tmp_path)
    result = run("report")
    assert result.exit_code == 1
    assert "outputs/argmap.json: not found" in one_error_line(result)


def test_argument_help_is_shown():
    result = runner.invoke(app, ["search", "--help"])
    assert "What to look for" in result.output and "--stance" in result.output
