"""The project's suite as it is on disk, run on a mirror, with failures as pytest names them.

Kept apart from the repair (tasks/test_repair.py) so that a green `haikutui test` imports
no model code: it runs pytest, reads the records, and says so.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from haikutui.core.repo import Repo
from haikutui.tasks.test_failures import reported_failures
from haikutui.tasks.test_live import LiveCounts, LiveRun
from haikutui.tasks.verdict.test_runner import TestCommand, TestResult, run_tests


def run_suite(
    repo: Repo,
    command: TestCommand,
    args: Sequence[str] = (),
    *,
    timeout: float = 300.0,
    live: LiveRun | None = None,
    preload: bool = True,
) -> TestResult:
    """The project's tests as they are on disk (on a mirror: nothing of the user's is touched).

    `args` are pytest's own (paths, `-k`, ...); a shell command without `{tests}` ignores them.
    With `preload`, the first failure starts the SDK's import in a thread (`preload_client`).
    """
    live = live if live is not None else LiveRun()
    if preload:
        told = live.on_progress

        def on_progress(counts: LiveCounts) -> None:
            if counts.failed or counts.details:
                preload_client()
            if told is not None:
                told(counts)

        live.on_progress = on_progress
    result = run_tests(repo, command, {}, tests=list(args) or None, timeout=timeout, live=live)
    use_reported(result, live)
    return result


def use_reported(result: TestResult, live: LiveRun) -> None:
    """Failures as pytest named them (node ids, frames, doctests) in place of JUnit's guesses."""
    reported = reported_failures(live.counts.details)
    if reported:
        result.failures = list(reported)


PASS_THROUGH = ("--doctest", "--import-mode", "--rootdir", "-p")
"""pytest options of the first run the proof needs too: how doctests and modules are found."""


def proof_options(args: Sequence[str]) -> list[str]:
    """The options of `args` that change what a node id means (`--doctest-glob=...`)."""
    return [a for a in args if a.startswith(PASS_THROUGH) and "=" in a or a == "--doctest-modules"]


_PRELOAD: list[threading.Thread] = []


def preload_client() -> None:
    """Import the SDK (~1.7 s) in a thread while the suite still runs: once a test has failed,
    a request will follow. Never at module load, and only once per process."""
    if _PRELOAD:
        return

    def load() -> None:
        try:
            import anthropic  # noqa: F401
        except Exception:  # noqa: BLE001 - the request itself will say what is wrong
            pass

    thread = threading.Thread(target=load, name="haikutui-preload", daemon=True)
    _PRELOAD.append(thread)
    thread.start()


def trace_calls(
    repo: Repo,
    command: TestCommand,
    nodeid: str,
    options: Sequence[str] = (),
    *,
    timeout: float = 300.0,
) -> list[tuple[str, int, str]]:
    """The repo's functions the test's call ran, in the order first called: the test alone,
    on a mirror, with our plugin's profiler on. Empty when it cannot say (not pytest)."""
    from pathlib import PurePosixPath

    live = LiveRun(trace=nodeid)
    run_tests(repo, command, {}, tests=[*options, nodeid], timeout=timeout, live=live)
    found: list[tuple[str, int, str]] = []
    for entry in live.counts.trace:
        if not (isinstance(entry, list) and len(entry) == 3):
            continue
        path, line, name = entry
        if not (isinstance(path, str) and isinstance(line, int) and isinstance(name, str)):
            continue
        posix = PurePosixPath(path)
        if posix.is_absolute() or ".." in posix.parts or not path.endswith(".py"):
            continue
        found.append((path, line, name[:200]))
    return found
