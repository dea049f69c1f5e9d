"""The git repository seen through gitpython: which files exist, their status, and safe paths."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from haikutui.core.errors import PathRefused, UsageError
from haikutui.core.path_guard import SECRET_PATTERNS as SECRET_PATTERNS
from haikutui.core.path_guard import PathGuard, submodule_paths
from haikutui.core.path_guard import is_secret as is_secret

if TYPE_CHECKING:
    import git

    from haikutui.core.textfile import TextFile


@dataclass(frozen=True)
class FileEntry:
    """A file the user can pick, with its porcelain status code (`"  "` when clean)."""

    path: str
    status: str = "  "

    @property
    def tracked(self) -> bool:
        return self.status != "??"

    @property
    def mark(self) -> str:
        """One character for the file list, in the spirit of lazygit."""
        index, work = self.status[0], self.status[1]
        if self.status == "??":
            return "?"
        if "U" in self.status or self.status in ("AA", "DD"):
            return "U"  # an unmerged path: a conflict to resolve
        if work == "D" or index == "D":
            return "D"
        if work == "M":
            return "M"
        if index in "AMR":
            return "S" if index == "M" else index
        return " "


_FIELDS_BEFORE_PATH = {"1": 8, "2": 9, "u": 10}
"""Space-separated fields before the path in porcelain v2's ordinary, renamed and unmerged
lines; the path may hold spaces, so it is whatever follows them."""


def parse_status_v2(out: str) -> tuple[dict[str, str], list[str]]:
    """Porcelain v2 (`-z`) as v1-style codes (`"M "`, `" D"`, `"UU"`), and the untracked paths."""
    codes: dict[str, str] = {}
    untracked: list[str] = []
    items = iter(out.split("\0"))
    for item in items:
        kind = item[:1]
        if kind == "?":
            untracked.append(item[2:])
        elif kind in _FIELDS_BEFORE_PATH:
            fields = item.split(" ", _FIELDS_BEFORE_PATH[kind])
            codes[fields[-1]] = fields[1].replace(".", " ")
            if kind == "2":
                next(items, None)  # the rename's source path
    return codes, untracked


class Repo:
    """A working tree and its git metadata; every path the model names is checked here."""

    def __init__(self, path: str | os.PathLike[str] = ".") -> None:
        """Find the work tree with one `git rev-parse`: gitpython (~0.1 s to import) waits."""
        start = Path(path)
        if not start.is_dir():
            raise UsageError(f"{start}: no such directory")
        try:
            found = subprocess.run(
                [
                    "git",
                    "rev-parse",
                    "--is-bare-repository",
                    "--absolute-git-dir",
                    "--show-toplevel",
                ],
                cwd=start,
                capture_output=True,
                text=True,
            )
        except FileNotFoundError:
            raise UsageError("git is not installed (haikutui needs it on PATH)") from None
        lines = found.stdout.split("\n")
        if len(lines) < 3:  # git stops at the first question it cannot answer
            raise UsageError(
                f"{start.resolve()} is not inside a git repository (run `git init` first)"
            )
        if lines[0] == "true":
            raise UsageError(f"{start.resolve()} is a bare repository, with no files to edit")
        if found.returncode != 0:
            raise UsageError(f"{start.resolve()} is inside .git/, not in a work tree")
        self.root = Path(lines[2]).resolve()
        self.git_dir = Path(lines[1]).resolve()
        self._listing: subprocess.Popen[bytes] | None = None

    @cached_property
    def submodules(self) -> tuple[str, ...]:
        """Submodule paths from .gitmodules: their files belong to another repository."""
        return submodule_paths(self.root)

    @cached_property
    def guard(self) -> PathGuard:
        """The one gate every read for a model and every write of a user file passes."""
        return PathGuard(self.root, self.git_dir, self.submodules)

    @cached_property
    def _git(self) -> git.Repo:
        import git

        return git.Repo(self.root)

    def start_listing(self) -> None:
        """Start `git ls-files` now, so that it runs while the app starts; `tracked` reads it."""
        if self._listing is None:
            self._listing = subprocess.Popen(
                ["git", "ls-files", "-z", "--cached"],
                cwd=self.root,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )

    def tracked(self) -> list[str]:
        """Paths in the index, in git's order: reads the index only, 40 ms at 100,000 files."""
        self.start_listing()
        proc, self._listing = self._listing, None
        assert proc is not None
        out, _ = proc.communicate()
        if proc.returncode != 0:
            raise UsageError(f"{self.root}: git ls-files failed")
        return list(dict.fromkeys(p for p in out.decode(errors="surrogateescape").split("\0") if p))

    def files(self) -> list[FileEntry]:
        """Untracked files that are not ignored, then tracked ones, each with its status."""
        codes, untracked = self.status_and_untracked()
        entries = [FileEntry(path, "??") for path in untracked]
        return entries + [FileEntry(path, codes.get(path, "  ")) for path in self.tracked()]

    def status(self) -> dict[str, str]:
        """Porcelain status codes by path (`" M"`, `"M "`, `"??"`, ...)."""
        codes, untracked = self.status_and_untracked()
        return {**codes, **dict.fromkeys(untracked, "??")}

    def status_and_untracked(self) -> tuple[dict[str, str], list[str]]:
        """One `git status --porcelain=v2 -z`: codes of changed tracked paths, and the
        untracked ones that are not ignored (it walks the work tree: the slow half of a list)."""
        out = subprocess.run(
            ["git", "status", "--porcelain=v2", "-z", "--untracked-files=all"],
            cwd=self.root,
            capture_output=True,
        )
        if out.returncode != 0:
            raise UsageError(f"{self.root}: git status failed: {out.stderr.decode().strip()}")
        return parse_status_v2(out.stdout.decode(errors="surrogateescape"))

    def is_tracked(self, rel: str) -> bool:
        # `:(literal)`: a file named `[ab].py` is not a pattern that matches `a.py`.
        return bool(self._git.git.ls_files("--", f":(literal){rel}"))

    def head_bytes(self, rel: str) -> bytes | None:
        """The file as committed at HEAD, or None when it is new or there is no commit yet."""
        import git

        try:
            data = self._git.git.show(
                f"HEAD:{rel}", stdout_as_string=False, strip_newline_in_stdout=False
            )
        except git.GitCommandError:
            return None
        return bytes(data)

    def resolve(self, path: str) -> str:
        """Return a repo-relative POSIX path, refusing anything that would leave the repo."""
        if not path or "\0" in path:
            raise PathRefused("empty path")
        raw = Path(path)
        if ".." in raw.parts:
            raise PathRefused(f"{path}: paths with '..' are refused")
        candidate = raw if raw.is_absolute() else self.root / raw
        try:
            rel = Path(os.path.normpath(candidate)).relative_to(self.root)
        except ValueError:
            raise PathRefused(f"{path}: outside the repository") from None
        if not rel.parts:
            raise PathRefused(f"{path}: that is the repository root, not a file")
        if any(part.lower() == ".git" for part in rel.parts):  # nested repos; case-blind disks
            raise PathRefused(f"{path}: files under .git/ are refused")
        posix = rel.as_posix()
        for sub in self.submodules:
            if posix == sub or posix.startswith(sub + "/"):
                raise PathRefused(f"{path}: inside the submodule {sub}; edit it in its own repo")
        real = candidate.resolve()
        if real != self.root and self.root not in real.parents:
            raise PathRefused(f"{path}: a symlink that leads outside the repository")
        if real.is_relative_to(self.git_dir):
            raise PathRefused(f"{path}: a symlink into .git/")
        return rel.as_posix()

    def read_for_model(self, rel: str) -> TextFile:
        """Read a tracked, non-secret text file: the only kind we ever send to a model."""
        self.guard.check(rel)  # also `app.cfg -> .env`, a FIFO, a link out of the repo
        if not self.is_tracked(rel):
            raise UsageError(f"{rel}: not tracked by git (`git add` it first)")
        from haikutui.core.textfile import TextFile  # hashlib and codecs: off the start-up path

        return TextFile.decode(self.guard.read(rel), rel)
