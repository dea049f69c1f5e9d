"""The model's half of a rename: the old name where rope cannot see it, found with `git grep -w`.

Docs, comments, strings, config, templates and other languages go to the fast rung in one
request that holds only the matching lines and a few lines around them, never whole files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from haikutui.core.errors import HaikutuiError
from haikutui.core.overlay import Overlay
from haikutui.core.repo import Repo, is_secret
from haikutui.model.editor_tool import TOOL_NAME, numbered
from haikutui.tasks.rename.target import Target, word

CONTEXT = 2
"""Lines shown above and below each match."""
MAX_MATCHES = 400
"""More than this is not a rename for a small model; the rest are listed, not sent."""

RENAME_SYSTEM = f"""You are haikutui, finishing a rename across a git repository.
- A refactoring tool (rope) has already renamed every Python reference it could resolve.
- You see the other occurrences of the old name: docs, comments, strings, config, templates,
  other languages. Each is shown with a few numbered lines around it. Do not `view` files.
- Decide for each occurrence whether it means the renamed symbol. Rename those with the
  {TOOL_NAME} tool; `old_str` must match the file exactly once, without the line-number
  prefixes, so include enough of the line to make it unique.
- Leave alone whatever means something else: another thing with the same name, a plain word,
  a changelog entry about the past.
- Send all the tool calls you need in one reply. Then, for every occurrence you deliberately
  left, write one line: `KEEP path:line: reason`."""

KEEP = re.compile(
    r"^[\s\-*`]*KEEP`?\s+`?(?P<path>[^\s:`]+):(?P<line>\d+)`?\s*[:\-—]?\s*(?P<why>.*)$"
)


@dataclass(frozen=True)
class Occurrence:
    """One line holding the old name as a word."""

    path: str
    line: int
    text: str

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class Leftover:
    """An occurrence still there after the rename, and why; `reason` is empty when unexplained."""

    occurrence: Occurrence
    reason: str = ""

    @property
    def explained(self) -> bool:
        return bool(self.reason)

    @property
    def label(self) -> str:
        return f"{self.occurrence.where}: {self.reason or 'unexplained'}"


def grep_files(repo: Repo, old: str) -> list[str]:
    """Tracked text files holding `old` as a word on disk: `git grep -w`, through gitpython."""
    import git

    try:
        out = git.Repo(repo.root).git.grep(
            "-l", "-z", "-I", "-w", "--full-name", "--no-color", "-F", "-e", old
        )
    except git.GitCommandError as exc:
        if exc.status == 1:  # no match
            return []
        raise HaikutuiError(f"git grep failed: {str(exc.stderr).strip()[:200]}") from None
    return [path for path in out.split("\0") if path]


def scan(overlay: Overlay, paths: list[str], old: str) -> tuple[list[Occurrence], list[Leftover]]:
    """The old name, word by word, in the overlay's texts (the disk for files it does not hold).

    Files that may not be read for a model (secrets, binary, huge) come back as leftovers.
    """
    pattern = word(old)
    found: list[Occurrence] = []
    skipped: list[Leftover] = []
    for rel in paths:
        if is_secret(rel):
            skipped.append(Leftover(Occurrence(rel, 0, ""), "looks like a secret; never read"))
            continue
        try:
            text = overlay.files[rel].text if rel in overlay.files else overlay.load(rel).text
        except HaikutuiError as exc:
            skipped.append(Leftover(Occurrence(rel, 0, ""), f"not read: {exc.message}"))
            continue
        for number, line in enumerate(text.split("\n"), 1):
            if pattern.search(line):
                found.append(Occurrence(rel, number, line))
    return found, skipped


def windows(lines: list[int], total: int) -> list[tuple[int, int]]:
    """Merged 1-based ranges of CONTEXT lines around each match."""
    merged: list[tuple[int, int]] = []
    for line in sorted(set(lines)):
        start, end = max(1, line - CONTEXT), min(total, line + CONTEXT)
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def describe(target: Target, new: str, moves: dict[str, str]) -> str:
    what = f"the {target.kind} `{target.old}`" if target.kind != "name" else f"`{target.old}`"
    text = f"Rename {what} (defined at {target.where}) to `{new}`."
    if moves:
        shown = ", ".join(f"{old} -> {to}" for old, to in sorted(moves.items())[:5])
        text += f" The module moved: {shown}."
    return text


def rename_messages(
    overlay: Overlay,
    target: Target,
    new: str,
    occurrences: list[Occurrence],
    *,
    rope_files: list[str],
    moves: dict[str, str],
    prior: str = "",
    follow_ups: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """One user turn: what was renamed, then each file's matching lines with their context."""
    by_file: dict[str, list[int]] = {}
    for occurrence in occurrences:
        by_file.setdefault(occurrence.path, []).append(occurrence.line)
    blocks: list[str] = []
    for rel, rows in sorted(by_file.items()):
        lines = overlay.read(rel).split("\n")
        total = len(lines) - 1 if lines and lines[-1] == "" else len(lines)
        parts = [f'<file path="{rel}" lines="{total}" matches="{",".join(map(str, rows))}">']
        for start, end in windows(rows, total):
            parts.append(numbered("\n".join(lines[start - 1 : end]), start))
            parts.append("...")
        parts[-1] = "</file>"
        blocks.append("\n".join(parts))
    done = ", ".join(rope_files[:12]) + (" ..." if len(rope_files) > 12 else "")
    intro = [
        describe(target, new, moves),
        f"rope already renamed the Python references it could resolve ({done or 'none'}).",
        f"Below is every other line where the word `{target.old}` is left. Rename the ones that "
        f"mean this symbol to `{new}`; for each one you keep, write `KEEP path:line: reason`.",
    ]
    intro.extend(f"Follow-up instruction: {text.strip()}" for text in follow_ups)
    if prior:
        intro.append(prior)
    return [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "\n\n".join(blocks)},
                {"type": "text", "text": "\n".join(intro)},
            ],
        }
    ]


def parse_kept(texts: list[str]) -> dict[tuple[str, int], str]:
    """The model's `KEEP path:line: reason` lines."""
    kept: dict[tuple[str, int], str] = {}
    for text in texts:
        for line in text.splitlines():
            match = KEEP.match(line)
            if match:
                kept[(match["path"], int(match["line"]))] = match["why"].strip() or "kept"
    return kept
