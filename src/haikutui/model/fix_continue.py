"""`c` on the review screen: the model goes on from its last reply, edits merge into the proposal.

The fast path stops after the first reply whose edits all succeeded, holding back the tool
results. Continuing sends them, with a request to finish, and runs the same edit loop on a
copy of the overlay, so the new proposal holds the earlier edits and the new ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from haikutui.core.config import Settings
from haikutui.core.errors import NoChange
from haikutui.core.overlay import Overlay, OverlayFile
from haikutui.model.fix_request import SYSTEM_PROMPT
from haikutui.model.fix_run import FixResult, ProgressCallback, result_of, run_edits
from haikutui.model.follow_up import CONTINUE, check_follow_up
from haikutui.model.ladder import Rung

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic


async def continue_fix(
    previous: FixResult,
    rung: Rung,
    settings: Settings,
    *,
    client: AsyncAnthropic | None = None,
    on_progress: ProgressCallback | None = None,
    max_cost: float | None = None,
) -> FixResult:
    """Send the tool results the fast path held back, and merge further edits into the proposal.

    Runs on copies of the overlay and the conversation: a failed or cancelled continuation
    leaves the previous result as it was.
    """
    if previous.overlay is None or not previous.messages:
        raise NoChange("the model's reply finished its work; there is nothing to continue")
    overlay = Overlay(previous.overlay.repo)
    overlay.files = {k: OverlayFile(f.base, f.text) for k, f in previous.overlay.files.items()}
    overlay.moved = dict(previous.overlay.moved)
    messages = [dict(m) for m in previous.messages]
    messages[-1] = {
        **messages[-1],
        "content": [*messages[-1]["content"], {"type": "text", "text": CONTINUE}],
    }
    check_follow_up(SYSTEM_PROMPT, messages, rung.model, settings, spent=0.0, max_cost=max_cost)
    run = await run_edits(
        overlay,
        messages,
        rung,
        settings,
        client=client,
        on_progress=on_progress,
        task="fix",
        max_cost=max_cost,
    )
    result = result_of(overlay, messages, run, rung)
    result.proposal.runs = [*previous.proposal.runs, *result.proposal.runs]
    rejected = {(c.path, tuple(h.lines)) for c in previous.proposal.changes for h in c.hunks} - {
        (c.path, tuple(h.lines)) for c in previous.proposal.changes for h in c.hunks if h.accepted
    }
    for change in result.proposal.changes:
        for hunk in change.hunks:
            if (change.path, tuple(hunk.lines)) in rejected:
                hunk.accepted = False  # what the user rejected stays rejected
    return result
