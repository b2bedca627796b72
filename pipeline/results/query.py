"""Questions asked of the outputs: semantic search, positions, key points, read-only SQL, the data dictionary."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from pipeline.errors import ArgmapError
from pipeline.schemas import CLUSTERS, DOCUMENTS, EDGES, SENTENCES, Column, TableSchema
from pipeline.stance import LabelSpace


class QueryError(ArgmapError, ValueError):
    """A question that cannot be answered as asked; the message says why and what to do."""


# The tables `argmap sql` and `argmap describe` expose: view name -> (schema, output file, filter).
OUTPUT_TABLES: dict[str, tuple[TableSchema, str, str | None]] = {
    "documents": (DOCUMENTS, "outputs/documents.parquet", None),
    "sentences": (SENTENCES, "outputs/sentences.parquet", None),
    "claims": (SENTENCES, "outputs/sentences.parquet", "is_claim"),
    "clusters": (CLUSTERS, "outputs/clusters.parquet", None),
    "edges": (EDGES, "outputs/edges.parquet", None),
}

SPEAKERS = TableSchema(
    "speakers",
    "One row per document: the person who wrote it, one name per person on a page (a reply signed "
    "'Mike' under an article by 'Mike Boysen' is Mike Boysen); join on doc_id.",
    (
        Column("doc_id", pa.string(), False, "the document"),
        Column("speaker", pa.string(), False,
               "the person; a writer the page does not name is 'unnamed, <source> comment <n>'"),
        Column("named", pa.bool_(), False, "whether the page names this person"),
    ),
)


def _speakers_frame(documents: pd.DataFrame) -> pd.DataFrame:
    from pipeline.people import is_named, resolve_speakers

    speakers = resolve_speakers(documents)
    ids = sorted(speakers)
    return pd.DataFrame({"doc_id": ids, "speaker": [speakers[d] for d in ids],
                         "named": [is_named(speakers[d]) for d in ids]})


# Tables computed from an output file when a query runs: view name -> (schema, source file, builder).
COMPUTED_TABLES: dict[str, tuple[TableSchema, str, Any]] = {
    "speakers": (SPEAKERS, "outputs/documents.parquet", _speakers_frame),
}

READ_ONLY_STATEMENTS = {"SELECT", "EXPLAIN"}


def check_stance(stance: str | None, label_space: LabelSpace) -> None:
    """A --stance filter must name a label of the label set (params stance.labels)."""
    if stance is not None and stance not in label_space.names:
        raise QueryError(f"unknown stance {stance!r}; allowed: {', '.join(label_space.names)}")


# ------------------------------------------------------------------------------------- search


def search_claims(
    query_vector: np.ndarray,
    claims: pd.DataFrame,
    vectors: dict[str, np.ndarray],
    *,
    top: int,
    stance: str | None = None,
    corpus: str | None = None,
) -> pd.DataFrame:
    """The `top` claims nearest the query (cosine on unit vectors), best first, after filters."""
    pool = claims
    if stance is not None:
        pool = pool[pool["stance"] == stance]
    if corpus is not None:
        pool = pool[pool["corpus"] == corpus]
    pool = pool[pool["sentence_id"].isin(vectors.keys())]
    if not len(pool):
        return pool.assign(similarity=pd.Series(dtype=float)).iloc[0:0]
    mat = np.vstack([vectors[s] for s in pool["sentence_id"]]).astype(np.float32)
    sims = mat @ np.asarray(query_vector, dtype=np.float32).reshape(-1)
    out = pool.assign(similarity=np.round(sims.astype(float), 4))
    return out.sort_values(["similarity", "sentence_id"], ascending=[False, True], kind="stable").head(top)


def claim_rows(
    hits: pd.DataFrame, documents: pd.DataFrame, clusters: pd.DataFrame
) -> list[dict[str, Any]]:
    """Hits as flat rows: stance, key point, source and offsets beside the text."""
    authors = documents.set_index("doc_id")["author"].to_dict()
    labels = clusters.set_index("cluster_id")["label"].to_dict()
    rows = []
    for h in hits.itertuples(index=False):
        cluster = None if pd.isna(h.cluster_id) else int(h.cluster_id)
        row = {
            "sentence_id": h.sentence_id,
            "text": h.text,
            "stance": h.stance,
            "stance_score": None if pd.isna(h.stance_score) else round(float(h.stance_score), 4),
            "key_point": None if cluster in (None, -1) else f"kp-{cluster}",
            "key_point_label": None if cluster in (None, -1) else labels.get(cluster),
            "author": _none(authors.get(h.doc_id)),
            "doc_id": h.doc_id,
            "source": f"{h.corpus}/{h.source}",
            "start_char": int(h.start_char),
            "end_char": int(h.end_char),
        }
        if hasattr(h, "similarity"):
            row = {"similarity": float(h.similarity), **row}
        rows.append(row)
    return rows


def _none(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    return value


# ------------------------------------------------------------------------------------- the map


def position_rows(argmap: dict) -> list[dict[str, Any]]:
    """One row per position: its shares, counts and strongest claim."""
    claims = {c["id"]: c for c in argmap["claims"]}
    rows = []
    for p in argmap["positions"]:
        top = claims.get(p["strongest_claim_ids"][0]) if p["strongest_claim_ids"] else None
        rows.append({
            "stance": p["stance"],
            "share_of_claims": p["share_of_claims"],
            "share_of_people": p["share_of_people"],
            "people_leaning": p["n_people_leaning"],
            "people": p["n_people"],
            "claims": p["n_claims"],
            "documents": p["n_documents"],
            "authors": len(p["authors"]),
            "key_points": len(p["key_points"]),
            "unclustered_claims": len(p["unclustered_claim_ids"]),
            "strongest_claim": top["text"] if top else None,
            "strongest_claim_author": top["author"] if top else None,
            "strongest_claim_speaker": top["speaker"] if top else None,
        })
    return rows


def key_point_rows(argmap: dict, stance: str | None = None) -> list[dict[str, Any]]:
    """One row per key point, biggest first within each position: how many claims, documents and
    people voice it, its label and the claim the label comes from, in full."""
    claims = {c["id"]: c["text"] for c in argmap["claims"]}
    rows = []
    for p in argmap["positions"]:
        if stance is not None and p["stance"] != stance:
            continue
        for kp in p["key_points"]:
            rows.append({
                "id": kp["id"],
                "stance": p["stance"],
                "size": kp["size"],
                "documents": kp["n_documents"],
                "people": kp.get("n_people", len(kp["authors"])),
                "authors": len(kp["authors"]),
                "label": kp["label"],
                "keywords": ", ".join(kp["keywords"]),
                "stance_shares": ", ".join(f"{k} {v:.0%}" for k, v in kp["stance_shares"].items() if v),
                "representative_claim": claims.get(kp["representative_claim_id"]),
            })
    return rows


def find_key_point(argmap: dict, key: str) -> tuple[dict, dict]:
    """(key point, its position) by id ('kp-3') or cluster number ('3')."""
    wanted = key.strip()
    for p in argmap["positions"]:
        for kp in p["key_points"]:
            if wanted in (kp["id"], str(kp["cluster_id"])):
                return kp, p
    known = [kp["id"] for p in argmap["positions"] for kp in p["key_points"]]
    hint = f"known: {', '.join(known[:12])}{' …' if len(known) > 12 else ''}" if known else "the map has no key points"
    raise QueryError(f"no key point {key!r}; {hint} (list them with `argmap keypoints`)")


def key_point_detail(argmap: dict, key: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A key point's summary and its member claims, strongest first."""
    kp, position = find_key_point(argmap, key)
    claims = {c["id"]: c for c in argmap["claims"]}
    summary = {
        "id": kp["id"], "stance": position["stance"], "label": kp["label"], "size": kp["size"],
        "documents": kp["n_documents"], "people": kp.get("n_people", len(kp["authors"])),
        "authors": ", ".join(kp["authors"]),
        "keywords": ", ".join(kp["keywords"]),
        "stance_shares": ", ".join(f"{k} {v:.0%}" for k, v in kp["stance_shares"].items() if v),
        "representative_claim": claims.get(kp["representative_claim_id"], {}).get("text"),
    }
    span = kp.get("label_span")
    if span and span["sentence_id"] in claims:
        summary["label_where"] = f"{claims[span['sentence_id']]['doc_id']} [{span['start_char']}:{span['end_char']}]"
    members = [claims[i] for i in kp["claim_ids"] if i in claims]
    members.sort(key=lambda c: (-c["strength_score"], c["id"]))
    rows = [
        {"sentence_id": c["id"], "text": c["text"], "stance": c["stance"],
         "strength_score": round(c["strength_score"], 4), "author": c["author"], "doc_id": c["doc_id"],
         "start_char": c["start_char"], "end_char": c["end_char"]}
        for c in members
    ]
    return summary, rows


