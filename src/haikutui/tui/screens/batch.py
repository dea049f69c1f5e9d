"""Batches of this repo (lint repairs and codemod jobs): progress from their request counts,
and a queue to review.

| key | action |
|---|---|
| enter, c | collect the highlighted batch and review its diffs (a codemod's grouped by file) |
| r | refresh progress |
| s | submit the whole repo's lint repair as a new batch |
| q, esc | back |
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from haikutui.core.config import Settings
from haikutui.core.errors import HaikutuiError
from haikutui.core.repo import Repo
from haikutui.core.terminal_text import shown
from haikutui.model.client import has_key
from haikutui.model.ladder import Rung
from haikutui.tasks.lint.batch import collect, review_session, status, submit
from haikutui.tasks.lint.batch_record import BatchRecord, records, remember_applied
from haikutui.tui.fix_runner import key_missing
from haikutui.tui.widgets.keys_footer import KeysFooter
from haikutui.tui.widgets.status_bar import StatusBar

BAR_WIDTH = 10
COLUMNS: tuple[tuple[str, str, int | None], ...] = (
    ("id", "Batch", None),
    ("created", "Submitted", None),
    ("model", "Model", None),
    ("files", "Files", None),
    ("progress", "Progress", BAR_WIDTH + 7),
    ("state", "State", 20),
)
"""Key, label and width; the last two are filled in later, so they get room up front."""


def progress_bar(done: int, total: int) -> Content:
    """A bar drawn from the batch's request counts: done of total."""
    filled = round(BAR_WIDTH * done / total) if total else 0
    return Content.assemble(
        Content.styled("█" * filled, "$success"),
        Content.styled("░" * (BAR_WIDTH - filled), "$text-muted"),
        f" {done}/{total}",
    )


def _bind(key: str, action: str, description: str, tooltip: str, *, show: bool = True) -> Binding:
    return Binding(key, action, description, show=show, id=f"batch.{action}", tooltip=tooltip)


