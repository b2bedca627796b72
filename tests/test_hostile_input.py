"""Hostile input (issue 21): each attack that once got through, reproduced, and what must happen now.

Corpus files, corpus.yaml, params.yaml and SQL typed at `argmap sql` are untrusted. Every test is
named for the attack it replays; links and FIFOs are made at run time, never committed.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from corpus_helpers import GOOD, HOSTILE_CORPORA, LIMIT, YAML, ingest_one, make_corpus, make_hostile
from typer.testing import CliRunner

from pipeline.errors import CorpusError
from pipeline.ingest import ingest_corpora, read_corpus
from pipeline.params import ParamsError, load_params, parse_params

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

THIRD = "Third Title\n\nStrategy comes before both: know the customer first.\n"
OTHER = "Another Title\n\nMarketing builds the demand that sales turns into revenue.\n"


def reasons(result) -> dict[str, str]:
    return {r["source"]: r["reason"] for r in result.rejects}


def ignored(result) -> dict[str, str]:
    return {e["path"]: e["rule"] for e in result.stats.get("ignored_entries", [])}


def all_text(result) -> str:
    return "\n".join(result.documents["text"]) + "\n".join(result.blocks["text"])


# --- 1. links are never followed --------------------------------------------------------------

def test_symlink_to_etc_passwd_is_rejected_not_read(tmp_path):
    folder = make_corpus(tmp_path, "c", {"a.txt": GOOD})
    os.symlink("/etc/passwd", folder / "passwd.txt")
    os.symlink("/proc/self/status", folder / "status.txt")
    result = ingest_one(tmp_path, "c")
    assert "root:" not in all_text(result) and "VmRSS" not in all_text(result)
    got = reasons(result)
    assert got["passwd.txt"].startswith("symbolic link") and "/etc/passwd" in got["passwd.txt"]
    assert got["status.txt"].startswith("symbolic link")
    assert result.documents["source"].tolist() == ["a.txt"]


def test_symlinked_corpus_yaml_and_corpus_folder_are_refused(tmp_path):
    real = make_corpus(tmp_path, "real", {"a.txt": GOOD})
    os.symlink(real, tmp_path / "linked")
    with pytest.raises(CorpusError, match="symbolic link"):
        read_corpus(tmp_path, "linked", LIMIT)
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, encoding="utf-8")
    os.symlink(real / "corpus.yaml", folder / "corpus.yaml")
    with pytest.raises(CorpusError, match="symbolic link"):
        read_corpus(tmp_path, "c", LIMIT)
    (folder / "corpus.yaml").unlink()
    os.mkfifo(folder / "corpus.yaml")  # never opened, so never waited on
    with pytest.raises(CorpusError, match=r"not a regular file \(a FIFO\)"):
        read_corpus(tmp_path, "c", LIMIT)


def test_corpus_add_does_not_copy_a_link_target(tmp_path):
    from pipeline.cli.corpus import corpus_app

    shutil.copy(ROOT / "params.yaml", tmp_path / "params.yaml")
    src = tmp_path / "incoming"
    src.mkdir()
    (src / "a.txt").write_text(GOOD, encoding="utf-8")
    os.symlink("/etc/passwd", src / "passwd.txt")
    result = runner.invoke(corpus_app, ["add", str(src), "--name", "new", "--corpora-dir", str(tmp_path / "corpora"),
                                        "--params", str(tmp_path / "params.yaml"), "--no-params"])
    assert result.exit_code == 0, result.output
    copied = sorted(p.name for p in (tmp_path / "corpora" / "new").iterdir())
    assert copied == ["a.txt", "corpus.yaml"]
    assert "not copied passwd.txt: symbolic link" in result.output
    link = tmp_path / "one-link.txt"
    os.symlink("/etc/passwd", link)
    refused = runner.invoke(corpus_app, ["add", str(link), "--name", "other", "--corpora-dir",
                                         str(tmp_path / "corpora"), "--params", str(tmp_path / "params.yaml"),
                                         "--no-params", "--format", "text"])
    assert refused.exit_code == 1 and "symbolic link" in refused.output
    assert not (tmp_path / "corpora" / "other").exists()


# --- 2. a JSONL line nested 100k brackets deep ------------------------------------------------

def test_jsonl_line_nested_100k_brackets_deep_is_a_reject_not_a_crash(tmp_path):
    lines = [json.dumps({"id": "a", "text": "Sell first."}), "[" * 100_000 + "]" * 100_000,
             '{"id": "b", "text": ' + "[" * 100_000]
    make_corpus(tmp_path, "j", {"x.jsonl": "\n".join(lines)}, fmt="jsonl")
    make_corpus(tmp_path, "t", {"a.txt": GOOD})
    result = ingest_corpora([read_corpus(tmp_path, "j", LIMIT), read_corpus(tmp_path, "t", LIMIT)])
    assert sorted(result.documents["corpus"]) == ["j", "t"]  # neither corpus is lost
    lines_rejected = {r["line"]: r["reason"] for r in result.rejects}
    assert set(lines_rejected) == {2, 3}
    assert all(reason.startswith(f"line {n}: nested too deeply") for n, reason in lines_rejected.items())


def test_jsonl_integer_with_5000_digits_is_a_reject_not_a_crash(tmp_path):
    lines = [json.dumps({"id": "a", "text": "Sell first."}), '{"id": "b", "text": "x", "n": ' + "1" * 5000 + "}"]
    make_corpus(tmp_path, "j", {"x.jsonl": "\n".join(lines)}, fmt="jsonl")
    result = ingest_one(tmp_path, "j")
    assert len(result.documents) == 1
    assert [r["line"] for r in result.rejects] == [2]


# --- 3. a paragraph over spaCy's 1,000,000 characters -----------------------------------------

def test_text_paragraph_over_a_million_characters_is_rejected_at_ingest(tmp_path):
    paragraph = ("Startups should sell before they market. " * 25_000)[:1_000_001]
    make_corpus(tmp_path, "c", {"a.txt": GOOD, "long.txt": "Long Title\n\n" + paragraph + "\n"})
    result = ingest_one(tmp_path, "c")
    assert result.documents["source"].tolist() == ["a.txt"]
    assert "paragraph" in reasons(result)["long.txt"] and "1000001 characters" in reasons(result)["long.txt"]
    assert int((result.blocks["end_char"] - result.blocks["start_char"]).max()) < 1_000_000


def test_jsonl_paragraph_over_the_limit_rejects_its_line_only(tmp_path):
    from pipeline.readers.limits import MAX_PARAGRAPH_CHARS

    long_text = "Sell first. " * (MAX_PARAGRAPH_CHARS // 12 + 10)
    lines = [json.dumps({"id": "a", "text": "Sell first."}), json.dumps({"id": "b", "text": long_text})]
    make_corpus(tmp_path, "j", {"x.jsonl": "\n".join(lines)}, fmt="jsonl")
    result = ingest_one(tmp_path, "j")
    assert result.documents["doc_id"].tolist() == ["j/x.jsonl#a"]
    (rej,) = result.rejects
    assert rej["line"] == 2 and "paragraph" in rej["reason"]


# --- 4. a YAML alias bomb in corpus.yaml and params.yaml --------------------------------------

def _alias_bomb(levels: int) -> str:
    """A flow list whose expanded value holds 9**levels strings; the YAML itself is a few hundred bytes."""
    parts = ["&a0 [" + ", ".join(["lol"] * 9) + "]"]
    for i in range(1, levels):
        parts.append(f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "[" + ", ".join(parts) + "]"


def test_yaml_alias_bomb_in_corpus_yaml_is_not_expanded_in_the_error(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    text = YAML.format(name="c", fmt="text").replace("description: test corpus", "description: " + _alias_bomb(7))
    (folder / "corpus.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        read_corpus(tmp_path, "c", LIMIT)
    msg = str(err.value)
    assert "description" in msg and len(msg) < 400 and "\n" not in msg


def test_yaml_alias_bomb_in_params_is_not_expanded_in_the_error(tmp_path):
    text = (ROOT / "params.yaml").read_text(encoding="utf-8")
    text = text.replace("engine: local ", "engine: " + _alias_bomb(7) + " ")
    path = tmp_path / "params.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParamsError) as err:
        load_params(path)
    msg = str(err.value)
    assert "base.engine" in msg and len(msg) < 400 and "\n" not in msg


def test_label_set_error_names_the_reason_without_printing_the_stance_section(raw_params):
    raw = copy.deepcopy(raw_params)
    raw["stance"]["neutral_label"] = "nope"
    with pytest.raises(ParamsError) as err:
        parse_params(raw)
    msg = str(err.value)
    assert "neutral_label 'nope' is not one of the labels" in msg
    assert len(msg) < 300 and "Direct selling" not in msg


# --- 5. `argmap sql` writes nothing, even through EXPLAIN ANALYZE -----------------------------

@pytest.fixture
def sql_project(tmp_path, monkeypatch):
    from conftest import HashingEmbedder
    from report_fixtures import write_outputs

    shutil.copy(ROOT / "params.yaml", tmp_path / "params.yaml")
    monkeypatch.chdir(tmp_path)
    write_outputs(tmp_path, HashingEmbedder())
    (tmp_path / ".tmp").mkdir()  # DuckDB's default temp folder, which it always allowed
    return tmp_path


@pytest.mark.parametrize("statement", [
    "EXPLAIN ANALYZE COPY (SELECT * FROM claims) TO '.tmp/claims.csv'",
    "explain analyse COPY claims TO '.tmp/claims.csv'",
    "/* x */ EXPLAIN (FORMAT json) COPY claims TO '.tmp/claims.csv'",
    "EXPLAIN ANALYZE CREATE TABLE x AS SELECT * FROM claims",
    "EXPLAIN ANALYZE CREATE TEMP TABLE x AS SELECT 1",
    "EXPLAIN ANALYZE INSERT INTO edges SELECT * FROM edges",
])
def test_explain_analyze_copy_or_create_is_refused(sql_project, statement):
    from pipeline.cli.app import app

    result = runner.invoke(app, ["-q", "sql", statement])
    assert result.exit_code == 1
    assert "refused" in result.stderr and "read-only" in result.stderr
    assert list((sql_project / ".tmp").iterdir()) == []


@pytest.mark.parametrize("statement", [
    "EXPLAIN ANALYZE COPY (SELECT * FROM claims) TO '.tmp/claims.csv'",
    "COPY (SELECT * FROM claims) TO '.tmp/claims.csv'",
    "EXPLAIN ANALYZE CREATE TABLE x AS SELECT * FROM claims",
    "CREATE TABLE x AS SELECT 1",
    "SET temp_directory = '.tmp'",
])
def test_duckdb_itself_writes_nothing_when_the_statement_check_is_bypassed(sql_project, monkeypatch, statement):
    from pipeline.results import query

    monkeypatch.setattr(query, "check_read_only", lambda sql: None)
    with pytest.raises(query.QueryError, match="SQL failed"):
        query.run_sql(statement, sql_project)
    assert list((sql_project / ".tmp").iterdir()) == []
    assert len(query.run_sql("SELECT * FROM claims", sql_project)) == 9  # reads still work


# --- 6. JSONL id collisions -------------------------------------------------------------------

@pytest.mark.parametrize("order", ["article first", "colliding id first"])
def test_jsonl_id_colliding_with_a_comment_key_is_rejected_naming_both_lines(tmp_path, order):
    with_comment = json.dumps({"id": "x", "text": "Sell first.", "comments": [{"text": "Ann, I disagree."}]})
    colliding = json.dumps({"id": "x/c1", "text": "Market first, it brings the buyers."})
    lines = [with_comment, colliding] if order == "article first" else [colliding, with_comment]
    make_corpus(tmp_path, "j", {"x.jsonl": "\n".join(lines)}, fmt="jsonl")
    result = ingest_one(tmp_path, "j")
    assert result.documents["doc_id"].is_unique
    (rej,) = result.rejects
    assert rej["line"] == 2 and "line 1" in rej["reason"] and "'x/c1'" in rej["reason"]


def test_jsonl_comment_of_an_article_whose_id_extends_another_is_stored_once(tmp_path):
    lines = [json.dumps({"id": "x", "text": "Sell first."}),
             json.dumps({"id": "x/c1", "text": "Market first.", "comments": [{"text": "Bo, agreed."}]})]
    make_corpus(tmp_path, "j", {"x.jsonl": "\n".join(lines)}, fmt="jsonl")
    result = ingest_one(tmp_path, "j")
    assert result.documents["doc_id"].is_unique and len(result.documents) == 3
    comment = result.documents[result.documents["kind"] == "comment"].iloc[0]
    assert comment["parent_doc_id"] == "j/x.jsonl#x/c1"


def test_doc_ids_stay_unique_when_a_file_name_holds_a_hash(tmp_path):
    # 'a.jsonl' line id 'b#x' and file 'a.jsonl#b' line id 'x' both spell c/a.jsonl#b#x.
    make_corpus(tmp_path, "c", {"a.jsonl": json.dumps({"id": "b#x", "text": "Sell first, then market."}),
                                "a.jsonl#b": json.dumps({"id": "x", "text": "Market first, then sell."})}, fmt="jsonl")
    result = ingest_one(tmp_path, "c")
    assert result.documents["doc_id"].tolist() == ["c/a.jsonl#b#x"]
    (rej,) = result.rejects
    assert rej["source"] == "a.jsonl#b" and "c/a.jsonl#b#x" in rej["reason"] and "a.jsonl line 1" in rej["reason"]


# --- 7. every directory entry is accounted for ------------------------------------------------

def test_dangling_link_folder_link_fifo_hidden_file_and_readme_variant_are_accounted_for(tmp_path):
    folder = make_corpus(tmp_path, "c", {"a.txt": GOOD, ".hidden.txt": OTHER, "README_notes.txt": OTHER,
                                         "README.md": "# about this corpus", "sub/b.txt": THIRD})
    (folder / "sub" / "more").mkdir()
    os.symlink(folder / "missing.txt", folder / "dangling.txt")
    os.symlink(tmp_path, folder / "dirlink")
    os.mkfifo(folder / "pipe.txt")
    result = ingest_one(tmp_path, "c")
    got = reasons(result)
    assert got["dangling.txt"].startswith("symbolic link")
    assert got["dirlink"].startswith("symbolic link")
    assert got["pipe.txt"].startswith("not a regular file (a FIFO)")
    assert ignored(result) == {".hidden.txt": "hidden", "README.md": "README", "corpus.yaml": "corpus.yaml"}
    assert sorted(result.documents["source"]) == ["README_notes.txt", "a.txt", "sub/b.txt"]
    stats = result.stats
    assert stats["entries"] == 9 and stats["ignored"] == 3 and stats["files"] == 6
    assert stats["files_ingested"] + stats["files_rejected"] == stats["files"]
    assert stats["files_accounted"] is True


# --- 8. NUL bytes anywhere --------------------------------------------------------------------

def test_nul_bytes_after_the_first_8kb_do_not_reach_documents(tmp_path):
    body = "Startups should sell before they market. " * 250  # about 10 KB
    make_corpus(tmp_path, "c", {"a.txt": GOOD, "late.txt": "Late Title\n\n" + body + "\x00hidden\n"})
    result = ingest_one(tmp_path, "c")
    assert "\x00" not in all_text(result)
    assert reasons(result)["late.txt"].startswith("binary file: contains NUL bytes")


def test_nul_escape_in_a_jsonl_string_does_not_reach_documents(tmp_path):
    lines = [json.dumps({"id": "a", "text": "Sell first."}),
             json.dumps({"id": "b", "text": "Market\u0000 first.", "comments": [{"text": "ok\u0000"}]}),
             json.dumps({"id": "c", "title": "T\u0000", "text": "Think first."})]
    make_corpus(tmp_path, "j", {"x.jsonl": "\n".join(lines)}, fmt="jsonl")
    result = ingest_one(tmp_path, "j")
    assert "\x00" not in all_text(result) and not result.documents["title"].fillna("").str.contains("\x00").any()
    assert [r["line"] for r in result.rejects] == [2, 3]
    assert all("NUL" in r["reason"] for r in result.rejects)


# --- 9. deeply nested HTML comments ----------------------------------------------------------

def _nested_comments_page(n: int) -> str:
    opening = "".join(f'<li class="comment" id="c{i}"><p>Comment {i}: I disagree with this.</p><ul class="children">'
                      for i in range(n))
    closing = "</ul></li>" * n
    body = "Startups should sell before they market anything. " * 10
    return (f"<html><head><title>Nested</title></head><body><article><h1>Nested</h1><p>{body}</p></article>"
            f'<ol class="comment-list">{opening}{closing}</ol></body></html>')


def test_html_page_with_1500_nested_comment_blocks_is_rejected_not_silently_cut(tmp_path):
    make_corpus(tmp_path, "h", {"deep.html": _nested_comments_page(1500), "ok.html": _nested_comments_page(3)},
                fmt="html")
    result = ingest_one(tmp_path, "h")
    assert set(result.documents["source"]) == {"ok.html"}
    assert "nested" in reasons(result)["deep.html"]


def test_html_page_over_the_comment_limit_is_rejected_with_the_count(tmp_path, monkeypatch):
    from pipeline.readers import limits

    monkeypatch.setattr(limits, "MAX_COMMENTS_PER_PAGE", 5)
    flat = _nested_comments_page(1).replace('<ul class="children">', "").replace("</ul>", "")
    many = flat.replace('<ol class="comment-list">', '<ol class="comment-list">' + "".join(
        f'<li class="comment" id="k{i}"><p>Comment {i} here.</p></li>' for i in range(8)))
    make_corpus(tmp_path, "h", {"many.html": many}, fmt="html")
    result = ingest_one(tmp_path, "h")
    assert len(result.documents) == 0
    assert "9 comments, over the limit of 5" in reasons(result)["many.html"]


# --- 10. params: strict types, a sane seed ----------------------------------------------------

@pytest.mark.parametrize("seed", [-1, 1e18, 1e23, 2**32, True, "42"])
def test_seed_out_of_range_or_of_the_wrong_type_fails_validation_with_its_key(raw_params, seed):
    raw = copy.deepcopy(raw_params)
    raw["base"]["seed"] = seed
    with pytest.raises(ParamsError, match=r"base\.seed: got "):
        parse_params(raw)


@pytest.mark.parametrize(("section", "key", "value"), [
    ("cluster", "reassign_noise", "yes"),
    ("cluster", "reassign_noise", 1),
    ("cluster", "min_cluster_size", True),
    ("cluster", "min_cluster_size", 2.0),
    ("cluster", "min_cluster_size", "2"),
    ("relate", "top_k", 10**30),
    ("cluster", "cluster_selection_epsilon", float("inf")),
    ("relate", "min_similarity", float("nan")),
])
def test_yes_for_a_boolean_true_for_a_number_and_other_lax_values_are_refused(raw_params, section, key, value):
    raw = copy.deepcopy(raw_params)
    raw[section][key] = value
    with pytest.raises(ParamsError, match=rf"{section}\.{key}: got "):
        parse_params(raw)


def test_params_yaml_unreadable_bytes_and_deep_nesting_are_one_line_errors(tmp_path):
    path = tmp_path / "params.yaml"
    for text in (b"base: \xff\xfe\n", b"base: " + b"[" * 5000, b"base: " + b"1" * 5000 + b"\n"):
        path.write_bytes(text)
        with pytest.raises(ParamsError) as err:
            load_params(path)
        assert len(str(err.value)) < 400 and "\n" not in str(err.value)


def test_repo_params_still_load_strictly():
    p = load_params(ROOT / "params.yaml")
    assert p.base.seed == 42 and p.cluster.reassign_noise is True
    assert yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))["base"]["seed"] == 42


# --- the hostile corpus fixture: every entry accounted for ------------------------------------

@pytest.fixture
def hostile(tmp_path):
    """A copy of tests/fixtures/corpora/hostile plus what cannot be committed: links, a FIFO, big files."""
    return make_hostile(tmp_path / "hostile")


def _disk_entries(folder: Path) -> list[str]:
    """Every entry under `folder` as the walk's rules see it: folders are entered unless hidden or links."""
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        rel = Path(dirpath).relative_to(folder)
        entered = []
        for d in dirnames:
            if (Path(dirpath) / d).is_symlink() or d.startswith("."):
                out.append((rel / d).as_posix())
            else:
                entered.append(d)
        dirnames[:] = entered
        out += [(rel / f).as_posix() for f in filenames]
    return sorted(out)


