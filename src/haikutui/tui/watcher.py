"""Watch the working tree with `watchfiles.awatch` (inotify, no polling of files) and report
which repo paths changed, debounced, with `.git/` and git-ignored paths left out.

The app runs `RepoWatcher.run` in one async worker and fans each batch out through a Textual
`Signal`; screens subscribe and decide what a change means to them (re-list, reload, stale).
"""

from __future__ import annotations

import asyncio
import subprocess
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

DEBOUNCE_MS = 400
"""Longest a burst of events (a checkout, a formatter run) is gathered before it is reported."""
STEP_MS = 50
"""Quiet time that ends a batch; a single save is reported about this long after it lands."""
TEMP_SUFFIX = ".haikutui"
"""`atomic.write_atomic`'s temp files: the rename that follows is the event that matters."""


def relative_paths(root: Path, raw: Iterable[str], skip: tuple[str, ...] = ()) -> set[str]:
    """Repo-relative POSIX paths, without `.git/`, our temp files and submodule internals."""
    out: set[str] = set()
    for name in raw:
        try:
            rel = Path(name).relative_to(root)
        except ValueError:
            continue
        parts = rel.parts
        if not parts or ".git" in parts or parts[-1].endswith(TEMP_SUFFIX):
            continue
        posix = rel.as_posix()
        if any(posix == sub or posix.startswith(sub + "/") for sub in skip):
            continue
        out.add(posix)
    return out


def drop_ignored(root: Path, paths: set[str]) -> set[str]:
    """One `git check-ignore --stdin` for the whole batch; tracked files are never dropped."""
    if not paths:
        return paths
    ordered = sorted(paths)
    proc = subprocess.run(
        ["git", "check-ignore", "-z", "--stdin"],
        cwd=root,
        input="\0".join(ordered).encode() + b"\0",
        capture_output=True,
    )
    if proc.returncode not in (0, 1):
        return paths  # git could not tell (a path in a submodule, say): report, do not lose it
    ignored = {p for p in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if p}
    return paths - ignored


class RepoWatcher:
    """`run` reports batches of changed paths until `stop` is called (from any thread).

    It runs in a daemon thread of its own (`run_in_thread`) with its own event loop: setting up
    inotify on a large tree walks every folder (0.3 s at 100,000 files) and must not freeze
    the screen. Between events it sleeps in watchfiles' Rust loop; nothing polls the files.
    """

    def __init__(
        self,
        root: Path,
        *,
        skip: tuple[str, ...] = (),
        debounce_ms: int = DEBOUNCE_MS,
        step_ms: int = STEP_MS,
    ) -> None:
        self.root = root
        self.skip = skip
        self.debounce_ms, self.step_ms = debounce_ms, step_ms
        self._stop = threading.Event()
        """awatch's stop event: its thread checks it, so stopping never waits for a timeout."""
        self.ready = threading.Event()
        """Set once the inotify watches are in place: tests edit files only after that."""

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def _keep(self, _change: object, path: str) -> bool:
        """Dropped before Python sees a batch: .git/ churn (our own `git status`), temp files."""
        return "/.git/" not in path + "/" and not path.endswith(TEMP_SUFFIX)

    def run_in_thread(self, publish: Callable[[set[str]], object]) -> None:
        """The body of a thread worker; returns soon after `stop`."""
        asyncio.run(self.run(publish))

    async def run(self, publish: Callable[[set[str]], object]) -> None:
        from watchfiles import awatch  # the Rust extension loads when watching starts

        changes = awatch(
            self.root,
            watch_filter=self._keep,
            debounce=self.debounce_ms,
            step=self.step_ms,
            stop_event=self._stop,
        )
        pending = asyncio.ensure_future(anext(changes))
        for _ in range(3):
            await asyncio.sleep(0)  # the generator's first step sets up the watches
        self.ready.set()
        try:
            while not self.stopped:
                batch = await pending
                paths = relative_paths(self.root, (name for _, name in batch), self.skip)
                paths = drop_ignored(self.root, paths)
                if paths and not self.stopped:
                    publish(paths)
                pending = asyncio.ensure_future(anext(changes))
        except StopAsyncIteration:
            pass
        finally:
            self._stop.set()
            await asyncio.wait([pending])
            if not pending.cancelled():
                pending.exception()  # retrieved: StopAsyncIteration once stopped
            await changes.aclose()
