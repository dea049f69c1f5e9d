"""The Tests screen (`T`): run the project's pytest, list the failures, fix one with Enter.

The tests run on a mirror in a thread, with counts as they finish; Esc stops them. The fix
is tested (the test and its neighbours) before its review opens; when its test still fails,
the screen asks before escalating to the next rung with the attempt and the test's output.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual._path import CSSPathType
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from haikutui.core.config import Settings
from haikutui.core.repo import Repo
from haikutui.core.terminal_text import escape
from haikutui.model.ladder import Rung
from haikutui.tui.fix_runner import key_missing
from haikutui.tui.widgets.keys_footer import KeysFooter
from haikutui.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from haikutui.tasks.test_context import TestContext
    from haikutui.tasks.test_live import LiveCounts, LiveRun
    from haikutui.tasks.verdict.test_runner import TestCommand, TestResult

FOLDED_LINES = 6


def _bind(key: str, action: str, description: str, tooltip: str) -> Binding:
    return Binding(key, action, description, id=f"tests.{action}", tooltip=tooltip)


class TestsScreen(Screen[list[str] | None]):
    """Dismisses with every path a reviewed fix wrote, or None when nothing was applied."""

    __test__ = False
    CSS_PATH: ClassVar[CSSPathType | None] = "tests.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        _bind("enter", "fix", "Fix", "Ask the model to fix this failure; it is tested first"),
        _bind("space", "fold", "Unfold", "Show the whole trimmed report, or fold it again"),
        _bind("r", "rerun", "Re-run", "Run the tests again"),
        _bind("escape,q", "leave", "Back", "Stop the running tests or request, or go back"),
    ]

    class Counted(Message):
        """pytest finished one more test (posted from the run's thread)."""

        def __init__(self, counts: LiveCounts, proving: bool = False) -> None:
            super().__init__()
            self.counts, self.proving = counts, proving

    class Ran(Message):
        """The run ended: its result and failures, or one line of why it did not."""

        def __init__(
            self, result: TestResult | None, contexts: list[TestContext], note: str = ""
        ) -> None:
            super().__init__()
            self.result, self.contexts, self.note = result, contexts, note

    def __init__(self, repo: Repo, settings: Settings, rung: Rung, args: tuple[str, ...] = ()):
        super().__init__()
        self.repo, self.settings, self.rung, self.args = repo, settings, rung, args
        self.contexts: list[TestContext] = []
        self.result: TestResult | None = None
        self.command: TestCommand | None = None
        self.live: LiveRun | None = None
        self.folded = True
        self.applied: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(id="tests-header")
        yield OptionList(id="failures")
        yield Static(id="traceback")
        yield StatusBar(id="tests-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        status = self.query_one(StatusBar)
        status.rung = self.rung
        status.spend = getattr(self.app, "spend", None)
        self.query_one(OptionList).focus()
        self.action_rerun()

    @property
    def testing(self) -> bool:
        return any(w.group == "tests" and w.is_running for w in self.workers)

    @property
    def asking(self) -> bool:
        return any(w.group == "llm" and w.is_running for w in self.workers)

    # -- running the suite ------------------------------------------------------------------

    def action_rerun(self) -> None:
        if self.testing or self.asking:
            return
        from haikutui.core.errors import NotTrusted
        from haikutui.tasks.test_live import LiveRun
        from haikutui.tasks.verdict.test_runner import pytest_command

        try:
            self.command, warning = pytest_command(
                self.repo.root,
                self.settings.test_command,
                trusted=self.settings.repo_trusted,
                pass_env=self.settings.pass_env,
            )
        except NotTrusted as exc:  # nothing of the repo runs: say why, and how to allow it
            self._header(exc.message)
            self.query_one(StatusBar).show(exc.message, error=True)
            return
        self.live = LiveRun(on_progress=self._post_counts)
        self._header("running the tests…")
        if warning:
            self.query_one(StatusBar).show(warning, error=True)
        self.run_suite(self.command, self.live)

    @work(thread=True, exclusive=True, group="tests", exit_on_error=False)
    def run_suite(self, command: TestCommand, live: LiveRun) -> None:
        from haikutui.tasks.test_context import failure_context
        from haikutui.tasks.test_failures import failure_rank
        from haikutui.tasks.test_live import Cancelled
        from haikutui.tasks.test_suite import run_suite

        try:
            result = run_suite(
                self.repo, command, self.args, timeout=self.settings.test_timeout, live=live
            )
            # code tests first, then doctests in modules, then in text files (a README)
            ordered = sorted(result.failures, key=failure_rank)
            contexts = [failure_context(self.repo, f) for f in ordered]
        except Cancelled:
            self.post_message(self.Ran(None, [], "cancelled; the tests were stopped"))
            return
        except Exception as exc:  # the screen must stay up and say what went wrong
            self.post_message(self.Ran(None, [], f"the tests failed to run: {exc}"))
            return
        self.post_message(self.Ran(result, contexts))

    def _label(self) -> str:
        command = self.command
        if command is None:
            return "pytest"
        if command.python:
            python = Path(command.python)
            if python.is_relative_to(self.repo.root):
                python = python.relative_to(self.repo.root)
            return f"{python} -m pytest {' '.join(self.args)}".rstrip()
        return command.shell

    def _header(self, line: str | Content) -> None:
        title = Content.assemble(Content.styled("Tests", "bold $accent"), "   ", self._label())
        self.query_one("#tests-header", Static).update(Content("\n").join([title, line]))

    def _post_counts(self, counts: LiveCounts) -> None:
        self.post_message(self.Counted(counts))

    def _post_proving(self, counts: LiveCounts) -> None:
        self.post_message(self.Counted(counts, proving=True))

    @on(Counted)
    def _counted(self, event: Counted) -> None:
        counts = event.counts
        total = "?" if counts.total is None else str(counts.total)
        text = f"{counts.done}/{total} tests · {counts.failed} failed"
        if event.proving:
            self.query_one(StatusBar).show(f"testing the proposal on a mirror: {text}")
        else:
            self._header(f"running… {text}  (esc stops)")

    @on(Ran)
    def _ran(self, event: Ran) -> None:
        status = self.query_one(StatusBar)
        if event.result is None:
            self._header(Content.styled(event.note.splitlines()[0], "$text-error"))
            status.show(event.note.splitlines()[0], error=True)
            return
        self.result, self.contexts = event.result, event.contexts
        result = event.result
        if status.message.endswith("running the tests again"):
            status.show(status.message.replace("running the tests again", result.summary))
        if not result.junit:
            line = f"no JUnit report from the command ({result.summary}): is it pytest?"
            self._header(Content.styled(line, "$text-error"))
        elif self.contexts:
            self._header(
                Content.assemble(
                    Content.styled(result.summary, "bold $text-error"),
                    "   enter fixes the highlighted failure",
                )
            )
        else:
            self._header(
                Content.styled(f"✓ {result.summary}: nothing to fix", "bold $text-success")
            )
        failures = self.query_one(OptionList)
        failures.clear_options()
        failures.add_options(_option(i, c) for i, c in enumerate(self.contexts))
        if self.contexts:
            failures.highlighted = 0
        self._show_traceback()

    # -- the list and the folded report -----------------------------------------------------

    @on(OptionList.OptionHighlighted, "#failures")
    def _highlighted(self, _: OptionList.OptionHighlighted) -> None:
        self.folded = True
        self._show_traceback()

    def _selected(self) -> TestContext | None:
        index = self.query_one(OptionList).highlighted
        return self.contexts[index] if index is not None and index < len(self.contexts) else None

    def _show_traceback(self) -> None:
        pane = self.query_one("#traceback", Static)
        context = self._selected()
        pane.display = context is not None
        if context is None:
            return
        lines = context.traceback.splitlines()
        if self.folded and len(lines) > FOLDED_LINES:
            more = len(lines) - FOLDED_LINES
            shown = "\n".join(lines[:FOLDED_LINES])
            pane.update(Content(escape(shown) + f"\n… {more} more lines (space unfolds)"))
        else:
            pane.update(Content(escape(context.traceback)))  # test output: text, not commands

    def action_fold(self) -> None:
        self.folded = not self.folded
        self._show_traceback()

    # -- fixing one -------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#failures")
    def _picked(self, _: OptionList.OptionSelected) -> None:
        self.action_fix()

    def action_fix(self) -> None:
        status = self.query_one(StatusBar)
        context = self._selected()
        if self.testing or self.asking or context is None or self.command is None:
            status.show("no failure to fix yet", error=True)
            return
        if key_missing(status):
            return
        self.fix(context, self.command)

    @work(exclusive=True, group="llm")
    async def fix(self, context: TestContext, command: TestCommand) -> None:
        from haikutui.model.ladder import next_rung
        from haikutui.tasks.test_repair import TestRepairSession
        from haikutui.tasks.test_suite import proof_options
        from haikutui.tui.fix_runner import run_session
        from haikutui.tui.screens.confirm import ConfirmScreen
        from haikutui.tui.screens.test_review import TestReviewScreen

        status = self.query_one(StatusBar)
        failing = frozenset(c.failure.nodeid for c in self.contexts) - {context.failure.nodeid}
        if command.selects:  # what the test ran, to show the code it went through
            import asyncio

            from haikutui.tasks.test_context import failure_context
            from haikutui.tasks.test_suite import trace_calls

            status.show(f"tracing {context.failure.nodeid}…")
            traced = await asyncio.to_thread(
                trace_calls,
                self.repo,
                command,
                context.failure.nodeid,
                proof_options(self.args),
                timeout=self.settings.test_timeout,
            )
            context = await asyncio.to_thread(failure_context, self.repo, context.failure, traced)
        session = TestRepairSession(
            self.repo,
            self.settings,
            context,
            self.rung,
            command,
            failing_before=failing,
            options=proof_options(self.args),
        )
        session.on_counts = self._post_proving
        while True:
            if await run_session(session, status) is None:
                return
            check, rung = session.check, next_rung(session.rung, self.settings)
            if check is None or check.ok or rung is None:
                break
            escalate = await self.app.push_screen_wait(
                ConfirmScreen(
                    "The test still fails",
                    f"{check.summary}. Ask {rung.label} again, with this attempt and the "
                    "test's new output?",
                    yes=f"escalate to {rung.label}",
                    no="review it as it is",
                )
            )
            if not escalate:
                break
            session.escalate("its proposal did not make the test pass")
        status.show(f"{session.check.summary if session.check else ''}; reviewing")
        self.app.push_screen(TestReviewScreen(session), self._reviewed)

    def _reviewed(self, applied: list[str] | None) -> None:
        status = self.query_one(StatusBar)
        status.rung = self.rung
        if not applied:
            status.show("review closed; nothing written")
            return
        self.applied.extend(p for p in applied if p not in self.applied)
        status.show(f"applied to {', '.join(applied)}; running the tests again")
        self.action_rerun()

    def action_leave(self) -> None:
        if self.testing and self.live is not None:
            self.live.cancel.set()
            return
        if self.asking:
            self.workers.cancel_group(self, "llm")
            self.query_one(StatusBar).show("cancelled; nothing written")
            return
        self.dismiss(self.applied or None)


def _option(index: int, context: TestContext) -> Option:
    failure = context.failure
    message = failure.message or failure.kind
    prompt = Content.assemble(
        Content.styled("✗ ", "bold $text-error"),
        Content.styled(failure.location, "bold"),
        "  ",
        Content.styled(context.test_name, "$accent"),
        "\n  ",
        Content.styled(message[:200], "$text-muted"),
    )
    return Option(prompt, id=str(index))
