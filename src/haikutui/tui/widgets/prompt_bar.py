"""Where the instruction is typed, beside what it targets and which rung will answer."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Static

from haikutui.ladder import RUNGS, Rung


class PromptBar(Horizontal):
    """Posts `Submitted` with the instruction; parents set `target` and `rung`."""

    DEFAULT_CSS: ClassVar[str] = """
    PromptBar { height: 3; }
    PromptBar > #prompt-target { width: auto; max-width: 50%; padding: 1 1 0 1; }
    PromptBar > Input { width: 1fr; }
    """

    class Submitted(Message):
        """The user asked for a change."""

        def __init__(self, instruction: str) -> None:
            super().__init__()
            self.instruction = instruction

    target: reactive[str] = reactive("no file")
    rung: reactive[Rung | None] = reactive(None)

    def compose(self) -> ComposeResult:
        yield Static(id="prompt-target")
        yield Input(placeholder="Describe the change, then Enter", id="prompt-input")

    def on_mount(self) -> None:
        self._update_label()

    def watch_target(self) -> None:
        self._update_label()

    def watch_rung(self) -> None:
        self._update_label()

    def _update_label(self) -> None:
        if not self.is_mounted:
            return
        label = Content.styled(self.target, "bold")
        if self.rung is not None:
            colour = f"$rung-{self.rung.name}" if self.rung.name in RUNGS else "$accent"
            label = Content.assemble(label, " → ", Content.styled(self.rung.name, colour))
        self.query_one("#prompt-target", Static).update(label)

    def focus_input(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#prompt-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if text:
            self.post_message(self.Submitted(text))
