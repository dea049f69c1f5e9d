"""The one gate for repo files: every read for a model and every write of a user file passes here.

Paths come from users, models, journal entries and batch records, and a repository's own
files can be symlinks, FIFOs or huge: all of it is untrusted. A path is allowed when it
resolves (symlinks followed) inside the repo, is not under `.git/` or a submodule, is not
secret-named before or after resolving, and (when it exists) is a regular file within the
size limit. Reads open the file non-blocking and check it again on the open descriptor, so a
FIFO swapped in after the check cannot hang us and a file grown past the limit is not read.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
import subprocess
from pathlib import Path, PurePosixPath

from haikutui.core.errors import PathRefused, UsageError

MAX_FILE_BYTES = 1_000_000
"""Files above this are refused: a model round trip on them is slow, costly and rarely wanted."""

SECRET_PATTERNS: tuple[str, ...] = (
    ".env",
    ".env.*",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    "*.keychain",
    "*.keychain-db",
    ".netrc",
    ".pgpass",
    ".git-credentials",
    "credentials",
    "credentials.json",
)
"""Names that look like secrets. Such files are never read for a model, whatever git says."""

_SECRET_NAME = re.compile("|".join(fnmatch.translate(p) for p in SECRET_PATTERNS))
"""The patterns as one regex: a lint run asks this of every file (fnmatch: 25 ms per 100)."""

_SECRET_DIRS = frozenset({".ssh", ".aws", ".gnupg", ".kube", ".docker"})
"""Folders whose every file is a credential (`~/.aws/config` included)."""


def is_secret(path: str) -> bool:
    """True for paths whose name matches a secret pattern; they never reach a model."""
    name = PurePosixPath(path).name
    return _SECRET_NAME.match(os.path.normcase(name)) is not None


def _secret_anywhere(path: Path) -> bool:
    """A secret name, or any file under a credentials folder (after symlinks are resolved)."""
    return is_secret(path.name) or any(part.lower() in _SECRET_DIRS for part in path.parts[:-1])


def submodule_paths(root: Path) -> tuple[str, ...]:
    """Submodule paths from .gitmodules: their files belong to another repository."""
    listed = root / ".gitmodules"
    if not listed.is_file():
        return ()
    out = subprocess.run(
        ["git", "config", "--file", str(listed), "--get-regexp", r"^submodule\..*\.path$"],
        capture_output=True,
        text=True,
    ).stdout
    return tuple(line.split(" ", 1)[1].strip("/") for line in out.splitlines() if " " in line)


def read_regular(path: Path, limit: int | None, shown: str = "") -> bytes:
    """Read a regular file, at most `limit` bytes: a FIFO, device or socket is refused at once
    (opened non-blocking, checked on the descriptor), never waited on."""
    shown = shown or str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise PathRefused(f"{shown}: not a regular file ({_kind(info.st_mode)}); not read")
        if limit is not None and info.st_size > limit:
            raise UsageError(_too_big(shown, info.st_size, limit))
        chunks: list[bytes] = []
        size = 0
        want = info.st_size + 1  # the whole file in one read; the +1 notices growth
        while True:
            chunk = os.read(fd, want)
            want = 1 << 16
            if not chunk:
                break
            size += len(chunk)
            if limit is not None and size > limit:  # it grew since the fstat
                raise UsageError(_too_big(shown, size, limit))
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _too_big(shown: str, size: int, limit: int) -> str:
    return f"{shown}: file is {size:,} bytes, over the {limit / 1_000_000:g} MB limit"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a plain file"


class PathGuard:
    """Checks repo-relative paths against one repository; cheap to make (no process)."""

    def __init__(
        self, root: Path, git_dir: Path | None = None, submodules: tuple[str, ...] | None = None
    ) -> None:
        self.root = Path(os.path.realpath(root))
        self.git_dir = Path(os.path.realpath(git_dir or self.root / ".git"))
        self._submodules = submodules

    @property
    def submodules(self) -> tuple[str, ...]:
        if self._submodules is None:
            self._submodules = submodule_paths(self.root)
        return self._submodules

    def check(
        self,
        rel: str,
        *,
        must_exist: bool = True,
        limit: int | None = MAX_FILE_BYTES,
        secrets_ok: bool = False,
    ) -> Path:
        """The real path of `rel`, or PathRefused (UsageError when it is missing or too big).

        `must_exist=False` allows a path that is not there yet (a file apply creates, one an
        undo removes); when something is there it must still be a regular file.
        """
        if not isinstance(rel, str) or not rel or "\0" in rel:
            raise PathRefused(f"{rel!r}: not a file path")
        pure = PurePosixPath(rel)
        if pure.is_absolute() or "\\" in rel and os.sep == "\\":
            raise PathRefused(f"{rel}: an absolute path; only paths inside the repository")
        if ".." in pure.parts:
            raise PathRefused(f"{rel}: paths with '..' are refused")
        if not pure.parts or pure.parts == (".",):
            raise PathRefused(f"{rel}: that is the repository root, not a file")
        if any(part.lower() == ".git" for part in pure.parts):
            raise PathRefused(f"{rel}: files under .git/ are refused")
        posix = pure.as_posix()
        for sub in self.submodules:
            if posix == sub or posix.startswith(sub + "/"):
                raise PathRefused(f"{rel}: inside the submodule {sub}; edit it in its own repo")
        real = Path(os.path.realpath(self.root / posix))
        if real == self.root or self.root not in real.parents:
            raise PathRefused(f"{rel}: a symlink that leads outside the repository")
        if real == self.git_dir or self.git_dir in real.parents:
            raise PathRefused(f"{rel}: a symlink into .git/")
        inside = real.relative_to(self.root)
        if any(part.lower() == ".git" for part in inside.parts):
            raise PathRefused(f"{rel}: a symlink into .git/")
        if not secrets_ok and (is_secret(posix) or _secret_anywhere(inside)):
            raise PathRefused(f"{rel}: looks like a secret; haikutui never reads or writes it")
        try:
            info = os.stat(real)
        except FileNotFoundError:
            if must_exist:
                raise UsageError(f"{rel}: no such file") from None
            return real
        except NotADirectoryError:
            raise PathRefused(f"{rel}: a parent of it is a file, not a folder") from None
        if not stat.S_ISREG(info.st_mode):
            raise PathRefused(f"{rel}: not a regular file ({_kind(info.st_mode)})")
        if limit is not None and info.st_size > limit:
            raise UsageError(_too_big(rel, info.st_size, limit))
        return real

    def read(self, rel: str, *, limit: int | None = MAX_FILE_BYTES) -> bytes:
        """The bytes of a repo file that passes `check`."""
        real = self.check(rel, limit=limit)
        try:
            return read_regular(real, limit, rel)
        except FileNotFoundError:
            raise UsageError(f"{rel}: no such file") from None

    def read_or_none(self, rel: str, *, limit: int | None = MAX_FILE_BYTES) -> bytes | None:
        """Like `read`, but None when nothing is there (a file deleted, or not created yet)."""
        real = self.check(rel, must_exist=False, limit=limit)
        try:
            return read_regular(real, limit, rel)
        except FileNotFoundError:
            return None

    def write(self, rel: str, data: bytes) -> None:
        """Write a repo file atomically, through an in-repo symlink to its target (git tracks
        the link, not a copy)."""
        from haikutui.core.atomic import write_atomic  # `secrets` loads hashlib: not at start-up

        write_atomic(self.check(rel, must_exist=False, limit=None), data)

    def remove(self, rel: str) -> None:
        """Remove a repo file (an undo of its creation); a symlink is removed, not its target."""
        self.check(rel, must_exist=False, limit=None)
        (self.root / rel).unlink(missing_ok=True)
