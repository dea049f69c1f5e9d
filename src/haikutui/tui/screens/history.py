"""The undo journal as a screen: applies newest first, the hunks an undo would restore, and undo
of one apply or one hunk. A file edited since is refused, and a three-way revert is offered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from haikutui.core.config import Settings
from haikutui.core.errors import HaikutuiError, StaleError
from haikutui.core.journal import Journal, JournalEntry
from haikutui.core.proposal import Hunk
from haikutui.core.repo import Repo
from haikutui.core.terminal_text import escape, quote_path, shown
from haikutui.model.ladder import Rung
from haikutui.tui.widgets.keys_footer import KeysFooter
from haikutui.tui.widgets.line_scroll import LineScroll
from haikutui.tui.widgets.status_bar import StatusBar


def _bind(key: str, action: str, description: str, tooltip: str, *, show: bool = True) -> Binding:
    return Binding(key, action, description, show=show, id=f"history.{action}", tooltip=tooltip)


def local_time(stamp: float) -> str:
    return datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M")


@dataclass
class UndoHunk:
    """One hunk a hunk-level undo would restore, or a file that cannot be undone as is."""

    path: str
    index: int
    hunk: Hunk | None
    problem: str = ""


def _refusal(exc: HaikutuiError) -> str:
    """The core's message without its CLI hint: here the hint is a key."""
    return exc.message.split(" (try")[0]


