"""Classes across the project, by name: which define an attribute, and who inherits from whom.

rope cannot tell the type of `thing` in `thing.area()`, so it calls that occurrence unsure.
When no class outside the renamed method's hierarchy defines `area` (and no builtin type has
it), the occurrence can only mean the symbol: it is resolved as sure. Bases are matched by
their last name (`pkg.Base` -> `Base`), which errs towards a larger hierarchy.
"""

from __future__ import annotations

import ast
import io
import re
from dataclasses import dataclass

from haikutui.tasks.rename.target import Target, bound_names

BUILTIN_TYPES: tuple[type, ...] = (
    object, type, str, bytes, bytearray, list, dict, set, frozenset, tuple, int, float, complex,
    BaseException, io.IOBase, io.TextIOBase, io.BufferedIOBase, re.Pattern, re.Match, range,
    memoryview, property, staticmethod, classmethod, slice,
)  # fmt: skip
"""Types whose attributes an unknown receiver may well be using."""


@dataclass(frozen=True)
class ClassInfo:
    path: str
    name: str
    line: int
    end: int
    bases: tuple[str, ...]
    body: dict[str, int]
    """Names bound in the class body itself, with their line."""
    attributes: frozenset[str]
    """Body names plus `self.x = ...` assignments in its methods."""

    @property
    def key(self) -> tuple[str, int]:
        return (self.path, self.line)


def _base_name(node: ast.expr) -> str:
    while isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _self_attributes(node: ast.ClassDef) -> set[str]:
    found: set[str] = set()
    for item in node.body:
        if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        args = item.args.posonlyargs + item.args.args
        if not args:
            continue
        me = args[0].arg
        for sub in ast.walk(item):
            if (
                isinstance(sub, ast.Attribute)
                and isinstance(sub.ctx, ast.Store)
                and isinstance(sub.value, ast.Name)
                and sub.value.id == me
            ):
                found.add(sub.attr)
    return found


def project_classes(trees: dict[str, ast.Module]) -> list[ClassInfo]:
    out: list[ClassInfo] = []
    for rel, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                body = bound_names(node)
                out.append(
                    ClassInfo(
                        rel,
                        node.name,
                        node.lineno,
                        node.end_lineno or node.lineno,
                        tuple(b for b in map(_base_name, node.bases) if b),
                        body,
                        frozenset(body) | _self_attributes(node),
                    )
                )
    return out


def enclosing_class(classes: list[ClassInfo], path: str, line: int) -> ClassInfo | None:
    """The innermost class of `path` whose body holds `line` (not the class statement itself)."""
    inside = [c for c in classes if c.path == path and c.line < line <= c.end]
    return max(inside, key=lambda c: c.line, default=None)


def family(classes: list[ClassInfo], start: ClassInfo, name: str) -> list[ClassInfo]:
    """What rope's `in_hierarchy` renames: the topmost ancestors defining `name`, and all below."""
    by_name: dict[str, list[ClassInfo]] = {}
    for info in classes:
        by_name.setdefault(info.name, []).append(info)
    roots: list[ClassInfo] = []
    seen: set[tuple[str, int]] = set()
    stack = [start]
    while stack:
        info = stack.pop()
        if info.key in seen:
            continue
        seen.add(info.key)
        parents = [p for base in info.bases for p in by_name.get(base, [])]
        defining = [p for p in parents if name in p.attributes]
        if not defining:
            roots.append(info)
        stack.extend(defining)
    members: dict[tuple[str, int], ClassInfo] = {}
    stack = list(roots)
    while stack:
        info = stack.pop()
        if info.key in members:
            continue
        members[info.key] = info
        stack.extend(c for c in classes if info.name in c.bases)
    return list(members.values())


def others_defining(
    classes: list[ClassInfo], name: str, members: list[ClassInfo]
) -> list[ClassInfo]:
    """Classes outside `members` that define `name` as an attribute."""
    keys = {m.key for m in members}
    return [c for c in classes if name in c.attributes and c.key not in keys]


def builtin_attribute(name: str) -> bool:
    return any(hasattr(kind, name) for kind in BUILTIN_TYPES)


def members_of(classes: list[ClassInfo], target: Target) -> tuple[bool, list[ClassInfo]]:
    """Whether `target` is a class member (renamed through the hierarchy), and that hierarchy."""
    start = enclosing_class(classes, target.path, target.line)
    if start is None or target.module:
        return False, []
    if target.kind not in ("method", "attribute") and target.old not in start.attributes:
        return False, []
    return True, family(classes, start, target.old)
