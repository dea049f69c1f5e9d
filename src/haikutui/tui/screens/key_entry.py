"""A masked input for the Anthropic API key, offered when a model action finds none.

The key never appears on screen (password input), in a notification, or in a snapshot;
the screen only hands it back to `tui/key_flow.py`, which stores it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class KeyEntryScreen(ModalScreen[str | None]):
    """Dismisses with the key typed or pasted, or None when the user backs out."""

    CSS_PATH = "key_entry.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Back", id="key.back", tooltip="Close; nothing stored"),
    ]

    def __init__(self, where: str, why: str = "No key was found.") -> None:
        super().__init__()
        self.where, self.why = where, why
        """Where the key will be kept, said before it is typed; why one is asked for."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content.styled("Anthropic API key", "bold $text-primary"))
            yield Static(f"{self.why} Paste one to use it now, without a restart.")
            yield Input(placeholder="sk-ant-…", password=True, id="key-input")
            yield Static(f"It will be kept in {self.where}.", id="key-where")
            yield Static("enter save · esc back out, nothing stored", id="key-keys")

    @on(Input.Submitted, "#key-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)
