"""Runs Anthropic's text editor tool commands against the overlay, never against the disk."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from haikutui.core.errors import HaikutuiError
from haikutui.core.overlay import Overlay

TOOL_NAME = "str_replace_based_edit_tool"
TOOL_TYPE = "text_editor_20250728"
TOOL_DECLARATION: dict[str, Any] = {"type": TOOL_TYPE, "name": TOOL_NAME}


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

    def _view(self, tool_input: dict[str, Any]) -> ToolOutcome:
        rel = self._path(tool_input)
        if (self.overlay.repo.root / rel).is_dir():
            return ToolOutcome(self._listing(rel))
        text = self.overlay.read(rel)
        view_range = tool_input.get("view_range")
        if view_range:
            start, end = int(view_range[0]), int(view_range[1])
            lines = text.split("\n")
            stop = len(lines) if end == -1 else end
            if start < 1 or stop < start:
                return ToolOutcome(f"Error: invalid view_range {view_range}.", is_error=True)
            return ToolOutcome(numbered("\n".join(lines[start - 1 : stop]), start))
        return ToolOutcome(numbered(text))

    def _listing(self, rel: str) -> str:
        """A directory view lists the tracked files below it, as the trained tool expects."""
        prefix = rel.rstrip("/") + "/"
        paths = [
            e.path for e in self.overlay.repo.files() if e.tracked and e.path.startswith(prefix)
        ]
        if not paths:
            return f"{rel}/ holds no tracked file."
        shown = paths[:500]
        more = f"\n... and {len(paths) - len(shown)} more" if len(paths) > len(shown) else ""
        return f"Tracked files under {rel}/:\n" + "\n".join(shown) + more

    def _str_replace(self, tool_input: dict[str, Any]) -> ToolOutcome:
        rel = self._path(tool_input)
        old, new = tool_input["old_str"], tool_input.get("new_str", "")
        if not isinstance(old, str) or not isinstance(new, str):
            raise TypeError("old_str and new_str must be strings")
        text = self.overlay.read(rel)
        count = text.count(old) if old else 0
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
        rel = self._path(tool_input)
        text = tool_input["file_text"]
        if not isinstance(text, str):
            raise TypeError("file_text must be a string")
        self.overlay.create(rel, text)
        return ToolOutcome(f"File created: {rel}", edited=True)

    def _insert(self, tool_input: dict[str, Any]) -> ToolOutcome:
        rel = self._path(tool_input)
        new = tool_input.get("insert_text", tool_input.get("new_str"))
        if not isinstance(new, str):
            raise TypeError("insert_text must be a string")
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
