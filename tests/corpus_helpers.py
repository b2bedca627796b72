"""Small corpora built on disk by the ingest tests: a folder, its corpus.yaml, its files."""

from __future__ import annotations

import os
import shutil
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


GOOD = "A Good Title\n\nStartups should sell before they market. Talk to buyers.\n"
HOSTILE = Path(__file__).resolve().parent / "fixtures" / "corpora" / "hostile"
HOSTILE_CORPORA = ["text", "jsonl", "html"]


def make_hostile(root: Path, for_dvc: bool = False) -> Path:
    """tests/fixtures/corpora/hostile copied to `root`, plus what cannot be committed: links (to
    /etc/passwd, /proc, a folder, nothing, a corpus file), FIFOs, a late NUL, a huge paragraph,
    folders nested 40 deep. `for_dvc=True` leaves out what DVC itself cannot hash in a stage's deps:
    FIFOs (it blocks on them) and the dangling link (it fails on it); the ingest tests cover both."""
    shutil.copytree(HOSTILE, root, dirs_exist_ok=True)
    text = root / "text"
    os.symlink("/etc/passwd", text / "passwd-link.txt")
    os.symlink("/proc/self/status", text / "status-link.txt")
    if not for_dvc:
        os.symlink(text / "gone.txt", text / "dangling-link.txt")
    os.symlink(root / "jsonl", text / "folder-link")
    os.symlink("good.txt", text / "inner-link.txt")  # even a link inside the corpus is not followed
    if not for_dvc:
        os.mkfifo(text / "pipe.txt")
        os.mkfifo(root / "html" / "pipe.html")
    os.symlink("export.jsonl", root / "jsonl" / "linked.jsonl")
    (text / "late-nul.txt").write_bytes(b"Late Title\n\n" + b"Startups should sell first. " * 400 + b"\x00\n")
    (text / "long-paragraph.txt").write_text("Long Title\n\n" + "Sell first. " * 83_334 + "\n", encoding="utf-8")
    deep = text.joinpath(*[f"d{i}" for i in range(40)])
    deep.mkdir(parents=True)
    (deep / "page.txt").write_text(GOOD, encoding="utf-8")
    return root
