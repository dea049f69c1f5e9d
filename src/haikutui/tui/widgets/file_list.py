"""The repository's files with git status marks, narrowed by a fuzzy filter as you type."""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content, Span
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from haikutui.core.repo import FileEntry
from haikutui.core.terminal_text import has_control, quote_path
from haikutui.tui.widgets.fuzzy import FuzzyIndex, Match

MAX_SHOWN = 300
"""Rendering every one of 10,000 options is what makes a list slow; the filter finds the rest."""
FIRST_ROWS = 60
"""A screenful: these options go in at once, the rest of MAX_SHOWN after the next paint."""
MARK_STYLES: dict[str, str] = {
    "M": "bold $text-warning",
    "S": "bold $text-success",
    "A": "bold $text-success",
    "R": "bold $text-success",
    "D": "bold $text-error",
    "?": "$text-muted",
}


def middle_cut(path: str, width: int) -> tuple[str, list[tuple[int, int, int]]]:
    """`path` in `width` cells, its middle folders cut to `…` (`docs/…/click-icon.svg`), or
    its start when even that is too long; and the kept pieces as (start, end, shown at), so
    the filter's highlights follow. Never wrapped: a wrapped path broke mid-word."""
    if width <= 0 or len(path) <= width:
        return path, [(0, len(path), 0)]
    parts = path.split("/")
    if len(parts) > 2:
        head = len(parts[0]) + 1
        tail = len(path) - len(parts[-1])
        for part in reversed(parts[1:-1]):
            wider = tail - len(part) - 1
            if head + 2 + len(path) - wider > width or wider <= head:
                break
            tail = wider
        if head + 2 + len(path) - tail <= width:
            return path[:head] + "…/" + path[tail:], [(0, head, 0), (tail, len(path), head + 2)]
    name = len(path) - len(parts[-1])
    if len(parts) > 1 and 2 + len(path) - name <= width:  # the file's name whole, at least
        return "…/" + path[name:], [(name, len(path), 2)]
    start = len(path) - max(width - 1, 1)
    return "…" + path[start:], [(start, len(path), 1)]


