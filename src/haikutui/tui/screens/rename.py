"""Rename the symbol under the cursor: type the new name (checked for clashes), then review.

Occurrences rope is unsure about come as hunks of their own, rejected unless the model said
yes to them; the review header says how many are left.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual._path import CSSPathType
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, Static

from haikutui.core.errors import HaikutuiError
from haikutui.core.terminal_text import shown
from haikutui.model.client import has_key
from haikutui.tasks.rename.clashes import ClashCheck
from haikutui.tasks.rename.session import RenameSession
from haikutui.tasks.rename.target import name_problem
from haikutui.tui.fix_runner import run_session
from haikutui.tui.screens.review import ReviewScreen
from haikutui.tui.widgets.keys_footer import KeysFooter
from haikutui.tui.widgets.sourced_diff_view import SourcedDiffView
from haikutui.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from haikutui.core.config import Settings
    from haikutui.core.repo import Repo
    from haikutui.model.ladder import Rung

Check = Callable[[str], "str | None"]


class RenameScreen(ModalScreen[str | None]):
    """Asks for the new name, saying at every key press why it would be refused."""

    CSS_PATH = "rename.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "dismiss(None)", "Back", id="rename.back", tooltip="Close, rename nothing"
        ),
    ]

    def __init__(self, old: str, where: str, repo: Repo | None = None) -> None:
        super().__init__()
        self.old, self.where, self.repo = old, where, repo
        self.clashes: ClashCheck | None = None
        self.unchecked = "checking the name against the project…" if repo is not None else ""

    def on_mount(self) -> None:
        if self.repo is not None:
            self.run_worker(self._load_clashes, thread=True, exit_on_error=False)

    def _load_clashes(self) -> None:
        """Parse the project once (a thread); each key press then checks the name cheaply."""
        assert self.repo is not None
        try:
            clashes, problem = ClashCheck(self.repo, self.old, self.where), ""
        except HaikutuiError as exc:
            clashes, problem = None, exc.message
        self.app.call_from_thread(self._clashes_ready, clashes, problem)

    def _clashes_ready(self, clashes: ClashCheck | None, problem: str) -> None:
        self.clashes, self.unchecked = clashes, problem
        value = self.query_one("#rename-input", Input).value
        self.query_one("#rename-message", Label).update(self._hint(value))

    def _problem(self, value: str) -> str | None:
        """Why `value` would be refused: not a name, a clash, or the check still running."""
        problem = name_problem(value, self.old)
        if problem is None and self.clashes is not None:
            problem = self.clashes.problem(value)
        if problem is None and self.clashes is None and self.unchecked:
            problem = self.unchecked
        return problem

    def compose(self) -> ComposeResult:
        with Vertical(id="rename-box"):
            yield Label(
                Content.assemble(
                    "Rename ", Content.styled(self.old, "bold $accent"), f"  ({self.where}) to:"
                ),
                id="rename-title",
            )
            yield Input(value=self.old, id="rename-input", select_on_focus=True)
            yield Label(self._hint(self.old), id="rename-message")
            yield Label(
                "rope renames the Python references; the fast rung gets what rope cannot see.\n"
                "Enter renames · Esc backs out",
                id="rename-help",
            )

    def _hint(self, value: str) -> Content:
        problem = self._problem(value.strip())
        if problem is None:
            return Content.styled(f"✓ {self.old} → {value.strip()}", "$text-success")
        return Content.styled(f"✗ {problem}", "$text-error")

    @on(Input.Changed, "#rename-input")
    def _changed(self, event: Input.Changed) -> None:
        self.query_one("#rename-message", Label).update(self._hint(event.value))

    @on(Input.Submitted, "#rename-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if self._problem(value) is None:
            self.dismiss(value)


class RenameReviewScreen(ReviewScreen):
    """The review screen, with every hunk marked by its engine and the leftovers explained."""

    CSS_PATH: ClassVar[CSSPathType | None] = ["review.tcss", "rename.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "L",
            "leftovers",
            "Left",
            id="review.leftovers",
            tooltip="List the occurrences left as they are, and why",
        ),
    ]

    tests_by_default: ClassVar[bool] = True

    def __init__(self, session: RenameSession) -> None:
        super().__init__(session)
        self.rename = session

    def compose(self) -> ComposeResult:
        yield Static(id="review-header")
        yield Static(id="leftovers")
        yield SourcedDiffView(self.proposal, id="diff")
        yield StatusBar(id="review-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        # Textual runs ReviewScreen's on_mount too (it walks the MRO): say this after its hint.
        self.call_next(self._say_leftovers)

    def _say_leftovers(self) -> None:
        """What must be read goes in the status bar, not in a toast that fades."""
        left = self.rename.leftovers
        if left:
            noun = "occurrence" if len(left) == 1 else "occurrences"
            self.query_one(StatusBar).show(f"{len(left)} {noun} left as they are · L lists them")

    def _show_header(self) -> None:
        proposal = self.proposal
        sources = (h.source for _, h in proposal.hunks if "+" not in h.source)
        line = Content.assemble(
            Content.styled(f"◆ rename {self.rename.old} → {self.rename.new}", "bold $accent"),
            " · ",
            self._counts(),
            " · ",
            f"{len(proposal.changes)} files",
            " · ",
            Content.styled(" + ".join(dict.fromkeys(sources)), "bold"),
        )
        rows = [line]
        rows += [
            Content.styled(f"✗ {shown(p)}", "bold $text-error") for p in self.rename.held_problems
        ]
        rows += [Content.styled(f"⚠ {shown(a)}", "$text-warning") for a in self.rename.advisories]
        rows += [*self._note_row(), self._verdict_line()]
        self.query_one("#review-header", Static).update(Content("\n").join(rows))

    def action_leftovers(self) -> None:
        """Show or hide the panel of occurrences left as they are, each with its reason."""
        panel = self.query_one("#leftovers", Static)
        if panel.has_class("-shown"):
            panel.remove_class("-shown")
            return
        left = self.rename.leftovers
        title = Content.styled(
            f"{len(left)} left as they are (L hides)" if left else "nothing left (L hides)", "bold"
        )
        rows = [Content(f"  {shown(lo.label)}") for lo in left]  # lines of the repo's files
        panel.update(Content("\n").join([title, *rows]))
        panel.add_class("-shown")


def ask_rename(
    screen: Screen[None], repo: Repo, settings: Settings, rung: Rung,
    path: str | None, line: int, symbol: str | None,
    closed: Callable[[list[str] | None], None],
) -> None:  # fmt: skip
    """R in the code view: the modal, then the rename in an `llm` worker, then the review."""
    status = screen.query_one(StatusBar)
    if path is None or not path.endswith(".py"):
        status.show("open a Python file and put the cursor on the symbol to rename (R)", error=True)
        return
    if symbol is None:
        status.show(f"no symbol on line {line} of {path} to rename", error=True)
        return
    at = f"{path}:{line}"

    def start(new: str | None) -> None:
        if new:
            screen.run_worker(
                _rename(screen, repo, settings, rung, symbol, new, at, closed),
                group="llm",
                exclusive=True,
            )

    screen.app.push_screen(RenameScreen(symbol, at, repo), start)


async def _rename(
    screen: Screen[None], repo: Repo, settings: Settings, rung: Rung,
    old: str, new: str, at: str, closed: Callable[[list[str] | None], None],
) -> None:  # fmt: skip
    status = screen.query_one(StatusBar)
    model_rung = rung if has_key(settings) else None

    async def ask(upper: Rung, left: list[str]) -> bool:
        """Before a stronger rung takes the rename over, as lint asks."""
        from haikutui.tui.screens.confirm import ConfirmScreen

        shown = left[:4] + ([f"… and {len(left) - 4} more"] if len(left) > 4 else [])
        question = ConfirmScreen(
            f"{len(left)} occurrence{'s' * (len(left) != 1)} of {old} left unexplained",
            f"Escalate the rename to {upper.label}?",
            detail="\n".join(shown),
            yes="escalate",
            no="review this proposal",
        )
        answer: bool = await screen.app.push_screen_wait(question)
        return answer

    session = RenameSession(repo, settings, old, new, at=at, rung=model_rung, on_ask=ask)
    status.show(f"rope: renaming {old} → {new}…")
    try:
        plan = await asyncio.to_thread(session.prepare)
        if model_rung is None or not (plan.candidates or plan.rope.unsure):
            await session.run()
    except HaikutuiError as exc:
        status.show(exc.message, error=True)
        return
    if session.result is None:
        if await run_session(session, status) is None:
            return
    status.show(f"rename {old} → {new}: reviewing")
    screen.app.push_screen(RenameReviewScreen(session), closed)
