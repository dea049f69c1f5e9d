"""Browse files, select lines, ask for a change, and watch the answer stream in."""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message

from haikutui.core.config import Settings
from haikutui.core.errors import HaikutuiError
from haikutui.core.proposal import first_applied_line
from haikutui.core.repo import Repo
from haikutui.model.client import has_key
from haikutui.model.ladder import RUNGS, Rung, resolve
from haikutui.tui.fix_runner import key_missing, run_session, warm_up
from haikutui.tui.keymap import MAIN_KEYS
from haikutui.tui.screens.main_jobs import JobsScreen
from haikutui.tui.widgets.code_pane import CodePane
from haikutui.tui.widgets.code_view import CodeView
from haikutui.tui.widgets.file_list import FileList
from haikutui.tui.widgets.keys_footer import KeysFooter
from haikutui.tui.widgets.prompt_bar import PromptBar
from haikutui.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:  # the model-run modules load on the first request, not at start-up
    from haikutui.model.estimate import Estimate
    from haikutui.model.fix_request import FixRequest
    from haikutui.tasks.codemod.targets import Target
    from haikutui.tasks.fix_session import FixSession
    from haikutui.tui.widgets.diagnostics_panel import DiagnosticsPanel


NO_KEY_AT_START = "No API key: a model action will ask for one"
"""Said once at start-up, short enough to fit beside the rung at 80 columns."""


