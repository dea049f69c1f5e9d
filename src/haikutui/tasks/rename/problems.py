"""Why a rename must not be applied as it is, though every hunk in it is right; and what the
user should look at though nothing blocks.

rope's edits can be complete and the result still break: an unsure call site left as it was,
a file rope skipped that still imports the old name, a reference rope typed wrongly, or a name
looked up by string (`hasattr(x, "old")`) that lookups.py could not prove is the symbol. These
block. Other strings that still say the old name are data (a message, a docstring, a test's
expected text, a generated-code label): listed as advisories, never blocking. If one of them
mattered, a test fails, and the verdict's test run blocks on that.
"""

from __future__ import annotations

import ast
import io
import tokenize

from haikutui.tasks.rename.imports import absolute, files_for, head, module_aliases
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


def data_strings(plan: RenamePlan, leftovers: list[Leftover], old: str) -> list[tuple[str, int]]:
    """(path, line) of leftovers in Python strings nobody explained: advisories, not problems.

    Name lookups left (lookups.py) are problems already and are not repeated here.
    """
    lookups = set(plan.rope.lookups_left)
    found: list[tuple[str, int]] = []
    cache: dict[str, set[int]] = {}
    for left in leftovers:
        where = left.occurrence
        if not where.path.endswith(".py") or not where.line or where.where in lookups:
            continue
        if left.reason and not left.reason.startswith("not sent"):
            continue  # the model kept it, and said why
        if where.path not in cache:
            file = plan.overlay.files.get(where.path)
            text = file.text if file is not None else plan.overlay.load(where.path).text
            cache[where.path] = string_lines(text, old)
        if where.line in cache[where.path]:
            found.append((where.path, where.line))
    return found


def advisories(plan: RenamePlan | None, leftovers: list[Leftover], old: str) -> list[str]:
    """One line for the strings that still say the old name, as data, or nothing."""
    if plan is None:
        return []
    strings = [f"{path}:{line}" for path, line in data_strings(plan, leftovers, old)]
    if not strings:
        return []
    count = len(strings)
    return [
        f"{count} string{'s' * (count != 1)} still say{'s' * (count == 1)} `{old}` (data, left "
        f"as it is): {', '.join(strings[:3])}{' …' if count > 3 else ''}"
    ]


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
    files = python_files(plan.overlay.repo)
    found: list[str] = []
    for rel, lines in sorted(_python_lines(leftovers).items()):
        file = plan.overlay.files.get(rel)
        text = file.text if file is not None else plan.overlay.load(rel).text
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        aliases = module_aliases(rel, tree, files)
        hits = {
            n.lineno
            for n in ast.walk(tree)
            if isinstance(n, ast.Attribute) and n.attr == old and head(n.value) not in aliases
        }
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
    lookups = plan.rope.lookups_left
    if lookups:
        out.append(
            f"{len(lookups)} name{'s' * (len(lookups) != 1)} looked up by string may mean "
            f"`{old}`: {', '.join(lookups[:3])}{' …' if len(lookups) > 3 else ''}"
        )
    return out
