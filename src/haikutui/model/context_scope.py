"""A selection in a long Python file, sent by scope: its enclosing function whole, not a window.

A one-line fix needs the code it sits in, the names the module imports and a map of the
rest; a fixed window of lines is mostly unrelated code and an outline of every `def` is
mostly noise (280 helpers are one line here, not 280). Everything in the block depends only
on the file and the scope the selection falls in, so selections in the same function send a
byte-identical block and the prompt cache keeps it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass

MARGIN = 3
"""Lines shown either side of the scope: its neighbours' last and first lines."""
LOOSE_STEP = 20
"""A selection outside any statement (comments, blank lines) is shown in a window aligned to
this many lines, so nearby selections still give the same block."""
RUN = 4
"""This many similar definitions in a row are collapsed into one outline line."""
NAME_WIDTH = 48
WRAP = 96
"""The shown method's siblings are listed as `line name` pairs in lines of this width."""
"""An outline line's signature is cut to this many characters."""

_Def = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


@dataclass(frozen=True)
class Shown:
    """Lines `start`-`end` (1-based, inclusive) are sent whole; `name` says what they are."""

    start: int
    end: int
    name: str
    owner: ast.ClassDef | None = None
    """The class whose method is shown: its other methods are outlined one by one."""


def _first_line(node: ast.stmt) -> int:
    decorators: list[ast.expr] = getattr(node, "decorator_list", None) or []
    return min([node.lineno, *(d.lineno for d in decorators)])


def _last_line(node: ast.stmt) -> int:
    return node.end_lineno or node.lineno


def _inside(node: ast.stmt, skip: range) -> bool:
    """Shown whole: an outline need not name it (one shown in part is still named)."""
    return _first_line(node) in skip and _last_line(node) in skip


def _covers(node: ast.stmt, start: int, end: int) -> bool:
    return _first_line(node) <= start and end <= _last_line(node)


