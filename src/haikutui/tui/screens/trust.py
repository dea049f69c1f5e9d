"""Do you trust this repository? Asked at start-up when it brings powerful settings or code.

Lists exactly what trust would let act: each powerful `.haikutui.toml` setting and each of
the repo's own executables (its test suite, `conftest.py`, a `.venv` interpreter, `uv run`).
Until the user trusts it, the repo works for everything safe and none of these act.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from haikutui.core.trust import Claims
from haikutui.tui.widgets.keys_footer import KeysFooter


class TrustScreen(ModalScreen[bool]):
    """Dismisses with True on `t` (trust), False on `n` or Esc (restricted)."""

    CSS_PATH = "trust.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "answer(True)", "Trust", id="trust.yes", tooltip="Trust this repository"),
        Binding(
            "escape",
            "answer(False)",
            "Don't trust",
            id="trust.no",
            tooltip="Open it restricted: none of the below acts",
        ),
        Binding("n", "answer(False)", "Don't trust", show=False, id="trust.no_alt"),
    ]

    def __init__(self, claims: Claims) -> None:
        super().__init__()
        self.claims = claims

    def compose(self) -> ComposeResult:
        with Vertical(id="trust-box"):
            yield Static(Content.styled("Do you trust this repository?", "bold $text-warning"))
            yield Static(Content(str(self.claims.root)), id="trust-root")
            yield Static(
                "Trusted, it may change where requests go, what they cost, your keys, and run "
                "its own code with your permissions:",
                id="trust-why",
            )
            with VerticalScroll(id="trust-list"):
                for line in self.claims.powerful:
                    yield Static(Content.assemble(("setting     ", "$text-muted"), line))
                for line in self.claims.executables:
                    yield Static(Content.assemble(("executable  ", "$text-muted"), line))
            yield Static(
                "Not trusted, everything else works; none of the above acts. "
                "`haikutui trust --revoke` forgets the answer.",
                id="trust-restricted",
            )
        yield KeysFooter()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
