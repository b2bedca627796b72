"""Find, start and stop the warm server (pipeline/runtime/warm.py) from another process.

What the server and its callers share: the key that ties a server to one code, installation and
import-time environment, the socket and log paths derived from it, and starting, waiting for and
stopping a server (the benchmarks and tests use the last three). Only the standard library and
pipeline/runtime/env.py are imported, nothing of the `argmap` app: the app's bench command uses this
module, and the app must not import itself back.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.runtime.env import with_env_defaults

# Environment variables that libraries read when imported, so a server imported under other
# values must not serve the caller.
IMPORT_ENV_PREFIXES = ("HF_", "TRANSFORMERS_", "TOKENIZERS_", "OMP_", "MKL_", "OPENBLAS_", "PYTHON",
                       "TORCH", "SPACY", "CUDA_")
PACKAGE_DIR = Path(__file__).resolve().parent.parent  # pipeline/


def server_key(env=os.environ) -> str:
    """What a server must share with its callers: code, installation, interpreter, import-time env."""
    env = with_env_defaults(dict(env))  # an argmap process applies these at start
    h = hashlib.sha256()
    h.update(f"{sys.executable}\0{sys.version}\0".encode())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".json", ".js", ".css") and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(PACKAGE_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    for folder in sorted({p for p in map(Path, sys.path) if p.name == "site-packages" and p.is_dir()}):
        h.update("\0".join(sorted(os.listdir(folder))).encode())  # dist-info names carry versions
    for name in sorted(env):
        if name.startswith(IMPORT_ENV_PREFIXES):
            h.update(f"{name}={env[name]}\0".encode())
    return h.hexdigest()[:20]


def runtime_dir(env=os.environ) -> Path:
    """A folder for the sockets that only this user may open; created 0700, refused otherwise."""
    base = env.get("XDG_RUNTIME_DIR")
    folder = Path(base) / "argmap" if base else Path(f"/tmp/argmap-{os.getuid()}")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.stat()
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise PermissionError(f"{folder}: must belong to you with mode 0700 (it is {oct(info.st_mode & 0o777)})")
    return folder


def socket_path(key: str, env=os.environ) -> Path:
    path = runtime_dir(env) / f"warm-{key}.sock"
    if len(os.fsencode(path)) > 100:  # AF_UNIX paths stop at 108 bytes
        raise OSError(f"{path}: too long for a socket; point XDG_RUNTIME_DIR at a shorter folder")
    return path


def log_path(path: Path) -> Path:
    """One line per call and per exit, beside the socket: what ran through the server."""
    return path.with_suffix(".log")


def start_server(key: str, path: Path, env=None) -> None:
    """Start a server in the background, detached from this process and its terminal; it
    imports under `env` (default: this process's), which `key` was computed from."""
    subprocess.Popen(
        [sys.executable, "-m", "pipeline.runtime.warm", "serve", key, str(path)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, close_fds=True, cwd="/", env=None if env is None else dict(env),
    )


def stop(env=os.environ) -> bool:
    """Ask the server for this code and environment to end; False when none runs."""
    key = server_key(env)
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(str(socket_path(key, env)))
    except OSError:
        return False
    with conn:
        socket.send_fds(conn, [b"\0"], [0, 1, 2])
        conn.sendall(json.dumps({"stop": key}).encode() + b"\n")
    return True


def wait_until_serving(timeout_s: float = 120.0, env=os.environ) -> bool:
    """Start the server if needed and wait until it accepts calls (benchmarks and tests)."""
    key = server_key(env)
    path = socket_path(key, env)
    started = False
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(str(path))
            return True  # the server reads a closed connection as a refused call
        except OSError:
            if not started:
                start_server(key, path, env)
                started = True
            time.sleep(0.2)
        finally:
            probe.close()
    return False


@contextmanager
def running_server(env=os.environ, timeout_s: float = 120.0) -> Iterator[float]:
    """A server for `env` while the block runs (started if none is): yields the seconds it took
    to accept calls, and stops it after (benchmarks)."""
    t0 = time.monotonic()
    if not wait_until_serving(timeout_s, env):
        raise RuntimeError(f"the warm server did not start within {timeout_s:.0f} s (see pipeline/runtime/warm.py)")
    try:
        yield time.monotonic() - t0
    finally:
        stop(env)
