"""xAIF, Argdown and GraphML exports: the same map in each, in each format's idiom, read back by
the tools each format is made for (xaif, arguebuf, the Argdown CLI, networkx, igraph)."""

from __future__ import annotations

import html
import io
import json
import math
import re
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from export_checks import (
    ARGDOWN_MISSING,
    ARGUEBUF_MISSING,
    argdown_available,
    arguebuf_available,
    expected_counts,
    expected_texts,
    read_with_argdown,
    read_with_arguebuf,
    read_with_igraph,
    read_with_networkx,
    read_with_xaif,
)
from export_fixtures import make_thread_map

from pipeline.results.export import (
    AIF_SCHEMES,
    GRAPHML_EDGE_ATTRIBUTES,
    GRAPHML_NODE_ATTRIBUTES,
    aif_timestamp,
    argdown_text,
    speaker_names,
    to_aif,
    to_argdown,
    to_graphml,
)


@pytest.fixture(scope="module")
def thread():
    """(map, documents table) of the reply-thread fixture."""
    return make_thread_map()


def _norm(text: str) -> str:
    return " ".join(text.split())


# -- the map as every format names it -----------------------------------------------------------


def test_speakers_are_named_as_their_pages_name_them(thread):
    doc, _ = thread
    names = speaker_names(doc)
    assert names["Ann"] == "Ann" and names["Bo"] == "Bo"
    assert names["unnamed, a.txt comment 2"] == "unnamed commenter 2"
    assert names["unnamed, b.txt comment 2"] == "unnamed commenter 2"  # another page, another speaker id
    assert names["unnamed, b.txt article"] == "unnamed author"
    assert not any(".txt" in name for name in names.values())


def test_speaker_names_read_a_comment_number_stored_as_a_float():
    doc = {"documents": [{"doc_id": "c/p.txt#c1", "speaker": "unnamed, p.txt comment 1", "kind": "comment",
                          "comment_n": 1.0}], "claims": []}
    assert speaker_names(doc) == {"unnamed, p.txt comment 1": "unnamed commenter 1"}


@pytest.mark.parametrize("given, expected", [
    ("2021-03-04T09:30:00+01:00", "2021-03-04 08:30:00"),
    ("2021-03-04T09:30:00Z", "2021-03-04 09:30:00"),
    ("2021-03-05", "2021-03-05 00:00:00"),
    ("Tue, 09 Mar 2021 10:00:00 +0000", "2021-03-09 10:00:00"),
    ("not a date", None), ("", None), (None, None), (float("nan"), None),
])
def test_aif_timestamps_take_the_aif_form(given, expected):
    assert aif_timestamp(given) == expected


# -- xAIF -----------------------------------------------------------------------------------------


def _aif_index(aif: dict):
    nodes = {n["nodeID"]: n for n in aif["AIF"]["nodes"]}
    into: dict[str, list[str]] = {}
    out: dict[str, list[str]] = {}
    for e in aif["AIF"]["edges"]:
        out.setdefault(e["fromID"], []).append(e["toID"])
        into.setdefault(e["toID"], []).append(e["fromID"])
    return nodes, into, out