class HistoryScreen(Screen[None]):
    """Reads the journal when opened and after each undo; the journal lives under .git/."""

    CSS_PATH = "history.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        _bind("u", "undo", "Undo apply", "Restore every file of this apply to what it replaced"),
        _bind("h", "undo_hunk", "Undo hunk", "Restore only the current hunk"),
        _bind("j", "next_hunk", "Next hunk", "Move to the next hunk of this apply"),
        _bind("k", "previous_hunk", "Prev hunk", "Move to the previous hunk", show=False),
        _bind("m", "merge_revert", "3-way revert", "Revert onto files edited since; review first"),
        _bind("escape,q", "close", "Back", "Back to the files"),
    ]

    def __init__(
        self,
        repo: Repo,
        settings: Settings,
        rung: Rung,
        *,
        when: Callable[[float], str] = local_time,
    ) -> None:
        super().__init__()
        self.repo, self.settings, self.rung = repo, settings, rung
        """Settings and rung go to the review of a three-way revert, which asks no model."""
        self.journal = Journal(repo.git_dir)
        self.when = when
        """How a time is shown; tests pass a fixed one so snapshots hold no clock."""
        self.entries: list[JournalEntry] = []
        self.hunks: list[UndoHunk] = []
        self.current = 0

    def compose(self) -> ComposeResult:
        yield Static(id="history-header")
        with Horizontal(id="history-panes"):
            yield OptionList(id="history-list")
            with LineScroll(id="history-detail"):
                yield Static(id="history-hunks")
        yield StatusBar(id="history-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#history-header", Static).update(
            Content.assemble(
                Content.styled("History", "bold $accent"),
                "   applies in this repo, newest first · undo restores the exact bytes",
            )
        )
        self.query_one("#history-list").border_title = "Applies"
        self.query_one("#history-detail").border_title = "What undo restores"
        self._load()
        self.query_one(OptionList).focus()
        watched = getattr(self.app, "repo_changed", None)
        if watched is not None:
            watched.subscribe(self, self._repo_changed)

    def _repo_changed(self, paths: set[str]) -> None:
        """A file changed on disk: what an undo would do may have changed with it."""
        entry = self.entry
        if entry is not None and paths & {f.path for f in entry.files}:
            self._load(entry.id)

    # -- the list ------------------------------------------------------------------------

    @property
    def entry(self) -> JournalEntry | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self.entries):
            return None
        return self.entries[index]

    def _load(self, keep: str | None = None) -> None:
        """Re-read the journal (crash-pending entries are settled on the way)."""
        failed = False
        try:
            self.entries = self.journal.entries(self.repo.root)
        except (HaikutuiError, OSError) as exc:
            self.entries, failed = [], True  # a crafted entry: said, nothing undone or shown
            self.query_one(StatusBar).show(f"the journal cannot be read: {exc}", error=True)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(self._row(e), id=e.id) for e in self.entries])
        if not self.entries:
            if not failed:
                self.query_one(StatusBar).show("nothing applied yet in this repo")
            self._show_detail()
            return
        ids = [e.id for e in self.entries]
        options.highlighted = ids.index(keep) if keep in ids else 0
        self._show_detail()

    def _row(self, entry: JournalEntry) -> Content:
        state = {"applied": "$text-success", "undone": "$text-muted"}.get(entry.state, "$warning")
        files = ", ".join(quote_path(f.path) for f in entry.files)
        return Content.assemble(
            Content.styled(f"{self.when(entry.time)}  ", "$text-muted"),
            Content.styled(f"{entry.state:<8}", state),
            f" {shown(entry.label)}\n   ",
            Content.styled(files, "bold"),
        )

    @on(OptionList.OptionHighlighted, "#history-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.current = 0
        self._show_detail()

    # -- the detail: each hunk an undo would restore --------------------------------------

    def _undo_hunks(self, entry: JournalEntry) -> list[UndoHunk]:
        out: list[UndoHunk] = []
        for record in entry.open_files:
            try:
                change = self.journal.reverse_change(self.repo.root, entry, record.path)
            except StaleError as exc:
                out.append(UndoHunk(record.path, -1, None, _refusal(exc)))
                continue
            except HaikutuiError as exc:
                out.append(UndoHunk(record.path, -1, None, exc.message))
                continue
            out += [UndoHunk(record.path, i, h) for i, h in enumerate(change.hunks)]
        return out

    def _show_detail(self) -> None:
        entry = self.entry
        detail = self.query_one("#history-hunks", Static)
        if entry is None:
            self.hunks = []
            detail.update(Content.styled("no apply selected", "$text-muted"))
            return
        self.hunks = self._undo_hunks(entry) if entry.open_files else []
        self.current = max(0, min(self.current, len(self.hunks) - 1))
        if not self.hunks:
            detail.update(Content.styled("undone: the files hold what they held before", "italic"))
            return
        blocks = []
        undoable = [u for u in self.hunks if u.hunk is not None]
        for position, item in enumerate(self.hunks):
            current = position == self.current
            if item.hunk is None:
                blocks.append(
                    Content.assemble(
                        Content.styled(f"⚠ {shown(item.problem)}", "bold $text-error"),
                        "\n  m: three-way revert, reviewed before anything is written",
                    )
                )
                continue
            marker = Content.styled("▶ " if current else "  ", "bold $hunk-current")
            title = Content.assemble(
                marker,
                Content.styled(f"{undoable.index(item) + 1}/{len(undoable)} ", "bold"),
                Content.styled(quote_path(item.path), "bold"),
                " ",
                Content.styled(item.hunk.header, "$diff-hunk"),
            )
            rows = [title]
            for line in item.hunk.lines:
                body = escape(line.rstrip("\n"))
                kind = body[:1]
                if kind == "+":
                    rows.append(Content.styled(f"  {body}", "$diff-added on $diff-added-bg"))
                elif kind == "-":
                    rows.append(Content.styled(f"  {body}", "$diff-removed on $diff-removed-bg"))
                else:
                    rows.append(Content.styled(f"  {body}", "$line-number"))
            blocks.append(Content("\n").join(rows))
        detail.update(Content("\n\n").join(blocks))

    def _move(self, delta: int) -> None:
        self.current = max(0, min(self.current + delta, len(self.hunks) - 1))
        self._show_detail()

    def action_next_hunk(self) -> None:
        self._move(1)

    def action_previous_hunk(self) -> None:
        self._move(-1)

    # -- undo ----------------------------------------------------------------------------

    def _refused(self, exc: HaikutuiError) -> None:
        message = _refusal(exc)
        if isinstance(exc, StaleError):
            message += " · m: three-way revert"
        self.query_one(StatusBar).show(message, error=True)

    def action_undo(self) -> None:
        entry = self.entry
        if entry is None:
            return
        try:
            restored = self.journal.undo(self.repo.root, entry.id)
        except HaikutuiError as exc:
            self._refused(exc)
            return
        self._load(entry.id)
        self.query_one(StatusBar).show(f"undone: restored {', '.join(restored)}")

    def action_undo_hunk(self) -> None:
        entry = self.entry
        if entry is None or not self.hunks:
            return
        item = self.hunks[self.current]
        if item.hunk is None:
            self.query_one(StatusBar).show(f"{item.problem} · m: three-way revert", error=True)
            return
        try:
            self.journal.undo_hunk(self.repo.root, entry.id, item.path, item.index)
        except HaikutuiError as exc:
            self._refused(exc)
            return
        self._load(entry.id)
        self.query_one(StatusBar).show(f"undone: hunk {item.index + 1} of {item.path}")

    def action_merge_revert(self) -> None:
        """Offer the revert as a proposal in the review screen; conflicts are shown, never written."""
        entry = self.entry
        if entry is None:
            return
        try:
            proposal, conflicts = self.journal.merge_revert(self.repo.root, entry.id)
        except (HaikutuiError, RuntimeError) as exc:
            self.query_one(StatusBar).show(str(exc).splitlines()[0], error=True)
            return
        if proposal.empty:
            self.query_one(StatusBar).show("nothing left to revert: the files already match")
            return
        proposal.note = f"Three-way revert of “{entry.label}”: " + (
            f"{conflicts} conflict(s) marked; reject them or edit by hand" if conflicts else "clean"
        )
        from haikutui.model.fix_request import FixRequest
        from haikutui.model.fix_run import FixResult, Progress
        from haikutui.tasks.fix_session import FixSession
        from haikutui.tui.screens.review import ReviewScreen

        settings, rung = self.settings, self.rung
        session = FixSession(
            self.repo, settings, FixRequest(proposal.changes[0].path, "three-way revert"), rung
        )
        session.result = FixResult(proposal, Progress(rung, 0.0, phase="done"), "", "revert")

        def closed(applied: list[str] | None) -> None:
            self._load(entry.id)
            if applied:
                self.query_one(StatusBar).show(f"reverted: wrote {', '.join(applied)}")
            else:
                self.query_one(StatusBar).show("revert not written")

        self.app.push_screen(ReviewScreen(session, ask_model=False), closed)

    def action_close(self) -> None:
        self.dismiss(None)
