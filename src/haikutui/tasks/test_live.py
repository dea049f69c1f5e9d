"""A test run the user can watch and stop: counts from a tiny pytest plugin, and cancellation.

The counts come from our plugin (loaded with `-p`), which appends one line per test to a
file; the terminal text is never read. Cancelling kills the run's whole process group.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PLUGIN_MODULE = "haikutui_progress"
PLUGIN_SOURCE = r'''"""haikutui's plugin: one line per collected total and finished test, and a
`detail` line (JSON) per failure as pytest itself names and reports it."""
import json
import os

import pytest

_OUT = os.environ.get("HAIKUTUI_PROGRESS", "")
_ROOT = os.environ.get("HAIKUTUI_ROOT", "")
_MAX = 20000


def _write(line):
    if _OUT:
        with open(_OUT, "a", encoding="utf-8") as out:
            out.write(line + "\n")


def _rel(path):
    """Repo-relative when inside the run's root (no temp path leaves the run), else absolute."""
    path = os.path.abspath(str(path))
    if _ROOT and (path + os.sep).startswith(_ROOT + os.sep):
        return os.path.relpath(path, _ROOT).replace(os.sep, "/")
    return path


def _scrub(text):
    text = str(text)
    if _ROOT:
        text = text.replace(_ROOT + os.sep, "").replace(_ROOT, ".")
    return text[:_MAX]


def _frames(tb):
    out = []
    while tb is not None:
        code = tb.tb_frame.f_code
        path = _rel(code.co_filename)
        if not os.path.isabs(path):  # the project's own frames only: pytest's are noise
            out.append([path, tb.tb_lineno, code.co_name])
        tb = tb.tb_next
    return out


def _doctest(value):
    """Expected/Got of a failing doctest example, and where its docstring is."""
    failures = getattr(value, "failures", None) or [value]
    first = failures[0]
    test, example = getattr(first, "test", None), getattr(first, "example", None)
    if test is None or example is None:
        return None, []
    got = getattr(first, "got", None)
    frames = []
    exc_info = getattr(first, "exc_info", None)
    if got is None and exc_info:
        import traceback

        got = "".join(traceback.format_exception_only(exc_info[0], exc_info[1]))
        frames = _frames(exc_info[2])
    lineno = None if test.lineno is None else test.lineno + example.lineno + 1
    return {
        "name": test.name,
        "file": _rel(test.filename) if test.filename else "",
        "docstring_line": None if test.lineno is None else test.lineno + 1,
        "line": lineno,
        "source": _scrub(example.source),
        "want": _scrub(example.want),
        "got": _scrub(got or ""),
        "setup": [_scrub(e.source) for e in test.examples if e is not example][:20],
    }, frames


def _detail(report, frames, doctest):
    location = list(report.location) if getattr(report, "location", None) else []
    if location:
        location[0] = _rel(os.path.join(_ROOT or ".", location[0]))
    message = ""
    crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
    if crash is not None:
        message = _scrub(crash.message)
    _write("detail " + json.dumps({
        "nodeid": report.nodeid,
        "when": getattr(report, "when", "collect"),
        "location": location,
        "longrepr": _scrub(report.longreprtext),
        "message": message,
        "frames": frames,
        "doctest": doctest,
    }))


_TRACE = os.environ.get("HAIKUTUI_TRACE", "")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """For the one node id asked for: which of the repo's functions its call ran, in the
    order first called (a wrong value leaves no frame in a traceback; this finds its code)."""
    if not _TRACE or item.nodeid != _TRACE or not _ROOT:
        yield
        return
    import sys

    seen = {}
    prefix = _ROOT + os.sep

    def profile(frame, event, arg):
        if event != "call" or len(seen) >= 400:
            return
        code = frame.f_code
        name = code.co_filename
        if name.startswith(prefix) and "site-packages" not in name:
            key = (name, code.co_firstlineno)
            if key not in seen:
                seen[key] = code.co_name

    sys.setprofile(profile)
    try:
        yield
    finally:
        sys.setprofile(None)
        _write("trace " + json.dumps([[_rel(p), n, f] for (p, n), f in seen.items()]))


def pytest_collection_finish(session):
    _write("total %d" % len(session.items))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not report.failed or call.excinfo is None:
        return
    value = call.excinfo.value
    frames = _frames(call.excinfo.tb)
    doctest = None
    if type(value).__name__ in ("DocTestFailure", "UnexpectedException", "MultipleDoctestFailures"):
        doctest, inner = _doctest(value)
        frames = frames + inner
    _detail(report, frames, doctest)


def pytest_collectreport(report):
    if report.failed:
        _detail(report, [], None)


def pytest_runtest_logreport(report):
    if report.when == "call" or (report.when == "setup" and not report.passed):
        _write("%s %s" % (report.outcome, report.nodeid))
    elif report.when == "teardown" and report.failed:
        _write("error %s" % report.nodeid)
'''


@dataclass
class LiveCounts:
    """How far the run is: tests collected, finished, and failed so far."""

    total: int | None = None
    done: int = 0
    failed: int = 0
    last: str = ""
    outcomes: dict[str, str] = field(default_factory=dict)
    """nodeid -> `passed`, `failed`, `skipped` or `error` (teardown), as pytest reported each."""
    trace: list[object] = field(default_factory=list)
    """[path, first line, function] of each repo function the traced test called (untrusted)."""
    details: list[dict[str, object]] = field(default_factory=list)
    """One JSON object per failure as pytest reported it (`nodeid`, `when`, `location`,
    `longrepr`, `message`, `frames` [path, line, function], `doctest`); untrusted input,
    read by `test_context.reported_failures`."""


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
    trace: str = ""
    """A node id whose call the plugin traces (`LiveCounts.trace`)."""
    _file: Path = field(default_factory=Path, repr=False)

    def prepare(self, root: Path, env: dict[str, str]) -> None:
        """Put our plugin on the path of the run in `root` and ask pytest to load it."""
        folder = root.parent / "haikutui-plugin"
        folder.mkdir(exist_ok=True)
        (folder / f"{PLUGIN_MODULE}.py").write_text(PLUGIN_SOURCE)
        self._file = root.parent / "haikutui-progress.txt"
        self._file.unlink(missing_ok=True)
        env["HAIKUTUI_PROGRESS"] = str(self._file)
        env["HAIKUTUI_ROOT"] = os.path.abspath(root)  # paths in details become repo-relative
        if self.trace:
            env["HAIKUTUI_TRACE"] = self.trace
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
                try:  # back at once when it ends, not at the next poll
                    proc.wait(timeout=self.poll)
                except subprocess.TimeoutExpired:
                    pass
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
        elif word == "detail":
            try:
                found = json.loads(rest)
            except ValueError:  # a line still being written
                continue
            if isinstance(found, dict):
                counts.details.append(found)
        elif word == "trace":
            try:
                found = json.loads(rest)
            except ValueError:
                continue
            if isinstance(found, list):
                counts.trace = found
        elif word == "error" and rest:
            counts.outcomes.setdefault(rest, "error")
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
