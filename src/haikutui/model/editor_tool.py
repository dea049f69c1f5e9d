"""Runs Anthropic's text editor tool commands against the overlay, never against the disk."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from haikutui.core.config import REPO_CONFIG
from haikutui.core.errors import HaikutuiError, PathRefused
from haikutui.core.overlay import Overlay
from haikutui.core.secret_scan import refuse_secret_write
from haikutui.core.terminal_text import has_control, quote_path

TOOL_NAME = "str_replace_based_edit_tool"
TOOL_TYPE = "text_editor_20250728"
VIEW_MAX_CHARACTERS = 40_000
"""About 10k tokens: one `view` can never flood Haiku's context (a 1 MB file was ~300k)."""
TOOL_DECLARATION: dict[str, Any] = {
    "type": TOOL_TYPE,
    "name": TOOL_NAME,
    "max_characters": VIEW_MAX_CHARACTERS,
}


@dataclass(frozen=True)
class ToolOutcome:
    """What goes back to the model as a tool_result, and whether the command changed a file."""

    content: str
    is_error: bool = False
    edited: bool = False


def numbered(text: str, start: int = 1) -> str:
    """Lines prefixed with their 1-based number, as the trained `view` command returns them."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    width = max(6, len(str(start + len(lines))))
    return "\n".join(f"{n:>{width}}\t{line}" for n, line in enumerate(lines, start))


_PREFIXED = re.compile(r"^ *\d+\t(?:.*)(?:\n *\d+\t.*)*\n?$")
"""Every line starts with a `view` line-number prefix (digits, right-aligned, then a tab)."""
_PREFIX = re.compile(r"^ *\d+\t", re.MULTILINE)


def _unnumbered(text: str) -> str:
    """`text` without `view`'s prefixes, when every line has one; else unchanged."""
    return _PREFIX.sub("", text) if _PREFIXED.match(text) else text


