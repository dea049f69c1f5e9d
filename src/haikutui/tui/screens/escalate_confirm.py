"""`[lint] escalate = "ask"`: the model's repair still fails ruff; climb to the next rung?"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from haikutui.ladder import Rung
from haikutui.ruff_runner import Diagnostic


class EscalateConfirm(ModalScreen[bool]):
    """Dismisses with True on `y` (escalate), False on `n` or Esc (keep what we have)."""

    DEFAULT_CSS: ClassVar[str] = """
    EscalateConfirm { align: center middle; }
    EscalateConfirm > Vertical {
        width: 80; height: auto; padding: 1 2;
        border: round $warning; background: $surface;
    }
    EscalateConfirm #escalate-left { margin-top: 1; color: $text-muted; }
    EscalateConfirm #escalate-keys { margin-top: 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "y", "answer(True)", "Escalate", id="escalate.yes", tooltip="Ask the stronger rung"
        ),
        Binding(
            "n,escape",
            "answer(False)",
            "Keep",
            id="escalate.no",
            tooltip="Review what the weaker rung proposed",
        ),
    ]

    def __init__(self, rung: Rung, left: dict[str, list[Diagnostic]]) -> None:
        super().__init__()
        self.rung, self.left = rung, left

    def compose(self) -> ComposeResult:
        found = [d for ds in self.left.values() for d in ds]
        count = f"{len(found)} finding{'s' * (len(found) != 1)}"
        shown = [f"{d.path}:{d.row} {d.code} {d.message}" for d in found[:4]]
        if len(found) > 4:
            shown.append(f"… and {len(found) - 4} more")
        with Vertical():
            yield Static(Content.styled("Ruff still reports " + count, "bold $text-warning"))
            yield Static(f"Escalate the repair to {self.rung.label}?")
            yield Static("\n".join(shown), id="escalate-left")
            yield Static("y escalate · n or esc review this proposal", id="escalate-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
