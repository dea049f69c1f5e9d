"""Check a proposal before it is shown: it parses, adds no ruff findings, and passes the user's tests."""

from __future__ import annotations

import ast
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from haikutui.core.proposal import Proposal
from haikutui.core.repo import Repo
from haikutui.tasks.lint.ruff_runner import Diagnostic, RuffMirror, mirror_layout


@dataclass
class Verdict:
    """What the checks found; `ok` only when every check that ran passed."""

    problems: list[str] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> str:
        if self.problems:
            return "✗ " + "; ".join(self.problems)
        return "✓ " + ", ".join(self.passed) if self.passed else "✓ no checks apply"


Findings = dict[str, list[Diagnostic]]


def parse_errors(proposal: Proposal, after: Findings | None = None) -> list[str]:
    """Python files in the proposal that no longer parse, as `path:line: message`.

    `after` is ruff's findings on the new texts when the caller has them: ruff parsed every
    file already, so its syntax errors answer without parsing again.
    """
    if after is not None:
        return [
            f"{d.path}:{d.row}: does not parse ({d.message})"
            for c in proposal.changes
            for d in after.get(c.path, [])
            if c.path.endswith(".py") and d.code == "syntax-error"
        ]
    found: list[str] = []
    for change in proposal.changes:
        if change.path.endswith(".py"):
            try:
                ast.parse(change.new_text, filename=change.path)
            except SyntaxError as exc:
                found.append(f"{change.path}:{exc.lineno}: does not parse ({exc.msg})")
    return found


def added_lines(proposal_text_old: str, proposal_text_new: str) -> set[int]:
    """1-based rows of the new text that the change added or rewrote."""
    import difflib

    old, new = proposal_text_old.splitlines(), proposal_text_new.splitlines()
    rows: set[int] = set()
    for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(None, old, new).get_opcodes():
        if tag in ("replace", "insert"):
            rows.update(range(j1 + 1, j2 + 1))
    return rows


def new_diagnostics(
    repo: Repo, proposal: Proposal, known: tuple[Findings, Findings] | None = None
) -> list[Diagnostic]:
    """Ruff findings on changed lines that the file did not already have before the change.

    `known` is (before, after) when the caller linted both sides already, as lint repair has.
    """
    py = [c for c in proposal.changes if c.path.endswith(".py")]
    if not py:
        return []
    if known is not None:
        before, after = known
    else:
        configs, skeleton = mirror_layout(repo)
        with RuffMirror(repo.root, {c.path: c.old_text for c in py}, configs, skeleton) as mirror:
            before = mirror.check([c.path for c in py])
            mirror.write({c.path: c.new_text for c in py})
            after = mirror.check([c.path for c in py])
    found: list[Diagnostic] = []
    for change in py:
        had = {(d.code, d.message) for d in before.get(change.path, [])}
        unseen = [d for d in after.get(change.path, []) if (d.code, d.message) not in had]
        if unseen:  # diffing only where it can matter keeps a repo-wide repair fast
            rows = added_lines(change.old_text, change.new_text)
            found.extend(d for d in unseen if d.row in rows)
    return found


def run_test_command(repo: Repo, proposal: Proposal, command: str, timeout: float) -> str | None:
    """Run the user's test command on a temp copy of the repo with the proposal in it.

    Returns None when it passes, else the last line it printed.
    """
    with tempfile.TemporaryDirectory(prefix="haikutui-check-") as tmp:
        copy = Path(tmp) / repo.root.name
        for entry in repo.files():
            source = repo.root / entry.path
            if entry.tracked and source.is_file():
                target = copy / entry.path
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        for change in proposal.changes:
            target = copy / change.path
            target.parent.mkdir(parents=True, exist_ok=True)
            template = change.base
            data = template.encode(change.new_text) if template else change.new_text.encode()
            target.write_bytes(data)
        try:
            proc = subprocess.run(
                command, shell=True, cwd=copy, capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            return f"timed out after {timeout:.0f}s"
    if proc.returncode == 0:
        return None
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    return f"exit {proc.returncode}: {lines[-1] if lines else 'no output'}"


def check_proposal(
    repo: Repo,
    proposal: Proposal,
    *,
    test_command: str = "",
    timeout: float = 300,
    known: tuple[Findings, Findings] | None = None,
) -> Verdict:
    verdict = Verdict()
    broken = parse_errors(proposal, known[1] if known is not None else None)
    if broken:
        verdict.problems.extend(broken)
    elif any(c.path.endswith(".py") for c in proposal.changes):
        verdict.passed.append("parses")
        fresh = new_diagnostics(repo, proposal, known)
        if fresh:
            verdict.problems.append(
                f"{len(fresh)} new ruff finding{'s' * (len(fresh) != 1)} ({fresh[0].label})"
            )
        else:
            verdict.passed.append("no new ruff findings")
    if test_command and not broken:
        failure = run_test_command(repo, proposal, test_command, timeout)
        if failure:
            verdict.problems.append(f"tests fail ({failure})")
        else:
            verdict.passed.append("tests pass")
    return verdict
