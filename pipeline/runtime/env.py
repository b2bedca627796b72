"""Process settings the `argmap` entry points apply at start, before numpy is first imported.

Importing the package changes nothing; `argmap` (pipeline/runtime/warm.py), `python -m pipeline`, the
warm server and the worker pool's fork server call `apply_env_defaults()` first thing.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

# One BLAS thread per process unless the user asks otherwise. The stages' matrix work is small
# (PCA over n x 384, similarity products), the cores are used by worker processes instead
# (pipeline/runtime/workers.py), and a multi-threaded BLAS that shares its cores with busy processes
# spins: PCA of 9k claims took 29 s that way here, against 1.5 s on one thread. OpenBLAS reads
# this when numpy is first imported. torch does not use OpenBLAS, so its threads are left as they are.
ENV_DEFAULTS: dict[str, str] = {"OPENBLAS_NUM_THREADS": "1"}


def with_env_defaults(env: dict[str, str]) -> dict[str, str]:
    """`env` as an argmap process sees it once started: the defaults where it sets nothing."""
    return {**ENV_DEFAULTS, **env}


def apply_env_defaults(environ: MutableMapping[str, str] = os.environ) -> None:
    for name, value in ENV_DEFAULTS.items():
        environ.setdefault(name, value)
