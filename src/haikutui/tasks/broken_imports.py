"""Names a change removes from a module while another file still imports or uses them.

Ruff checks one file at a time: `from pkg.mod import old` stays clean after `old` is renamed
in `pkg/mod.py`. This is the cross-file half of the verdict, from the import graph.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping

from haikutui.tasks.import_graph import ImportGraph


def top_level_names(text: str) -> set[str] | None:
    """Names a module binds at its top level; None when it cannot be known (`*`, `__getattr__`)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
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
        else:
            for sub in ast.walk(node):
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                    names.add(sub.id)
                elif isinstance(sub, (ast.Global, ast.Nonlocal)):
                    names.update(sub.names)
    return None if "__getattr__" in names else names


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
        else:
            yield node


def removed_names(old: str, new: str) -> set[str]:
    """Top-level names `old` bound and `new` no longer binds (empty when either is unknown)."""
    before, after = top_level_names(old), top_level_names(new)
    if before is None or after is None:
        return set()
    return before - after


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
    gone = {path: removed_names(old, new) for path, (old, new) in changes.items()}
    gone = {path: names for path, names in gone.items() if names}
    dead = set(removed_modules)
    found: list[str] = []
    for importer in importers:
        for item in graph.imported_names(importer):
            if item.module_path in dead:
                found.append(
                    f"{importer}:{item.line}: imports from {item.module_path}, which the change removes"
                )
            elif item.name in gone.get(item.module_path, ()):
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
        uses = [(a, m) for a, m in aliases.items() if gone.get(m)]
        if not uses:
            continue
        try:
            tree = ast.parse(graph.text(importer))
        except (SyntaxError, ValueError):
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
