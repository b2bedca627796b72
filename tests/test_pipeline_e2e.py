"""The whole pipeline on the seed corpus, run by DVC in a temporary copy of the project."""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from project_copy import EXPORT_CORPORA, FORMAT_CORPORA, TRAINED_STAGES
from project_copy import copy_project as _copy_project
from project_copy import env as _env
from project_copy import run as _run

from pipeline import paths, schemas
from pipeline.argmap import validate_argmap
from pipeline.io import read_table

pytestmark = pytest.mark.slow

PRODUCTS = [paths.DOCUMENTS, paths.SENTENCES, paths.CLUSTERS, paths.EDGES, paths.ARGMAP, paths.REJECTS]


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def test_repro_twice_does_nothing(seed_run):
    # in the shared run's own folder: a repeat that finds nothing to do writes nothing
    again = _run(["dvc", "repro"], seed_run)
    assert "didn't change" in again or "is up to date" in again
    assert "Running stage" not in again


def _outs(lock: Path) -> dict[str, str]:
    """Every stage's outputs in a dvc.lock, path -> md5."""
    stages = yaml.safe_load(lock.read_text(encoding="utf-8"))["stages"]
    return {out["path"]: out["md5"] for stage in stages.values() for out in stage.get("outs", [])}


def test_cold_run_writes_the_bytes_the_project_lock_records(seed_run):
    """Every output of the cold run, training's committed models and metrics included, has the hash
    the project's dvc.lock records: the same inputs and params give the same bytes on a fresh machine
    (with constraints.txt's libraries), and the committed dvc.lock is current."""
    recorded, made = _outs(ROOT / "dvc.lock"), _outs(seed_run / "dvc.lock")
    assert sorted(made) == sorted(recorded)
    differ = sorted(path for path in recorded if made[path] != recorded[path])
    assert not differ, f"outputs whose bytes differ from dvc.lock's (rerun `dvc repro` and commit dvc.lock?): {differ}"


def test_the_project_lock_is_current(seed_run):
    """The committed dvc.lock records what a fresh clone's `dvc repro` records (every stage's deps,
    params and outs), so `dvc repro` on a clone has nothing to do and a fresh clone's `git status`
    stays clean. A failure names the stages whose code, data or params changed without a rerun."""
    recorded = yaml.safe_load((ROOT / "dvc.lock").read_text(encoding="utf-8"))["stages"]
    made = yaml.safe_load((seed_run / "dvc.lock").read_text(encoding="utf-8"))["stages"]
    assert sorted(made) == sorted(recorded)
    stale = sorted(name for name in recorded if made[name] != recorded[name])
    assert not stale, f"dvc.lock is stale for {stale}: run `dvc repro` (or `dvc commit` a training stage whose change alters nothing it computes) and commit dvc.lock"


def test_cold_runs_are_byte_identical(seed_run, tmp_path):
    second = _copy_project(tmp_path / "second")
    _run(["dvc", "repro"], second)
    for product in PRODUCTS:
        assert (seed_run / product).read_bytes() == (second / product).read_bytes(), product


def test_repro_through_the_warm_server_is_byte_identical(seed_run, tmp_path):
    """`ARGMAP_WARM=1 dvc repro` with a server running: every stage is served, the bytes are a cold run's."""
    import tempfile

    from pipeline.runtime import warm_control

    served = _copy_project(tmp_path / "served")
    run_dir = Path(tempfile.mkdtemp(prefix="argmap-warm-"))  # short: AF_UNIX paths stop at 108 bytes
    env = _env(ARGMAP_WARM="1", ARGMAP_WARM_IDLE="120", XDG_RUNTIME_DIR=str(run_dir))
    try:
        with warm_control.running_server(env):
            _run(["dvc", "repro"], served, env)
            log = warm_control.log_path(warm_control.socket_path(warm_control.server_key(env), env)).read_text()
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
    # the trained stages are reused from the project (see _copy_project), so DVC does not run them.
    assert all(f"runs argmap {name} in {served}" in log for name in stages if name not in TRAINED_STAGES), log
    for product in PRODUCTS:
        assert (served / product).read_bytes() == (seed_run / product).read_bytes(), product


