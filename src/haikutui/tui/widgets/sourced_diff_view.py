"""A diff view whose hunk headers say which engine made each hunk: ruff, or a model."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content

from haikutui.core.proposal import Proposal
from haikutui.tui.widgets.diff_view import DiffView, HunkView

DETERMINISTIC: frozenset[str] = frozenset({"ruff", "rope"})
"""Engines that need no model: their hunks are marked ◇, a model's ◆."""
NO_MODEL_PREFIXES: tuple[str, ...] = (
    "ruff (unsafe: ",
    "rope (",
    "ruff format (",
    "textwrap (",
    "split string (",
)
"""ruff's unsafe fixes, rope's star imports written out, long lines shortened: with their
rules and reasons."""


class SourcedHunkView(HunkView):
    """A hunk with `◇ ruff` (or rope) or `◆ <model>` after its header: who made it."""

    def render(self) -> Content:
        rendered = super().render()
        source = self.hunk.source
        if not source:
            return rendered
        header, *rows = rendered.split("\n", allow_blank=True)
        tag = (
            Content.styled(f"  ◇ {source}", "bold $text-success")
            if source in DETERMINISTIC or source.startswith(NO_MODEL_PREFIXES)
            else Content.styled(f"  ◆ {source}", "bold $text-accent")
        )
        return Content("\n").join([Content.assemble(header.rstrip(), tag), *rows])


class SourcedDiffView(DiffView):
    """`DiffView` with `SourcedHunkView`s; the parent drives it exactly the same way."""

    def compose(self) -> ComposeResult:
        hunks = self.proposal.hunks
        for index, (change, hunk) in enumerate(hunks):
            yield SourcedHunkView(change, hunk, index, len(hunks))

    async def replace(self, proposal: Proposal) -> None:
        self.proposal, self.current = proposal, 0
        await self.remove_children()
        hunks = proposal.hunks
        await self.mount_all(SourcedHunkView(c, h, i, len(hunks)) for i, (c, h) in enumerate(hunks))
        self.sync()
