"""Names Python looks up from a string: `getattr(x, "old")` and its kin, `__slots__`, `__all__`.

They are code, not data: a property renamed while `hasattr(x, "old")` stays is a bug no
linter sees. Each is renamed with the symbol where it can only mean the symbol (the receiver is
`self` in a class the rename reaches, the defining module, or no other class has the name);
left alone where it cannot mean it (a module's attribute, for a method); and otherwise left and
reported with its line, which makes the rename ✗. Other strings are data: see problems.py.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from haikutui.tasks.rename.imports import files_for, module_aliases, module_of

BY_NAME = {"hasattr": 1, "getattr": 1, "setattr": 1, "delattr": 1, "attrgetter": 0,
           "methodcaller": 0, "object": 1}  # fmt: skip
"""Calls whose argument at that index is an attribute name (`monkeypatch.setattr(x, "a", v)`,
`mock.patch.object(x, "a")` and `operator.attrgetter("a")` included)."""


@dataclass(frozen=True)
class Lookup:
    """A string literal that is exactly the old name, used as a name.

    `line` is 1-based; `start`/`end` are the literal's columns in characters (one line).
    """

    path: str
    line: int
    start: int
    end: int
    kind: str
    """`getattr` (any call of BY_NAME), `pattern` (an f-string there that the old name
    matches: `getattr(self, f"visit_{kind}")`), `__slots__` or `__all__`."""
    receiver: ast.expr | None
    me: str
    """The first parameter of the method the lookup is in (`self`), or ``."""
    owner: tuple[str, int] | None
    """The class the lookup is in, by (path, line)."""

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def _char_columns(lines: list[str], node: ast.expr) -> tuple[int, int] | None:
    if node.end_lineno != node.lineno or node.end_col_offset is None:
        return None
    row = lines[node.lineno - 1].encode()
    start = len(row[: node.col_offset].decode(errors="replace"))
    end = len(row[: node.end_col_offset].decode(errors="replace"))
    return start, end


def _is_name(node: ast.expr, old: str) -> bool:
    return isinstance(node, ast.Constant) and node.value == old


MIN_LITERAL = 3
"""An f-string with fewer literal characters than this (`f"{x}"`) says nothing of the name."""


def _matches(node: ast.expr, old: str) -> bool:
    """Whether an f-string could build `old`: its literal parts, in order, around any text."""
    if not isinstance(node, ast.JoinedStr):
        return False
    parts: list[str] = []
    literal = 0
    for value in node.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            parts.append(re.escape(value.value))
            literal += len(value.value)
        else:
            parts.append(".+")
    return literal >= MIN_LITERAL and re.fullmatch("".join(parts), old) is not None


def find_lookups(rel: str, text: str, tree: ast.Module, old: str) -> list[Lookup]:
    """Every literal `"old"` used as a name in `tree` (parsed from `text`)."""
    lines = text.split("\n")
    found: list[Lookup] = []

    def add(
        node: ast.expr, kind: str, receiver: ast.expr | None, me: str, owner: ast.ClassDef | None
    ) -> None:  # noqa: E501
        columns = _char_columns(lines, node)
        if columns is not None:
            key = (rel, owner.lineno) if owner is not None else None
            found.append(Lookup(rel, node.lineno, *columns, kind, receiver, me, key))

    def visit(node: ast.AST, owner: ast.ClassDef | None, me: str, at_module: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                for item in child.body:
                    if isinstance(item, (ast.Assign, ast.AnnAssign)) and item.value is not None:
                        targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                        if any(isinstance(t, ast.Name) and t.id == "__slots__" for t in targets):
                            for sub in ast.walk(item.value):
                                if isinstance(sub, ast.expr) and _is_name(sub, old):
                                    add(sub, "__slots__", None, "", child)
                visit(child, child, "", False)
                continue
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = child.args.posonlyargs + child.args.args
                first = args[0].arg if args and owner is not None and node is owner else ""
                visit(child, owner, first or me, False)
                continue
            if at_module and isinstance(child, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = child.targets if isinstance(child, ast.Assign) else [child.target]
                if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                    if child.value is not None:
                        for sub in ast.walk(child.value):
                            if isinstance(sub, ast.expr) and _is_name(sub, old):
                                add(sub, "__all__", None, "", None)
            if isinstance(child, ast.Call):
                func = child.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                index = BY_NAME.get(name)
                if index is not None and len(child.args) > index:
                    receiver = child.args[0] if index == 1 else None
                    if _is_name(child.args[index], old):
                        add(child.args[index], "getattr", receiver, me, owner)
                    elif _matches(child.args[index], old):
                        add(child.args[index], "pattern", receiver, me, owner)
            visit(child, owner, me, False)

    visit(tree, None, "", True)
    return found


@dataclass
class Verdicts:
    """What to do with each lookup: rename it, leave it (not the symbol), or report it."""

    rename: list[Lookup]
    left: list[Lookup]


def judge_member(
    lookups: list[Lookup],
    members: set[tuple[str, int]],
    above: set[tuple[str, int]],
    aliases: dict[str, dict[str, str]],
    sole: bool,
) -> Verdicts:
    """For a method or attribute renamed through its hierarchy (`members`, by class key).

    `above`: the members' ancestors in the project; `getattr(self, "old")` there means the
    renamed member too. `sole`: no class outside the hierarchy, no builtin type and no module
    defines the name. A `pattern` is never renamed (the name is built at run time): where it may
    mean the member, it is left and reported.
    """
    out = Verdicts([], [])
    for lookup in lookups:
        if lookup.kind == "__all__":
            continue  # module-level names, not members
        if lookup.kind == "__slots__":
            if lookup.owner in members:
                out.rename.append(lookup)
            continue
        fixed = out.rename if lookup.kind == "getattr" else out.left
        receiver = lookup.receiver
        if isinstance(receiver, ast.Name) and receiver.id == lookup.me and lookup.me:
            if lookup.owner in members or lookup.owner in above or sole:
                fixed.append(lookup)
            continue  # `self` of a class outside the hierarchy: its own attribute
        if receiver is not None and module_of(receiver, aliases.get(lookup.path, {})):
            continue  # a module's attribute is never a method
        (fixed if sole else out.left).append(lookup)
    return out


def _is_this_module(receiver: ast.expr) -> bool:
    """`sys.modules[__name__]`."""
    return (
        isinstance(receiver, ast.Subscript)
        and isinstance(receiver.slice, ast.Name)
        and receiver.slice.id == "__name__"
    )


def judge_global(
    lookups: list[Lookup],
    definition: str,
    trees: dict[str, ast.Module],
    aliases: dict[str, dict[str, str]],
    old: str,
    elsewhere: bool,
) -> Verdicts:
    """For a module-level function, class or variable defined in `definition`.

    `elsewhere`: a class in the project or a builtin type has an attribute `old` too, so a
    lookup on an unknown receiver may well be about that one.
    """
    files = sorted(trees)
    out = Verdicts([], [])
    for lookup in lookups:
        if lookup.kind not in ("getattr", "pattern"):
            continue  # `__all__` is fix_dunder_all's; `__slots__` lists members
        fixed = out.rename if lookup.kind == "getattr" else out.left
        receiver = lookup.receiver
        if receiver is None:
            continue  # attrgetter("old"): an attribute of something, not a module's
        if _is_this_module(receiver):
            if lookup.path == definition:
                fixed.append(lookup)
            continue
        module = module_of(receiver, aliases.get(lookup.path, {}))
        if module is not None:
            sources = files_for(module.split("."), files) if module != "?" else []
            if definition in sources or any(_re_exports(trees[s], old) for s in sources):
                fixed.append(lookup)
            elif module == "?":
                out.left.append(lookup)
            continue
        if lookup.me and isinstance(receiver, ast.Name) and receiver.id == lookup.me:
            continue  # an attribute of an instance: not a module-level symbol
        if not elsewhere:
            out.left.append(lookup)
    return out


def _re_exports(tree: ast.Module, old: str) -> bool:
    return any(
        isinstance(node, ast.ImportFrom) and any(a.name == old for a in node.names)
        for node in tree.body
    )


def aliases_for(trees: dict[str, ast.Module], paths: list[str]) -> dict[str, dict[str, str]]:
    files = sorted(trees)
    return {rel: module_aliases(rel, trees[rel], files) for rel in paths if rel in trees}


def rewrite(text: str, lookups: list[Lookup], old: str, new: str) -> str:
    """The text with each lookup's literal renamed (lookups all of this text)."""
    lines = text.split("\n")
    for lookup in sorted(lookups, key=lambda x: (x.line, -x.start), reverse=True):
        row = lines[lookup.line - 1]
        literal = row[lookup.start : lookup.end]
        if old in literal:
            lines[lookup.line - 1] = (
                row[: lookup.start] + literal.replace(old, new, 1) + row[lookup.end :]
            )
    return "\n".join(lines)
