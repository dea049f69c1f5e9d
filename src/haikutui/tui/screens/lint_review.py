"""The review of a lint repair: per-file fixed and remaining counts, and who made each hunk."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from haikutui.tasks.lint.repair import LintSession
from haikutui.tui.screens.review import ReviewScreen
from haikutui.tui.widgets.keys_footer import KeysFooter
from haikutui.tui.widgets.sourced_diff_view import SourcedDiffView
from haikutui.tui.widgets.status_bar import StatusBar

MAX_FILES_SHOWN = 3


class LintReviewScreen(ReviewScreen):
    """`ReviewScreen` driving a `LintSession`: `e` re-runs the ladder one rung up."""

    def __init__(self, session: LintSession) -> None:
        super().__init__(session)
        self.lint = session

    def compose(self) -> ComposeResult:
        yield Static(id="review-header")
        yield SourcedDiffView(self.proposal, id="diff")
        yield StatusBar(id="review-status")
        yield KeysFooter()

    def _header_extra(self) -> Content:
        """Per file, findings fixed and left; a total when there are too many files to list."""
        counts = self.lint.counts
        if len(counts) > MAX_FILES_SHOWN:
            fixed = sum(f for f, _ in counts.values())
            left = sum(n for _, n in counts.values())
            return _counts(f"{len(counts)} files", fixed, left)
        return Content.assemble(*(_counts(p, f, n) for p, (f, n) in counts.items()))


def _counts(label: str, fixed: int, left: int) -> Content:
    return Content.assemble(
        "   ",
        Content.styled(label, "bold"),
        " ",
        Content.styled(f"{fixed} fixed", "$text-success"),
        " · ",
        Content.styled(f"{left} left", "$text-warning" if left else "$text-muted"),
    )
