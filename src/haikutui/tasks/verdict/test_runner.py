"""The user's tests, run in a scratch tree of the repo with a proposal in it, read as JUnit XML.

The user's tree is never the one tested: a proposal is judged before it is applied. Results
come from pytest's `--junitxml` (machine form), never from its terminal text.

    command = find_test_command(repo.root, settings.test_command)
    texts, removed = proposal_texts(proposal)
    selected = select_tests(repo, changed_paths(proposal))
    result = run_tests(repo, command, texts, removed=removed, tests=selected, timeout=300)
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from haikutui.core.child_env import child_env
from haikutui.core.errors import NotTrusted
from haikutui.core.proposal import MovedFileChange, Proposal
from haikutui.core.repo import Repo
from haikutui.core.scratch_tree import ScratchTree
from haikutui.core.trust import NOT_TRUSTED
from haikutui.tasks.test_live import LiveRun
from haikutui.tasks.verdict.import_graph import ImportGraph

VENV_DIRS: tuple[str, ...] = (".venv", "venv")
TESTS_PLACEHOLDER = "{tests}"
JUNIT_OPTIONS = "-o junit_family=xunit1 -p no:cacheprovider"
"""xunit1 puts `file` and `line` on each testcase, so a nodeid can be rebuilt exactly."""


@dataclass(frozen=True)
class TestCommand:
    """How to run the tests: the user's shell command, or pytest from the repo's own venv."""

    __test__ = False  # not a pytest class, whatever its name says

    shell: str = ""
    """The configured `[checks] test_command`, run with the shell; may hold `{tests}`."""
    python: str = ""
    """A venv's python that has pytest; run as `python -m pytest <selected tests>`."""
    pass_env: tuple[str, ...] = ()
    """Variables the run keeps that `core/child_env.py` would drop (`[env] pass`)."""

    @property
    def label(self) -> str:
        return self.shell if self.shell else f"{self.python} -m pytest"

    @property
    def selects(self) -> bool:
        """True when the command runs only the tests it is given."""
        return bool(self.python) or TESTS_PLACEHOLDER in self.shell


@dataclass(frozen=True)
class TestFailure:
    """One failed or erroring test, with where it failed and pytest's own report of it."""

    __test__ = False

    nodeid: str
    kind: str
    """`failure` (an assertion or exception in the test) or `error` (setup, teardown, import)."""
    path: str
    line: int | None
    message: str
    traceback: str

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path


@dataclass
class TestResult:
    """What ran and how it ended. `ok` only when the command exited 0 and nothing failed."""

    __test__ = False

    command: str
    returncode: int | None
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    failures: list[TestFailure] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)
    """The test files given to the command; empty when it ran its own selection."""
    timed_out: bool = False
    junit: bool = False
    """True when the counts come from a JUnit XML report; else only the exit code is known."""
    output_tail: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.timed_out and self.returncode == 0 and not self.failed and not self.errors

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.errors + self.skipped

    @property
    def summary(self) -> str:
        """One line for the verdict: `12 passed`, `2 failed, 10 passed`, `exit 3: ...`."""
        if self.timed_out:
            return f"timed out after {self.seconds:.0f}s"
        if self.junit and self.total:
            parts = [
                f"{n} {word}"
                for n, word in (
                    (self.failed, "failed"),
                    (self.errors, "errors" if self.errors != 1 else "error"),
                    (self.passed, "passed"),
                    (self.skipped, "skipped"),
                )
                if n
            ]
            text = ", ".join(parts)
            if self.returncode not in (0, 1) and not (self.failed or self.errors):
                text += f", exit {self.returncode}"
            return text
        if self.returncode == 0:
            return "passed"
        return f"exit {self.returncode}: {self.output_tail or 'no output'}"


def find_test_command(
    root: Path, configured: str = "", *, trusted: bool, pass_env: Sequence[str] = ()
) -> TestCommand | None:
    """The configured command wins; else pytest in the repo's `.venv` or `venv`; else None.

    Both run the repo's own code (pytest imports its `conftest.py`): None unless `trusted`.
    A venv counts only when it is one (`pyvenv.cfg`) and its `bin/` resolves inside it.
    """
    if not trusted:
        return None
    if configured.strip():
        return TestCommand(shell=configured.strip(), pass_env=tuple(pass_env))
    for name in VENV_DIRS:
        venv = (root / name).resolve()
        if not (venv / "pyvenv.cfg").is_file():
            continue
        for python in (root / name / "bin" / "python", root / name / "Scripts" / "python.exe"):
            own = python.parent.resolve().is_relative_to(venv)
            if own and python.is_file() and _has_pytest(python.parent.parent):
                return TestCommand(python=str(python), pass_env=tuple(pass_env))
    return None


