"""How headless commands print: diffs on stdout (coloured on a terminal), summaries on stderr.

Everything goes through `core.terminal_text`: a file's content, a model's reply or a file
name never reaches the terminal as an escape sequence, and URL credentials are masked.
JSON output needs nothing: `json.dumps` writes control characters as `\u001b`.
"""

from __future__ import annotations

import sys

from haikutui.core.terminal_text import escape, shown


def print_diff(diff: str) -> None:
    diff = escape(diff)  # before pygments adds colours of its own
    if not sys.stdout.isatty():
        sys.stdout.write(diff)
        return
    from pygments import highlight
    from pygments.formatters import TerminalFormatter
    from pygments.lexers import DiffLexer

    sys.stdout.write(highlight(diff, DiffLexer(), TerminalFormatter()))


def say(line: str) -> None:
    """One line on stderr."""
    print(shown(line), file=sys.stderr)


def out(line: str) -> None:
    """One line of a listing on stdout."""
    print(shown(line))


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
