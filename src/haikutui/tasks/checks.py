"""The verdict on a proposal: it parses, adds no finding, breaks no importer, passes the tests.

It covers the whole change: every changed file, linted whole before and after (findings
matched by rule and message, with counts, not by line), and every file that imports a
changed module. The correctness rules run whatever the repo selects, and ruff never fixes.
A ✓ says exactly what ran, never more.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from haikutui.core.gc_pause import gc_paused
from haikutui.core.proposal import FileChange, MovedFileChange, Proposal
from haikutui.core.repo import Repo
from haikutui.model.request_log import mark_checked
from haikutui.tasks.broken_imports import broken_imports
from haikutui.tasks.import_graph import ImportGraph, grep_importers
from haikutui.tasks.lint.ruff_runner import (
    CORRECTNESS_RULES,
    VERDICT_RULES,
    Diagnostic,
    LintedText,
    RuffMirror,
    mirror_layout,
)
from haikutui.tasks.test_runner import (
    TestCommand,
    TestResult,
    find_test_command,
    proposal_texts,
    run_tests,
)

PYTHON_SUFFIXES = (".py", ".pyi")
SYNTAX_CODES = frozenset({"syntax-error", "invalid-syntax"})
"""How ruff's JSON names a parse error (no rule code; newer ruff says `invalid-syntax`)."""


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


@dataclass
class Verdict:
    """What the checks found; `ok` only when every check that ran passed."""

    problems: list[str] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)
    """What ran and passed, as the ✓ line says it (`parses`, `no new findings in 3 files`)."""
    ran: list[str] = field(default_factory=list)
    """Each check that ran, in words precise enough for `--json` readers."""
    findings: list[str] = field(default_factory=list)
    """Every new finding and broken import, one line each (`problems` names the first)."""
    tests: TestResult | None = None
    tests_note: str = "tests not run"
    """Said when no test result is in: why the tests did not run."""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> str:
        tail = [] if self.tests is not None else [self.tests_note]
        if self.problems:
            return "✗ " + " · ".join(["; ".join(self.problems), *tail])
        parts = [*self.passed, *tail]
        return (
            "✓ " + " · ".join(parts) if self.passed else "✓ no checks apply · " + " · ".join(tail)
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "summary": self.summary,
            "ran": self.ran,
            "problems": self.problems,
            "findings": self.findings,
        }


@dataclass
class LintDelta:
    """Ruff on the changed Python files before and after, plus the importers' imports."""

    files: list[str]
    importers: list[str]
    syntax: list[str]
    new: list[Diagnostic]
    broken: list[str]
    graph: ImportGraph


