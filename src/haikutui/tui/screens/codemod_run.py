"""A codemod job running live: a progress bar (files done of total, cost so far), the last
lines of what it did, and Esc to cancel. Nothing is written here: the review applies."""

from __future__ import annotations

import asyncio
import sys
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import ProgressBar, Static

from haikutui.core.errors import HaikutuiError
from haikutui.core.terminal_text import shown
from haikutui.model.ladder import Rung
from haikutui.model.pricing import format_cost
from haikutui.tasks.codemod.job import Job, verdict_check
from haikutui.tasks.codemod.outcome import FileOutcome
from haikutui.tui.fix_runner import warm_up
from haikutui.tui.widgets.keys_footer import KeysFooter

LOG_LINES = 8


class CodemodRunScreen(Screen[Job | None]):
    """Dismisses with the finished job, or None when cancelled or failed (`error` says why)."""

    DEFAULT_CSS: ClassVar[str] = """
    CodemodRunScreen { layout: vertical; }
    CodemodRunScreen #run-title { padding: 0 1; background: $panel; text-wrap: nowrap; text-overflow: ellipsis; }
    CodemodRunScreen ProgressBar { margin: 1 1 0 1; }
    CodemodRunScreen #run-figures { padding: 0 1; }
    CodemodRunScreen #run-log { padding: 1 1 0 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,q",
            "cancel",
            "Cancel",
            id="codemod_run.cancel",
            tooltip="Stop the job: requests in flight are dropped, nothing is written",
        ),
    ]

    def __init__(
        self,
        job: Job,
        concurrency: int | None = None,
        *,
        pending: list[FileOutcome] | None = None,
        rung: Rung | None = None,
    ) -> None:
        """`pending` on `rung`: the tail of a reviewed job sent up the ladder (`e`)."""
        super().__init__()
        self.job = job
        self.concurrency = concurrency
        self.pending, self.rung = pending, rung
        self.error = ""
        self.lines: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(id="run-title")
        yield ProgressBar(
            total=len(self.pending or self.job.outcomes), show_eta=False, id="run-bar"
        )
        yield Static(id="run-figures")
        yield Static(id="run-log")
        yield KeysFooter()

    def on_mount(self) -> None:
        job = self.job
        self.query_one("#run-title", Static).update(
            Content.assemble(
                Content.styled(f"◆ codemod · {(self.rung or job.start).name} · ", "bold $accent"),
                Content.styled(shown(job.instruction.strip().splitlines()[0]), "italic"),
            )
        )
        self._tick(0, len(self.pending or job.outcomes), job.books.total)
        self.run_job()

    def _tick(self, done: int, of: int, spent: float) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=of, progress=done)
        self.query_one("#run-figures", Static).update(
            f"{done}/{of} files · {format_cost(spent)} so far · Esc cancels, nothing is written"
        )

    def _report(self, line: str) -> None:
        self.lines = [*self.lines, shown(line)][-LOG_LINES:]
        self.query_one("#run-log", Static).update("\n".join(self.lines))

    @work(exclusive=True, group="llm", exit_on_error=False)
    async def run_job(self) -> None:
        from haikutui.tasks.codemod.live import DEFAULT_CONCURRENCY, run_live

        if "anthropic" not in sys.modules:
            self._report("starting the client…")
            await asyncio.to_thread(warm_up)  # the SDK's import never freezes the screen
        check = verdict_check(self.job.repo, self.job.settings)
        try:
            await run_live(
                self.job,
                check,
                concurrency=self.concurrency or DEFAULT_CONCURRENCY,
                report=self._report,
                tick=self._tick,
                pending=self.pending,
                rung=self.rung,
            )
        except HaikutuiError as exc:
            self.error = exc.message
            self.dismiss(None)
            return
        self.dismiss(self.job)

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "llm")
        self.dismiss(None)
