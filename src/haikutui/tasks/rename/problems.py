"""Why a rename must not be applied as it is, though every hunk in it is right.

rope's edits can be complete and the result still break: an unsure call site left as it was,
a file rope skipped that still imports the old name, or a string in code (`"<OneOf(...)>"`
in a test, a name looked up with `getattr`) that still says the old name. Comments and
docstrings are not counted: they cannot break anything. Nor is a plain lowercase word such as
`area`, which a string uses as English far more often than as the symbol's name.
"""

from __future__ import annotations

import ast
import io
import tokenize

from haikutui.tasks.rename.imports import absolute, files_for
from haikutui.tasks.rename.leftovers import Leftover
from haikutui.tasks.rename.plan import RenamePlan, UnsureHunks
from haikutui.tasks.rename.rope_engine import Unsure
from haikutui.tasks.rename.target import python_files, word


def unsure_left(hunks: UnsureHunks, answers: dict[tuple[str, int], bool]) -> list[Unsure]:
    """Unsure occurrences whose hunk is rejected and that the model did not call "no"."""
    return [
        u
        for hunk, held in hunks
        if not hunk.accepted
        for u in held
        if answers.get(u.key) is not False
    ]


def string_lines(text: str, name: str) -> set[int]:
    """Lines of string literals (docstrings aside) that hold `name` as a word."""
    try:
        tree = ast.parse(text)
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (SyntaxError, tokenize.TokenError, ValueError):
        return set()
    docs: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                docs.update(range(value.lineno, (value.end_lineno or value.lineno) + 1))
    pattern = word(name)
    lines: set[int] = set()
    for token in tokens:
        if token.type == tokenize.STRING and token.start[0] not in docs:
            for offset, row in enumerate(token.string.split("\n")):
                if pattern.search(row):
                    lines.add(token.start[0] + offset)
    return lines


def code_strings(plan: RenamePlan, leftovers: list[Leftover], old: str) -> list[str]:
    """`path:line` of leftovers in Python strings that nobody explained (no model, or it skipped them)."""
    if old.isalpha() and old.islower():
        return []
    found: list[str] = []
    cache: dict[str, set[int]] = {}
    for left in leftovers:
        where = left.occurrence
        if not where.path.endswith(".py") or not where.line:
            continue
        if left.reason and not left.reason.startswith("not sent"):
            continue  # the model kept it, and said why
        if where.path not in cache:
            file = plan.overlay.files.get(where.path)
            text = file.text if file is not None else plan.overlay.load(where.path).text
            cache[where.path] = string_lines(text, old)
        if where.line in cache[where.path]:
            found.append(where.where)
    return found


def stale_imports(plan: RenamePlan, leftovers: list[Leftover], old: str) -> list[str]:
    """`path:line` of `from m import old` left as it was, where `m` is the renamed symbol's module.

    rope misses an import now and then (a module it cannot resolve); the module then fails to
    import at run time, which no linter reports.
    """
    definition = plan.rope.definition
    if definition is None or plan.target.module or plan.target.kind in ("method", "attribute"):
        return []
    lines_by_file = _python_lines(leftovers)
    files = python_files(plan.overlay.repo)
    found: list[str] = []
    for rel, lines in sorted(lines_by_file.items()):
        file = plan.overlay.files.get(rel)
        text = file.text if file is not None else plan.overlay.load(rel).text
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            for alias in node.names:
                if alias.name != old or alias.lineno not in lines:
                    continue
                sources = files_for(absolute(rel, node), files)
                if definition[0] in sources:
                    found.append(f"{rel}:{alias.lineno}")
    return found


def missed_members(plan: RenamePlan, leftovers: list[Leftover], old: str) -> list[str]:
    """`path:line` of `x.old` or a method `old` left in code, when only the hierarchy defines it."""
    if not plan.rope.sole:
        return []
    found: list[str] = []
    for rel, lines in sorted(_python_lines(leftovers).items()):
        file = plan.overlay.files.get(rel)
        text = file.text if file is not None else plan.overlay.load(rel).text
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        hits = {n.lineno for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == old}
        hits |= {
            item.lineno
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)
            for item in node.body
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == old
        }
        found.extend(f"{rel}:{line}" for line in sorted(hits & lines))
    return found


def _python_lines(leftovers: list[Leftover]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for left in leftovers:
        if left.occurrence.path.endswith(".py") and left.occurrence.line:
            out.setdefault(left.occurrence.path, set()).add(left.occurrence.line)
    return out


def held_problems(
    plan: RenamePlan | None,
    hunks: UnsureHunks,
    answers: dict[tuple[str, int], bool],
    leftovers: list[Leftover],
    old: str,
) -> list[str]:
    out: list[str] = []
    left = len(unsure_left(hunks, answers))
    if left:
        out.append(f"{left} unsure reference{'s' * (left != 1)} left")
    if plan is None:
        return out
    uses = plan.skipped_uses
    if uses:
        out.append(
            f"{len(uses)} skipped file{'s' * (len(uses) != 1)} still use{'s' * (len(uses) == 1)}"
            f" `{old}`: {', '.join(uses[:3])}"
        )
    missed = missed_members(plan, leftovers, old)
    if missed:
        out.append(
            f"{len(missed)} reference{'s' * (len(missed) != 1)} to `{old}` not renamed: "
            f"{', '.join(missed[:3])}"
        )
    imports = stale_imports(plan, leftovers, old)
    if imports:
        out.append(
            f"{len(imports)} import{'s' * (len(imports) != 1)} of `{old}` not renamed: "
            f"{', '.join(imports[:3])}"
        )
    strings = code_strings(plan, leftovers, old)
    if strings:
        out.append(
            f"{len(strings)} string{'s' * (len(strings) != 1)} in Python code still "
            f"say{'s' * (len(strings) == 1)} "
            f"`{old}`: {', '.join(strings[:3])}{' …' if len(strings) > 3 else ''}"
        )
    return out
