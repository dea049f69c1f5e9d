"""One line that always says which rung and model are in use, how a run is going, and what it costs.

The live meter: this request's tokens and cost while it streams (and its cache read ratio),
and on the right the session's total beside what the strongest rung would have charged.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual.content import Content
from textual.reactive import reactive
from textual.timer import Timer
from textual.widget import Widget

from haikutui.core.terminal_text import shown
from haikutui.model.budget import SessionSpend
from haikutui.model.ladder import RUNGS, Rung
from haikutui.model.pricing import format_cost
from haikutui.model.providers import shown_provider

if TYPE_CHECKING:
    from haikutui.model.fix_run import Progress

SEPARATOR = "  │  "
RUNNING_PHASES = frozenset({"waiting", "streaming", "editing"})


class StatusBar(Widget):
    """Parents set `rung`, `progress` and `message`; it redraws itself, and ticks while a run lasts."""

    DEFAULT_CSS: ClassVar[str] = """
    StatusBar { height: 1; padding: 0 1; background: $panel; color: $foreground; }
    StatusBar.-error { background: $error-muted; }
    """

    rung: reactive[Rung | None] = reactive(None)
    progress: reactive[Progress | None] = reactive(None, always_update=True)
    message: reactive[str] = reactive("")
    error: reactive[bool] = reactive(False)
    spend: reactive[SessionSpend | None] = reactive(None, always_update=True)
    thinking: reactive[bool] = reactive(False)
    provider: reactive[str] = reactive("")
    """Bedrock or Vertex AI beside the model; empty for the Anthropic API."""
    strongest: reactive[str] = reactive("opus")
    """The label of the strongest rung, for "opus would be $x"."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock: Callable[[], float] = time.monotonic
        """Injectable, so snapshots show a fixed elapsed time."""
        self._ticker: Timer | None = None

    def on_mount(self) -> None:
        self._ticker = self.set_interval(0.25, self.refresh, pause=True)
        settings = getattr(self.app, "settings", None)  # every screen's bar names the provider
        if settings is not None:
            self.provider = shown_provider(settings)

    @property
    def running(self) -> bool:
        return self.progress is not None and self.progress.phase in RUNNING_PHASES

    def watch_progress(self, progress: Progress | None) -> None:
        if progress is not None:
            self.message = ""
            self.error = False
        if self._ticker is not None:
            if self.running:
                self._ticker.resume()
            else:
                self._ticker.pause()
        self.refresh()

    def watch_error(self, error: bool) -> None:
        self.set_class(error, "-error")

    def show(self, message: str, *, error: bool = False) -> None:
        """A one-line outcome; it replaces the run's live figures."""
        self.progress = None
        self.message = shown(message)
        self.error = error

    def render(self) -> Content:
        """Rung, then the run's figures or a message; the session meter on the right.

        When space is short, "esc cancel" goes first, then the meter's long form; a hint
        message may be cut short for the meter, but never the live figures or an error.
        """
        parts: list[Content] = []
        if self.rung is not None:
            colour = f"$rung-{self.rung.name}" if self.rung.name in RUNGS else "$accent"
            parts.append(Content.styled(f"◆ {self.rung.name}", f"bold {colour}"))
            parts.append(Content(f" · {self.rung.model}"))
            if self.provider:
                parts.append(Content.styled(f" on {self.provider}", "$text-muted"))
            if self.thinking:
                parts.append(Content.styled(" · thinking", "$text-accent"))
        progress = self.progress
        cancel = Content("")
        if progress is not None:
            elapsed = max(0.0, self.clock() - progress.started)
            tokens = progress.usage.total_input + progress.output_estimate
            figures = [
                progress.phase,
                f"{elapsed:.1f}s",
                f"{tokens:,} tok",
                format_cost(progress.cost),
            ]
            if progress.cache_note:
                figures.append(progress.cache_note)
            parts.append(Content.styled(SEPARATOR + SEPARATOR.join(figures), "$text-muted"))
            if self.running:
                cancel = Content.styled(SEPARATOR + "esc cancel", "$text-muted")
        if self.message:
            mark = "✗ " if self.error else ""
            style = "bold $text-error" if self.error else ""
            parts.append(Content(SEPARATOR))
            parts.append(Content.styled(mark + self.message, style))
        left = Content.assemble(*parts)
        width = self.content_size.width
        meters = [self._session_meter(form) for form in ("full", "short", "total")]
        for head in (Content.assemble(left, cancel), left):
            for right in meters:
                room = width - head.cell_length - right.cell_length
                if right.cell_length and room >= 2:
                    return Content.assemble(head, " " * room, right)
        right = meters[-1]
        if right.cell_length and self.message and not self.error:
            keep = width - right.cell_length - 2
            if keep > 20:
                return Content.assemble(left.truncate(keep, ellipsis=True), "  ", right)
        return Content.assemble(left, cancel)

    def _session_meter(self, form: str) -> Content:
        """Session total and the saving against the strongest rung; empty before any request.

        `full` names the strongest rung's cost, `short` only the saving, `total` neither.
        """
        spend = self.spend
        if spend is None or not spend.requests:
            return Content("")
        tail = ""
        if form == "full":
            tail = f" · on {self.strongest} {format_cost(spend.strongest_cost)}"
        if form in ("full", "short"):
            tail += f" · saved {format_cost(spend.saved)}"
        return Content.assemble(
            Content.styled("session ", "$text-muted"),
            Content.styled(format_cost(spend.cost), "bold"),
            Content.styled(tail, "$text-muted"),
        )
