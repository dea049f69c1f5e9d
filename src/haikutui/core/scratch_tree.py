"""The repo's working tree as the user has it, in a temp folder, with a proposal written in.

Every check of a verdict (ruff, the importers, the tests) runs in one of these, so nothing
that only a partial copy lacks (a package `__init__.py` ruff's isort looks for, a git-ignored
generated `_version.py` the tests import) can make a finding or a failure of its own, and
"before" and "after" are judged in the same layout. Tracked, untracked and ignored files are
all in; caches and environments are not (`SKIPPED_DIRS`, and any folder holding a
`pyvenv.cfg`). Each file is a reflink (copy-on-write) where the file system has them, else a
copy: never a hardlink, which a test could write through into the user's file.

    with ScratchTree(repo.root) as tree:
        tree.write({"pkg/a.py": new_text})
        ...  # ruff, pytest with cwd=tree.path
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from haikutui.core.errors import UsageError

SKIPPED_DIRS: frozenset[str] = frozenset(
    {
        ".git",
        ".hg",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
    }
)
"""Caches and environments: nothing in them is the project's code."""
MAX_FILE_BYTES = 256 * 1024 * 1024
"""A bigger file (a data set, a disk image) is left out and named in `left_out`."""
FICLONE = 0x40049409
"""The Linux ioctl that makes a reflink (btrfs, XFS, bcachefs, ZFS 2.2)."""
_NO_REFLINK = frozenset({errno.EOPNOTSUPP, errno.ENOTTY, errno.EXDEV, errno.EINVAL, errno.ENOSYS})
_no_reflink_on: set[int] = set()
"""Devices (st_dev) whose file system said it has no reflinks: not asked again."""


