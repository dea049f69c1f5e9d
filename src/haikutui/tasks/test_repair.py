"""Test repair: run the tests, pick a failure, ask for a fix, and prove it on a temp mirror.

The failing test and its neighbours (the other tests in its file) run against the proposal
before the user sees it, so the review already carries "✓ test_x now passes, 14 neighbours
pass" or a ✗ with the test's new output. Shared by the CLI and the TUI; no Textual here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from haikutui.core.config import Settings
from haikutui.core.errors import HaikutuiError, NoChange
from haikutui.core.overlay import Overlay
from haikutui.core.proposal import Proposal
from haikutui.core.repo import Repo
from haikutui.model.fix_request import messages_for_text
from haikutui.model.fix_run import FixResult, ProgressCallback, run_edits
from haikutui.model.ladder import Rung
from haikutui.tasks.fix_session import FixSession
from haikutui.tasks.test_context import (
    TEST_SYSTEM,
    TestContext,
    fix_kind,
    repair_request,
    trim_traceback,
)
from haikutui.tasks.test_live import LiveCounts, LiveRun
from haikutui.tasks.test_runner import (
    TestCommand,
    TestResult,
    proposal_texts,
    run_tests,
)

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic

CountsCallback = Callable[[LiveCounts], None]


def run_suite(
    repo: Repo,
    command: TestCommand,
    args: Sequence[str] = (),
    *,
    timeout: float = 300.0,
    live: LiveRun | None = None,
) -> TestResult:
    """The project's tests as they are on disk (on a mirror: nothing of the user's is touched).

    `args` are pytest's own (paths, `-k`, ...); a shell command without `{tests}` ignores them.
    """
    live = live if live is not None else LiveRun()
    return run_tests(repo, command, {}, tests=list(args) or None, timeout=timeout, live=live)


def _short(nodeid: str) -> str:
    return nodeid.rsplit("::", 1)[-1]


@dataclass
class TestCheck:
    """The failing test and its neighbours, run against one proposal on a mirror."""

    __test__ = False

    proposal: Proposal
    nodeid: str
    result: TestResult
    outcomes: dict[str, str] = field(default_factory=dict)
    failing_before: frozenset[str] = frozenset()
    output: str = ""
    """The target test's new report, trimmed, when it still fails: for the next rung."""
    edits: int = 0
    """How many hand edits the proposal had when it was tested (`E` makes this stale)."""

    def proves(self, proposal: Proposal) -> bool:
        """True when this check ran on `proposal` as it now is."""
        return proposal is self.proposal and len(proposal.hand_edits) == self.edits

    @property
    def target(self) -> str:
        """`passed`, `failed`, `skipped`, or `not run` when pytest never reported the test."""
        if any(f.nodeid == self.nodeid for f in self.result.failures):
            return "failed"
        return self.outcomes.get(self.nodeid, "not run")

    @property
    def broken(self) -> list[str]:
        """Neighbours that passed before and fail now."""
        failed = {f.nodeid for f in self.result.failures}
        failed |= {n for n, o in self.outcomes.items() if o == "failed"}
        return sorted(failed - {self.nodeid} - self.failing_before)

    @property
    def neighbours_passed(self) -> int:
        return sum(1 for n, o in self.outcomes.items() if o == "passed" and n != self.nodeid)

    @property
    def ok(self) -> bool:
        """Only when pytest itself reported the test as passed and nothing else broke."""
        return self.target == "passed" and not self.broken and not self.result.timed_out

    @property
    def summary(self) -> str:
        name = _short(self.nodeid)
        if self.result.timed_out:
            return f"✗ {name}: the tests timed out after {self.result.seconds:.0f}s"
        if self.target == "not run":
            return f"✗ {name} did not run ({self.result.summary}); nothing is proven"
        if self.target != "passed":
            return f"✗ {name} still {'fails' if self.target == 'failed' else 'is skipped'}"
        count = self.neighbours_passed
        text = f"✓ {name} now passes, {count} neighbour{'s' * (count != 1)} pass"
        if self.broken:
            shown = ", ".join(_short(n) for n in self.broken[:3])
            return f"✗ {name} now passes, but {len(self.broken)} neighbour(s) now fail: {shown}"
        still = sorted(self.failing_before - {self.nodeid})
        if still:
            text += f" ({len(still)} other failing test{'s' * (len(still) != 1)} not fixed)"
        return text


