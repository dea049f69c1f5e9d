"""pytest's long report trimmed to the project's own frames, for a test repair's request.

Library frames (site-packages, the standard library) and long reprs cost tokens and rarely
help the model; the project's own frames do.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

SEPARATOR = re.compile(r"^(?:_ )+_\s*$")
CHAIN = re.compile(
    r"^(?:During handling of the above exception, another exception occurred"
    r"|The above exception was the direct cause of the following exception):\s*$"
)
LOCATION = re.compile(r"^(?P<path>[^\s:][^:\n]*\.py):(?P<line>\d+): ?(?P<what>.*)$")
LIBRARY_PARTS = frozenset({"site-packages", "dist-packages", ".venv", "venv", ".tox", ".nox"})
MAX_LINE = 200
"""Longer lines (a repr of a big list, a long string) are cut to this many characters."""
CONTEXT_BEFORE = 6
"""Lines of a frame's code kept before its `>` line."""
MAX_ERROR_LINES = 12
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
"""Colour codes pytest's diff may carry: noise to the model, 6 characters each in JSON."""
NOISE = re.compile(r"^(?:\s*[~^]+\s*|E\s*|E\s+Use -v to get (?:more|the full) diff\.?\s*|\s*)$")
"""Lines that say nothing: `^^^^` position markers, blank `E` lines, pytest's -v hint."""


@dataclass(frozen=True)
class Frame:
    """One traceback entry: where it is, and the lines pytest printed for it."""

    path: str
    line: int
    lines: list[str]
    chained: str = ""
    """pytest's `During handling of the above exception, ...` line before it, if any."""


def split_frames(text: str) -> list[Frame]:
    """pytest's long report as frames: long entries end with `path:line: ...`, short ones
    start with it (`--tb=auto` mixes both), and sections are divided by `_ _ _` lines."""
    frames: list[Frame] = []
    sections: list[list[str]] = [[]]
    for line in text.splitlines():
        if SEPARATOR.match(line):
            sections.append([])
        elif CHAIN.match(line):  # a chained exception's report: a new section, marked
            sections.append([line])
        else:
            sections[-1].append(line)
    for section in sections:
        chained = section.pop(0).strip() if section and CHAIN.match(section[0]) else ""
        while section and not section[-1].strip():
            section.pop()
        while section and not section[0].strip():
            section.pop(0)
        if not section:
            continue
        if chained:
            frames.append(_frame(section, chained))
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


def _frame(lines: list[str], chained: str = "") -> Frame:
    for line in (lines[0], lines[-1]):
        found = LOCATION.match(line)
        if found:
            return Frame(found["path"], int(found["line"]), lines, chained)
    return Frame("", 0, lines, chained)


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


def _trim_frame(frame: Frame, shown: bool = False) -> list[str]:
    """The code around the `>` line (only that line when the request `shown` the code), the
    `E` lines (at most a dozen) and the location."""
    lines = [ANSI.sub("", line) for line in frame.lines]
    lines = [line for i, line in enumerate(lines) if i == 0 or not NOISE.match(line)]
    marker = next((i for i, line in enumerate(lines) if line.startswith(">")), None)
    kept: list[str] = []
    if marker is not None:
        start = marker if shown else max(0, marker - CONTEXT_BEFORE)
        if start and not shown:
            kept.append("    …")
        if shown and LOCATION.match(lines[0]) and lines[0] != lines[-1]:
            kept.append(lines[0])  # a short entry's `path:line: in name`
        kept.extend(lines[start : marker + 1])
        rest = lines[marker + 1 :]
        statement = next(
            (i for i, line in enumerate(rest) if line.startswith("E ") or LOCATION.match(line)),
            len(rest),
        )
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


def trim_traceback(text: str, root: Path, shown: Callable[[str, int], bool] | None = None) -> str:
    """The project's own frames only; a library frame where it failed leaves its `E` lines.

    A frame whose line the request `shown` in full keeps only its `>` line: the code around
    it is there already. A frame repeated (a chained exception's second report) is named."""
    frames = split_frames(ANSI.sub("", text))
    if not frames:
        return "\n".join(_cut(line) for line in ANSI.sub("", text).splitlines()[:40])
    out: list[str] = []
    seen: set[str] = set()
    dropped = 0
    for frame in frames:
        if is_project_file(frame.path, root):
            if dropped:
                out.append(f"    …({dropped} library frame{'s' * (dropped != 1)} left out)")
                dropped = 0
            trimmed = "\n".join(
                _trim_frame(frame, shown=shown is not None and shown(frame.path, frame.line))
            )
            if trimmed in seen:
                trimmed = f"{frame.path}:{frame.line}: (as above)"
            seen.add(trimmed)
            out.append(f"{frame.chained}\n{trimmed}" if frame.chained else trimmed)
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