HOSTILE_REJECTS = {
    ("text", "passwd-link.txt"): "symbolic link (to '/etc/passwd')",
    ("text", "status-link.txt"): "symbolic link (to '/proc/self/status')",
    ("text", "dangling-link.txt"): "symbolic link",
    ("text", "folder-link"): "symbolic link",
    ("text", "inner-link.txt"): "symbolic link (to 'good.txt')",
    ("text", "pipe.txt"): "not a regular file (a FIFO)",
    ("text", "late-nul.txt"): "binary file: contains NUL bytes",
    ("text", "long-paragraph.txt"): "paragraph too long: 1000008 characters at line 3",
    ("text", "/".join(f"d{i}" for i in range(32))): "folder nested too deeply",
    ("text", "empty.txt"): "empty file (0 bytes)",
    ("text", "whitespace.txt"): "empty file: nothing but whitespace",
    ("text", "image.txt"): "binary file: contains NUL bytes",
    ("text", "furniture.txt"): "only boilerplate",
    ("text", "repost.txt"): "duplicate of text/good.txt",
    ("jsonl", "linked.jsonl"): "symbolic link (to 'export.jsonl')",
    ("html", "pipe.html"): "not a regular file (a FIFO)",
    ("html", "deep.html"): "nested too deeply",
    ("html", "empty.html"): "empty file (0 bytes)",
    ("html", "nav-only.html"): "only boilerplate",
}
HOSTILE_JSONL_LINES = {
    2: "id collision: 'x/c1' would be the article id, but it is already the key of comment 1 of 'x' on line 1",
    3: "duplicate id 'x' (first on line 1)", 4: "malformed JSON", 5: "missing required field 'text'",
    6: "expected a JSON object", 7: "not text: field 'text' contains a NUL character", 8: "not text: field 'text' "
    "contains a lone surrogate", 9: "nested too deeply", 10: "malformed JSON: Exceeds the limit (4300 digits)",
    11: "field 'comments' must be a list",
}
HOSTILE_IGNORED = {("text", ".drafts"): "hidden", ("text", ".hidden.txt"): "hidden", ("text", "README.md"): "README",
                   ("jsonl", "README.txt"): "README", **{(c, "corpus.yaml"): "corpus.yaml" for c in HOSTILE_CORPORA}}