def test_aif_holds_key_points_members_and_relations(thread):
    doc, documents = thread
    aif = to_aif(doc, documents)
    nodes, into, out = _aif_index(aif)
    assert len(nodes) == len(aif["AIF"]["nodes"])
    assert len({e["edgeID"] for e in aif["AIF"]["edges"]}) == len(aif["AIF"]["edges"])
    assert all(e["fromID"] in nodes and e["toID"] in nodes for e in aif["AIF"]["edges"])
    counts = Counter(n["type"] for n in nodes.values())
    assert {t: counts[t] for t in ("I", "L", "YA", "MA", "RA", "CA")} == expected_counts(doc)["aif"]
    by_map_id = {n["argmap"].get("claim_id") or n["argmap"]["key_point_id"]: n
                 for n in nodes.values() if n["type"] == "I"}
    for kp in (kp for pos in doc["positions"] for kp in pos["key_points"]):
        kp_node = by_map_id[kp["id"]]
        assert kp_node["text"] == kp["label"]
        rephrased_by = {into[ma][0] for ma in into[kp_node["nodeID"]] if nodes[ma]["type"] == "MA"}
        assert rephrased_by == {by_map_id[cid]["nodeID"] for cid in kp["claim_ids"]}
    for rel in doc["relations"]:
        if rel["level"] not in ("claim", "key_point") or rel["relation"] == "reply":
            continue
        kind = "RA" if rel["relation"] == "support" else "CA"
        src, dst = by_map_id[rel["source_id"]]["nodeID"], by_map_id[rel["target_id"]]["nodeID"]
        assert any(nodes[s]["type"] == kind and dst in out[s] for s in out[src]), rel
    for claim in doc["claims"]:  # L -> YA 'Asserting' -> I, the L-node naming its speaker
        i_node = by_map_id[claim["id"]]
        (ya,) = [n for n in into[i_node["nodeID"]] if nodes[n]["type"] == "YA"]
        (l_id,) = into[ya]
        assert nodes[ya]["text"] == "Asserting"
        assert nodes[l_id]["text"] == f"{speaker_names(doc)[claim['speaker']]}: {claim['text']}"


def test_aif_fields_follow_the_format(thread):
    doc, documents = thread
    aif = to_aif(doc, documents)
    nodes = {n["nodeID"]: n for n in aif["AIF"]["nodes"]}
    for n in nodes.values():  # a timestamp is AIF's date-time or left out, never emptied
        assert "timestamp" not in n or re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", n["timestamp"])
    for loc in aif["AIF"]["locutions"]:
        assert isinstance(loc["personID"], int)
        assert all(loc.get(k) is None or re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", loc[k])
                   for k in ("start", "end", "timestamp"))
        ext = loc["argmap"]
        claim = next(c for c in doc["claims"] if c["id"] == ext["claim_id"])
        assert (ext["start_char"], ext["end_char"], ext["doc_id"]) == (claim["start_char"], claim["end_char"],
                                                                      claim["doc_id"])
    by_claim = {n["argmap"]["claim_id"]: n for n in nodes.values() if n["type"] == "L"}
    assert by_claim["blogs/a.txt#article:s00"]["timestamp"] == "2021-03-04 08:30:00"  # +01:00 -> UTC
    assert by_claim["blogs/a.txt#c1:s03"]["timestamp"] == "2021-03-05 00:00:00"
    assert "timestamp" not in by_claim["blogs/a.txt#c2:s05"]  # the page gives no date
    assert "timestamp" not in by_claim["notes/b.txt#article:s08"]  # 'not a date'
    fulfilled = {f["nodeID"]: f["schemeID"] for f in aif["AIF"]["schemefulfillments"]}
    schemed = {nid: n for nid, n in nodes.items() if n["type"] in AIF_SCHEMES}
    assert fulfilled == {nid: AIF_SCHEMES[n["type"]][1] for nid, n in schemed.items()}
    assert all(n["text"] == AIF_SCHEMES[n["type"]][0] for n in schemed.values())
    participants = {p["participantID"]: p for p in aif["AIF"]["participants"]}
    assert {f"{p['firstname']} {p['surname']}".strip() for p in participants.values()} == set(
        speaker_names(doc).values())
    assert not any(".txt" in p["firstname"] + p["surname"] for p in participants.values())
    assert all(loc["personID"] in participants for loc in aif["AIF"]["locutions"])
    assert aif["dialog"] is True
    positions = aif["argmap"]["positions"]
    assert [p["stance"] for p in positions] == [p["stance"] for p in doc["positions"]]
    assert {d["doc_id"]: d["parent_doc_id"] for d in aif["argmap"]["documents"]} == {
        d["doc_id"]: d["parent_doc_id"] for d in doc["documents"]}


