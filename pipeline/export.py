"""Write the argument map in the formats argument-mapping tools read: AIF, Argdown, GraphML."""

from __future__ import annotations

import json
import re
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from pipeline.people import is_named


def _claims(argmap: dict) -> dict[str, dict]:
    return {c["id"]: c for c in argmap["claims"]}


def to_aif(argmap: dict) -> dict:
    """xAIF JSON: an I-node per claim, an L-node per locution (who said it) anchored by a YA
    'Asserting' node, RA nodes for support and CA nodes for attack between claims."""
    nodes, edges, locutions, participants = [], [], [], []
    person_ids: dict[str, int] = {}
    counter = {"node": 0, "edge": 0}

    def node(text: str, type_: str, **extra) -> str:
        counter["node"] += 1
        nid = str(counter["node"])
        nodes.append({"nodeID": nid, "text": text, "type": type_, "timestamp": "", **extra})
        return nid

    def edge(src: str, dst: str) -> None:
        counter["edge"] += 1
        edges.append({"edgeID": str(counter["edge"]), "fromID": src, "toID": dst, "formEdgeID": None})

    i_node: dict[str, str] = {}
    for claim in argmap["claims"]:
        i_node[claim["id"]] = node(claim["text"], "I", claimID=claim["id"])
        speaker = claim["speaker"]  # one participant per person, named or not
        if speaker not in person_ids:
            person_ids[speaker] = len(person_ids) + 1
            first, _, last = speaker.partition(" ") if is_named(speaker) else (speaker, "", "")
            participants.append({"participantID": person_ids[speaker], "firstname": first, "surname": last})
        l_id = node(f"{speaker}: {claim['text']}", "L")
        locutions.append({"nodeID": l_id, "personID": person_ids[speaker], "timestamp": "",
                          "source": claim["doc_id"], "start": claim["start_char"], "end": claim["end_char"]})
        ya = node("Asserting", "YA")
        edge(l_id, ya)
        edge(ya, i_node[claim["id"]])
    for rel in argmap["relations"]:
        if rel["level"] != "claim" or rel["relation"] == "reply":
            continue
        if rel["source_id"] not in i_node or rel["target_id"] not in i_node:
            continue
        kind = "RA" if rel["relation"] == "support" else "CA"
        text = "Default Inference" if kind == "RA" else "Default Conflict"
        s = node(text, kind, reason=rel["reason"], score=rel["score"])
        edge(i_node[rel["source_id"]], s)
        edge(s, i_node[rel["target_id"]])
    return {"AIF": {"nodes": nodes, "edges": edges, "locutions": locutions,
                    "participants": participants, "schemefulfillments": []},
            "text": "", "OVA": {}}


def _argdown_text(text: str) -> str:
    # Brackets, angle brackets and line breaks carry syntax in Argdown.
    out = " ".join(text.split())
    for ch, rep in (("[", "("), ("]", ")"), ("<", "‹"), (">", "›")):
        out = out.replace(ch, rep)
    return out


