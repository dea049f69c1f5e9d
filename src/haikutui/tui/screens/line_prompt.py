"""One line asked at the bottom of the screen: the search text (ctrl+f) or a line number (`:`)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class LinePrompt(ModalScreen[str | None]):
    """Dismisses with the text typed, or None on Esc; what was typed last is offered again."""

    DEFAULT_CSS: ClassVar[str] = """
    LinePrompt { align: center bottom; background: transparent; }
    LinePrompt > Horizontal {
        height: 3; width: 100%; padding: 0 1; background: $panel;
        border-top: solid $primary;
    }
    LinePrompt Label { width: auto; padding: 1 1 0 0; text-style: bold; }
    LinePrompt Input { width: 1fr; border: none; height: 1; margin: 1 0 0 0; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "dismiss(None)", "Back", id="prompt.back", tooltip="Close, doing nothing"
        ),
    ]

    def __init__(self, label: str, value: str = "", *, placeholder: str = "") -> None:
        super().__init__()
        self.label, self.value, self.placeholder = label, value, placeholder

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self.label)
            yield Input(self.value, placeholder=self.placeholder, id="line-prompt-input")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Input))

    @on(Input.Submitted, "#line-prompt-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)
