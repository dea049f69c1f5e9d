"""The verdict on a proposal: it parses, adds no finding, breaks no importer, passes the tests.

It covers the whole change: every changed file, linted whole before and after (findings
matched by rule and message, with counts, not by line), and every file that imports a
changed module. The correctness rules run whatever the repo selects, and ruff never fixes.
Every check runs in one scratch tree of the repo (core/scratch_tree.py), built once.

Findings are blocking (✗, `--yes` refuses) or advisory (⚠, shown, never blocking unless
`[checks] strict = true`). Blocking: a file does not parse, a new finding of the correctness
rules, a name an importer uses that the change removed, a test that passes without the change
and fails with it. Advisory: a new finding of the repo's other (style) rules, a test that
fails with and without the change. A ✓ says exactly what ran, never more.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from haikutui.core.exec_files import exec_edits
from haikutui.core.gc_pause import gc_paused
from haikutui.core.proposal import FileChange, MovedFileChange, Proposal
from haikutui.core.repo import Repo
from haikutui.core.scratch_tree import ScratchTree
from haikutui.core.trust import NOT_TRUSTED
from haikutui.model.request_log import mark_checked
from haikutui.tasks.lint.ruff_runner import (
    CORRECTNESS_RULES,
    VERDICT_RULES,
    Diagnostic,
    LintedText,
    RuffMirror,
)
from haikutui.tasks.verdict.broken_imports import broken_imports
from haikutui.tasks.verdict.import_graph import ImportGraph, grep_importers
from haikutui.tasks.verdict.test_runner import (
    TestCommand,
    TestFailure,
    TestResult,
    find_test_command,
    proposal_texts,
    run_in,
)

PYTHON_SUFFIXES = (".py", ".pyi")
SYNTAX_CODES = frozenset({"syntax-error", "invalid-syntax"})
"""How ruff's JSON names a parse error (no rule code; newer ruff says `invalid-syntax`)."""


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def is_correctness(code: str) -> bool:
    """A rule of `CORRECTNESS_RULES` (by prefix: `F7` covers `F704`), or a parse error."""
    return code in SYNTAX_CODES or any(code.startswith(rule) for rule in CORRECTNESS_RULES)


@dataclass(frozen=True)
class Finding:
    """One piece of evidence, as `--json` carries it."""

    file: str
    line: int | None
    rule: str
    """A ruff code, `syntax-error`, `broken-import`, `test-failure` or `tests`."""
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "rule": self.rule, "message": self.message}


LOCATED = re.compile(r"^(?P<file>[^:]+?)(?::(?P<line>\d+))?: (?P<message>.*)$", re.DOTALL)


def broken_finding(text: str) -> Finding:
    """`path:line: imports x, which ... no longer defines` as a Finding."""
    match = LOCATED.match(text)
    if match is None:
        return Finding("", None, "broken-import", text)
    line = int(match["line"]) if match["line"] else None
    return Finding(match["file"], line, "broken-import", match["message"])


@dataclass
class Verdict:
    """What the checks found; `ok` only when no blocking finding was made."""

    problems: list[str] = field(default_factory=list)
    """The blocking findings as the ✗ line says them (the first of each kind, with a count)."""
    warnings: list[str] = field(default_factory=list)
    """The advisory ones as the ⚠ parts say them (`2 tests already failing`)."""
    passed: list[str] = field(default_factory=list)
    """What ran and passed, as the ✓ line says it (`parses`, `no new findings in 3 files`)."""
    ran: list[str] = field(default_factory=list)
    """Each check that ran, in words precise enough for `--json` readers."""
    findings: list[str] = field(default_factory=list)
    """Every new finding and broken import, one line each (`problems` names the first)."""
    blocking: list[Finding] = field(default_factory=list)
    advisories: list[Finding] = field(default_factory=list)
    tests: TestResult | None = None
    tests_note: str = "tests not run"
    """Said when no test result is in: why the tests did not run."""
    exec_edits: list[str] = field(default_factory=list)
    """Changed files that configure what runs (core/exec_files.py): said, and `--yes` asks
    for `--allow-exec-edits`. Not a failed check: the user may well want the edit."""
    strict: bool = False
    """`[checks] strict = true`: advisories block too."""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems and not (self.strict and self.warnings)

    @property
    def summary(self) -> str:
        tail = [] if self.tests is not None else [self.tests_note]
        if self.exec_edits:
            tail.append(f"edits what runs: {', '.join(self.exec_edits)}")
        mark = "✗ (strict)" if self.strict and self.warnings else "⚠"
        advice = [f"{mark} {w}" for w in self.warnings]
        if self.problems:
            return "✗ " + " · ".join(["; ".join(self.problems), *advice, *tail])
        if not self.ok:
            return " · ".join([*advice, *tail])
        parts = [*self.passed, *advice, *tail]
        return (
            "✓ " + " · ".join(parts)
            if self.passed
            else "✓ no checks apply · " + " · ".join([*advice, *tail])
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "summary": self.summary,
            "ran": self.ran,
            "problems": self.problems,
            "warnings": self.warnings,
            "findings": self.findings,
            "exec_edits": self.exec_edits,
            "blocking": [f.as_json() for f in self.blocking],
            "advisories": [f.as_json() for f in self.advisories],
            "strict": self.strict,
        }


