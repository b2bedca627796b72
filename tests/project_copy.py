"""A temporary copy of the project that real `dvc repro` runs in, for the end-to-end tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PATH": f"{Path(os.sys.executable).parent}:{os.environ['PATH']}",
            "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ARGMAP_WARM": "0", **extra}


def run(cmd: list[str], cwd: Path, environ: dict[str, str] | None = None) -> str:
    done = subprocess.run(cmd, cwd=cwd, env=environ or env(), capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout + done.stderr


def copy_project(dest: Path, corpora: list[str] | None = None, add_corpora=None) -> Path:
    """A copy of the project that runs the given fixture corpora (or the seeds); `add_corpora(folder)`
    may write more corpora into the copy's corpora folder first."""
    dest.mkdir()
    for name in ["params.yaml", "dvc.yaml", "corpora", "pipeline", "models", "metrics", "plots"]:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, dest / name)
    if add_corpora:
        add_corpora(dest / "corpora")
    if corpora:
        for name in corpora:
            for fixtures in ("corpora", "exports"):
                fixture = ROOT / "tests" / "fixtures" / fixtures / name
                if fixture.is_dir():
                    shutil.copytree(fixture, dest / "corpora" / name)
        params = yaml.safe_load((dest / "params.yaml").read_text())
        params["ingest"]["corpora"] = corpora
        (dest / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    run(["git", "init", "-q"], dest)
    run(["dvc", "init", "-q"], dest)
    run(["dvc", "config", "core.analytics", "false"], dest)
    # The copy keeps the project's trained models (copied with models/ above), recorded as done:
    # training takes minutes on a CPU and has tests of its own (tests/test_encoder.py,
    # tests/test_claims.py, tests/test_stance.py). Every other stage runs from scratch.
    run(["dvc", "commit", "-f", "-q", *TRAINED_STAGES], dest)
    return dest


TRAINED_STAGES = ("train_encoder", "train_claims", "train_stance")


def copy_run(src: Path, dest: Path) -> Path:
    """A copy of a project folder DVC has run in, for a test that changes it: every file but the
    git history and DVC's cache and state, which the copy starts afresh."""
    def skipped(folder: str, names: list[str]) -> set[str]:
        if Path(folder) == src:
            return {".git"} & set(names)
        if Path(folder) == src / ".dvc":
            return {"cache", "tmp"} & set(names)
        return {"__pycache__"} & set(names)

    shutil.copytree(src, dest, ignore=skipped)
    run(["git", "init", "-q"], dest)
    return dest


# The corpora of every other format in one copy, run once per session: JSONL and HTML samples, the
# five structured exports, and the hostile corpora (tests/fixtures/corpora/hostile, less what DVC
# cannot hash: see corpus_helpers.make_hostile).
FORMAT_CORPORA = ["jsonl-sample", "html-sample"]
EXPORT_CORPORA = ["wxr-sample", "disqus-sample", "reddit-sample", "hn-sample", "csv-sample"]
