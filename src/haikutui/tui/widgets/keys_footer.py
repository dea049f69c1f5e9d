"""The footer: the keys that work now, on one line, drawn with the first screen."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget

ESSENTIAL: frozenset[str] = frozenset(
    {"quit", "app.quit", "leave", "close", "dismiss(None)", "help", "app.help"}
)
"""Actions a footer never drops: how to get out, and how to see every other key."""


class KeysFooter(Widget):
    """The keys of the focused widget, its screen and the app, as one line of text.

    Textual's Footer mounts a widget per key, waits for a signal before it shows any and
    restyles every key on each focus change: at start-up that cost more than the rest of
    the first screen. This draws the same keys from `screen.active_bindings` as text and
    re-renders when they change; a click on a key presses it. When the line is too wide it
    drops the spacing first, then the last keys but the essential ones (quit, leave, help),
    so `q Quit` and `f1 Help` stay at 80 columns.
    """

    DEFAULT_CSS: ClassVar[str] = """
    KeysFooter {
        dock: bottom;
        height: 1;
        background: $footer-background;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        self.refresh()

    def _shown(self) -> list[tuple[Binding, bool]]:
        """Bindings marked `show`, one per action, nearest the focus first (as Textual's)."""
        actions: set[str] = set()
        shown: list[tuple[Binding, bool]] = []
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in actions:
                actions.add(binding.action)
                shown.append((binding, enabled))
        return shown

    def _item(self, binding: Binding, enabled: bool, compact: bool) -> Content:
        pad = "" if compact else " "
        click = f"@click=app.simulate_key({binding.key!r})"
        item = Content.assemble(
            Content.styled(
                f"{pad}{self.app.get_key_display(binding)}{pad}",
                f"bold $footer-key-foreground on $footer-key-background {click}",
            ),
            Content.styled(
                f" {binding.description} " if compact else f"{binding.description} ",
                f"$footer-description-foreground on $footer-description-background {click}",
            ),
        )
        return item if enabled else item.stylize("dim")

    def _palette(self) -> Content:
        found = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if found is None or not self.app.ENABLE_COMMAND_PALETTE:
            return Content("")
        _node, binding, enabled, _tooltip = found
        return Content.assemble(
            Content.styled("▏", "$foreground 20%"), self._item(binding, enabled, compact=False)
        )

    def render(self) -> Content:
        width = self.size.width
        shown, palette = self._shown(), self._palette()
        room = width - palette.cell_length
        items: list[Content] = []
        for compact in (False, True):
            items = [self._item(binding, enabled, compact) for binding, enabled in shown]
            if sum(item.cell_length for item in items) <= room:
                break
        kept = list(zip(shown, items, strict=True))
        while sum(item.cell_length for _, item in kept) > room:
            droppable = [i for i, ((b, _), _) in enumerate(kept) if b.action not in ESSENTIAL]
            if not droppable:
                break
            del kept[droppable[-1]]  # the keys listed last matter least
        items = [item for _, item in kept]
        keys = Content("").join(items)
        if keys.cell_length > room and items:  # crop, but keep the last key: the app's help
            last = items[-1]
            rest = Content("").join(items[:-1])
            keys = rest.truncate(max(room - last.cell_length - 1, 0), ellipsis=True) + " " + last
        gap = " " * max(room - keys.cell_length, 0)
        return Content.assemble(keys, gap, palette)
