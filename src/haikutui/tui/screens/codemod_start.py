"""Before a codemod job is sent: its price on each rung, live and batched side by side, the
judge's part, and the budget check on the total; Enter runs it now, `b` at half price.

| key | action |
|---|---|
| enter, l | run it live now (a progress bar, Esc cancels) |
| b | submit it as a Message Batch at half price (tracked on `b`'s screen) |
| esc, n | send nothing |
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from haikutui.core.terminal_text import shown
from haikutui.model.budget import over_budget
from haikutui.model.pricing import format_cost
from haikutui.tasks.codemod.job import Job
from haikutui.tasks.codemod.job_estimate import JobEstimate
from haikutui.tui.widgets.keys_footer import KeysFooter


def _bind(key: str, action: str, description: str, tooltip: str) -> Binding:
    return Binding(key, action, description, id=f"codemod.{action.split('(')[0]}", tooltip=tooltip)


class CodemodStartScreen(ModalScreen[str | None]):
    """Dismisses with "live", "batch", or None when nothing is to be sent."""

    DEFAULT_CSS: ClassVar[str] = """
    CodemodStartScreen { align: center middle; }
    CodemodStartScreen > Vertical {
        width: 78; max-width: 100%; height: auto; max-height: 100%;
        padding: 0 1; border: round $primary; background: $surface;
    }
    CodemodStartScreen #start-title { text-style: bold; color: $accent; }
    CodemodStartScreen #start-rows { margin-top: 1; }
    CodemodStartScreen #start-budget { margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        _bind("enter,l", "choose('live')", "Live", "Send every file now, a few at a time"),
        _bind("b", "choose('batch')", "Batch ½", "Submit one Message Batch at half price"),
        _bind("escape,n", "choose(None)", "Cancel", "Send nothing"),
    ]

    def __init__(self, job: Job, estimate: JobEstimate, spent: float = 0.0) -> None:
        super().__init__()
        self.job, self.estimate, self.spent = job, estimate, spent
        self.over = {
            batch: over_budget(
                estimate.total(job.start.name, batch=batch),
                job.start.model,
                job.settings,
                spent=spent,
            )
            for batch in (False, True)
        }
        """Why the first round (start rung plus judge) may not go without asking, per way."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="start-title")
            yield Static(id="start-rows")
            yield Static(id="start-budget")
        yield KeysFooter()

    def on_mount(self) -> None:
        job, files = self.job, len(self.job.outcomes)
        title = shown(job.instruction.strip().splitlines()[0])
        self.query_one("#start-title", Static).update(
            Content.assemble(
                f"One job over {files} file{'s' * (files != 1)}: ",
                Content.styled(title, "italic"),
            )
        )
        self.query_one("#start-rows", Static).update(Content("\n").join(self._rows()))
        self.query_one("#start-budget", Static).update(self._budget())

    def _rows(self) -> list[Content]:
        """Each rung for the whole job (the first round if every file went there), the judge."""
        header = Content.styled(
            f"{'rung':<10}{'model':<20}{'tokens in':>11}{'live':>11}{'batched':>11}", "bold"
        )
        rows = [header]
        items = list(self.estimate.rungs)
        if self.estimate.judge is not None:
            items.append(self.estimate.judge)
        for item in items:
            name = "judge" if item is self.estimate.judge else item.rung.name
            line = (
                f"{name:<10}{shown(item.rung.model)[:19]:<20}{item.input_tokens:>11,}"
                f"{format_cost(item.live):>11}{format_cost(item.batched):>11}"
            )
            mine = item.rung.model == self.job.start.model and item is not self.estimate.judge
            rows.append(Content.styled(line, "bold $accent" if mine else ""))
        return rows

    def _budget(self) -> Content:
        start = self.job.start
        live = self.estimate.total(start.name, batch=False)
        batched = self.estimate.total(start.name, batch=True)
        judge = " + judge" if self.job.judged else ""
        first = Content(
            f"Sent on {start.name}{judge}: live {format_cost(live)} · batched "
            f"{format_cost(batched)}. Only files that fail the checks or the judge climb."
        )
        problem = self.over[False] or self.over[True]
        if problem is None:
            check = Content.styled("✓ within the budget", "$text-success")
        else:
            check = Content.styled(f"⚠ {problem}: asks before sending", "bold $text-warning")
        return Content("\n").join([first, check])

    def action_choose(self, choice: str | None) -> None:
        problem = self.over[choice == "batch"] if choice is not None else None
        if problem is None:
            self.dismiss(choice)
            return
        from haikutui.tui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(choice)

        self.app.push_screen(ConfirmScreen("Over budget", f"{problem}. Send it anyway?"), answered)
