"""The open file: read and highlighted in a thread, shown in the code view, with ruff's
findings for it underneath (gutter marks, Enter on a finding jumps to its line)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.worker import get_current_worker

from haikutui.core.errors import HaikutuiError
from haikutui.core.repo import Repo
from haikutui.core.terminal_text import escape
from haikutui.tui.widgets.code_view import CodeView

if TYPE_CHECKING:
    from haikutui.tui.widgets.diagnostics_panel import DiagnosticsPanel


class CodePane(Vertical):
    """Parents call `load_file`; `Opened` or `Refused` bubbles up once the pane has shown it."""

    class Opened(Message):
        """A file is on screen (posted from the reading thread, handled here first)."""

        def __init__(self, path: str, lines: list[Content], text: str, reload: bool) -> None:
            super().__init__()
            self.path, self.lines, self.text = path, lines, text
            self.reload = reload
            """True when the watcher saw it change: keep the cursor, do not take focus."""

    class Refused(Message):
        """A file cannot be shown or sent: binary, huge, untracked, secret, gone."""

        def __init__(self, path: str, reason: str) -> None:
            super().__init__()
            self.path, self.reason = path, reason

    def __init__(self, repo: Repo, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.repo = repo

    def compose(self) -> ComposeResult:
        yield CodeView(id="code")

    @work(thread=True, exit_on_error=False, group="file", exclusive=True)
    def load_file(self, path: str, reload: bool = False) -> None:
        from textual.highlight import highlight  # pygments: paid when a file opens

        try:
            text = self.repo.read_for_model(path).text
            # escape(): a file's escape sequences are shown as `^[`, never sent to the terminal
            lines = highlight(escape(text), path=path).split("\n") if text else [Content("")]
        except HaikutuiError as exc:
            self.post_message(self.Refused(path, exc.message))
            return
        except Exception as exc:  # every load is answered: keys typed after Enter wait for it
            self.post_message(self.Refused(path, f"{path}: cannot be read ({exc})".splitlines()[0]))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Opened(path, lines, text, reload))

    def _diagnostics(self) -> DiagnosticsPanel:
        """Mounted with the first open file: ruff stays off the first paint.

        Not awaited: the mount finishes through this pane's own message queue, which is
        busy running the handler that asks for it.
        """
        from haikutui.tui.widgets.diagnostics_panel import DiagnosticsPanel

        found = self.query(DiagnosticsPanel)
        if found:
            return found.first()
        panel = DiagnosticsPanel(id="diagnostics")
        self.mount(panel)
        return panel

    def on_code_pane_opened(self, event: Opened) -> None:
        code = self.query_one(CodeView)
        if event.reload and code.path == event.path:
            code.reload_file(event.lines)
            self._diagnostics().lint(self.repo, event.path)  # the findings changed with it
            return
        code.show_file(event.path, event.lines)
        self._diagnostics().lint(self.repo, event.path)
        code.focus()

    def on_code_pane_refused(self, event: Refused) -> None:
        self.query_one(CodeView).show_error(event.reason)
        self._diagnostics().clear_findings()

    def on_diagnostics_panel_linted(self, event: DiagnosticsPanel.Linted) -> None:
        """Mark the gutter; the event goes on up, for the screen to show a ruff failure."""
        marks: dict[int, str] = {}
        for d in event.diagnostics:
            marks[d.row] = f"{marks[d.row]} {d.code}" if d.row in marks else d.code
        self.query_one(CodeView).set_marks(event.path, marks)

    def on_diagnostics_panel_jump(self, event: DiagnosticsPanel.Jump) -> None:
        event.stop()
        code = self.query_one(CodeView)
        code.goto(event.line)
        code.focus()