def test_hostile_corpus_fixture_every_entry_is_ingested_rejected_or_ignored(hostile):
    result = ingest_corpora([read_corpus(hostile, name, LIMIT) for name in HOSTILE_CORPORA])
    docs = result.documents
    assert set(zip(docs["corpus"], docs["source"])) == {
        ("text", "good.txt"), ("text", "payloads.txt"), ("text", "README_first.txt"), ("text", "bom.txt"),
        ("text", "cp1252.txt"), ("text", "nested/deeper/page.txt"), ("jsonl", "export.jsonl"), ("html", "post.html")}
    assert docs["doc_id"].is_unique
    assert "root:x:0:0" not in all_text(result) and "VmRSS" not in all_text(result)
    assert not docs["text"].str.contains("\x00", regex=False).any()

    file_rejects = {(r["corpus"], r["source"]): r["reason"] for r in result.rejects if "line" not in r}
    assert set(file_rejects) == set(HOSTILE_REJECTS)
    for key, start in HOSTILE_REJECTS.items():
        assert file_rejects[key].startswith(start), (key, file_rejects[key])
    line_rejects = {r["line"]: r["reason"] for r in result.rejects if "line" in r}
    assert set(line_rejects) == set(HOSTILE_JSONL_LINES)
    for line, start in HOSTILE_JSONL_LINES.items():
        assert line_rejects[line].startswith(f"line {line}: {start}"), line_rejects[line]
    assert {(e["corpus"], e["path"]): e["rule"] for e in result.stats["ignored_entries"]} == HOSTILE_IGNORED

    # Counted against the disk, independently of the walk: every entry ends somewhere, and an entry
    # inside a rejected or ignored folder is covered by it.
    for name in HOSTILE_CORPORA:
        ended = ({s for c, s in zip(docs["corpus"], docs["source"]) if c == name}
                 | {s for c, s in file_rejects if c == name} | {s for c, s in HOSTILE_IGNORED if c == name}
                 | ({"export.jsonl"} if name == "jsonl" else set()))
        for entry in _disk_entries(hostile / name):
            parts = entry.split("/")
            assert any("/".join(parts[:i]) in ended for i in range(1, len(parts) + 1)), (name, entry)
        assert all(os.path.lexists(hostile / name / path) for path in ended)
    stats = result.stats
    assert stats["files_accounted"] is True
    assert stats["entries"] == stats["files"] + stats["ignored"] == len(file_rejects) + 8 + len(HOSTILE_IGNORED)