def test_aif_text_marks_every_locution_in_the_source_text(thread):
    doc, documents = thread
    aif = to_aif(doc, documents)
    spans = dict(re.findall(r'<span class="highlighted" id="node(\d+)">(.*?)</span>', aif["text"], flags=re.S))
    l_nodes = {n["nodeID"]: n for n in aif["AIF"]["nodes"] if n["type"] == "L"}
    assert set(spans) == set(l_nodes)
    claims = {c["id"]: c for c in doc["claims"]}
    for node_id, marked in spans.items():
        assert html.unescape(marked.replace("<br>", "\n")) == claims[l_nodes[node_id]["argmap"]["claim_id"]]["text"]
    assert "<script>" not in aif["text"] and "&lt;script&gt;" in aif["text"]
    plain = html.unescape(re.sub(r"<[^>]+>", "", aif["text"].replace("<br>", "\n")))
    assert all(t in plain for t in documents["text"])  # the documents' text, whole


def test_aif_without_the_documents_table_has_no_text_and_no_timestamps(tiny_map):
    _, _, doc = tiny_map
    aif = to_aif(doc)
    assert "text" not in aif
    assert not any("timestamp" in n for n in aif["AIF"]["nodes"])
    assert not any("timestamp" in loc or "start" in loc for loc in aif["AIF"]["locutions"])


def test_aif_round_trips_through_xaif(thread):
    doc, documents = thread
    read = read_with_xaif(to_aif(doc, documents), doc)
    assert read["counts"] == expected_counts(doc)["aif"]
    assert read["locutions"] == len(doc["claims"])
    assert read["texts"] == expected_texts(doc)
    assert read["speakers"] == set(speaker_names(doc).values())


@pytest.mark.slow
@pytest.mark.skipif(not arguebuf_available(), reason=ARGUEBUF_MISSING)
def test_aif_round_trips_through_arguebuf(thread, tmp_path):
    doc, documents = thread
    path = tmp_path / "argmap.aif.json"
    aif = to_aif(doc, documents)
    path.write_text(json.dumps(aif, ensure_ascii=False), encoding="utf-8")
    read = read_with_arguebuf(path)
    want = expected_counts(doc)["aif"]
    texts = {n["nodeID"]: n["text"] for n in aif["AIF"]["nodes"] if n["type"] == "I"}
    kept = {n["nodeID"] for n in aif["AIF"]["nodes"] if n["type"] not in ("L", "YA")}
    kept_edges = sorted([e["fromID"], e["toID"]] for e in aif["AIF"]["edges"]
                        if e["fromID"] in kept and e["toID"] in kept)
    for loader in ("xaif", "aif"):
        got = read[loader]
        assert got["atoms"] == want["I"]
        assert got["schemes"] == {k: want[k] for k in ("CA", "MA", "RA") if want[k]}
        assert got["atom_texts"] == texts
        assert got["edge_ends"] == kept_edges  # every edge between nodes it models, none invented
        assert got["skipped_edges"] == 2 * want["L"]  # L -> YA and YA -> I: no place in its graph
    created = read["aif"]["atom_created"]
    by_claim = {n["argmap"].get("claim_id"): n["nodeID"] for n in aif["AIF"]["nodes"] if n["type"] == "I"}
    assert created[by_claim["blogs/a.txt#article:s00"]] == "2021-03-04 08:30:00"
    assert created[by_claim["blogs/a.txt#c3:s06"]] == "2021-03-09 10:00:00"


# -- Argdown --------------------------------------------------------------------------------------


def test_argdown_blocks_are_separated_by_blank_lines(thread):
    doc, _ = thread
    lines = to_argdown(doc).split("\n")
    for i, line in enumerate(lines):
        if i > 0 and (line.startswith("[") or line.startswith("#")):
            assert lines[i - 1] == "", f"line {i + 1} starts a block without a blank line: {line[:60]}"


