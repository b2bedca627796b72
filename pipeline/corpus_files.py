"""The corpus walk: every entry of a corpus folder is read, rejected or ignored, and no link is followed.

The rules (corpora/README.md states them for users):
- A symbolic link is never followed, wherever it points (a file, a folder, nowhere); it is a
  reject. A FIFO, socket or device is a reject too, and is never opened.
- Hidden entries (the name starts with '.') are ignored; a hidden folder is not entered.
- `corpus.yaml` (the corpus's description) and README files (README, README.md, README.txt: the
  name up to its first dot is README, any case) are ignored.
- Folders are entered and follow the same rules; every other entry is a data file and is read.

Files are opened relative to their folder's descriptor with O_NOFOLLOW and O_NONBLOCK after an
lstat, so an entry swapped for a link or a FIFO between the listing and the read is refused, never
followed or waited on. A file is read up to the size limit and no further, whatever its size says.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pipeline.safe_repr import safe_repr

CORPUS_FILE = "corpus.yaml"
MAX_FOLDER_DEPTH = 32

_OPEN_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_OPEN_FOLDER = os.O_RDONLY | os.O_NOFOLLOW | os.O_DIRECTORY | os.O_CLOEXEC


@dataclass(frozen=True)
class Entry:
    """One entry of a corpus folder and what became of it."""

    path: str  # posix path inside the corpus folder
    status: Literal["file", "rejected", "ignored"]
    reason: str = ""  # rejected: why; ignored: the rule that ignores it
    size: int = 0
    data: bytes | None = None  # a file's bytes; None when it is over the size limit (not read)


def ignore_rule(name: str) -> str | None:
    """The rule that ignores an entry named `name` (not a link), or None if it is data."""
    if name.startswith("."):
        return "hidden"
    if name == CORPUS_FILE:
        return CORPUS_FILE
    if name.split(".", 1)[0].upper() == "README":
        return "README"
    return None


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "not a file or folder"


def _not_regular(mode: int) -> str:
    return f"not a regular file ({_kind(mode)}); only regular files are read"


def _link_reason(name: str, dir_fd: int | None) -> str:
    try:
        target = os.readlink(name, dir_fd=dir_fd) if dir_fd is not None else os.readlink(name)
    except OSError:
        target = "?"
    return (f"symbolic link (to {safe_repr(target, 120)}); links are not followed: "
            "copy the file itself into the corpus folder")


def _read_open_file(fd: int, rel: str, limit: int) -> Entry:
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        return Entry(rel, "rejected", _not_regular(st.st_mode))
    if st.st_size > limit:
        return Entry(rel, "file", size=st.st_size)
    chunks, got = [], 0
    while got <= limit:  # a file may grow after fstat, or report a wrong size: read to limit + 1
        chunk = os.read(fd, min(1 << 20, limit + 1 - got))
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    if got > limit:
        return Entry(rel, "file", size=max(got, st.st_size))
    data = b"".join(chunks)
    return Entry(rel, "file", size=len(data), data=data)


def _read_entry(name: str, dir_fd: int | None, rel: str, limit: int) -> Entry:
    try:
        fd = os.open(name, _OPEN_FILE, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Entry(rel, "rejected", _link_reason(name, dir_fd))
        return Entry(rel, "rejected", f"cannot read: {exc.strerror or exc}")
    try:
        return _read_open_file(fd, rel, limit)
    except OSError as exc:
        return Entry(rel, "rejected", f"cannot read: {exc.strerror or exc}")
    finally:
        os.close(fd)


def read_one_file(path: Path, limit: int) -> Entry:
    """One file given by path, read like an entry of the walk (the last component is never followed)."""
    path = Path(path)
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        return Entry(path.name, "rejected", f"cannot read: {exc.strerror or exc}")
    if stat.S_ISLNK(mode):
        return Entry(path.name, "rejected", _link_reason(str(path), None))
    if not stat.S_ISREG(mode):
        return Entry(path.name, "rejected", "a folder" if stat.S_ISDIR(mode) else _not_regular(mode))
    return _read_entry(str(path), None, path.name, limit)


def walk_corpus(folder: Path, limit: int) -> list[Entry]:
    """Every entry under `folder` (sorted by path), data files read up to `limit` bytes.

    Raises OSError if `folder` itself cannot be opened as a folder (ELOOP if it is a link).
    """
    out: list[Entry] = []
    fd = os.open(folder, _OPEN_FOLDER)
    try:
        _walk(fd, "", 0, limit, out)
    finally:
        os.close(fd)
    return sorted(out, key=lambda e: e.path.split("/"))


def _walk(dir_fd: int, prefix: str, depth: int, limit: int, out: list[Entry]) -> None:
    try:
        names = sorted(os.listdir(dir_fd))
    except OSError as exc:
        out.append(Entry(prefix.rstrip("/") or ".", "rejected", f"cannot list the folder: {exc.strerror or exc}"))
        return
    for name in names:
        rel = prefix + name
        try:
            mode = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
        except OSError as exc:
            out.append(Entry(rel, "rejected", f"cannot read: {exc.strerror or exc}"))
            continue
        if stat.S_ISLNK(mode):
            out.append(Entry(rel, "rejected", _link_reason(name, dir_fd)))
            continue
        rule = ignore_rule(name)
        if rule == "hidden":
            out.append(Entry(rel, "ignored", rule))
        elif stat.S_ISDIR(mode):
            if depth + 1 >= MAX_FOLDER_DEPTH:
                reason = f"folder nested too deeply: over {MAX_FOLDER_DEPTH} levels; not entered"
                out.append(Entry(rel, "rejected", reason))
                continue
            try:
                sub = os.open(name, _OPEN_FOLDER, dir_fd=dir_fd)
            except OSError as exc:
                linked = exc.errno == errno.ELOOP
                reason = _link_reason(name, dir_fd) if linked else f"cannot open the folder: {exc.strerror or exc}"
                out.append(Entry(rel, "rejected", reason))
                continue
            try:
                _walk(sub, rel + "/", depth + 1, limit, out)
            finally:
                os.close(sub)
        elif not stat.S_ISREG(mode):
            out.append(Entry(rel, "rejected", _not_regular(mode)))
        elif rule is not None:
            out.append(Entry(rel, "ignored", rule))
        else:
            out.append(_read_entry(name, dir_fd, rel, limit))
