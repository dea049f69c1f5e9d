"""One review of a codemod job, grouped by file: each file's rung, verdict and judge, its
hunks below; filters for what needs a look and what is all good; apply writes the accepted
files all or nothing, as one journal entry that undo reverts as one.

| key | action |
|---|---|
| ↑ ↓ | the previous or next file |
| j, k | the next or previous hunk of the file |
| y, n | accept or reject the hunk (and move on) |
| space | accept or reject the whole file |
| A | accept every file shown that has a proposal |
| f | filter: all → needs a look → all good |
| a | apply the accepted files (one journal entry) |
| e | send the files that do not pass one rung up, live |
| v | the file's judge, verdict and error in full |
| q, esc | leave, writing nothing |
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from haikutui.core.errors import HaikutuiError
from haikutui.core.proposal import Proposal
from haikutui.core.terminal_text import quote_path, shown
from haikutui.tasks.codemod.job import Job, verdict_check
from haikutui.tasks.codemod.outcome import FileOutcome
from haikutui.tasks.verdict.checks import Verdict, accepted_key
from haikutui.tui.widgets.diff_view import DiffView
from haikutui.tui.widgets.file_list import middle_cut
from haikutui.tui.widgets.keys_footer import KeysFooter
from haikutui.tui.widgets.status_bar import StatusBar

FILTERS = ("all", "needs a look", "all good")
PATH_WIDTH = 34
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("mark", " ", 1),
    ("file", "File", PATH_WIDTH),
    ("rung", "Rung", 9),
    ("checks", "Checks", 6),
    ("judge", "Judge", 6),
    ("hunks", "Hunks", 5),
)
"""Cells are Content, which the table cannot measure as it fills: widths given up front."""


def _bind(key: str, action: str, description: str, tooltip: str, *, show: bool = True) -> Binding:
    return Binding(key, action, description, show=show, id=f"codemod.{action}", tooltip=tooltip)


class CodemodReviewScreen(Screen[list[str] | None]):
    """Dismisses with the paths written, or None when the user leaves without applying."""

    CSS_PATH = "codemod_review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        _bind("space", "toggle_file", "File", "Accept or reject the whole file"),
        _bind("y", "accept_hunk(True)", "Accept", "Accept this hunk and move on"),
        _bind("n", "accept_hunk(False)", "Reject", "Reject this hunk and move on"),
        _bind("a", "apply", "Apply", "Write the accepted files: all or nothing, one undo"),
        _bind(
            "e",
            "escalate",
            "Escalate",
            "Send the files that do not pass up the ladder, live, with their weaker attempt",
            show=False,
        ),
        _bind("f", "cycle_filter", "Filter", "Show all files, those that need a look, or all good"),
        _bind("j", "hunk(1)", "Hunk", "The next hunk of this file"),
        _bind("k", "hunk(-1)", "Prev hunk", "The previous hunk of this file", show=False),
        _bind(
            "A", "accept_shown", "All", "Accept every file shown that has a proposal", show=False
        ),
        _bind("v", "details", "Details", "The file's judge, verdict and error in full", show=False),
        _bind("q,escape", "leave", "Quit", "Leave the review without writing anything"),
    ]

    class Rechecked(Message):
        """The verdict on a file's accepted hunks (posted from a thread)."""

        def __init__(self, path: str, key: tuple[bool, ...], verdict: Verdict) -> None:
            super().__init__()
            self.path, self.key, self.verdict = path, key, verdict

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job
        self.filter = FILTERS[0]
        self.shown_rows: list[FileOutcome] = []
        self.checked: dict[str, tuple[bool, ...]] = {}
        """Each file's accepted hunks its verdict is for: checked again when they change."""
        self.rechecking: set[str] = set()
        self._start_accepted(job.outcomes)

    def _start_accepted(self, outcomes: list[FileOutcome]) -> None:
        """What passed (verdict and judge) starts accepted; the rest waits for the user."""
        for o in outcomes:
            if o.proposal is None:
                continue
            keep = o.passes(self.job.judged) and not (
                o.verdict is not None and o.verdict.exec_edits
            )
            for _, hunk in o.proposal.hunks:
                hunk.accepted = keep
            self.checked[o.path] = accepted_key(o.proposal)

    def compose(self) -> ComposeResult:
        yield Static(id="cm-header")
        yield DataTable(id="cm-files", cursor_type="row", zebra_stripes=True)
        yield Static(id="cm-detail")
        yield DiffView(Proposal([]), id="diff")
        yield StatusBar(id="cm-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        status = self.query_one(StatusBar)
        status.rung = self.job.start
        status.spend = getattr(self.app, "spend", None)
        status.show("space file · y/n hunk · f filter · a apply · v details · q quit")
        self._fill()
        table.focus()

    # -- what is shown ---------------------------------------------------------------------

    def _wanted(self, o: FileOutcome) -> bool:
        if self.filter == "needs a look":
            return o.needs_a_look(self.job.judged)
        if self.filter == "all good":
            return not o.needs_a_look(self.job.judged)
        return True

    def _fill(self) -> None:
        """The table as the filter shows it, the cursor kept on the same file when it can be."""
        table = self.query_one(DataTable)
        current = self._current()
        self.shown_rows = [o for o in self.job.outcomes if self._wanted(o)]
        table.clear()
        for o in self.shown_rows:
            table.add_row(*self._cells(o), key=o.path)
        if current in self.shown_rows:
            table.move_cursor(row=self.shown_rows.index(current), animate=False)
        self._show_header()
        self.call_after_refresh(self._show_file)

    def _cells(self, o: FileOutcome) -> list[Content]:
        hunks = o.proposal.hunks if o.proposal else []
        accepted = sum(h.accepted for _, h in hunks)
        if not hunks:
            mark = Content.styled("·", "$text-muted")
        elif accepted:
            mark = Content.styled("✓", "bold $text-success")
        else:
            mark = Content.styled("✗", "bold $text-error")
        path = middle_cut(quote_path(o.path), PATH_WIDTH)[0]
        return [
            mark,
            Content.styled(path, "bold" if accepted else ""),
            Content(shown(o.rung) or "—"),  # a batch record's field: data from disk
            self._checks_cell(o),
            self._judge_cell(o),
            Content(f"{accepted}/{len(hunks)}" if hunks else "—"),
        ]

    def _checks_cell(self, o: FileOutcome) -> Content:
        if o.path in self.rechecking:
            return Content.styled("…", "$text-muted")
        verdict = o.verdict
        if o.proposal is None:
            return Content.styled("none", "$text-error")
        if verdict is None:
            return Content.styled("—", "$text-muted")
        if not verdict.ok:
            return Content.styled("✗", "bold $text-error")
        if verdict.warnings or verdict.exec_edits:
            count = len(verdict.warnings) + bool(verdict.exec_edits)
            return Content.styled(f"✓ ⚠{count}", "bold $text-warning")
        return Content.styled("✓", "bold $text-success")

    def _judge_cell(self, o: FileOutcome) -> Content:
        j = o.judgement
        if j is None:
            return Content.styled("—", "$text-muted")
        style = {"yes": "$text-success", "no": "bold $text-error"}.get(j.answer, "$text-warning")
        return Content.styled(j.answer, style)

    def _counts(self) -> tuple[int, int, int]:
        judged = self.job.judged
        with_proposal = [o for o in self.job.outcomes if o.proposal is not None]
        accepted = sum(
            1 for o in with_proposal if o.proposal and any(h.accepted for _, h in o.proposal.hunks)
        )
        look = sum(1 for o in self.job.outcomes if o.needs_a_look(judged))
        return accepted, look, len(self.job.outcomes) - look

    def _show_header(self) -> None:
        job = self.job
        accepted, look, good = self._counts()
        first = Content.assemble(
            Content.styled(f"◆ codemod · {len(job.outcomes)} files · ", "bold $accent"),
            Content.styled(shown(job.instruction.strip().splitlines()[0]), "italic"),
        )
        second = Content.assemble(
            Content.styled(f"{accepted} accepted", "bold"),
            " · ",
            Content.styled(f"{look} need a look", "$text-warning" if look else "$text-muted"),
            " · ",
            Content.styled(f"{good} all good", "$text-success" if good else "$text-muted"),
            " · filter: ",
            Content.styled(self.filter, "bold $accent"),
            Content.styled(" (f)", "$text-muted"),
        )
        self.query_one("#cm-header", Static).update(Content("\n").join([first, second]))

    def _current(self) -> FileOutcome | None:
        table = self.query_one(DataTable)
        if not self.shown_rows or table.cursor_row < 0:
            return None
        return self.shown_rows[min(table.cursor_row, len(self.shown_rows) - 1)]

    @on(DataTable.RowHighlighted, "#cm-files")
    async def _row_highlighted(self) -> None:
        await self._show_file()

    async def _show_file(self) -> None:
        """The highlighted file's judge and verdict on two rows, its hunks below."""
        o = self._current()
        view = self.query_one(DiffView)
        proposal = o.proposal if o is not None and o.proposal is not None else Proposal([])
        if view.proposal is not proposal:
            await view.replace(proposal)
        self.query_one("#cm-detail", Static).update(self._detail(o))

    def _detail(self, o: FileOutcome | None) -> Content:
        if o is None:
            return Content.styled(f"no file is {self.filter}", "$text-muted")
        tried = " → ".join(o.tried) if len(o.tried) > 1 else o.rung
        j = o.judgement
        judge = (
            Content.assemble(self._judge_cell(o), Content(f": {shown(' '.join(j.reason.split()))}"))
            if j is not None
            else Content.styled("not judged", "$text-muted")
        )
        first = Content.assemble(
            Content.styled(f"{tried or 'not sent'} · {shown(o.model) or '—'} · judge ", "bold"),
            judge,
        )
        if o.proposal is None:
            second = Content.styled(shown(o.error or "no proposal"), "$text-error")
        elif o.path in self.rechecking:
            second = Content.styled("checking the accepted hunks…", "$text-muted")
        elif o.verdict is None:
            second = Content.styled("not checked", "$text-muted")
        else:
            style = (
                "$text-error"
                if not o.verdict.ok
                else "$text-warning"
                if o.verdict.warnings or o.verdict.exec_edits
                else "$text-success"
            )
            second = Content.styled(shown(o.verdict.summary), style)
        return Content("\n").join([first, second])

    def _refresh_row(self, o: FileOutcome) -> None:
        table = self.query_one(DataTable)
        if o in self.shown_rows:
            for key, cell in zip(
                ("mark", "file", "rung", "checks", "judge", "hunks"), self._cells(o), strict=True
            ):
                table.update_cell(o.path, key, cell)
        self._show_header()
        self.query_one("#cm-detail", Static).update(self._detail(self._current()))
        self.query_one(DiffView).sync()

    # -- accepting ---------------------------------------------------------------------

    def _with_proposal(self) -> FileOutcome | None:
        o = self._current()
        if o is None or o.proposal is None or not o.proposal.hunks:
            why = "no file here" if o is None else f"no proposal: {o.error or 'nothing changed'}"
            self.query_one(StatusBar).show(shown(why), error=True)
            return None
        return o

    def action_hunk(self, delta: int) -> None:
        o = self._with_proposal()
        if o is None:
            return
        view = self.query_one(DiffView)
        view.current = max(0, min(view.current + delta, len(view.proposal.hunks) - 1))
        view.sync()

    def action_accept_hunk(self, accepted: bool) -> None:
        o = self._with_proposal()
        if o is None or o.proposal is None:
            return
        view = self.query_one(DiffView)
        hunks = o.proposal.hunks
        hunks[view.current][1].accepted = accepted
        view.current = min(view.current + 1, len(hunks) - 1)
        self._changed(o)

    def action_toggle_file(self) -> None:
        o = self._with_proposal()
        if o is None or o.proposal is None:
            return
        take = not all(h.accepted for _, h in o.proposal.hunks)
        for _, hunk in o.proposal.hunks:
            hunk.accepted = take
        self._changed(o)
        self.query_one(StatusBar).show(
            f"{quote_path(o.path)}: {'accepted' if take else 'rejected'}"
        )

    def action_accept_shown(self) -> None:
        for o in self.shown_rows:
            if o.proposal is not None:
                for _, hunk in o.proposal.hunks:
                    hunk.accepted = True
                self._changed(o)

    def _changed(self, o: FileOutcome) -> None:
        """Redraw; a file whose accepted hunks differ from what was checked is checked again."""
        assert o.proposal is not None
        key = accepted_key(o.proposal)
        if any(key) and key != self.checked.get(o.path):
            self.rechecking.add(o.path)
            self.recheck(o.path, o.proposal, key)
        self._refresh_row(o)

    @work(thread=True, group="checks", exit_on_error=False)
    def recheck(self, path: str, proposal: Proposal, key: tuple[bool, ...]) -> None:
        try:
            verdict = verdict_check(self.job.repo, self.job.settings)(proposal)
        except Exception as exc:  # a broken check must not hide the file
            verdict = Verdict(problems=[f"the checks failed to run: {exc}".splitlines()[0]])
        self.post_message(self.Rechecked(path, key, verdict))

    @on(Rechecked)
    def _rechecked(self, event: Rechecked) -> None:
        o = next((o for o in self.job.outcomes if o.path == event.path), None)
        if o is None or o.proposal is None or accepted_key(o.proposal) != event.key:
            return  # hunks changed again meanwhile: a newer check is on its way
        o.verdict = event.verdict
        self.checked[o.path] = event.key
        self.rechecking.discard(o.path)
        self._refresh_row(o)

    def action_escalate(self) -> None:
        """The files that do not pass, one rung up, live (a collected batch's tail, or what
        a live run left below the top); the review then shows their new attempts."""
        from haikutui.model.ladder import RUNGS, Rung
        from haikutui.tui.fix_runner import key_missing

        status = self.query_one(StatusBar)
        tail = [o for o in self.job.tail(self.job.outcomes) if o.error[:5] != "stale"]
        if not tail:
            status.show("every file passes; nothing to escalate")
            return
        if key_missing(status):
            return
        order = {name: n for n, name in enumerate(RUNGS)}
        low = min((o.rung or self.job.start.name for o in tail), key=lambda r: order.get(r, 0))
        files = [o for o in tail if (o.rung or self.job.start.name) == low]
        model = next((o.model for o in files if o.model), self.job.start.model)
        up = self.job.escalate(files, Rung(low, model))
        if up is None:
            status.show("the files that need a look are on the strongest rung already", error=True)
            return
        from haikutui.tui.screens.codemod_run import CodemodRunScreen

        self.app.push_screen(
            CodemodRunScreen(self.job, pending=files, rung=up),
            lambda job: self._escalated(files, job),
        )

    def _escalated(self, files: list[FileOutcome], job: Job | None) -> None:
        self._start_accepted(files)
        self._fill()
        passed = sum(o.passes(self.job.judged) for o in files)
        self.query_one(StatusBar).show(
            f"escalated {len(files)} file{'s' * (len(files) != 1)}: {passed} of them pass now"
            if job is not None
            else "escalation stopped; each file keeps its last finished attempt",
            error=job is None,
        )

    def action_cycle_filter(self) -> None:
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self._fill()
        self.query_one(StatusBar).show(f"showing {len(self.shown_rows)} files: {self.filter}")

    # -- applying ----------------------------------------------------------------------

    def _accepted(self) -> list[FileOutcome]:
        return [
            o
            for o in self.job.outcomes
            if o.proposal is not None and any(h.accepted for _, h in o.proposal.hunks)
        ]

    def action_apply(self) -> None:
        status = self.query_one(StatusBar)
        accepted = self._accepted()
        if not accepted:
            status.show("no file is accepted; nothing to apply (space accepts one)", error=True)
            return
        if self.rechecking & {o.path for o in accepted}:
            status.show("wait for the checks of the hunks you changed", error=True)
            return
        risky = [
            o for o in accepted if o.verdict is None or not o.verdict.ok or o.verdict.exec_edits
        ]
        if not risky:
            self._apply(accepted)
            return
        from haikutui.tui.screens.confirm import ConfirmScreen

        names = [
            f"{quote_path(o.path)}: {o.verdict.summary if o.verdict else 'not checked'}"
            for o in risky[:4]
        ]
        self.app.push_screen(
            ConfirmScreen(
                "Apply despite the checks?",
                f"{len(risky)} of the {len(accepted)} accepted files failed their checks or "
                "edit what runs.",
                detail=shown("\n".join(names)),
                yes="apply all accepted",
                no="back to the review",
            ),
            lambda yes: self._apply(accepted) if yes else None,
        )

    def _apply(self, accepted: list[FileOutcome]) -> None:
        from haikutui.tasks.codemod.apply_job import apply_outcomes

        try:
            applied = apply_outcomes(self.job.repo, accepted, self.job.instruction)
        except HaikutuiError as exc:  # a stale file: nothing was written
            self.query_one(StatusBar).show(exc.message, error=True)
            return
        self.job.applied = applied.paths
        self.dismiss(applied.paths)

    def action_details(self) -> None:
        from haikutui.tui.screens.detail import DetailScreen, section, verdict_rows

        o = self._current()
        if o is None:
            return
        judge = [f"{o.judgement.answer}: {o.judgement.reason}"] if o.judgement else ["not judged"]

        def rows(width: int) -> list[Content]:
            return [
                *section(
                    "File",
                    [o.path, f"rungs tried: {', '.join(o.tried) or 'none'} · {o.model}"],
                    "",
                    width,
                ),
                *section("Judge", judge, "", width),
                *(verdict_rows(o.verdict, width) if o.proposal is not None else []),
                *section("Error", [o.error] if o.error else [], "$text-error", width),
            ]

        self.app.push_screen(DetailScreen("Codemod file", rows))

    def action_leave(self) -> None:
        self.dismiss(None)