class EditorTool:
    """Executes one command at a time; every failure becomes an `is_error` result, never a crash."""

    def __init__(self, overlay: Overlay) -> None:
        self.overlay = overlay

    def run(self, tool_input: object) -> ToolOutcome:
        if not isinstance(tool_input, dict):
            return ToolOutcome("Error: tool input must be an object.", is_error=True)
        command = tool_input.get("command")
        handler = {
            "view": self._view,
            "str_replace": self._str_replace,
            "create": self._create,
            "insert": self._insert,
        }.get(str(command))
        if handler is None:
            return ToolOutcome(
                f"Error: unknown command {command!r}; use view, str_replace, create or insert.",
                is_error=True,
            )
        try:
            return handler(tool_input)
        except HaikutuiError as exc:
            return ToolOutcome(f"Error: {exc.message}", is_error=True)
        except (LookupError, TypeError, ValueError) as exc:
            return ToolOutcome(f"Error: malformed {command} input ({exc}).", is_error=True)
        except OSError as exc:
            return ToolOutcome(f"Error: {exc.strerror or exc}.", is_error=True)

    def _path(self, tool_input: dict[str, Any]) -> str:
        path = tool_input["path"]
        if not isinstance(path, str):
            raise TypeError("path must be a string")
        return self.overlay.repo.resolve(path)

    def _target(self, tool_input: dict[str, Any]) -> str:
        """A path to write: never the repo's own config, whose settings decide what runs."""
        rel = self._path(tool_input)
        if rel.rsplit("/", 1)[-1].casefold() == REPO_CONFIG:
            raise PathRefused(f"{rel}: haikutui's config is the user's to edit, not the model's")
        return rel

    def _view(self, tool_input: dict[str, Any]) -> ToolOutcome:
        if str(tool_input["path"]).strip().rstrip("/") in ("", ".", "./"):
            return ToolOutcome(self._listing(""))  # the repo root, listed like any folder
        rel = self._path(tool_input)
        if (self.overlay.repo.root / rel).is_dir():
            return ToolOutcome(self._listing(rel))
        text = self.overlay.read(rel)
        view_range = tool_input.get("view_range")
        if not view_range:
            return self._capped(numbered(text), rel)
        start, end = int(view_range[0]), int(view_range[1])
        lines = text.split("\n")
        total = len(lines) - 1 if lines[-1] == "" else len(lines)
        stop = total if end == -1 else end
        if start < 1 or stop < start:
            return ToolOutcome(f"Error: invalid view_range {view_range}.", is_error=True)
        if start > total:
            return ToolOutcome(
                f"Error: view_range {view_range} starts past the end: {rel} has {total} lines.",
                is_error=True,
            )
        return self._capped(numbered("\n".join(lines[start - 1 : min(stop, total)]), start), rel)

    @staticmethod
    def _capped(shown: str, rel: str) -> ToolOutcome:
        """At most VIEW_MAX_CHARACTERS, cut at a line end, saying so and how to see the rest."""
        if len(shown) <= VIEW_MAX_CHARACTERS:
            return ToolOutcome(shown)
        cut = shown.rfind("\n", 0, VIEW_MAX_CHARACTERS)
        kept = shown[: cut if cut > 0 else VIEW_MAX_CHARACTERS]
        last = kept.rsplit("\n", 1)[-1].split("\t", 1)[0].strip()
        return ToolOutcome(
            f"{kept}\n[{rel}: output truncated after line {last} at {VIEW_MAX_CHARACTERS:,}"
            " characters; call view with view_range [start, end] to see other lines]"
        )

    def _listing(self, rel: str) -> str:
        """A directory view lists the tracked files below it, as the trained tool expects."""
        prefix = rel.rstrip("/") + "/" if rel else ""
        paths = [
            e.path for e in self.overlay.repo.files() if e.tracked and e.path.startswith(prefix)
        ]
        where = f"{rel}/" if rel else "the repository root"
        if not paths:
            return f"{where} holds no tracked file."
        shown = paths[:500]
        more = f"\n... and {len(paths) - len(shown)} more" if len(paths) > len(shown) else ""
        return f"Tracked files under {where}:\n" + "\n".join(shown) + more

    def _str_replace(self, tool_input: dict[str, Any]) -> ToolOutcome:
        rel = self._target(tool_input)
        old, new = tool_input["old_str"], tool_input.get("new_str", "")
        if not isinstance(old, str) or not isinstance(new, str):
            raise TypeError("old_str and new_str must be strings")
        text = self.overlay.read(rel)
        if not old:
            return ToolOutcome(
                "Error: old_str is empty; give the exact text to replace.", is_error=True
            )
        refuse_secret_write(rel, new)
        count = text.count(old)
        if count == 0 and _PREFIXED.match(old):  # quoted from a `view`, numbers and all
            bare_old, bare_new = _unnumbered(old), _unnumbered(new)
            if text.count(bare_old) == 1:
                old, new, count = bare_old, bare_new, 1
        if count == 0:
            return ToolOutcome(
                "No match found for replacement. Please check your text and try again.",
                is_error=True,
            )
        if count > 1:
            return ToolOutcome(
                f"Found {count} matches for replacement text. "
                "Please provide more context to make a unique match.",
                is_error=True,
            )
        self.overlay.write(rel, text.replace(old, new, 1))
        return ToolOutcome("Successfully replaced text at exactly one location.", edited=True)

    def _create(self, tool_input: dict[str, Any]) -> ToolOutcome:
        rel = self._target(tool_input)
        text = tool_input["file_text"]
        if not isinstance(text, str):
            raise TypeError("file_text must be a string")
        refuse_secret_write(rel, text)
        self._check_new_path(rel)
        self.overlay.create(rel, text)
        return ToolOutcome(f"File created: {rel}", edited=True)

    def _check_new_path(self, rel: str) -> None:
        """A new file needs folders (or nothing) above it, and no file or folder in its place.

        Checked against the disk and against what this run already created, so a proposal
        never holds a path twice, or a file under another file: apply could not write it.
        """
        root = self.overlay.repo.root
        if has_control(rel):  # it would print as commands in every terminal that lists it
            raise PathRefused(
                f"{quote_path(rel)}: a file name with control characters; not created"
            )
        if (root / rel).is_dir():
            raise PathRefused(f"{rel} is a folder; create a file inside it")
        parts = rel.split("/")
        for depth in range(1, len(parts)):
            parent = "/".join(parts[:depth])
            if parent in self.overlay.files or (root / parent).is_file():
                raise PathRefused(f"{rel}: {parent} is a file, not a folder")
        existing = self.overlay.files.get(rel)
        if existing is not None and existing.base is None:
            raise PathRefused(
                f"{rel}: already created in this reply; edit it with str_replace instead"
            )
        if any(other.startswith(rel + "/") for other in self.overlay.files):
            raise PathRefused(f"{rel}: files were created under it, so it must stay a folder")

    def _insert(self, tool_input: dict[str, Any]) -> ToolOutcome:
        rel = self._target(tool_input)
        new = tool_input.get("insert_text", tool_input.get("new_str"))
        if not isinstance(new, str):
            raise TypeError("insert_text must be a string")
        if not new:
            return ToolOutcome("Error: insert_text is empty; nothing to insert.", is_error=True)
        refuse_secret_write(rel, new)
        line = int(tool_input["insert_line"])
        text = self.overlay.read(rel)
        lines = text.split("\n")
        trailing = bool(lines) and lines[-1] == ""
        body = lines[:-1] if trailing else lines
        if line < 0 or line > len(body):
            return ToolOutcome(
                f"Error: insert_line {line} is outside the file (0 to {len(body)}).", is_error=True
            )
        inserted = new[:-1].split("\n") if new.endswith("\n") else new.split("\n")
        body[line:line] = inserted
        self.overlay.write(rel, "\n".join(body) + ("\n" if trailing else ""))
        return ToolOutcome(f"Text inserted after line {line}.", edited=True)
