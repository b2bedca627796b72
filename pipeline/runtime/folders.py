"""Where the cache lives, and the content hash of a model folder (memoised per file stamp).

Kept apart from cache.py so that modules cache.py itself imports (the ONNX encoder) can use the
same two rules without an import cycle.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

DEFAULT_DIR = Path(".cache") / "argmap"


def cache_dir() -> Path:
    """$ARGMAP_CACHE_DIR, else .cache/argmap under the project folder."""
    return Path(os.environ.get("ARGMAP_CACHE_DIR") or DEFAULT_DIR)


def folder_digest(folder: str | Path) -> str:
    """`model_digest` of a folder, memoised on its files' names, sizes and mtimes: a retrained
    model is hashed again, and a checkout that only touched mtimes hashes to the same value."""
    folder = Path(folder).resolve()
    stamp = tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in sorted(folder.rglob("*")) if f.is_file())
    return _memo_digest(str(folder), stamp)


@functools.lru_cache(maxsize=8)
def _memo_digest(folder: str, stamp: tuple) -> str:
    del stamp  # only keys the memo
    return model_digest(folder)


def model_digest(folder: str | Path) -> str:
    """sha256 over a model folder's file names and bytes, in name order."""
    digest = hashlib.sha256()
    for f in sorted(Path(folder).rglob("*")):
        if f.is_file():
            digest.update(str(f.relative_to(folder)).encode() + b"\0")
            with f.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
    return digest.hexdigest()