def test_argdown_groups_members_under_their_key_point(thread):
    doc, _ = thread
    text = to_argdown(doc)
    sections = re.split(r"\n(?=#{1,2} )", text)
    kp0 = next(s for s in sections if s.startswith("## kp-0"))
    claims = {c["id"]: c for c in doc["claims"]}
    kp = doc["positions"][0]["key_points"][0]
    assert kp0.count("\n[C") == len(kp["claim_ids"])
    for cid in kp["claim_ids"]:
        assert argdown_text(claims[cid]["text"]) in kp0
    assert not re.search(r"^\s+[+-] ", kp0, flags=re.M)  # membership is grouping, not support
    assert "# Relations between key points" in text and "[kp-1]\n  - [kp-2]" in text


def test_argdown_text_escapes_syntax_and_keeps_the_words():
    raw = "a [link](x) <b> #tag {d} *s* _u_ e.g. :smile: a//b @[C1] === \\ x\nnext"
    out = argdown_text(raw)
    assert "\n" not in out
    assert re.sub(r"\\(.)", r"\1", out) == " ".join(raw.split())
    bare = re.sub(r"\\.", "", out)  # what is left once every escaped character is taken out
    assert not re.search(r"[\\\[\]{}<>#*_@/=]", bare)
    assert not re.search(r"\.[^\s]+?\.|:[^\s]+?:", bare)  # no shortcode ('.g.', ':smile:') left to turn into an emoji


@pytest.mark.slow
@pytest.mark.skipif(not argdown_available(), reason=ARGDOWN_MISSING)
def test_argdown_round_trips_through_the_argdown_cli(thread, tmp_path):
    doc, _ = thread
    path = tmp_path / "argmap.argdown"
    path.write_text(to_argdown(doc), encoding="utf-8")
    read = read_with_argdown(path, tmp_path)
    assert read["returncode"] == 0, read["stdout"] + read["stderr"]
    assert read["stderr"] == "" and not re.search(r"error|warn", read["stdout"], flags=re.I), read["stdout"]
    want = expected_counts(doc)["argdown"]
    assert {k: read[k] for k in want} == want
    assert read["texts"] == {k: _norm(v) for k, v in expected_texts(doc).items()}
    assert [s["title"] for s in read["sections"]][:4] == [p["stance"] for p in doc["positions"]]


# -- GraphML --------------------------------------------------------------------------------------


def test_graphml_declares_every_attribute_type(thread):
    doc, _ = thread
    text = to_graphml(doc)
    keys = re.findall(r'<key id="[^"]+" for="(node|edge)" attr.name="([^"]+)" attr.type="([^"]+)"/>', text)
    assert {(f, n): t for f, n, t in keys} == {
        **{("node", n): t for n, t in GRAPHML_NODE_ATTRIBUTES.items()},
        **{("edge", n): t for n, t in GRAPHML_EDGE_ATTRIBUTES.items()}}


def test_graphml_round_trips_through_networkx(thread, tmp_path):
    doc, _ = thread
    path = tmp_path / "argmap.graphml"
    path.write_text(to_graphml(doc), encoding="utf-8")
    read = read_with_networkx(path)
    assert read["counts"] == expected_counts(doc)["graphml"]
    g = read["graph"]
    for claim in doc["claims"]:
        node = g.nodes[f"claim:{claim['id']}"]
        assert node["label"] == claim["text"] and node["speaker_id"] == claim["speaker"]
        assert (node["start_char"], node["end_char"], node["cluster_id"]) == (
            claim["start_char"], claim["end_char"], claim["cluster_id"])
        assert all(type(node[k]) is int for k in ("start_char", "end_char", "cluster_id"))
    for kp in (kp for pos in doc["positions"] for kp in pos["key_points"]):
        assert g.nodes[f"keypoint:{kp['id']}"]["label"] == kp["label"]
        assert type(g.nodes[f"keypoint:{kp['id']}"]["size"]) is int
    kp_edges = {(u, v, d["relation"]) for u, v, d in g.edges(data=True) if d.get("level") == "key_point"}
    assert kp_edges == {(f"keypoint:{r['source_id']}", f"keypoint:{r['target_id']}", r["relation"])
                        for r in doc["relations"] if r["level"] == "key_point"}
    assert g.nodes["doc:blogs/a.txt#c2"]["comment_n"] == 2
    assert g.nodes["doc:blogs/a.txt#c2"]["speaker"] == "unnamed commenter 2"


