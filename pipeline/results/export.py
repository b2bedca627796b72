"""Write the argument map in the formats argument-mapping tools read: xAIF, Argdown, GraphML.

Every format carries the same map: positions, key points with their member claims, claims, the
relations between claims and between key points, the speakers and the provenance (document,
character offsets, reply thread). Each says it in its own idiom; what a format has no place for
goes into a field its readers may ignore (`argmap` in xAIF, YAML data in Argdown, typed GraphML
attributes).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from pipeline.people import is_named

EXTENSION = "argmap"  # the key of this project's fields inside xAIF objects

# ---------------------------------------------------------------------------------------------
# The map as every format sees it


def speaker_names(argmap: dict) -> dict[str, str]:
    """speaker id -> the name a reader is shown.

    A named person keeps the name the page gives. Someone the page leaves unnamed is called by
    their place on it ('unnamed commenter 2', 'unnamed author'), never by the file the page was
    saved in; two of them on different pages stay two speakers by their ids.
    """
    names: dict[str, str] = {}
    for d in sorted(argmap["documents"], key=lambda d: d["doc_id"]):
        speaker = d["speaker"]
        if speaker in names:
            continue
        if is_named(speaker):
            names[speaker] = speaker
        elif d["kind"] == "comment" and d.get("comment_n") is not None:
            names[speaker] = f"unnamed commenter {_whole(d['comment_n'])}"
        else:
            names[speaker] = "unnamed author"
    for c in argmap["claims"]:
        names.setdefault(c["speaker"], c["speaker"] if is_named(c["speaker"]) else "unnamed writer")
    return names


def _page_titles(argmap: dict) -> dict[tuple[str, str], str]:
    """(corpus, source) -> the title of the page's article, where it has one."""
    titles: dict[tuple[str, str], str] = {}
    for d in sorted(argmap["documents"], key=lambda d: d["doc_id"]):
        if d["kind"] == "article" and d.get("title"):
            titles.setdefault((d["corpus"], d["source"]), d["title"])
    return titles


class _Layout:
    """Where each claim sits (a key point, or unclustered in a position) and which relations hold."""

    def __init__(self, argmap: dict):
        self.claims = {c["id"]: c for c in argmap["claims"]}
        self.positions = argmap["positions"]
        self.key_points = {kp["id"]: kp for pos in self.positions for kp in pos["key_points"]}
        self.position_of_kp = {kp["id"]: pos["stance"] for pos in self.positions for kp in pos["key_points"]}
        self.kp_of_claim: dict[str, str] = {}
        for kp_id, kp in self.key_points.items():
            for cid in kp["claim_ids"]:
                if cid in self.claims:
                    self.kp_of_claim.setdefault(cid, kp_id)
        placed = set(self.kp_of_claim)
        self.unclustered: dict[str, list[str]] = {}
        self.position_of_claim = {cid: self.position_of_kp[kp_id] for cid, kp_id in self.kp_of_claim.items()}
        for pos in self.positions:
            mine = [cid for cid in pos["unclustered_claim_ids"] if cid in self.claims and cid not in placed]
            placed.update(mine)
            self.unclustered[pos["stance"]] = mine
            self.position_of_claim.update(dict.fromkeys(mine, pos["stance"]))
        # The schema does not forbid a claim the positions leave out; no format may drop it.
        self.unplaced = [cid for cid in self.claims if cid not in placed]
        relations = argmap["relations"]
        self.claim_relations = [r for r in relations if r["level"] == "claim" and r["relation"] != "reply"
                                and r["source_id"] in self.claims and r["target_id"] in self.claims]
        self.kp_relations = [r for r in relations if r["level"] == "key_point" and r["relation"] != "reply"
                             and r["source_id"] in self.key_points and r["target_id"] in self.key_points]
        self.document_relations = [r for r in relations if r["level"] == "document"]

    def members(self, kp_id: str) -> list[str]:
        return [cid for cid in self.key_points[kp_id]["claim_ids"] if self.kp_of_claim.get(cid) == kp_id]


