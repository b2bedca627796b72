"""A spinner on stderr while something slow runs; it follows the log level, as the log does."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

logger = logging.getLogger("pipeline")


@contextlib.contextmanager
def progress(message: str) -> Iterator[None]:
    """Show `message` with a spinner on stderr while the block runs, unless progress is not logged
    (`argmap -q` sets the log level to warnings; a library caller who configures no logging sees none)."""
    if not logger.isEnabledFor(logging.INFO):
        yield
        return
    from rich.console import Console

    with Console(stderr=True, highlight=False, soft_wrap=False).status(message):
        yield
