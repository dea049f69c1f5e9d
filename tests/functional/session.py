"""A finished fix session built without any API, for tests that open the review directly."""

from __future__ import annotations

from pathlib import Path

from haikutui.core.config import load_settings
from haikutui.core.overlay import Overlay
from haikutui.core.proposal import Proposal
from haikutui.core.repo import Repo
from haikutui.model.fix_request import FixRequest
from haikutui.model.fix_run import FixResult, Progress
from haikutui.model.ladder import resolve
from haikutui.tasks.fix_session import FixSession
from tests.functional.conftest import LONG_PY

FIXED = LONG_PY.replace("range(len(values) + 1)", "range(len(values))").replace(
    "values[len(values)]", "values[len(values) - 1]"
)
"""Two hunks: the loop bound on line 4 and the last index at the end of the file."""


def finished_session(
    root: Path,
    *,
    note: str = "Fixed the loop bound and the last index.",
    selection: tuple[int, int] | None = (4, 5),
    text: str = FIXED,
) -> FixSession:
    """A session whose model run is done: core.py edited to `text`, with `note`."""
    repo, settings = Repo(root), load_settings(root)
    overlay = Overlay(repo)
    overlay.write("core.py", text)
    rung = resolve("fast", settings)
    proposal = Proposal.from_overlay(overlay, model=rung.model, rung=rung.name)
    proposal.note = note
    session = FixSession(repo, settings, FixRequest("core.py", "fix", selection), rung)
    session.result = FixResult(proposal, Progress(rung, 0.0, phase="done"), "", "tool_use")
    return session
