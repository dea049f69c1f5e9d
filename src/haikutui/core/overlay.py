"""An in-memory copy of the files a task touches, so that nothing reaches the disk unreviewed."""

from __future__ import annotations

from dataclasses import dataclass

from haikutui.core.errors import UsageError
from haikutui.core.repo import Repo
from haikutui.core.textfile import TextFile


@dataclass
class OverlayFile:
    """One file's base (as read from disk, or None when the task creates it) and current text."""

    base: TextFile | None
    text: str

    @property
    def changed(self) -> bool:
        return self.base is None or self.base.text != self.text


class Overlay:
    """Edits land here first; a Proposal is computed from what changed."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.files: dict[str, OverlayFile] = {}
        self.moved: dict[str, str] = {}
        """New path -> old path, for files a task moves (a module rename)."""

    def load(self, rel: str) -> OverlayFile:
        """The overlay copy of a tracked file, read from disk the first time it is asked for."""
        if rel not in self.files:
            base = self.repo.read_for_model(rel)
            self.files[rel] = OverlayFile(base, base.text)
        return self.files[rel]

    def read(self, rel: str) -> str:
        return self.load(rel).text

    def write(self, rel: str, text: str) -> None:
        self.load(rel).text = text

    def create(self, rel: str, text: str) -> None:
        """A new file; refused when one is already on disk, so creation never clobbers."""
        existing = self.files.get(rel)
        if existing is not None and existing.base is None:
            existing.text = text
            return
        self.repo.guard.check(rel, must_exist=False, limit=None)
        if (self.repo.root / rel).exists():
            raise UsageError(f"{rel}: already exists; edit it with str_replace instead")
        self.files[rel] = OverlayFile(None, text)

    def move(self, rel: str, new_rel: str) -> None:
        """Move a tracked file: its copy answers to the new path from now on, base unchanged."""
        self.repo.guard.check(new_rel, must_exist=False, limit=None)
        if new_rel in self.files or (self.repo.root / new_rel).exists():
            raise UsageError(f"{new_rel}: already exists; cannot move {rel} there")
        file = self.load(rel)
        del self.files[rel]
        self.files[new_rel] = file
        self.moved[new_rel] = self.moved.pop(rel, rel)

    def changed(self) -> dict[str, OverlayFile]:
        return {rel: f for rel, f in self.files.items() if f.changed}