class BatchScreen(Screen[list[str] | None]):
    """Dismisses with the paths a collected batch wrote, or None."""

    CSS_PATH = "batch.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        _bind("c", "collect", "Collect", "Collect the highlighted batch and review its diffs"),
        _bind("r", "refresh", "Refresh", "Ask the API how far each batch is"),
        _bind("s", "submit", "Submit", "Send the whole repo's lint repair as a batch (50% off)"),
        _bind("q,escape", "leave", "Back", "Back to the files"),
    ]

    class Listed(Message):
        def __init__(self, found: list[BatchRecord]) -> None:
            super().__init__()
            self.found = found

    def __init__(self, repo: Repo, settings: Settings, rung: Rung) -> None:
        super().__init__()
        self.repo, self.settings, self.rung = repo, settings, rung
        self.found: list[BatchRecord] = []
        self.ended: set[str] = set()
        self.written: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(id="batch-header")
        yield DataTable(id="batches", cursor_type="row", zebra_stripes=True)
        yield Static(id="batch-detail")
        yield StatusBar(id="batch-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        self.query_one("#batch-header", Static).update(
            Content.assemble(
                Content.styled("Batches", "bold $accent"),
                Content.styled(
                    f"   {self.repo.root.name} · half price, answered within 24 h", "$text-muted"
                ),
            )
        )
        self.query_one(StatusBar).rung = self.rung
        self.query_one("#batch-detail").display = False  # until a collect leaves something out
        table.focus()
        self.load()

    @property
    def busy(self) -> bool:
        return any(w.node is self and w.group == "llm" and w.is_running for w in self.workers)

    @work(thread=True, exclusive=True, group="records", exit_on_error=False)
    def load(self) -> None:
        """The records under .git/haikutui/batches: they outlive the app."""
        try:
            found = records(self.repo)
        except HaikutuiError as exc:
            self.app.call_from_thread(self.query_one(StatusBar).show, exc.message, error=True)
            return
        self.post_message(self.Listed(found))

    @on(Listed)
    def _listed(self, event: Listed) -> None:
        self.found = event.found
        table = self.query_one(DataTable)
        table.clear()
        for record in event.found:
            when = datetime.fromtimestamp(record.created).strftime("%Y-%m-%d %H:%M")
            files = str(len(record.files))
            table.add_row(
                record.id,
                when,
                record.model,
                f"{files} · codemod" if record.kind == "codemod" else files,
                progress_bar(0, record.requests),
                Content.styled("…", "$text-muted"),
                key=record.id,
            )
        status = self.query_one(StatusBar)
        if not event.found:
            status.show(
                "no batches yet: s submits the whole repo's lint repair as one; "
                "a codemod job goes here from i on marked files"
            )
        elif has_key(self.settings):
            self.refresh_progress()
        else:
            status.show("no API key: progress is unknown until one is set", error=True)

    @work(exclusive=True, group="progress", exit_on_error=False)
    async def refresh_progress(self) -> None:
        table = self.query_one(DataTable)
        for record in list(self.found):
            try:
                batch: Any = await status(self.repo, self.settings, record.id)
            except HaikutuiError as exc:
                table.update_cell(
                    record.id,
                    "state",
                    Content.styled(exc.message[:40], "$text-error"),
                    update_width=True,
                )
                continue
            counts = batch.request_counts
            done = counts.succeeded + counts.errored + counts.canceled + counts.expired
            bar = progress_bar(done, done + counts.processing)
            table.update_cell(record.id, "progress", bar, update_width=True)
            if batch.processing_status == "ended":
                self.ended.add(record.id)
                problems = counts.errored + counts.expired + counts.canceled
                state = Content.styled("to review", "bold $text-success")
                if problems:
                    state = Content.assemble(
                        state, Content.styled(f" · {problems} failed", "$text-warning")
                    )
            else:
                state = Content.styled(batch.processing_status.replace("_", " "), "$text-warning")
            table.update_cell(record.id, "state", state, update_width=True)
        ready = len(self.ended)
        self.query_one(StatusBar).show(
            f"{ready} of {len(self.found)} ready to review · c collects the highlighted one"
        )

    def _highlighted(self) -> str | None:
        table = self.query_one(DataTable)
        if not self.found or table.cursor_row < 0:
            return None
        return self.found[min(table.cursor_row, len(self.found) - 1)].id

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_collect()

    def action_collect(self) -> None:
        batch_id = self._highlighted()
        status = self.query_one(StatusBar)
        if batch_id is None:
            status.show("no batch to collect", error=True)
            return
        if key_missing(status) or self.busy:
            return
        self.collect_and_review(batch_id)

    @work(exclusive=True, group="llm", exit_on_error=False)
    async def collect_and_review(self, batch_id: str) -> None:
        status = self.query_one(StatusBar)
        status.show(f"collecting {batch_id}…")
        if any(r.id == batch_id and r.kind == "codemod" for r in self.found):
            await self._collect_codemod(batch_id)
            return
        try:
            collected = await collect(self.repo, self.settings, batch_id)
        except HaikutuiError as exc:
            status.show(exc.message, error=True)
            return
        lines = [f"already applied: {p}" for p in collected.already]
        lines += [f"stale, left as it is: {p}" for p in collected.stale]
        lines += [f"failed: {f}" for f in collected.failed]
        detail = self.query_one("#batch-detail", Static)
        detail.update(Content.styled(shown("\n".join(lines)), "$text-warning"))
        detail.display = bool(lines)
        if collected.proposal.empty:
            status.show(f"{batch_id}: no usable change in the results", error=True)
            return
        from haikutui.tui.screens.lint_review import LintReviewScreen

        session = review_session(self.repo, self.settings, batch_id, collected)
        status.show(f"{batch_id}: reviewing {len(collected.proposal.changes)} files")
        self.app.push_screen(
            LintReviewScreen(session), lambda applied: self._reviewed(batch_id, applied)
        )

    async def _collect_codemod(self, batch_id: str) -> None:
        """A codemod's results, checked and judged as a live round is, in its grouped review."""
        from haikutui.tasks.codemod.collect import collect_job
        from haikutui.tasks.codemod.job import verdict_check
        from haikutui.tui.screens.codemod_review import CodemodReviewScreen

        status = self.query_one(StatusBar)
        sent: list[str] = []
        try:
            gathered = await collect_job(
                self.repo,
                self.settings,
                batch_id,
                verdict_check(self.repo, self.settings),
                say=sent.append,
            )
        except HaikutuiError as exc:
            status.show(exc.message, error=True)
            return
        lines = [f"already applied: {p}" for p in gathered.already]
        lines += [f"stale, left as it is: {p}" for p in gathered.stale]
        lines += sent
        detail = self.query_one("#batch-detail", Static)
        detail.update(Content.styled(shown("\n".join(lines)), "$text-warning"))
        detail.display = bool(lines)
        job = gathered.job
        if not job.outcomes:
            status.show(f"{batch_id}: every file was applied by an earlier collect")
            return
        if job.waiting:  # the job is applied once, as one journal entry, when nothing waits
            status.show(
                f"{batch_id}: {len(job.waiting)} of {len(job.outcomes)} files wait for the "
                "job's next batch (the judge at half price); collect again when it has ended"
            )
            return
        status.show(f"{batch_id}: reviewing {len(job.outcomes)} files")
        self.app.push_screen(
            CodemodReviewScreen(job), lambda applied: self._reviewed(batch_id, applied)
        )

    def _reviewed(self, batch_id: str, applied: list[str] | None) -> None:
        status = self.query_one(StatusBar)
        if applied:
            # the record keeps what it wrote: collected again, those are ours, not stale
            remember_applied(self.repo, batch_id, applied)
            self.written.extend(applied)
            status.show(f"applied to {', '.join(applied)}")
        else:
            status.show("review closed; nothing written")

    def action_refresh(self) -> None:
        if key_missing(self.query_one(StatusBar)):
            return
        self.load()

    def action_submit(self) -> None:
        status = self.query_one(StatusBar)
        if key_missing(status) or self.busy:
            return
        self.submit_repo()

    @work(exclusive=True, group="llm", exit_on_error=False)
    async def submit_repo(self) -> None:
        status = self.query_one(StatusBar)
        status.show("ruff's fixes, then one batch request per file with findings left…")
        try:
            record = await submit(self.repo, self.settings, None, self.rung)
        except HaikutuiError as exc:
            status.show(exc.message, error=True)
            return
        self.notify(f"{record.requests} requests at batch price", title=f"Submitted {record.id}")
        self.load()

    def action_leave(self) -> None:
        self.dismiss(self.written or None)
