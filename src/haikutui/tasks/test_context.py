"""What a test repair sends: the failure, its traceback cut to the project's frames, the test.

Library frames (site-packages, the standard library) and long reprs cost tokens and rarely
help the model; the project's own frames, the exception lines and the test's source do.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from haikutui.core.repo import Repo
from haikutui.model.editor_tool import numbered
from haikutui.model.fix_request import SYSTEM_PROMPT, WHOLE_FILE_LINES, FixRequest
from haikutui.tasks.test_runner import TestFailure

SEPARATOR = re.compile(r"^(?:_ )+_\s*$")
LOCATION = re.compile(r"^(?P<path>[^\s:][^:\n]*\.py):(?P<line>\d+): ?(?P<what>.*)$")
LIBRARY_PARTS = frozenset({"site-packages", "dist-packages", ".venv", "venv", ".tox", ".nox"})
MAX_LINE = 200
"""Longer lines (a repr of a big list, a long string) are cut to this many characters."""
CONTEXT_BEFORE = 6
"""Lines of a frame's code kept before its `>` line."""
MAX_ERROR_LINES = 12

TEST_SYSTEM = (
    SYSTEM_PROMPT
    + """
- This is a failing test to repair. Decide whether the code under test or the test itself is \
wrong, and fix that one with the smallest change. Never delete, skip or weaken an assertion \
just to make it pass.
- The test's source is shown: edit it with `str_replace` without viewing it first.
- Begin your reply with one line: "Fixing the code: <why>" or "Fixing the test: <why>"."""
)


@dataclass(frozen=True)
class Frame:
    """One traceback entry: where it is, and the lines pytest printed for it."""

    path: str
    line: int
    lines: list[str]


def split_frames(text: str) -> list[Frame]:
    """pytest's long report as frames: long entries end with `path:line: ...`, short ones
    start with it (`--tb=auto` mixes both), and sections are divided by `_ _ _` lines."""
    frames: list[Frame] = []
    sections: list[list[str]] = [[]]
    for line in text.splitlines():
        if SEPARATOR.match(line):
            sections.append([])
        else:
            sections[-1].append(line)
    for section in sections:
        while section and not section[-1].strip():
            section.pop()
        while section and not section[0].strip():
            section.pop(0)
        if not section:
            continue
        if LOCATION.match(section[0]) and not section[0].endswith(": "):
            current: list[str] = []
            for line in section:  # short entries: each location line opens a frame
                found = LOCATION.match(line)
                if found and current:
                    frames.append(_frame(current))
                    current = []
                current.append(line)
            if current:
                frames.append(_frame(current))
        else:
            frames.append(_frame(section))
    return [f for f in frames if f.path]


def _frame(lines: list[str]) -> Frame:
    for line in (lines[0], lines[-1]):
        found = LOCATION.match(line)
        if found:
            return Frame(found["path"], int(found["line"]), lines)
    return Frame("", 0, lines)


def is_project_file(path: str, root: Path) -> bool:
    """A relative path inside the repo, not in a venv or site-packages."""
    posix = PurePosixPath(path)
    if posix.is_absolute() or ".." in posix.parts:
        return False
    if LIBRARY_PARTS.intersection(posix.parts):
        return False
    return (root / path).is_file()


def _cut(line: str) -> str:
    return line if len(line) <= MAX_LINE else line[:MAX_LINE] + " …(cut)"


def _trim_frame(frame: Frame) -> list[str]:
    """The code around the `>` line, the `E` lines (at most a dozen) and the location."""
    lines = frame.lines
    marker = next((i for i, line in enumerate(lines) if line.startswith(">")), None)
    kept: list[str] = []
    if marker is not None:
        start = max(0, marker - CONTEXT_BEFORE)
        if start:
            kept.append("    …")
        kept.extend(lines[start : marker + 1])
        rest = lines[marker + 1 :]
        statement = next((i for i, line in enumerate(rest) if line.startswith("E ")), len(rest))
        kept.extend(rest[: min(statement, MAX_ERROR_LINES)])  # the statement's other lines
        errors = [line for line in rest if line.startswith("E ")]
        kept.extend(errors[:MAX_ERROR_LINES])
        if len(errors) > MAX_ERROR_LINES:
            kept.append(f"E   …({len(errors) - MAX_ERROR_LINES} more lines cut)")
        if LOCATION.match(lines[-1]):
            kept.append(lines[-1])
    else:
        kept = lines[: CONTEXT_BEFORE + 4]
    return [_cut(line) for line in kept]


