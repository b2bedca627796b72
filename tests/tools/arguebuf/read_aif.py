"""Read an xAIF file with arguebuf and print, as JSON, what arguebuf's graph holds.

Runs in this folder's own environment (requirements.txt): arguebuf pins lxml below 6, which the
project's HTML reader cannot use, so it is kept out of the project's environment.

    .venv/bin/python read_aif.py path/to/argmap.aif.json

Two of arguebuf's loaders are used: `load.xaif` on the whole file (its format detection cannot
see through the {"AIF": ...} wrapper, so `load.file` does not apply) and `load.aif` on the inner
AIF object, the one that reads node timestamps. Both keep I-nodes and RA/CA/MA/PA scheme nodes;
arguebuf's graph has no node type for locutions (L) or their YA anchors, so it skips them and the
edges that touch them, logging one warning per skipped edge.
"""

from __future__ import annotations

import json
import logging
import sys
from collections import Counter
from importlib.metadata import version

import arguebuf
from arguebuf.model.scheme import Attack, Preference, Rephrase, Support

AIF_TYPE = {Support: "RA", Attack: "CA", Rephrase: "MA", Preference: "PA"}


class _Count(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def describe(graph) -> dict:
    schemes = Counter(AIF_TYPE.get(type(node.scheme), "none") for node in graph.scheme_nodes.values())
    return {
        "atoms": len(graph.atom_nodes),
        "schemes": dict(sorted(schemes.items())),
        "edges": len(graph.edges),
        "atom_texts": {node_id: node.plain_text for node_id, node in graph.atom_nodes.items()},
        "edge_ends": sorted([e.source.id, e.target.id] for e in graph.edges.values()),
    }


def main(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        obj = json.load(f)
    counter = _Count()
    logging.getLogger().addHandler(counter)
    xaif_graph = arguebuf.load.xaif(obj)
    skipped_xaif = len(counter.messages)
    aif_graph = arguebuf.load.aif(obj["AIF"])
    out = {
        "arguebuf": version("arguebuf"),
        "xaif": {**describe(xaif_graph), "skipped_edges": skipped_xaif},
        "aif": {**describe(aif_graph), "skipped_edges": len(counter.messages) - skipped_xaif,
                "atom_created": {node_id: node.metadata.created.format("YYYY-MM-DD HH:mm:ss")
                                 for node_id, node in aif_graph.atom_nodes.items()}},
    }
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])
