"""The `argmap-bench` command: `speed` (how fast the pipeline runs) and `quality` (how good its key
points are against published data). Figures are measured by these commands, never typed in."""

from __future__ import annotations

from pathlib import Path

import typer

from benchmarks.quality_cli import register as register_quality
from benchmarks.speed_cli import register as register_speed
from pipeline.cli.common import configure
from pipeline.runtime.env import apply_env_defaults

app = typer.Typer(
    name="argmap-bench",
    help="argmap's benchmarks: `speed` times every stage on 1k-50k claims (BENCHMARKS.md); `quality` scores "
    "key points and their clustering against ArgKP-2021 and PERSPECTRUM (benchmarks/results/).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
quality_app = typer.Typer(
    help="Key points and their clustering scored against ArgKP-2021 and PERSPECTRUM.",
    no_args_is_help=True,
)


@app.callback()
def _main(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log every step in detail."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only errors; no progress."),
    params: Path = typer.Option(Path("params.yaml"), "--params", help="The params file to use."),
) -> None:
    configure(verbose=verbose, quiet=quiet, params=params)


register_speed(app)
register_quality(quality_app)
app.add_typer(quality_app, name="quality")


def main() -> None:  # pragma: no cover - console entry
    apply_env_defaults()  # as `argmap` does, before anything imports numpy
    app()
