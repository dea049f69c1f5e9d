"""Keys typed ahead land where the user meant them, in the order they were typed.

Textual forwards each key to the focused widget's queue, but runs the (non-priority)
bindings only once the key has bubbled back up to the App, for the focus as it is then.
Typed in one burst, keys therefore ran out of order: in an input, ctrl+u (or backspace,
enter) ran after the letters behind it (`/`, `co`, ctrl+u, `utl` left an empty filter);
in the code view, `down down i` moved the focus to the prompt before the downs were
matched, and they were lost. `route_key` runs an input's own keys in the input's queue,
between its letters, and matches every other focused widget's keys at once, in order.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import App
from textual.widgets import Input


async def route_key(app: App[Any], event: events.Key, hold: KeyHold) -> bool:
    """Handle a key from the terminal in typing order; False leaves it to Textual."""
    if hold.take(event):
        return True
    found = input_binding(app, event)
    if found is not None:
        if not await app._check_bindings(event.key, priority=True):  # f1, ctrl+q still win
            focused, action = found
            focused.call_later(focused.run_action, action)  # after the letters already queued
        return True
    if isinstance(app.focused, Input):
        return False  # a letter, or a key the input leaves to its parents
    return await app._check_bindings(event.key, priority=True) or await app._check_bindings(
        event.key
    )


def input_binding(app: App[Any], event: events.Key) -> tuple[Input, str] | None:
    """The focused input and the action its own binding gives `event`, if it has one."""
    focused = app.focused
    if not isinstance(focused, Input) or event.is_printable:
        return None
    for binding in focused._bindings.key_to_bindings.get(event.key, ()):
        if not binding.priority:
            return focused, binding.action
    return None


class KeyHold:
    """Keys typed while a pick is in flight wait, then go where the focus has moved.

    Enter in the file filter opens a file in a thread and only then focuses the code view:
    `/core`, Enter, `i`, `fix it` typed at speed put `ifix it` into the filter. The main
    screen holds the keys from that Enter until the file has opened or been refused, however
    long that takes (a one-second limit let `jjji` run as shortcuts after a slow open), then
    they are handled in the order typed. The pane answers every load with one or the other.
    """

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.holding = False
        self.held: list[events.Key] = []

    def hold(self) -> None:
        self.holding = True

    def take(self, event: events.Key) -> bool:
        """Keep `event` for later while holding; False when it may be handled now."""
        if self.holding:
            self.held.append(event)
        return self.holding

    def release(self) -> None:
        """Replay the held keys from the App's queue, behind the focus change just made."""
        if self.holding:
            self.app.call_later(self._replay)

    async def _replay(self) -> None:
        # Still holding until now: keys that reached the App meanwhile were typed later.
        self.holding, keys, self.held = False, self.held, []
        for index, key in enumerate(keys):
            if self.holding:  # a held Enter started another hold: the rest wait again
                self.held[:0] = keys[index:]
                return
            await self.app.on_event(key)