def _has_pytest(venv: Path) -> bool:
    """Looks for the installed package instead of starting the interpreter (~0.3 s)."""
    libs = [*venv.glob("lib/python*/site-packages"), venv / "Lib" / "site-packages"]
    return any((lib / "pytest").is_dir() or (lib / "_pytest").is_dir() for lib in libs)


def proposal_texts(proposal: Proposal) -> tuple[dict[str, bytes], list[str]]:
    """The proposal's new files as bytes in their own encoding, and the paths a move removes."""
    texts: dict[str, bytes] = {}
    removed: list[str] = []
    for change in proposal.changes:
        path = change.path
        if isinstance(change, MovedFileChange) and change.move_accepted:
            path = change.target_path
            removed.append(change.old_path or change.path)
        base = change.base
        texts[path] = base.encode(change.new_text) if base else change.new_text.encode()
    return texts, removed


def changed_paths(proposal: Proposal) -> list[str]:
    """Every path the proposal writes or removes: the old and new places of a move."""
    texts, removed = proposal_texts(proposal)
    return sorted({*texts, *removed, *(c.path for c in proposal.changes)})


def select_tests(repo: Repo, changed: Iterable[str], graph: ImportGraph | None = None) -> list[str]:
    """Test files whose imports reach a changed module, directly or through other modules.

    A changed test file is selected itself; a changed `conftest.py`, or one that reaches a
    changed module, selects every test file under its folder.
    """
    graph = graph if graph is not None else ImportGraph.of_repo(repo)
    return graph.tests_reaching(list(changed))


def run_tests(
    repo: Repo,
    command: TestCommand,
    texts: Mapping[str, str | bytes],
    *,
    removed: Iterable[str] = (),
    tests: Sequence[str] | None = None,
    timeout: float = 300.0,
    live: LiveRun | None = None,
) -> TestResult:
    """Run `command` in a scratch tree of the repo (core/scratch_tree.py: tracked, untracked
    and ignored files, such as a generated `_version.py`) with `texts` written in and
    `removed` left out.

    `tests` are the test files to run (for pytest and `{tests}` commands); None runs the
    command's own selection. An empty list runs nothing and says so (`total == 0`).
    """
    with ScratchTree(repo.root, texts, removed) as tree:
        return run_in(tree.path, command, tests=tests, timeout=timeout, live=live)


def run_in(
    root: Path,
    command: TestCommand,
    *,
    tests: Sequence[str] | None = None,
    timeout: float = 300.0,
    live: LiveRun | None = None,
) -> TestResult:
    """Run `command` in `root` (a scratch tree, or any prepared tree) and read its JUnit report.

    The report goes to a temp dir of its own: nothing is written beside `root`.
    """
    with tempfile.TemporaryDirectory(prefix="haikutui-junit-") as reports:
        return _run(root, command, tests, timeout, Path(reports) / "junit.xml", live)


