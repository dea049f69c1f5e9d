"""Adding the API key from the app: a masked input, then the keyring or (agreed) a 0600 file.

Used by a model action that finds no key (it runs again once the key is in) and by the
palette's "Add API key…" and "Forget API key". The key is never shown or notified.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App

from haikutui.core import keys
from haikutui.core.errors import UsageError


def ask_for_key(
    app: App[Any], then: Callable[[], object] | None = None, why: str = "No key was found."
) -> None:
    """Open the masked input; once a key is kept, run `then` (the action that needed it)."""
    from haikutui.tui.screens.key_entry import KeyEntryScreen

    where = "the system keyring" if keys.keyring_available() else _file_place()

    def entered(value: str | None) -> None:
        if not value:
            app.notify("No key entered; nothing stored", severity="warning")
            return
        try:
            value = keys.check_key(value)
        except UsageError as exc:
            app.notify(exc.message, severity="error")
            return
        if keys.store_in_keyring(value):
            _done(app, "the system keyring", then)
            return
        _ask_file(app, value, then)

    app.push_screen(KeyEntryScreen(where, why), entered)


def _file_place() -> str:
    return f"a file only you can read ({keys.key_file()}), after you agree"


def _ask_file(app: App[Any], value: str, then: Callable[[], object] | None) -> None:
    """No keyring: warn, and write the 0600 file only on `y`; else keep it for this session."""
    from haikutui.tui.screens.confirm import ConfirmScreen

    def answered(yes: bool | None) -> None:
        if yes:
            try:
                path = keys.store_in_file(value)
            except OSError as exc:
                app.notify(f"Could not write the key file: {exc.strerror}", severity="error")
                return
            _done(app, str(path), then)
        else:
            keys.use_for_session(value)
            _done(app, "memory until you quit", then)

    app.push_screen(
        ConfirmScreen(
            "No system keyring",
            f"Store the key in plain text in {keys.key_file()}, readable only by you (0600)?",
            detail="Anyone with your account's access could read it. "
            "Otherwise it is kept in memory until you quit.",
            yes="store it in the file",
            no="this session only",
        ),
        answered,
    )


def _done(app: App[Any], where: str, then: Callable[[], object] | None) -> None:
    app.notify(f"API key kept in {where}; using it now", title="Key added")
    if then is not None:
        then()


def forget_key(app: App[Any]) -> None:
    removed = keys.forget_key()
    if removed:
        app.notify(f"API key removed from {', '.join(removed)}", title="Key forgotten")
    else:
        app.notify("No stored API key to forget (the environment's is left alone)")