def test_output_contract(seed_run):
    root = seed_run
    documents = read_table(root / paths.DOCUMENTS, schemas.DOCUMENTS)
    sentences = read_table(root / paths.SENTENCES, schemas.SENTENCES)
    clusters = read_table(root / paths.CLUSTERS, schemas.CLUSTERS)
    edges = read_table(root / paths.EDGES, schemas.EDGES)
    argmap = json.loads((root / paths.ARGMAP).read_text())
    validate_argmap(argmap)

    sources = sorted(p.name for p in (ROOT / "corpora" / "seed-blogs").glob("*.txt"))
    assert sorted(documents.loc[documents["kind"] == "article", "source"]) == sources
    assert set(documents["kind"]) == {"article", "comment"}
    assert documents["doc_id"].is_unique and sentences["sentence_id"].is_unique
    assert set(sentences["role"]) <= {"title", "heading", "body", "list_item", "caption", "boilerplate"}
    claims = sentences[sentences["is_claim"]]
    assert len(claims) > 50
    assert set(claims["stance"]) <= {"pro-sales", "pro-marketing", "pro-strategy", "neutral"}
    assert claims["stance_score"].between(0, 1).all() and sentences["claim_score"].between(0, 1).all()
    assert claims["cluster_id"].notna().all()
    assert sentences.loc[~sentences["is_claim"], "cluster_id"].isna().all()
    assert set(edges["relation"]) <= {"reply", "support", "attack"}
    assert set(clusters["cluster_id"]) == set(claims["cluster_id"])


def test_offsets_point_into_the_raw_text(seed_run):
    root = seed_run
    sentences = read_table(root / paths.SENTENCES, schemas.SENTENCES)
    documents = read_table(root / paths.DOCUMENTS, schemas.DOCUMENTS)
    raw = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "corpora" / "seed-blogs").glob("*.txt")}
    for row in documents.itertuples():
        assert raw[row.source][row.start_char:row.end_char] == row.text
    bad = [
        row.sentence_id for row in sentences.itertuples()
        if _normal(raw[row.source][row.start_char:row.end_char]) != _normal(row.text)
        or row.start_char >= row.end_char
    ]
    assert not bad, bad[:5]


def test_metrics_written(seed_run):
    root = seed_run
    out = _run(["dvc", "metrics", "show", "--json"], root)
    metrics = json.loads(out[out.index("{"):])
    text = json.dumps(metrics)
    for key in ("relation_accuracy", "noise_share", "titles_correct"):
        assert key in text
    # Every comment's relation to what it answers, as the gold has it: the comments attacking the
    # sales article, the one backing it, and the author's reply backing a commenter.
    map_metrics = json.loads((root / "metrics" / "map.json").read_text())
    assert map_metrics["relations_scored"] == 5
    assert map_metrics["relation_accuracy"] == 1.0, json.loads((root / "plots" / "relation_details.json").read_text())


def _rejects(root: Path, corpora: list[str]) -> list[dict]:
    lines = (root / paths.REJECTS).read_text(encoding="utf-8").splitlines()
    return [r for r in map(json.loads, lines) if r["corpus"] in corpora]


def test_jsonl_and_html_corpora_end_to_end(other_corpora_run):
    """Corpora in the two other formats, with threads, authors and boilerplate, through dvc repro."""
    root = other_corpora_run
    documents = read_table(root / paths.DOCUMENTS, schemas.DOCUMENTS)
    sentences = read_table(root / paths.SENTENCES, schemas.SENTENCES)
    documents = documents[documents["corpus"].isin(FORMAT_CORPORA)]
    sentences = sentences[sentences["corpus"].isin(FORMAT_CORPORA)]
    assert set(documents["corpus"]) == set(FORMAT_CORPORA)
    for corpus in FORMAT_CORPORA:
        mine = documents[documents["corpus"] == corpus]
        assert (mine["kind"] == "article").any() and (mine["kind"] == "comment").any(), corpus
        assert mine["author"].notna().any(), corpus
        assert mine.loc[mine["kind"] == "comment", "parent_doc_id"].notna().all(), corpus
    assert (sentences["role"] == "boilerplate").any() and sentences["is_claim"].any()
    for row in documents.itertuples():  # document texts are slices of their source text
        assert row.end_char - row.start_char == len(row.text)
    by_doc = documents.set_index("doc_id")
    for row in sentences.itertuples():
        doc = by_doc.loc[row.doc_id]
        local = doc["text"][row.start_char - doc["start_char"]:row.end_char - doc["start_char"]]
        assert _normal(local) == _normal(row.text), row.sentence_id
    assert _rejects(root, FORMAT_CORPORA) == []
    validate_argmap(json.loads((root / paths.ARGMAP).read_text()))


