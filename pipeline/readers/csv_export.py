"""CSV reader: one row per article or comment, with a parent-id column (survey and spreadsheet exports).

The first row is the header. `corpus.yaml`'s `columns` maps the fields to header names:
  columns: {id: row_id, parent: reply_to, author: who, timestamp: sent_at, title: subject, text: body}
A field left out of `columns` is read from the column of its own name when the header has one
(`id`, `parent`, `author`, `timestamp`, `title`, `text`). `id` and `text` are required; so is a
`parent` column unless every row is an article.

A row with an empty parent is an article (its `title` column, if any, is its title); any other row
is a comment answering the row its parent names (a comment or an article; one id space for both).
Cells are plain text, read with the csv module (RFC 4180: commas, double quotes, quoted line
breaks); line breaks inside a cell are kept. A row with a wrong number of cells, an empty id or
text, or a duplicate id is a reject naming its line; a CSV syntax error rejects the rest of the
file from that line.
"""

from __future__ import annotations

import csv
import io

from pipeline.readers import ReadResult, Reject
from pipeline.readers.exports import Record, assemble, clean_plain, str_or_none, timestamp
from pipeline.safe_repr import safe_repr

FIELDS = ("id", "parent", "author", "timestamp", "title", "text")
REQUIRED = ("id", "text")


def read_csv_export(text: str, source: str, columns: dict[str, str] | None = None) -> ReadResult:
    columns = dict(columns or {})
    rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    result = ReadResult()
    try:
        header = next(rows, None)
    except csv.Error as exc:
        return ReadResult(rejects=[Reject(f"not readable as CSV: {exc}", 1)])
    if not header or not any(h.strip() for h in header):
        return ReadResult(rejects=[Reject("no header row: the first row must name the columns", 1)])
    names = [h.strip() for h in header]
    if names and names[0].startswith("\ufeff"):
        names[0] = names[0][1:]
    index: dict[str, int] = {}
    for field in FIELDS:
        wanted = columns.get(field, field)
        if wanted in names:
            index[field] = names.index(wanted)
        elif field in columns or field in REQUIRED:
            how = f"columns.{field} names {wanted!r}" if field in columns else f"no column {field!r}"
            return ReadResult(rejects=[Reject(
                f"{how}, which is not in the header (found: {safe_repr(', '.join(names), 200)}); "
                f"map it in corpus.yaml under columns: ({', '.join(FIELDS)})", 1)])
    records: list[Record] = []
    ids: dict[str, int] = {}
    line = 1
    while True:
        start = line + 1
        try:
            row = next(rows, None)
        except csv.Error as exc:
            result.rejects.append(Reject(f"CSV error: {exc}; the rest of the file (from here) is not read",
                                         rows.line_num))
            break
        if row is None:
            break
        line = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            result.rejects.append(Reject(f"row has {len(row)} cells, the header {len(names)}", start))
            continue

        def cell(field: str, row=row) -> str | None:
            return str_or_none(row[index[field]]) if field in index else None

        rid = cell("id") or ""
        parent = cell("parent")
        rec = Record("comment" if parent else "article", rid, "row", line=start, parent=parent,
                     article=None, author=cell("author"), published=timestamp(cell("timestamp")),
                     title=cell("title") if not parent else None,
                     text=clean_plain(row[index["text"]]))
        if not rid:
            rec.rid, rec.problem = f"#{start}", "empty id"
        elif rid in ids:
            rec.problem = f"duplicate id (first on line {ids[rid]})"
            rec.rid = f"{rid}#{start}"
        else:
            ids[rid] = start
        records.append(rec)
    found = assemble(records)
    found.rejects[:0] = result.rejects
    return found
