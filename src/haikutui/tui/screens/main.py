"""Browse files, select lines, ask for a change, and watch the answer stream in."""

from __future__ import annotations

import sys
from typing import ClassVar

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import get_current_worker

from haikutui.api_client import has_key
from haikutui.config import Settings
from haikutui.errors import HaikutuiError
from haikutui.fix_request import FixRequest
from haikutui.fix_session import FixSession
from haikutui.ladder import RUNGS, Rung, resolve
from haikutui.repo import FileEntry, Repo
from haikutui.tui.fix_runner import key_missing, run_session, warm_up
from haikutui.tui.widgets.code_view import CodeView
from haikutui.tui.widgets.file_list import FileList
from haikutui.tui.widgets.prompt_bar import PromptBar
from haikutui.tui.widgets.status_bar import StatusBar


class MainScreen(Screen[None]):
    """Owns the fix session while it streams; hands the proposal to the review screen."""

    CSS_PATH = "main.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash",
            "filter",
            "Files",
            id="main.filter",
            tooltip="Focus the file filter and type to narrow the list",
        ),
        Binding(
            "i",
            "ask",
            "Ask",
            id="main.ask",
            tooltip="Type an instruction for the selection (or the whole file)",
        ),
        Binding(
            "e",
            "escalate",
            "Escalate",
            id="main.escalate",
            tooltip="Send the same request to the next, stronger model",
        ),
        Binding(
            "m",
            "cycle_rung",
            "Rung",
            id="main.cycle_rung",
            tooltip="Pick the model for the next request: fast, strong, strongest",
        ),
        Binding(
            "escape",
            "cancel",
            "Cancel",
            show=False,
            id="main.cancel",
            tooltip="Stop the running request; nothing is written",
        ),
        Binding("q", "app.quit", "Quit", id="main.quit", tooltip="Leave haikutui"),
    ]

    class FilesListed(Message):
        """git answered with the files (posted from a thread)."""

        def __init__(self, entries: list[FileEntry]) -> None:
            super().__init__()
            self.entries = entries

    class FileOpened(Message):
        """A file was read and highlighted (posted from a thread)."""

        def __init__(self, path: str, lines: list[Content]) -> None:
            super().__init__()
            self.path, self.lines = path, lines

    class FileRefused(Message):
        """A file cannot be shown or sent: binary, huge, untracked, secret, gone."""

        def __init__(self, path: str, reason: str) -> None:
            super().__init__()
            self.path, self.reason = path, reason

    def __init__(self, repo: Repo, settings: Settings, rung: Rung) -> None:
        super().__init__()
        self.repo, self.settings, self.rung = repo, settings, rung
        self.session: FixSession | None = None
        self.selection: tuple[int, int] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield FileList(id="files")
            yield CodeView(id="code")
        yield PromptBar(id="prompt")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(FileList).label = self.repo.root.name
        self._show_rung()
        self.query_one(StatusBar).show("loading files…")
        self.query_one(FileList).focus_list()
        self.call_after_refresh(self.list_files)  # paint first; git's thread would slow it

    @property
    def running(self) -> bool:
        return any(w.node is self and w.group == "llm" and w.is_running for w in self.workers)

    # -- git and files, in threads -------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="git", exclusive=True)
    def list_files(self) -> None:
        try:
            self.post_message(self.FilesListed(self.repo.files()))
        except Exception as exc:  # gitpython raises many kinds; the app must stay up
            self.post_message(self.FileRefused("", f"git failed: {exc}".splitlines()[0]))

    @work(thread=True, exit_on_error=False, group="file", exclusive=True)
    def open_file(self, path: str) -> None:
        from textual.highlight import highlight  # pygments: paid when a file opens, not at startup

        try:
            text = self.repo.read_for_model(path).text
            lines = highlight(text, path=path).split("\n") if text else [Content("")]
        except HaikutuiError as exc:
            self.post_message(self.FileRefused(path, exc.message))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.FileOpened(path, lines))

    @on(FilesListed)
    def _files_listed(self, event: FilesListed) -> None:
        self.query_one(FileList).set_entries(event.entries)
        status = self.query_one(StatusBar)
        if status.message == "loading files…":
            status.show("")

    @on(FileList.Picked)
    def _file_picked(self, event: FileList.Picked) -> None:
        self.open_file(event.path)

    @on(FileOpened)
    def _file_opened(self, event: FileOpened) -> None:
        code = self.query_one(CodeView)
        code.show_file(event.path, event.lines)
        code.focus()
        status = self.query_one(StatusBar)
        if status.error:
            status.show("")

    @on(FileRefused)
    def _file_refused(self, event: FileRefused) -> None:
        self.query_one(CodeView).show_error(event.reason)
        self.query_one(StatusBar).show(event.reason, error=True)

    @on(CodeView.SelectionChanged)
    def _selection_changed(self, event: CodeView.SelectionChanged) -> None:
        self.selection = event.lines
        self._show_target()

    def _show_target(self) -> None:
        path = self.query_one(CodeView).path
        target = "no file" if path is None else FixRequest(path, "", self.selection).target
        self.query_one(PromptBar).target = target

    def _show_rung(self) -> None:
        self.query_one(PromptBar).rung = self.rung
        status = self.query_one(StatusBar)
        if not self.running:
            status.rung = self.rung

    # -- asking, escalating, cancelling --------------------------------------------------

    @on(PromptBar.Submitted)
    def _submitted(self, event: PromptBar.Submitted) -> None:
        path = self.query_one(CodeView).path
        status = self.query_one(StatusBar)
        if path is None:
            status.show("pick a file first (Enter in the list on the left)", error=True)
            return
        if key_missing(status):
            return
        request = FixRequest(path, event.instruction, self.selection)
        self.session = FixSession(self.repo, self.settings, request, self.rung)
        self.query_one(CodeView).focus()  # so e and Esc reach the screen while it streams
        self.run_fix()

    @work(exclusive=True, group="llm")
    async def run_fix(self) -> None:
        session = self.session
        assert session is not None
        result = await run_session(session, self.query_one(StatusBar))
        if result is None:
            return
        from haikutui.tui.screens.review import ReviewScreen

        self.query_one(StatusBar).show(f"proposal from {result.proposal.model}; reviewing")
        self.app.push_screen(ReviewScreen(session), self._review_closed)

    def _review_closed(self, applied: list[str] | None) -> None:
        status = self.query_one(StatusBar)
        status.rung = self.rung
        if applied:
            self.session = None  # written: there is nothing left to escalate
            status.show(f"applied to {', '.join(applied)}")
            self.notify(f"applied to {', '.join(applied)}", title="Written")
            path = self.query_one(CodeView).path
            if path is not None:
                self.open_file(path)
            self.list_files()
        else:
            status.show("review closed; nothing written")

    def action_ask(self) -> None:
        self.query_one(PromptBar).focus_input()
        if has_key() and "anthropic" not in sys.modules:
            self.warm_client()

    @work(thread=True, exit_on_error=False, group="warm", exclusive=True)
    def warm_client(self) -> None:
        """While the user types, load the SDK so the request starts at once."""
        warm_up()

    def action_filter(self) -> None:
        self.query_one(FileList).focus_filter()

    def action_escalate(self) -> None:
        status = self.query_one(StatusBar)
        if self.session is None:
            status.show("nothing to escalate yet: ask first (i), or pick a rung with m", error=True)
            return
        if key_missing(status):
            return
        was = self.session.rung
        reason = (
            f"the user escalated before {was.model} finished"
            if self.running
            else "the user asked for a stronger model"
        )
        rung = self.session.escalate(reason)
        if rung is None:
            status.show(f"already on the strongest rung ({was.label})", error=True)
            return
        self.notify(f"escalating to {rung.label}")
        self.run_fix()

    def action_cycle_rung(self) -> None:
        position = RUNGS.index(self.rung.name) if self.rung.name in RUNGS else -1
        self.rung = resolve(RUNGS[(position + 1) % len(RUNGS)], self.settings)
        self._show_rung()

    def action_cancel(self) -> None:
        if not self.running:
            raise SkipAction()
        self.workers.cancel_group(self, "llm")
        self.query_one(StatusBar).show("cancelled; nothing written")