@dataclass
class LintDelta:
    """Ruff on the changed Python files before and after, plus the importers' imports."""

    files: list[str]
    importers: list[str]
    syntax: list[Diagnostic]
    """Every parse error ruff reports (the first one in a file causes most of the rest)."""
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
    tree: ScratchTree | None = None,
) -> LintDelta:
    """One ruff run on the old texts and one on the new, then the importers' names.

    Both runs are in `tree` (built here when None), so before and after have the same layout:
    the old texts first (the tree as the user has it), then the new ones written in.
    `renamed` (old, new) reads the old findings with the new name: an unused import of the
    symbol stays the same finding after a rename, though its message names the new one.
    `before`: old texts with their findings under `VERDICT_RULES`, when the caller ran them
    already in a scratch tree (the lint rung does, beside its fix); used only where the text
    is the same.
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
    linted = before or {}
    known = {p: linted[p].findings for p in old if p in linted and linted[p].text == old[p]}
    with RuffMirror(repo.root, tree=tree) as mirror:
        mirror.tree.reset()
        unknown = {p: t for p, t in old.items() if p not in known}
        mirror.write(unknown)
        linted_now = mirror.check(sorted(unknown), VERDICT_RULES)
        old_findings = {**linted_now, **known}
        mirror.tree.remove(removed)
        mirror.write(new)
        checking = mirror.start_check(sorted(new), VERDICT_RULES)
        # The importers' names are read in Python while ruff runs.
        texts = {p: (old.get(p, ""), new[p]) for p in new if p.endswith(".py") and p in old}
        try:
            broken = broken_imports(graph, texts, [*importers, *new], removed)
        finally:
            after = checking()  # never leave ruff running on a tree about to be removed
    syntax = [d for ds in after.values() for d in ds if d.code in SYNTAX_CODES]
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
    trusted: bool = False,
    pass_env: Sequence[str] = (),
    remaining: Mapping[str, list[Diagnostic]] | None = None,
    strict: bool = False,
    tree: ScratchTree | None = None,
) -> Verdict:
    """The verdict on the accepted hunks. `tests`: True runs the tests (configured, or pytest
    in the repo's venv), False never, None only a configured `[checks] test_command`; and
    only in a `trusted` repo, since they run its code (see core/trust.py).
    `cancelled` is asked before the tests start (a newer check replaced this one); `renamed`
    (old, new) when the proposal is a rename; `before` as for `lint_change`; `remaining`: a
    lint repair's findings left after ruff's fix, so one its fix turned into another rule's
    (SIM114 into SIM101) is remaining, not new (unless it is a correctness rule's); `strict`:
    advisories block too; `tree`: a scratch tree of the repo to run in (the lint repair's),
    else one is built here and removed at the end."""
    started = time.monotonic()
    runs = proposal.runs if any(h.accepted for _, h in proposal.hunks) else []
    tools_only = tool_made(proposal)
    proposal = as_applied(proposal)
    exec_edits = [p for p in exec_edits_of(proposal) if p not in tools_only]
    verdict = Verdict(exec_edits=exec_edits, strict=strict)
    own = tree is None
    if tree is None:
        tree = ScratchTree(repo.root)
    try:
        delta: LintDelta | None = None
        if any(p.endswith(PYTHON_SUFFIXES) for p in _all_paths(proposal)):
            with gc_paused():
                delta = lint_change(repo, proposal, renamed, before, tree)
            _judge_lint(verdict, delta, remaining or {})
        wanted = tests if tests is not None else bool(test_command.strip())
        if wanted and cancelled():
            verdict.tests_note = "tests not run (cancelled)"
        elif wanted and not trusted:
            verdict.tests_note = f"tests not run ({NOT_TRUSTED})"
        elif wanted and not (delta and delta.syntax):
            command = find_test_command(repo.root, test_command, trusted=trusted, pass_env=pass_env)
            _judge_tests(verdict, repo, proposal, command, timeout, delta, tree)
        elif wanted:
            verdict.tests_note = "tests not run (a file does not parse)"
        verdict.ran.insert(
            0,
            f"all in one scratch tree of the working tree ({plural(tree.files, 'file')}, "
            f"{'reflinked' if tree.reflinked else 'copied'} in {tree.seconds:.2f}s)",
        )
    finally:
        if own:
            tree.close()
    if strict and verdict.warnings:
        verdict.ran.append("[checks] strict = true: advisories block")
    verdict.seconds = time.monotonic() - started
    if not cancelled():
        mark_checked(repo.root, runs, verdict.ok)  # which model's output passed validation
    return verdict


def tool_made(proposal: Proposal) -> set[str]:
    """Paths whose accepted hunks all came from ruff or rope (`ruff (unsafe: ...)` included):
    a local tool's rewrite, not a model's, so an edit to a file that configures execution
    made only of these plants nothing (lint's fix of `conftest.py` is not refused)."""
    by_path: dict[str, list[str]] = {}
    for change, hunk in proposal.hunks:
        if hunk.accepted:
            by_path.setdefault(change.path, []).append(hunk.source)
    return {
        path
        for path, sources in by_path.items()
        if all(src == "rope" or src.startswith("ruff") for src in sources)
    }


def exec_edits_of(proposal: Proposal) -> list[str]:
    """The accepted changes to files that configure execution, a move counting at both ends."""
    edits: list[tuple[str, str | None, str | None]] = []
    for change in proposal.changes:
        old = change.old_text if change.base is not None else None
        if isinstance(change, MovedFileChange) and change.old_path:
            edits.append((change.old_path, old, None))
            edits.append((change.path, None, change.new_text))
        elif old != change.new_text:
            edits.append((change.path, old, change.new_text))
    return list(dict.fromkeys(exec_edits(edits)))


def _all_paths(proposal: Proposal) -> list[str]:
    old, new, _ = _python_changes(proposal)
    return [*old, *new]


def _judge_lint(
    verdict: Verdict, delta: LintDelta, remaining: Mapping[str, list[Diagnostic]]
) -> None:
    files = plural(len(delta.files), "file")
    verdict.ran.append(f"parse {files}")
    verdict.ran.append(
        f"ruff --no-fix (repo config + {', '.join(CORRECTNESS_RULES)}) on {files}, "
        "whole files before and after"
    )
    where = files + (f" + {plural(len(delta.importers), 'importer')}" if delta.importers else "")
    verdict.ran.append(f"imported names checked in {where}")
    if delta.syntax:
        first = delta.syntax[0]
        extra = len(delta.syntax) - 1
        count = f" (+{plural(extra, 'more parse error')})" if extra else ""
        verdict.problems.append(
            f"{first.path}:{first.row}: does not parse ({first.message}){count}"
        )
        firsts = {d.path: d for d in reversed(delta.syntax)}  # the first error in each file
        verdict.blocking.extend(
            Finding(d.path, d.row, "syntax-error", d.message) for d in firsts.values()
        )
        verdict.findings.extend(
            f"{d.path}:{d.row}: does not parse ({d.message})" for d in firsts.values()
        )
        return
    verdict.passed.append("parses")
    left = {path: Counter((d.code, d.message) for d in found) for path, found in remaining.items()}
    blocking: list[Diagnostic] = []
    style: list[Diagnostic] = []
    for diagnostic in delta.new:
        if is_correctness(diagnostic.code):
            blocking.append(diagnostic)
            continue
        key = (diagnostic.code, diagnostic.message)
        counts = left.get(diagnostic.path)
        if counts is not None and counts[key] > 0:
            counts[key] -= 1  # the lint repair reports it as left, not as made
            continue
        style.append(diagnostic)
    verdict.findings.extend([d.label for d in blocking + style] + delta.broken)
    verdict.blocking.extend(Finding(d.path, d.row, d.code, d.message) for d in blocking)
    verdict.blocking.extend(broken_finding(line) for line in delta.broken)
    verdict.advisories.extend(Finding(d.path, d.row, d.code, d.message) for d in style)
    if blocking:
        count = plural(len(blocking), "new correctness finding")
        verdict.problems.append(f"{count} ({blocking[0].label})")
    if delta.broken:
        more = f" (+{len(delta.broken) - 1} more)" if len(delta.broken) > 1 else ""
        verdict.problems.append(delta.broken[0] + more)
    if style:
        count = plural(len(style), "new style finding")
        verdict.warnings.append(f"{count} ({style[0].label})")
    if not blocking and not delta.broken:
        kind = "correctness " if style else ""
        verdict.passed.append(f"no new {kind}findings in {where}")


def _judge_tests(
    verdict: Verdict,
    repo: Repo,
    proposal: Proposal,
    command: TestCommand | None,
    timeout: float,
    delta: LintDelta | None,
    tree: ScratchTree,
) -> None:
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
    tree.reset()
    tree.write(texts)  # as apply would write them, in each file's own encoding
    tree.remove(removed)
    result = run_in(tree.path, command, tests=selected, timeout=timeout)
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
    already = _failing_before(tree, proposal, command, result, timeout)
    new = [f for f in result.failures if f.nodeid not in already]
    old = [f for f in result.failures if f.nodeid in already]
    if already:
        verdict.ran.append(
            f"{command.label}: {plural(len(already), 'failure')} run without the change: "
            f"{len(old)} failing there too"
        )
    verdict.blocking.extend(_test_finding(f) for f in new)
    verdict.advisories.extend(_test_finding(f) for f in old)
    verdict.findings.extend(f"{f.location}: {f.nodeid}: {f.message}" for f in new)
    if old:
        verdict.warnings.append(f"{plural(len(old), 'test')} already failing ({old[0].nodeid})")
    # Failures are blocking unless every one of them fails without the change too and the
    # run ended as a run with failures does (not a crash, a timeout, an unread report).
    explained = bool(old) and not new and result.returncode == 1 and not result.timed_out
    if explained:
        verdict.passed.append(f"no new test failures ({result.summary}{scope})")
        return
    first = new[0] if new else (result.failures[0] if result.failures else None)
    where = f"; {first.nodeid} at {first.location}: {first.message}" if first else ""
    if not new and not result.failures:
        verdict.blocking.append(Finding("", None, "tests", f"tests fail ({result.summary})"))
    verdict.problems.append(f"tests fail ({result.summary}{where})".rstrip())


def _test_finding(failure: TestFailure) -> Finding:
    return Finding(
        failure.path, failure.line, f"test-{failure.kind}", f"{failure.nodeid}: {failure.message}"
    )


MAX_RECHECKED = 50
NO_TESTS_COLLECTED = 5
"""pytest's exit code when it collected no test."""


def _failing_before(
    tree: ScratchTree,
    proposal: Proposal,
    command: TestCommand,
    result: TestResult,
    timeout: float,
) -> set[str]:
    """The failing tests that fail without the change too, run in the same tree with the
    change taken out again: those are advisory, not the change's doing.

    A command that selects runs just those tests; one that does not runs whole again, and is
    read from its JUnit report (without one, nothing is known to fail before).
    """
    ids = [f.nodeid for f in result.failures if "::" in f.nodeid][:MAX_RECHECKED]
    if not ids:
        return set()
    tree.reset()
    for change in proposal.changes:  # the base texts, in case the disk moved on since
        if change.base is not None:
            path = change.old_path if isinstance(change, MovedFileChange) else change.path
            tree.write({path or change.path: change.base.encode(change.old_text)})
    base = run_in(tree.path, command, tests=ids if command.selects else None, timeout=timeout)
    if not base.junit:
        return set()
    return {f.nodeid for f in base.failures} & set(ids)
