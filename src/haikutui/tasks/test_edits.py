"""Which lines of a test repair's proposal change the test rather than the code.

A repair that loosens an assertion, rewrites a doctest's expected output, a snapshot or a
fixture makes the test pass without fixing anything. Such lines are named, so the review
and `--json` can say `⚠ changes the test, not the code`, and `--yes` can refuse them.
"""

from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass
from pathlib import PurePosixPath

from haikutui.core.proposal import Proposal

WARNING = "⚠ changes the test, not the code"
SNAPSHOT_DIRS = frozenset({"__snapshots__", "snapshots", "snapshot", "_snapshots"})
SNAPSHOT_SUFFIXES = frozenset({".ambr", ".snap", ".snapshot", ".approved", ".golden"})
FIXTURE_DIRS = frozenset({"fixtures", "fixture", "testdata", "test_data", "tests", "test"})
DOC_SUFFIXES = frozenset({".rst", ".md", ".txt", ".markdown", ".rest", ""})


@dataclass(frozen=True)
class TestEdit:
    """One file's lines (numbered as in the proposal's new text) that edit the test."""

    __test__ = False

    path: str
    lines: tuple[int, ...]
    what: str
    """`the test`, `a doctest's expected output`, `a snapshot` or `a fixture`."""

    @property
    def where(self) -> str:
        if not self.lines:
            return self.path
        first, last = self.lines[0], self.lines[-1]
        return f"{self.path}:{first}" if first == last else f"{self.path}:{first}-{last}"

    def describe(self) -> str:
        return f"{self.where} ({self.what})"


def _changed(old: list[str], new: list[str]) -> list[tuple[range, range]]:
    """(old lines, new lines) per changed stretch, 1-based."""
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    return [
        (range(i1 + 1, i2 + 1), range(j1 + 1, j2 + 1))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _docstring_spans(text: str) -> list[range]:
    """Lines of docstrings that hold a `>>>` example (module, class and function ones)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    spans: list[range] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            first = body[0] if body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
                and ">>>" in first.value.value
            ):
                spans.append(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return spans


def _doctest_lines(lines: list[str]) -> set[int]:
    """In a text file: `>>>`/`...` lines and the output lines up to the next blank line."""
    found: set[int] = set()
    inside = False
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped.startswith(">>>"):
            inside = True
        elif not stripped:
            inside = False
        if inside:
            found.add(number)
    return found


def _kind(path: str, is_test: bool) -> str | None:
    posix = PurePosixPath(path)
    if SNAPSHOT_DIRS.intersection(posix.parts[:-1]) or posix.suffix in SNAPSHOT_SUFFIXES:
        return "a snapshot"
    if posix.name == "conftest.py":
        return "a fixture"
    if is_test and posix.suffix == ".py":
        return "the test"
    if FIXTURE_DIRS.intersection(posix.parts[:-1]):
        return "a fixture"
    return None


def test_edits(
    proposal: Proposal, is_test_path: object = None, test_files: tuple[str, ...] = ()
) -> list[TestEdit]:
    """Every change of `proposal` that edits a test, a doctest, a snapshot or a fixture.

    `is_test_path(path)` says which files are tests; `test_files` are the failing test's own
    files (its node id's, and where its function is defined: a mixin's module).
    """
    from haikutui.tasks.test_calls import is_test_path as default_is_test

    is_test = is_test_path if callable(is_test_path) else default_is_test
    found: list[TestEdit] = []
    for change in proposal.changes:
        old_text = change.base.text if change.base is not None else ""
        old, new = old_text.splitlines(), change.new_text.splitlines()
        stretches = _changed(old, new)
        if not stretches:
            continue
        path = change.path
        kind = _kind(path, path in test_files or bool(is_test(path)))
        if kind is not None:
            lines = sorted(
                {n for _, rows in stretches for n in rows} or {s.start for _, s in stretches}
            )
            found.append(TestEdit(path, tuple(lines), kind))
            continue
        suffix = PurePosixPath(path).suffix
        if suffix == ".py":
            old_spans, new_spans = _docstring_spans(old_text), _docstring_spans(change.new_text)
            hit = sorted(
                {n for _, rows in stretches for n in rows if any(n in s for s in new_spans)}
                | {
                    rows.start
                    for before, rows in stretches
                    if any(n in s for n in before for s in old_spans)
                }
            )
        elif suffix.lower() in DOC_SUFFIXES:
            old_doc, new_doc = _doctest_lines(old), _doctest_lines(new)
            hit = sorted(
                {n for _, rows in stretches for n in rows if n in new_doc}
                | {rows.start for before, rows in stretches if any(n in old_doc for n in before)}
            )
        else:
            hit = []
        if hit:
            found.append(TestEdit(path, tuple(hit), "a doctest's expected output"))
    return found


def warning_line(edits: list[TestEdit]) -> str:
    """`⚠ changes the test, not the code: tests/test_x.py:12 (the test)`, or ""."""
    if not edits:
        return ""
    return f"{WARNING}: " + ", ".join(edit.describe() for edit in edits)