# ------------------------------------------------------------------------------------- SQL


# EXPLAIN, its options and ANALYZE (which runs the statement), after any leading comments.
_EXPLAIN_RE = re.compile(
    r"^\s*(?:(?:--[^\n]*(?:\n|$)|/\*.*?\*/)\s*)*EXPLAIN\b\s*(?:\([^()]*\)\s*)?(?:ANALY[SZ]E\b)?",
    re.IGNORECASE | re.DOTALL,
)


def _refusal(what: str) -> QueryError:
    return QueryError(
        f"refused: {what} not allowed; the outputs are read-only here "
        "(use SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE or EXPLAIN)"
    )


def _check_statement(statement) -> None:
    import duckdb

    kind = statement.type.name
    if kind not in READ_ONLY_STATEMENTS:
        raise _refusal(f"{kind} statements are")
    if kind != "EXPLAIN":
        return
    # EXPLAIN ANALYZE runs what it explains (a COPY writes its file), so the explained statement
    # must pass the same check; one that cannot be told apart is refused.
    m = _EXPLAIN_RE.match(statement.query)
    try:
        inner = duckdb.extract_statements(statement.query[m.end():]) if m else []
    except duckdb.Error:
        inner = []
    if len(inner) != 1 or inner[0].type.name == "EXPLAIN":
        raise _refusal("EXPLAIN of a statement that cannot be checked is")
    try:
        _check_statement(inner[0])
    except QueryError:
        raise _refusal(f"EXPLAIN of a {inner[0].type.name} statement is") from None


