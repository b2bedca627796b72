"""The package layout: no import cycles at import time, the benchmarks outside the product, and
importing any part of the package leaves the environment as it was."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.code_deps import find_cycle

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("pipeline", "benchmarks")
# The fork server's preload module applies the process defaults on purpose (pipeline/runtime/env.py):
# it is imported only by the worker pool's fork server, never by a user's import.
APPLIES_ENV_DEFAULTS = {"pipeline.runtime._worker_preload"}


def _modules() -> dict[str, Path]:
    """Every module of the project's packages by dotted name -> its file."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(body: list[ast.stmt], *, functions: bool) -> list[ast.Import | ast.ImportFrom]:
    """The import statements in `body`; those inside function bodies only with `functions`."""
    out: list[ast.Import | ast.ImportFrom] = []
    for stmt in body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            out.append(stmt)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if functions:
                out += [n for n in ast.walk(stmt) if isinstance(n, (ast.Import, ast.ImportFrom))]
        elif isinstance(stmt, ast.If) and _is_type_checking(stmt.test):
            continue  # never runs
        else:
            for field in ("body", "orelse", "finalbody", "handlers"):
                for child in getattr(stmt, field, None) or []:
                    inner = child.body if isinstance(child, ast.ExceptHandler) else [child]
                    out += _import_nodes(inner, functions=functions)
    return out


def _targets(node: ast.Import | ast.ImportFrom, module: str) -> set[str]:
    """The project modules an import statement loads, with the packages Python loads first."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{base}" if base else package
        names = [base] + [f"{base}.{alias.name}" for alias in node.names]
    found = set()
    for name in names:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        parts = name.split(".") if name else []
        found |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
    return found - {module}


def import_graph(*, functions: bool) -> dict[str, set[str]]:
    graph = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[module] = set().union(*(_targets(n, module) for n in _import_nodes(tree.body, functions=functions)))
    return graph


def test_the_graph_sees_module_level_and_package_imports():
    graph = import_graph(functions=False)
    assert "pipeline.runtime.cache" in graph["pipeline.runtime.engine"]
    assert "pipeline.cli" in graph["pipeline.cli.app"] or "pipeline.cli.common" in graph["pipeline.cli.app"]
    assert "pipeline.cli" in graph["benchmarks.cli"]  # importing pipeline.cli.common loads pipeline.cli first
    assert "pipeline.runtime.engine" not in graph["pipeline.runners"]  # imported inside the runners only


def test_no_import_cycle_at_import_time():
    cycle = find_cycle(import_graph(functions=False))
    assert cycle is None, "import cycle at import time: " + " -> ".join(cycle)


def test_no_import_cycle_counting_function_local_imports():
    cycle = find_cycle(import_graph(functions=True))
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_product_does_not_import_the_benchmarks():
    """benchmarks/ uses pipeline/, never the other way, not even inside a function: the product reads
    the public datasets it trains on itself (pipeline/stance_data.py)."""
    graph = import_graph(functions=True)
    users = {m for m in graph if m.startswith("pipeline") and any(t.startswith("benchmarks") for t in graph[m])}
    assert not users


def test_only_the_console_entry_imports_the_cli():
    """The stages, their runners and the runtime never depend on the command line package: the one
    module outside pipeline/cli/ that imports it is the console entry (pipeline/runtime/warm.py),
    which starts the app."""
    graph = import_graph(functions=True)
    users = {m for m in graph if m.startswith("pipeline") and not m.startswith("pipeline.cli")
             and any(t.startswith("pipeline.cli") for t in graph[m])}
    assert users == {"pipeline.runtime.warm"}


def test_the_stage_modules_stay_flat_and_the_subpackages_exist():
    for name in ("pipeline.runtime", "pipeline.results", "pipeline.cli", "pipeline.readers", "benchmarks"):
        assert MODULES[name].name == "__init__.py", name
    assert not any(m.startswith("pipeline.bench") for m in MODULES)


SUBPACKAGES = sorted(m for m, p in MODULES.items() if p.name == "__init__.py")


@pytest.mark.parametrize("package", SUBPACKAGES)
def test_importing_a_package_and_its_modules_changes_no_environment_variable(package):
    modules = sorted(m for m in MODULES if (m == package or m.startswith(package + "."))
                     and m not in APPLIES_ENV_DEFAULTS and not m.endswith("__main__")
                     and not any(m.startswith(p + ".") for p in SUBPACKAGES if p != package and p.startswith(package)))
    code = ("import importlib, json, os, sys\n"
            "before = dict(os.environ)\n"
            f"for name in {modules!r}:\n"
            "    importlib.import_module(name)\n"
            "print(json.dumps(sorted(set(os.environ.items()) ^ set(before.items()))))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [], modules
