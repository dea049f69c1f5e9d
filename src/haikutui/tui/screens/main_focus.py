"""Where the main screen's focus goes: out of an input on Esc, past a folded file list, and
to the file that Enter in the filter opens, with the keys typed meanwhile."""

from __future__ import annotations

from textual.actions import SkipAction
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from haikutui.tui.widgets.code_view import CodeView
from haikutui.tui.widgets.file_list import FileList


class FocusingScreen(Screen[None]):
    """The main screen's focus moves; `MainScreen` sets `_return_focus` on `/` and `i`."""

    _return_focus: Widget | None = None
    """Where Esc in an input goes back to: the widget focused before `/` or `i`."""

    def _typing(self) -> bool:
        """An input has focus: `/` and `i` are text there, not keys of this screen."""
        return isinstance(self.focused, Input)

    def _leave_input(self) -> None:
        """Back to where the user was (the code view or the list, for the filter too); the
        filter's query is cleared, the instruction kept.

        A priority key, so the focus moves before the keys typed after Esc are handed out;
        the clear runs in the filter's own queue, after the letters typed before Esc.
        """
        typed_in = self.focused
        back = self._return_focus
        if back is None or not back.is_attached or isinstance(back, Input):
            back = self.query_one(CodeView) if self.query_one(CodeView).path else None
        if typed_in is not None and typed_in.id == "file-filter":
            assert isinstance(typed_in, Input)
            typed_in.call_later(typed_in.clear)
            came_from = self._return_focus
            back = (
                came_from
                if came_from is not None and came_from.is_attached and came_from.display
                else self.query_one("#file-options")
            )
        self.set_focus(back or self.query_one("#file-options"))

    def action_pick(self) -> None:
        """Enter in the filter: the filter picks as always; keys typed next wait for the file."""
        hold = getattr(self.app, "key_hold", None)
        if hold is not None and self.focused is not None and self.focused.id == "file-filter":
            hold.hold()
        raise SkipAction()

    def _release_keys(self) -> None:
        hold = getattr(self.app, "key_hold", None)
        if hold is not None:
            hold.release()

    def action_toggle_files(self) -> None:
        """Fold the file list away (the code takes the width) or bring it back; `/` also does."""
        fold = not self.has_class("-files-folded")
        self.set_class(fold, "-files-folded")
        if fold and self.focused is not None and self.query_one(FileList) in self.focused.ancestors:
            self.set_focus(self.query_one(CodeView))
        elif not fold:
            self.set_focus(self.query_one("#file-options"))
