"""Review a proposal hunk by hunk, in the spirit of `git add -p`, then apply what was accepted."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from haikutui.errors import HaikutuiError
from haikutui.fix_session import FixSession
from haikutui.proposal import Proposal
from haikutui.tui.fix_runner import key_missing, run_session
from haikutui.tui.screens.refine import RefineScreen
from haikutui.tui.widgets.diff_view import DiffView
from haikutui.tui.widgets.status_bar import StatusBar


def _bind(key: str, action: str, description: str, tooltip: str, *, show: bool = True) -> Binding:
    return Binding(key, action, description, show=show, id=f"review.{action}", tooltip=tooltip)


class ReviewScreen(Screen[list[str] | None]):
    """Dismisses with the paths written, or None when the user leaves without applying."""

    CSS_PATH = "review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        _bind("j,down", "next_hunk", "Next", "Move to the next hunk"),
        _bind("k,up", "previous_hunk", "Prev", "Move to the previous hunk", show=False),
        _bind("y", "accept", "Accept", "Accept this hunk and move on"),
        _bind("n", "reject", "Reject", "Reject this hunk and move on"),
        _bind(
            "space", "toggle", "Toggle", "Flip this hunk between accepted and rejected", show=False
        ),
        _bind("A", "accept_all", "All", "Accept every hunk"),
        _bind("a", "apply", "Apply", "Write the accepted hunks to disk"),
        _bind("e", "escalate", "Escalate", "Ask the next, stronger model for the same change"),
        _bind("r", "refine", "Refine", "Add a follow-up instruction and ask again"),
        _bind("q,escape", "leave", "Quit", "Leave the review without writing anything"),
    ]

    def __init__(self, session: FixSession) -> None:
        super().__init__()
        assert session.proposal is not None
        self.session = session
        self.proposal: Proposal = session.proposal

    def compose(self) -> ComposeResult:
        yield Static(id="review-header")
        yield DiffView(self.proposal, id="diff")
        yield StatusBar(id="review-status")
        yield Footer()

    def on_mount(self) -> None:
        status = self.query_one(StatusBar)
        status.rung = self.session.rung
        status.show("y accept · n reject · a apply · e escalate · r refine · q quit")
        self._show_header()
        self.query_one(DiffView).focus()

    @property
    def running(self) -> bool:
        return any(w.node is self and w.group == "llm" and w.is_running for w in self.workers)

    def _show_header(self) -> None:
        proposal = self.proposal
        added, removed = proposal.stats()
        hunks = proposal.hunks
        accepted = sum(h.accepted for _, h in hunks)
        files = ", ".join(c.path for c in proposal.changes)
        line = Content.assemble(
            Content.styled(f"◆ {proposal.rung} · {proposal.model}", "bold $accent"),
            "   ",
            Content.styled(files, "bold"),
            "   ",
            Content.styled(f"+{added}", "bold $diff-added"),
            " ",
            Content.styled(f"−{removed}", "bold $diff-removed"),
            "   ",
            f"{accepted}/{len(hunks)} hunks accepted",
        )
        note = Content.styled(proposal.note or "(no note from the model)", "italic $text-muted")
        self.query_one("#review-header", Static).update(Content("\n").join([line, note]))

    def _sync(self) -> None:
        self.query_one(DiffView).sync()
        self._show_header()

    def _move(self, delta: int) -> None:
        view = self.query_one(DiffView)
        view.current = max(0, min(view.current + delta, len(self.proposal.hunks) - 1))
        self._sync()

    def _verdict(self, accepted: bool | None, advance: bool) -> None:
        view = self.query_one(DiffView)
        hunks = self.proposal.hunks
        if not hunks:
            return
        hunk = hunks[view.current][1]
        hunk.accepted = (not hunk.accepted) if accepted is None else accepted
        if advance:
            view.current = min(view.current + 1, len(hunks) - 1)
        self._sync()

    def action_next_hunk(self) -> None:
        self._move(1)

    def action_previous_hunk(self) -> None:
        self._move(-1)

    def action_accept(self) -> None:
        self._verdict(True, advance=True)

    def action_reject(self) -> None:
        self._verdict(False, advance=True)

    def action_toggle(self) -> None:
        self._verdict(None, advance=False)

    def action_accept_all(self) -> None:
        for _, hunk in self.proposal.hunks:
            hunk.accepted = True
        self._sync()

    def action_apply(self) -> None:
        status = self.query_one(StatusBar)
        if self.running:
            status.show("wait for the run to finish, or press Esc to cancel it", error=True)
            return
        try:
            applied = self.session.apply()
        except HaikutuiError as exc:
            status.show(exc.message, error=True)
            self.notify(exc.message, severity="error", timeout=6)
            return
        self.dismiss(applied.paths)

    def action_escalate(self) -> None:
        status = self.query_one(StatusBar)
        if key_missing(status):
            return
        was = self.session.rung
        rung = self.session.escalate(
            f"the user escalated before {was.model} finished"
            if self.running
            else "the user reviewed it and asked for a stronger model"
        )
        if rung is None:
            status.show(f"already on the strongest rung ({was.label})", error=True)
            return
        self.notify(f"escalating to {rung.label}")
        self.rerun()

    def action_refine(self) -> None:
        if key_missing(self.query_one(StatusBar)):
            return
        self.app.push_screen(RefineScreen(), self._refine_with)

    def _refine_with(self, follow_up: str | None) -> None:
        if follow_up:
            self.session.refine(follow_up)
            self.rerun()

    def action_leave(self) -> None:
        if self.running:
            self.workers.cancel_group(self, "llm")
            self.query_one(StatusBar).show("cancelled; the proposal below is unchanged")
            return
        self.dismiss(None)

    def action_cancel(self) -> None:
        """For the command palette: stop a run without leaving."""
        if not self.running:
            raise SkipAction()
        self.action_leave()

    @work(exclusive=True, group="llm")
    async def rerun(self) -> None:
        status = self.query_one(StatusBar)
        result = await run_session(self.session, status)
        if result is None:
            return
        self.proposal = result.proposal
        await self.query_one(DiffView).replace(result.proposal)
        self._show_header()
        status.show(f"new proposal from {result.proposal.model}")
