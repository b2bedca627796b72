"""The report renderer: one self-contained page, corpus text only ever escaped, same bytes each run."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest
from report_fixtures import PAYLOADS, make_corpus

from pipeline.argmap import validate_argmap
from pipeline.results.report import build_view, json_for_script, render_report

DATA_RE = re.compile(r'<script type="application/json" id="argmap-data">(.*?)</script>', re.DOTALL)


@pytest.fixture(scope="module")
def payload_page():
    argmap, documents = make_corpus(payload=True)
    validate_argmap(argmap)
    return argmap, documents, render_report(argmap, documents)


def _data(page: str) -> dict:
    return json.loads(DATA_RE.search(page).group(1))


def test_payloads_appear_only_escaped(payload_page):
    _, _, page = payload_page
    # exactly our two script elements: the JSON data and the page's own code
    assert page.count("<script") == 2 and page.count("</script>") == 2
    for raw in ("<script>window", "<img src=x", "<svg onload", "onerror=\"window", "<!--", "\u2028", "\u2029"):
        assert raw not in page, raw
    # outside the data element nothing of the corpus is present as markup
    outside = DATA_RE.sub("", page)
    assert "__pwned" not in outside


def test_escaped_data_round_trips(payload_page):
    _argmap, documents, page = payload_page
    data = _data(page)
    titles = {d["doc_id"]: d["title"] for d in data["documents"]}
    assert PAYLOADS[0] in titles["blogs/a.txt#article"]
    authors = {d["doc_id"]: d["author"] for d in data["documents"]}
    assert authors["blogs/a.txt#c1"] == "Bo " + PAYLOADS[3]
    texts = {d["doc_id"]: d["text"] for d in data["documents"]}
    assert texts == dict(zip(documents["doc_id"], documents["text"]))
    assert any(PAYLOADS[0] in r["reason"] for r in data["relations"])


def test_json_for_script_escapes_markup_characters():
    text = json_for_script({"a": "</script><!--&\u2028\u2029"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"a": "</script><!--&\u2028\u2029"}


def test_page_title_is_escaped():
    argmap, documents = make_corpus()
    page = render_report(argmap, documents, title="<script>alert(1)</script> & co")
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</title>" in page
    assert "<script>alert(1)" not in page


def test_page_is_self_contained_and_locked_down(payload_page):
    _, _, page = payload_page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<link rel=\"stylesheet\"" not in page
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp
    script = re.search(r"<script>(.*?)</script>", page, re.DOTALL).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "document.write" not in script


def test_same_inputs_same_bytes():
    argmap, documents = make_corpus()
    first = render_report(argmap, documents)
    shuffled = documents.sample(frac=1.0, random_state=3).reset_index(drop=True)
    assert render_report(json.loads(json.dumps(argmap)), shuffled) == first


def test_highlight_offsets_select_the_claim_in_js_units():
    argmap, documents = make_corpus()
    view = build_view(argmap, documents)
    texts = {d["doc_id"]: d["text"] for d in view["documents"]}
    for claim in view["claims"]:
        assert claim["hl"] is not None, claim["id"]
        units = texts[claim["doc_id"]].encode("utf-16-le")
        start, end = claim["hl"]
        assert units[2 * start: 2 * end].decode("utf-16-le") == claim["text"]
    # the comment with an emoji before its claim is where code points and UTF-16 units part ways
    brand = next(c for c in view["claims"] if c["text"].startswith("Understand"))
    local = brand["start_char"] - next(d for d in view["documents"] if d["doc_id"] == brand["doc_id"])["start_char"]
    assert brand["hl"][0] == local + 1


def test_mismatched_offsets_are_not_highlighted(caplog):
    argmap, documents = make_corpus()
    argmap["claims"][0]["start_char"] += 3
    view = build_view(argmap, documents)
    assert view["claims"][0]["hl"] is None
    assert "do not match" in caplog.text


def test_view_carries_overview_and_key_points():
    argmap, documents = make_corpus()
    view = build_view(argmap, documents, run_info={"neutral_label": "neutral"})
    colours = {label["name"]: label["colour"] for label in view["labels"]}
    assert colours["neutral"] == "#868e96" and len(set(colours.values())) == 4
    assert [p["stance"] for p in view["positions"]] == ["pro-sales", "pro-marketing", "pro-strategy", "neutral"]
    assert {kp["id"]: kp["stance"] for kp in view["key_points"]} == {
        "kp-0": "pro-sales", "kp-1": "pro-marketing", "kp-2": "pro-strategy"}
    claim_kp = {c["text"]: c["kp"] for c in view["claims"]}
    assert claim_kp["Positioning decides which customers you even call."] == "kp-2"
    assert claim_kp["Most founders never define their market at all."] is None
    assert view["run"]["corpora"] == ["blogs", "notes"]
