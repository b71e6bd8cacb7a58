"""The package's modules import in one direction: no circle, lazy imports inside functions
included (a lazy import is a circle all the same, only hidden until the function runs)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "xladdin"


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports anywhere in its text (top level or lazily)."""
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                stem = ".".join(base[: len(base) - node.level + 1] + [node.module or ""]) if node.level else node.module
                stem = (stem or "").rstrip(".")
                targets = [f"{stem}.{a.name}" if f"{stem}.{a.name}" in modules else stem for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
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
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for w in graph[todo.pop()]:
            if w not in seen:
                seen.add(w)
                todo.append(w)
    return seen


def test_no_import_circle_anywhere_in_the_package() -> None:
    assert cycles(import_graph()) == []


def test_the_detector_sees_a_lazy_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_the_report_is_at_the_bottom() -> None:
    """Report reads JSON and looks keys up in the spec; it never reaches the text checks, the
    workbook layer, the checks or the exporters."""
    below = reachable(import_graph(), "xladdin.report")
    assert "xladdin.textsafety" not in below
    assert not {m for m in below if m.split(".")[1] in ("io", "check", "export", "excel", "ingest", "audit", "cli")}


def test_the_excel_layer_stands_in_one_direction() -> None:
    graph = import_graph()
    order = ["xladdin.excel.build", "xladdin.excel.udf_vba", "xladdin.excel.udfs", "xladdin.excel.xlbook",
             "xladdin.excel.book", "xladdin.excel.identity"]
    for i, upper in enumerate(order):
        for lower in order[i + 1 :]:
            assert upper not in reachable(graph, lower), f"{lower} reaches back to {upper}"