def check_read_only(sql: str) -> None:
    """Raise QueryError unless `sql` parses and every statement only reads (EXPLAIN included)."""
    import duckdb

    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(f"SQL does not parse: {_one_line(exc)}") from None
    if not statements:
        raise QueryError("no SQL statement given; try: argmap sql \"SELECT stance, count(*) FROM claims GROUP BY 1\"")
    for statement in statements:
        _check_statement(statement)
    if len(statements) > 1:
        raise QueryError("one statement at a time, please (drop the extra ';')")


def _one_line(exc: Exception) -> str:
    # DuckDB adds the statement and a caret on further lines; the first line says what is wrong.
    text = " ".join(str(exc).split("\nLINE ")[0].split())
    return text


def _build_views(db: Path, root: Path) -> list[str]:
    """A database file holding one view per output table (and the computed tables); returns the
    output files the views read."""
    import duckdb

    con = duckdb.connect(str(db))
    try:
        present = []
        for name, (_, path, where) in OUTPUT_TABLES.items():
            full = (root / path).resolve()
            if not full.is_file():
                continue
            present.append(str(full))
            condition = f" WHERE {where}" if where else ""
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet({_sql_str(str(full))}){condition}")
        for name, (_, path, build) in COMPUTED_TABLES.items():
            full = (root / path).resolve()
            if full.is_file():
                con.register(f"_{name}", build(pd.read_parquet(full)))
                con.execute(f"CREATE TABLE {name} AS SELECT * FROM _{name}")
                con.unregister(f"_{name}")
        return sorted(set(present))
    finally:
        con.close()


def run_sql(sql: str, root: Path = Path(".")) -> pd.DataFrame:
    """Run one read-only statement over the output tables as views; the database cannot write.

    Beyond the statement check, DuckDB itself is locked down: the views live in a database file
    opened read-only (no table can be created), only the output files may be read, no other file
    may be read or written (`temp_directory` is empty, so not even DuckDB's own spill folder), no
    extension may load, and the configuration is locked so the query cannot undo any of it.
    """
    import duckdb

    check_read_only(sql)
    with tempfile.TemporaryDirectory(prefix="argmap-sql-") as tmp:
        db = Path(tmp) / "views.duckdb"
        present = _build_views(db, root)
        con = duckdb.connect(str(db), read_only=True, config={"temp_directory": ""})
        try:
            if present:
                con.execute("SET allowed_paths = " + _sql_list(present))
            con.execute("SET enable_external_access = false")
            con.execute("SET autoinstall_known_extensions = false")
            con.execute("SET autoload_known_extensions = false")
            con.execute("SET lock_configuration = true")
            try:
                return con.execute(sql).fetchdf()
            except duckdb.Error as exc:
                missing = [n for n, (_, p, _) in OUTPUT_TABLES.items() if not (root / p).is_file()]
                hint = f" (missing tables: {', '.join(missing)}; run dvc repro)" if missing else ""
                raise QueryError(f"SQL failed: {_one_line(exc)}{hint}") from None
        finally:
            con.close()


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_list(values: list[str]) -> str:
    return "[" + ", ".join(_sql_str(v) for v in values) + "]"


# ------------------------------------------------------------------------------------- describe


def data_dictionary() -> list[dict[str, Any]]:
    """Every column of every output table, from the schema declarations the pipeline checks."""
    rows = []
    for name, (schema, path, where) in OUTPUT_TABLES.items():
        table_doc = schema.doc if not where else f"The sentences where {where} is true: one row per claim."
        for column in schema.columns:
            rows.append({
                "table": name,
                "file": path + (f" (where {where})" if where else ""),
                "table_doc": table_doc,
                "column": column.name,
                "type": str(column.type),
                "nullable": column.nullable,
                "meaning": column.doc,
            })
    for name, (schema, path, _) in COMPUTED_TABLES.items():
        for column in schema.columns:
            rows.append({"table": name, "file": f"computed from {path}", "table_doc": schema.doc,
                         "column": column.name, "type": str(column.type), "nullable": column.nullable,
                         "meaning": column.doc})
    return rows


def to_jsonable(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n"
