"""Commands that answer questions about the outputs."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import typer

from pipeline.cli.common import fail, params, user_errors
from pipeline.runtime.progress import progress

JSON_HELP = "Print JSON (a list of objects) instead of a table, for piping."
CSV_HELP = "Print CSV with a header row instead of a table, for piping."


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def _label_space(p=None):
    """The label set of the params file (`p`, else the one --params names)."""
    from pipeline.stance import LabelSpace

    return LabelSpace.from_params((p or params()).stance)


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1 else f"{value:.4g}"
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def emit(
    rows: list[dict[str, Any]],
    *,
    as_json: bool,
    as_csv: bool,
    title: str,
    empty: str,
    wide: tuple[str, ...] = (),
    table_rows: list[dict[str, Any]] | None = None,
    caption: str | None = None,
) -> None:
    """Print rows as a rich table, JSON or CSV. An empty result says so on stderr and exits 0.

    `table_rows`, where given, is a narrower view of the same rows for the terminal; JSON and CSV
    always carry every field. `caption`: a line under the table (the terminal only).
    """
    from pipeline.results.query import to_jsonable

    if as_json and as_csv:
        raise fail("choose one of --json and --csv")
    if as_json:
        typer.echo(to_jsonable(rows), nl=False)
    elif as_csv:
        if rows:
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({k: _fmt(v) if isinstance(v, (list, dict)) else v for k, v in row.items()})
            typer.echo(buffer.getvalue(), nl=False)
    elif rows:
        from rich.table import Table

        shown = table_rows if table_rows is not None else rows
        table = Table(title=title, caption=caption, show_lines=False, header_style="bold", expand=bool(wide))
        for name in shown[0]:
            if name in wide:
                table.add_column(name, overflow="fold", ratio=1)
            else:
                table.add_column(name, overflow="fold", max_width=16)
        for row in shown:
            table.add_row(*(_fmt(v) for v in row.values()))
        _console().print(table)
    if not rows:
        typer.echo(f"argmap: {empty}", err=True)


def register(app: typer.Typer) -> None:
    """Add the query commands to the `argmap` app."""

    @app.command("search")
    @user_errors
    def search_cmd(
        text: str = typer.Argument(..., help="What to look for, in your own words."),
        stance: str | None = typer.Option(None, "--stance", "-s", help="Only claims with this stance label."),
        corpus: str | None = typer.Option(None, "--corpus", "-c", help="Only claims from this corpus."),
        top: int = typer.Option(10, "--top", "-k", min=1, help="How many claims to show."),
        as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
        as_csv: bool = typer.Option(False, "--csv", help=CSV_HELP),
    ) -> None:
        """Semantic search over the claims with the pipeline's own embedding model."""
        from pipeline import paths
        from pipeline.embed import embedding_matrix
        from pipeline.io import read_table
        from pipeline.results.query import QueryError, check_stance, claim_rows, search_claims
        from pipeline.schemas import CLUSTERS, DOCUMENTS, EMBEDDINGS, SENTENCES

        if not text.strip():
            raise QueryError("nothing to search for: give some words, e.g. argmap search \"brand story\"")
        p = params()
        check_stance(stance, _label_space(p))
        sentences = read_table(paths.SENTENCES, SENTENCES)
        claims = sentences[sentences["is_claim"].astype(bool)]
        if corpus is not None and corpus not in set(claims["corpus"]):
            known = ", ".join(sorted(set(claims["corpus"]))) or "none"
            raise QueryError(f"unknown corpus {corpus!r}; corpora with claims: {known}")
        embeddings = read_table(paths.EMBEDDINGS, EMBEDDINGS)
        vectors = dict(zip(embeddings["sentence_id"], embedding_matrix(embeddings)))
        with progress("loading the embedding model…"):
            embedder = _embedder(p)
            query_vector = embedder.encode([text])[0]
        hits = search_claims(query_vector, claims, vectors, top=top, stance=stance, corpus=corpus)
        rows = claim_rows(hits, read_table(paths.DOCUMENTS, DOCUMENTS), read_table(paths.CLUSTERS, CLUSTERS))
        view = [{"sim": r["similarity"], "claim": r["text"], "stance": r["stance"], "key point": r["key_point"] or "-",
                 "author": r["author"], "where": f"{r['doc_id']} [{r['start_char']}:{r['end_char']}]"}
                for r in rows]
        emit(rows, as_json=as_json, as_csv=as_csv, title=f"Claims nearest {text!r}",
             empty="no claim matches these filters", wide=("claim",), table_rows=view)

    @app.command("positions")
    @user_errors
    def positions_cmd(
        as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
        as_csv: bool = typer.Option(False, "--csv", help=CSV_HELP),
    ) -> None:
        """The positions: share of claims and of people, documents and the strongest claim of each."""
        from pipeline.results.query import position_rows

        rows = position_rows(_argmap())
        view = [{"position": r["stance"], "claims": f"{r['claims']} ({r['share_of_claims']:.0%})",
                 "people leaning": f"{r['people_leaning']} ({r['share_of_people']:.0%})",
                 "docs": r["documents"], "key points": r["key_points"],
                 "strongest claim": r["strongest_claim"]} for r in rows]
        emit(rows, as_json=as_json, as_csv=as_csv, title="Positions", empty="the map has no positions",
             wide=("strongest claim",), table_rows=view)

    @app.command("keypoints")
    @user_errors
    def keypoints_cmd(
        stance: str | None = typer.Option(None, "--stance", "-s", help="Only key points of this position."),
        as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
        as_csv: bool = typer.Option(False, "--csv", help=CSV_HELP),
    ) -> None:
        """The key points, grouped by the position most of their claims take."""
        from pipeline.results.query import check_stance, key_point_rows

        check_stance(stance, _label_space())
        rows = key_point_rows(_argmap(), stance)
        where = f" for {stance}" if stance else ""
        view = [{"id": r["id"], "position": r["stance"], "size": r["size"], "docs": r["documents"],
                 "people": r["people"], "label": r["label"], "keywords": r["keywords"]} for r in rows]
        emit(rows, as_json=as_json, as_csv=as_csv, title="Key points" + where,
             empty=f"no key points{where}", wide=("label",), table_rows=view,
             caption="The claim each label comes from, in full: argmap keypoint <id> "
                     "(--json / --csv: representative_claim)")

    @app.command("keypoint")
    @user_errors
    def keypoint_cmd(
        key: str = typer.Argument(..., help="Key point id (kp-3) or cluster number (3)."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON: the key point and its claims."),
        as_csv: bool = typer.Option(False, "--csv", help="Print the member claims as CSV."),
    ) -> None:
        """One key point: label, keywords, stance shares and every member claim."""
        from pipeline.results.query import key_point_detail, to_jsonable

        summary, rows = key_point_detail(_argmap(), key)
        if as_json and not as_csv:
            typer.echo(to_jsonable({"key_point": summary, "claims": rows}), nl=False)  # type: ignore[arg-type]
            return
        if not as_json and not as_csv:
            from rich.table import Table

            box = Table(show_header=False, title=f"Key point {summary['id']}")
            box.add_column("field", style="bold")
            box.add_column("value", overflow="fold")
            for k, v in summary.items():
                box.add_row(k, _fmt(v))
            _console().print(box)
        view = [{"claim": r["text"], "stance": r["stance"], "strength": r["strength_score"], "author": r["author"],
                 "where": f"{r['doc_id']} [{r['start_char']}:{r['end_char']}]"}
                for r in rows]
        emit(rows, as_json=as_json, as_csv=as_csv, title="Member claims", empty="the key point has no claims",
             wide=("claim",), table_rows=view)

    @app.command("sql")
    @user_errors
    def sql_cmd(
        statement: str = typer.Argument(
            ..., help="One read-only statement over the views documents, sentences, claims, clusters, edges."
        ),
        limit: int = typer.Option(200, "--limit", "-n", min=1, help="Show at most this many rows (tables only)."),
        as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
        as_csv: bool = typer.Option(False, "--csv", help=CSV_HELP),
    ) -> None:
        """Run read-only SQL (DuckDB) over the output tables; writes are refused."""
        from pipeline.results.query import run_sql

        with progress("running the query…"):
            df = run_sql(statement)
        records = json.loads(df.to_json(orient="records", date_format="iso", default_handler=str)) if len(df) else []
        shown = records if (as_json or as_csv) else records[:limit]
        title = f"{len(df)} row(s)" + (f", first {limit} shown" if len(shown) < len(records) else "")
        if not records and not (as_json or as_csv) and len(df.columns):
            typer.echo("columns: " + ", ".join(map(str, df.columns)), err=True)
        emit(shown, as_json=as_json, as_csv=as_csv, title=title, empty="the query returned no rows")

    @app.command("describe")
    @user_errors
    def describe_cmd(
        table: str | None = typer.Argument(
            None, help="Only this table (documents, sentences, claims, clusters, edges, speakers)."
        ),
        as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
        as_csv: bool = typer.Option(False, "--csv", help=CSV_HELP),
    ) -> None:
        """The data dictionary: every output table's columns, types and meaning."""
        from pipeline.results.query import COMPUTED_TABLES, OUTPUT_TABLES, QueryError, data_dictionary

        tables = [*OUTPUT_TABLES, *COMPUTED_TABLES]
        if table is not None and table not in tables:
            raise QueryError(f"unknown table {table!r}; tables: {', '.join(tables)}")
        rows = [r for r in data_dictionary() if table is None or r["table"] == table]
        if as_json or as_csv:
            emit(rows, as_json=as_json, as_csv=as_csv, title="", empty="no tables")
            return
        from rich.table import Table

        console = _console()
        for name in tables:
            mine = [r for r in rows if r["table"] == name]
            if not mine:
                continue
            t = Table(title=f"{name}  ({mine[0]['file']})", caption=mine[0]["table_doc"], header_style="bold")
            t.add_column("column")
            t.add_column("type")
            t.add_column("null?")
            t.add_column("meaning", overflow="fold", ratio=3)
            for r in mine:
                t.add_row(r["column"], r["type"], "yes" if r["nullable"] else "no", r["meaning"])
            console.print(t)


def _argmap() -> dict:
    from pipeline import paths
    from pipeline.io import read_json

    return read_json(paths.ARGMAP)


def _embedder(p):
    """The embedding model the pipeline used, on the backend it used (tests swap in a fake)."""

    if p.embed.backend != "torch":
        from pipeline.onnx_encoder import load_onnx_embedder

        return load_onnx_embedder(p.embed.model, p.embed.model_package, p.embed.batch_size, p.embed.backend)
    from pipeline.models import load_embedder

    return load_embedder(p.embed.model, p.embed.model_package, p.embed.batch_size)
