"""Lint repair as both the main screen and the batch screen run it: a session, asked, shown."""

from __future__ import annotations

from typing import Any

from textual.app import App

from haikutui.core.config import Settings
from haikutui.core.errors import HaikutuiError
from haikutui.core.repo import Repo
from haikutui.model.client import has_key
from haikutui.model.fix_run import FixResult, Progress
from haikutui.model.ladder import Rung
from haikutui.tasks.lint.repair import LintSession
from haikutui.tasks.lint.ruff_runner import Diagnostic
from haikutui.tui.widgets.status_bar import StatusBar


def lint_session(
    app: App[Any], repo: Repo, settings: Settings, paths: list[str] | None, rung: Rung
) -> LintSession:
    """Ruff only without a key (it needs none); with one, the ladder from `rung`.

    `[lint] escalate = "ask"` (the default) asks in a modal before climbing a rung.
    """

    async def ask(upper: Rung, left: dict[str, list[Diagnostic]]) -> bool:
        from haikutui.tui.screens.confirm import ConfirmScreen

        found = [d for ds in left.values() for d in ds]
        shown = [f"{d.path}:{d.row} {d.code} {d.message}" for d in found[:4]]
        if len(found) > 4:
            shown.append(f"… and {len(found) - 4} more")
        question = ConfirmScreen(
            f"Ruff still reports {len(found)} finding{'s' * (len(found) != 1)}",
            f"Escalate the repair to {upper.label}?",
            detail="\n".join(shown),
            yes="escalate",
            no="review this proposal",
        )
        answer: bool = await app.push_screen_wait(question)
        return answer

    start = rung if has_key(settings) else None
    return LintSession(repo, settings, paths, start, escalate=settings.lint_escalate, on_ask=ask)


async def run_lint(session: LintSession, status: StatusBar) -> FixResult | None:
    """Run the ladder with live progress; a failure is one line in the status bar."""
    status.rung = session.rung
    where = "ruff only (no API key)" if session.start is None else f"then {session.rung.model}"
    status.show(f"lint repair of {session.label}: ruff's fixes, {where}…")

    def on_progress(progress: Progress) -> None:
        status.progress = progress

    try:
        result = await session.run(on_progress=on_progress)
    except HaikutuiError as exc:
        status.progress = None
        status.show(exc.message, error=not exc.message.startswith("ruff finds nothing"))
        return None
    status.progress = None
    status.show(f"lint repair: {result.proposal.note}")
    return result
