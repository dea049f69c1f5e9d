"""Ask before a request over budget is sent: y sends it, anything else sends nothing."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with True only on `y`."""

    DEFAULT_CSS: ClassVar[str] = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 72; height: auto; padding: 1 2;
        border: round $warning; background: $surface;
    }
    ConfirmScreen #confirm-keys { margin-top: 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Send", id="confirm.yes", tooltip="Send it anyway"),
        Binding("n,escape", "answer(False)", "Don't send", id="confirm.no", tooltip="Send nothing"),
    ]

    def __init__(self, title: str, question: str) -> None:
        super().__init__()
        self.title_text, self.question = title, question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content.styled(self.title_text, "bold $text-warning"))
            yield Static(self.question)
            yield Static("y send anyway · n or esc send nothing", id="confirm-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
