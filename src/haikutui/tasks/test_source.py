"""The failing test's own source, as a repair request shows it.

The test is the specification, so it is sent whole, decorators included, except a long
`parametrize` list: humanize's `test_naturalsize` has 60 cases, one of which fails; the rest
cost ~900 tokens and say nothing the failing one does not. They are cut to the first case
(for the shape) and the failing one, which the node id names.
"""

from __future__ import annotations

import ast
import re

from haikutui.core.repo import Repo
from haikutui.tasks.test_calls import Sources, enclosing

MAX_CASES = 8
"""A parametrize list longer than this is shown as the failing case (and the first one)."""


def source_of_test(repo: Repo, nodeid: str) -> tuple[str, tuple[int, int] | None, str]:
    """The test file, the test function's line range and its source (decorators included)."""
    parts = nodeid.split("::")
    path = parts[0]
    names = [re.sub(r"\[.*\]$", "", part) for part in parts[1:]]
    try:
        text = repo.read_for_model(path).text
        tree = ast.parse(text)
    except (SyntaxError, ValueError, OSError, Exception):  # noqa: BLE001 - any unreadable test
        return path, None, ""
    body: list[ast.stmt] = tree.body
    node: ast.AST | None = None
    for name in names:
        node = next(
            (
                n
                for n in body
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                and n.name == name
            ),
            None,
        )
        if node is None:
            return path, None, ""
        body = getattr(node, "body", [])
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return path, None, ""
    start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    end = node.end_lineno or node.lineno
    source = "\n".join(text.split("\n")[start - 1 : end])
    return path, (start, end), source


def _case_index(nodeid: str, names: list[str], values: list[ast.expr], lines: list[str]) -> int:
    """Which parametrize case the node id names: `[x23-...]` is case 23 of argument `x`;
    else the first case whose source holds every string part of the id; else -1."""
    found = re.search(r"\[(.*)\]$", nodeid)
    if found is None:
        return -1
    parts = found.group(1).split("-")
    for part in parts:
        for name in names:
            index = re.fullmatch(re.escape(name) + r"(\d+)", part)
            if index is not None and int(index.group(1)) < len(values):
                return int(index.group(1))
    for i, value in enumerate(values):
        text = "\n".join(lines[value.lineno - 1 : value.end_lineno or value.lineno])
        if all(part in text for part in parts if part):
            return i
    return -1


def cases_cut(sources: Sources, path: str, span: tuple[int, int] | None, nodeid: str) -> str:
    """The test's source with each long `parametrize` list cut to its first case and the
    failing one (the node id says which); "" when there is nothing to cut."""
    tree = sources.tree(path)
    if tree is None or span is None:
        return ""
    func = next(
        (n for n in reversed(enclosing(tree, span[1])) if not isinstance(n, ast.ClassDef)), None
    )
    if func is None or isinstance(func, ast.ClassDef):
        return ""
    lines = (sources.text(path) or "").split("\n")
    cuts: list[tuple[int, int, int]] = []  # (first line, last line, cases cut)
    for decorator in func.decorator_list:
        if not (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr == "parametrize"
            and len(decorator.args) >= 2
            and isinstance(decorator.args[1], ast.List | ast.Tuple)
        ):
            continue
        values = decorator.args[1].elts
        if len(values) <= MAX_CASES:
            continue
        names_arg = decorator.args[0]
        names = (
            [n.strip() for n in names_arg.value.split(",")]
            if isinstance(names_arg, ast.Constant) and isinstance(names_arg.value, str)
            else []
        )
        keep = {0, _case_index(nodeid, names, values, lines)}
        if any(
            b.lineno <= (a.end_lineno or a.lineno) for a, b in zip(values, values[1:], strict=False)
        ):
            continue  # cases share lines: nothing to cut cleanly
        rows = [(v.lineno, v.end_lineno or v.lineno) for i, v in enumerate(values) if i not in keep]
        run: list[tuple[int, int]] = []
        for row in rows + [(-1, -1)]:
            if run and row[0] != run[-1][1] + 1:
                cuts.append((run[0][0], run[-1][1], len(run)))
                run = []
            if row[0] > 0:
                run.append(row)
    if not cuts:
        return ""
    start, end = span
    out: list[str] = []
    n = start
    for first, last, count in sorted(cuts):
        out.extend(lines[n - 1 : first - 1])
        indent = lines[first - 1][: len(lines[first - 1]) - len(lines[first - 1].lstrip())]
        out.append(f"{indent}# …({count} more cases, lines {first}-{last})")
        n = last + 1
    out.extend(lines[n - 1 : end])
    return "\n".join(out)