def _document_rows(documents) -> dict[str, dict]:
    """doc_id -> row of a documents table (a DataFrame or rows as mappings)."""
    if documents is None:
        return {}
    rows = documents.to_dict("records") if hasattr(documents, "to_dict") else list(documents)
    return {r["doc_id"]: r for r in rows}


def _whole(value):
    """A count or position as an int: the map may hold one as a whole float (1.0) after pandas."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _present(value) -> bool:
    if value is None:
        return False
    try:
        return not (value != value)  # NaN and pandas' missing values are unequal to themselves
    except (TypeError, ValueError):
        return True


# ---------------------------------------------------------------------------------------------
# xAIF

AIF_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # AIFdb's timestamp form, e.g. 2016-11-09 10:16:43
# The default scheme of each node type and its id in the AIFdb scheme table.
AIF_SCHEMES = {
    "RA": ("Default Inference", "72"),
    "CA": ("Default Conflict", "71"),
    "MA": ("Default Rephrase", "144"),
    "YA": ("Asserting", "74"),
}


def aif_timestamp(value) -> str | None:
    """A publication date as AIF writes it ('YYYY-MM-DD HH:MM:SS', UTC), or None if unreadable.

    Readers give ISO 8601 (a page's <time datetime>, a JSONL field) or an RFC 2822 date (feeds);
    a date without a time is taken at midnight.
    """
    if not _present(value) or not str(value).strip():
        return None
    text = str(value).strip()
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when.strftime(AIF_TIME_FORMAT)


def _html_text(text: str) -> str:
    return html.escape(text, quote=False).replace("\r\n", "\n").replace("\n", "<br>")


def _marked_text(argmap: dict, rows: dict[str, dict], l_node_of: dict[str, str]) -> str | None:
    """The documents' text with each claim's locution wrapped in OVA's span marker
    (<span class="highlighted" id="node{L-node id}">), documents one after another."""
    claims_by_doc: dict[str, list[dict]] = {}
    for c in argmap["claims"]:
        claims_by_doc.setdefault(c["doc_id"], []).append(c)
    parts = []
    for d in sorted(argmap["documents"], key=lambda d: d["doc_id"]):
        text = rows.get(d["doc_id"], {}).get("text")
        if not _present(text) or not text:
            continue
        spans = []
        for c in claims_by_doc.get(d["doc_id"], []):
            start = c["start_char"] - d["start_char"]
            end = c["end_char"] - d["start_char"]
            if text[start:end] != c["text"]:
                start = text.find(c["text"])  # offsets that do not frame the text: find it instead
                if start < 0:
                    continue
                end = start + len(c["text"])
            spans.append((start, end, l_node_of[c["id"]]))
        out, pos = [], 0
        for start, end, node_id in sorted(spans):
            if start < pos:
                continue  # overlapping spans cannot nest in HTML; the first keeps its marker
            out.append(_html_text(text[pos:start]))
            out.append(f'<span class="highlighted" id="node{node_id}">{_html_text(text[start:end])}</span>')
            pos = end
        out.append(_html_text(text[pos:]))
        parts.append("".join(out))
    return "<br><br>".join(parts) if parts else None


def to_aif(argmap: dict, documents=None) -> dict:
    """xAIF JSON (the form arg-tech's xaif package and OVA read).

    Claims are I-nodes, each asserted (YA 'Asserting') by its locution (L-node, 'speaker: text')
    with a participant per speaker; a key point is an I-node its members rephrase (claim -> MA
    'Default Rephrase' -> key point); support and attack between claims and between key points
    are RA and CA nodes. `documents` (the documents table, optional) gives the source text, put
    under `text` with a span marker per locution, and publication dates, written as timestamps;
    without a date a node carries no timestamp field. Positions, scores, character offsets and
    the reply thread are under `argmap` keys, which AIF readers ignore.
    """
    layout = _Layout(argmap)
    rows = _document_rows(documents)
    names = speaker_names(argmap)
    titles = _page_titles(argmap)
    docs = {d["doc_id"]: d for d in argmap["documents"]}
    published = {doc_id: aif_timestamp(r.get("published")) for doc_id, r in rows.items()}
    nodes: list[dict] = []
    edges: list[dict] = []
    locutions: list[dict] = []
    participants: list[dict] = []
    fulfilments: list[dict] = []

    def node(type_: str, text: str, *, timestamp: str | None = None, extra: dict | None = None) -> str:
        node_id = str(len(nodes) + 1)
        entry: dict[str, Any] = {"nodeID": node_id, "text": text, "type": type_}
        if type_ in AIF_SCHEMES:
            entry["scheme"], entry["schemeID"] = AIF_SCHEMES[type_]
            fulfilments.append({"nodeID": node_id, "schemeID": AIF_SCHEMES[type_][1]})
        if timestamp:
            entry["timestamp"] = timestamp
        if extra:
            entry[EXTENSION] = extra
        nodes.append(entry)
        return node_id

    def edge(src: str, dst: str) -> None:
        edges.append({"edgeID": str(len(edges) + 1), "fromID": src, "toID": dst, "formEdgeID": None})

    kp_node: dict[str, str] = {}
    for pos in layout.positions:
        for kp in pos["key_points"]:
            kp_node[kp["id"]] = node("I", kp["label"], extra={
                "key_point_id": kp["id"], "position": pos["stance"], "size": kp["size"],
                "keywords": kp["keywords"], "n_documents": kp["n_documents"],
                "stance_shares": kp["stance_shares"], "representative_claim_id": kp["representative_claim_id"]})

    person: dict[str, int] = {}
    claim_node: dict[str, str] = {}
    l_node: dict[str, str] = {}
    for claim in argmap["claims"]:
        speaker = claim["speaker"]
        if speaker not in person:
            person[speaker] = len(person) + 1
            shown = names[speaker]
            first, _, last = shown.partition(" ") if is_named(speaker) else (shown, "", "")
            doc = docs.get(claim["doc_id"], {})
            participants.append({
                "participantID": person[speaker], "firstname": first, "surname": last,
                EXTENSION: {"speaker_id": speaker,
                            "page": titles.get((doc.get("corpus"), doc.get("source")), claim["source"])}})
        when = published.get(claim["doc_id"])
        offsets = {"claim_id": claim["id"], "doc_id": claim["doc_id"],
                   "start_char": claim["start_char"], "end_char": claim["end_char"]}
        l_id = node("L", f"{names[speaker]}: {claim['text']}", timestamp=when, extra=offsets)
        l_node[claim["id"]] = l_id
        locution: dict[str, Any] = {"nodeID": l_id, "personID": person[speaker], "source": claim["doc_id"]}
        if when:
            locution["timestamp"] = locution["start"] = when
        locution[EXTENSION] = offsets
        locutions.append(locution)
        ya = node("YA", AIF_SCHEMES["YA"][0], timestamp=when)
        claim_node[claim["id"]] = node("I", claim["text"], timestamp=when, extra={
            "claim_id": claim["id"], "stance": claim["stance"], "key_point_id": layout.kp_of_claim.get(claim["id"]),
            "stance_score": claim["stance_score"], "claim_score": claim["claim_score"],
            "strength_score": claim["strength_score"]})
        edge(l_id, ya)
        edge(ya, claim_node[claim["id"]])

    for kp_id in kp_node:
        for cid in layout.members(kp_id):
            ma = node("MA", AIF_SCHEMES["MA"][0])
            edge(claim_node[cid], ma)
            edge(ma, kp_node[kp_id])

    for rels, ids, level in ((layout.claim_relations, claim_node, "claim"),
                             (layout.kp_relations, kp_node, "key_point")):
        for rel in rels:
            kind = "RA" if rel["relation"] == "support" else "CA"
            s = node(kind, AIF_SCHEMES[kind][0],
                     extra={"level": level, "score": rel["score"], "reason": rel["reason"]})
            edge(ids[rel["source_id"]], s)
            edge(s, ids[rel["target_id"]])

    out: dict[str, Any] = {
        "AIF": {"nodes": nodes, "edges": edges, "locutions": locutions, "participants": participants,
                "schemefulfillments": fulfilments, "descriptorfulfillments": []},
        "dialog": bool(locutions),
    }
    text = _marked_text(argmap, rows, l_node)
    if text is not None:
        out["text"] = text
    out[EXTENSION] = {
        "schema_version": argmap.get("schema_version"),
        "positions": [
            {**{k: pos[k] for k in ("stance", "description", "n_claims", "share_of_claims", "n_people",
                                    "n_people_leaning", "share_of_people", "n_documents")},
             "key_point_node_ids": [kp_node[kp["id"]] for kp in pos["key_points"]],
             "unclustered_claim_node_ids": [claim_node[cid] for cid in layout.unclustered[pos["stance"]]]}
            for pos in layout.positions
        ],
        "unplaced_claim_node_ids": [claim_node[cid] for cid in layout.unplaced],
        "documents": [
            {**{k: _whole(d[k]) for k in ("doc_id", "corpus", "source", "kind", "comment_n", "parent_doc_id",
                                          "title", "start_char", "end_char")},
             "speaker": names.get(d["speaker"], d["speaker"]), "speaker_id": d["speaker"],
             **({"published": published[d["doc_id"]]} if published.get(d["doc_id"]) else {})}
            for d in sorted(argmap["documents"], key=lambda d: d["doc_id"])
        ],
        "document_relations": layout.document_relations,
    }
    return out


# ---------------------------------------------------------------------------------------------
# Argdown

# Characters that open Argdown syntax anywhere in a line (references, tags, data, comments,
# emphasis, mentions); a backslash makes each a plain character again.
_ARGDOWN_ESCAPE = re.compile(r"[\\\[\]{}<>#*_@/=]")
# '.word.' and ':word:' are Argdown shortcodes (':) -> emoji); escaping the opening mark keeps the text.
_ARGDOWN_SHORTCODE = re.compile(r"(?=(\.[^\s]+?\.|:[^\s]+?:))[.:]")


def argdown_text(text: str) -> str:
    """`text` on one line with every Argdown control character escaped (the parser reads it back verbatim)."""
    out = " ".join(text.split())
    out = _ARGDOWN_ESCAPE.sub(lambda m: "\\" + m.group(0), out)
    return _ARGDOWN_SHORTCODE.sub(lambda m: "\\" + m.group(0), out)


_YAML_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _yaml_key(key) -> str:
    return key if _YAML_PLAIN_KEY.fullmatch(str(key)) else _yaml_value(str(key))


def _yaml_value(value) -> str:
    """A value as YAML flow syntax that Argdown's data and front-matter tokens cannot misread:
    braces and '=' inside strings are written as escapes."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_yaml_key(k)}: {_yaml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_yaml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return (json.dumps(value, ensure_ascii=False)
                .replace("{", "\\u007b").replace("}", "\\u007d").replace("=", "\\u003d"))
    if value is None or isinstance(value, (bool, int, float)):
        return json.dumps(value)
    raise TypeError(f"no YAML form for {type(value).__name__}")


def _tag(stance: str) -> str:
    return f"#({stance.replace(')', ']').replace('(', '[')})"


def to_argdown(argmap: dict) -> str:
    """Argdown: a section per position, a subsection per key point holding the key point's
    statement and its member claims, the position's unclustered claims before them, then the
    support (+) and attack (-) relations between claims and between key points.

    Every statement is tagged with its stance and carries its provenance and scores as YAML
    data; the front matter holds the documents and their reply thread. Top-level blocks are
    separated by blank lines, as Argdown requires.
    """
    layout = _Layout(argmap)
    names = speaker_names(argmap)
    title = {cid: f"C{i + 1}" for i, cid in enumerate(sorted(layout.claims))}
    def details(rel: dict, source: str) -> dict:
        return {"from": source, "relation": rel["relation"], "score": rel["score"], "reason": rel["reason"]}

    incoming: dict[str, list[dict]] = {}
    for rel in layout.claim_relations:
        incoming.setdefault(rel["target_id"], []).append(details(rel, title[rel["source_id"]]))
    kp_incoming: dict[str, list[dict]] = {}
    for rel in layout.kp_relations:
        kp_incoming.setdefault(rel["target_id"], []).append(details(rel, rel["source_id"]))
    front = {
        "schema_version": argmap.get("schema_version"),
        "documents": [
            {"doc_id": d["doc_id"], "kind": d["kind"], "title": d["title"],
             "speaker": names.get(d["speaker"], d["speaker"]), "speaker_id": d["speaker"],
             "parent_doc_id": d["parent_doc_id"], "comment_n": _whole(d["comment_n"]),
             "corpus": d["corpus"], "source": d["source"], "start_char": d["start_char"], "end_char": d["end_char"]}
            for d in sorted(argmap["documents"], key=lambda d: d["doc_id"])
        ],
        "document_relations": layout.document_relations,
    }
    blocks = ["\n".join([
        "===",
        "title: Argument map",
        "model:",
        "  removeTagsFromText: true",
        f"argmap: {_yaml_value(front)}",
        "===",
    ])]

    def claim_block(cid: str) -> str:
        c = layout.claims[cid]
        data = {"id": c["id"], "speaker": names[c["speaker"]], "speaker_id": c["speaker"], "author": c["author"],
                "doc_id": c["doc_id"], "start_char": c["start_char"], "end_char": c["end_char"],
                "stance_score": c["stance_score"], "claim_score": c["claim_score"],
                "strength_score": c["strength_score"]}
        if cid in incoming:
            data["incoming"] = incoming[cid]
        return f"[{title[cid]}]: {argdown_text(c['text'])} {_tag(c['stance'])} {_yaml_value(data)}"

    for pos in layout.positions:
        data = {k: pos[k] for k in ("description", "n_claims", "share_of_claims", "n_people", "n_people_leaning",
                                    "share_of_people", "n_documents")}
        data["strongest_claims"] = [title[cid] for cid in pos["strongest_claim_ids"] if cid in title]
        blocks.append(f"# {argdown_text(pos['stance'])} {_yaml_value(data)}")
        blocks += [claim_block(cid) for cid in layout.unclustered[pos["stance"]]]
        for kp in pos["key_points"]:
            keywords = ", ".join(kp["keywords"])
            blocks.append(f"## {argdown_text(kp['id'] + (f' ({keywords})' if keywords else ''))}")
            data = {"key_point_id": kp["id"], "size": kp["size"], "keywords": kp["keywords"],
                    "n_documents": kp["n_documents"], "stance_shares": kp["stance_shares"], "authors": kp["authors"],
                    "representative": title.get(kp["representative_claim_id"])}
            if kp["id"] in kp_incoming:
                data["incoming"] = kp_incoming[kp["id"]]
            blocks.append(f"[{kp['id']}]: {argdown_text(kp['label'])} {_tag(pos['stance'])} {_yaml_value(data)}")
            blocks += [claim_block(cid) for cid in layout.members(kp["id"])]
    if layout.unplaced:
        blocks.append("# Claims in no position")
        blocks += [claim_block(cid) for cid in layout.unplaced]

    def relation_blocks(heading: str, rels: list[dict], name) -> None:
        if not rels:
            return
        blocks.append(f"# {heading}")
        by_target: dict[str, list[dict]] = {}
        for r in rels:
            by_target.setdefault(r["target_id"], []).append(r)
        for target in sorted(by_target, key=name):
            lines = [f"[{name(target)}]"]
            for r in by_target[target]:
                lines.append(f"  {'+' if r['relation'] == 'support' else '-'} [{name(r['source_id'])}]")
            blocks.append("\n".join(lines))

    relation_blocks("Relations between claims", layout.claim_relations, lambda cid: title[cid])
    relation_blocks("Relations between key points", layout.kp_relations, lambda kp_id: kp_id)
    return "\n\n".join(blocks) + "\n"


# ---------------------------------------------------------------------------------------------
# GraphML

# Every attribute's GraphML type, declared once, so a reader never guesses from the values
# (networkx reads long as int, double as float; igraph keeps every number as a double).
GRAPHML_NODE_ATTRIBUTES: dict[str, str] = {
    "kind": "string",  # position, key_point, claim or document
    "label": "string",  # stance, key point label, claim text, document title (or id)
    "description": "string", "stance": "string", "position": "string",
    "n_claims": "long", "share_of_claims": "double", "n_people": "long", "n_people_leaning": "long",
    "share_of_people": "double", "n_documents": "long",
    "size": "long", "keywords": "string", "authors": "string", "stance_shares": "string",
    "representative_claim_id": "string", "cluster_id": "long",
    "doc_id": "string", "corpus": "string", "source": "string", "doc_kind": "string", "title": "string",
    "comment_n": "long", "parent_doc_id": "string", "addressed_to": "string",
    "start_char": "long", "end_char": "long",
    "author": "string", "speaker": "string", "speaker_id": "string",
    "stance_score": "double", "claim_score": "double", "strength_score": "double",
}
GRAPHML_EDGE_ATTRIBUTES: dict[str, str] = {
    # in_position, member_of, said_in, or the map's relation: support, attack, reply
    "relation": "string", "level": "string", "score": "double", "reason": "string",
}


def _json_text(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def to_graph(argmap: dict) -> nx.MultiDiGraph:
    """Positions, key points, claims and documents as nodes; membership, provenance and the
    map's relations (reply, support, attack at every level) as edges."""
    layout = _Layout(argmap)
    names = speaker_names(argmap)
    g = nx.MultiDiGraph()
    n_edges = 0

    def add_edge(src: str, dst: str, **attrs) -> None:
        nonlocal n_edges
        g.add_edge(src, dst, key=f"e{n_edges}", **attrs)
        n_edges += 1

    for pos in layout.positions:
        pid = f"position:{pos['stance']}"
        g.add_node(pid, kind="position", label=pos["stance"], stance=pos["stance"],
                   **{k: pos[k] for k in ("description", "n_claims", "share_of_claims", "n_people", "n_people_leaning",
                                          "share_of_people", "n_documents")})
        for kp in pos["key_points"]:
            g.add_node(f"keypoint:{kp['id']}", kind="key_point", label=kp["label"], position=pos["stance"],
                       size=kp["size"], cluster_id=kp["cluster_id"], n_documents=kp["n_documents"],
                       keywords=_json_text(kp["keywords"]), authors=_json_text(kp["authors"]),
                       stance_shares=_json_text(kp["stance_shares"]),
                       representative_claim_id=kp["representative_claim_id"])
    for d in sorted(argmap["documents"], key=lambda d: d["doc_id"]):
        attrs = {"kind": "document", "label": d["title"] or d["doc_id"], "doc_id": d["doc_id"], "corpus": d["corpus"],
                 "source": d["source"], "doc_kind": d["kind"], "title": d["title"], "comment_n": d["comment_n"],
                 "parent_doc_id": d["parent_doc_id"], "addressed_to": d["addressed_to"], "author": d["author"],
                 "speaker": names.get(d["speaker"], d["speaker"]), "speaker_id": d["speaker"],
                 "start_char": d["start_char"], "end_char": d["end_char"]}
        g.add_node(f"doc:{d['doc_id']}", **{k: v for k, v in attrs.items() if v is not None})
    for c in argmap["claims"]:
        attrs = {"kind": "claim", "label": c["text"], "stance": c["stance"],
                 "position": layout.position_of_claim.get(c["id"]),
                 "stance_score": c["stance_score"], "claim_score": c["claim_score"],
                 "strength_score": c["strength_score"], "cluster_id": c["cluster_id"], "doc_id": c["doc_id"],
                 "corpus": c["corpus"], "source": c["source"], "start_char": c["start_char"],
                 "end_char": c["end_char"], "author": c["author"], "speaker": names[c["speaker"]],
                 "speaker_id": c["speaker"]}
        g.add_node(f"claim:{c['id']}", **{k: v for k, v in attrs.items() if v is not None})
    for pos in layout.positions:
        pid = f"position:{pos['stance']}"
        for kp in pos["key_points"]:
            add_edge(f"keypoint:{kp['id']}", pid, relation="in_position")
        for cid in layout.unclustered[pos["stance"]]:
            add_edge(f"claim:{cid}", pid, relation="in_position")
    for kp_id in layout.key_points:
        for cid in layout.members(kp_id):
            add_edge(f"claim:{cid}", f"keypoint:{kp_id}", relation="member_of")
    for c in argmap["claims"]:
        if f"doc:{c['doc_id']}" in g:
            add_edge(f"claim:{c['id']}", f"doc:{c['doc_id']}", relation="said_in")
    prefix = {"document": "doc:", "claim": "claim:", "key_point": "keypoint:"}
    for r in argmap["relations"]:
        src, dst = prefix[r["level"]] + r["source_id"], prefix[r["level"]] + r["target_id"]
        if src in g and dst in g:
            add_edge(src, dst, relation=r["relation"], level=r["level"], score=r["score"], reason=r["reason"])
    return g


# Characters XML 1.0 forbids even escaped; corpus text is untrusted, so they are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value) -> str:
    return escape(_NOT_XML.sub("", str(value)))


def _graphml_value(name: str, xml_type: str, value) -> str:
    if xml_type == "long":
        value = _whole(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"GraphML attribute {name!r} is declared long, got {value!r}")
        return str(value)
    if xml_type == "double":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"GraphML attribute {name!r} is declared double, got {value!r}")
        return repr(float(value))
    if not isinstance(value, str):
        raise TypeError(f"GraphML attribute {name!r} is declared string, got {value!r}")
    return _xml_text(value)


def to_graphml(argmap: dict) -> str:
    """`to_graph` as GraphML text, each attribute with the type declared for it above.

    Written directly: networkx's writer infers each value's type one element at a time and took
    2 s on a 10k-claim map.
    """
    g = to_graph(argmap)
    key_id = {("node", n): f"n_{n}" for n in GRAPHML_NODE_ATTRIBUTES}
    key_id.update({("edge", n): f"e_{n}" for n in GRAPHML_EDGE_ATTRIBUTES})
    declared = {"node": GRAPHML_NODE_ATTRIBUTES, "edge": GRAPHML_EDGE_ATTRIBUTES}

    def data_lines(kind: str, attrs: dict) -> list[str]:
        lines = []
        for name, value in attrs.items():
            if value is None:
                continue
            if name not in declared[kind]:
                raise KeyError(f"GraphML {kind} attribute {name!r} has no declared type")
            lines.append(f'  <data key="{key_id[(kind, name)]}">'
                         f"{_graphml_value(name, declared[kind][name], value)}</data>")
        return lines

    body = []
    for node, attrs in g.nodes(data=True):
        body += [f"<node id={quoteattr(_NOT_XML.sub('', node))}>", *data_lines("node", attrs), "</node>"]
    for src, dst, edge_key, attrs in g.edges(keys=True, data=True):
        body += [f"<edge id={quoteattr(str(edge_key))} source={quoteattr(_NOT_XML.sub('', src))} "
                 f"target={quoteattr(_NOT_XML.sub('', dst))}>", *data_lines("edge", attrs), "</edge>"]
    head = [
        "<?xml version='1.0' encoding='utf-8'?>",
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
        *(f'<key id="{key_id[(kind, name)]}" for="{kind}" attr.name={quoteattr(name)} attr.type="{xml_type}"/>'
          for kind in ("node", "edge") for name, xml_type in declared[kind].items()),
        '<graph edgedefault="directed">',
    ]
    return "\n".join(head + body + ["</graph>", "</graphml>"]) + "\n"
