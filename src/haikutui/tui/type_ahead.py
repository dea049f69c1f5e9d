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
