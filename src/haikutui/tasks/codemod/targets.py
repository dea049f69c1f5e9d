"""Which files a codemod touches: paths, folders and globs, narrowed by `git grep`.

Every name comes from git's own list of tracked files, so a glob never reaches an untracked,
ignored or secret file, and a file name is never a shell word.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from haikutui.core.errors import UsageError
from haikutui.core.repo import Repo, is_secret

GLOB_CHARS = frozenset("*?[")
LINES = re.compile(r"^(?P<path>.+?):(?P<start>\d+)(?:-(?P<end>\d+))?$")
MAX_FILES = 5_000
"""A job over more files than this is almost surely a mistyped glob: refused, nothing sent."""


@dataclass(frozen=True)
class Target:
    """One file of the job; `matches` are the 1-based lines where `--grep` matched."""

    path: str
    matches: tuple[int, ...] = ()
    selection: tuple[int, int] | None = None
    """`PATH:LINE[-LINE]` on the command line: the lines selected, as for a quick fix."""

    @property
    def lines(self) -> tuple[int, int] | None:
        """The selection sent by scope: from the first match to the last, or the whole file."""
        if not self.matches:
            return None
        return min(self.matches), max(self.matches)


def is_glob(spec: str) -> bool:
    return any(c in GLOB_CHARS for c in spec)


def glob_regex(pattern: str) -> re.Pattern[str]:
    """`**/` spans any folders (or none), `*` and `?` stay within one, `[...]` is a class."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 2 :]:
            close = pattern.index("]", i + 2)
            body = pattern[i + 1 : close].replace("\\", "\\\\")
            out.append("[^" + body[1:] + "]" if body.startswith("!") else "[" + body + "]")
            i = close + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def pick(repo: Repo, specs: list[str], grep: str | None = None) -> list[Target]:
    """The tracked text files named by `specs` (files, folders, globs relative to the current
    folder), in path order, each once; with `grep`, only those where it matches, with the lines."""
    tracked = [p for p in repo.tracked() if not is_secret(p)]
    here = Path.cwd()
    chosen: dict[str, None] = {}
    selected: dict[str, tuple[int, int]] = {}
    for spec in specs:
        found_line = LINES.match(spec)
        if found_line and not (here / spec).exists() and (here / found_line["path"]).is_file():
            rel = repo.resolve(str(here / found_line["path"]))
            text = repo.read_for_model(rel).text
            first, last = int(found_line["start"]), int(found_line["end"] or found_line["start"])
            total = len(text.splitlines())
            if not 1 <= first <= last <= total:
                raise UsageError(f"{spec}: lines must be ascending, within 1-{total}")
            selected[rel] = (first, last)
            chosen[rel] = None
            continue
        if is_glob(spec):
            prefix = here.resolve().relative_to(repo.root.resolve()).as_posix()
            pattern = spec if prefix == "." else f"{prefix}/{spec}"
            regex = glob_regex(pattern.removeprefix("./"))
            found = [p for p in tracked if regex.fullmatch(p)]
            if not found:
                raise UsageError(f"{spec}: no tracked file matches")
        elif (here / spec).resolve() == repo.root.resolve():
            found = list(tracked)  # `.` at the root: the whole repository
        else:
            rel = repo.resolve(str(here / spec))
            if (repo.root / rel).is_dir():
                found = [p for p in tracked if p.startswith(rel.rstrip("/") + "/")]
                if not found:
                    raise UsageError(f"{spec}: no tracked file in that folder")
            else:
                repo.read_for_model(rel)  # one line for a missing, untracked or secret file
                found = [rel]
        chosen.update(dict.fromkeys(found))
    named = {repo.resolve(str(here / s)) for s in specs if not is_glob(s) and (here / s).is_file()}
    named |= set(selected)
    for rel in list(chosen):
        if rel not in named and not _readable(repo, rel):
            del chosen[rel]  # a binary or huge file a folder or glob took in: not for a model
    if not chosen:
        raise UsageError("no text file to change among the paths given")
    if len(chosen) > MAX_FILES:
        raise UsageError(f"{len(chosen)} files: over {MAX_FILES}; narrow the paths or --grep")
    if grep is None:
        return [Target(p, selection=selected.get(p)) for p in sorted(chosen)]
    hits = grep_lines(repo, grep, sorted(chosen))
    if not hits:
        raise UsageError(f"--grep {grep!r}: no match in the {len(chosen)} files; nothing sent")
    return [Target(p, tuple(hits[p])) for p in sorted(hits)]


def grep_targets(repo: Repo, pattern: str) -> list[Target]:
    """The whole repository's tracked text files where `pattern` matches (`git grep -E`),
    each with its matched lines: what the TUI's "Grep…" marks. Secret-named, binary and
    too-large files are left out, as `pick` leaves them out of a folder."""
    tracked = sorted(p for p in repo.tracked() if not is_secret(p))
    hits = grep_lines(repo, pattern, tracked)
    found = [Target(p, tuple(hits[p])) for p in sorted(hits) if _readable(repo, p)]
    if len(found) > MAX_FILES:
        raise UsageError(f"{len(found)} files match: over {MAX_FILES}; narrow the pattern")
    return found


def _readable(repo: Repo, rel: str) -> bool:
    try:
        repo.read_for_model(rel)
    except UsageError:
        return False
    return True


def grep_lines(repo: Repo, pattern: str, paths: list[str]) -> dict[str, list[int]]:
    """`git grep -n -E` over the given tracked files: path -> matched lines (binary skipped)."""
    if not pattern:
        raise UsageError("--grep needs a pattern")
    found: dict[str, list[int]] = {}
    chunk = 500  # argv stays well under the OS limit
    for start in range(0, len(paths), chunk):
        names = [f":(literal){p}" for p in paths[start : start + chunk]]
        done = subprocess.run(
            ["git", "grep", "-n", "-I", "-E", "--full-name", "-e", pattern, "--", *names],
            cwd=repo.root,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        if done.returncode not in (0, 1):
            raise UsageError(f"--grep {pattern!r}: {done.stderr.strip().splitlines()[-1:]!s}")
        for line in done.stdout.splitlines():
            rel, _, rest = line.partition(":")
            number, _, _ = rest.partition(":")
            if number.isdigit():
                found.setdefault(rel, []).append(int(number))
    return found
