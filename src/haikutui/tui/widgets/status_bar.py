"""One line that always says which rung and model are in use, and how a run is going."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from textual.content import Content
from textual.reactive import reactive
from textual.timer import Timer
from textual.widget import Widget

from haikutui.fix_run import Progress
from haikutui.ladder import RUNGS, Rung
from haikutui.pricing import format_cost

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

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock: Callable[[], float] = time.monotonic
        """Injectable, so snapshots show a fixed elapsed time."""
        self._ticker: Timer | None = None

    def on_mount(self) -> None:
        self._ticker = self.set_interval(0.25, self.refresh, pause=True)

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
        self.message = message
        self.error = error

    def render(self) -> Content:
        parts: list[Content] = []
        if self.rung is not None:
            colour = f"$rung-{self.rung.name}" if self.rung.name in RUNGS else "$accent"
            parts.append(Content.styled(f"◆ {self.rung.name}", f"bold {colour}"))
            parts.append(Content(f" · {self.rung.model}"))
        progress = self.progress
        if progress is not None:
            elapsed = max(0.0, self.clock() - progress.started)
            tokens = progress.usage.input_tokens + progress.output_estimate
            figures = [
                progress.phase,
                f"{elapsed:.1f}s",
                f"{tokens:,} tok",
                format_cost(progress.cost),
            ]
            if self.running:
                figures.append("esc cancel")
            parts.append(Content.styled(SEPARATOR + SEPARATOR.join(figures), "$text-muted"))
        if self.message:
            mark = "✗ " if self.error else ""
            style = "bold $text-error" if self.error else ""
            parts.append(Content(SEPARATOR))
            parts.append(Content.styled(mark + self.message, style))
        return Content.assemble(*parts)
