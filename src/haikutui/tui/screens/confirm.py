"""Ask before doing something the user may not want: y does it, anything else does nothing."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with True only on `y`; `n` and Esc dismiss with False.

    Used before a request over budget is sent and, with `[lint] escalate = "ask"`, before a
    lint repair that still fails ruff climbs to the next rung.
    """

    DEFAULT_CSS: ClassVar[str] = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 80; height: auto; padding: 1 2;
        border: round $warning; background: $surface;
    }
    ConfirmScreen #confirm-detail { margin-top: 1; color: $text-muted; }
    ConfirmScreen #confirm-keys { margin-top: 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes", tooltip="Go ahead"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no", tooltip="Do nothing"),
    ]

    def __init__(
        self,
        title: str,
        question: str,
        *,
        detail: str = "",
        yes: str = "send anyway",
        no: str = "send nothing",
    ) -> None:
        super().__init__()
        self.title_text, self.question, self.detail = title, question, detail
        self.keys = f"y {yes} · n or esc {no}"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content.styled(self.title_text, "bold $text-warning"))
            yield Static(self.question)
            if self.detail:
                yield Static(self.detail, id="confirm-detail")
            yield Static(self.keys, id="confirm-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
