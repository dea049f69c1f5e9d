"""A fix as the user lives it: run, escalate to the next rung, refine, apply. Shared by CLI and TUI."""

from __future__ import annotations

from typing import TYPE_CHECKING

from haikutui.core.apply import Applied, apply_proposal
from haikutui.core.config import Settings
from haikutui.core.errors import HaikutuiError
from haikutui.core.proposal import Proposal
from haikutui.core.repo import Repo
from haikutui.model.fix_request import FixRequest, PriorAttempt
from haikutui.model.fix_run import FixResult, ProgressCallback, run_fix
from haikutui.model.ladder import Rung, next_rung

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic


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
        self.settings = settings
        self.request = request
        self.rung = rung
        self.client = client
        self.result: FixResult | None = None
        self.last_error: HaikutuiError | None = None

    @property
    def proposal(self) -> Proposal | None:
        return self.result.proposal if self.result else None

    async def run(self, on_progress: ProgressCallback | None = None) -> FixResult:
        """Run the current request on the current rung; a failure is kept for the next rung to see."""
        self.result = None
        try:
            self.result = await run_fix(
                self.request,
                self.rung,
                self.repo,
                self.settings,
                client=self.client,
                on_progress=on_progress,
            )
        except HaikutuiError as exc:
            self.last_error = exc
            raise
        self.last_error = None
        return self.result

    def _prior(self, reason: str) -> PriorAttempt:
        diff = self.proposal.diff() if self.proposal else ""
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
