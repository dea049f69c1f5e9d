"""The App: wiring only. Screens, widgets and the core do the work."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import ClassVar

from textual._path import CSSPathType
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.signal import Signal
from textual.theme import Theme

from haikutui.core import ui_state
from haikutui.core.config import Settings
from haikutui.core.repo import Repo
from haikutui.model.budget import SessionSpend
from haikutui.model.ladder import Rung, resolve
from haikutui.tui.screens.main import MainScreen
from haikutui.tui.themes import DEFAULT_THEME, load_themes
from haikutui.tui.watcher import RepoWatcher

THEME_VARIABLES: dict[str, str] = {
    "diff-added": "$success",
    "diff-removed": "$error",
    "diff-added-bg": "$success 15%",
    "diff-removed-bg": "$error 15%",
    "diff-hunk": "$secondary",
    "hunk-current": "$accent",
    "hunk-rejected": "$foreground 40%",
    "line-number": "$foreground 40%",
    "code-cursor-bg": "$boost",
    "code-selection-bg": "$primary 30%",
    "rung-fast": "$success",
    "rung-strong": "$warning",
    "rung-strongest": "$secondary",
}
"""Fallbacks for haikutui's own colours, so a theme that does not name them still works."""


class HaikutuiApp(App[int]):
    """Registers themes, applies settings, and opens the main screen."""

    # The main screen is the default screen, whose own CSS_PATH Textual does not load:
    # its sheet (beside it in screens/) comes in with the app's.
    CSS_PATH: ClassVar[CSSPathType | None] = ["app.tcss", "screens/main.tcss"]
    TITLE = "haikutui"
    COMMANDS = App.COMMANDS | {lambda: _commands()}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", priority=True, id="app.help", tooltip="Show every key"),
        Binding(
            "question_mark",
            "help",
            "Help",
            id="app.help_alt",
            tooltip="Show every key (when not typing)",
        ),
        Binding(
            "ctrl+t",
            "change_theme",
            "Theme",
            show=False,
            id="app.theme",
            tooltip="Pick a colour theme; the choice is remembered",
        ),
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            priority=True,
            show=False,
            id="app.quit",
            tooltip="Leave haikutui",
        ),
    ]

    def __init__(self, repo: Repo, settings: Settings, rung: Rung) -> None:
        super().__init__()
        self.repo, self.settings, self.rung = repo, settings, rung
        self.spend = SessionSpend()
        """What this session's requests cost; the status bars' meter reads it."""
        for theme in load_themes():
            self.register_theme(theme)
        self.theme = self._initial_theme()
        self.repo_changed: Signal[set[str]] = Signal(self, "repo-changed")
        """Repo paths changed on disk (debounced, not ignored); screens subscribe."""
        self.watcher = RepoWatcher(repo.root, skip=repo.submodules)

    def _initial_theme(self) -> str:
        """Config first, then the last choice, then ours; never `TEXTUAL_THEME`."""
        for name in (self.settings.theme, ui_state.load().get("theme"), DEFAULT_THEME):
            if isinstance(name, str) and name in self.available_themes:
                return name
        return "textual-dark"

    def get_default_screen(self) -> MainScreen:
        """The main screen is the base screen: one screen to compose and paint at start-up."""
        return MainScreen(self.repo, self.settings, self.rung)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(THEME_VARIABLES)

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        # Watching sets up inotify for every folder: after the first paint, not before it.
        self.call_after_refresh(self._start_watching)

    def _start_watching(self) -> None:
        loop = asyncio.get_running_loop()

        def publish(paths: set[str]) -> None:  # called in the watcher's thread
            with contextlib.suppress(RuntimeError):  # the loop closed as we quit
                loop.call_soon_threadsafe(self.repo_changed.publish, paths)

        # A thread of its own, not a worker: it never completes, and tests wait for workers.
        threading.Thread(
            target=self.watcher.run_in_thread, args=(publish,), name="watcher", daemon=True
        ).start()

    def on_unmount(self) -> None:
        self.watcher.stop()  # before workers are cancelled: its thread ends within 50 ms

    def _remember_theme(self, theme: Theme) -> None:
        ui_state.remember("theme", theme.name)

    def action_help(self) -> None:
        from haikutui.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen(list(self.BINDINGS), list(MainScreen.BINDINGS)))


def _commands() -> type[Provider]:
    """Imported when the palette first opens, not at startup."""
    from haikutui.tui.commands import HaikutuiCommands

    return HaikutuiCommands


def create_app(repo: Repo, settings: Settings, *, model: str | None = None) -> HaikutuiApp:
    """The one way to build the app, used by the CLI and by every test."""
    repo.start_listing()  # git lists the index while Textual starts
    return HaikutuiApp(repo, settings, resolve(model, settings))