def test_argmap_ingest_writes_every_hostile_reject_and_ignored_entry(hostile, tmp_path, monkeypatch):
    from pipeline.cli.app import app

    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    params["ingest"]["corpora_dir"] = str(hostile)
    params["ingest"]["corpora"] = HOSTILE_CORPORA
    project = tmp_path / "project"
    project.mkdir()
    (project / "params.yaml").write_text(yaml.safe_dump(params), encoding="utf-8")
    monkeypatch.chdir(project)
    result = runner.invoke(app, ["-q", "ingest"])
    assert result.exit_code == 0, result.output
    rejects = [json.loads(line) for line in (project / "outputs" / "rejects.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {(r["corpus"], r["source"]) for r in rejects if "line" not in r} == set(HOSTILE_REJECTS)
    assert sorted(r["line"] for r in rejects if "line" in r) == sorted(HOSTILE_JSONL_LINES)
    report = json.loads((project / "outputs" / "ingest_report.json").read_text(encoding="utf-8"))
    assert report["files_accounted"] is True and report["ignored"] == len(HOSTILE_IGNORED)
    documents = pd.read_parquet(project / "outputs" / "documents.parquet")
    assert len(documents) == 19 and documents["doc_id"].is_unique


# --- 8. structured exports: entity attacks, external DTDs, absurd nesting ---------------------

def _laughs(levels: int = 10) -> str:
    """Billion laughs: each entity is ten of the one before; expanded, level 10 is 10**10 'lol's."""
    decls = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)]
    return f"<!DOCTYPE rss [{''.join(decls)}]>"


