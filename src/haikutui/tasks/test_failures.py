"""Failures as pytest itself names and reports them, read from our plugin's records, and which
one a repair takes first.

JUnit XML names an inherited test after the file defining it and says nothing of a doctest's
Expected/Got; the plugin (tasks/test_live.py) records what pytest knows. Its records come
from the repository's own run, so each field is checked here, at one boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from haikutui.tasks.verdict.test_runner import TestFailure


@dataclass(frozen=True)
class DoctestReport:
    """A failing doctest example as the plugin saw it: where, what was expected, what came."""

    name: str
    file: str
    docstring_line: int | None
    line: int | None
    source: str
    want: str
    got: str
    setup: tuple[str, ...] = ()
    """The docstring's other examples' sources (the imports a README example needs)."""


@dataclass(frozen=True)
class ReportedFailure(TestFailure):
    """A failure as pytest itself named and reported it (our plugin), not as JUnit XML guessed.

    `path`/`line` are the deepest frame in the repo; `test_file`/`test_line` where the test
    function is defined (a mixin's method lives in another file than its node id's).
    """

    when: str = "call"
    frames: tuple[tuple[str, int, str], ...] = ()
    """The run's own frames inside the repo, outermost first: (path, line, function)."""
    test_file: str = ""
    test_line: int | None = None
    doctest: DoctestReport | None = None

    @property
    def is_doctest(self) -> bool:
        return self.doctest is not None

    @property
    def in_text_file(self) -> bool:
        """A doctest in a README or docs page (`--doctest-glob`), not in a module."""
        return self.doctest is not None and not self.nodeid.split("::", 1)[0].endswith(".py")


def _relative(value: object) -> str:
    """A repo-relative POSIX path from untrusted input, or "" (absolute, `..`, not a string)."""
    if not isinstance(value, str) or not value or len(value) > 500:
        return ""
    posix = PurePosixPath(value)
    if posix.is_absolute() or ".." in posix.parts or "\\" in value or "\0" in value:
        return ""
    return str(posix)


def _text(value: object, limit: int = 20_000) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def reported_failures(details: list[dict[str, object]]) -> list[ReportedFailure]:
    """The plugin's `detail` records, checked field by field (they come from the repo's run)."""
    out: list[ReportedFailure] = []
    seen: set[str] = set()
    for detail in details:
        nodeid = _text(detail.get("nodeid"), 1000)
        when = _text(detail.get("when"), 20) or "call"
        if not nodeid or nodeid in seen:  # a setup error and its teardown error: the first
            continue
        seen.add(nodeid)
        frames = tuple(
            (path, line, _text(f[2], 200))
            for f in (detail.get("frames") or [])  # type: ignore[attr-defined]
            if isinstance(f, list) and len(f) == 3
            for path, line in [(_relative(f[0]), _int(f[1]))]
            if path and line
        )
        location = detail.get("location")
        test_file, test_line = "", None
        if isinstance(location, list) and len(location) >= 2:
            test_file = _relative(location[0])
            found = _int(location[1])
            test_line = found + 1 if found is not None else None
        doctest = None
        raw = detail.get("doctest")
        if isinstance(raw, dict):
            setup = raw.get("setup")
            doctest = DoctestReport(
                name=_text(raw.get("name"), 300),
                file=_relative(raw.get("file")),
                docstring_line=_int(raw.get("docstring_line")),
                line=_int(raw.get("line")),
                source=_text(raw.get("source"), 4000),
                want=_text(raw.get("want"), 4000),
                got=_text(raw.get("got"), 4000),
                setup=tuple(_text(s, 1000) for s in setup[:20]) if isinstance(setup, list) else (),
            )
        longrepr = _text(detail.get("longrepr"))
        deepest = frames[-1] if frames else None
        if doctest is not None and doctest.file:
            path, line = doctest.file, doctest.line
        elif deepest is not None:
            path, line = deepest[0], deepest[1]
        else:
            path, line = test_file or nodeid.split("::", 1)[0], test_line
        message = _text(detail.get("message"), 500).strip().split("\n")[0]
        if doctest is not None and not message:
            message = (
                f"doctest: expected {doctest.want.strip()[:60]!r}, got {doctest.got.strip()[:60]!r}"
            )
        out.append(
            ReportedFailure(
                nodeid=nodeid,
                kind="failure" if when == "call" else "error",
                path=path,
                line=line,
                message=message,
                traceback=longrepr,
                when=when,
                frames=frames,
                test_file=test_file,
                test_line=test_line,
                doctest=doctest,
            )
        )
    return out


def failure_rank(failure: TestFailure) -> int:
    """0 a code test (or an error), 1 a doctest in a module, 2 a doctest in a text file."""
    if not isinstance(failure, ReportedFailure) or failure.doctest is None:
        return 0
    return 2 if failure.in_text_file else 1


def pick_failure(failures: list[TestFailure], wanted: str = "") -> tuple[TestFailure | None, str]:
    """The failure to repair and why it was picked: the one named, else a failing code test
    before a doctest in a module, before a doctest in a text file (a README's example most
    often shows the code's bug second-hand)."""
    if wanted:
        found = next((f for f in failures if f.nodeid == wanted), None)
        return found, "you named it" if found else ""
    if not failures:
        return None, ""
    if len(failures) == 1:
        return failures[0], "the only failure"

    rank = failure_rank
    first = min(failures, key=rank)
    waiting = [f for f in failures if rank(f) > rank(first)]
    why = "the first failing " + ("code test" if rank(first) == 0 else "doctest")
    if waiting:
        docs = sum(1 for f in waiting if rank(f) == 2)
        why += f", before {len(waiting)} doctest{'s' * (len(waiting) != 1)}"
        if docs:
            why += f" ({docs} in text files)"
    return first, why
