"""A test run the user can watch and stop: counts from a tiny pytest plugin, and cancellation.

The counts come from our plugin (loaded with `-p`), which appends one line per test to a
file; the terminal text is never read. Cancelling kills the run's whole process group.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PLUGIN_MODULE = "haikutui_progress"
PLUGIN_SOURCE = '''"""haikutui's progress plugin: one line per collected total and per finished test."""
import os

_OUT = os.environ.get("HAIKUTUI_PROGRESS", "")


def _write(line):
    if _OUT:
        with open(_OUT, "a", encoding="utf-8") as out:
            out.write(line + "\\n")


def pytest_collection_finish(session):
    _write("total %d" % len(session.items))


def pytest_runtest_logreport(report):
    if report.when == "call" or (report.when == "setup" and not report.passed):
        _write("%s %s" % (report.outcome, report.nodeid))
'''


@dataclass
class LiveCounts:
    """How far the run is: tests collected, finished, and failed so far."""

    total: int | None = None
    done: int = 0
    failed: int = 0
    last: str = ""
    outcomes: dict[str, str] = field(default_factory=dict)
    """nodeid -> `passed`, `failed` or `skipped`, as pytest reported each test."""


ProgressCallback = Callable[[LiveCounts], None]


class Cancelled(Exception):
    """The user stopped the test run; the process group is gone."""


@dataclass
class LiveRun:
    """Pass to `test_runner.run_in(..., live=...)`: report counts, and stop when `cancel` is set."""

    on_progress: ProgressCallback | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    poll: float = 0.1
    counts: LiveCounts = field(default_factory=LiveCounts)
    """The counts as last read; after the run, every test pytest reported."""
    _file: Path = field(default_factory=Path, repr=False)

    def prepare(self, root: Path, env: dict[str, str]) -> None:
        """Put our plugin on the path of the run in `root` and ask pytest to load it."""
        folder = root.parent / "haikutui-plugin"
        folder.mkdir(exist_ok=True)
        (folder / f"{PLUGIN_MODULE}.py").write_text(PLUGIN_SOURCE)
        self._file = root.parent / "haikutui-progress.txt"
        self._file.unlink(missing_ok=True)
        env["HAIKUTUI_PROGRESS"] = str(self._file)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(folder), env.get("PYTHONPATH")]))
        env["PYTEST_ADDOPTS"] = f"{env.get('PYTEST_ADDOPTS', '')} -p {PLUGIN_MODULE}".strip()

    def run(
        self, argv: list[str] | str, *, shell: bool, cwd: Path, env: dict[str, str], timeout: float
    ) -> subprocess.CompletedProcess[str]:
        """Like `subprocess.run`, polling the progress file; raises Cancelled or TimeoutExpired."""
        proc = subprocess.Popen(
            argv,
            shell=shell,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=True,  # its own process group, so cancel reaches pytest's children
        )
        chunks: list[str] = []
        reader = threading.Thread(
            target=lambda: chunks.append(proc.stdout.read() if proc.stdout else "")
        )
        reader.start()
        deadline = time.monotonic() + timeout
        seen = ""
        try:
            while proc.poll() is None:
                if self.cancel.is_set():
                    raise Cancelled("cancelled; the test run was stopped")
                if time.monotonic() > deadline:
                    raise subprocess.TimeoutExpired(argv, timeout)
                seen = self._report(seen)
                time.sleep(self.poll)
        except BaseException:
            _kill(proc)
            raise
        finally:
            reader.join(timeout=5)
        self._report(seen)
        return subprocess.CompletedProcess(argv, proc.returncode, "".join(chunks), "")

    def _report(self, seen: str) -> str:
        try:
            text = self._file.read_text(encoding="utf-8")
        except OSError:
            return seen
        if text != seen:
            self.counts = parse_counts(text)
            if self.on_progress is not None:
                self.on_progress(self.counts)
        return text


def parse_counts(text: str) -> LiveCounts:
    counts = LiveCounts()
    for line in text.splitlines():
        word, _, rest = line.partition(" ")
        if word == "total" and rest.isdigit():
            counts.total = int(rest)
        elif word in ("passed", "failed", "skipped"):
            counts.done += 1
            counts.failed += word == "failed"
            counts.last = rest
            counts.outcomes[rest] = word
    return counts


def _kill(proc: subprocess.Popen[str]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()
