"""Test repair: run the tests, pick a failure, ask for a fix, and prove it on a temp mirror.

Failures are taken as pytest names them (our plugin's records, not JUnit's `file`). The
failing test's file (the test and its neighbours) runs against the proposal before the user
sees it; the test's exact node id is what must pass, so the review already carries "✓ test_x
now passes, 14 neighbours pass" or a ✗ with the test's new output. A proposal that edits the
test, a doctest's output, a snapshot or a fixture is named as such. Shared by the CLI and
the TUI; no Textual here.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from haikutui.core.config import Settings
from haikutui.core.errors import HaikutuiError, NoChange
from haikutui.core.overlay import Overlay
from haikutui.core.proposal import Proposal
from haikutui.core.repo import Repo
from haikutui.model.fix_run import FixResult, ProgressCallback, run_edits
from haikutui.model.ladder import Rung
from haikutui.tasks.fix_session import FixSession
from haikutui.tasks.test_context import (
    TEST_SYSTEM,
    TestContext,
    fix_kind,
    repair_messages,
    repair_request,
    scrub,
)
from haikutui.tasks.test_edits import TestEdit, test_edits, warning_line
from haikutui.tasks.test_failures import ReportedFailure
from haikutui.tasks.test_live import LiveCounts, LiveRun
from haikutui.tasks.test_suite import use_reported
from haikutui.tasks.test_traceback import trim_traceback
from haikutui.tasks.verdict.test_runner import (
    TestCommand,
    TestFailure,
    TestResult,
    proposal_texts,
    run_tests,
)

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic

CountsCallback = Callable[[LiveCounts], None]


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
    test_edits: tuple[TestEdit, ...] = ()
    """The proposal's lines that change the test, not the code (`--yes` refuses them)."""
    rerun: str = ""
    """Why the test could not be re-run, when pytest reported nothing for its node id."""

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
    def failed_now(self) -> set[str]:
        """Every node id that failed in the proof run."""
        failed = {f.nodeid for f in self.result.failures}
        return failed | {n for n, o in self.outcomes.items() if o in ("failed", "error")}

    @property
    def broken(self) -> list[str]:
        """Neighbours that passed before and fail now."""
        return sorted(self.failed_now - {self.nodeid} - self.failing_before)

    @property
    def still_failing(self) -> list[str]:
        """Other tests that failed before and failed again in the proof run (not fixed)."""
        return sorted((self.failed_now & self.failing_before) - {self.nodeid})

    @property
    def warning(self) -> str:
        return warning_line(list(self.test_edits))

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
            why = self.rerun or f"pytest reported no result for it ({self.result.summary})"
            return f"✗ cannot re-run {self.nodeid}: {why}; nothing is proven"
        if self.target == "skipped":
            return f"✗ {name} is skipped with the change: nothing is proven"
        if self.target != "passed":
            return f"✗ {name} still fails"
        count = self.neighbours_passed
        text = f"✓ {name} now passes, {count} neighbour{'s' * (count != 1)} pass"
        if self.broken:
            shown = ", ".join(_short(n) for n in self.broken[:3])
            return f"✗ {name} now passes, but {len(self.broken)} neighbour(s) now fail: {shown}"
        still = self.still_failing
        if still:
            shown = ", ".join(still[:3]) + (", …" if len(still) > 3 else "")
            text += (
                f" ({len(still)} other failing test{'s' * (len(still) != 1)} not fixed: {shown})"
            )
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
    options: Sequence[str] = (),
) -> TestCheck:
    """Run the test's file (the test and its neighbours) on a mirror with the proposal in it;
    when pytest reports nothing for the exact node id there, run that node id alone."""
    live = live if live is not None else LiveRun()
    texts, removed = proposal_texts(proposal)
    nodeid = context.failure.nodeid

    def run(tests: list[str], into: LiveRun) -> TestResult:
        found = run_tests(
            repo, command, texts, removed=removed, tests=tests, timeout=timeout, live=into
        )
        use_reported(found, into)
        return found

    result = run([*options, context.test_path], live)
    outcomes = dict(live.counts.outcomes)
    if nodeid not in outcomes and not any(f.nodeid == nodeid for f in result.failures):
        alone = LiveRun(on_progress=live.on_progress, cancel=live.cancel)
        result = run([*options, nodeid], alone)
        outcomes = dict(alone.counts.outcomes)
    check = TestCheck(
        proposal,
        nodeid,
        result,
        outcomes,
        failing_before,
        edits=len(proposal.hand_edits),
        test_edits=tuple(test_edits(proposal, test_files=(context.test_path, context.source_path))),
    )
    if check.target == "not run":
        check.rerun = (
            f"pytest reported no result for it, run alone or in {context.test_path} "
            f"({result.summary}{': ' + scrub(result.output_tail) if result.output_tail else ''})"
        )
    again = [f for f in result.failures if f.nodeid == nodeid]
    if again:
        check.output = _new_output(again[0], repo)
    elif not check.ok:
        check.output = scrub(result.output_tail)
    return check


