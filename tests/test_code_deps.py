"""The static import closure (pipeline/code_deps.py), and the package's import graph."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT

from pipeline import code_deps


@pytest.fixture
def fake_package(tmp_path, monkeypatch):
    """A throwaway `pipeline` package to check the rules on; returns a writer for its files."""
    package = tmp_path / "pipeline"
    package.mkdir()

    def write(rel: str, text: str = "") -> None:
        path = package / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")

    write("__init__.py")
    monkeypatch.setattr(code_deps, "PACKAGE_DIR", package)
    monkeypatch.setattr(code_deps, "PROJECT_DIR", tmp_path)
    for cached in (code_deps.project_modules, code_deps._tree, code_deps.module_imports, code_deps.data_files):
        cached.cache_clear()
    yield write
    for cached in (code_deps.project_modules, code_deps._tree, code_deps.module_imports, code_deps.data_files):
        cached.cache_clear()


def test_imports_anywhere_count_and_from_package_import_names_a_module(fake_package):
    fake_package("a.py", """
        import json

        def f():
            from pipeline import b
            return b
    """)
    fake_package("b.py", "from .c import X\n")
    fake_package("c.py", "X = 1\n")
    fake_package("unused.py", "")
    assert code_deps.code_files(["pipeline.a"]) == [
        "pipeline/__init__.py", "pipeline/a.py", "pipeline/b.py", "pipeline/c.py"]


def test_a_submodule_brings_its_package(fake_package):
    fake_package("sub/__init__.py", "from pipeline import heavy\n")
    fake_package("sub/leaf.py", "")
    fake_package("heavy.py", "")
    fake_package("a.py", "from pipeline.sub.leaf import *\n")
    assert code_deps.code_files(["pipeline.a"]) == [
        "pipeline/__init__.py", "pipeline/a.py", "pipeline/heavy.py", "pipeline/sub/__init__.py",
        "pipeline/sub/leaf.py"]


def test_a_function_root_takes_its_own_imports_and_the_helpers_it_calls(fake_package):
    fake_package("runners.py", """
        from pipeline import shared

        def one(p):
            from pipeline import x
            return _helper(x)

        def _helper(v):
            from pipeline import y
            return v

        def two(p):
            from pipeline import z
            one = z.load()  # a local name, not the function above
            return one
    """)
    for name in ("shared", "x", "y", "z"):
        fake_package(f"{name}.py", "")
    files = lambda root: [f.removeprefix("pipeline/") for f in code_deps.code_files([root])]  # noqa: E731
    assert files("pipeline.runners:one") == ["__init__.py", "runners.py", "shared.py", "x.py", "y.py"]
    assert files("pipeline.runners:two") == ["__init__.py", "runners.py", "shared.py", "z.py"]
    assert files("pipeline.runners") == ["__init__.py", "runners.py", "shared.py", "x.py", "y.py", "z.py"]


def test_package_data_named_in_a_literal_is_a_dependency(fake_package):
    fake_package("schemas_json/map.schema.json", "{}")
    fake_package("assets/page.css", "")
    fake_package("a.py", """
        '''Reads schemas_json/map.schema.json (a docstring mention alone is not a read).'''
        SCHEMA = "schemas_json/map.schema.json"

        def asset(name):
            return f"assets/{name}"
    """)
    assert code_deps.code_files(["pipeline.a"]) == [
        "pipeline/__init__.py", "pipeline/a.py", "pipeline/assets", "pipeline/schemas_json/map.schema.json"]


def test_find_cycle_reports_one():
    assert code_deps.find_cycle({"a": ["b"], "b": ["c"], "c": []}) is None
    assert code_deps.find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]


def test_the_package_has_no_import_cycle():
    """Imports anywhere in a module count (function-local ones too), as for the closure."""
    cycle = code_deps.find_cycle(code_deps.import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_importing_the_package_and_the_cli_changes_no_environment_variable():
    code = ("import os; before = dict(os.environ); import pipeline, pipeline.cli.app; "
            "print(sorted(set(os.environ.items()) ^ set(before.items())))")
    assert _run(code) == "[]"


def test_the_errors_module_imports_nothing_heavy():
    code = ("import sys; before = set(sys.modules); import pipeline.errors; "
            "print(sorted(m for m in set(sys.modules) - before if not m.startswith('pipeline')))")
    assert _run(code) == "[]"


def test_rewrite_deps_replaces_only_the_lists_and_keeps_comments():
    from pipeline.code_deps import rewrite_deps

    text = ("stages:\n  a:\n    cmd: argmap a\n    deps:\n      - old.py\n      - data   # the input\n"
            "    params:\n      - a\n  b:\n    cmd: argmap b\n    deps:\n      - x.py\n")
    out = rewrite_deps(text, {"a": ["new.py", "data"], "b": ["x.py"]})
    assert out == ("stages:\n  a:\n    cmd: argmap a\n    deps:\n      - new.py\n      - data   # the input\n"
                   "    params:\n      - a\n  b:\n    cmd: argmap b\n    deps:\n      - x.py\n")
