"""The package's shape, checked from the source: no import cycles, a top level that names the
layers, and `anthropic` (about 1.7 s to import) never imported when a module loads."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "haikutui"


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def import_graph() -> dict[str, set[str]]:
    """Every import of one haikutui module by another, at any depth of the code."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{alias.name}" for alias in node.names]
                targets = [t if t in modules else node.module for t in targets]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_sees_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_top_level_holds_only_the_package_entry_points() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "__main__.py"]
    layers = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    assert layers == ["cli", "core", "model", "tasks", "tui"]


def _module_level_imports(tree: ast.Module) -> list[str]:
    """Imports that run when the module loads: not in a function, not under TYPE_CHECKING."""
    names: list[str] = []

    def walk(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.Import):
                names.extend(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.append(node.module)
            elif isinstance(node, ast.If):
                if "TYPE_CHECKING" not in ast.unparse(node.test):
                    walk(node.body)
                walk(node.orelse)
            elif isinstance(node, (ast.Try, ast.With, ast.ClassDef)):
                walk(node.body)
                if isinstance(node, ast.Try):
                    for handler in node.handlers:
                        walk(handler.body)

    walk(tree.body)
    return names


def test_no_module_imports_anthropic_when_it_loads() -> None:
    """Nor detect-secrets (~0.5 s with its plugins): it loads with the first request."""
    eager = [
        name
        for name, path in _modules().items()
        if any(
            imported.split(".")[0] in ("anthropic", "detect_secrets")
            for imported in _module_level_imports(ast.parse(path.read_text(encoding="utf-8")))
        )
    ]
    assert eager == []


def test_the_anthropic_check_sees_a_module_level_import() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import anthropic\n"
        "def f():\n    import anthropic\ntry:\n    from anthropic import X\nexcept: pass\n"
    )
    assert _module_level_imports(tree) == ["typing", "anthropic"]


def test_starting_the_tui_does_not_import_anthropic() -> None:
    """The AST test's claim, checked once by Python itself with -X importtime."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import haikutui.cli.main, haikutui.tui.app"],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = {line.split("|")[-1].strip() for line in run.stderr.splitlines() if "|" in line}
    assert "haikutui.tui.app" in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("anthropic", "detect_secrets")}
