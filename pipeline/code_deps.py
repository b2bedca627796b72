"""Which project files a module or a function needs, read statically from the import statements.

The stage registry (pipeline/stages.py) and the engine's cache fingerprints (pipeline/runtime/engine.py)
take their code dependencies from here, so dvc.yaml, the unit cache and the code cannot drift.

The rules, kept conservative so that an edit never leaves an output stale:
- an import anywhere in a module counts (module level, inside functions, under `if`), and
  `from pipeline import x` means the module pipeline/x.py when there is one;
- importing a module imports its packages first (pipeline/__init__.py for everyone);
- a string literal that names a file or folder inside the package that is not Python code
  (`"schemas_json/argmap.schema.json"`, `f"report_assets/{name}"`) is data the module reads;
- a closure may start at one function (`"pipeline.runners:embed"`): then only that function's own
  imports, its module's module-level imports, and the same module's functions and classes it names
  (recursively) count; every module reached from there counts whole.

Only the standard library is imported: the engine computes fingerprints with it at run time.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

PACKAGE = "pipeline"
PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


@lru_cache(maxsize=1)
def project_modules() -> dict[str, Path]:
    """Every module of the package by dotted name (`pipeline.readers.layout`) -> its file."""
    modules: dict[str, Path] = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        rel = path.relative_to(PACKAGE_DIR)
        if "__pycache__" in rel.parts:
            continue
        parts = [PACKAGE, *rel.with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def is_package(module: str) -> bool:
    return project_modules()[module].name == "__init__.py"


@cache
def _tree(module: str) -> ast.Module:
    path = project_modules()[module]
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _resolve(node: ast.Import | ast.ImportFrom, module: str) -> set[str]:
    """The project modules one import statement names (not their parent packages)."""
    modules = project_modules()
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        if node.level:  # relative: from the module's package, one level up per extra dot
            package = module if is_package(module) else module.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{node.module}" if node.module else package
        else:
            base = node.module or ""
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
    found = set()
    for name in names:
        while name and name not in modules:  # `import pipeline.x.y` where y is not a module
            name = name.rpartition(".")[0]
        if name and (name == PACKAGE or name.startswith(PACKAGE + ".")):
            found.add(name)
    return found


def _imports_in(nodes: Iterable[ast.AST], module: str) -> set[str]:
    found: set[str] = set()
    for root in nodes:
        for node in ast.walk(root):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found |= _resolve(node, module)
    return found - {module}


@cache
def module_imports(module: str) -> frozenset[str]:
    """The project modules a module's import statements name, anywhere in it."""
    return frozenset(_imports_in([_tree(module)], module))


def import_graph() -> dict[str, frozenset[str]]:
    """Module -> the project modules it imports by name (parent packages implied by Python left out)."""
    return {module: module_imports(module) for module in project_modules()}


def find_cycle(graph: dict[str, Iterable[str]]) -> list[str] | None:
    """One import cycle as [a, b, ..., a], or None when the graph is acyclic."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def _parents(module: str) -> set[str]:
    parts = module.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def module_closure(roots: Iterable[str]) -> set[str]:
    """The roots and every project module they import, transitively, with their parent packages."""
    todo = [m for root in roots for m in (root, *_parents(root))]
    seen: set[str] = set()
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        for name in module_imports(module):
            todo.extend((name, *_parents(name)))
    return seen


def _module_level(tree: ast.Module) -> list[ast.AST]:
    """The statements that run when the module is imported (function bodies left out)."""
    out: list[ast.AST] = []

    def collect(body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if isinstance(stmt, ast.ClassDef):
                collect(stmt.body)
            elif isinstance(stmt, (ast.If, ast.While)):
                out.append(stmt.test)
                collect(stmt.body)
                collect(stmt.orelse)
            elif isinstance(stmt, ast.For):
                out.append(stmt.iter)
                collect(stmt.body)
                collect(stmt.orelse)
            elif isinstance(stmt, ast.With):
                out.extend(stmt.items)
                collect(stmt.body)
            elif isinstance(stmt, ast.Try):
                collect(stmt.body)
                for handler in stmt.handlers:
                    collect(handler.body)
                collect(stmt.orelse)
                collect(stmt.finalbody)
            else:
                out.append(stmt)

    collect(tree.body)
    return out


def _local_names(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Names a function binds in its own scope (a name bound anywhere in it is local throughout)."""
    args = fn.args
    names = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a}
    declared_global: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(child.name)
                continue  # its body is another scope
            if isinstance(child, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                continue
            if isinstance(child, ast.Name) and isinstance(child.ctx, (ast.Store, ast.Del)):
                names.add(child.id)
            elif isinstance(child, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).partition(".")[0] for a in child.names)
            elif isinstance(child, ast.ExceptHandler) and child.name:
                names.add(child.name)
            elif isinstance(child, (ast.Global, ast.Nonlocal)):
                declared_global.update(child.names)
            visit(child)

    for stmt in fn.body:
        visit(ast.Module(body=[stmt], type_ignores=[]))
    return names - declared_global