def test_graphml_round_trips_through_igraph(thread, tmp_path):
    doc, _ = thread
    path = tmp_path / "argmap.graphml"
    path.write_text(to_graphml(doc), encoding="utf-8")
    read = read_with_igraph(path)
    assert read["counts"] == expected_counts(doc)["graphml"]
    g = read["graph"]
    claims = {c["id"]: c for c in doc["claims"]}
    for v in g.vs.select(kind="claim"):
        claim = claims[v["id"].removeprefix("claim:")]
        assert v["label"] == claim["text"]
        # igraph keeps every number as a double: whole numbers come back whole, as floats
        assert (v["start_char"], v["end_char"]) == (claim["start_char"], claim["end_char"])
        assert float(v["start_char"]).is_integer()
    for v in g.vs.select(kind="position"):
        assert not math.isnan(v["n_claims"]) and float(v["n_claims"]).is_integer()


def test_graphml_keeps_text_that_is_not_xml(tiny_map):
    _, _, doc = tiny_map
    doc["claims"][0]["text"] = "bad \x01 char & <tag>"
    g = nx.read_graphml(io.BytesIO(to_graphml(doc).encode("utf-8")), force_multigraph=True)
    assert g.nodes[f"claim:{doc['claims'][0]['id']}"]["label"] == "bad  char & <tag>"


# -- the seed map and its exports, as the seed run's `dvc repro` wrote them ----------------------


@pytest.fixture
def seed_outputs(seed_run) -> Path:
    return seed_run / "outputs"


@pytest.fixture
def seed_map(seed_outputs) -> dict:
    return json.loads((seed_outputs / "argmap.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_seed_aif_read_back_by_xaif(seed_map, seed_outputs):
    aif = json.loads((seed_outputs / "argmap.aif.json").read_text(encoding="utf-8"))
    read = read_with_xaif(aif, seed_map)
    assert read["counts"] == expected_counts(seed_map)["aif"]
    assert read["texts"] == expected_texts(seed_map)
    assert read["speakers"] == set(speaker_names(seed_map).values())
    # the argmap stage hands the documents table over: the source text, a marker per locution
    marked = re.findall(r'<span class="highlighted" id="node(\d+)">', aif.get("text", ""))
    assert len(marked) == len(set(marked)) == len(seed_map["claims"])


@pytest.mark.slow
@pytest.mark.skipif(not arguebuf_available(), reason=ARGUEBUF_MISSING)
def test_seed_aif_read_back_by_arguebuf(seed_map, seed_outputs):
    want = expected_counts(seed_map)["aif"]
    for loader in ("xaif", "aif"):
        read = read_with_arguebuf(seed_outputs / "argmap.aif.json")[loader]
        assert read["atoms"] == want["I"]
        assert read["schemes"] == {k: want[k] for k in ("CA", "MA", "RA") if want[k]}
        assert read["skipped_edges"] == 2 * want["L"]


@pytest.mark.slow
@pytest.mark.skipif(not argdown_available(), reason=ARGDOWN_MISSING)
def test_seed_argdown_read_back_by_the_argdown_cli(seed_map, seed_outputs, tmp_path):
    read = read_with_argdown(seed_outputs / "argmap.argdown", tmp_path)
    assert read["returncode"] == 0, read["stdout"] + read["stderr"]
    assert read["stderr"] == "" and not re.search(r"error|warn", read["stdout"], flags=re.I), read["stdout"]
    want = expected_counts(seed_map)["argdown"]
    assert {k: read[k] for k in want} == want
    assert read["texts"] == {k: _norm(v) for k, v in expected_texts(seed_map).items()}


@pytest.mark.slow
def test_seed_graphml_read_back_by_networkx_and_igraph(seed_map, seed_outputs):
    want = expected_counts(seed_map)["graphml"]
    assert read_with_networkx(seed_outputs / "argmap.graphml")["counts"] == want
    assert read_with_igraph(seed_outputs / "argmap.graphml")["counts"] == want
