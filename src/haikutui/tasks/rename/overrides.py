"""Overrides rope's `in_hierarchy` does not reach, found from the project's own class graph.

rope does not follow a generic base (`class List(Field[list[T]])`), so an override there keeps
the old name and the subclass silently stops overriding. Such a `def old`, and the `self.old`
references in its class's methods, are renamed here: sure when each of the class's ancestors has
a name no other class has (bases are matched by name), unsure otherwise.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from haikutui.tasks.rename.hierarchy import ClassInfo


@dataclass(frozen=True)
class Spot:
    """One occurrence of the old name to rename: 1-based line, 0-based column."""

    path: str
    line: int
    column: int
    sure: bool


def ancestors(info: ClassInfo, by_name: dict[str, ClassInfo]) -> set[str]:
    """The names of a class's bases, and theirs, as far as the project defines them."""
    seen: set[str] = set()
    stack = list(info.bases)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in by_name:
            stack.extend(by_name[name].bases)
    return seen


def _class_at(tree: ast.Module, line: int) -> ast.ClassDef | None:
    return next(
        (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.lineno == line), None
    )


def missed_spots(
    texts: dict[str, str],
    members: list[ClassInfo],
    classes: list[ClassInfo],
    old: str,
    resolved: Callable[[ClassInfo], bool] | None = None,
) -> list[Spot]:
    """In each member class whose `def old` rope left, that def and its `self.old` uses.

    `texts` holds each member's file after rope's rename. `resolved` says a class's bases were
    each found by the module's imports (ancestry.py), which makes its spots sure even when
    another class elsewhere shares a base's name (a test's nested `class Cache`).
    """
    count = Counter(c.name for c in classes)
    by_name = {c.name: c for c in classes}
    spots: list[Spot] = []
    for member in members:
        try:
            tree = ast.parse(texts[member.path])
        except (KeyError, SyntaxError):
            continue
        node = _class_at(tree, member.line)
        if node is None:
            continue
        defs = [
            n
            for n in node.body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == old
        ]
        if not defs:
            continue  # renamed by rope, or not a method here
        sure = all(count[name] <= 1 for name in ancestors(member, by_name)) or bool(
            resolved and resolved(member)
        )
        lines = texts[member.path].split("\n")
        for item in defs:
            column = lines[item.lineno - 1].find(old, item.col_offset)
            spots.append(Spot(member.path, item.lineno, column, sure))
        for method in node.body:
            if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            args = method.args.posonlyargs + method.args.args
            me = args[0].arg if args else None
            for sub in ast.walk(method):
                if (
                    isinstance(sub, ast.Attribute)
                    and sub.attr == old
                    and isinstance(sub.value, ast.Name)
                    and sub.value.id == me
                    and sub.end_lineno is not None
                    and sub.end_col_offset is not None
                ):
                    # Columns are UTF-8 byte offsets; this line's end is the name's end.
                    row = lines[sub.end_lineno - 1].encode()
                    column = len(row[: sub.end_col_offset].decode()) - len(old)
                    spots.append(Spot(member.path, sub.end_lineno, column, sure))
    return spots
