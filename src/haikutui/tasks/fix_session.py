"""A fix as the user lives it: run, escalate to the next rung, refine, apply. Shared by CLI and TUI."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from haikutui.core.apply import Applied, apply_proposal
from haikutui.core.config import Settings
from haikutui.core.errors import HaikutuiError
from haikutui.core.proposal import Proposal
from haikutui.core.repo import Repo
from haikutui.model.fix_continue import continue_fix
from haikutui.model.fix_request import FixRequest, PriorAttempt
from haikutui.model.fix_run import FixResult, ProgressCallback, run_fix
from haikutui.model.ladder import Rung, next_rung

if TYPE_CHECKING:
    from collections.abc import Mapping

    from anthropic import AsyncAnthropic

    from haikutui.tasks.lint.ruff_runner import Diagnostic, LintedText


class FixSession:
    """Holds the request, the rung in use and the latest proposal; each step replaces the last."""

    def __init__(
        self,
        repo: Repo,
        settings: Settings,
        request: FixRequest,
        rung: Rung,
        client: AsyncAnthropic | None = None,
    ) -> None:
        self.repo = repo
        self.renamed: tuple[str, str] | None = None
        """(old, new) for a rename, so the verdict reads old findings with the new name."""
        self.settings = settings
        self.request = request
        self.rung = rung
        self.client = client
        self.result: FixResult | None = None
        self.last_error: HaikutuiError | None = None
        self.max_cost: float | None = None
        """The CLI's --max-cost: the most one request may cost, follow-ups included."""
        self._go_on_from: FixResult | None = None

    @property
    def proposal(self) -> Proposal | None:
        return self.result.proposal if self.result else None

    @property
    def verdict_before(self) -> Mapping[str, LintedText] | None:
        """The old texts' findings under the verdict's rules, when this session has them."""
        return None

    @property
    def lint_remaining(self) -> Mapping[str, list[Diagnostic]] | None:
        """What a lint repair left (the verdict counts those as remaining, not new)."""
        return None

    async def run(self, on_progress: ProgressCallback | None = None) -> FixResult:
        """Run the current step on the current rung; a failure is kept for the next rung to see.

        A cancelled run is not an attempt: it leaves no error and no proposal for an
        escalation to pass on.
        """
        previous, self._go_on_from = self._go_on_from, None
        self.result = None
        self.last_error = None
        try:
            if previous is not None:
                self.result = await continue_fix(
                    previous,
                    self.rung,
                    self.settings,
                    client=self.client,
                    on_progress=on_progress,
                    max_cost=self.max_cost,
                )
            else:
                self.result = await run_fix(
                    self.request,
                    self.rung,
                    self.repo,
                    self.settings,
                    client=self.client,
                    on_progress=on_progress,
                    max_cost=self.max_cost,
                )
        except HaikutuiError as exc:
            self.last_error = exc
            raise
        except asyncio.CancelledError:
            self.last_error = None
            raise
        return self.result

    def go_on(self) -> bool:
        """Make the next run continue this one (`c`): the held-back tool results go to the model
        and its further edits merge into the proposal. False when there is nothing to continue.
        """
        if self.result is None or not self.result.can_continue:
            return False
        self._go_on_from = self.result
        return True

    def _prior(self, reason: str) -> PriorAttempt | None:
        """What the next model is told was tried; None when nothing was (a cancelled run)."""
        diff = self.proposal.diff() if self.proposal else ""
        if self.last_error is None and not diff:
            return None
        if self.last_error is not None and not diff:
            reason = f"{reason} (its run failed: {self.last_error.message})"
        if self.proposal is not None:
            reason += self.proposal.hand_edit_note()
        return PriorAttempt(self.rung.model, diff, reason)

    def escalate(self, reason: str = "the user asked for a stronger model") -> Rung | None:
        """Move to the next rung with the same request, telling it what the weaker one proposed.

        Returns the new rung, or None when already on the strongest one.
        """
        rung = next_rung(self.rung, self.settings)
        if rung is None:
            return None
        self.request = self.request.escalated(self._prior(reason))
        self.rung = rung
        return rung

    def refine(self, follow_up: str) -> None:
        """Same rung, same request, plus a follow-up instruction and the proposal so far."""
        prior = self._prior("the user asked for a refinement")
        self.request = self.request.refined(follow_up, prior)

    def apply(self) -> Applied:
        if self.proposal is None:
            raise HaikutuiError("there is no proposal to apply")
        return apply_proposal(self.repo.root, self.proposal)
