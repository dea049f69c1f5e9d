"""One file on one rung: the quick-fix run with the codemod's task name in the request log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from haikutui.core.config import Settings
from haikutui.core.overlay import Overlay
from haikutui.core.repo import Repo
from haikutui.model.fix_request import FixRequest, build_messages
from haikutui.model.fix_run import FixResult, ProgressCallback, result_of, run_edits
from haikutui.model.ladder import Rung

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic


async def attempt(
    request: FixRequest,
    rung: Rung,
    repo: Repo,
    settings: Settings,
    *,
    client: AsyncAnthropic | None = None,
    on_progress: ProgressCallback | None = None,
) -> FixResult:
    """As `run_fix`: the file (by scope when a selection is long) in the first request."""
    overlay = Overlay(repo)
    file = overlay.load(request.path).base
    assert file is not None
    messages = build_messages(request, file)
    prior = request.prior
    run = await run_edits(
        overlay,
        messages,
        rung,
        settings,
        client=client,
        on_progress=on_progress,
        task="codemod",
        escalated_from=prior.model if prior is not None and prior.model != rung.model else None,
        target=request.target,
        instruction=request.instruction,
    )
    return result_of(overlay, messages, run, rung)
