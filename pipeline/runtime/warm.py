"""The `argmap` entry point, and an opt-in warm server that runs pipeline stages without import cost.

Every DVC stage is a fresh process, and a stage's imports cost more than its work on an
incremental run: sentence-transformers takes about 9 s to import here, scikit-learn 2 s, pandas
and pyarrow 0.7 s. With `ARGMAP_WARM=1` in the environment, `argmap <stage>` hands the stage to a
server that imported all of that once, and which forks a fresh child per stage: the child runs
the stage exactly as `argmap <stage>` would (same code, same arguments, working directory and
environment, the caller's stdin, stdout and stderr), and the caller exits with its exit code.

- The first call finds no server: it starts one in the background and runs its stage itself, as
  usual. Later calls use the server once it has finished importing.
- A server serves only callers with the same code and installation: its socket's name is a hash
  of the package's source files, the installed distributions, the Python executable and the
  environment variables read at import time (HF_*, OMP_* ...). Edit a file or install a package
  and the next call starts a new server; the old one ends when idle.
- It ends after `ARGMAP_WARM_IDLE` seconds without a call (default 900), or on
  `python -m pipeline.runtime.warm stop`. pipeline/runtime/warm_control.py finds, starts and stops servers.
- Its socket lives in a folder only the user can open (`$XDG_RUNTIME_DIR/argmap`, else
  `/tmp/argmap-<uid>`), and it serves only connections from the same user (SO_PEERCRED). A
  request is JSON; nothing is unpickled or evaluated.
- Ctrl-C, SIGTERM and SIGHUP sent to the caller are passed on to the child; a child whose caller
  is gone (killed outright) ends within a second.

Outputs are byte-identical either way (tests/test_warm.py): the child's code is the code on disk
when the server started, and the server is keyed to it. Only the standard library and small
modules that import nothing else (the stage names, the server's key) are imported before the
decision, so a call through the server costs milliseconds.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time
from pathlib import Path

from pipeline import stages
from pipeline.runtime.env import apply_env_defaults
from pipeline.runtime.warm_control import log_path, server_key, socket_path, start_server, stop

# The commands dvc.yaml runs; queries and benchmarks always run in-process.
STAGES = frozenset(stages.NAMES)
# What argmap sets by default at start (pipeline/runtime/env.py) or when a module is imported
# (pipeline/models.py): a child keeps the server's value where the caller's environment has none,
# as an in-process run would.
PACKAGE_DEFAULTS = ("OPENBLAS_NUM_THREADS", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY",
                    "TOKENIZERS_PARALLELISM")
DEFAULT_IDLE_S = 900.0
# Imported by the server before it accepts a call: what the stages import (see each stage's
# cost in README, "What bounds the figures"), last the worker pool's own preload (torch,
# sentence-transformers, spaCy with torch hidden from its import).
PRELOAD = ("pipeline.cli.app", "pipeline.runtime.engine", "pipeline.cluster", "pipeline.claims", "pipeline.stance",
           "pipeline.relate", "pipeline.argmap", "pipeline.results.export", "pipeline.train", "pipeline.evaluate",
           "pipeline.results.report", "pipeline.ingest", "hdbscan", "sklearn.feature_extraction.text",
           "sklearn.decomposition", "sklearn.linear_model", "pipeline.runtime._worker_preload")


def warm_enabled(env=os.environ) -> bool:
    return env.get("ARGMAP_WARM", "").strip().lower() in ("1", "true", "on", "yes")


def command_of(argv: list[str]) -> str | None:
    """The subcommand of an `argmap` command line (options before it skipped), or None."""
    args = iter(argv)
    for arg in args:
        if arg == "--params":
            next(args, None)
        elif not arg.startswith("-"):
            return arg
    return None


# ------------------------------------------------------------------------------- caller side


def main() -> None:
    """Console entry: through the warm server where enabled and running, else in-process."""
    apply_env_defaults()  # before anything imports numpy
    argv = sys.argv[1:]
    if warm_enabled() and command_of(argv) in STAGES:
        code = run_through_server(argv)
        if code is not None:
            sys.exit(code)
    from pipeline.cli.app import main as cli_main

    cli_main()


def run_through_server(argv: list[str]) -> int | None:
    """Run `argmap argv` in a warm server's child; its exit code, or None to run in-process
    (no server yet: one is started for the next call)."""
    try:
        key = server_key()
        path = socket_path(key)
    except OSError as exc:
        print(f"argmap: warm server unavailable ({exc}); running in-process", file=sys.stderr)
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(str(path))
    except OSError:
        conn.close()
        try:
            start_server(key, path)
        except OSError as exc:
            print(f"argmap: warm server not started ({exc}); running in-process", file=sys.stderr)
        return None
    with conn:
        socket.send_fds(conn, [b"\0"], [0, 1, 2])
        request = {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}
        conn.sendall(json.dumps(request).encode("utf-8") + b"\n")
        reader = conn.makefile("rb")
        hello = _read_message(reader)
        if hello is None or "pid" not in hello:  # nothing ran: the stage runs here instead
            print("argmap: the warm server refused the call; running in-process", file=sys.stderr)
            return None
        child = int(hello["pid"])

        def forward(signum, _frame):
            try:
                os.kill(child, signum)
            except ProcessLookupError:
                pass

        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, forward)
        done = _read_message(reader)
    if done is None or "exit" not in done:
        print("argmap: error: the stage ended without an exit code (killed?)", file=sys.stderr)
        return 1
    return int(done["exit"])


def _read_message(reader) -> dict | None:
    line = reader.readline()
    if not line:
        return None
    try:
        message = json.loads(line)
    except ValueError:
        return None
    return message if isinstance(message, dict) else None


# ------------------------------------------------------------------------------- server side

_LOCK = None  # the server's lock file: one server per key


def serve(key: str, path: Path, idle_s: float) -> None:
    """Import what the stages need, then fork one child per call until idle for `idle_s`."""
    import fcntl
    import importlib

    global _LOCK
    _LOCK = open(f"{path}.lock", "w")  # noqa: SIM115 - held for the server's life
    try:
        fcntl.flock(_LOCK, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return  # another server for this key is starting or running
    for name in PRELOAD:
        importlib.import_module(name)
    path.unlink(missing_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    os.chmod(path, 0o600)
    server.listen(16)
    server.settimeout(1.0)
    _log(path, f"serving, pid {os.getpid()}")
    children: set[int] = set()
    last = time.monotonic()
    try:
        while True:
            _reap(children, path)
            try:
                conn, _ = server.accept()
            except TimeoutError:
                if not children and time.monotonic() - last > idle_s:
                    break
                continue
            last = time.monotonic()
            pid = _accept(conn, server, key, path)
            if pid == -1:
                break
            if pid:
                children.add(pid)
    finally:
        server.close()
        path.unlink(missing_ok=True)
        _log(path, "stopped")


def _log(path: Path, message: str) -> None:
    with open(log_path(path), "a", encoding="utf-8") as fh:
        fh.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {message}\n")


def _reap(children: set[int], path: Path) -> None:
    for pid in list(children):
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done, status = pid, 0
        if done:
            children.discard(pid)
            _log(path, f"child {pid} ended, exit status {os.waitstatus_to_exitcode(status)}")


def _accept(conn: socket.socket, server: socket.socket, key: str, path: Path) -> int:
    """Check and read one call; fork its child. The child's pid, 0 if refused, -1 to stop."""
    import struct

    with conn:
        conn.settimeout(10.0)
        try:
            pid, uid, _ = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                              struct.calcsize("3i")))
            if uid != os.getuid():
                return 0
            _, fds, _, _ = socket.recv_fds(conn, 1, 3)
            request = _read_message(conn.makefile("rb"))
        except OSError:
            return 0
        if request is not None and request.get("stop") == key:
            return -1
        if request is None or len(fds) != 3 or not isinstance(request.get("argv"), list):
            for fd in fds:
                os.close(fd)
            return 0
        child = os.fork()
        if child == 0:
            server.close()
            _run_child(conn, fds, request, pid)
        for fd in fds:
            os.close(fd)
        _log(path, f"child {child} runs argmap {' '.join(map(str, request['argv']))} in {request.get('cwd')}")
        return child


