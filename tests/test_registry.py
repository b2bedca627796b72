"""dvc.yaml against the stage registry: commands, params, outs, metrics, plots, and deps = data + imported code."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from project_copy import copy_run, env

from pipeline import paths, runners, stages
from pipeline.code_deps import code_files, find_cycle, stage_deps
from pipeline.stages import STAGES

DVC = yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))
IDS = [stage.name for stage in STAGES]


def _flags(items: list) -> dict[str, dict]:
    """dvc.yaml's list of `path` or `{path: {flag: value}}` as path -> flags."""
    out: dict[str, dict] = {}
    for item in items or []:
        if isinstance(item, str):
            out[item] = {}
        else:
            (path, flags), = item.items()
            out[path] = dict(flags or {})
    return out


def _declared(outs: tuple[stages.Out, ...]) -> dict[str, dict]:
    return {out.path.as_posix(): {**({"persist": True} if out.persist else {}), **({} if out.cache else {"cache": False})}
            for out in outs}


def _paste(stage: stages.Stage) -> str:
    return f"  {stage.name}:\n    deps:\n" + "".join(f"      - {dep}\n" for dep in stage_deps(stage))


def test_dvc_yaml_has_the_registry_stages_in_order():
    assert list(DVC["stages"]) == IDS


@pytest.mark.parametrize("stage", STAGES, ids=IDS)
def test_command_and_params_match(stage):
    entry = DVC["stages"][stage.name]
    assert entry["cmd"] == stage.cmd
    assert entry.get("params", []) == list(stage.params)


@pytest.mark.parametrize("stage", STAGES, ids=IDS)
def test_outs_metrics_and_plots_match(stage):
    entry = DVC["stages"][stage.name]
    assert _flags(entry.get("outs")) == _declared(stage.outs)
    assert _flags(entry.get("metrics")) == _declared(stage.metrics)
    assert _flags(entry.get("plots")) == _declared(stage.plots)


@pytest.mark.parametrize("stage", STAGES, ids=IDS)
def test_deps_are_the_data_inputs_and_the_code_the_runner_imports(stage):
    listed = DVC["stages"][stage.name].get("deps") or []
    expected = stage_deps(stage)
    missing, extra = sorted(set(expected) - set(listed)), sorted(set(listed) - set(expected))
    duplicated = sorted({dep for dep in listed if listed.count(dep) > 1})
    assert not (missing or extra or duplicated), (
        f"dvc.yaml stage {stage.name!r}: missing {missing}, not imported or not declared {extra}, "
        f"listed twice {duplicated}. Paste (or see `argmap stages`):\n{_paste(stage)}"
    )


def test_the_cli_is_no_stage_dependency():
    for stage in STAGES:
        assert "pipeline/cli/app.py" not in stage_deps(stage), stage.name


def test_every_stage_depends_on_its_runner_and_the_registry():
    for stage in STAGES:
        assert {"pipeline/__init__.py", "pipeline/runners.py", "pipeline/stages.py"} <= set(stage_deps(stage))


def test_the_registry_imports_only_the_paths():
    assert code_files([stages.__name__]) == ["pipeline/__init__.py", "pipeline/paths.py", "pipeline/stages.py"]


def test_top_level_metrics_are_the_stages_metrics():
    declared = [out.path.as_posix() for stage in STAGES for out in stage.metrics]
    assert sorted(DVC["metrics"]) == sorted(declared)


def test_top_level_plots_are_stage_plots():
    declared = {out.path.as_posix() for stage in STAGES for out in stage.plots}
    assert set(_flags(DVC["plots"])) <= declared


@pytest.mark.parametrize("stage", STAGES, ids=IDS)
def test_each_stage_has_a_runner_with_help(stage):
    module, _, name = stage.runner.partition(":")
    assert module == runners.__name__
    runner = getattr(runners, name)
    assert callable(runner) and runner.__doc__ and runner.__doc__.strip()