def verify(
    repo: Repo,
    proposal: Proposal,
    context: TestContext,
    command: TestCommand,
    *,
    failing_before: frozenset[str] = frozenset(),
    timeout: float = 300.0,
    live: LiveRun | None = None,
) -> TestCheck:
    """Run the test's file (the test and its neighbours) on a mirror with the proposal in it."""
    live = live if live is not None else LiveRun()
    texts, removed = proposal_texts(proposal)
    result = run_tests(
        repo, command, texts, removed=removed, tests=[context.test_path], timeout=timeout, live=live
    )
    check = TestCheck(
        proposal,
        context.failure.nodeid,
        result,
        dict(live.counts.outcomes),
        failing_before,
        edits=len(proposal.hand_edits),
    )
    again = [f for f in result.failures if f.nodeid == context.failure.nodeid]
    if again:
        check.output = trim_traceback(again[0].traceback, repo.root)
    elif not check.ok:
        check.output = result.output_tail
    return check


class TestRepairSession(FixSession):
    """A FixSession whose request carries a failing test, and whose run ends with `verify`."""

    __test__ = False
    budget_as_fix = True
    """Its request is a FixRequest on one file: the quick fix's estimate applies as it is."""

    def __init__(
        self,
        repo: Repo,
        settings: Settings,
        context: TestContext,
        rung: Rung,
        command: TestCommand,
        *,
        failing_before: frozenset[str] = frozenset(),
        client: AsyncAnthropic | None = None,
    ) -> None:
        lines = len(repo.read_for_model(context.path).text.splitlines())
        super().__init__(repo, settings, repair_request(context, lines), rung, client)
        self.context, self.command = context, command
        self.failing_before = failing_before
        self.check: TestCheck | None = None
        self.on_counts: CountsCallback | None = None
        """Told the counts while the proof runs (the TUI's status line)."""

    @property
    def kind(self) -> str:
        """Which the proposal fixes: `the code`, `the test`, or both."""
        proposal = self.proposal
        paths = [c.path for c in proposal.changes] if proposal else []
        return fix_kind(paths, self.context.test_path)

    async def run(self, on_progress: ProgressCallback | None = None) -> FixResult:
        """One model run (task `test` in the request log), then the proof on a mirror."""
        self.result, self.check = None, None
        try:
            overlay = Overlay(self.repo)
            file = overlay.load(self.request.path).base
            assert file is not None
            prior = self.request.prior
            run = await run_edits(
                overlay,
                messages_for_text(self.request, file.text),
                self.rung,
                self.settings,
                system=TEST_SYSTEM,
                client=self.client,
                on_progress=on_progress,
                task="test",
                escalated_from=prior.model if prior and prior.model != self.rung.model else None,
                target=self.context.failure.nodeid,
                instruction=f"make {self.context.failure.nodeid} pass",
            )
            proposal = Proposal.from_overlay(overlay, model=self.rung.model, rung=self.rung.name)
            proposal.note = run.note
            proposal.runs = [run.progress.run_id]
            if proposal.empty:
                detail = run.progress.tool_errors[-1] if run.progress.tool_errors else run.note
                raise NoChange(f"{self.rung.model} proposed no change: {detail or 'no reason'}")
        except HaikutuiError as exc:
            self.last_error = exc
            raise
        self.last_error = None
        self.result = FixResult(proposal, run.progress, run.text, run.stop_reason)
        self.check = await asyncio.to_thread(self.verify, proposal)
        return self.result

    def verify(self, proposal: Proposal, live: LiveRun | None = None) -> TestCheck:
        """Blocking: run it in a thread. A hand-edited proposal is verified again the same way."""
        live = live if live is not None else LiveRun(on_progress=self.on_counts)
        return verify(
            self.repo,
            proposal,
            self.context,
            self.command,
            failing_before=self.failing_before,
            timeout=self.settings.test_timeout,
            live=live,
        )

    def escalate(self, reason: str = "the user asked for a stronger model") -> Rung | None:
        """The next rung hears what the test said about the last attempt."""
        check = self.check
        if check is not None and self.proposal and check.proves(self.proposal) and not check.ok:
            reason = f"{reason}. It was tested on a copy of the repo: {check.summary}"
            if check.output:
                reason += f"\nThe test's new output:\n```\n{check.output}\n```"
        return super().escalate(reason)