def _report_data(root: Path) -> dict:
    page = (root / "outputs" / "report.html").read_text(encoding="utf-8")
    start = page.index('id="argmap-data">') + len('id="argmap-data">')
    return json.loads(page[start:page.index("</script>", start)])


def test_structured_exports_end_to_end(other_corpora_run):
    """The five export formats (WXR, Disqus, Reddit, Hacker News, CSV) in one corpus set through one
    dvc repro: their reply trees reach documents.parquet, argmap.json and the report's data."""
    root = other_corpora_run
    documents = read_table(root / paths.DOCUMENTS, schemas.DOCUMENTS)
    assert set(EXPORT_CORPORA) <= set(documents["corpus"])
    argmap = json.loads((root / paths.ARGMAP).read_text())
    validate_argmap(argmap)
    report = _report_data(root)
    for where, docs in (("argmap.json", argmap["documents"]), ("report", report["documents"])):
        parents = {d["doc_id"]: d["parent_doc_id"] for d in docs}
        for corpus in EXPORT_CORPORA:
            mine = [d for d in docs if d["corpus"] == corpus]
            comments = [d for d in mine if d["kind"] == "comment"]
            assert comments and all(parents[c["doc_id"]] in parents for c in comments), (where, corpus)
            # a reply to a comment, not only to the article: the thread is a tree
            assert any(parents[parents[c["doc_id"]]] is not None for c in comments), (where, corpus)
            assert any(d["author"] for d in mine), (where, corpus)
        # replies listed before their parent in the file, or answering an ignored comment
        assert parents["wxr-sample/blog-export.xml#41/304"] == "wxr-sample/blog-export.xml#41/303"
        assert parents["wxr-sample/blog-export.xml#41/308"] == "wxr-sample/blog-export.xml#41/301"
        assert parents["reddit-sample/thread.json#1b2xq9/kq1d20"] == "reddit-sample/thread.json#1b2xq9/kq1a01"
        assert parents["disqus-sample/comments-export.xml#7001/8005"] == "disqus-sample/comments-export.xml#7001/8001"
        assert parents["csv-sample/board.csv#T1/R4"] == "csv-sample/board.csv#T1/R3"
    replies = {(r["source_id"], r["target_id"]) for r in argmap["relations"] if r["relation"] == "reply"}
    assert ("hn-sample/items-firebase.json#39200001/39200009",
            "hn-sample/items-firebase.json#39200001/39200005") in replies
    assert _rejects(root, EXPORT_CORPORA) == []
    ingest_report = json.loads((root / paths.INGEST_REPORT).read_text())
    ignored = [r for r in ingest_report["ignored_records"] if r["corpus"] in EXPORT_CORPORA]
    assert ingest_report["files_accounted"] and len(ignored) == 16


def test_experiment_with_a_param_reruns_only_what_it_touches(seed_run, tmp_path):
    """`dvc exp run -S cluster.min_cluster_size=4` on a finished run: clustering and what follows
    rerun, ingest and training do not; the experiment's params and metrics are listed."""
    project = tmp_path / "exp"
    shutil.copytree(seed_run, project, ignore=shutil.ignore_patterns(".git", "__pycache__"))
    _run(["git", "init", "-q"], project)
    _run(["git", "-c", "user.name=argmap", "-c", "user.email=argmap@localhost", "add", "-A"], project)
    _run(["git", "-c", "user.name=argmap", "-c", "user.email=argmap@localhost", "commit", "-qm", "run"], project)
    out = _run(["dvc", "exp", "run", "-S", "cluster.min_cluster_size=4"], project)
    assert "Running stage 'cluster'" in out
    for untouched in ("ingest", "train_encoder", "train_claims", "train_stance", "sentences", "embed"):
        assert f"Running stage '{untouched}'" not in out, untouched
    shown = json.loads(_run(["dvc", "exp", "show", "--json"], project))
    text = json.dumps(shown)
    assert '"min_cluster_size": 4' in text and "relation_accuracy" in text