def _python_changes(proposal: Proposal) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(old texts by old path, new texts by new path, new path by old path) of Python files."""
    old: dict[str, str] = {}
    new: dict[str, str] = {}
    moves: dict[str, str] = {}
    for change in proposal.changes:
        target = change.path
        if isinstance(change, MovedFileChange) and change.move_accepted:
            target = change.target_path
        source = change.old_path if isinstance(change, MovedFileChange) else change.path
        source = source or change.path
        if source.endswith(PYTHON_SUFFIXES) and change.base is not None:
            old[source] = change.old_text
        if target.endswith(PYTHON_SUFFIXES):
            new[target] = change.new_text
        moves[source] = target
    return old, new, moves


def lint_change(
    repo: Repo,
    proposal: Proposal,
    renamed: tuple[str, str] | None = None,
    before: Mapping[str, LintedText] | None = None,
) -> LintDelta:
    """One ruff run on the old texts and one on the new, then the importers' names.

    `renamed` (old, new) reads the old findings with the new name: an unused import of the
    symbol stays the same finding after a rename, though its message names the new one.
    `before`: old texts with their findings under `VERDICT_RULES`, when the caller ran them
    already (the lint rung does, beside its fix); used only where the text is the same.
    """
    old, new, moves = _python_changes(proposal)
    changed = sorted({*old, *new})
    entries = repo.files()
    graph = ImportGraph(
        repo.root,
        [e.path for e in entries if e.path.endswith(".py")],
        {p: t for p, t in new.items() if p.endswith(".py")},
    )
    removed = [p for p in old if moves.get(p, p) != p or p not in new]
    importers = graph.importers_of(changed, among=grep_importers(repo, changed, entries))
    configs, skeleton = mirror_layout(repo, entries)
    linted = before or {}
    known = {p: linted[p].findings for p in old if p in linted and linted[p].text == old[p]}
    with RuffMirror(
        repo.root, {p: t for p, t in old.items() if p not in known}, configs, skeleton
    ) as mirror:
        linted_now = mirror.check(sorted(p for p in old if p not in known), VERDICT_RULES)
        for path in old:
            (mirror.path / path).unlink(missing_ok=True)
        old_findings = {**linted_now, **known}
        mirror.write(new)
        checking = mirror.start_check(sorted(new), VERDICT_RULES)
        # The importers' names are read in Python while ruff runs.
        texts = {p: (old.get(p, ""), new[p]) for p in new if p.endswith(".py") and p in old}
        try:
            broken = broken_imports(graph, texts, [*importers, *new], removed)
        finally:
            after = checking()  # never leave ruff running on a mirror about to be removed
    syntax = [
        f"{d.path}:{d.row}: does not parse ({d.message})"
        for ds in after.values()
        for d in ds
        if d.code in SYNTAX_CODES
    ]
    fresh: list[Diagnostic] = []
    moved_from = {target: source for source, target in moves.items()}

    def rename_in(message: str) -> str:
        if renamed is None:
            return message
        old_name, new_name = renamed
        return re.sub(rf"\b{re.escape(old_name)}\b", new_name, message)

    for path, found in after.items():
        had = Counter(
            (d.code, rename_in(d.message)) for d in old_findings.get(moved_from.get(path, path), [])
        )
        for diagnostic in found:
            key = (diagnostic.code, diagnostic.message)
            if had[key] > 0:
                had[key] -= 1
            elif diagnostic.code not in SYNTAX_CODES:
                fresh.append(diagnostic)
    return LintDelta(sorted(new), importers, syntax, fresh, broken, graph)


def as_applied(proposal: Proposal) -> Proposal:
    """The proposal as apply would write it: rejected hunks left out, files with none dropped.

    The verdict is on this, so rejecting a rename's hunk in an importer cannot keep a ✓.
    """
    if all(h.accepted for _, h in proposal.hunks):
        return proposal
    changes: list[FileChange] = []
    for change in proposal.changes:
        if not any(h.accepted for h in change.hunks):
            continue
        if all(h.accepted for h in change.hunks):
            changes.append(change)
        elif isinstance(change, MovedFileChange) and change.move_accepted:
            changes.append(
                MovedFileChange(change.path, change.base, change.result(), old_path=change.old_path)
            )
        else:
            path = change.old_path if isinstance(change, MovedFileChange) else change.path
            changes.append(FileChange(path or change.path, change.base, change.result()))
    return Proposal(changes, model=proposal.model, rung=proposal.rung, note=proposal.note)


def accepted_key(proposal: Proposal) -> tuple[bool, ...]:
    """Which hunks are accepted: a verdict holds for one such choice only."""
    return tuple(h.accepted for _, h in proposal.hunks)


def check_proposal(
    repo: Repo,
    proposal: Proposal,
    *,
    test_command: str = "",
    tests: bool | None = None,
    timeout: float = 300,
    cancelled: Callable[[], bool] = lambda: False,
    renamed: tuple[str, str] | None = None,
    before: Mapping[str, LintedText] | None = None,
) -> Verdict:
    """The verdict on the accepted hunks. `tests`: True runs the tests (configured, or pytest
    in the repo's venv), False never, None only a configured `[checks] test_command`.
    `cancelled` is asked before the tests start (a newer check replaced this one); `renamed`
    (old, new) when the proposal is a rename; `before` as for `lint_change`."""
    started = time.monotonic()
    runs = proposal.runs if any(h.accepted for _, h in proposal.hunks) else []
    proposal = as_applied(proposal)
    verdict = Verdict()
    delta: LintDelta | None = None
    if any(p.endswith(PYTHON_SUFFIXES) for p in _all_paths(proposal)):
        with gc_paused():
            delta = lint_change(repo, proposal, renamed, before)
        _judge_lint(verdict, delta)
    wanted = tests if tests is not None else bool(test_command.strip())
    if wanted and cancelled():
        verdict.tests_note = "tests not run (cancelled)"
    elif wanted and not (delta and delta.syntax):
        _judge_tests(verdict, repo, proposal, test_command, timeout, delta)
    elif wanted:
        verdict.tests_note = "tests not run (a file does not parse)"
    verdict.seconds = time.monotonic() - started
    if not cancelled():
        mark_checked(repo.root, runs, verdict.ok)  # which model's output passed validation
    return verdict


def _all_paths(proposal: Proposal) -> list[str]:
    old, new, _ = _python_changes(proposal)
    return [*old, *new]


def _judge_lint(verdict: Verdict, delta: LintDelta) -> None:
    files = plural(len(delta.files), "file")
    verdict.ran.append(f"parse {files}")
    verdict.ran.append(
        f"ruff --no-fix (repo config + {', '.join(CORRECTNESS_RULES)}) on {files}, "
        "whole files before and after"
    )
    where = files + (f" + {plural(len(delta.importers), 'importer')}" if delta.importers else "")
    verdict.ran.append(f"imported names checked in {where}")
    if delta.syntax:
        verdict.problems.extend(delta.syntax)
        return
    verdict.passed.append("parses")
    verdict.findings.extend([d.label for d in delta.new] + delta.broken)
    if delta.new:
        count = plural(len(delta.new), "new ruff finding")
        verdict.problems.append(f"{count} ({delta.new[0].label})")
    if delta.broken:
        more = f" (+{len(delta.broken) - 1} more)" if len(delta.broken) > 1 else ""
        verdict.problems.append(delta.broken[0] + more)
    if not delta.new and not delta.broken:
        verdict.passed.append(f"no new findings in {where}")


def _judge_tests(
    verdict: Verdict,
    repo: Repo,
    proposal: Proposal,
    test_command: str,
    timeout: float,
    delta: LintDelta | None,
) -> None:
    command = find_test_command(repo.root, test_command)
    if command is None:
        verdict.tests_note = "tests not run (no [checks] test_command, no pytest in .venv or venv)"
        return
    texts, removed = proposal_texts(proposal)
    selected: list[str] | None = None
    if command.selects:
        graph = delta.graph if delta is not None else ImportGraph.of_repo(repo)
        changed = sorted({*texts, *removed, *(c.path for c in proposal.changes)})
        selected = graph.tests_reaching(changed)
        if not selected:
            verdict.tests_note = "tests not run (no test imports the changed modules)"
            verdict.ran.append(f"{command.label}: no test file imports the changed modules")
            return
    result = run_tests(repo, command, texts, removed=removed, tests=selected, timeout=timeout)
    scope = f" on {plural(len(selected), 'test file')}" if selected else ""
    verdict.ran.append(f"{command.label}{scope}: {result.summary}")
    if result.returncode == NO_TESTS_COLLECTED and result.total == 0:
        verdict.tests_note = "tests not run (pytest collected none)"
        return  # nothing passed, nothing failed: say so, claim nothing
    verdict.tests = result
    if result.ok:
        counts = f" ({result.summary}{scope})" if result.junit else ""
        verdict.passed.append(f"tests pass{counts}")
        return
    before = _failing_before(repo, command, result, timeout) if command.selects else set()
    new = [f for f in result.failures if f.nodeid not in before]
    first = new[0] if new else (result.failures[0] if result.failures else None)
    where = f"; {first.nodeid} at {first.location}: {first.message}" if first else ""
    if before:
        every = len(before) == len(result.failures)
        where += f"; {'all' if every else len(before)} also failing without the change"
        verdict.ran.append(
            f"{command.label}: {plural(len(before), 'failure')} run without the change"
        )
    verdict.problems.append(f"tests fail ({result.summary}{where})".rstrip())


MAX_RECHECKED = 50
NO_TESTS_COLLECTED = 5
"""pytest's exit code when it collected no test."""


def _failing_before(
    repo: Repo, command: TestCommand, result: TestResult, timeout: float
) -> set[str]:
    """The failing tests that fail without the change too (on a mirror of the tree as it is).

    They still fail, so the verdict stays ✗; this only says which failures are not new.
    """
    ids = [f.nodeid for f in result.failures if "::" in f.nodeid][:MAX_RECHECKED]
    if not ids:
        return set()
    base = run_tests(repo, command, {}, tests=ids, timeout=timeout)
    return {f.nodeid for f in base.failures} & set(ids)
