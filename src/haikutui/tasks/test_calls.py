"""The call resolver: where a name a test's code uses is defined in the repo.

A failing statement's calls (`bump()`, `mod.f()`, `self.m()`, `obj.method()`, `a == b`) lead
to the code under test; this finds their definitions through the file's own defs, its
imports (re-exports followed), module aliases, and a doctest example's own imports, and says
which of them a traced run actually executed. Files are read once (tracked, non-secret) and
parsed once.
"""

from __future__ import annotations

import ast
import builtins
import re
from pathlib import PurePosixPath

from haikutui.core.repo import Repo


class Sources:
    """Repo files read once (through `read_for_model`: tracked, non-secret) and parsed once."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self._texts: dict[str, str | None] = {}
        self._trees: dict[str, ast.Module | None] = {}

    def text(self, path: str) -> str | None:
        if path not in self._texts:
            try:
                self._texts[path] = self.repo.read_for_model(path).text
            except Exception:  # noqa: BLE001 - unreadable, binary, secret, outside the repo
                self._texts[path] = None
        return self._texts[path]

    def tree(self, path: str) -> ast.Module | None:
        if path not in self._trees:
            text = self.text(path) if path.endswith(".py") else None
            try:
                self._trees[path] = ast.parse(text) if text is not None else None
            except (SyntaxError, ValueError):
                self._trees[path] = None
        return self._trees[path]

    def lines(self, path: str, start: int, end: int) -> str:
        text = self.text(path) or ""
        return "\n".join(text.split("\n")[start - 1 : end])


Scope = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def start_line(node: Scope) -> int:
    return min([node.lineno, *(d.lineno for d in node.decorator_list)])


def enclosing(tree: ast.Module, line: int) -> list[Scope]:
    """The defs and classes around `line`, outermost first."""
    chain: list[Scope] = []
    body: list[ast.stmt] = tree.body
    while True:
        inner = next(
            (
                n
                for n in body
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                and start_line(n) <= line <= (n.end_lineno or n.lineno)
            ),
            None,
        )
        if inner is None:
            return chain
        chain.append(inner)
        body = inner.body


def defs(tree: ast.Module) -> dict[str, Scope]:
    return {
        n.name: n
        for n in tree.body
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }


class Resolver:
    """Where a name used in a file is defined in the repo: a def in the file, or one it
    imports (`from .m import f`, re-exports followed), or `mod.f` through a module alias."""

    def __init__(self, repo: Repo, sources: Sources) -> None:
        from haikutui.tasks.verdict.import_graph import ImportGraph

        self.graph = ImportGraph.of_repo(repo)
        self.sources = sources

    def find(self, path: str, name: str, depth: int = 0) -> tuple[str, Scope] | None:
        tree = self.sources.tree(path)
        if tree is None or depth > 4:
            return None
        head, _, attr = name.partition(".")
        if attr:
            module = self.graph.module_aliases(path).get(head)
            if module is not None and module != path:
                return self.find(module, attr.split(".")[0], depth + 1)
            found = defs(tree).get(head)
            if isinstance(found, ast.ClassDef):  # `Class.method`
                method = next(
                    (
                        n
                        for n in found.body
                        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                        and n.name == attr.split(".")[0]
                    ),
                    None,
                )
                return (path, method) if method is not None else (path, found)
            return None
        found = defs(tree).get(name)
        if found is not None:
            return path, found
        for imported in self.graph.imported_names(path):
            if imported.name == name and imported.module_path != path:
                hit = self.find(imported.module_path, name, depth + 1)
                if hit is not None:
                    return hit
        return None

    def in_example(self, example: ast.Module, name: str) -> tuple[str, Scope] | None:
        """`name` as the doctest example's own imports bind it (`>>> from pkg import freeze`):
        the module's names do not include those."""
        head, _, attr = name.partition(".")
        for node in example.body:
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    if (alias.asname or alias.name) == head:
                        for module in sorted(self.graph.resolve(node.module)):
                            hit = self.find(module, ".".join(filter(None, (alias.name, attr))))
                            if hit is not None:
                                return hit
            elif isinstance(node, ast.Import) and attr:
                for alias in node.names:
                    if (alias.asname or alias.name) == head:
                        for module in sorted(self.graph.resolve(alias.name)):
                            hit = self.find(module, attr.split(".")[0])
                            if hit is not None:
                                return hit
        return None

    modules: list[str] = []
    """The code modules the test reaches: where an untyped `obj.method()` is looked for."""
    executed: set[tuple[str, int]] | None = None
    """(path, first line) of each function the failing test ran, when it was traced."""

    def ran(self, path: str, node: Scope) -> bool:
        """False only when a trace says `node` did not run."""
        if self.executed is None or isinstance(node, ast.ClassDef):
            return True
        return (path, start_line(node)) in self.executed or (path, node.lineno) in self.executed

    def method(self, name: str) -> tuple[str, Scope] | None:
        """`name` as a method of a class in `modules`, when exactly one or two classes have it
        (the first, then); None for a name too common to say (`get`, `__init__`)."""
        if (name.startswith("__") and name not in COMPARISONS.values()) or name.startswith(
            "assert"
        ):
            return None
        hits: list[tuple[str, Scope]] = []
        for module in self.modules:
            tree = self.sources.tree(module)
            for node in tree.body if tree is not None else []:
                if isinstance(node, ast.ClassDef):
                    hits.extend(
                        (module, n)
                        for n in node.body
                        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == name
                    )
        if self.executed is not None:
            hits = [(p, n) for p, n in hits if self.ran(p, n)]
            return hits[0] if hits else None
        return hits[0] if 0 < len(hits) <= 2 else None

    def reached(self, path: str, limit: int = 200) -> list[str]:
        out: list[str] = []
        todo = [path]
        while todo and len(out) < limit:
            for module in sorted(self.graph.imports(todo.pop())):
                if module not in out and not is_test_path(module):
                    out.append(module)
                    todo.append(module)
        return out


