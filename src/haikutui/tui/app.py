"""The App: wiring only. Screens, widgets and the core do the work."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import ClassVar

from textual import events
from textual._path import CSSPathType
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import CommandPalette, Provider
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.signal import Signal
from textual.theme import Theme

from haikutui.core import ui_state
from haikutui.core.config import Settings
from haikutui.core.repo import Repo
from haikutui.core.terminal_text import shown
from haikutui.core.trust import Claims
from haikutui.model.budget import SessionSpend
from haikutui.model.ladder import Rung, resolve
from haikutui.tui.contrast import legible
from haikutui.tui.screens.main import MainScreen
from haikutui.tui.themes import (
    DEFAULT_THEME,
    THEME_VARIABLES,
    load_themes,
    resolve_references,
    theme_problem,
)
from haikutui.tui.type_ahead import KeyHold, route_key
from haikutui.tui.watcher import RepoWatcher


class HaikutuiApp(App[int]):
    """Registers themes, applies settings, and opens the main screen."""

    # The main screen is the default screen, whose own CSS_PATH Textual does not load:
    # its sheet (beside it in screens/) comes in with the app's.
    CSS_PATH: ClassVar[CSSPathType | None] = ["app.tcss", "screens/main.tcss"]
    _watching: threading.Thread | None = None
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

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast, from any screen, shows text: escapes made visible, URL credentials
        masked (a file name or a model's words can be in it)."""
        super().notify(
            shown(message), title=shown(title), severity=severity, timeout=timeout, markup=markup
        )

    def __init__(self, repo: Repo, settings: Settings, rung: Rung) -> None:
        super().__init__()
        self.repo, self.settings, self.rung = repo, settings, rung
        self.spend = SessionSpend()
        """What this session's requests cost; the status bars' meter reads it."""
        for theme in load_themes():
            self.register_theme(theme)
        self.theme_warning = ""
        """Why the remembered or configured theme was not used; shown once mounted."""
        self.theme = self._initial_theme()
        self.repo_changed: Signal[set[str]] = Signal(self, "repo-changed")
        """Repo paths changed on disk (debounced, not ignored); screens subscribe."""
        self.watcher = RepoWatcher(repo.root, skip=repo.submodules)
        self.key_hold = KeyHold(self)
        """Keys typed while a file opens wait for the focus to move (see type_ahead)."""

    def _initial_theme(self) -> str:
        """The most recent choice first, then ours; never `TEXTUAL_THEME`.

        A ctrl+t choice is newer than the `[ui] theme` it was made under and wins over it;
        once that setting is changed, the setting is newer and wins. A name that is gone or
        cannot colour the screens is passed over with a warning: a remembered theme must
        never stop the app from starting.
        """
        problems: list[str] = []
        chosen = "textual-dark"
        state = ui_state.load()
        configured, remembered = self.settings.theme, state.get("theme")
        order = [configured, remembered]
        if remembered and state.get("theme_over", "") == (configured or ""):
            order.reverse()  # picked with ctrl+t after this setting was made
        for name in (*order, DEFAULT_THEME):
            if not isinstance(name, str) or not name:
                continue
            theme = self.available_themes.get(name)
            problem = f"theme {name!r} is not installed" if theme is None else theme_problem(theme)
            if problem is None:
                chosen = name
                break
            problems.append(problem)
        if problems:
            self.theme_warning = f"{problems[0]}; using {chosen}"
        return chosen

    def get_default_screen(self) -> MainScreen:
        """The main screen is the base screen: one screen to compose and paint at start-up."""
        return MainScreen(self.repo, self.settings, self.rung)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(THEME_VARIABLES)

    def get_css_variables(self) -> dict[str, str]:
        """Textual's, with our defaults' `$references` resolved against the theme, and each
        text colour made legible on its background (WCAG AA, truecolor and 256 colours)."""
        variables = legible(resolve_references(super().get_css_variables()))
        self.theme_variables = variables
        return variables

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.screen_change_signal.subscribe(self, self._screen_changed)
        if self.theme_warning:
            self.notify(self.theme_warning, title="Theme", severity="warning", timeout=8)
        # Watching sets up inotify for every folder: after the first paint, not before it.
        self.call_after_refresh(self._start_watching)
        if not self.settings.repo_trusted:
            self.call_after_refresh(self._ask_trust)

    def _ask_trust(self) -> None:
        """The trust screen, when the repo brings powerful settings or code (tui/screens/trust)."""
        self.run_worker(self._claims, thread=True, group="trust", exit_on_error=False)

    def _claims(self) -> None:
        from haikutui.core.trust import claims

        brought = claims(self.repo.root, self.settings.repo_powerful)
        if brought.asks:
            self.call_from_thread(self._show_trust, brought)

    def _show_trust(self, brought: Claims) -> None:
        from haikutui.tui.screens.trust import TrustScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self._trust(brought)
            elif self.settings.repo_ignored:
                shown = ", ".join(s.split(" = ", 1)[0] for s in self.settings.repo_ignored)
                self.notify(f"not trusted; ignored: {shown}", title="Repository", timeout=8)

        self.push_screen(TrustScreen(brought), answered)

    def _trust(self, brought: Claims) -> None:
        """Remember the answer, and let the repo's powerful settings apply from now on."""
        from dataclasses import fields

        from haikutui.core.config import load_settings
        from haikutui.core.trust import remember
        from haikutui.model.pricing import price_for

        remember(brought)
        fresh = load_settings(
            self.repo.root, trusted=True, priced=lambda model: price_for(model) is not None
        )
        for each in fields(fresh):  # in place: every screen holds this same Settings
            setattr(self.settings, each.name, getattr(fresh, each.name))
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        main = self.screen_stack[0]
        if isinstance(main, MainScreen):
            main.settings_changed()
            self.rung = main.rung
        self.notify("trusted: its settings apply and its tests may run", title="Repository")

    async def on_event(self, event: events.Event) -> None:
        """Keys are handled in the order typed (see `type_ahead`), then as Textual would."""
        if (
            isinstance(event, events.Key)
            and not event.is_forwarded
            and await route_key(self, event, self.key_hold)
        ):
            return
        await super().on_event(event)

    def _start_watching(self) -> None:
        loop = asyncio.get_running_loop()

        def publish(paths: set[str]) -> None:  # called in the watcher's thread
            with contextlib.suppress(RuntimeError):  # the loop closed as we quit
                loop.call_soon_threadsafe(self.repo_changed.publish, paths)

        # A thread of its own, not a worker: it never completes, and tests wait for workers.
        self._watching = threading.Thread(
            target=self.watcher.run_in_thread, args=(publish,), name="watcher", daemon=True
        )
        self._watching.start()

    def on_unmount(self) -> None:
        self.watcher.stop()  # before workers are cancelled: its thread ends within 50 ms
        # Waited for: a daemon thread still inside watchfiles' Rust loop when the interpreter
        # finalizes can crash the process at exit (seen as a segfault after quitting).
        if self._watching is not None:
            self._watching.join(timeout=1.0)

    def _screen_changed(self, screen: Screen[object]) -> None:
        """Toasts are news about the screen that was; what must be read is in a status bar."""
        if not isinstance(screen, CommandPalette):  # the palette (ctrl+t) is not a new place
            self.clear_notifications()

    def _remember_theme(self, theme: Theme) -> None:
        """Kept for the next start, over the `[ui] theme` it was chosen under (said once)."""
        ui_state.remember("theme", theme.name)
        ui_state.remember("theme_over", self.settings.theme or "")
        configured = self.settings.theme
        if configured and configured != theme.name:
            self.notify(
                f"{theme.name} is kept for next time, over [ui] theme = {configured!r} "
                "(until you change that setting)",
                title="Theme",
                timeout=6,
            )

    def action_help(self) -> None:
        from haikutui.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen(list(self.BINDINGS), list(MainScreen.BINDINGS)))

    def action_add_key(self) -> None:
        from haikutui.tui.key_flow import ask_for_key

        ask_for_key(self)

    def action_forget_key(self) -> None:
        from haikutui.tui.key_flow import forget_key

        forget_key(self)


def _commands() -> type[Provider]:
    """Imported when the palette first opens, not at startup."""
    from haikutui.tui.commands import HaikutuiCommands

    return HaikutuiCommands


def create_app(repo: Repo, settings: Settings, *, model: str | None = None) -> HaikutuiApp:
    """The one way to build the app, used by the CLI and by every test."""
    repo.start_listing()  # git lists the index while Textual starts
    return HaikutuiApp(repo, settings, resolve(model, settings))
