"""What every `argmap` command module shares: the global options, params(), fail() and user_errors.

The command modules (app, query and corpus here; benchmarks/*_cli.py) import this one and never
each other, so each app is assembled (pipeline/cli/app.py, benchmarks/cli.py) without an import cycle.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path

import typer

from pipeline.errors import ArgmapError

# Set by the app's callback from the global option --params (--quiet sets the log level, which the
# progress spinner of pipeline/runtime/progress.py follows).
STATE: dict[str, object] = {"params": Path("params.yaml")}


def configure(*, verbose: bool, quiet: bool, params: Path) -> None:
    """Apply the global options of a command (`argmap`, `argmap-bench`): log level and params file."""
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=level, format="argmap %(name)s: %(message)s", stream=sys.stderr, force=True)
    for noisy in ("sentence_transformers", "transformers", "httpx", "urllib3", "numba", "filelock"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    STATE["params"] = params


def global_options(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log every step in detail."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only errors; no progress."),
    params: Path = typer.Option(Path("params.yaml"), "--params", help="The params file to use."),
) -> None:
    """The options every command takes (`app.callback()(global_options)`)."""
    configure(verbose=verbose, quiet=quiet, params=params)


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