def trim_traceback(text: str, root: Path) -> str:
    """The project's own frames only; a library frame where it failed leaves its `E` lines."""
    frames = split_frames(text)
    if not frames:
        return "\n".join(_cut(line) for line in text.splitlines()[:40])
    out: list[str] = []
    dropped = 0
    for frame in frames:
        if is_project_file(frame.path, root):
            if dropped:
                out.append(f"    …({dropped} library frame{'s' * (dropped != 1)} left out)")
                dropped = 0
            out.append("\n".join(_trim_frame(frame)))
        else:
            dropped += 1
    last = frames[-1]
    if dropped:
        errors = [_cut(line) for line in last.lines if line.startswith("E ")][:MAX_ERROR_LINES]
        out.append(
            f"    …({dropped} library frame{'s' * (dropped != 1)} left out; it failed in "
            f"{PurePosixPath(last.path).name}:{last.line})\n" + "\n".join(errors)
        )
    return "\n---\n".join(out)


@dataclass(frozen=True)
class TestContext:
    """Everything one repair request carries about its failure."""

    __test__ = False

    failure: TestFailure
    traceback: str
    """Trimmed to the project's own frames."""
    test_path: str
    test_lines: tuple[int, int] | None
    test_source: str
    path: str
    """The file the request shows in full: where the failure happened, as in a quick fix."""
    focus: tuple[int, int] | None = None
    """The lines of `path` that matter (the failing line, or the called definition)."""

    @property
    def test_name(self) -> str:
        return self.failure.nodeid.rsplit("::", 1)[-1]


def source_of_test(repo: Repo, nodeid: str) -> tuple[str, tuple[int, int] | None, str]:
    """The test file, the test function's line range and its source (decorators included)."""
    parts = nodeid.split("::")
    path = parts[0]
    names = [re.sub(r"\[.*\]$", "", part) for part in parts[1:]]
    try:
        text = repo.read_for_model(path).text
        tree = ast.parse(text)
    except (SyntaxError, ValueError, OSError, Exception):  # noqa: BLE001 - any unreadable test
        return path, None, ""
    body: list[ast.stmt] = tree.body
    node: ast.AST | None = None
    for name in names:
        node = next(
            (
                n
                for n in body
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                and n.name == name
            ),
            None,
        )
        if node is None:
            return path, None, ""
        body = getattr(node, "body", [])
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return path, None, ""
    start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    end = node.end_lineno or node.lineno
    source = "\n".join(text.split("\n")[start - 1 : end])
    return path, (start, end), source


def failure_context(repo: Repo, failure: TestFailure) -> TestContext:
    """Trim the traceback, find the test's source and the file the failure happened in."""
    traceback = trim_traceback(failure.traceback, repo.root)
    test_path, lines, source = source_of_test(repo, failure.nodeid)
    frames = [f for f in split_frames(failure.traceback) if is_project_file(f.path, repo.root)]
    path = frames[-1].path if frames else test_path
    focus = (frames[-1].line, frames[-1].line) if frames else None
    if not (repo.root / path).is_file():
        path, focus = test_path, lines
    if is_test_path(path, test_path):
        # An assert in the test failed: the code it calls is what most often needs the fix,
        # so that file is shown, and the test travels as its source.
        failing = "\n".join(frames[-1].lines if frames else [])
        found = code_under_test(repo, path, failing, source)
        if found is not None:
            path, focus = found
    return TestContext(failure, traceback, test_path, lines, source, path, focus)


