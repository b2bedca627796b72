"""Fuzzing the untrusted inputs: any bytes in, documents or a reject out, never an exception.

Each reader is driven through `ingest_corpora` (decoding, the reader, the limits, the accounting),
with raw bytes and with inputs built from the pieces its rules look for, so the cases reach past
the first parse. corpus.yaml and params.yaml loading must give a model or one short error line.
The whole file stays well under a minute: examples are few and small, drawn from a fixed seed
(the same cases on every run), and each has a generous deadline that only a hang would miss.
ARGMAP_FUZZ_SCALE=20 multiplies the number of examples for a longer hunt.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import CorpusError
from pipeline.ingest import CorpusMeta, CorpusSource, RawFile, ingest_corpora, load_corpus_meta
from pipeline.params import Params, ParamsError, load_params, parse_params

ROOT = Path(__file__).resolve().parents[1]
REAL_PARAMS = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))

SCALE = int(os.environ.get("ARGMAP_FUZZ_SCALE", "1"))
FAST = settings(max_examples=60 * SCALE, deadline=timedelta(seconds=30), derandomize=True, suppress_health_check=[HealthCheck.too_slow])
SLOWER = settings(max_examples=30 * SCALE, deadline=timedelta(seconds=30), derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def meta(fmt: str) -> CorpusMeta:
    return CorpusMeta(name="fuzz", description="d", source="s", license="CC0-1.0", language="en", format=fmt)


def ingest_bytes(fmt: str, files: dict[str, bytes]):
    """Ingest in memory, then check what must hold for any input."""
    raws = tuple(RawFile(path, len(data), data) for path, data in sorted(files.items()))
    result = ingest_corpora([CorpusSource("fuzz", meta(fmt), raws, 100_000)])
    docs = result.documents
    assert docs["doc_id"].is_unique
    assert not docs["text"].str.contains("\x00", regex=False).any()
    for text in docs["text"]:
        text.encode("utf-8")  # no lone surrogate: parquet must be able to store it
    ended = set(docs["source"]) | {r["source"] for r in result.rejects}
    assert ended == set(files) and result.stats["files_accounted"] is True
    for r in result.rejects:
        assert r["reason"] and len(r["reason"]) < 1000
    return result


# --- text ------------------------------------------------------------------------------------

TEXT_PIECES = [
    "Why Startups Need to Focus on Sales", "Share on LinkedIn", "By Ann Lee | 6 min read", "",
    "Startups should sell before they market. Talk to buyers.", "  • a list item", "  1. Mike, thanks for this.",
    "    An indented continuation paragraph.", "  2. Jessica, I disagree.", "3 responses", "12 comments",
    "Ann Lee says:", "Bo Park • 2 years ago", "Reply", "March 4, 2019", "Hi Jessica, thanks for the great article.",
    "Thanks, Sergey", "Source: the company", "Figure 1", "△ ▽ • Reply • Share ›", "Responses (2)", "@",
    "Ann Lee Mod > Bo Park • 2 years ago", "\u200b\u00a0", "\t", "\r", "ﬁ …", "\U0001F600",
]


@FAST
@given(st.binary(max_size=3000))
def test_text_reader_takes_any_bytes(data):
    ingest_bytes("text", {"page.txt": data})


@FAST
@given(st.lists(st.one_of(st.sampled_from(TEXT_PIECES), st.text(max_size=80)), max_size=40),
       st.sampled_from(["\n", "\r\n", "\r", "\n\n"]))
def test_text_reader_takes_any_layout(lines, eol):
    ingest_bytes("text", {"page.txt": eol.join(lines).encode("utf-8", "surrogatepass")})


# --- JSONL -----------------------------------------------------------------------------------

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30))
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
comment = st.fixed_dictionaries(
    {"text": st.one_of(st.text(max_size=60), json_values)},
    optional={"id": st.one_of(st.text(max_size=6), st.integers(0, 5)), "parent_id": st.one_of(
        st.none(), st.text(max_size=6), st.integers(0, 5)), "author": json_values},
)
article = st.fixed_dictionaries(
    {"id": st.one_of(st.sampled_from(["x", "x/c1", "x/c1/c1", "a#b", " "]), st.text(max_size=8), json_values),
     "text": st.one_of(st.text(max_size=200), st.sampled_from(TEXT_PIECES), json_values)},
    optional={"title": json_values, "author": json_values, "url": json_values, "published": json_values,
              "comments": st.one_of(st.lists(comment, max_size=5), json_values)},
)


@FAST
@given(st.lists(st.one_of(article.map(json.dumps), json_values.map(json.dumps), st.text(max_size=60)), max_size=8))
def test_jsonl_reader_takes_any_lines(lines):
    ingest_bytes("jsonl", {"x.jsonl": "\n".join(lines).encode("utf-8", "surrogatepass")})


@FAST
@given(st.binary(max_size=2000))
def test_jsonl_reader_takes_any_bytes(data):
    ingest_bytes("jsonl", {"x.jsonl": data})


@FAST
@given(st.integers(1, 3000), st.sampled_from(["[", "{\"a\":", "[{\"b\":", "\"\\\\\"["]))
def test_jsonl_reader_takes_any_nesting(depth, opener):
    ingest_bytes("jsonl", {"x.jsonl": (json.dumps({"id": "a", "text": "Sell."}) + "\n" + opener * depth).encode()})


# --- HTML ------------------------------------------------------------------------------------

TAGS = ["p", "div", "li", "ul", "ol", "article", "section", "h1", "h2", "figure", "figcaption", "time", "b", "span"]
ATTRS = ['', ' class="comment"', ' class="fn"', ' class="comment-content"', ' itemprop="text"',
         ' itemtype="https://schema.org/Comment"', ' id="c1"', ' class="comments-title"', ' datetime="2020-01-01"']
html_text = st.one_of(st.sampled_from(TEXT_PIECES + ["<", "&amp;", "&#0;", "&#xd800;", "<!--", "]]>"]),
                      st.text(max_size=40))
html_tree = st.recursive(
    html_text,
    lambda inner: st.tuples(st.sampled_from(TAGS), st.sampled_from(ATTRS), st.lists(inner, max_size=4)).map(
        lambda t: f"<{t[0]}{t[1]}>{''.join(t[2])}</{t[0]}>"),
    max_leaves=20,
)


@SLOWER
@given(st.lists(html_tree, max_size=6))
def test_html_reader_takes_any_tree(parts):
    page = "<html><head><title>T</title></head><body>" + "".join(parts) + "</body></html>"
    ingest_bytes("html", {"p.html": page.encode("utf-8", "surrogatepass")})


@SLOWER
@given(st.binary(max_size=2000))
def test_html_reader_takes_any_bytes(data):
    ingest_bytes("html", {"p.html": data})


@SLOWER
@given(st.integers(1, 400), st.sampled_from(["<div>", '<li class="comment"><p>Ann, no.</p><ul>', "<b>"]))
def test_html_reader_takes_any_nesting(depth, opener):
    body = "<p>" + "Startups should sell before they market anything. " * 5 + "</p>"
    result = ingest_bytes("html", {"p.html": f"<html><body><article>{body}</article>{opener * depth}</body></html>".encode()})
    if opener.startswith("<li"):  # every nested comment is read, or the page is rejected: never a silent cut
        found = int((result.documents["kind"] == "comment").sum())
        reasons = [r["reason"] for r in result.rejects]
        assert found == depth or (found == 0 and reasons[0].startswith("nested too deeply")), (found, reasons)


# --- corpus.yaml -----------------------------------------------------------------------------

yaml_values = st.one_of(json_values, st.dates(), st.sampled_from(["text", "jsonl", "html", "fuzz"]))
corpus_yaml = st.fixed_dictionaries(
    {}, optional={k: yaml_values for k in ("name", "description", "source", "license", "language", "format")}
    | {"files": st.one_of(json_values, st.dictionaries(st.text(max_size=8), st.dictionaries(
        st.sampled_from(["title", "author", "url", "date", "other"]), yaml_values, max_size=3), max_size=3))},
).map(lambda d: yaml.safe_dump(d, allow_unicode=True).encode("utf-8", "surrogatepass"))
YAML_TRICKS = [
    b"a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nname: &c [*b, *b, *b, *b]\n", b"name: *nope\n",
    b"name: !!python/object/apply:os.system [echo]\n", b"[" * 3000, b"name: " + b"9" * 5000 + b"\n",
    b"\xff\xfe", b"name: fuzz\n" * 3, b"--- a\n--- b\n", b"name: !!binary AAAA\n", b"name: !!set {a}\n",
]


def _load_corpus_yaml(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "fuzz"
        folder.mkdir()
        (folder / "corpus.yaml").write_bytes(data)
        try:
            assert isinstance(load_corpus_meta(folder), CorpusMeta)
        except CorpusError as exc:
            assert "\n" not in str(exc) and len(str(exc)) < 1000


@FAST
@given(st.one_of(corpus_yaml, st.binary(max_size=500), st.sampled_from(YAML_TRICKS)))
def test_corpus_yaml_loading_gives_a_model_or_one_line(data):
    _load_corpus_yaml(data)


# --- params.yaml -----------------------------------------------------------------------------

def _paths(tree, prefix=()):
    if isinstance(tree, dict):
        for k, v in tree.items():
            yield (*prefix, k)
            yield from _paths(v, (*prefix, k))


PARAM_PATHS = list(_paths(REAL_PARAMS))


def _mutated(path: tuple, value) -> dict:
    raw = json.loads(json.dumps(REAL_PARAMS))
    node = raw
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    return raw


def _check_params_error(exc: ParamsError) -> None:
    assert "\n" not in str(exc) and len(str(exc)) < 2000


@FAST
@given(st.sampled_from(PARAM_PATHS), st.one_of(yaml_values, st.sampled_from(["yes", "on", "1", True, 1.0, -1, 2**70])))
def test_any_value_at_any_params_key_gives_params_or_one_line(path, value):
    try:
        assert isinstance(parse_params(_mutated(path, value)), Params)
    except ParamsError as exc:
        _check_params_error(exc)


@FAST
@given(st.one_of(st.binary(max_size=500), st.sampled_from(YAML_TRICKS),
                 json_values.map(lambda v: yaml.safe_dump(v).encode())))
def test_params_yaml_loading_takes_any_bytes(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "params.yaml"
        path.write_bytes(data)
        try:
            load_params(path)
        except ParamsError as exc:
            _check_params_error(exc)


# --- structured exports (WXR, Disqus, Reddit, Hacker News, CSV) --------------------------------

EXPORT_FORMATS = ["wxr", "disqus", "reddit", "hn", "csv"]


@SLOWER
@given(st.binary(max_size=2000), st.sampled_from(EXPORT_FORMATS))
def test_export_readers_take_any_bytes(data, fmt):
    ingest_bytes(fmt, {"export": data})


XML_TAGS = ["item", "wp:comment", "wp:comment_id", "wp:comment_parent", "wp:comment_content", "wp:post_id",
            "wp:comment_approved", "thread", "post", "message", "parent", "isDeleted", "isSpam", "title", "author", "name"]
xml_tree = st.recursive(
    html_text,
    lambda inner: st.tuples(st.sampled_from(XML_TAGS), st.sampled_from(['', ' dsq:id="1"', ' dsq:id="2"']),
                            st.lists(inner, max_size=4)).map(lambda t: f"<{t[0]}{t[1]}>{''.join(t[2])}</{t[0]}>"),
    max_leaves=20,
)


@SLOWER
@given(st.lists(xml_tree, max_size=6), st.sampled_from(["wxr", "disqus"]))
def test_xml_export_readers_take_any_tree(parts, fmt):
    root = ('<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>{}</channel></rss>' if fmt == "wxr" else
            '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">{}</disqus>')
    ingest_bytes(fmt, {"x.xml": root.format("".join(parts)).encode("utf-8", "surrogatepass")})


hn_item = st.recursive(
    st.fixed_dictionaries({"id": st.one_of(st.integers(0, 6), st.text(max_size=3))},
                          optional={"by": json_values, "text": st.one_of(html_text, json_values), "deleted": json_values,
                                    "dead": json_values, "parent": st.integers(0, 6), "title": json_values}),
    lambda inner: st.fixed_dictionaries({"id": st.integers(0, 6), "children": st.lists(inner, max_size=3)},
                                        optional={"author": json_values, "text": html_text}),
    max_leaves=12,
)


def _reddit(children):
    return [{"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {"id": "s", "title": "T"}}]}},
            {"kind": "Listing", "data": {"children": children}}]


reddit_node = st.recursive(
    st.fixed_dictionaries({"kind": st.sampled_from(["t1", "more", "t3", "x"]), "data": st.fixed_dictionaries(
        {}, optional={"id": st.text(max_size=3), "body": st.one_of(st.sampled_from(["[deleted]", "[removed]"]),
                                                                  st.text(max_size=30), json_values),
                      "author": json_values, "parent_id": st.sampled_from(["t3_s", "t1_a", "t1_b", "x"])})}),
    lambda inner: st.fixed_dictionaries({"kind": st.just("t1"), "data": st.fixed_dictionaries(
        {"id": st.sampled_from(["a", "b", "c"]), "body": st.text(max_size=20),
         "replies": st.lists(inner, max_size=3).map(lambda c: {"kind": "Listing", "data": {"children": c}})})}),
    max_leaves=12,
)


@SLOWER
@given(st.one_of(hn_item, st.lists(hn_item, max_size=5)), st.lists(reddit_node, max_size=5))
def test_json_export_readers_take_any_items(hn, reddit):
    ingest_bytes("hn", {"h.json": json.dumps(hn).encode("utf-8", "surrogatepass")})
    ingest_bytes("reddit", {"r.json": json.dumps(_reddit(reddit)).encode("utf-8", "surrogatepass")})


@SLOWER
@given(st.lists(st.lists(st.one_of(st.text(max_size=20), st.sampled_from(["a", "b", "", "c"])), max_size=5),
                max_size=8))
def test_csv_reader_takes_any_rows(rows):
    import csv
    import io

    out = io.StringIO()
    csv.writer(out).writerows([["id", "parent", "author", "text"], *rows])
    ingest_bytes("csv", {"x.csv": out.getvalue().encode("utf-8", "surrogatepass")})
