"""A proposal's unified diff, hunk by hunk, with highlighted code and theme-coloured +/− lines."""

from __future__ import annotations

import re
from typing import ClassVar

from textual.app import ComposeResult
from textual.content import Content
from textual.highlight import highlight
from textual.widget import Widget

from haikutui.core.proposal import FileChange, Hunk, Proposal
from haikutui.core.terminal_text import escape, quote_path
from haikutui.tui.widgets.line_scroll import LineScroll

HEADER = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")
LINE_STYLES: dict[str, tuple[str, str]] = {
    "+": ("bold $diff-added", "on $diff-added-bg"),
    "-": ("bold $diff-removed", "on $diff-removed-bg"),
    " ": ("$line-number", ""),
}


def highlighted_lines(hunk: Hunk, path: str) -> list[Content]:
    """Highlight the hunk's code as one block, so multi-line tokens keep their colours."""
    bodies = [escape(line[1:].rstrip("\n")) for line in hunk.lines]
    code = highlight("\n".join(bodies), path=path).split("\n")
    return code + [Content("")] * (len(bodies) - len(code))


def numbered_lines(hunk: Hunk) -> list[tuple[str, str]]:
    """Old and new line numbers for each diff line, blank on the side a line is missing from."""
    found = HEADER.match(hunk.header)
    old, new = (int(found[1]), int(found[2])) if found else (0, 0)
    numbers: list[tuple[str, str]] = []
    for line in hunk.lines:
        kind = line[:1]
        numbers.append((str(old) if kind != "+" else "", str(new) if kind != "-" else ""))
        old += kind != "+"
        new += kind != "-"
    return numbers


class HunkView(Widget):
    """One hunk; the parent sets classes `-current` and `-rejected`, and it redraws."""

    DEFAULT_CSS: ClassVar[str] = """
    HunkView { height: auto; text-wrap: nowrap; text-overflow: clip; }
    """

    def __init__(self, change: FileChange, hunk: Hunk, index: int, total: int) -> None:
        super().__init__()
        self.change, self.hunk, self.index, self.total = change, hunk, index, total
        self._code = highlighted_lines(hunk, change.path)
        self._numbers = numbered_lines(hunk)
        self.outside = False
        """It changes lines outside the user's selection: marked, so it is not applied unseen."""

    def on_mount(self) -> None:
        self.styles.height = len(self.hunk.lines) + 1

    def sync(self, current: bool) -> None:
        self.set_class(current, "-current")
        self.set_class(not self.hunk.accepted, "-rejected")
        self.refresh()

    def render(self) -> Content:
        width = self.content_size.width
        verdict = (
            ("✓ accept", "$text-success") if self.hunk.accepted else ("✗ reject", "$text-error")
        )
        header = Content.assemble(
            Content.styled(f"{self.index + 1}/{self.total} ", "bold"),
            Content.styled(quote_path(self.change.path), "bold"),
            " ",
            Content.styled(self.hunk.header, "$diff-hunk"),
            "  ",
            Content.styled(verdict[0], f"bold {verdict[1]}"),
            Content.styled("  ✎ edited by you", "bold $warning") if self.hunk.edited else "",
        )
        if self.outside:
            header = header + Content.styled("  ⚠ outside the selection", "bold $text-warning")
        rows = [header]
        digits = max([3, *(max(len(a), len(b)) for a, b in self._numbers)])
        for line, code, (old, new) in zip(self.hunk.lines, self._code, self._numbers, strict=True):
            kind = line[:1] if line[:1] in LINE_STYLES else " "
            marker_style, background = LINE_STYLES[kind]
            if not self.hunk.accepted:
                marker_style, background = "$hunk-rejected", ""
                code = Content(code.plain).stylize("$hunk-rejected")
            row = Content.assemble(
                Content.styled(f"{old:>{digits}} {new:>{digits}} ", "$line-number"),
                Content.styled(f"{kind} ", marker_style),
                code,
            )
            row = row.pad_right(max(0, width - row.cell_length))
            rows.append(row.stylize_before(background) if background else row)
        return Content("\n").join(rows)


class DiffView(LineScroll, can_focus=True):
    """Shows a proposal; the parent moves `current` and flips hunks, then calls `sync`."""

    DEFAULT_CSS: ClassVar[str] = """
    DiffView { background: $surface; }
    """

    def __init__(self, proposal: Proposal, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.proposal = proposal
        self.current = 0

    def compose(self) -> ComposeResult:
        hunks = self.proposal.hunks
        for index, (change, hunk) in enumerate(hunks):
            yield HunkView(change, hunk, index, len(hunks))

    def on_mount(self) -> None:
        self.sync()

    async def replace(self, proposal: Proposal) -> None:
        """A new proposal (after escalation or refinement) takes the old one's place."""
        self.proposal, self.current = proposal, 0
        await self.remove_children()
        hunks = proposal.hunks
        await self.mount_all(HunkView(c, h, i, len(hunks)) for i, (c, h) in enumerate(hunks))
        self.sync()

    def mark_outside(self, indices: set[int]) -> None:
        """Mark the hunks that edit outside the selection (by index); unmark the rest."""
        for view in self.query(HunkView):
            view.outside = view.index in indices
            view.set_class(view.outside, "-outside")
            view.refresh()

    def sync(self) -> None:
        """Redraw the verdicts and bring the current hunk into view."""
        views = list(self.query(HunkView))
        for view in views:
            view.sync(view.index == self.current)
        if views:
            self.scroll_to_widget(views[self.current], animate=False, top=False)