def code_under_test(
    repo: Repo, test_path: str, failing: str, source: str
) -> tuple[str, tuple[int, int] | None] | None:
    """The project module defining a name the failing statement (or else the test) uses.

    Modules are those the test file reaches through its imports, so `mi.ilen(...)` after
    `import more_itertools as mi` finds `more_itertools/more.py`, where `ilen` is defined.
    """
    from haikutui.tasks.import_graph import ImportGraph

    graph = ImportGraph.of_repo(repo)
    reached: list[str] = []
    todo = [test_path]
    while todo and len(reached) < 200:
        for module in sorted(graph.imports(todo.pop())):
            if module not in reached and not is_test_path(module):
                reached.append(module)
                todo.append(module)
    defined: dict[str, tuple[str, tuple[int, int]]] = {}
    for module in reached:
        for name, span in _top_level_names(graph.text(module)):
            defined.setdefault(name, (module, span))
    for name in _candidates(_statement(failing), source):
        if name in defined:
            return defined[name]
    first = next((m for m in reached if not m.endswith("__init__.py")), None)
    return (first, None) if first is not None else None


def _names(text: str) -> list[str]:
    return re.findall(r"[A-Za-z_]\w*", text)


def _candidates(statement: str, source: str) -> list[str]:
    """Names in the order they likely name the code under test: the failing statement's,
    innermost call first (`take(4, run_length.encode(x))` is about `run_length`), then those
    that made its variables (`actual = ...`), then the rest of the test."""
    names = list(reversed(_names(statement)))
    for var in _names(statement):
        for line in source.splitlines():
            if re.match(rf"\s*{re.escape(var)}\s*=[^=]", line):
                names.extend(reversed(_names(line.split("=", 1)[1])))
    return names + _names(source)


def _statement(failing: str) -> str:
    """The failing statement: the `>` line and the lines after it, up to the `E` lines."""
    lines = failing.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(">")), None)
    if start is None:
        return ""
    out = [lines[start]]
    for line in lines[start + 1 :]:
        if line.startswith("E ") or LOCATION.match(line):
            break
        out.append(line)
    return "\n".join(out)


def _top_level_names(text: str) -> list[tuple[str, tuple[int, int]]]:
    """Top-level functions and classes, with their line ranges."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    return [
        (node.name, (node.lineno, node.end_lineno or node.lineno))
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]


def repair_request(context: TestContext, file_lines: int = 0) -> FixRequest:
    """A FixRequest on the failing frame's file, whose instruction carries the failure."""
    failure = context.failure
    parts = [
        f"The test {failure.nodeid} fails ({failure.kind} at {failure.location}).",
        f"pytest's report, trimmed to the project's own frames:\n```\n{context.traceback}\n```",
    ]
    if context.test_lines is not None and context.test_path != context.path:
        start, _ = context.test_lines
        parts.append(
            f"The test's source ({context.test_path}, from line {start}):\n```python\n"
            f"{numbered(context.test_source, start)}\n```"
        )
    elif context.test_lines is not None:
        start, end = context.test_lines
        parts.append(f"The test is in the file shown, lines {start}-{end}.")
    parts.append(
        "Make this test pass: fix the code if the code is wrong, or the test if the test is "
        "wrong. Say which in your first line."
    )
    # Over WHOLE_FILE_LINES the file travels as a window around the lines that matter.
    window = context.focus if file_lines > WHOLE_FILE_LINES else None
    if window is not None:
        parts.append(
            f"The lines shown as selected ({window[0]}-{window[1]}) are where the failure "
            "happened or the code the test calls; the user did not select them."
        )
    return FixRequest(context.path, "\n\n".join(parts), window)


TEST_NAME = re.compile(r"(^|/)(test_[^/]*\.py|[^/]*_test\.py|conftest\.py)$")


def is_test_path(path: str, test_path: str = "") -> bool:
    parts = PurePosixPath(path).parts
    return path == test_path or bool(TEST_NAME.search(path)) or "tests" in parts[:-1]


def fix_kind(paths: list[str], test_path: str) -> str:
    """`the code`, `the test` or `the code and the test`, from the files the proposal changes."""
    tests = [p for p in paths if is_test_path(p, test_path)]
    if tests and len(tests) == len(paths):
        return "the test"
    return "the code and the test" if tests else "the code"