class MainScreen(JobsScreen):
    """Owns the fix session while it streams; hands the proposal to the review screen."""

    AUTO_FOCUS = "#file-options"
    """The file list: focusing it at once spares a restyle of the filter and then the list."""

    BINDINGS: ClassVar[list[BindingType]] = MAIN_KEYS
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    """Under 100 columns the file list narrows (main.tcss), so 80×24 leaves the code its room."""

    class FilesListed(Message):
        """git answered with the files, or with one line of what failed (posted from a thread)."""

        def __init__(
            self, paths: list[str], codes: dict[str, str] | None = None, error: str = ""
        ) -> None:
            super().__init__()
            self.paths, self.codes, self.error = paths, codes or {}, error

    def __init__(self, repo: Repo, settings: Settings, rung: Rung) -> None:
        super().__init__()
        self.repo, self.settings, self.rung = repo, settings, rung
        self.session: FixSession | None = None
        self.file_text = ""
        """The open file's text, for the estimate shown as the selection changes."""
        self._opened_path: str | None = None
        self.marked_texts: dict[str, str] = {}
        """The marked files' texts, for the estimate."""
        self.together = False
        """`g`: the marked files go with the open file as one quick fix, not as a job."""
        self.grep: tuple[str, dict[str, Target]] | None = None
        """The palette's last Grep… while its marks stand: each file's matched lines."""
        self._goto_after_load: int | None = None
        """After an apply: the 1-based line of the first change, shown once the file reloads."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield FileList(id="files")
            yield CodePane(self.repo, id="code-pane")
        yield PromptBar(id="prompt")
        yield StatusBar(id="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(FileList).label = self.repo.root.name
        self._show_tracked()
        self.query_one(StatusBar).spend = getattr(self.app, "spend", None)
        self._show_rung()
        if has_key(self.settings, quick=True):
            self.call_after_refresh(self.check_models)
            self.query_one(StatusBar).show("loading files…")
        else:  # said once, before the user types an instruction that could not be sent
            self.query_one(StatusBar).show(NO_KEY_AT_START)
        self.call_after_refresh(self.list_files)  # paint first; git's thread would slow it
        watched = getattr(self.app, "repo_changed", None)
        if watched is not None:
            watched.subscribe(self, self._repo_changed)

    def _repo_changed(self, paths: set[str]) -> None:
        """The watcher saw files change: new status marks, and the open file as it now is."""
        self.list_files()
        if paths & set(self.marked_texts):  # a marked file changed: read it again
            self.marked_texts = {p: t for p, t in self.marked_texts.items() if p not in paths}
            self._marks_changed()
        path = self.query_one(CodeView).path
        if path is not None and path in paths:
            self.query_one(CodePane).load_file(path, reload=True)

    @property
    def running(self) -> bool:
        return any(w.node is self and w.group == "llm" and w.is_running for w in self.workers)

    # -- git and files, in threads -------------------------------------------------------

    def _show_tracked(self) -> None:
        """The index's paths (one `git ls-files`, started with the app) in the first frame;
        status marks and untracked files follow from `list_files` after it is painted."""
        try:
            paths = self.repo.tracked()
        except HaikutuiError:
            return  # list_files says what is wrong
        self.query_one(FileList).set_listing(paths, {}, warm=False)

    @work(thread=True, exit_on_error=False, group="git", exclusive=True)
    def list_files(self) -> None:
        try:
            codes, untracked = self.repo.status_and_untracked()
            paths = untracked + self.repo.tracked()
            self.post_message(self.FilesListed(paths, {**codes, **dict.fromkeys(untracked, "??")}))
        except Exception as exc:  # git can fail in many ways; the app must stay up
            self.post_message(self.FilesListed([], error=f"git failed: {exc}".splitlines()[0]))

    @on(FilesListed)
    def _files_listed(self, event: FilesListed) -> None:
        status = self.query_one(StatusBar)
        if event.error:
            status.show(event.error, error=True)
            return
        self.query_one(FileList).set_listing(event.paths, event.codes)
        if status.message == "loading files…":
            status.show("")

    @on(FileList.Picked)
    def _file_picked(self, event: FileList.Picked) -> None:
        self.query_one(CodePane).load_file(event.path)

    @on(FileList.MarksChanged)
    def _marks_changed(self) -> None:
        """The estimate counts the marked files as they will be sent (read once, here)."""
        texts: dict[str, str] = {}
        for path in self.query_one(FileList).marked:
            if path in self.marked_texts:  # read when marked (or by the grep's thread)
                texts[path] = self.marked_texts[path]
                continue
            try:
                texts[path] = self.repo.read_for_model(path).text
            except HaikutuiError as exc:  # a secret, binary or untracked file is never sent
                self.query_one(StatusBar).show(exc.message, error=True)
        self.marked_texts = texts
        if not self.query_one(FileList).marked:
            self.grep = None  # the grep's regions went with its marks
        self.refresh_bindings()  # `g` shows while files are marked
        self._show_target()

    @on(FileList.NothingPicked)
    def _nothing_picked(self) -> None:
        self._release_keys()

    @on(CodePane.Opened)
    def _file_opened(self, event: CodePane.Opened) -> None:
        self.file_text = event.text
        self._release_keys()  # after the pane's focus change, which it has just queued
        if event.reload:
            if self._goto_after_load is not None:
                self.query_one(CodeView).goto(self._goto_after_load)
                self._goto_after_load = None
            self._show_estimate()
            return
        if event.path != self._opened_path:  # an instruction meant another file: never send it
            self.query_one(PromptBar).clear_instruction()
        self._opened_path = event.path
        self._show_target()  # a new file: its selection-changed stops at the pane, which sent it
        status = self.query_one(StatusBar)
        if status.error:
            status.show("")

    @on(CodePane.Refused)
    def _file_refused(self, event: CodePane.Refused) -> None:
        self._release_keys()
        self.query_one(StatusBar).show(event.reason, error=True)

    @on(CodeView.SelectionChanged)
    def _selection_changed(self, event: CodeView.SelectionChanged) -> None:
        self._show_target()

    def _request(self, instruction: str = "") -> FixRequest | None:
        """What the prompt would send now: the open file and selection; None with no file."""
        from haikutui.model.fix_request import FixRequest  # model-side modules: off the first paint

        code = self.query_one(CodeView)
        if code.path is None:
            return None
        also = tuple(p for p in self.query_one(FileList).marked if p != code.path)
        return FixRequest(code.path, instruction, code.selection, also=also)

    def _job_mode(self) -> bool:
        """Marked files and not `g`: the instruction is a codemod job, one request per file."""
        return bool(self.query_one(FileList).marked) and not self.together

    def _show_target(self) -> None:
        bar = self.query_one(PromptBar)
        marked = self.query_one(FileList).marked
        if self._job_mode():
            grep = " by grep" if self.grep else ""  # a pattern's slashes read as folders
            files = f"{len(marked)} file{'s' * (len(marked) != 1)}"
            bar.target = f"job: {files}{grep}, each alone"
            bar.placeholder = "One instruction for each marked file (g: together), then Enter"
        else:
            request = self._request()
            bar.target = "no file" if request is None else request.target
            if marked:
                bar.target += " together"
            bar.placeholder = (
                "One change across the open and marked files (g: a job), then Enter"
                if marked
                else "Describe the change, then Enter"
            )
        self._show_estimate()

    def _estimate(self, instruction: str = "") -> Estimate | None:
        if self._job_mode():
            return self._job_estimate()
        request = self._request(instruction)
        if request is None:
            return None
        from haikutui.model.estimate import estimate_fix

        return estimate_fix(
            request, self.file_text, self.settings, root=self.repo.root, also=self.marked_texts
        )

    def _show_estimate(self) -> None:
        from haikutui.model.estimate import COUNT_TOKENS_ABOVE

        estimate = self._estimate()
        self.query_one(PromptBar).estimate = estimate
        fast = estimate.on("fast") if estimate is not None else None
        if (
            fast is not None
            and not self._job_mode()
            and fast.input_tokens > COUNT_TOKENS_ABOVE
            and has_key(self.settings, quick=True)
        ):
            self.count_exactly()

    @work(exclusive=True, group="count", exit_on_error=False)
    async def count_exactly(self) -> None:
        """A large request is worth an exact count; debounced, cancelled by the next change."""
        await asyncio.sleep(0.4)
        request, text = self._request(), self.file_text
        if request is None:
            return
        from haikutui.model.estimate import counted_tokens, estimate_fix

        also = self.marked_texts
        counted = await counted_tokens(request, text, self.settings, also)
        if counted is not None and request == self._request():
            self.query_one(PromptBar).estimate = estimate_fix(
                request, text, self.settings, counted=counted, root=self.repo.root, also=also
            )

    @work(exclusive=True, group="models", exit_on_error=False)
    async def check_models(self) -> None:
        """Warn once per start when a configured model is deprecated or retired."""
        # The SDK takes ~1.7 s to import: in a thread, so the screen never freezes for it.
        await asyncio.to_thread(warm_up)
        from haikutui.model.capabilities import lifecycle_warnings

        for warning in await lifecycle_warnings(self.settings):
            self.notify(warning, title="Model lifecycle", severity="warning", timeout=10)

    def _show_rung(self) -> None:
        self.query_one(PromptBar).rung = self.rung
        status = self.query_one(StatusBar)
        status.thinking = self.settings.thinking_wanted(self.rung.name)
        if not self.running:
            status.rung = self.rung

    # -- asking, escalating, cancelling --------------------------------------------------

    @on(PromptBar.Submitted)
    def _submitted(self, event: PromptBar.Submitted) -> None:
        path = self.query_one(CodeView).path
        status = self.query_one(StatusBar)
        if self._job_mode():
            if not key_missing(status, then=lambda: self._submitted(event)):
                # back in the file list afterwards, where the marks are (not in the input)
                self.set_focus(self.query_one("#file-options"))
                self._start_job(event.instruction, self._review_closed, self.action_batches)
            return
        if path is None:
            status.show("pick a file first (Enter in the list on the left)", error=True)
            return
        if key_missing(status, then=lambda: self._submitted(event)):
            return
        from haikutui.tasks.fix_session import FixSession

        request = self._request(event.instruction)
        assert request is not None
        session = FixSession(self.repo, self.settings, request, self.rung)
        self.query_one(CodeView).focus()  # so e and Esc reach the screen while it streams
        self.session = session
        self.run_fix()  # over budget, run_session asks first

    @work(exclusive=True, group="llm")
    async def run_fix(self) -> None:
        session = self.session
        assert session is not None
        result = await run_session(session, self.query_one(StatusBar), retry=self.run_fix)
        if result is None:
            return
        from haikutui.tui.screens.review import ReviewScreen

        self.query_one(StatusBar).show(f"proposal from {result.proposal.model}; reviewing")
        self.app.push_screen(ReviewScreen(session), self._review_closed)

    def _review_closed(self, applied: list[str] | None) -> None:
        status = self.query_one(StatusBar)
        status.rung = self.rung
        if applied:
            proposal = getattr(self.session, "proposal", None)
            self.session = None  # written: there is nothing left to escalate
            status.show(f"applied to {', '.join(applied)}")  # stays: not a toast that fades
            self.query_one(PromptBar).clear_instruction()  # done: Enter must not send it again
            self.query_one(FileList).clear_marks()
            path = self.query_one(CodeView).path
            if path is not None:
                # the file as written, the view kept where it was, then moved to the change
                self._goto_after_load = first_applied_line(proposal, path)
                self.query_one(CodePane).load_file(path, reload=True)
            self.list_files()
        else:
            status.show("review closed; nothing written")

    def action_together(self) -> None:
        """`g`: marked files as one job (each alone) or with the open file as one fix."""
        if not self.query_one(FileList).marked:
            raise SkipAction()
        self.together = not self.together
        self._show_target()
        way = (
            "together with the open file, as one fix"
            if self.together
            else "each on its own, as one job"
        )
        self.query_one(StatusBar).show(f"marked files go {way}")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`g` is in the footer only while files are marked."""
        if action == "together":
            return bool(self.query(FileList) and self.query_one(FileList).marked)
        return True

    def action_ask(self) -> None:
        if self._typing():
            raise SkipAction()
        self._return_focus = self.focused
        self.query_one(PromptBar).focus_input()
        if has_key(self.settings, quick=True) and "anthropic" not in sys.modules:
            self.warm_client()

    @work(thread=True, exit_on_error=False, group="warm", exclusive=True)
    def warm_client(self) -> None:
        """While the user types, load the SDK so the request starts at once."""
        warm_up()

    def action_filter(self) -> None:
        if self._typing():
            raise SkipAction()
        self._return_focus = self.focused
        self.set_class(False, "-files-folded")
        self.query_one(FileList).focus_filter()

    def action_escalate(self) -> None:
        status = self.query_one(StatusBar)
        if self.session is None:
            status.show("nothing to escalate yet: ask first (i), or pick a rung with m", error=True)
            return
        if key_missing(status, then=self.action_escalate):
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

    def settings_changed(self) -> None:
        """The settings changed under us (the repo was trusted): the rung's model may differ."""
        if self.rung.name in RUNGS:
            self.rung = resolve(self.rung.name, self.settings)
        self._show_rung()
        self._show_estimate()

    def action_cycle_rung(self) -> None:
        position = RUNGS.index(self.rung.name) if self.rung.name in RUNGS else -1
        self.rung = resolve(RUNGS[(position + 1) % len(RUNGS)], self.settings)
        self._show_rung()
        self._show_estimate()

    def action_toggle_thinking(self) -> None:
        """Flips thinking for every rung this session; config keeps the per-rung defaults."""
        self.settings.thinking_toggle = not self.settings.thinking_wanted(self.rung.name)
        self._show_rung()
        self._show_estimate()
        state = "on" if self.settings.thinking_toggle else "off"
        self.notify(f"thinking {state} for the next requests", timeout=3)

    def action_rename(self) -> None:
        from haikutui.tui.screens.rename import ask_rename

        code = self.query_one(CodeView)
        symbol = code.symbol_under_cursor()
        ask_rename(
            self,
            self.repo,
            self.settings,
            self.rung,
            code.path,
            code.cursor + 1,
            symbol,
            self._review_closed,
        )

    def action_tests(self) -> None:
        from haikutui.tui.screens.tests import TestsScreen

        self.app.push_screen(TestsScreen(self.repo, self.settings, self.rung), self._review_closed)

    def action_stats(self) -> None:
        from haikutui.tui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen(self.repo.root))

    def action_history(self) -> None:
        from haikutui.tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.repo, self.settings, self.rung))

    # -- lint: findings for the open file, and the repair ladder -------------------------

    def on_diagnostics_panel_linted(self, event: DiagnosticsPanel.Linted) -> None:
        if event.error:
            self.query_one(StatusBar).show(event.error, error=True)

    def action_lint(self) -> None:
        path = self.query_one(CodeView).path
        if path is None:
            self.query_one(StatusBar).show("pick a file first, or lint the repo", error=True)
            return
        self.lint_repair([path])

    def action_lint_repo(self) -> None:
        self.lint_repair(None)

    @work(exclusive=True, group="llm")
    async def lint_repair(self, paths: list[str] | None) -> None:
        from haikutui.tui.lint_runner import lint_session, run_lint
        from haikutui.tui.screens.lint_review import LintReviewScreen

        session = lint_session(self.app, self.repo, self.settings, paths, self.rung)
        if await run_lint(session, self.query_one(StatusBar)) is not None:
            self.session = session  # `e` escalates the repair, as after a quick fix
            self.app.push_screen(LintReviewScreen(session), self._review_closed)

    def action_batches(self) -> None:
        from haikutui.tui.screens.batch import BatchScreen

        self.app.push_screen(BatchScreen(self.repo, self.settings, self.rung), self._review_closed)

    def action_details(self) -> None:
        """`V`: the request's whole target (its path is cut in the middle at 80 columns) and
        the whole status message (an error is cut to one row)."""
        from haikutui.tui.screens.detail import DetailScreen, section

        status = self.query_one(StatusBar)
        target = self.query_one(PromptBar).target
        if not status.message and not target:
            raise SkipAction()
        title = "Error" if status.error else "Message"
        lines, style = status.message.splitlines(), "$text-error" if status.error else ""

        def rows(width: int) -> list[Content]:
            return [*section("Request", [target], "", width), *section(title, lines, style, width)]

        self.app.push_screen(DetailScreen("Details", rows))

    def action_cancel(self) -> None:
        """Esc: out of an input first (as in lazygit), then stop a run; else the code view's."""
        if self._typing():
            self._leave_input()
            return
        if not self.running:
            raise SkipAction()
        self.workers.cancel_group(self, "llm")
        self.query_one(StatusBar).show("cancelled; nothing written")
