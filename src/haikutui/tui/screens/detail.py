"""The whole of a verdict, error or note in a scrollable panel (`v` in a review, `V` on the
main screen): at 80 columns the header and status bar cut them to one row each."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from haikutui.tui.widgets.line_scroll import LineScroll

if TYPE_CHECKING:
    from haikutui.tasks.verdict.checks import Verdict

PANEL_WIDTH = 120
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def shown(text: str) -> str:
    """Text from a model, a test run or a file: control characters shown, never sent raw."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", text)


class DetailScreen(ModalScreen[None]):
    """A titled, scrollable panel of Content; Esc, q or v closes it."""

    DEFAULT_CSS: ClassVar[str] = """
    DetailScreen { align: center middle; }
    DetailScreen > LineScroll {
        width: 120; scrollbar-size-vertical: 2; max-width: 100%; height: 90%;
        border: round $primary; background: $panel; padding: 0 1;
    }
    DetailScreen #detail-text { width: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,q,v,V",
            "dismiss(None)",
            "Close",
            id="detail.close",
            tooltip="Close the panel",
        ),
    ]

    def __init__(self, title: str, build: Callable[[int], list[Content]]) -> None:
        """`build(width)` gives the rows, wrapped to `width` (0: not wrapped)."""
        super().__init__()
        self.title_text, self.build = title, build
        self.body = Content("\n").join(build(0))

    def compose(self) -> ComposeResult:
        with LineScroll() as scroll:
            scroll.border_title = self.title_text
            scroll.border_subtitle = "↑↓ PgUp PgDn scroll · Esc closes"
            yield Static(self.body, id="detail-text")

    def on_mount(self) -> None:
        self.query_one(LineScroll).focus()

    def on_resize(self, event: events.Resize) -> None:
        """Wrapped under their own indent for the width the panel has (less border, padding
        and scrollbar)."""
        width = min(PANEL_WIDTH, event.size.width) - 6
        self.body = Content("\n").join(self.build(width))
        self.query_one("#detail-text", Static).update(self.body)

    @property
    def text(self) -> str:
        """The panel's text as a user reads it (for tests and screen readers)."""
        return self.body.plain


FAILURE_LINES = 4
"""Of each failing test, its name and this many first lines of pytest's report."""


def section(title: str, lines: list[str], style: str = "", width: int = 0) -> list[Content]:
    """A bold title and its lines, indented, each wrapped under its own indent in `width`
    columns; nothing when there are no lines."""
    if not lines:
        return []
    rows = [Content.styled(title, "bold $text-accent")]
    for line in lines:
        text = shown(line)
        indent = "  " + text[: len(text) - len(text.lstrip())]
        room = width - len(indent)
        pieces = textwrap.wrap(text.strip(), room) if width and room > 10 else [text.strip()]
        rows += [Content.styled(indent + piece, style) for piece in pieces or [""]]
    return [*rows, Content("")]


def verdict_rows(verdict: Verdict | None, width: int = 0) -> list[Content]:
    """Everything the one-row verdict stands for: each problem, each finding, each failing
    test with the first lines of its report, and what ran."""
    if verdict is None:
        return section("Checks", ["still running"])
    rows = section("Verdict", [verdict.summary], "bold", width)
    rows += section("Problems", verdict.problems, "$text-error", width)
    rows += section("Findings", verdict.findings, "", width)
    tests = verdict.tests
    if tests is not None:
        lines = [f"{tests.command}: {tests.summary}"]
        for failure in tests.failures:
            lines.append(f"✗ {failure.nodeid} ({failure.location})")
            report = (failure.message or failure.traceback).strip().splitlines()
            lines += [f"    {line}" for line in report[:FAILURE_LINES]]
        if not tests.junit and tests.output_tail and not tests.ok:
            lines += ["output:", *(f"    {line}" for line in tests.output_tail.splitlines())]
        rows += section("Tests", lines, "", width)
    else:
        rows += section("Tests", [verdict.tests_note], "", width)
    rows += section("Checks that ran", verdict.ran, "$text-muted", width)
    return rows
