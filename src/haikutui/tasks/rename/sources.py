"""Every tracked Python file parsed once: the trees a rename reasons about, and the files left out.

A file that does not parse, is not UTF-8, or is over the size limit would make rope refuse the
whole rename. It is left out of rope's project instead, and named in one line.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from haikutui.core.errors import UsageError
from haikutui.core.repo import Repo
from haikutui.core.textfile import MAX_FILE_BYTES
from haikutui.tasks.rename.target import python_files


@dataclass
class Sources:
    """Parsed trees by path, and the paths left out with the reason for each."""

    trees: dict[str, ast.Module] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def files(self) -> list[str]:
        return sorted(self.trees)

    def skip_note(self) -> str:
        """`skipped 2 files rope cannot parse: a.py (line 3: invalid syntax), b.py (...)`."""
        if not self.skipped:
            return ""
        shown = ", ".join(f"{rel} ({why})" for rel, why in sorted(self.skipped.items())[:5])
        more = f" and {len(self.skipped) - 5} more" if len(self.skipped) > 5 else ""
        count = len(self.skipped)
        return f"skipped {count} file{'s' * (count != 1)} rope cannot parse: {shown}{more}"


def load_sources(repo: Repo) -> Sources:
    """Parse every tracked Python file; the ones that cannot be parsed are set aside."""
    sources = Sources()
    for rel in python_files(repo):
        try:
            data = repo.guard.read(rel, limit=None)
        except OSError as exc:
            sources.skipped[rel] = f"unreadable: {exc.strerror or exc}"
            continue
        except UsageError as exc:  # a link out of the repo, a secret, a FIFO
            sources.skipped[rel] = exc.message.removeprefix(f"{rel}: ")
            continue
        if len(data) > MAX_FILE_BYTES:
            sources.skipped[rel] = f"{len(data):,} bytes, over the {MAX_FILE_BYTES:,} limit"
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            sources.skipped[rel] = "not UTF-8"
            continue
        try:
            sources.trees[rel] = ast.parse(text, filename=rel)
        except (SyntaxError, ValueError) as exc:
            line = getattr(exc, "lineno", None)
            msg = getattr(exc, "msg", str(exc))
            sources.skipped[rel] = f"line {line}: {msg}" if line else str(msg)
    return sources


def source_roots(files: list[str]) -> list[str]:
    """Folders that hold top-level packages (`src/` layouts included), for rope's imports.

    rope looks for packages itself, but stops at the first folder that has one: with a
    `tests/` package at the root it never sees `src/pkg`, and imports of `pkg` go unresolved.
    """
    present = set(files)

    def package(folder: PurePosixPath) -> bool:
        return folder.as_posix() != "." and (folder / "__init__.py").as_posix() in present

    roots: set[str] = set()
    for rel in files:
        folder = PurePosixPath(rel).parent
        if not package(folder):
            continue
        while package(folder.parent):
            folder = folder.parent
        if folder.parent.as_posix() != ".":
            roots.add(folder.parent.as_posix())
    return sorted(roots)