COMPARISONS: dict[type, str] = {
    ast.Eq: "__eq__",
    ast.NotEq: "__ne__",
    ast.Lt: "__lt__",
    ast.LtE: "__le__",
    ast.Gt: "__gt__",
    ast.GtE: "__ge__",
}
"""`a == b` in a failing assert runs `__eq__` of a's class: it may hold the bug."""


def called(node: ast.AST, operators: bool = False) -> list[str]:
    """Names called in `node`, innermost call first (`take(2, encode(x))` gives `encode`
    before `take`: the value comes from it), `mod.f(...)` as `mod.f`, `self.m(...)` as
    `self.m`, a method of an unknown object (`parse(x).bump()`) as `?.bump`; with
    `operators`, comparisons as `?.__eq__`; then names passed as values (`map(helper, xs)`).
    A function's decorators are not its calls; its defaults (`key=hashkey`) are used."""
    calls: list[str] = []
    values: list[str] = []

    def visit(sub: ast.AST) -> None:
        children = (
            [*sub.args.defaults, *(d for d in sub.args.kw_defaults if d is not None), *sub.body]
            if sub is node and isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef)
            else list(ast.iter_child_nodes(sub))
        )
        for child in children:
            visit(child)
        if isinstance(sub, ast.Call):
            func = sub.func
            if isinstance(func, ast.Name):
                calls.append(func.id)
            elif isinstance(func, ast.Attribute):
                value = func.value
                if isinstance(value, ast.Name):
                    calls.append(f"{value.id}.{func.attr}")
                elif isinstance(value, ast.Call | ast.Subscript):  # `parse(x).bump()`
                    calls.append(f"?.{func.attr}")
        elif isinstance(sub, ast.Compare) and operators:
            calls.extend(f"?.{COMPARISONS[type(op)]}" for op in sub.ops if type(op) in COMPARISONS)
        elif isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load):
            values.append(sub.id)

    visit(node)
    seen: list[str] = []
    for name in [*calls, *values]:
        if name not in seen:
            seen.append(name)
    return seen


def statement_at(tree: ast.Module, line: int) -> ast.stmt | None:
    """The innermost simple statement holding `line`."""
    best: ast.stmt | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and not isinstance(
            node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
        ):
            if node.lineno <= line <= (node.end_lineno or node.lineno):
                if best is None or node.lineno >= best.lineno:
                    best = node
    return best


def class_at(sources: Sources, path: str, line: int) -> str | None:
    tree = sources.tree(path)
    if tree is None:
        return None
    chain = enclosing(tree, line)
    cls = next((n for n in reversed(chain) if isinstance(n, ast.ClassDef)), None)
    return cls.name if cls is not None else None


BUILTIN_NAMES = frozenset(dir(builtins))


def example_home(resolver: Resolver, example: ast.Module) -> str:
    """The module a README example imports from (`from pkg.mod import f` -> pkg/mod.py)."""
    for node in example.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            found = sorted(resolver.graph.resolve(node.module))
            if found:
                return found[0]
        if isinstance(node, ast.Import):
            for alias in node.names:
                found = sorted(resolver.graph.resolve(alias.name))
                if found:
                    return found[0]
    return ""


TEST_NAME = re.compile(r"(^|/)(test_[^/]*\.py|[^/]*_test\.py|conftest\.py)$")


def is_test_path(path: str, test_path: str = "") -> bool:
    parts = PurePosixPath(path).parts
    return path == test_path or bool(TEST_NAME.search(path)) or "tests" in parts[:-1]
