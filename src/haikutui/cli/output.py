"""How headless commands print: diffs on stdout (coloured on a terminal), summaries on stderr."""

from __future__ import annotations

import sys


def print_diff(diff: str) -> None:
    if not sys.stdout.isatty():
        sys.stdout.write(diff)
        return
    from pygments import highlight
    from pygments.formatters import TerminalFormatter
    from pygments.lexers import DiffLexer

    sys.stdout.write(highlight(diff, DiffLexer(), TerminalFormatter()))


def say(line: str) -> None:
    print(line, file=sys.stderr)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
