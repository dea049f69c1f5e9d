"""The one question before applying a proposal whose verdict failed or has not come in."""

from __future__ import annotations

from haikutui.tasks.verdict.checks import Verdict
from haikutui.tui.screens.confirm import ConfirmScreen


def needs_confirm(verdict: Verdict | None) -> bool:
    return verdict is None or not verdict.ok


def verdict_confirm(verdict: Verdict | None) -> ConfirmScreen:
    """`y` applies anyway; `n` or Esc goes back to the review, nothing written."""
    if verdict is None:
        title = "Checks still running"
        question = "The checks have not finished. Apply the accepted hunks without them?"
    else:
        title = "Failed checks"
        question = "This proposal failed its checks. Apply the accepted hunks anyway?"
    detail = verdict.summary if verdict is not None else ""
    return ConfirmScreen(title, question, detail=detail, yes="apply anyway", no="keep reviewing")
