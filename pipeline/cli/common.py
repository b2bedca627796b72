"""What every `argmap` command module shares: the global options, params(), fail() and user_errors.

The command modules (app, query and corpus here; benchmarks/*_cli.py) import this one and never
each other, so each app is assembled (pipeline/cli/app.py, benchmarks/cli.py) without an import cycle.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import typer

from pipeline.errors import ArgmapError

# Set by the app's callback from the global options (--params, --quiet).
STATE: dict[str, object] = {"params": Path("params.yaml"), "quiet": False}


def configure(*, verbose: bool, quiet: bool, params: Path) -> None:
    """Apply the global options of a command (`argmap`, `argmap-bench`): log level and params file."""
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=level, format="argmap %(name)s: %(message)s", stream=sys.stderr, force=True)
    for noisy in ("sentence_transformers", "transformers", "httpx", "urllib3", "numba", "filelock"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    STATE["params"] = params
    STATE["quiet"] = quiet


def fail(message: str) -> typer.Exit:
    """Print one actionable line and return the Exit to raise."""
    typer.echo(f"argmap: error: {message}", err=True)
    return typer.Exit(code=1)


def user_errors(fn: Callable) -> Callable:
    """Turn a user's mistake (bad params, missing input, missing model...) into one line and exit 1."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ArgmapError as exc:
            raise fail(str(exc)) from None

    return wrapper


def params():
    """The validated params file named by --params (params.yaml by default)."""
    from pipeline.params import load_params

    return load_params(STATE["params"])


@contextlib.contextmanager
def progress(message: str) -> Iterator[None]:
    """A spinner on stderr while something slow runs, unless -q."""
    if STATE.get("quiet"):
        yield
        return
    from rich.console import Console

    with Console(stderr=True, highlight=False, soft_wrap=False).status(message):
        yield
