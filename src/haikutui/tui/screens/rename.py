"""Rename the symbol under the cursor: type the new name, pick unsure occurrences, review."""

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
from textual.widgets import Input, Label, SelectionList, Static

from haikutui.core.errors import HaikutuiError
from haikutui.model.client import has_key
from haikutui.tasks.rename.rope_engine import Unsure
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

    def __init__(self, old: str, where: str) -> None:
        super().__init__()
        self.old, self.where = old, where

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
        problem = name_problem(value.strip(), self.old)
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
        if name_problem(value, self.old) is None:
            self.dismiss(value)


class UnsureList(SelectionList[int]):
    """Space ticks, as in any selection list; Enter means "go on", not "tick"."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter", "screen.done", "Go on", id="unsure.done", tooltip="Rename the ticked ones"
        ),
    ]


class UnsureScreen(ModalScreen[set[tuple[str, int]]]):
    """rope could not prove these are the symbol: the user ticks the ones to rename."""

    CSS_PATH = "rename.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "none", "None", id="unsure.none", tooltip="Rename none of them"),
    ]

    def __init__(self, unsure: list[Unsure]) -> None:
        super().__init__()
        self.unsure = unsure

    def compose(self) -> ComposeResult:
        with Vertical(id="unsure-box"):
            yield Label(
                f"rope is unsure about {len(self.unsure)} occurrence(s). "
                "Space ticks one to rename; Enter goes on; Esc renames none.",
                id="unsure-title",
            )
            yield UnsureList(
                *((f"{u.where}  {u.text}", i) for i, u in enumerate(self.unsure)), id="unsure-list"
            )

    def action_done(self) -> None:
        chosen = self.query_one(UnsureList).selected
        self.dismiss({(self.unsure[i].path, self.unsure[i].offset) for i in chosen})

    def action_none(self) -> None:
        self.dismiss(set())


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
        yield SourcedDiffView(self.proposal, id="diff")
        yield StatusBar(id="review-status")
        yield KeysFooter()

    def _show_header(self) -> None:
        proposal = self.proposal
        sources = (h.source for _, h in proposal.hunks if "+" not in h.source)
        line = Content.assemble(
            Content.styled(f"◆ rename {self.rename.old} → {self.rename.new}", "bold $accent"),
            "   ",
            Content.styled(" + ".join(dict.fromkeys(sources)), "bold"),
            "   ",
            f"{len(proposal.changes)} files",
            "   ",
            self._counts(),
        )
        note = Content.styled(proposal.note or "", "italic $text-muted")
        check = self._verdict_line()
        self.query_one("#review-header", Static).update(Content("\n").join([line, note, check]))

    def action_leftovers(self) -> None:
        left = self.rename.leftovers
        if not left:
            self.notify("no occurrence of the old name is left", title="Leftovers")
            return
        shown = "\n".join(lo.label for lo in left[:12])
        more = f"\n… and {len(left) - 12} more" if len(left) > 12 else ""
        self.notify(shown + more, title=f"{len(left)} left as they are", timeout=12)


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

    screen.app.push_screen(RenameScreen(symbol, at), start)


async def _rename(
    screen: Screen[None], repo: Repo, settings: Settings, rung: Rung,
    old: str, new: str, at: str, closed: Callable[[list[str] | None], None],
) -> None:  # fmt: skip
    status = screen.query_one(StatusBar)
    model_rung = rung if has_key() else None
    session = RenameSession(repo, settings, old, new, at=at, rung=model_rung)
    status.show(f"rope: renaming {old} → {new}…")
    try:
        plan = await asyncio.to_thread(session.prepare)
        if plan.rope.unsure:
            status.show(f"rope is unsure about {len(plan.rope.unsure)}: tick the ones to rename")
            included = await screen.app.push_screen_wait(UnsureScreen(plan.rope.unsure))
            if included:
                plan = await asyncio.to_thread(session.prepare, included)
        if model_rung is None or not plan.candidates:
            await session.run()
    except HaikutuiError as exc:
        status.show(exc.message, error=True)
        screen.notify(exc.message, severity="error", timeout=6)
        return
    if session.result is None:
        if await run_session(session, status) is None:
            return
    if model_rung is None and plan.candidates:
        screen.notify(
            f"no API key: rope's part only; {len(plan.candidates)} occurrence(s) outside what "
            "rope sees are listed with L",
            timeout=8,
        )
    status.show(f"rename {old} → {new}: reviewing")
    screen.app.push_screen(RenameReviewScreen(session), closed)