def test_the_unit_cache_fingerprints_the_code_of_each_unit_and_dvc_sees_it_too():
    from pipeline.runtime.engine import UNIT_WORK, stage_code

    for name in UNIT_WORK:
        files = {f"pipeline/{rel}" for rel in stage_code(name)}
        assert {"pipeline/runtime/engine.py", f"pipeline/{name}.py"} <= files
        assert files <= set(stage_deps(stages.get(name))), name
    assert "stance.py" not in stage_code("sentences") and "sentences.py" not in stage_code("stance")


def test_every_input_a_stage_makes_comes_from_another_stage_and_the_dag_is_acyclic():
    writer = {out.path.as_posix(): stage.name for stage in STAGES for out in (*stage.outs, *stage.metrics, *stage.plots)}
    needs: dict[str, set[str]] = {}
    for stage in STAGES:
        made_here = [Path(path).as_posix() for path in stage.inputs if Path(path).parts[0] != "corpora"]
        for path in made_here:
            assert writer.get(path, stage.name) != stage.name, f"{stage.name} reads {path}, which no other stage writes"
        needs[stage.name] = {writer[path] for path in made_here}
    assert find_cycle(needs) is None


def test_every_path_in_paths_is_written_by_exactly_one_stage():
    folders = {paths.OUTPUTS, paths.WORK, paths.MODELS, paths.METRICS, paths.PLOTS}
    declared = [out.path for stage in STAGES for out in (*stage.outs, *stage.metrics, *stage.plots)]
    for name, value in vars(paths).items():
        if isinstance(value, Path) and value not in folders:
            assert declared.count(value) == 1, f"paths.{name} = {value} is written by {declared.count(value)} stages"
    assert len(declared) == len(set(declared))


# ----------------------------------------------------------------------------- DVC sees code edits


def _dvc_status(project: Path, env: dict[str, str]) -> dict:
    """`dvc status --json`, less the outs that are only missing from the copy's empty DVC cache."""
    done = subprocess.run(["dvc", "status", "--json"], cwd=project, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    status = {}
    for stage, changes in json.loads(done.stdout or "{}").items():
        kept = []
        for change in changes:
            if isinstance(change, dict):
                change = {kind: {path: why for path, why in what.items() if why != "not in cache"}
                          if isinstance(what, dict) else what for kind, what in change.items()}
                change = {kind: what for kind, what in change.items() if what}
            if change:
                kept.append(change)
        if kept:
            status[stage] = kept
    return status


@pytest.mark.slow
def test_editing_a_module_marks_the_stages_that_import_it(seed_run, tmp_path):
    """Append a comment to pipeline/people.py in a copy of the seed run, whose dvc.lock is current:
    `dvc status` must list the argmap stage (and every other stage whose runner imports it)."""
    project = copy_run(seed_run, tmp_path / "project")
    environ = env()
    assert _dvc_status(project, environ) == {}

    with (project / "pipeline" / "people.py").open("a", encoding="utf-8") as fh:
        fh.write("\n# an edit DVC must see\n")
    status = _dvc_status(project, environ)

    importers = {stage.name for stage in STAGES if "pipeline/people.py" in stage_deps(stage)}
    assert "argmap" in importers
    assert set(status) == importers, status
    assert any("pipeline/people.py" in json.dumps(change) for change in status["argmap"]), status["argmap"]


def _corpus_paths(value) -> list[str]:
    """Every string under corpora/ in a params section (nested lists and mappings included)."""
    if isinstance(value, str):
        return [value] if value.startswith("corpora/") else []
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [p for item in items for p in _corpus_paths(item)]


@pytest.mark.parametrize("stage", [s for s in STAGES if s.name in yaml.safe_load(
    (ROOT / "params.yaml").read_text(encoding="utf-8"))], ids=lambda s: s.name)
def test_every_file_a_stage_section_names_is_one_of_its_deps(stage):
    """A file params adds to a stage's section (a new debate file) is tracked by DVC for that stage."""
    section = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))[stage.name]
    inputs = [Path(i).as_posix() for i in stage.inputs]
    uncovered = [p for p in _corpus_paths(section)
                 if not any(p == i or p.startswith(i.rstrip("/") + "/") for i in inputs)]
    assert not uncovered, f"{stage.name}: params name {uncovered}, which no dep covers (add them to pipeline/stages.py)"