def _new_output(failure: TestFailure, repo: Repo) -> str:
    """The test's new report for the next rung: a doctest's Expected/Got, else the trimmed one."""
    if isinstance(failure, ReportedFailure) and failure.doctest is not None:
        doc = failure.doctest
        return f"Expected:\n{doc.want.rstrip()}\nGot:\n{doc.got.rstrip()}"
    return scrub(trim_traceback(failure.traceback, repo.root))


class TestRepairSession(FixSession):
    """A FixSession whose request carries a failing test, and whose run ends with `verify`."""

    __test__ = False
    budget_as_fix = False
    """Its request is no file block: it prices itself (`estimated_cost`)."""

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
        options: Sequence[str] = (),
    ) -> None:
        super().__init__(repo, settings, repair_request(context), rung, client)
        self.context, self.command = context, command
        self.failing_before = failing_before
        self.options = list(options)
        """pytest options the proof passes on (`--doctest-glob=...`), from the first run."""
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
            prior = self.request.prior
            run = await run_edits(
                overlay,
                self.messages(),
                self.rung,
                self.settings,
                system=TEST_SYSTEM,
                client=self.client,
                on_progress=on_progress,
                task="test",
                escalated_from=prior.model if prior and prior.model != self.rung.model else None,
                target=self.context.failure.nodeid,
                instruction=f"make {self.context.failure.nodeid} pass",
                max_cost=self.max_cost,
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

    def messages(self) -> list[dict[str, object]]:
        """What is sent: the failure and the code it went through, no whole file."""
        return repair_messages(self.request)

    def request_tokens(self) -> int:
        """The request's input tokens as sent (body / 4, plus the tool's fixed overhead)."""
        from haikutui.model.editor_tool import TOOL_DECLARATION
        from haikutui.model.estimate import TOOL_TOKENS, body_tokens

        body = {
            "max_tokens": self.settings.max_tokens,
            "messages": self.messages(),
            "model": self.rung.model,
            "system": TEST_SYSTEM,
            "tools": [TOOL_DECLARATION],
            "stream": True,
        }
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        return TOOL_TOKENS + body_tokens(len(text))

    def estimated_cost(self) -> float | None:
        """This rung's price for the request and a usual reply."""
        from haikutui.model.estimate import EXPECTED_OUTPUT
        from haikutui.model.pricing import Usage, cost

        return cost(
            self.rung.model,
            Usage(input_tokens=self.request_tokens(), output_tokens=EXPECTED_OUTPUT),
        )

    @property
    def test_edits(self) -> list[TestEdit]:
        """The proposal's lines that change the test, not the code."""
        proposal = self.proposal
        if proposal is None:
            return []
        context = self.context
        return test_edits(proposal, test_files=(context.test_path, context.source_path))

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
            options=self.options,
        )

    def escalate(self, reason: str = "the user asked for a stronger model") -> Rung | None:
        """The next rung hears what the test said about the last attempt."""
        check = self.check
        if check is not None and self.proposal and check.proves(self.proposal) and not check.ok:
            reason = f"{reason}. It was tested on a copy of the repo: {check.summary}"
            if check.output:
                reason += f"\nThe test's new output:\n```\n{check.output}\n```"
        return super().escalate(reason)