class FileList(Vertical):
    """Posts `Picked` for the highlighted file on Enter; parents hand it entries."""

    DEFAULT_CSS: ClassVar[str] = """
    FileList { height: 1fr; }
    FileList > Input { height: 3; }
    FileList > OptionList { height: 1fr; border: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "down",
            "list_down",
            "Next file",
            show=False,
            id="files.down",
            tooltip="Move to the next file in the list",
        ),
        Binding(
            "up",
            "list_up",
            "Previous file",
            show=False,
            id="files.up",
            tooltip="Move to the previous file in the list",
        ),
        Binding(
            "space",
            "toggle_mark",
            "Mark",
            show=False,
            id="files.mark",
            tooltip="Mark or unmark the file: i then runs one instruction over each marked file"
            " (g: all with the open file as one fix)",
        ),
    ]

    class Picked(Message):
        """The user chose a file to view."""

        def __init__(self, path: str) -> None:
            super().__init__()
            self.path = path

    class MarksChanged(Message):
        """The marked files changed: the next instruction is a job over them."""

    class NothingPicked(Message):
        """Enter in the filter matched no file: nothing will open (keys held for it go on)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._paths: list[str] = []
        self._codes: dict[str, str] = {}
        self._index = FuzzyIndex([])
        self._shown: list[str] = []
        self._fills = 0
        """Counts option fills, so a fill left over from an older filter is dropped."""
        self.label = ""
        """Shown before the file count: the repository folder's name."""
        self.marked: list[str] = []
        """Files marked with space, in the order marked."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Filter files  (/)", id="file-filter")
        yield OptionList(id="file-options")

    def on_mount(self) -> None:
        if not self._paths:
            self.border_title = "loading files…"

    def set_entries(self, entries: list[FileEntry]) -> None:
        """Replace the list, keeping the current filter."""
        codes = {e.path: e.status for e in entries if e.status != "  "}
        self.set_listing([e.path for e in entries], codes)

    def set_listing(self, paths: list[str], codes: dict[str, str], *, warm: bool = True) -> None:
        """Replace the list (paths in order, status codes of the changed ones), keeping the
        filter and the highlighted file; `warm` builds the filter's tables in a thread."""
        same = paths == self._paths
        if same and codes == self._codes and self._shown:
            return  # nothing a user could see changed: keep the options as they are
        self._paths, self._codes = paths, codes
        if not same:
            self._index = FuzzyIndex(paths)
        options = self.query_one(OptionList)
        keep = None
        if options.highlighted is not None and options.option_count:
            keep = options.get_option_at_index(options.highlighted).id
        if self.is_mounted:
            self._refilter(self.query_one(Input).value, keep)
        if warm and not same:
            self.run_worker(
                partial(self._index.warm, every_key=True, limit=MAX_SHOWN),
                thread=True,
                group="fuzzy-index",
                exclusive=True,
                exit_on_error=False,
            )

    def entry(self, path: str) -> FileEntry | None:
        """The listed file at `path` with its status, or None when it is not listed."""
        if path not in self._index.paths_set:
            return None
        return FileEntry(path, self._codes.get(path, "  "))

    def focus_filter(self) -> None:
        """At once, not after the queue: keys typed right after this one land in the input."""
        self.screen.set_focus(self.query_one(Input))

    @on(Input.Changed, "#file-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._refilter(event.value)

    @on(Input.Submitted, "#file-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if options.option_count:
            self._pick(options.highlighted or 0)
        else:
            self.post_message(self.NothingPicked())

    @on(OptionList.OptionSelected, "#file-options")
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._pick(event.option_index)

    def action_toggle_mark(self) -> None:
        path = self._highlighted()
        if path is None:
            return
        if path in self.marked:
            self.marked.remove(path)
        else:
            self.marked.append(path)
        self._refilter(self.query_one(Input).value, path)
        self.post_message(self.MarksChanged())

    def set_marks(self, paths: list[str]) -> None:
        """Marks from elsewhere (the palette's Grep…): these files, in this order, only."""
        self.marked = list(dict.fromkeys(paths))
        self._refilter(self.query_one(Input).value, self._highlighted())
        self.post_message(self.MarksChanged())

    def clear_marks(self) -> None:
        """After an apply: the marks were for the request just made."""
        if self.marked:
            self.marked = []
            self._refilter(self.query_one(Input).value, self._highlighted())
            self.post_message(self.MarksChanged())

    def action_list_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_list_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def _pick(self, index: int) -> None:
        option = self.query_one(OptionList).get_option_at_index(index)
        if option.id is not None:
            self.post_message(self.Picked(option.id))
        else:
            self.post_message(self.NothingPicked())

    _cut_for = 0
    """The path width the options were last cut for."""

    def _refilter(self, query: str, keep: str | None = None) -> None:
        self._cut_for = self._path_width()
        matches, total = self._index.search(query, MAX_SHOWN)
        shown = [m.path for m in matches]
        at = shown.index(keep) if keep in shown else 0  # a re-list keeps the highlight
        first = max(FIRST_ROWS, at + 1)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(self._prompt(m), id=m.path) for m in matches[:first]])
        self._shown = shown
        self._fills += 1
        if len(matches) > first:  # the first screenful is painted before the rest is built
            self.call_after_refresh(self._fill_rest, self._fills, matches[first:])
        if matches:
            options.highlighted = at
        more = f" (showing {len(matches)})" if total > len(matches) else ""
        noun = "file" if total == 1 else "files"
        marked = f" · {len(self.marked)} marked" if self.marked else ""
        title = f"{self.label} · {total} {noun}{more}{marked}".lstrip(" ·")
        room = self.outer_size.width - 4  # the corners and a space either side
        if self.outer_size.width and len(title) > room:  # at 80 columns: the counts, not the name
            title = f"{total} {noun}{more}{marked}"
        self.border_title = title

    def _fill_rest(self, fill: int, rest: list[Match]) -> None:
        if fill == self._fills and self.is_attached:
            self.query_one(OptionList).add_options(
                [Option(self._prompt(m), id=m.path) for m in rest]
            )

    def _prompt(self, match: Match) -> Content:
        mark_of = FileEntry(match.path, self._codes.get(match.path, "  ")).mark
        mark = Content.styled(mark_of, MARK_STYLES.get(mark_of, ""))
        if has_control(match.path):  # shown quoted, as git does; the spans would not fit
            return Content.assemble(mark, " ", Content(quote_path(match.path)))
        shown, pieces = middle_cut(match.path, self._path_width())
        if match.path in self.marked:  # in the separator's cell: the path keeps its width
            return Content.assemble(
                mark, Content.styled("●", "bold $text-accent"), self._path(shown, pieces, match)
            )
        return Content.assemble(mark, " ", self._path(shown, pieces, match))

    def _path(self, shown: str, pieces: list[tuple[int, int, int]], match: Match) -> Content:
        spans = [
            Span(at + o - start, at + o - start + 1, "bold $text-accent")
            for o in match.offsets
            for start, end, at in pieces
            if start <= o < end
        ]
        return Content(shown, spans=spans)

    def _path_width(self) -> int:
        """The cells a path may take: the column less the options' padding (2), the
        scrollbar (2, kept free: it appears once the list is longer than the screen) and the
        mark and its separator (2)."""
        width = self.content_region.width
        return width - 6 if width > 6 else 0

    def on_resize(self) -> None:
        """Paths are cut for the width: cut again when the terminal changes size."""
        if self._paths and self._cut_for != self._path_width():
            self._refilter(self.query_one(Input).value, self._highlighted())

    def _highlighted(self) -> str | None:
        options = self.query_one(OptionList)
        if options.highlighted is None or not options.option_count:
            return None
        return options.get_option_at_index(options.highlighted).id