def find_scope(tree: ast.Module, selected: tuple[int, int], total: int, cap: int) -> Shown:
    """The outermost function around the selection (a closure needs its parent), else the
    class or top-level statement around it; over `cap` lines, the next scope inside."""
    start, end = selected
    chain: list[tuple[ast.stmt, ast.ClassDef | None]] = []
    body: list[ast.stmt] = tree.body
    owner: ast.ClassDef | None = None
    while True:
        node = next((n for n in body if _covers(n, start, end)), None)
        if node is None:
            break
        chain.append((node, owner))
        if isinstance(node, ast.ClassDef):
            owner = node
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            owner = None
        inner = [getattr(node, f, None) or [] for f in ("body", "orelse", "finalbody")]
        inner += [h.body for h in getattr(node, "handlers", None) or []]
        body = [s for block in inner for s in block]
    fits = [(n, o) for n, o in chain if _last_line(n) - _first_line(n) < cap]
    functions = [(n, o) for n, o in fits if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    picked = functions[0] if functions else fits[0] if fits else None
    if picked is None:  # between statements: a small aligned window
        low = max(1, (start - 1) // LOOSE_STEP * LOOSE_STEP + 1 - LOOSE_STEP)
        high = min(total, -(-end // LOOSE_STEP) * LOOSE_STEP + LOOSE_STEP)
        return Shown(low, high, f"lines {low}-{high}")
    node, in_class = picked
    if isinstance(node, _Def):
        kind = "class" if isinstance(node, ast.ClassDef) else "def"
        qualified = f"{in_class.name}.{node.name}" if in_class is not None else node.name
        name = f"{kind} {qualified}"
    else:
        name = f"statement at line {node.lineno}"
    return Shown(
        max(1, _first_line(node) - MARGIN), min(total, _last_line(node) + MARGIN), name, in_class
    )


def imports(tree: ast.Module, skip: range) -> list[str]:
    """`12: from a import b as c` for each import at module level (also under a top-level
    `if`/`try`), one line each however it was wrapped: the statement names what it binds."""
    found: list[str] = []

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                if node.lineno not in skip:
                    found.append(f"{node.lineno}: {ast.unparse(node)}")
            elif isinstance(node, ast.If | ast.Try):
                visit(node.body)
                visit(node.orelse)
                for handler in getattr(node, "handlers", []):
                    visit(handler.body)

    visit(tree.body)
    return found


_DIGITS = re.compile(r"\d+$")


def stem(name: str) -> str:
    """What similar definitions share: `helper_35` and `helper_279` -> `helper_`,
    `test_load` and `test_dump` -> `test_`, `Item30` -> `Item`."""
    bare = name.lstrip("_")
    head, sep, _ = bare.partition("_")
    return name[: len(name) - len(bare)] + (head + sep if sep else _DIGITS.sub("", bare))


def _signature(node: _Def) -> str:
    if isinstance(node, ast.ClassDef):
        bases = ", ".join(ast.unparse(b) for b in node.bases)
        text = f"class {node.name}({bases})" if bases else f"class {node.name}"
    else:
        names = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
        if node.args.vararg:
            names.append("*" + node.args.vararg.arg)
        names += [a.arg for a in node.args.kwonlyargs]
        if node.args.kwarg:
            names.append("**" + node.args.kwarg.arg)
        prefix = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
        text = f"{prefix} {node.name}({', '.join(names)})"
    return text if len(text) <= NAME_WIDTH else text[: NAME_WIDTH - 1] + "…)"


def _kind(node: _Def) -> str:
    return "classes" if isinstance(node, ast.ClassDef) else "functions"


def _bases(node: ast.stmt) -> str | None:
    if not isinstance(node, ast.ClassDef) or not node.bases:
        return None
    return ", ".join(ast.unparse(b) for b in node.bases)


def _run_end(defs: list[_Def], i: int, same: Callable[[_Def, _Def], bool], skip: range) -> int:
    """Where the run of definitions like `defs[i]` ends; a shown one breaks it."""
    j = i + 1
    while (
        j < len(defs)
        and not _inside(defs[j], skip)
        and type(defs[j]) is type(defs[i])
        and same(defs[i], defs[j])
    ):
        j += 1
    return j


def _outline_body(
    body: list[ast.stmt], skip: range, owner: ast.ClassDef | None, indent: str
) -> list[str]:
    """Definitions outside `skip`, one line each, runs collapsed: RUN or more with one stem
    as `def helper_35 … helper_279  (245 functions, lines 109–846)`, and three or more
    classes of the same bases as one line of their names."""
    defs = [n for n in body if isinstance(n, _Def)]
    out: list[str] = []
    i = 0
    while i < len(defs):
        node = defs[i]
        if _inside(node, skip):  # shown whole; it also ends any run around it
            i += 1
            continue
        j = _run_end(defs, i, lambda a, b: stem(a.name) == stem(b.name), skip)
        if j - i >= RUN:
            last = defs[j - 1]
            word = "def" if _kind(node) == "functions" else "class"
            out.append(
                f"{indent}{node.lineno}: {word} {node.name} … {last.name}  ({j - i} "
                f"{_kind(node)}, lines {_first_line(node)}–{_last_line(last)})"
            )
            i = j
            continue
        bases = _bases(node)
        j = _run_end(defs, i, lambda a, b: _bases(b) == _bases(a) and b is not owner, skip)
        if bases is not None and node is not owner and j - i >= 3:
            names = ", ".join(d.name for d in defs[i:j])
            out.append(
                f"{indent}{node.lineno}: class {names}  ({bases}; "
                f"lines {_first_line(node)}–{_last_line(defs[j - 1])})"
            )
            i = j
            continue
        out.append(f"{indent}{node.lineno}: {_signature(node)}")
        if node is owner:
            out.extend(_members(node, skip, indent + "  "))
        i += 1
    return out


def _members(owner: ast.ClassDef, skip: range, indent: str) -> list[str]:
    """The shown method's class, member by member: `line name` pairs, wrapped at WRAP."""
    pairs = [
        f"{n.lineno} {n.name}" for n in owner.body if isinstance(n, _Def) and not _inside(n, skip)
    ]
    out: list[str] = []
    line = ""
    for pair in pairs:
        if line and len(line) + len(pair) + 2 > WRAP:
            out.append(indent + line + ",")
            line = ""
        line = f"{line}, {pair}" if line else pair
    if line:
        out.append(indent + line)
    return out


def outline(tree: ast.Module, shown: Shown) -> list[str]:
    """Top-level definitions (and the shown method's class, method by method) outside the
    shown lines; a class elsewhere is one line, its header."""
    return _outline_body(tree.body, range(shown.start, shown.end + 1), shown.owner, "")


def scoped_block(path: str, text: str, selected: tuple[int, int], cap: int) -> str | None:
    """The file block for a selection: the scope whole, imports, outline; None when the file
    does not parse (the caller sends a window instead)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    lines = text.split("\n")
    total = len(lines) - 1 if lines and lines[-1] == "" else len(lines)
    shown = find_scope(tree, selected, total, cap)
    skip = range(shown.start, shown.end + 1)
    body = "\n".join(lines[shown.start - 1 : shown.end])
    parts = [
        f'<file path="{path}" lines="{total}" shown="{shown.start}-{shown.end}" '
        f'scope="{shown.name}">\n{body}\n</file>'
    ]
    found = imports(tree, skip)
    if found:
        parts.append("<imports>\n" + "\n".join(found) + "\n</imports>")
    rest = outline(tree, shown)
    if rest:
        parts.append("<outline>\n" + "\n".join(rest) + "\n</outline>")
    parts.append(
        f"Only lines {shown.start}-{shown.end} are shown (the imports and the outline give "
        "other lines' numbers); `view` other ranges if you really need them."
    )
    return "\n".join(parts)