def _function_roots(module: str, name: str) -> set[str]:
    """The project modules one function of `module` needs directly (see the module docstring)."""
    tree = _tree(module)
    defs = {node.name: node for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    if name not in defs:
        raise KeyError(f"{module} has no function or class {name!r} at module level")
    nodes: list[ast.AST] = list(_module_level(tree))
    todo, seen = [name], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        node = defs[current]
        nodes.append(node)
        local = _local_names(node) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else set()
        todo.extend(n.id for n in ast.walk(node)
                    if isinstance(n, ast.Name) and n.id in defs and n.id not in local and n.id not in seen)
    return _imports_in(nodes, module) | {module}


def _string_literals(tree: ast.AST) -> Iterable[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and "/" in first.value:
                yield first.value.rpartition("/")[0]  # f"report_assets/{name}" -> the folder


@cache
def data_files(module: str) -> frozenset[str]:
    """Files and folders inside the package, other than Python code, that a module names."""
    found = set()
    for text in _string_literals(_tree(module)):
        text = text.strip("/")
        if not text or len(text) > 200 or any(c.isspace() for c in text) or text.startswith((".", "~")):
            continue
        path = PACKAGE_DIR / text
        if path.is_file() and path.suffix != ".py":
            found.add(path)
        elif path.is_dir() and not (path / "__init__.py").exists() and path.name != "__pycache__":
            found.add(path)
    return frozenset(p.relative_to(PROJECT_DIR).as_posix() for p in found)


def closure(root: str) -> set[str]:
    """The project modules a root needs: `pipeline.x` (the whole module) or `pipeline.x:function`."""
    module, _, name = root.partition(":")
    if module not in project_modules():
        raise KeyError(f"{module} is not a module of the {PACKAGE} package")
    if not name:
        return module_closure([module])
    direct = _function_roots(module, name)
    return {module, *_parents(module)} | module_closure(direct - {module}) | module_closure(
        set(_parents(module)))


def code_files(roots: Iterable[str]) -> list[str]:
    """The files (project-relative, sorted) that the roots' closures read: modules and package data."""
    modules: set[str] = set()
    for root in roots:
        modules |= closure(root)
    files = {project_modules()[m].relative_to(PROJECT_DIR).as_posix() for m in modules}
    for m in modules:
        files |= data_files(m)
    return sorted(files)


REGISTRY = "pipeline.stages"


def stage_deps(stage) -> list[str]:
    """A registry stage's dvc.yaml deps: the code the registry and its runner import, then its data inputs."""
    return code_files([REGISTRY, stage.runner]) + [Path(path).as_posix() for path in stage.inputs]


def rewrite_deps(dvc_yaml: str, expected: dict[str, list[str]]) -> str:
    """dvc.yaml's text with each stage's `deps:` list replaced by `expected`, the rest untouched
    (comments on deps that stay are kept)."""
    lines = dvc_yaml.split("\n")
    out: list[str] = []
    stage = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("  ") and not line.startswith("   ") and line.rstrip().endswith(":"):
            stage = line.strip()[:-1]
        out.append(line)
        i += 1
        if line == "    deps:" and stage in expected:
            kept = {}
            while i < len(lines) and lines[i].startswith("      - "):
                kept[lines[i][8:].split("#")[0].strip()] = lines[i]
                i += 1
            out.extend(kept.get(dep, f"      - {dep}") for dep in expected[stage])
    return "\n".join(out)
