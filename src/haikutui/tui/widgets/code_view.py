"""A read-only, highlighted view of one file, with a cursor line and a line selection to target."""

from __future__ import annotations

import re
from typing import ClassVar

from textual import events
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from haikutui.core.terminal_text import shown


def _bind(key: str, action: str, description: str, tooltip: str, *, show: bool = False) -> Binding:
    return Binding(
        key, action, description, show=show, id=f"code.{action.split('(')[0]}", tooltip=tooltip
    )


class CodeView(ScrollView, can_focus=True):
    """Posts `SelectionChanged`; parents call `show_file` or `show_error`."""

    DEFAULT_CSS: ClassVar[str] = """
    CodeView { background: $surface; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        _bind("up", "move(-1)", "Up", "Cursor up one line"),
        _bind("down", "move(1)", "Down", "Cursor down one line"),
        _bind("k", "move(-1)", "Up", "Cursor up one line"),
        _bind("j", "move(1)", "Down", "Cursor down one line"),
        _bind("pageup", "page(-1)", "Page up", "Cursor up one page"),
        _bind("pagedown", "page(1)", "Page down", "Cursor down one page"),
        _bind("home", "jump(0)", "Top", "Cursor to the first line"),
        _bind("end", "jump(-1)", "Bottom", "Cursor to the last line"),
        Binding(
            "shift+up",
            "extend(-1)",
            "Select up",
            show=False,
            id="code.extend_up",
            tooltip="Grow the selection upwards",
        ),
        Binding(
            "shift+down",
            "extend(1)",
            "Select down",
            show=False,
            id="code.extend_down",
            tooltip="Grow the selection downwards",
        ),
        _bind("v", "toggle_select", "Select", "Start or drop a line selection", show=True),
        _bind("escape", "clear_selection", "Clear", "Drop the selection"),
        _bind("ctrl+f", "search", "Find", "Search the open file (smart case); n and N move"),
        _bind("n", "next_match(1)", "Next match", "The next line holding the search text"),
        _bind("N", "next_match(-1)", "Previous match", "The previous line holding the search"),
        _bind("colon,ctrl+g", "goto_line", "Go to line", "Jump to a line number"),
        _bind("left", "scroll_columns(-4)", "Left", "Scroll long lines to the left"),
        _bind("right", "scroll_columns(4)", "Right", "Scroll long lines to the right"),
    ]

    class SelectionChanged(Message):
        """The lines a fix would target changed; None means the whole file."""

        def __init__(self, lines: tuple[int, int] | None) -> None:
            super().__init__()
            self.lines = lines

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.path: str | None = None
        self._lines: list[Content] = []
        self._notice = Content(
            "haikutui: pick a file on the left (Enter), select lines (v or shift+↓), ask (i)"
        )
        self.cursor = 0
        self.selection_anchor: int | None = None
        self._visual = False
        self.marks: dict[int, str] = {}
        """1-based line -> rule codes, drawn as a mark in the gutter (lint findings)."""
        self.search = ""
        """What ctrl+f looks for (smart case: case-sensitive only with a capital)."""
        self._drag_from: int | None = None
        """The line a mouse press started on, while the button is held."""

    @property
    def selection(self) -> tuple[int, int] | None:
        """1-based, inclusive line range, or None when nothing is selected."""
        if self.selection_anchor is None:
            return None
        low, high = sorted((self.selection_anchor, self.cursor))
        return low + 1, high + 1

    def show_file(self, path: str, lines: list[Content]) -> None:
        if path != self.path:
            self.search, self.border_subtitle = "", ""
        self.path, self._lines = path, lines
        self.marks = {}
        self.cursor, self.selection_anchor = 0, None
        gutter = len(str(len(lines))) + 3
        width = max((line.cell_length for line in lines), default=0) + gutter
        self.virtual_size = Size(width, len(lines))
        self.scroll_to(0, 0, animate=False)
        self.post_message(self.SelectionChanged(None))
        self.refresh()

    def reload_file(self, lines: list[Content]) -> None:
        """The same file changed on disk: new text, same cursor, selection and scroll."""
        self._lines = lines
        gutter = len(str(len(lines))) + 3
        width = max((line.cell_length for line in lines), default=0) + gutter
        self.virtual_size = Size(width, len(lines))
        last = max(0, len(lines) - 1)
        self.cursor = min(self.cursor, last)
        if self.selection_anchor is not None:
            self.selection_anchor = min(self.selection_anchor, last)
        self.refresh()

    def show_error(self, message: str) -> None:
        """A file we cannot show: say why in one line, instead of its text."""
        self.path, self._lines = None, []
        self.cursor, self.selection_anchor = 0, None
        self._notice = Content.styled(shown(message), "$text-error")
        self.virtual_size = Size(0, 0)
        self.post_message(self.SelectionChanged(None))
        self.refresh()

    def set_marks(self, path: str, marks: dict[int, str]) -> None:
        """Gutter marks for `path`; ignored when another file is open by now."""
        if path == self.path and marks != self.marks:
            self.marks = marks
            self.refresh()

    def goto(self, line: int) -> None:
        """Put the cursor on 1-based `line`, scrolled into view."""
        self._moved(line - 1)

    def symbol_under_cursor(self) -> str | None:
        """The symbol a rename on the cursor line most likely means (see `symbol_on_line`)."""
        from haikutui.tasks.rename.target import symbol_on_line

        if not self._lines:
            return None
        return symbol_on_line(self._lines[self.cursor].plain)

    def select_lines(self, start: int, end: int) -> None:
        """Select 1-based lines start..end, as a user would with shift+down."""
        self.selection_anchor = max(0, start - 1)
        self._set_cursor(end - 1)
        self._selection_changed()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.visual_style
        if not self._lines:
            notice = self._notice.wrap(max(width - 2, 1))  # wrapped: 80 columns cut it short
            content = notice[y - 1] if 1 <= y <= len(notice) else Content("")
            content = Content(" ") + content
            return Strip(content.render_segments(base), content.cell_length).crop(0, width)
        if index >= len(self._lines):
            return Strip.blank(width, base.rich_style)
        digits = len(str(len(self._lines)))
        selection = self.selection
        selected = selection is not None and selection[0] <= index + 1 <= selection[1]
        # muted numbers on plain lines; on the cursor and selected lines, whose background
        # changes, the text colour (a muted number vanished on the selection in 256 colours)
        number = "$foreground" if selected or index == self.cursor else "$line-number"
        gutter = Content.styled(f"{index + 1:>{digits}} │ ", number)
        if index + 1 in self.marks:
            gutter = Content.assemble(
                Content.styled(f"{index + 1:>{digits}} ", number),
                Content.styled("● ", "bold $text-warning"),
            )
        line = self._highlighted(self._lines[index].expand_tabs(4))[scroll_x:]
        content = Content.assemble(gutter, line)
        content = content.pad_right(max(0, width - content.cell_length))
        if selected:
            content = content.stylize_before("on $code-selection-bg")
        elif index == self.cursor and self.has_focus:
            content = content.stylize_before("on $code-cursor-bg")
        if index == self.cursor:
            content = content.stylize("bold", 0, digits)
        return Strip(content.render_segments(base), content.cell_length).crop(0, width)

    def _set_cursor(self, line: int) -> None:
        if not self._lines:
            return
        self.cursor = max(0, min(line, len(self._lines) - 1))
        height = self.scrollable_content_region.height
        if self.cursor < self.scroll_y:
            self.scroll_to(y=self.cursor, animate=False)
        elif height and self.cursor >= self.scroll_y + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)
        self.refresh()

    def _selection_changed(self) -> None:
        self.refresh()
        self.post_message(self.SelectionChanged(self.selection))

    def _moved(self, line: int) -> None:
        """Plain moves drop a shift-selection but carry a `v` selection along."""
        before = self.selection
        self._set_cursor(line)
        if self.selection_anchor is not None and not self._visual:
            self.selection_anchor = None
        if self.selection != before:
            self._selection_changed()

    def action_move(self, delta: int) -> None:
        self._moved(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self._moved(self.cursor + direction * max(1, self.scrollable_content_region.height - 1))

    def action_jump(self, line: int) -> None:
        self._moved(line if line >= 0 else len(self._lines) - 1)

    def action_extend(self, delta: int) -> None:
        if self.selection_anchor is None:
            self.selection_anchor = self.cursor
            self._visual = False
        self._set_cursor(self.cursor + delta)
        self._selection_changed()

    def action_toggle_select(self) -> None:
        self.selection_anchor = None if self.selection_anchor is not None else self.cursor
        self._visual = self.selection_anchor is not None
        self._selection_changed()

    def action_clear_selection(self) -> None:
        if self.selection_anchor is None:
            raise SkipAction()
        self.selection_anchor = None
        self._selection_changed()

    # -- the mouse: a click puts the cursor, a drag (or shift+click) selects lines ----------

    def _line_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        return None if offset is None else int(self.scroll_y) + offset.y

    def on_mouse_down(self, event: events.MouseDown) -> None:
        line = self._line_at(event)
        if line is None or not self._lines or event.button != 1:
            return
        before = self.selection
        if event.shift:
            if self.selection_anchor is None:
                self.selection_anchor = self.cursor
        else:
            self.selection_anchor, self._visual = None, False
            self._drag_from = min(line, len(self._lines) - 1)
            self.capture_mouse()
        self._set_cursor(line)
        if self.selection != before:
            self._selection_changed()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        line = self._line_at(event)
        if self._drag_from is None or line is None:  # moves count while the press is held
            return
        line = max(0, min(line, len(self._lines) - 1))
        if line != self.cursor:
            self.selection_anchor = self._drag_from
            self._set_cursor(line)
            self._selection_changed()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._drag_from is not None:
            self._drag_from = None
            self.release_mouse()

    # -- search, go to line, horizontal scroll ---------------------------------------------

    def _pattern(self) -> re.Pattern[str] | None:
        if not self.search:
            return None
        flags = 0 if any(c.isupper() for c in self.search) else re.IGNORECASE
        return re.compile(re.escape(self.search), flags)

    def _highlighted(self, line: Content) -> Content:
        pattern = self._pattern()
        if pattern is None:
            return line
        for found in pattern.finditer(line.plain):
            line = line.stylize("reverse", found.start(), found.end())
        return line

    def _match_lines(self) -> list[int]:
        pattern = self._pattern()
        if pattern is None:
            return []
        return [i for i, line in enumerate(self._lines) if pattern.search(line.plain)]

    def action_search(self) -> None:
        from haikutui.tui.screens.line_prompt import LinePrompt

        if not self._lines:
            raise SkipAction()
        prompt = LinePrompt("Find", self.search, placeholder="text in this file, then Enter")
        self.app.push_screen(prompt, self._searched)

    def _searched(self, text: str | None) -> None:
        if text is None:
            return
        self.search = text
        self.refresh()
        self._to_match(1, from_line=self.cursor - 1)

    def action_next_match(self, direction: int) -> None:
        if not self.search:
            raise SkipAction()  # `n` means nothing before a search
        self._to_match(direction, from_line=self.cursor)

    def _to_match(self, direction: int, from_line: int) -> None:
        lines = self._match_lines()
        if not lines:
            self.border_subtitle = f"not found: {self.search}" if self.search else ""
            return
        after = [i for i in lines if (i > from_line if direction > 0 else i < from_line)]
        target = (
            (after[0] if direction > 0 else after[-1])
            if after
            else lines[0 if direction > 0 else -1]
        )
        self._moved(target)
        self._show_column(target)
        where = lines.index(target) + 1
        wrapped = " (wrapped)" if not after else ""
        self.border_subtitle = f"{self.search}: {where} of {len(lines)} lines{wrapped} · n N"

    def _show_column(self, index: int) -> None:
        """Scroll sideways so the first match on line `index` is in view."""
        pattern = self._pattern()
        found = pattern.search(self._lines[index].expand_tabs(4).plain) if pattern else None
        if found is None:
            return
        gutter = len(str(len(self._lines))) + 3
        room = self.scrollable_content_region.width - gutter
        if found.end() > self.scroll_x + room - 1:  # just far enough: the rest stays in view
            self.scroll_to(x=found.end() - room + 4, animate=False, immediate=True)
        elif found.start() < self.scroll_x:
            self.scroll_to(x=max(0, found.start() - 4), animate=False, immediate=True)

    def action_goto_line(self) -> None:
        from haikutui.tui.screens.line_prompt import LinePrompt

        if not self._lines:
            raise SkipAction()
        prompt = LinePrompt("Go to line", placeholder=f"1 to {len(self._lines)}, then Enter")
        self.app.push_screen(prompt, self._went)

    def _went(self, text: str | None) -> None:
        if text is None or not text.strip():
            return
        try:
            line = int(text.strip().lstrip(":"))
        except ValueError:
            self.border_subtitle = f"not a line number: {text.strip()}"
            return
        self.border_subtitle = ""
        self._moved(max(1, min(line, len(self._lines))) - 1)

    def action_scroll_columns(self, delta: int) -> None:
        if not self._lines:
            raise SkipAction()
        target = max(0, min(self.scroll_x + delta, self.max_scroll_x))
        self.scroll_to(x=target, animate=False, immediate=True)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
