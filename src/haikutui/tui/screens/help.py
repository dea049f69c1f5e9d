"""Every key, in one place, read from the bindings themselves so it never goes stale."""

from __future__ import annotations

import textwrap
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from haikutui.tui.screens.review import ReviewScreen
from haikutui.tui.widgets.code_view import CodeView
from haikutui.tui.widgets.line_scroll import LineScroll

KEY_NAMES: dict[str, str] = {
    "slash": "/",
    "question_mark": "?",
    "escape": "esc",
    "colon": ":",
}
PANEL_WIDTH = 110
KEY_COLUMN, ACTION_COLUMN = 18, 13
"""The widths of the key and action columns; a tooltip wraps under its own column."""


def _keys(binding: Binding) -> list[str]:
    return [KEY_NAMES.get(k.strip(), k.strip()) for k in binding.key.split(",")]


def _rows(title: str, bindings: list[BindingType], width: int = 0) -> list[Content]:
    """One row per action, with every key that runs it; in `width` columns a long tooltip
    wraps under its own column, not under the keys."""
    keys: dict[str, list[str]] = {}
    first: dict[str, Binding] = {}
    for binding in bindings:
        if isinstance(binding, Binding):
            keys.setdefault(binding.action, []).extend(_keys(binding))
            first.setdefault(binding.action, binding)
    rows = [Content.styled(title, "bold $accent")]
    indent = KEY_COLUMN + ACTION_COLUMN
    room = max(20, width - indent) if width else 10_000
    for action, binding in first.items():
        shown = ", ".join(keys[action])
        lead = Content.styled(f"  {shown:<{KEY_COLUMN - 2}}", "bold $text-primary")
        if lead.cell_length > KEY_COLUMN:  # many keys: the action starts on its own column
            lead = Content.assemble(lead, "\n", " " * KEY_COLUMN)
        lines = textwrap.wrap(binding.tooltip, room) or [""]
        rows.append(
            Content.assemble(
                lead,
                Content(f"{binding.description:<{ACTION_COLUMN}}"),
                Content.styled(lines[0], "$text-muted"),
            )
        )
        rows += [Content.styled(" " * indent + line, "$text-muted") for line in lines[1:]]
    return [*rows, Content("")]


def help_text(
    app_bindings: list[BindingType], main_bindings: list[BindingType], width: int = 0
) -> Content:
    rows = [
        *_rows("Everywhere", app_bindings, width),
        *_rows("Files and prompt", main_bindings, width),
        *_rows("Code view", list(CodeView.BINDINGS), width),
        *_rows("Review", list(ReviewScreen.BINDINGS), width),
        Content.styled("Esc or q closes this help.", "italic $text-muted"),
    ]
    return Content("\n").join(rows)


class HelpScreen(ModalScreen[None]):
    """A modal list of keys; any of Esc, q, ? or F1 closes it."""

    DEFAULT_CSS: ClassVar[str] = """
    HelpScreen { align: center middle; }
    HelpScreen #help-text { width: 1fr; }
    HelpScreen > VerticalScroll {
        width: 110; max-width: 100%; height: 90%; scrollbar-size-vertical: 2;
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
        self._key_tables = app_bindings, main_bindings

    def compose(self) -> ComposeResult:
        with LineScroll() as scroll:
            scroll.border_title = "haikutui keys"
            yield Static(help_text(*self._key_tables), id="help-text")

    def on_resize(self, event: events.Resize) -> None:
        """Wrapped for the width the panel has now: at most 110 columns, less its border,
        padding and scrollbar (6)."""
        width = min(PANEL_WIDTH, event.size.width) - 6
        self.query_one("#help-text", Static).update(help_text(*self._key_tables, width))
