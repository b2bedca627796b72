"""AIF, Argdown and GraphML exports of a small map: well formed, complete, round-trippable."""

import io

import networkx as nx

from pipeline.export import to_aif, to_argdown, to_graphml


def test_aif_is_well_formed(tiny_map):
    _, _, doc = tiny_map
    aif = to_aif(doc)["AIF"]
    nodes = {n["nodeID"]: n for n in aif["nodes"]}
    assert len(nodes) == len(aif["nodes"])  # ids unique
    assert len({e["edgeID"] for e in aif["edges"]}) == len(aif["edges"])
    assert sum(n["type"] == "I" for n in nodes.values()) == len(doc["claims"])
    incoming = {nid: [e["fromID"] for e in aif["edges"] if e["toID"] == nid] for nid in nodes}
    outgoing = {nid: [e["toID"] for e in aif["edges"] if e["fromID"] == nid] for nid in nodes}
    schemes = [n for n in nodes.values() if n["type"] in {"RA", "CA"}]
    assert schemes, "the tiny thread has claim relations"
    for s in schemes:  # every RA/CA links I-nodes to I-nodes
        assert incoming[s["nodeID"]] and outgoing[s["nodeID"]]
        assert all(nodes[x]["type"] == "I" for x in incoming[s["nodeID"]] + outgoing[s["nodeID"]])
    assert {n["type"] for n in nodes.values()} <= {"I", "L", "YA", "RA", "CA"}
    assert all(e["fromID"] in nodes and e["toID"] in nodes for e in aif["edges"])
    speakers = {p["firstname"] for p in aif["participants"]}
    assert {"Ann", "Bo"} <= speakers


def test_argdown_has_positions_key_points_and_relations(tiny_map):
    _, _, doc = tiny_map
    text = to_argdown(doc)
    assert "# pro-marketing" in text and "[kp-0]:" in text
    assert "# Relations between claims" in text
    assert "\n  - [" in text  # the attack from the comment on the article
    assert text.endswith("\n")


def test_argdown_neutralises_syntax_in_text():
    doc = {"positions": [{"stance": "neutral", "description": "d", "key_points": [],
                          "unclustered_claim_ids": ["x"]}],
           "claims": [{"id": "x", "text": "a [link] <b>\nnext", "stance": "neutral"}], "relations": []}
    assert "a (link) ‹b› next" in to_argdown(doc)


def test_graphml_round_trips_through_networkx(tiny_map):
    _, _, doc = tiny_map
    text = to_graphml(doc)
    g = nx.read_graphml(io.BytesIO(text.encode("utf-8")), force_multigraph=True)
    kinds = nx.get_node_attributes(g, "kind")
    assert sum(k == "claim" for k in kinds.values()) == len(doc["claims"])
    assert "position:pro-marketing" in g and "keypoint:kp-0" in g
    relations = {d["relation"] for _, _, d in g.edges(data=True)}
    assert {"reply", "attack", "member_of", "said_in", "in_position"} <= relations
    claim = next(c for c in doc["claims"] if c["id"] == "c/a.txt#c1:s0")
    node = g.nodes["claim:c/a.txt#c1:s0"]
    assert (node["start_char"], node["end_char"], node["label"]) == (claim["start_char"], claim["end_char"], claim["text"])
