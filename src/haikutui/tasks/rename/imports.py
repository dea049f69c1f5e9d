"""Which tracked file an import names: `from ..util import x` in `pkg/sub/a.py` is `pkg/util.py`."""

from __future__ import annotations

import ast
from pathlib import PurePosixPath


def _dotted(rel: str) -> list[str]:
    parts = list(PurePosixPath(rel).with_suffix("").parts)
    return parts[:-1] if parts and parts[-1] == "__init__" else parts


def absolute(importer: str, node: ast.ImportFrom) -> list[str]:
    """The module an import names, as parts; relative imports resolved from the importer."""
    tail = node.module.split(".") if node.module else []
    if not node.level:
        return tail
    package = _dotted(importer) if importer.endswith("__init__.py") else _dotted(importer)[:-1]
    base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
    return base + tail


def files_for(module: list[str], files: list[str]) -> list[str]:
    """Tracked files that may be `module` (suffix match, so `src/` layouts resolve)."""
    if not module:
        return []
    out = []
    for rel in files:
        parts = _dotted(rel)
        if len(parts) >= len(module) and parts[-len(module) :] == module:
            out.append(rel)
    return out


def _import_call(node: ast.expr) -> str | None:
    """`importlib.import_module("a.b")` or `__import__("a.b")`: the module, `?` if not a literal."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name not in ("import_module", "__import__"):
        return None
    first = node.args[0] if node.args else None
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return "?"


def module_aliases(rel: str, tree: ast.Module, files: list[str]) -> dict[str, str]:
    """Names in a file that stand for a module, with its dotted name (`?` when unknown).

    `import a.b` binds `a`; `from pkg import mod` binds `mod` when `pkg/mod.py` is tracked;
    `m = importlib.import_module("x")` binds `m`. An attribute of any of them is a module's
    name, never a method's, whatever a class elsewhere calls its members.
    """
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom):
            base = absolute(rel, node)
            for alias in node.names:
                if alias.name != "*" and files_for([*base, alias.name], files):
                    found[alias.asname or alias.name] = ".".join([*base, alias.name])
        elif isinstance(node, ast.Assign):
            module = _import_call(node.value)
            if module is not None:
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        found[target.id] = module
    return found


def head(node: ast.expr) -> str:
    """The name a dotted expression starts from: `a.b.c` -> `a`; anything else -> ``."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else ""


def module_of(node: ast.expr, aliases: dict[str, str]) -> str | None:
    """The dotted module an expression names (`pkg.mod` through `import pkg.mod`), if any."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in aliases:
        return None
    return ".".join([aliases[node.id], *reversed(parts)])
