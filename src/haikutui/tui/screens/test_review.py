"""The review of a test repair: the usual review, whose verdict is the test run on a mirror."""

from __future__ import annotations

from textual import work
from textual.content import Content

from haikutui.tasks.test_edits import warning_line
from haikutui.tasks.test_repair import TestCheck, TestRepairSession
from haikutui.tasks.verdict.checks import Verdict, accepted_key, check_proposal
from haikutui.tui.screens.review import ReviewScreen


class TestReviewScreen(ReviewScreen):
    """Says which side the fix is on; a hand edit (`E`) runs the test and its neighbours again."""

    __test__ = False

    def __init__(self, session: TestRepairSession) -> None:
        super().__init__(session)
        self.repair = session

    @work(thread=True, exclusive=True, group="checks", exit_on_error=False)
    def run_checks(self) -> None:
        """Parse and ruff as for every proposal, then the test check (reused when it is fresh)."""
        proposal, session = self.proposal, self.repair
        accepted = accepted_key(proposal)
        try:
            verdict = check_proposal(session.repo, proposal, tests=False)
            check = session.check
            if check is None or not check.proves(proposal):
                check = session.verify(proposal)
                session.check = check
            _add(verdict, check)
        except Exception as exc:  # a broken check must not hide the proposal
            verdict = Verdict(problems=[f"the checks failed to run: {exc}".splitlines()[0]])
        self.post_message(self.Checked(proposal, verdict, accepted))

    def _verdict_line(self) -> Content:
        """Which side the fix is on, first, then the verdict with the test's line."""
        kind = Content.styled(f"fixes {self.repair.kind}", "bold $accent")
        warning = warning_line(self.repair.test_edits)
        if warning:  # `⚠ changes the test, not the code: tests/test_x.py:12 (the test)`
            flag = Content.styled(warning, "bold $warning")
            return Content.assemble(flag, " · ", kind, " · ", super()._verdict_line())
        return Content.assemble(kind, " · ", super()._verdict_line())


def _add(verdict: Verdict, check: TestCheck) -> None:
    """The test's line joins the verdict: ✓ only when pytest reported it passing."""
    text = check.summary[2:]
    (verdict.passed if check.ok else verdict.problems).insert(0, text)  # what matters most
    verdict.tests = check.result  # the tests did run: no "tests not run" note
    verdict.ran.append(f"{check.nodeid} and its neighbours ({check.result.command}) on a mirror")
