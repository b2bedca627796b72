"""Small corpora built on disk by the ingest tests: a folder, its corpus.yaml, its files."""

from __future__ import annotations

from pathlib import Path

from pipeline.ingest import ingest_corpora, read_corpus

LIMIT = 5_000_000

YAML = """name: {name}
description: test corpus
source: written for the tests
license: CC0-1.0
language: en
format: {fmt}
"""


def make_corpus(root: Path, name: str, files: dict[str, bytes | str], fmt: str = "text", extra: str = "") -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "corpus.yaml").write_text(YAML.format(name=name, fmt=fmt) + extra, encoding="utf-8")
    for rel, data in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return folder


def ingest_one(root: Path, name: str, limit: int = LIMIT):
    return ingest_corpora([read_corpus(root, name, limit)])
