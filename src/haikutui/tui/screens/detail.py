"""The whole of a verdict, error or note in a scrollable panel (`v` in a review, `V` on the
main screen): at 80 columns the header and status bar cut them to one row each."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from haikutui.tui.widgets.line_scroll import LineScroll

if TYPE_CHECKING:
    from haikutui.tasks.checks import Verdict

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def shown(text: str) -> str:
    """Text from a model, a test run or a file: control characters shown, never sent raw."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", text)


class DetailScreen(ModalScreen[None]):
    """A titled, scrollable panel of Content; Esc, q or v closes it."""

    DEFAULT_CSS: ClassVar[str] = """
    DetailScreen { align: center middle; }
    DetailScreen > LineScroll {
        width: 120; max-width: 100%; height: 90%;
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

    def __init__(self, title: str, body: Content) -> None:
        super().__init__()
        self.title_text, self.body = title, body

    def compose(self) -> ComposeResult:
        with LineScroll() as scroll:
            scroll.border_title = self.title_text
            scroll.border_subtitle = "↑↓ PgUp PgDn scroll · Esc closes"
            yield Static(self.body, id="detail-text")

    def on_mount(self) -> None:
        self.query_one(LineScroll).focus()

    @property
    def text(self) -> str:
        """The panel's text as a user reads it (for tests and screen readers)."""
        return self.body.plain


FAILURE_LINES = 4
"""Of each failing test, its name and this many first lines of pytest's report."""


def section(title: str, lines: list[str], style: str = "") -> list[Content]:
    """A bold title and its lines, indented; nothing when there are no lines."""
    if not lines:
        return []
    rows = [Content.styled(title, "bold $text-accent")]
    rows += [Content.styled("  " + shown(line), style) for line in lines]
    return [*rows, Content("")]


def verdict_rows(verdict: Verdict | None) -> list[Content]:
    """Everything the one-row verdict stands for: each problem, each finding, each failing
    test with the first lines of its report, and what ran."""
    if verdict is None:
        return section("Checks", ["still running"])
    rows = section("Verdict", [verdict.summary], "bold")
    rows += section("Problems", verdict.problems, "$text-error")
    rows += section("Findings", verdict.findings)
    tests = verdict.tests
    if tests is not None:
        lines = [f"{tests.command}: {tests.summary}"]
        for failure in tests.failures:
            lines.append(f"✗ {failure.nodeid} ({failure.location})")
            report = (failure.message or failure.traceback).strip().splitlines()
            lines += [f"    {line}" for line in report[:FAILURE_LINES]]
        if not tests.junit and tests.output_tail and not tests.ok:
            lines += ["output:", *(f"    {line}" for line in tests.output_tail.splitlines())]
        rows += section("Tests", lines)
    else:
        rows += section("Tests", [verdict.tests_note])
    rows += section("Checks that ran", verdict.ran, "$text-muted")
    return rows
