"""A small modal that asks for a follow-up instruction before re-running the same request."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class RefineScreen(ModalScreen[str | None]):
    """Dismisses with the follow-up text, or None when the user backs out."""

    DEFAULT_CSS: ClassVar[str] = """
    RefineScreen { align: center middle; }
    RefineScreen > Vertical {
        width: 70%; height: auto; padding: 1 2;
        border: round $primary; background: $panel;
    }
    RefineScreen Label { margin-bottom: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "back",
            "Back",
            id="refine.back",
            tooltip="Close without refining; the text stays for next time",
        ),
    ]

    def __init__(self, draft: str = "", keep: Callable[[str], None] | None = None) -> None:
        """`draft` is what Esc left last time; `keep` gets the text on Esc (and "" once sent)."""
        super().__init__()
        self.draft, self.keep = draft, keep

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Refine the proposal: what should change? (Enter sends, Esc backs out)")
            yield Input(
                self.draft, placeholder="e.g. keep the loop, just fix the bound", id="refine-input"
            )

    def action_back(self) -> None:
        """As the instruction field: Esc keeps what was typed, for the next `r`."""
        if self.keep is not None:
            self.keep(self.query_one("#refine-input", Input).value)
        self.dismiss(None)

    @on(Input.Submitted, "#refine-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if text and self.keep is not None:
            self.keep("")
        self.dismiss(text or None)