WXR_HEAD = ('<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>T</title><wp:post_id>1</wp:post_id>'
            '<content:encoded>')
WXR_TAIL = "</content:encoded></item></channel></rss>"
DISQUS_HEAD = '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals"><thread dsq:id="t"><title>'
DISQUS_TAIL = '</title></thread><post dsq:id="p"><message>Hi.</message><thread dsq:id="t"/></post></disqus>'
XML_ATTACKS = {
    "laughs.xml": '<?xml version="1.0"?>' + _laughs() + "{head}&lol9;{tail}",
    "xxe-file.xml": '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>{head}&x;{tail}',
    "xxe-net.xml": '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>{head}&x;{tail}',
    "external-dtd.xml": '<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://127.0.0.1:9/x.dtd">{head}Sell first.{tail}',
    "param-entity.xml": ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>'
                         "{head}Sell first.{tail}"),
    "plain.xml": "{head}Startups should sell before they market. Talk to buyers.{tail}",
}


@pytest.mark.parametrize(("fmt", "head", "tail"), [("wxr", WXR_HEAD, WXR_TAIL), ("disqus", DISQUS_HEAD, DISQUS_TAIL)])
def test_xml_entity_attacks_are_rejected_fast_never_expanded_or_fetched(tmp_path, fmt, head, tail):
    import time

    files = {name: text.format(head=head, tail=tail) for name, text in XML_ATTACKS.items()}
    make_corpus(tmp_path, "x", files, fmt=fmt)
    started = time.monotonic()
    result = ingest_one(tmp_path, "x")
    assert time.monotonic() - started < 5
    assert result.documents["source"].unique().tolist() == ["plain.xml"]
    got = reasons(result)
    for name in set(XML_ATTACKS) - {"plain.xml"}:
        assert got[name].startswith("a DOCTYPE or ENTITY declaration"), (name, got[name])
    assert "root:" not in all_text(result) and "lollol" not in all_text(result)


