"""Where the instruction is typed, beside what it targets, which rung answers and what it costs."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Static

from haikutui.model.ladder import RUNGS, Rung
from haikutui.model.pricing import format_cost
from haikutui.tui.widgets.file_list import middle_cut

if TYPE_CHECKING:
    from haikutui.model.estimate import Estimate


MAX_TARGET_SHARE = 0.6
"""The target and estimate take at most this share of the width (`max-width: 60%`)."""


class PromptBar(Horizontal):
    """Posts `Submitted` with the instruction; parents set `target`, `rung` and `estimate`.

    Under the target, the estimate: input tokens on the chosen rung (≈ counted locally,
    = counted by the API) and the cost on each rung, fast · strong · strongest.
    """

    DEFAULT_CSS: ClassVar[str] = """
    PromptBar { height: 3; }
    PromptBar > #prompt-target { width: auto; max-width: 60%; padding: 0 1; height: 3; }
    PromptBar > #prompt-target { text-wrap: nowrap; text-overflow: ellipsis; }
    PromptBar > Input { width: 1fr; }
    """

    class Submitted(Message):
        """The user asked for a change."""

        def __init__(self, instruction: str) -> None:
            super().__init__()
            self.instruction = instruction

    target: reactive[str] = reactive("no file")
    rung: reactive[Rung | None] = reactive(None)
    estimate: reactive[Estimate | None] = reactive(None)

    def compose(self) -> ComposeResult:
        yield Static(id="prompt-target")
        yield Input(placeholder="Describe the change, then Enter", id="prompt-input")

    def on_mount(self) -> None:
        self._update_label()

    def watch_target(self) -> None:
        self._update_label()

    def watch_rung(self) -> None:
        self._update_label()

    def watch_estimate(self) -> None:
        self._update_label()

    def on_resize(self) -> None:
        self._update_label()

    def _update_label(self) -> None:
        """Target and rung, then the estimate; when narrow, the tokens join the target's line
        so that every rung's cost still fits (80 columns lost the strongest rung's)."""
        if not self.is_mounted:
            return
        room = int(self.size.width * MAX_TARGET_SHARE) - 2
        found = self._estimate_parts()
        rung = f" → {self.rung.name}" if self.rung is not None else ""
        narrow = (
            bool(self.size.width)
            and found is not None
            and (Content.assemble(found[0], "  ", Content("  ").join(found[1])).cell_length > room)
        )
        beside = found[0].cell_length + 2 if narrow and found is not None else 0
        # A long path is cut in its middle folders (`src/…/fields.py:4-5`), never at the end
        # where the file's name and the selected lines are; `V` and the file list show it whole.
        target = self.target
        if self.size.width:
            target = middle_cut(target, max(room - len(rung) - beside, 12))[0]
        label = Content.styled(target, "bold")
        if self.rung is not None:
            colour = f"$rung-{self.rung.name}" if self.rung.name in RUNGS else "$accent"
            label = Content.assemble(label, " → ", Content.styled(self.rung.name, colour))
        lines = [Content(""), label]
        if found is not None:
            tokens, costs = found
            wide = Content.assemble(tokens, "  ", Content("  ").join(costs))
            if not narrow:
                lines.append(wide)
            else:
                lines[1] = Content.assemble(label, "  ", tokens)
                spread = Content("  ").join(costs)
                lines.append(spread if spread.cell_length <= room else Content(" ").join(costs))
        self.query_one("#prompt-target", Static).update(Content("\n").join(lines))

    def _estimate_parts(self) -> tuple[Content, list[Content]] | None:
        """The input tokens on the chosen rung, and the cost on each rung."""
        estimate, rung = self.estimate, self.rung
        if estimate is None or rung is None:
            return None
        from haikutui.model.estimate import (
            format_tokens,  # there is no estimate before a file opens
        )

        mine = estimate.on(rung.name) or estimate.rungs[0]
        mark = "=" if estimate.exact else "≈"
        tokens = Content.styled(f"{mark}{format_tokens(mine.input_tokens)} tok", "$text-muted")
        costs: list[Content] = []
        for item in estimate.rungs:
            if item.rung.name not in RUNGS:
                continue
            style = f"$rung-{item.rung.name}"
            if item.rung.name == rung.name:
                style = f"bold {style} underline"
            costs.append(Content.styled(f"{item.rung.name} {format_cost(item.cost)}", style))
        return tokens, costs

    @property
    def placeholder(self) -> str:
        return str(self.query_one(Input).placeholder)

    @placeholder.setter
    def placeholder(self, text: str) -> None:
        """What Enter will do: one fix, one fix across marked files, or a job over them."""
        self.query_one(Input).placeholder = text

    def clear_instruction(self) -> None:
        """After an apply, or when another file opens: the old instruction is not for it."""
        self.query_one(Input).value = ""

    def focus_input(self) -> None:
        """At once, not after the queue: keys typed right after this one land in the input."""
        self.screen.set_focus(self.query_one(Input))

    @on(Input.Submitted, "#prompt-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if text:
            self.post_message(self.Submitted(text))
