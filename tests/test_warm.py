"""The warm server (ARGMAP_WARM=1): stages run in a forked child of a preloaded process."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import ROOT

from pipeline.runtime import warm, warm_control


def test_command_of_skips_global_options():
    assert warm.command_of(["-v", "--params", "other.yaml", "cluster"]) == "cluster"
    assert warm.command_of(["-q", "sentences", "--help"]) == "sentences"
    assert warm.command_of(["--help"]) is None
    assert {"ingest", "sentences", "cluster", "argmap", "evaluate"} <= warm.STAGES
    assert "sql" not in warm.STAGES and "bench" not in warm.STAGES


def test_server_key_follows_import_time_environment_only():
    base = {"PATH": "/bin", "HF_HUB_OFFLINE": "1"}
    assert warm_control.server_key(base) == warm_control.server_key({**base, "PATH": "/usr/bin", "ARGMAP_CACHE_DIR": "/x"})
    assert warm_control.server_key(base) != warm_control.server_key({**base, "HF_HUB_OFFLINE": "0"})
    assert warm_control.server_key(base) != warm_control.server_key({**base, "OMP_NUM_THREADS": "4"})
    # `argmap` sets OPENBLAS_NUM_THREADS=1 at start where it is unset: the same server serves both
    assert warm_control.server_key(base) == warm_control.server_key({**base, "OPENBLAS_NUM_THREADS": "1"})
    assert warm_control.server_key(base) != warm_control.server_key({**base, "OPENBLAS_NUM_THREADS": "4"})


def test_server_key_follows_the_code(tmp_path, monkeypatch):
    package = tmp_path / "pipeline"
    shutil.copytree(warm_control.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(warm_control, "PACKAGE_DIR", package)
    before = warm_control.server_key({})
    (package / "cluster.py").write_text((package / "cluster.py").read_text() + "\n# edited\n")
    assert warm_control.server_key({}) != before


def test_runtime_dir_must_be_private(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    folder = warm_control.runtime_dir()
    assert folder == tmp_path / "argmap" and oct(folder.stat().st_mode & 0o777) == "0o700"
    folder.chmod(0o755)
    with pytest.raises(PermissionError, match="0700"):
        warm_control.runtime_dir()


def test_a_socket_path_too_long_is_refused_clearly(tmp_path):
    deep = tmp_path / ("d" * 90)
    deep.mkdir(mode=0o700)
    with pytest.raises(OSError, match="XDG_RUNTIME_DIR"):
        warm_control.socket_path("k" * 20, {"XDG_RUNTIME_DIR": str(deep)})


@pytest.mark.parametrize(("given", "expected"), [(None, "1"), ("4", "4")])
def test_the_entry_point_sets_one_blas_thread_unless_asked_otherwise(given, expected):
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    code = ("import os, sys\nsys.argv = ['argmap', '--help']\nfrom pipeline.runtime.warm import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('OPENBLAS_NUM_THREADS=' + os.environ.get('OPENBLAS_NUM_THREADS', ''))")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == f"OPENBLAS_NUM_THREADS={expected}", done.stderr


def test_disabled_by_default():
    assert not warm.warm_enabled({})
    assert warm.warm_enabled({"ARGMAP_WARM": "1"}) and warm.warm_enabled({"ARGMAP_WARM": "on"})
    assert not warm.warm_enabled({"ARGMAP_WARM": "0"})


# ------------------------------------------------------------------------------ the real server

STAGE_OUTPUTS = {
    "cluster": ["work/cluster_assignments.parquet"],
    "relate": ["outputs/edges.parquet"],
    "argmap": ["outputs/argmap.json", "outputs/argmap.aif.json", "outputs/argmap.graphml",
               "outputs/argmap.argdown", "outputs/clusters.parquet", "outputs/sentences.parquet"],
}


def _project(run: Path, dest: Path) -> Path:
    """What the stages below read and write, copied from a finished run of the seed pipeline."""
    dest.mkdir()
    for name in ("work", "outputs", "models"):
        shutil.copytree(run / name, dest / name)
    shutil.copy(run / "params.yaml", dest / "params.yaml")
    return dest


def _env(tmp_path: Path, run_dir: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", "HF_HUB_OFFLINE": "1",
            "XDG_RUNTIME_DIR": str(run_dir), "ARGMAP_CACHE_DIR": str(tmp_path / "cache"), "ARGMAP_WARM": "0",
            **extra}


def _argmap(args: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["argmap", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _digests(project: Path, stages) -> dict[str, str]:
    return {f: hashlib.sha256((project / f).read_bytes()).hexdigest() for s in stages for f in STAGE_OUTPUTS[s]}


@pytest.fixture
def run_dir():
    """A short private folder for the sockets (AF_UNIX paths stop at 108 bytes; tmp_path can be long)."""
    folder = Path(tempfile.mkdtemp(prefix="argmap-warm-"))  # mode 0700
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def server(tmp_path, run_dir):
    env = _env(tmp_path, run_dir, ARGMAP_WARM="1", ARGMAP_WARM_IDLE="60")
    assert warm_control.wait_until_serving(env=env), "the warm server did not start"
    yield env, warm_control.socket_path(warm_control.server_key(env), env)
    subprocess.run([sys.executable, "-m", "pipeline.runtime.warm", "stop"], env=env, capture_output=True, timeout=30)


@pytest.mark.slow
def test_stages_through_the_server_write_the_same_bytes(seed_run, tmp_path, run_dir, server):
    env, path = server
    stages = ["cluster", "relate", "argmap"]
    direct = _project(seed_run, tmp_path / "direct")
    for stage in stages:
        done = _argmap([stage], direct, _env(tmp_path, run_dir))
        assert done.returncode == 0, done.stderr
    served = _project(seed_run, tmp_path / "served")
    for stage in stages:
        done = _argmap([stage], served, env)
        assert done.returncode == 0, done.stderr
        assert "argmap pipeline" in done.stderr  # the stage's log reaches the caller's stderr
    assert _digests(served, stages) == _digests(direct, stages)
    log = warm_control.log_path(path).read_text()
    assert all(f"runs argmap {stage} in {served}" in log for stage in stages)


@pytest.mark.slow
def test_errors_and_exit_codes_reach_the_caller(tmp_path, server):
    env, path = server
    project = tmp_path / "p"
    project.mkdir()  # the bad param stops the stage before it reads any input
    (project / "bad.yaml").write_text((ROOT / "params.yaml").read_text().replace("min_samples: 1", "min_samples: -3"))
    done = _argmap(["--params", "bad.yaml", "cluster"], project, env)
    assert done.returncode == 1
    assert "cluster.min_samples" in done.stderr
    assert "runs argmap --params bad.yaml cluster" in warm_control.log_path(path).read_text()


@pytest.mark.slow
def test_a_killed_caller_ends_its_stage(seed_run, tmp_path, server):
    env, path = server
    project = _project(seed_run, tmp_path / "p")
    before = (project / "work" / "sentences_scored.parquet").read_bytes()
    caller = subprocess.Popen(["argmap", "sentences"], cwd=project, env={**env, "ARGMAP_CACHE": "off"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    child = None
    deadline = time.monotonic() + 30
    while child is None and time.monotonic() < deadline:
        for line in warm_control.log_path(path).read_text().splitlines():
            if "runs argmap sentences" in line:
                child = int(line.split("child ")[1].split()[0])
        time.sleep(0.1)
    assert child is not None, "the stage never reached the server"
    caller.send_signal(signal.SIGKILL)
    caller.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and f"child {child} ended" not in warm_control.log_path(path).read_text():
        time.sleep(0.1)
    assert f"child {child} ended" in warm_control.log_path(path).read_text()
    assert (project / "work" / "sentences_scored.parquet").read_bytes() == before  # nothing half-written


@pytest.mark.slow
def test_server_stops_when_idle(tmp_path, run_dir):
    env = _env(tmp_path, run_dir, ARGMAP_WARM="1", ARGMAP_WARM_IDLE="1")
    assert warm_control.wait_until_serving(env=env)
    path = warm_control.socket_path(warm_control.server_key(env), env)
    deadline = time.monotonic() + 15
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not path.exists()
    assert "stopped" in warm_control.log_path(path).read_text()