def _run(
    root: Path,
    command: TestCommand,
    tests: Sequence[str] | None,
    timeout: float,
    report: Path,
    live: LiveRun | None,
) -> TestResult:
    import time

    selected = list(tests) if tests is not None else []
    env = child_env(command.pass_env)  # the repo's code never sees the user's credentials
    # pytest anywhere under the command (make, tox, a script) writes the report for us.
    junit = f"--junitxml={shlex.quote(str(report))}"
    env["PYTEST_ADDOPTS"] = " ".join(
        filter(None, [env.get("PYTEST_ADDOPTS", ""), junit, JUNIT_OPTIONS])
    )
    # The mirror's modules come first, before an editable install of the user's tree.
    paths = [str(root / "src")] if (root / "src").is_dir() else []
    env["PYTHONPATH"] = os.pathsep.join([*paths, str(root), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep
    )
    env.pop("PYTHONHOME", None)
    # The same tree may run twice (with the change, then without): no bytecode of the first
    # run's texts may outlive them, and git must not find a repo above the tree.
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["GIT_CEILING_DIRECTORIES"] = str(root.parent)
    if live is not None:  # counts while it runs, and Esc: see tasks/test_live.py
        live.prepare(root, env)
    if command.python:
        argv: list[str] | str = [command.python, "-m", "pytest", "-q", *selected]
        shell = False
    else:
        argv = command.shell.replace(TESTS_PLACEHOLDER, " ".join(shlex.quote(t) for t in selected))
        shell = True
    result = TestResult(command=command.label, returncode=None, selected=selected)
    if tests is not None and not selected and command.selects:
        return result  # nothing to run: the caller says "no tests import the change"
    started = time.monotonic()
    try:
        if live is not None:
            proc = live.run(argv, shell=shell, cwd=root, env=env, timeout=timeout)
        else:
            proc = subprocess.run(
                argv,
                shell=shell,
                cwd=root,
                env=env,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=timeout,
                stdin=subprocess.DEVNULL,
            )
    except subprocess.TimeoutExpired:
        result.timed_out = True
        result.seconds = timeout
        return result
    except OSError as exc:
        result.returncode = 127
        result.output_tail = str(exc)
        return result
    result.seconds = time.monotonic() - started
    result.returncode = proc.returncode
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    result.output_tail = lines[-1].strip() if lines else ""
    if report.is_file():
        read_junit(report, result)
    return result


CRASH_LINE = re.compile(r"^(?P<path>[^\s:][^:\n]*\.py):(?P<line>\d+): ", re.MULTILINE)


def read_junit(report: Path, into: TestResult) -> None:
    """Counts and failures from a pytest JUnit XML report (xunit1, one or more suites)."""
    try:
        tree = ET.parse(report)
    except ET.ParseError:
        return
    into.junit = True
    for case in tree.iter("testcase"):
        outcome = next(
            (child for child in case if child.tag in ("failure", "error", "skipped")), None
        )
        if outcome is None:
            into.passed += 1
            continue
        if outcome.tag == "skipped":
            into.skipped += 1
            continue
        if outcome.tag == "failure":
            into.failed += 1
        else:
            into.errors += 1
        into.failures.append(_failure(case, outcome))


def _failure(case: ET.Element, outcome: ET.Element) -> TestFailure:
    file = case.get("file") or ""
    classname, name = case.get("classname", ""), case.get("name", "")
    module = file[:-3].replace("/", ".") if file.endswith(".py") else ""
    inner = classname[len(module) + 1 :] if module and classname.startswith(module + ".") else ""
    nodeid = "::".join(filter(None, [file or classname, *inner.split("."), name]))
    text = outcome.text or ""
    crashes = list(CRASH_LINE.finditer(text))
    # pytest ends a long report with `path:line: ExcType`, where the failure happened.
    crash = crashes[-1] if crashes else None
    line: int | None
    if crash is not None:
        path, line = crash["path"], int(crash["line"])
    else:
        path = file
        line = int(case.get("line", "-1")) + 1 if case.get("line") else None
    return TestFailure(
        nodeid=nodeid,
        kind="failure" if outcome.tag == "failure" else "error",
        path=path,
        line=line,
        message=(outcome.get("message") or "").strip().splitlines()[0]
        if (outcome.get("message") or "").strip()
        else "",
        traceback=text,
    )


def pytest_command(
    root: Path, configured: str = "", *, trusted: bool, pass_env: Sequence[str] = ()
) -> tuple[TestCommand, str]:
    """`find_test_command`, then a `uv` project, then `python -m pytest`; with a warning for the
    fallback, since that python may not have the project's dependencies. Each runs the repo's
    code: an untrusted repo raises NotTrusted."""
    if not trusted:
        raise NotTrusted(f"tests not run ({NOT_TRUSTED}, or --trust for this run)")
    found = find_test_command(root, configured, trusted=trusted, pass_env=pass_env)
    if found is not None:
        return found, ""
    uv = shutil.which("uv")
    if uv and (root / "uv.lock").is_file():
        project = shlex.quote(str(root))
        line = f"{uv} run --project {project} python -m pytest -q {{tests}}"
        return TestCommand(shell=line, pass_env=tuple(pass_env)), ""
    import sys

    python = shutil.which("python3") or sys.executable
    warning = (
        f"no [checks] test_command and no .venv, venv or uv project in the repo: "
        f"running `{python} -m pytest`, which may lack the project's dependencies"
    )
    return TestCommand(python=python, pass_env=tuple(pass_env)), warning