def to_argdown(argmap: dict) -> str:
    """Argdown: a heading per position, a statement per key point with its member claims
    supporting it, then the claim-level support and attack relations."""
    claims = _claims(argmap)
    title = {cid: f"C{i + 1}" for i, cid in enumerate(sorted(claims))}
    lines = ["===", "title: argmap", "===", ""]
    for pos in argmap["positions"]:
        lines += [f"# {pos['stance']}", "", f"// {_argdown_text(pos['description'])}", ""]
        for kp in pos["key_points"]:
            lines.append(f"[{kp['id']}]: {_argdown_text(kp['label'])} #({pos['stance']})")
            for cid in kp["claim_ids"]:
                c = claims[cid]
                lines.append(f"  + [{title[cid]}]: {_argdown_text(c['text'])} #({c['stance']})")
            lines.append("")
        for cid in pos["unclustered_claim_ids"]:
            lines.append(f"[{title[cid]}]: {_argdown_text(claims[cid]['text'])} #({pos['stance']})")
        lines.append("")
    rels = [r for r in argmap["relations"] if r["level"] == "claim" and r["relation"] != "reply"]
    if rels:
        lines += ["# Relations between claims", ""]
        by_target: dict[str, list[dict]] = {}
        for r in rels:
            by_target.setdefault(r["target_id"], []).append(r)
        for target in sorted(by_target):
            lines.append(f"[{title[target]}]")
            for r in by_target[target]:
                sign = "+" if r["relation"] == "support" else "-"
                lines.append(f"  {sign} [{title[r['source_id']]}]")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def to_graph(argmap: dict) -> nx.MultiDiGraph:
    """Positions, key points, claims and documents as nodes; membership and relations as edges."""
    g = nx.MultiDiGraph()
    for pos in argmap["positions"]:
        pid = f"position:{pos['stance']}"
        g.add_node(pid, kind="position", label=pos["stance"], n_claims=pos["n_claims"])
        for kp in pos["key_points"]:
            kid = f"keypoint:{kp['id']}"
            g.add_node(kid, kind="key_point", label=kp["label"], size=kp["size"],
                       keywords=json.dumps(kp["keywords"], ensure_ascii=False))
            g.add_edge(kid, pid, key="in_position", relation="in_position")
    for doc in argmap["documents"]:
        g.add_node(f"doc:{doc['doc_id']}", kind="document", label=doc["title"] or doc["doc_id"],
                   doc_kind=doc["kind"], author=doc["author"] or "", speaker=doc["speaker"])
    for c in argmap["claims"]:
        cid = f"claim:{c['id']}"
        g.add_node(cid, kind="claim", label=c["text"], stance=c["stance"], stance_score=c["stance_score"],
                   doc_id=c["doc_id"], start_char=c["start_char"], end_char=c["end_char"],
                   author=c["author"] or "", speaker=c["speaker"])
        g.add_edge(cid, f"doc:{c['doc_id']}", key="said_in", relation="said_in")
        if c["cluster_id"] >= 0:
            g.add_edge(cid, f"keypoint:kp-{c['cluster_id']}", key="member_of", relation="member_of")
    prefix = {"document": "doc:", "claim": "claim:", "key_point": "keypoint:"}
    for i, r in enumerate(argmap["relations"]):
        p = prefix[r["level"]]
        src, dst = p + r["source_id"], p + r["target_id"]
        if src in g and dst in g:
            g.add_edge(src, dst, key=f"rel{i}", relation=r["relation"], score=r["score"], reason=r["reason"])
    return g


_GRAPHML_TYPES = ((bool, "boolean"), (int, "long"), (float, "double"), (str, "string"))
# Characters XML 1.0 forbids even escaped; corpus text is untrusted, so they are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value) -> str:
    return escape(_NOT_XML.sub("", str(value)))


def to_graphml(argmap: dict) -> str:
    """`to_graph` as GraphML text (the layout networkx writes, and reads back with the same types).

    Written directly: networkx's writer infers each value's type one element at a time and took
    2 s on a 10k-claim map.
    """
    g = to_graph(argmap)
    keys: dict[tuple[str, str], tuple[str, str]] = {}  # (for, name) -> (id, type)

    def key(kind: str, name: str, value) -> str:
        if (kind, name) not in keys:
            xml_type = next(t for py, t in _GRAPHML_TYPES if isinstance(value, py))
            keys[(kind, name)] = (f"d{len(keys)}", xml_type)
        return keys[(kind, name)][0]

    def data_lines(kind: str, attrs: dict) -> list[str]:
        return [f'  <data key="{key(kind, name, value)}">{_xml_text(value)}</data>'
                for name, value in attrs.items() if value is not None]

    body = []
    for node, attrs in g.nodes(data=True):
        body += [f"<node id={quoteattr(_NOT_XML.sub('', node))}>", *data_lines("node", attrs), "</node>"]
    for src, dst, edge_key, attrs in g.edges(keys=True, data=True):
        body += [f"<edge source={quoteattr(_NOT_XML.sub('', src))} target={quoteattr(_NOT_XML.sub('', dst))} "
                 f"id={quoteattr(str(edge_key))}>", *data_lines("edge", attrs), "</edge>"]
    head = [
        "<?xml version='1.0' encoding='utf-8'?>",
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
        *(f'<key id="{kid}" for="{kind}" attr.name={quoteattr(name)} attr.type="{xml_type}"/>'
          for (kind, name), (kid, xml_type) in keys.items()),
        '<graph edgedefault="directed">',
    ]
    return "\n".join(head + body + ["</graph>", "</graphml>"]) + "\n"