def _run_child(conn: socket.socket, fds: list[int], request: dict, caller_pid: int) -> None:
    """In the forked child: become the caller's `argmap` process, run the stage, report its code."""
    import threading

    code = 1
    try:
        os.setsid()  # signals for the server's session do not reach a running stage
        if _LOCK is not None:
            _LOCK.close()  # a stage outliving its server must not keep a new one from starting
        defaults = {k: os.environ[k] for k in PACKAGE_DEFAULTS if k in os.environ}
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update({**defaults, **{str(k): str(v) for k, v in request["env"].items()}})
        sys.argv = ["argmap", *map(str, request["argv"])]
        conn.settimeout(None)
        conn.sendall(json.dumps({"pid": os.getpid()}).encode() + b"\n")
        from pipeline.runtime.workers import _exit_with

        threading.Thread(target=_exit_with, args=(caller_pid,), daemon=True).start()
        from pipeline.cli.app import app

        try:
            app(args=sys.argv[1:], prog_name="argmap")
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # the caller gets the traceback, as it would in-process
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
            conn.sendall(json.dumps({"exit": code}).encode() + b"\n")
        except (OSError, ValueError):
            pass
        os._exit(code)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "serve":
        apply_env_defaults()  # before the preload imports numpy
        serve(sys.argv[2], Path(sys.argv[3]), float(os.environ.get("ARGMAP_WARM_IDLE", DEFAULT_IDLE_S)))
    elif len(sys.argv) >= 2 and sys.argv[1] == "stop":
        print("stopped" if stop() else "no warm server runs for this code and environment")
    else:
        print("usage: python -m pipeline.runtime.warm stop", file=sys.stderr)
        sys.exit(2)
