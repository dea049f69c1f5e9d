"""Ruff's findings for the open file, under the code: Enter jumps to one, `l` repairs them."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from haikutui.core.errors import HaikutuiError
from haikutui.core.repo import Repo
from haikutui.tasks.lint.ruff_runner import Diagnostic, check_text

PYTHON_SUFFIXES: tuple[str, ...] = (".py", ".pyi")


def lint_file(repo: Repo, path: str) -> list[Diagnostic]:
    """Ruff on the file as it is on disk, with the repo's config; [] for non-Python files."""
    if not path.endswith(PYTHON_SUFFIXES):
        return []
    text = repo.read_for_model(path).text
    return check_text(repo.root, path, text)


class DiagnosticsPanel(OptionList):
    """Hidden while the open file has no findings; posts `Linted` and `Jump` for the screen."""

    DEFAULT_CSS: ClassVar[str] = """
    DiagnosticsPanel {
        display: none;
        height: auto;
        max-height: 8;
        border: round $warning 50%;
        border-title-color: $text-warning;
        border-subtitle-color: $text-muted;
        background: $surface;
    }
    DiagnosticsPanel:focus { border: round $warning; }
    DiagnosticsPanel.-shown { display: block; }
    """

    class Linted(Message):
        """Ruff answered for `path` (posted from the lint thread)."""

        def __init__(self, path: str, diagnostics: list[Diagnostic], error: str = "") -> None:
            super().__init__()
            self.path, self.diagnostics, self.error = path, diagnostics, error

    class Jump(Message):
        """The user picked a finding: move the code cursor to its line."""

        def __init__(self, line: int) -> None:
            super().__init__()
            self.line = line

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.path: str | None = None
        self.diagnostics: list[Diagnostic] = []

    @work(thread=True, exclusive=True, group="diagnostics", exit_on_error=False)
    def lint(self, repo: Repo, path: str) -> None:
        """Run ruff off the event loop; a newer call cancels an older one's answer."""
        try:
            found, error = lint_file(repo, path), ""
        except HaikutuiError as exc:
            found, error = [], exc.message
        except Exception as exc:  # ruff or git failing must not take the app down
            found, error = [], f"ruff failed: {exc}".splitlines()[0]
        if not get_current_worker().is_cancelled:
            self.post_message(self.Linted(path, found, error))

    def clear_findings(self) -> None:
        self.path, self.diagnostics = None, []
        self.clear_options()
        self.set_class(False, "-shown")

    @on(Linted)
    def _linted(self, event: Linted) -> None:
        self.path, self.diagnostics = event.path, event.diagnostics
        self.clear_options()
        found = event.diagnostics
        self.add_options(Option(_row(d), id=str(i)) for i, d in enumerate(found))
        self.highlighted = 0 if found else None
        count = f"{len(found)} finding{'s' * (len(found) != 1)}"
        self.border_title = f"ruff · {count} in {event.path}"
        self.border_subtitle = "enter: go to line · l: repair"
        self.set_class(bool(found), "-shown")

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Jump(self.diagnostics[event.option_index].row))


def _row(d: Diagnostic) -> Content:
    fix = " [fix]" if d.fix == "safe" else ""
    return Content.assemble(
        Content.styled(f"{d.row:>4}:{d.column:<3} ", "$text-muted"),
        Content.styled(f"{d.code:<6}", "bold $text-warning"),
        " ",
        d.message,
        Content.styled(fix, "$text-success"),
    )
