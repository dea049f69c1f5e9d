"""Review a proposal hunk by hunk, in the spirit of `git add -p`, then apply what was accepted."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual._path import CSSPathType
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from haikutui.core.errors import HaikutuiError, StaleError
from haikutui.core.proposal import Proposal
from haikutui.core.rebase import check_no_conflicts, rebase_proposal, stale_paths
from haikutui.core.scope import outside_selection
from haikutui.core.terminal_text import quote_path, shown
from haikutui.model.fix_request import FixRequest
from haikutui.tasks.fix_session import FixSession
from haikutui.tasks.verdict.checks import Verdict, accepted_key, check_proposal
from haikutui.tui.fix_runner import key_missing, run_session
from haikutui.tui.hunk_editor import edit_hunk
from haikutui.tui.keymap import REVIEW_KEYS
from haikutui.tui.screens.refine import RefineScreen
from haikutui.tui.screens.verdict_confirm import needs_confirm, verdict_confirm
from haikutui.tui.widgets.diff_view import DiffView
from haikutui.tui.widgets.keys_footer import KeysFooter
from haikutui.tui.widgets.status_bar import StatusBar


class ReviewScreen(Screen[list[str] | None]):
    """Dismisses with the paths written, or None when the user leaves without applying."""

    CSS_PATH: ClassVar[CSSPathType | None] = "review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = REVIEW_KEYS

    tests_by_default: ClassVar[bool] = False
    """True runs the tests check for every proposal (renames); else `t` or a test_command."""

    def __init__(self, session: FixSession, *, ask_model: bool = True) -> None:
        super().__init__()
        self.tests_wanted: bool | None = True if self.tests_by_default else None
        assert session.proposal is not None
        self.session = session
        self.proposal: Proposal = session.proposal
        self.ask_model = ask_model
        """False for proposals no model made (a three-way revert): nothing to escalate."""
        self.stale: list[str] = []
        """Files of the proposal that changed on disk since it was made."""

    def compose(self) -> ComposeResult:
        yield Static(id="review-header")
        yield DiffView(self.proposal, id="diff")
        yield StatusBar(id="review-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        status = self.query_one(StatusBar)
        status.rung = self.session.rung
        status.spend = getattr(self.app, "spend", None)
        status.show("y accept · n reject · a apply · e escalate · r refine · q quit")
        self._show_header()
        self.query_one(DiffView).focus()
        self.run_checks()
        watched = getattr(self.app, "repo_changed", None)
        if watched is not None:
            watched.subscribe(self, self._repo_changed)
        self._check_stale()

    @property
    def running(self) -> bool:
        return any(w.node is self and w.group == "llm" and w.is_running for w in self.workers)

    def _counts(self) -> Content:
        """`+added −removed · accepted/all hunks accepted`: in every review header."""
        added, removed = self.proposal.stats()
        hunks = self.proposal.hunks
        accepted = sum(h.accepted for _, h in hunks)
        return Content.assemble(
            Content.styled(f"+{added}", "bold $diff-added"),
            " ",
            Content.styled(f"−{removed}", "bold $diff-removed"),
            " · ",
            f"{accepted}/{len(hunks)} hunks accepted",
        )

    def _show_header(self) -> None:
        """One row each: what and who, edits outside the selection, the note, the verdict.

        Each row is cut to the width (CSS), so a long note can never push the verdict out.
        """
        proposal = self.proposal
        files = ", ".join(quote_path(c.path) for c in proposal.changes)
        line = Content.assemble(
            self._stale_badge(),
            Content.styled(f"◆ {proposal.rung} · {proposal.model}", "bold $accent"),
            " · ",
            self._counts(),
            " · ",
            Content.styled(files, "bold"),
        )
        rows = [line, *self._outside_row(), *self._note_row()]
        rows.append(Content.assemble(self._verdict_line(), self._header_extra()))
        self.query_one("#review-header", Static).update(Content("\n").join(rows))

    def _note_row(self) -> list[Content]:
        """The model's note on one row; nothing at all when it said nothing."""
        note = shown(" ".join(self.proposal.note.split()))  # the model's words: text only
        return [Content.styled(note, "italic $text-muted")] if note else []

    def _outside_row(self) -> list[Content]:
        """Edits outside the selected lines: said in the header, and their hunks marked."""
        request = getattr(self.session, "request", None)
        outside = (
            outside_selection(self.proposal, request.path, request.lines)
            if isinstance(request, FixRequest)
            else {}
        )
        if isinstance(request, FixRequest):  # the files the user marked were asked for
            outside = {i: where for i, where in outside.items() if where not in request.also}
        self.query_one(DiffView).mark_outside(set(outside))
        if not outside:
            return []
        where = ", ".join(dict.fromkeys(outside.values()))
        return [Content.styled(f"⚠ edits outside the selection ({where})", "bold $text-warning")]

    # -- the check verdict, computed for every proposal before it is applied -------------

    class Checked(Message):
        """The checks finished for `proposal` (posted from a thread)."""

        def __init__(
            self, proposal: Proposal, verdict: Verdict, accepted: tuple[bool, ...] = ()
        ) -> None:
            super().__init__()
            self.proposal, self.verdict, self.accepted = proposal, verdict, accepted

    verdict: Verdict | None = None
    verdict_key: tuple[bool, ...] = ()
    """The accepted hunks the verdict is for: it is checked again when they change."""

    @work(thread=True, exclusive=True, group="checks", exit_on_error=False)
    def run_checks(self) -> None:
        """Parse, ruff on the changed lines, and `[checks] test_command`: off the event loop."""
        proposal, session = self.proposal, self.session
        accepted = accepted_key(proposal)
        worker = get_current_worker()
        try:
            verdict = check_proposal(
                session.repo,
                proposal,
                test_command=session.settings.test_command,
                tests=self.tests_wanted,
                timeout=session.settings.test_timeout,
                cancelled=lambda: worker.is_cancelled,
                renamed=session.renamed,
                before=session.verdict_before,
                trusted=session.settings.repo_trusted,
                pass_env=session.settings.pass_env,
                remaining=session.lint_remaining,
                strict=session.settings.checks_strict,
            )
        except Exception as exc:  # a broken check must not hide the proposal
            verdict = Verdict(problems=[f"the checks failed to run: {exc}".splitlines()[0]])
        self.post_message(self.Checked(proposal, verdict, accepted))

    @on(Checked)
    def _checked(self, event: Checked) -> None:
        if event.proposal is not self.proposal:
            return
        if event.accepted != accepted_key(self.proposal):
            self.run_checks()  # hunks were accepted or rejected while it ran
            return
        self.verdict, self.verdict_key = event.verdict, event.accepted
        self._show_header()

    def _verdict_line(self) -> Content:
        if not any(h.accepted for _, h in self.proposal.hunks):
            # an empty change passes every check: no ✓ for writing nothing
            return Content.styled("○ no hunk accepted: nothing would be written", "$text-muted")
        if self.verdict is None:
            return Content.styled("checking…", "$text-muted")
        style = (
            "bold $text-error"
            if not self.verdict.ok
            else "bold $text-warning"  # ✓ with ⚠ advisories
            if self.verdict.warnings
            else "bold $text-success"
        )
        if self.verdict.tests is not None:
            hint = " (t re-runs)"
        elif self.verdict.tests_note == "tests not run":
            hint = " (t runs them)"
        else:
            hint = ""
        more = " · v details" if self.verdict.problems or self.verdict.warnings else ""
        return Content.styled(self.verdict.summary + hint + more, style)

    def action_details(self) -> None:
        """`v`: the note, the edits outside the selection, the whole verdict, the last error."""
        from haikutui.tui.screens.detail import DetailScreen, section, verdict_rows

        proposal = self.proposal
        status = self.query_one(StatusBar)
        added, removed = proposal.stats()
        outside = self._outside_row()
        error = [status.message] if status.error else []

        def rows(width: int) -> list[Content]:
            return [
                *section(
                    "Proposal",
                    [
                        f"{proposal.rung} · {proposal.model} · +{added} −{removed}",
                        *(c.path for c in proposal.changes),
                    ],
                    "",
                    width,
                ),
                *section("Note", proposal.note.strip().splitlines(), "italic", width),
                *outside,
                *verdict_rows(self.verdict, width),
                *section("Error", error, "$text-error", width),
            ]

        self.app.push_screen(DetailScreen("Review details", rows))

    def _header_extra(self) -> Content:
        """More for the third header line; the lint review adds per-file counts."""
        return Content("")

    def _sync(self) -> None:
        self.query_one(DiffView).sync()
        if self.verdict is not None and self.verdict_key != accepted_key(self.proposal):
            self.verdict = None
            self.run_checks()
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

    def action_toggle_hunk(self) -> None:
        self._verdict(None, advance=False)

    def action_accept_all(self) -> None:
        for _, hunk in self.proposal.hunks:
            hunk.accepted = True
        self._sync()

    def action_run_tests(self) -> None:
        """The tests check for this and later proposals, on a temp copy with the change."""
        self.tests_wanted, self.verdict = True, None
        self._show_header()
        self.run_checks()

    def action_apply(self) -> None:
        status = self.query_one(StatusBar)
        if self.running:
            status.show("wait for the run to finish, or press Esc to cancel it", error=True)
            return
        try:
            check_no_conflicts(self.proposal)  # refusals first: asking would be pointless
        except HaikutuiError as exc:
            status.show(exc.message, error=True)
            return
        if any(h.accepted for _, h in self.proposal.hunks) and needs_confirm(self.verdict):
            confirm = verdict_confirm(self.verdict)
            self.app.push_screen(confirm, lambda yes: self._apply() if yes else None)
            return
        self._apply()

    def _apply(self) -> None:
        status = self.query_one(StatusBar)
        try:
            check_no_conflicts(self.proposal)
            applied = self.session.apply()
        except HaikutuiError as exc:
            if isinstance(exc, StaleError):
                self._check_stale()
            status.show(exc.message, error=True)
            self.notify(exc.message, severity="error", timeout=6)
            return
        self.dismiss(applied.paths)

    def action_escalate(self) -> None:
        status = self.query_one(StatusBar)
        if self._no_model() or key_missing(status):
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
        if self._no_model() or key_missing(self.query_one(StatusBar)):
            return
        self.app.push_screen(RefineScreen(self.refine_draft, self._keep_draft), self._refine_with)

    refine_draft = ""
    """The follow-up typed and left with Esc: the next `r` starts from it."""

    def _keep_draft(self, text: str) -> None:
        self.refine_draft = text

    def _refine_with(self, follow_up: str | None) -> None:
        if follow_up:
            self.session.refine(follow_up)
            self.rerun()

    def action_continue_run(self) -> None:
        """`c`: the model gets its tool results and goes on; further edits merge in here."""
        status = self.query_one(StatusBar)
        if self.running:
            status.show("wait for the run to finish, or press Esc to cancel it", error=True)
            return
        if self._no_model() or key_missing(status):
            return
        if not self.session.go_on():
            status.show("the model's reply finished its work; nothing to continue", error=True)
            return
        self.notify("continuing: the model gets its tool results")
        self.rerun()

    async def action_edit_hunk(self) -> None:
        """`E`: the current hunk in $VISUAL/$EDITOR (tui/hunk_editor.py); the checks rerun."""
        status, view = self.query_one(StatusBar), self.query_one(DiffView)
        edit, why = None, "nothing to edit while a run streams"
        if not self.running and self.proposal.hunks:
            edit, why = edit_hunk(self.app, self.proposal, view.current)
        if edit is None:
            status.show(why, error=why != "the hunk is unchanged")
            return
        current, self.verdict = view.current, None
        await view.replace(self.proposal)
        view.current = min(current, max(0, len(self.proposal.hunks) - 1))
        self._sync()
        self.run_checks()
        status.show(f"{edit.path}: hunk edited by you; checking again")

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
        result = await run_session(self.session, status, retry=self.rerun)
        if result is None:
            return
        self.proposal, self.verdict = result.proposal, None
        await self.query_one(DiffView).replace(result.proposal)
        self._show_header()
        self.run_checks()
        self._check_stale()
        status.show(f"new proposal from {result.proposal.model}")

    # -- live awareness: stale when a base file changes on disk; re-base or re-run -------

    def _repo_changed(self, paths: set[str]) -> None:
        """From the app's watcher: only the proposal's own files matter here."""
        mine = {c.path for c in self.proposal.changes}
        mine |= {getattr(c, "old_path", "") for c in self.proposal.changes}
        if paths & mine:
            self._check_stale()

    def _check_stale(self) -> None:
        was = self.stale
        self.stale = stale_paths(self.session.repo.root, self.proposal)
        if self.stale != was:
            self._show_header()
        if self.stale and self.stale != was:
            message = (
                f"{', '.join(self.stale)}: changed on disk since the proposal"
                " · b re-base onto it · R re-run"
            )
            self.query_one(StatusBar).show(message, error=True)
            self.notify(message, title="Stale proposal", severity="warning", timeout=6)

    def _stale_badge(self) -> Content:
        if not self.stale:
            return Content("")
        return Content.styled(f"⚠ STALE: {', '.join(self.stale)} changed on disk   ", "bold $error")

    def _no_model(self) -> bool:
        if self.ask_model:
            return False
        self.query_one(StatusBar).show(
            "this proposal is a three-way revert: there is no request to send", error=True
        )
        return True

    async def action_rebase(self) -> None:
        """Three-way merge of the proposal onto the files as they now are; nothing is written."""
        status = self.query_one(StatusBar)
        if self.running:
            status.show("wait for the run to finish, or press Esc to cancel it", error=True)
            return
        self._check_stale()
        if not self.stale:
            status.show("nothing to re-base: the files are as they were when proposed")
            return
        try:
            rebased = rebase_proposal(self.session.repo.root, self.proposal)
        except (HaikutuiError, RuntimeError, OSError) as exc:
            status.show(f"re-base failed: {exc}".splitlines()[0], error=True)
            return
        if self.session.result is not None:
            self.session.result.proposal = rebased.proposal  # apply writes what is shown
        self.proposal, self.verdict = rebased.proposal, None
        await self.query_one(DiffView).replace(rebased.proposal)
        self._check_stale()
        self._show_header()
        self.run_checks()
        parts = []
        if rebased.merged:
            parts.append(f"re-based {', '.join(rebased.merged)} onto the file on disk")
        if rebased.conflicts:
            count = rebased.conflict_count
            parts.append(
                f"{count} conflict{'s' if count != 1 else ''} marked: reject that hunk or"
                " re-run (R); apply refuses while markers remain"
            )
        parts += [f"{path}: {why}" for path, why in rebased.unmergeable.items()]
        if rebased.settled:
            parts.append(f"{', '.join(rebased.settled)}: the change is already on disk")
        status.show(" · ".join(parts), error=bool(rebased.conflicts or rebased.unmergeable))

    def action_rerun_fresh(self) -> None:
        """The same request again, reading the files as they are now (same rung)."""
        if self._no_model() or key_missing(self.query_one(StatusBar)):
            return
        self.session.refine(
            "The file changed on disk after your proposal. Make the change again against its"
            " current content."
        )
        self.notify("asking again against the files as they are now")
        self.rerun()
