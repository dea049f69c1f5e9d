"""Keys typed ahead land where the user meant them, in the order they were typed.

Textual forwards each key to the focused widget's queue, but runs a widget's own
(non-priority) bindings only once the key has bubbled back up to the App. In an input,
ctrl+u (or backspace, ctrl+k, enter) therefore ran after the letters typed behind it:
`/`, `co`, ctrl+u, `utl` in one burst left an empty filter. Here such a key becomes a
callback in the input's own queue, so it runs between the letters around it.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import App
from textual.timer import Timer
from textual.widgets import Input


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
    screen holds the keys from that Enter until the file has opened (or a second passes),
    then they are handled in the order typed.
    """

    TIMEOUT = 1.0

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.holding = False
        self.held: list[events.Key] = []
        self._timer: Timer | None = None

    def hold(self) -> None:
        self.holding = True
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.app.set_timer(self.TIMEOUT, self.release)

    def take(self, event: events.Key) -> bool:
        """Keep `event` for later while holding; False when it may be handled now."""
        if self.holding:
            self.held.append(event)
        return self.holding

    def release(self) -> None:
        """Replay the held keys from the App's queue, behind the focus change just made."""
        if self.holding:
            if self._timer is not None:
                self._timer.stop()
                self._timer = None
            self.app.call_later(self._replay)

    async def _replay(self) -> None:
        # Still holding until now: keys that reached the App meanwhile were typed later.
        self.holding, keys, self.held = False, self.held, []
        for index, key in enumerate(keys):
            if self.holding:  # a held Enter started another hold: the rest wait again
                self.held[:0] = keys[index:]
                return
            if not isinstance(self.app.focused, Input) and await self._bound_now(key):
                continue
            await self.app.on_event(key)

    async def _bound_now(self, key: events.Key) -> bool:
        """Run the key's binding at once, for the focus as it is now.

        Forwarded, a key is matched to a binding only when it bubbles back to the App, by
        which time a held `i` after it may have moved the focus: `down` was then lost.
        """
        app = self.app
        return await app._check_bindings(key.key, priority=True) or await app._check_bindings(
            key.key
        )
