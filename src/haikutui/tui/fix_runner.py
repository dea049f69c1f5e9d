"""One model run as both screens need it: live progress in the status bar, failures as one line."""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from haikutui.core.errors import HaikutuiError, KeyRejected
from haikutui.model.client import KEY_HINT, has_key
from haikutui.model.providers import shown_provider
from haikutui.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:  # loaded with the first request, not at start-up
    from haikutui.model.fix_run import FixResult, Progress
    from haikutui.tasks.fix_session import FixSession

NO_KEY = f"No Anthropic API key: {KEY_HINT}"


def key_missing(status: StatusBar, then: Callable[[], None] | None = None) -> bool:
    """With no key, make no request: ask for one (masked); `then` runs once it is kept."""
    if has_key(getattr(status.app, "settings", None)):
        return False
    from haikutui.tui.key_flow import ask_for_key

    status.show(NO_KEY, error=True)
    ask_for_key(status.app, then)
    return True


def key_rejected(status: StatusBar, then: Callable[[], object] | None = None) -> None:
    """A 401: ask for a key again (masked), unless the rejected one would still win."""
    from haikutui.core import keys

    settings = getattr(status.app, "settings", None)
    if settings is not None and settings.key_command:
        status.show(
            "The key from [auth] key_command was rejected (401): fix the command", error=True
        )
        return
    name = keys.env_key()
    if name is not None:  # the environment comes first: a key typed here would not be used
        status.show(
            f"The key from the environment ({name}) was rejected (401): change it there",
            error=True,
        )
        return
    from haikutui.tui.key_flow import ask_for_key

    ask_for_key(status.app, then, why="The API rejected the key (401).")


def warm_up() -> None:
    """Import the SDK (~2 s) off the event loop, so the first request never freezes the screen."""
    importlib.import_module("anthropic")


async def within_budget(session: FixSession, status: StatusBar) -> bool:
    """Over budget, ask before sending; True when the request may go."""
    from haikutui.model.budget import over_budget
    from haikutui.model.estimate import estimate_fix
    from haikutui.tasks.fix_session import FixSession

    own = getattr(session, "estimated_cost", None)  # a test repair prices its own request
    if callable(own):
        estimate: float | None = own()
    elif type(session) is not FixSession and not getattr(session, "budget_as_fix", False):
        # lint and rename estimate their own requests
        return True
    else:
        try:
            text = session.repo.read_for_model(session.request.path).text
            also = {p: session.repo.read_for_model(p).text for p in session.request.also}
        except HaikutuiError:
            return True  # the run itself will say what is wrong with the file
        mine = estimate_fix(
            session.request, text, session.settings, root=session.repo.root, also=also
        ).on(session.rung.name)
        estimate = mine.cost if mine is not None else None
    spend = status.spend
    problem = over_budget(
        estimate,
        session.rung.model,
        session.settings,
        spent=spend.cost if spend is not None else 0.0,
    )
    if problem is None:
        return True
    from haikutui.tui.screens.confirm import ConfirmScreen

    if await status.app.push_screen_wait(
        ConfirmScreen("Over budget", f"{problem}. Send it anyway?")
    ):
        return True
    status.show("over budget; nothing sent")
    return False


async def run_session(
    session: FixSession, status: StatusBar, retry: Callable[[], object] | None = None
) -> FixResult | None:
    """Run the session's current step; on failure or cancel keep the proposal shown before it.

    Over budget, it asks first: the first request, an escalation and a refinement alike.
    A rejected key (401) opens the masked key entry; `retry` runs once a new key is kept.
    """
    previous = session.result
    status.rung = session.rung
    status.provider = shown_provider(session.settings)
    if not await within_budget(session, status):
        return None
    if "anthropic" not in sys.modules:
        status.show(f"starting the client for {session.rung.model}…")
        await asyncio.to_thread(warm_up)

    last: list[Progress] = []

    def on_progress(progress: Progress) -> None:
        status.progress = progress
        last[:1] = [progress]

    try:
        return await session.run(on_progress=on_progress)
    except HaikutuiError as exc:
        session.result = previous
        status.show(exc.message, error=True)  # read in the status bar, not a fading toast
        if isinstance(exc, KeyRejected):
            key_rejected(status, retry)
        return None
    except asyncio.CancelledError:
        session.result = previous
        raise
    finally:
        _count_spend(status, session, last[0] if last else None)
        if last and last[0].redacted:
            kinds = ", ".join(last[0].redacted)
            status.app.notify(
                f"Redacted before sending: {kinds}", title="Secrets kept out", severity="warning"
            )


def _count_spend(status: StatusBar, session: FixSession, progress: Progress | None) -> None:
    """Every run adds to the session's meter, failed and cancelled ones too: they were billed."""
    spend = status.spend
    if spend is None or progress is None or not progress.requests:
        return
    strongest = session.settings.models.get("strongest", progress.rung.model)
    spend.add(progress.rung.model, progress.usage, progress.requests, strongest)
    status.spend = spend