def _is_environment(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def _clone(source: str, target: str, st: os.stat_result) -> bool:
    """`source`'s bytes and mode at `target` (a new file); True when it is a reflink."""
    reflinked = False
    fin = os.open(source, os.O_RDONLY | os.O_CLOEXEC)
    try:
        mode = stat.S_IMODE(st.st_mode)  # the umask may take bits off, as for any new file
        fout = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
        try:
            if st.st_dev not in _no_reflink_on:
                try:
                    fcntl.ioctl(fout, FICLONE, fin)
                    reflinked = True
                except OSError as exc:
                    if exc.errno in _NO_REFLINK:
                        _no_reflink_on.add(st.st_dev)
                    elif exc.errno != errno.EPERM:
                        raise
            if not reflinked:
                _copy_bytes(fin, fout, st.st_size)
        finally:
            os.close(fout)
    finally:
        os.close(fin)
    return reflinked


def _copy_bytes(fin: int, fout: int, size: int) -> None:
    """In the kernel when it can (`copy_file_range`), else through a buffer."""
    left = size
    try:
        while left > 0:
            done = os.copy_file_range(fin, fout, left)
            if done == 0:
                break
            left -= done
        if left <= 0:
            return
    except OSError as exc:
        if exc.errno not in (*_NO_REFLINK, errno.EBADF, errno.EIO):
            raise
    os.lseek(fin, 0, os.SEEK_SET)
    os.lseek(fout, 0, os.SEEK_SET)
    os.ftruncate(fout, 0)
    while chunk := os.read(fin, 1 << 20):
        os.write(fout, chunk)


def _base_dir(root: Path) -> str | None:
    """The system temp folder, unless it is on another file system than the repo (a tmpfs
    `/tmp` beside a btrfs home): then `$XDG_CACHE_HOME/haikutui/scratch` when that one is on
    the repo's, so reflinks can be made. None: the system temp folder."""
    temp = tempfile.gettempdir()
    try:
        device = root.stat().st_dev
        if os.stat(temp).st_dev == device:
            return None
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        if cache.is_dir() and cache.stat().st_dev == device:
            scratch = cache / "haikutui" / "scratch"
            scratch.mkdir(parents=True, exist_ok=True, mode=0o700)
            return str(scratch)
    except OSError:
        pass
    return None


class ScratchTree:
    """A temp copy of the repo's working tree at `path` (named as the repo's folder).

    `write` and `remove` change it; `reset` puts back what they changed, from the user's tree.
    `files`, `reflinked`, `seconds` and `left_out` say what building it took.
    """

    def __init__(
        self,
        root: Path,
        texts: Mapping[str, str | bytes] | None = None,
        removed: Iterable[str] = (),
        *,
        base_dir: str | None = None,
    ) -> None:
        started = time.monotonic()
        self.root = Path(root)
        self._tmp = tempfile.TemporaryDirectory(
            prefix="haikutui-scratch-", dir=base_dir or _base_dir(self.root)
        )
        self.path = Path(self._tmp.name) / (self.root.name or "repo")
        self.files = 0
        self.reflinked = 0
        self.left_out: list[str] = []
        self.changed: set[str] = set()
        """Paths `write` or `remove` made differ from the user's tree."""
        try:
            self._copy_tree()
            if texts:
                self.write(texts)
            self.remove(removed)
        except BaseException:
            self._tmp.cleanup()
            raise
        self.seconds = time.monotonic() - started

    def _copy_tree(self) -> None:
        source_root = str(self.root)
        target_root = str(self.path)
        os.mkdir(target_root, 0o700)
        todo = [""]
        while todo:
            rel = todo.pop()
            source = os.path.join(source_root, rel) if rel else source_root
            target = os.path.join(target_root, rel) if rel else target_root
            with os.scandir(source) as entries:
                for entry in entries:
                    name = entry.name
                    child = f"{rel}/{name}" if rel else name
                    if name in SKIPPED_DIRS and not entry.is_file(follow_symlinks=False):
                        continue  # a cache, an environment (or a link to one)
                    if entry.is_symlink():
                        self._link(entry.path, os.path.join(target, name))
                    elif entry.is_dir(follow_symlinks=False):
                        if _is_environment(entry.path):
                            continue
                        os.mkdir(os.path.join(target, name), 0o700)
                        todo.append(child)
                    elif entry.is_file(follow_symlinks=False):
                        st = entry.stat(follow_symlinks=False)
                        if name == ".git":  # a worktree's or submodule's pointer file
                            continue
                        if st.st_size > MAX_FILE_BYTES:
                            self.left_out.append(child)
                            continue
                        self.reflinked += _clone(entry.path, os.path.join(target, name), st)
                        self.files += 1

    def _link(self, source: str, target: str) -> None:
        """A symlink stays one; an absolute one into the repo points into the copy instead.

        One that resolves outside the repo (`leak.py -> ~/.aws/credentials`) is left out, as
        the path guard refuses it: no check's output may quote what it points at.
        """
        resolved = os.path.realpath(source)
        if os.path.commonpath([resolved, os.path.realpath(self.root)]) != os.path.realpath(
            self.root
        ):
            self.left_out.append(os.path.relpath(source, self.root))
            return
        pointed = os.readlink(source)
        if os.path.isabs(pointed):
            inside = os.path.relpath(pointed, self.root)
            if not inside.startswith(os.pardir):
                pointed = str(self.path / inside)
        os.symlink(pointed, target)

    def _inside(self, rel: str) -> Path:
        """`rel` in the tree, refused when a symlinked folder would lead it out (an absolute
        link to elsewhere is kept as a link, and writing through it would reach that place)."""
        target = self.path / rel
        folder = target.parent
        while not folder.exists() and folder != self.path:
            folder = folder.parent
        if not folder.resolve().is_relative_to(self.path.resolve()):
            raise UsageError(f"{rel}: a symlinked folder leads out of the scratch tree")
        return target

    def write(self, texts: Mapping[str, str | bytes]) -> None:
        """New files replace the copies (never written through); `str` goes out as UTF-8."""
        for rel, text in texts.items():
            target = self._inside(rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)
            data = text.encode("utf-8") if isinstance(text, str) else text
            with open(target, "xb") as handle:
                handle.write(data)
            self.changed.add(rel)

    def remove(self, paths: Iterable[str]) -> None:
        for rel in paths:
            self._inside(rel).unlink(missing_ok=True)
            self.changed.add(rel)

    def read(self, rel: str) -> str:
        with open(self.path / rel, encoding="utf-8", newline="") as handle:
            return handle.read()

    def reset(self) -> None:
        """Every path `write` or `remove` changed, as it is in the user's tree again."""
        for rel in sorted(self.changed):
            target = self._inside(rel)
            target.unlink(missing_ok=True)
            source = self.root / rel
            try:
                st = source.lstat()
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                target.parent.mkdir(parents=True, exist_ok=True)
                _clone(str(source), str(target), st)
            elif stat.S_ISLNK(st.st_mode):
                target.parent.mkdir(parents=True, exist_ok=True)
                self._link(str(source), str(target))
        self.changed.clear()

    def close(self) -> None:
        self._tmp.cleanup()  # which makes read-only folders a test left writable first

    def __enter__(self) -> ScratchTree:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
