"""Render the argument map as one self-contained HTML page that strategists open from disk."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
import math
from importlib.resources import files
from typing import Any

import pandas as pd

logger = logging.getLogger(__name__)

# Stance colours in label order; the neutral label is always grey. Chosen apart from the
# support (green) and attack (red) edge colours so a relation never reads as a stance.
PALETTE = ["#e8590c", "#1c7ed6", "#7048e8", "#0c8599", "#c2255c", "#5c940d", "#862e9c", "#364fc7"]
NEUTRAL_COLOUR = "#868e96"


def _asset(name: str) -> str:
    return files("pipeline").joinpath(f"results/report_assets/{name}").read_text("utf-8")


def json_for_script(obj: Any) -> str:
    """JSON safe to embed in a <script type="application/json"> element.

    `<`, `>` and `&` become \\u escapes, so no text inside can close the element or open a
    comment; U+2028/2029 are escaped for older JavaScript parsers. Keys are sorted so the
    same data always gives the same bytes.
    """
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    for char, escape in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def _clean(value: Any) -> Any:
    """JSON-ready scalar: NaN/NA -> None, numpy numbers -> Python numbers."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


def _utf16_offset(text: str, index: int) -> int:
    """A code-point offset as a JavaScript (UTF-16) string index."""
    return len(text[:index].encode("utf-16-le")) // 2


def _norm(text: str) -> str:
    return " ".join(text.split())


def stance_colours(label_names: list[str], neutral: str | None) -> dict[str, str]:
    colours, i = {}, 0
    for name in label_names:
        if name == neutral:
            colours[name] = NEUTRAL_COLOUR
        else:
            colours[name] = PALETTE[i % len(PALETTE)]
            i += 1
    return colours


def build_view(argmap: dict, documents: pd.DataFrame, run_info: dict | None = None) -> dict:
    """The data the page needs: the map, plus each document's text and claim spans in JS offsets."""
    label_names = [entry["name"] for entry in argmap["labels"]]
    neutral = (run_info or {}).get("neutral_label")
    if neutral is None:
        neutral = "neutral" if "neutral" in label_names else None
    colours = stance_colours(label_names, neutral)

    texts = {}
    for row in documents.itertuples(index=False):
        texts[row.doc_id] = (str(row.text) if isinstance(row.text, str) else "", int(row.start_char))

    docs = []
    for d in sorted(argmap["documents"], key=lambda d: d["doc_id"]):
        text, _ = texts.get(d["doc_id"], ("", d["start_char"]))
        docs.append({**{k: _clean(v) for k, v in d.items()}, "text": text})
    doc_start = {d["doc_id"]: d["start_char"] for d in argmap["documents"]}

    kp_of_claim = {}
    key_points = []
    for position in argmap["positions"]:
        for kp in position["key_points"]:
            key_points.append({**kp, "stance": position["stance"]})
            for cid in kp["claim_ids"]:
                kp_of_claim[cid] = kp["id"]

    claims, bad_spans = [], 0
    for c in sorted(argmap["claims"], key=lambda c: c["id"]):
        text, _ = texts.get(c["doc_id"], ("", 0))
        start = c["start_char"] - doc_start.get(c["doc_id"], 0)
        end = c["end_char"] - doc_start.get(c["doc_id"], 0)
        span_ok = 0 <= start <= end <= len(text) and _norm(text[start:end]) == _norm(c["text"])
        if not span_ok:
            bad_spans += 1
        claims.append(
            {
                **{k: _clean(v) for k, v in c.items()},
                "kp": kp_of_claim.get(c["id"]),
                "hl": [_utf16_offset(text, max(start, 0)), _utf16_offset(text, max(end, 0))] if span_ok else None,
            }
        )
    if bad_spans:
        logger.warning("%d claim(s) whose offsets do not match their document's text", bad_spans)

    run = dict(argmap.get("run", {}))
    run.update(run_info or {})
    return {
        "labels": [{**entry, "colour": colours[entry["name"]]} for entry in argmap["labels"]],
        "neutral": neutral,
        "summary": argmap["summary"],
        "run": run,
        "positions": [{k: v for k, v in p.items() if k != "key_points"}
                      | {"key_point_ids": [kp["id"] for kp in p["key_points"]]}
                      for p in argmap["positions"]],
        "key_points": key_points,
        "claims": claims,
        "documents": docs,
        "relations": argmap["relations"],
    }


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode() + "'"


def render_report(
    argmap: dict, documents: pd.DataFrame, *, run_info: dict | None = None, title: str | None = None
) -> str:
    """One HTML page, every script and style inline; same inputs give the same bytes."""
    view = build_view(argmap, documents, run_info)
    script = _asset("report.js")
    style = _asset("report.css")
    corpora = view["run"].get("corpora") or sorted({d["corpus"] for d in view["documents"]})
    page_title = title or "Argument map: " + ", ".join(str(c) for c in corpora)
    # The page may run only its own script and style; nothing it shows can add more.
    csp = (
        f"default-src 'none'; script-src {_csp_hash(script)}; style-src {_csp_hash(style)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp, quote=False)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<link rel="icon" href="data:,">\n'
        f"<title>{html.escape(page_title)}</title>\n"
        f"<style>{style}</style>\n</head>\n<body>\n"
        f'<header id="top"><h1 id="page-title">{html.escape(page_title)}</h1>'
        '<p class="subtitle">Positions, key points and claims from what people wrote, '
        "traceable to the words in context.</p></header>\n"
        '<main id="app"><noscript>This report needs JavaScript to draw the map.</noscript></main>\n'
        f'<script type="application/json" id="argmap-data">{json_for_script(view)}</script>\n'
        f"<script>{script}</script>\n</body>\n</html>\n"
    )
