"""Names a change removes from a module while another file still imports or uses them.

Ruff checks one file at a time: `from pkg.mod import old` stays clean after `old` is renamed
in `pkg/mod.py`. This is the cross-file half of the verdict, from the import graph.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping

from haikutui.tasks.verdict.import_graph import ImportGraph, parse_module


def top_level_names(text: str, tree: ast.Module | None = None) -> set[str] | None:
    """Names a module binds at its top level; None when it cannot be known (`*`, `__getattr__`,
    or it does not parse). `tree`: the text's tree, when the caller has parsed it."""
    tree = parse_module(text) if tree is None else tree
    if tree is None:
        return None
    names: set[str] = set()
    for node in _top_level(tree.body):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    return None
                names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        else:
            for part in _targets(node):
                names.update(
                    sub.id
                    for sub in ast.walk(part)
                    if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store)
                )
    if ":=" in text:  # rare, so only then the walk of every expression in the module's scope
        names.update(_walrus_names(tree))
    return None if "__getattr__" in names else names


def _walrus_names(tree: ast.Module) -> Iterable[str]:
    """Names `(x := ...)` binds in the module's scope (comprehensions included, as Python has
    it), not inside the bodies of functions, lambdas and classes."""
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            yield node.target.id
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            todo.extend([*node.decorator_list, node.args])
        elif isinstance(node, ast.ClassDef):
            todo.extend([*node.decorator_list, *node.bases, *node.keywords])
        elif isinstance(node, ast.Lambda):
            todo.append(node.args)
        else:
            todo.extend(ast.iter_child_nodes(node))


def _targets(node: ast.stmt) -> list[ast.AST]:
    """The parts of a statement that bind names (`:=` aside): Store names in these."""
    if isinstance(node, ast.Assign):
        return list(node.targets)
    if isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
        return [node.target]
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return [item.optional_vars for item in node.items if item.optional_vars is not None]
    if isinstance(node, ast.Match):  # `case Point(x=px) | [*rest]`: names, not Name nodes
        return [
            ast.Name(name, ast.Store())
            for case in node.cases
            for sub in ast.walk(case.pattern)
            for name in (getattr(sub, "name", None), getattr(sub, "rest", None))
            if isinstance(name, str)
        ]
    alias = getattr(ast, "TypeAlias", None)  # `type X = ...`, Python 3.12 and later
    if alias is not None and isinstance(node, alias):
        return [node.name]
    return []


def _top_level(body: list[ast.stmt]) -> Iterable[ast.stmt]:
    """Statements at module level, looking inside if/try/with/for blocks (not functions)."""
    for node in body:
        if isinstance(node, (ast.If, ast.For, ast.While, ast.With, ast.AsyncFor, ast.AsyncWith)):
            yield from _top_level(node.body)
            yield from _top_level(getattr(node, "orelse", []))
            if isinstance(node, (ast.For, ast.AsyncFor, ast.With, ast.AsyncWith)):
                yield node  # the loop or `as` target binds a name too
        elif isinstance(node, ast.Try | ast.TryStar):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _top_level(block)
            for handler in node.handlers:
                yield from _top_level(handler.body)
        elif isinstance(node, ast.Match):
            for case in node.cases:
                yield from _top_level(case.body)
            yield node  # its capture patterns bind names too
        else:
            yield node


class RemovedNames:
    """Top-level names each changed module bound before and binds no more, worked out lazily:
    the new text first, and the old one only for a name the new text lacks (a lint pass over a
    whole repo changes dozens of modules whose names all stay)."""

    def __init__(self, changes: Mapping[str, tuple[str, str]], graph: ImportGraph) -> None:
        """`graph` holds the new texts (and parses each once); the old ones are parsed here."""
        self.changes = changes
        self.graph = graph
        self._old: dict[str, set[str] | None] = {}
        self._new: dict[str, set[str] | None] = {}

    def _names(self, cache: dict[str, set[str] | None], path: str, side: int) -> set[str] | None:
        if path not in cache:
            text = self.changes[path][side]
            tree = self.graph.tree(path) if side and self.graph.text(path) == text else None
            cache[path] = top_level_names(text, tree)
        return cache[path]

    def lost(self, path: str, name: str) -> bool:
        if path not in self.changes:
            return False
        after = self._names(self._new, path, 1)
        if after is None or name in after:
            return False
        before = self._names(self._old, path, 0)
        return before is not None and name in before

    def all_lost(self, path: str) -> set[str]:
        if path not in self.changes:
            return set()
        before, after = self._names(self._old, path, 0), self._names(self._new, path, 1)
        return set() if before is None or after is None else before - after


def broken_imports(
    graph: ImportGraph,
    changes: Mapping[str, tuple[str, str]],
    importers: Iterable[str],
    removed_modules: Iterable[str] = (),
) -> list[str]:
    """`path:line: ...` for each import or `module.attr` use the change leaves dangling.

    `changes` maps a changed module's path to (old, new) text; `importers` are the files to
    check, read through `graph` (which holds the new texts of changed files).
    """
    removed = RemovedNames(changes, graph)
    dead = set(removed_modules)
    found: list[str] = []
    for importer in importers:
        for item in graph.imported_names(importer):
            if item.module_path in dead:
                found.append(
                    f"{importer}:{item.line}: imports from {item.module_path}, which the change removes"
                )
            elif removed.lost(item.module_path, item.name):
                found.append(
                    f"{importer}:{item.line}: imports {item.name}, "
                    f"which {item.module_path} no longer defines"
                )
        aliases = graph.module_aliases(importer)
        if not aliases:
            continue
        for module in aliases.values():
            if module in dead:
                found.append(f"{importer}: imports {module}, which the change removes")
        gone = {m: removed.all_lost(m) for m in set(aliases.values())}
        uses = [(a, m) for a, m in aliases.items() if gone[m]]
        tree = graph.tree(importer) if uses else None
        if tree is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                owner = _dotted(node.value)
                for local, module in uses:
                    if owner == local and node.attr in gone[module]:
                        found.append(
                            f"{importer}:{node.lineno}: uses {local}.{node.attr}, "
                            f"which {module} no longer defines"
                        )
    return sorted(set(found), key=found.index)


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None
