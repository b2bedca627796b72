"""What each export of a map must hold, counted from the map itself, and the reference tools that
read the exports back: the Argdown CLI, xaif and arguebuf for xAIF, networkx and igraph for GraphML.

Shared by the fixture tests and the seed-map test; every check returns what the tool read, so a
failing assertion shows the two sides.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARGDOWN_DIR = ROOT / "tests" / "tools" / "argdown"
ARGDOWN_CLI = ARGDOWN_DIR / "node_modules" / "@argdown" / "cli" / "dist" / "cli.js"
ARGUEBUF_DIR = ROOT / "tests" / "tools" / "arguebuf"
ARGUEBUF_PYTHON = ARGUEBUF_DIR / ".venv" / "bin" / "python"

ARGDOWN_MISSING = ("the Argdown CLI is not installed: run `npm ci --prefix tests/tools/argdown` "
                   "(`make test` does) with Node 20 and npm on the PATH")
ARGUEBUF_MISSING = ("arguebuf's environment is missing: `make tools` builds tests/tools/arguebuf/.venv "
                    "from tests/tools/arguebuf/requirements.txt (`make test` does)")


def argdown_available() -> bool:
    return ARGDOWN_CLI.is_file() and shutil.which("node") is not None


def arguebuf_available() -> bool:
    return ARGUEBUF_PYTHON.is_file()


def _key_points(argmap: dict) -> list[dict]:
    return [kp for pos in argmap["positions"] for kp in pos["key_points"]]


def _argument_relations(argmap: dict) -> list[dict]:
    return [r for r in argmap["relations"] if r["level"] in ("claim", "key_point") and r["relation"] != "reply"]


def expected_counts(argmap: dict) -> dict[str, dict[str, int]]:
    """The map's own figures, per format."""
    claims, kps = argmap["claims"], _key_points(argmap)
    members = sum(len(kp["claim_ids"]) for kp in kps)
    rels = Counter(r["relation"] for r in _argument_relations(argmap))
    edges = Counter(r["relation"] for r in argmap["relations"])
    edges.update({"in_position": len(kps) + sum(len(p["unclustered_claim_ids"]) for p in argmap["positions"]),
                  "member_of": members, "said_in": len(claims)})
    return {
        "aif": {"I": len(claims) + len(kps), "L": len(claims), "YA": len(claims), "MA": members,
                "RA": rels["support"], "CA": rels["attack"]},
        "argdown": {"statements": len(claims) + len(kps), "relations": rels["support"] + rels["attack"],
                    "support": rels["support"], "attack": rels["attack"]},
        "graphml": {"position": len(argmap["positions"]), "key_point": len(kps), "claim": len(claims),
                    "document": len(argmap["documents"]),
                    **{f"edges:{k}": v for k, v in sorted(edges.items())}},
    }


def _norm(text: str) -> str:
    return " ".join(text.split())


def expected_texts(argmap: dict) -> dict[str, str]:
    """claim id or key point id -> its text."""
    return {**{c["id"]: c["text"] for c in argmap["claims"]}, **{kp["id"]: kp["label"] for kp in _key_points(argmap)}}


# -- xAIF ---------------------------------------------------------------------------------------


def read_with_xaif(aif: dict, argmap: dict) -> dict:
    """Load with arg-tech's xaif package; its counts, the relations it finds between I-nodes and the
    I-node texts keyed by the map's ids."""
    from xaif import AIF

    loaded = AIF(json.loads(json.dumps(aif)))
    counts = Counter(n["type"] for n in loaded.nodes)
    ids = {}
    for n in loaded.nodes:
        ext = n.get("argmap", {})
        if n["type"] == "I":
            ids[ext.get("claim_id") or ext.get("key_point_id")] = n["text"]
    speakers = {loaded.get_speaker(n["nodeID"])[0].strip() for n in loaded.nodes if n["type"] == "L"}
    return {"counts": {t: counts.get(t, 0) for t in ("I", "L", "YA", "MA", "RA", "CA")},
            "locutions": len(loaded.locutions), "texts": ids, "speakers": speakers}


def read_with_arguebuf(path: Path) -> dict:
    run = subprocess.run([str(ARGUEBUF_PYTHON), str(ARGUEBUF_DIR / "read_aif.py"), str(path)],
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


# -- Argdown ------------------------------------------------------------------------------------


def read_with_argdown(path: Path, workdir: Path) -> dict:
    """Run `argdown json` on `path`; its console output and the statements and relations it exports."""
    out_dir = workdir / "argdown-json"
    run = subprocess.run(["node", str(ARGDOWN_CLI), "json", str(path), str(out_dir)],
                         capture_output=True, text=True, timeout=600, check=False, cwd=workdir)
    exported = out_dir / (path.stem + ".json")
    data = json.loads(exported.read_text(encoding="utf-8")) if exported.is_file() else {}
    texts = {}
    for title, cls in data.get("statements", {}).items():
        defined = [m.get("text", "") for m in cls["members"] if m.get("role") == "top-level-statement"
                   and not m.get("isReference")]
        key = (cls.get("data") or {}).get("id") or (cls.get("data") or {}).get("key_point_id") or title
        texts[key] = _norm(" ".join(defined))
    relations = Counter(r["relationType"] for r in data.get("relations", []))
    return {"returncode": run.returncode, "stdout": run.stdout, "stderr": run.stderr,
            "statements": len(data.get("statements", {})), "relations": sum(relations.values()),
            "support": relations["support"], "attack": relations["attack"], "texts": texts,
            "sections": data.get("sections", [])}


# -- GraphML ------------------------------------------------------------------------------------


def read_with_networkx(path: Path) -> dict:
    import networkx as nx

    g = nx.read_graphml(path, force_multigraph=True)
    kinds = Counter(d.get("kind") for _, d in g.nodes(data=True))
    edges = Counter(d.get("relation") for _, _, d in g.edges(data=True))
    return {"graph": g, "counts": {**{k: kinds[k] for k in ("position", "key_point", "claim", "document")},
                                   **{f"edges:{k}": v for k, v in sorted(edges.items())}}}


def read_with_igraph(path: Path) -> dict:
    import igraph as ig

    g = ig.Graph.Read_GraphML(str(path))
    kinds = Counter(g.vs["kind"])
    edges = Counter(g.es["relation"])
    return {"graph": g, "counts": {**{k: kinds[k] for k in ("position", "key_point", "claim", "document")},
                                   **{f"edges:{k}": v for k, v in sorted(edges.items())}}}
