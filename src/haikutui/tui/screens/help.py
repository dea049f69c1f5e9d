"""Every key, in one place, read from the bindings themselves so it never goes stale."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from haikutui.tui.screens.review import ReviewScreen
from haikutui.tui.widgets.code_view import CodeView
from haikutui.tui.widgets.line_scroll import LineScroll

KEY_NAMES: dict[str, str] = {"slash": "/", "question_mark": "?", "escape": "esc"}


def _keys(binding: Binding) -> list[str]:
    return [KEY_NAMES.get(k.strip(), k.strip()) for k in binding.key.split(",")]


def _rows(title: str, bindings: list[BindingType]) -> list[Content]:
    """One row per action, with every key that runs it."""
    keys: dict[str, list[str]] = {}
    first: dict[str, Binding] = {}
    for binding in bindings:
        if isinstance(binding, Binding):
            keys.setdefault(binding.action, []).extend(_keys(binding))
            first.setdefault(binding.action, binding)
    rows = [Content.styled(title, "bold $accent")]
    for action, binding in first.items():
        rows.append(
            Content.assemble(
                Content.styled(f"  {', '.join(keys[action]):<16}", "bold $text-primary"),
                Content(f"{binding.description:<13}"),
                Content.styled(binding.tooltip, "$text-muted"),
            )
        )
    return [*rows, Content("")]


def help_text(app_bindings: list[BindingType], main_bindings: list[BindingType]) -> Content:
    rows = [
        *_rows("Everywhere", app_bindings),
        *_rows("Files and prompt", main_bindings),
        *_rows("Code view", list(CodeView.BINDINGS)),
        *_rows("Review", list(ReviewScreen.BINDINGS)),
        Content.styled("Esc or q closes this help.", "italic $text-muted"),
    ]
    return Content("\n").join(rows)


class HelpScreen(ModalScreen[None]):
    """A modal list of keys; any of Esc, q, ? or F1 closes it."""

    DEFAULT_CSS: ClassVar[str] = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 110; max-width: 100%; height: 90%;
        border: round $primary; background: $panel; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,q,question_mark,f1",
            "dismiss(None)",
            "Close",
            id="help.close",
            tooltip="Close the help",
        ),
    ]

    def __init__(self, app_bindings: list[BindingType], main_bindings: list[BindingType]) -> None:
        super().__init__()
        self._text = help_text(app_bindings, main_bindings)

    def compose(self) -> ComposeResult:
        with LineScroll() as scroll:
            scroll.border_title = "haikutui keys"
            yield Static(self._text, id="help-text")
