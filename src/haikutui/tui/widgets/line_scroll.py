"""A vertical scroll whose keys move it at once: a burst of keys scrolls as many lines.

Textual's `scroll_down` asks for `scroll_target_y + 1`, but the target moves only after the
next refresh; eight downs pasted (or sent in one SSH packet) all started from the same place
and scrolled one line. Here each key moves the scroll before the next key is handled.
"""

from __future__ import annotations

from textual.actions import SkipAction
from textual.containers import VerticalScroll


class LineScroll(VerticalScroll):
    """`VerticalScroll` with up, down, page up and page down applied immediately."""

    def _scroll_by(self, lines: float) -> None:
        if not self.allow_vertical_scroll:
            raise SkipAction()
        target = max(0.0, min(self.scroll_y + lines, self.max_scroll_y))
        self.scroll_to(y=target, animate=False, immediate=True)

    def action_scroll_down(self) -> None:
        self._scroll_by(1)

    def action_scroll_up(self) -> None:
        self._scroll_by(-1)

    def action_page_down(self) -> None:
        self._scroll_by(self.scrollable_content_region.height)

    def action_page_up(self) -> None:
        self._scroll_by(-self.scrollable_content_region.height)
