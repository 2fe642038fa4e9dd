"""Architecture: the import graph of ``auditkit/`` has no cycle.

DESIGN.md fixes one direction for imports (errors/results → policy, data, adapters, metrics → explain,
counterfactual → checks → runner → store, report → gate → cli). A cycle breaks that order: neither side can be
understood, tested or replaced without the other. This test reads every module under ``auditkit/`` with
:mod:`ast` (nothing is imported or executed) and builds the graph of auditkit-internal imports:

* every ``import`` statement counts, wherever it stands: at module level, inside a function or method (a
  deferred import is still a dependency, only a later one), and under ``if TYPE_CHECKING:`` (an annotation that
  names another module's type depends on that module as much as a call does);
* ``from auditkit.x import y`` is an edge to ``auditkit.x.y`` when that is a module, else to ``auditkit.x``;
  relative imports are resolved against the importing module's package;
* the implicit import of a parent package's ``__init__`` is not an edge: it is how Python loads packages, not a
  dependency the code chose.

A cycle fails the test with every module on it, in import order.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "auditkit"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (packages by their ``__init__``)."""
    return {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> Iterator[str]:
    """The auditkit modules that ``name`` imports anywhere in its source (see the module docstring)."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = name.split(".") if is_package else name.split(".")[:-1]
                base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if base.split(".")[0] != "auditkit":
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in known:
                    yield sub
                elif base in known:
                    yield base


def import_graph() -> dict[str, set[str]]:
    """Module → the auditkit modules it imports (self-imports dropped)."""
    modules = _modules()
    known = set(modules)
    return {name: {t for t in _imports(name, path, known) if t != name} for name, path in modules.items()}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component with more than one module (Tarjan), as a closed path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [_cycle_in(graph, set(c)) for c in components]


def _cycle_in(graph: dict[str, set[str]], members: set[str]) -> list[str]:
    """A shortest closed path through the smallest-named module of a strongly connected component."""
    start = min(members)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph[v] & members):
                if w == start:
                    return [*paths[v], start]
                if w not in paths:
                    paths[w] = [*paths[v], w]
                    nxt.append(w)
        frontier = nxt
    raise AssertionError(f"{sorted(members)} is not strongly connected")  # pragma: no cover - Tarjan's output is


def test_the_auditkit_import_graph_has_no_cycle() -> None:
    graph = import_graph()
    assert len(graph) > 50 and "auditkit.results" in graph["auditkit.runner"]  # the walk found the package
    cycles = find_cycles(graph)
    assert not cycles, "import cycles in auditkit/ (module-level, function-level and TYPE_CHECKING imports):\n" + \
        "\n".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize(("graph", "expected"), [
    ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c", "a"]]),
    ({"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"c"}}, [["a", "b", "a"], ["c", "d", "c"]]),
])
def test_cycle_finder_reports_each_cycle_as_a_closed_path(graph: dict[str, set[str]],
                                                          expected: list[list[str]]) -> None:
    assert sorted(find_cycles(graph)) == expected


def test_function_level_relative_and_type_checking_imports_are_edges(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "auditkit"
    (root / "pkg").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "pkg" / "__init__.py").write_text("from .a import f\n")
    (root / "pkg" / "a.py").write_text("def f():\n    from auditkit.pkg import b\n    return b\n")
    (root / "pkg" / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                       "    from ..pkg.a import f\nimport auditkit.c\n")
    (root / "c.py").write_text("import os\n")
    monkeypatch.setitem(globals(), "ROOT", root)
    graph = import_graph()
    assert graph == {"auditkit": set(), "auditkit.pkg": {"auditkit.pkg.a"}, "auditkit.pkg.a": {"auditkit.pkg.b"},
                     "auditkit.pkg.b": {"auditkit.pkg.a", "auditkit.c"}, "auditkit.c": set()}
    assert find_cycles(graph) == [["auditkit.pkg.a", "auditkit.pkg.b", "auditkit.pkg.a"]]