def test_json_exports_nested_100k_brackets_deep_are_rejects_not_crashes(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    make_corpus(tmp_path, "r", {"deep.json": deep}, fmt="reddit")
    make_corpus(tmp_path, "h", {"deep.json": '{"id": 1, "by": "u", "kids": ' + deep + "}"}, fmt="hn")
    result = ingest_corpora([read_corpus(tmp_path, "r", LIMIT), read_corpus(tmp_path, "h", LIMIT)])
    assert len(result.rejects) == 2
    assert all(r["reason"].startswith("nested too deeply: over 500 levels") for r in result.rejects)


def test_html_in_a_comment_body_runs_no_script_and_follows_no_link(tmp_path):
    item = {"id": 1, "by": "u", "type": "story", "title": "Pricing", "children": [
        {"id": 2, "author": "v", "type": "comment",
         "text": '<p>Sell first.</p><script>fetch("http://127.0.0.1:9/")</script><img src="http://127.0.0.1:9/a.png">'
                 '<iframe src="file:///etc/passwd"></iframe><a href="javascript:alert(1)">a link</a>'}]}
    make_corpus(tmp_path, "h", {"t.json": json.dumps(item)}, fmt="hn")
    result = ingest_one(tmp_path, "h")
    comment = result.documents[result.documents["kind"] == "comment"].iloc[0]
    assert comment["text"] == "Sell first.\n\na link"


def test_csv_cell_over_the_field_limit_is_a_reject_not_a_crash(tmp_path):
    text = "id,parent,text\na,,Sell first.\nb,a,\"" + "x" * 200_000 + '"\n'
    make_corpus(tmp_path, "c", {"big.csv": text}, fmt="csv")
    result = ingest_one(tmp_path, "c")
    assert result.documents["doc_id"].tolist() == ["c/big.csv#a"]
    (reject,) = result.rejects
    assert reject["line"] == 3 and "CSV error: field larger than field limit" in reject["reason"]
