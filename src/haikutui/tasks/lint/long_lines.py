"""Long lines (E501) with no model: ruff's formatter on the one statement, comments re-wrapped.

Ruff has no fix for E501, and formatting whole files is a diff of every line the repo styles
differently. Here only the lines ruff reports change: a statement is re-laid by `ruff format
--range` (the repo's own formatter settings; the AST is the same), kept only when it leaves
fewer long lines; a comment on a line of its own is wrapped at the limit the finding names
(stdlib `textwrap`), with its indent and `#`/`#:` prefix; a string literal still too long
is cut at spaces into literals side by side, which the parser joins again (kept only when
the AST is the same). None of it can change behaviour. Left as they are: strings that span
lines and docstrings (their text is the program's), f-strings, raw strings (patterns, whose
halves would not read as one), strings a `%` or `.format` follows (ruff's UP031 and UP032
fixes need them whole), comments that tools read
(`noqa`, `type:`, `pragma`, `fmt:`, …), commented-out code, and a word (a URL) longer than
the limit.
"""

from __future__ import annotations

import ast
import io
import re
import subprocess
import textwrap
import tokenize
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

LIMIT = re.compile(r"\((\d+) > (\d+)\)")
"""E501's message names the limit: `Line too long (97 > 88)`."""
READ_BY_TOOLS = re.compile(
    r"noqa|type:|pragma|fmt:|isort:|pylint:|mypy:|pyright:|ruff:|nosec|coding[:=]", re.I
)
FORMATTED = "ruff format (E501)"
WRAPPED = "textwrap (E501)"
SPLIT = "split string (E501)"


@dataclass
class Shortened:
    """A file's text with its long lines shortened, and the old lines each way replaced."""

    text: str
    formatted: set[str] = field(default_factory=set)
    wrapped: set[str] = field(default_factory=set)
    split: set[str] = field(default_factory=set)

    def source(self, removed: list[str]) -> str | None:
        """The hunk source for a hunk removing these lines, if one of them was shortened."""
        for lines, name in ((self.wrapped, WRAPPED), (self.split, SPLIT)):
            if any(line in lines for line in removed):
                return name
        if any(line in self.formatted for line in removed):
            return FORMATTED
        return None


def shorten(root: Path, rel: str, text: str, rows: dict[int, int], ruff: str) -> Shortened:
    """`text` with the long lines at `rows` (1-based row -> limit) shortened where it can be."""
    result = Shortened(text)
    try:
        comments, strings = _kinds(text)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return result
    for row in sorted(rows, reverse=True):  # from the bottom: rows above keep their numbers
        lines = result.text.splitlines(keepends=True)
        if row > len(lines) or row in strings:
            continue
        old = lines[row - 1]
        if row in comments:
            new = _wrap(old, rows[row], first=row == 1)
            if new is not None:
                lines[row - 1] = new
                result.text = "".join(lines)
                result.wrapped.add(old.rstrip("\r\n"))
            continue
        formatted = _format(root, rel, result.text, row, ruff)
        if formatted is not None and _fewer_long(result.text, formatted, rows[row]):
            result.formatted.update(_replaced(result.text, formatted))
            result.text = formatted
    limit = min(rows.values())
    for row in range(len(result.text.splitlines()), 0, -1):  # the strings still too long
        line = result.text.splitlines()[row - 1]
        if len(line) <= limit or "noqa" in line:
            continue
        split = _split_string(result.text, row, limit)
        if split is not None and _fewer_long(result.text, split, limit):
            result.split.add(line)
            result.text = split
    return result


def _split_string(text: str, row: int, limit: int) -> str | None:
    """The string literal that crosses the limit on `row`, cut at spaces into literals side
    by side (in parentheses when not already in brackets). The parser joins them again: the
    AST must come out the same, or nothing is changed."""
    depth, found, after = 0, None, ""
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if found is not None:
                after = token.string  # `%` or `.format`: ruff's UP031/UP032 fixes want one
                break
            if token.type == tokenize.OP and token.string in "([{":
                depth += 1
            elif token.type == tokenize.OP and token.string in ")]}":
                depth -= 1
            elif token.type == tokenize.STRING and token.start[0] == row == token.end[0]:
                if token.end[1] > limit:
                    found = token, depth
            if token.start[0] > row:
                break
    except (tokenize.TokenError, SyntaxError):
        return None
    if found is None or after in ("%", "."):
        return None
    token, depth = found
    if depth == 0 and token.line.strip() == token.string:
        return None  # a docstring, or a string alone as a statement
    quoted = re.match(r"([rRbBuU]{0,2})('\'\'|\"\"\"|'|\")", token.string)
    if quoted is None:  # an f-string (before 3.12 a STRING too): its braces are code
        return None
    prefix, quote = quoted.groups()
    if "r" in prefix.lower():
        return None  # a pattern, most often: cut at a space it reads as two halves of one

    body = token.string[len(prefix) + len(quote) : -len(quote)]
    lines = text.splitlines(keepends=True)
    line = lines[row - 1]
    column = token.start[1] + (depth == 0)
    tail = len(line.rstrip("\r\n")) - token.end[1] + (depth == 0)
    room = limit - column - len(prefix) - 2 * len(quote)
    pieces = _cut(body, room, room - tail)
    if len(pieces) < 2:
        return None
    joined = ("\n" + " " * column).join(f"{prefix}{quote}{p}{quote}" for p in pieces)
    if depth == 0:
        joined = f"({joined})"
    lines[row - 1] = line[: token.start[1]] + joined + line[token.end[1] :]
    new = "".join(lines)
    try:
        same = ast.dump(ast.parse(new)) == ast.dump(ast.parse(text))
    except (SyntaxError, ValueError):
        return None
    return new if same else None


def _cut(body: str, room: int, last_room: int) -> list[str]:
    """`body` cut after spaces into pieces of at most `room` (the last `last_room`)."""
    pieces: list[str] = []
    rest = body
    while len(rest) > last_room:
        cut = rest.rfind(" ", 0, room)
        while cut > 0 and rest[cut - 1] == "\\":  # not inside an escape
            cut = rest.rfind(" ", 0, cut)
        if cut <= 0:
            break
        pieces.append(rest[: cut + 1])
        rest = rest[cut + 1 :]
    return [*pieces, rest] if rest else pieces


def _kinds(text: str) -> tuple[set[int], set[int]]:
    """Rows holding only a comment, and rows inside a string that spans lines."""
    comments: set[int] = set()
    strings: set[int] = set()
    opened: list[int] = []  # f-strings come in parts (3.12): where each began
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT and not token.line[: token.start[1]].strip():
            comments.add(token.start[0])
        elif token.type == tokenize.STRING and token.start[0] != token.end[0]:
            strings.update(range(token.start[0], token.end[0] + 1))
        elif token.type == getattr(tokenize, "FSTRING_START", -1):
            opened.append(token.start[0])
        elif token.type == getattr(tokenize, "FSTRING_END", -1) and opened:
            start = opened.pop()
            if start != token.end[0]:
                strings.update(range(start, token.end[0] + 1))
    return comments, strings - comments


def _wrap(line: str, limit: int, *, first: bool) -> str | None:
    """The comment line wrapped at `limit`, or None when it must stay as it is."""
    body = line.rstrip("\r\n")
    newline = line[len(body) :] or "\n"
    indent = body[: len(body) - len(body.lstrip())]
    stripped = body.strip()
    if first and stripped.startswith("#!") or READ_BY_TOOLS.search(stripped):
        return None
    prefix_match = re.match(r"#+:?\s*", stripped)
    prefix = prefix_match.group(0) if prefix_match else "# "
    words = stripped[len(prefix) :]
    if _is_code(words):
        return None
    width = limit - len(indent) - len(prefix.rstrip()) - 1
    pieces = textwrap.wrap(words, width, break_long_words=False, break_on_hyphens=False)
    if len(pieces) < 2 or any(len(p) > width for p in pieces):
        return None
    lead = prefix.rstrip() + " "
    return "".join(f"{indent}{lead}{piece}{newline}" for piece in pieces)


def _is_code(words: str) -> bool:
    """Commented-out code: it parses, and it is more than a few words."""
    if not any(c in words for c in "=()[]{}:"):
        return False
    try:
        ast.parse(words)
    except (SyntaxError, ValueError):
        return False
    return True


def _format(root: Path, rel: str, text: str, row: int, ruff: str) -> str | None:
    """`text` with the statement at `row` formatted by ruff as the repo configures it."""
    proc = subprocess.run(
        [ruff, "format", "--no-cache", "--quiet", f"--range={row}-{row + 1}"]
        + ["--stdin-filename", rel, "-"],
        cwd=root,
        input=text,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    if proc.returncode != 0 or proc.stdout == text or not proc.stdout:
        return None
    return proc.stdout


def _fewer_long(old: str, new: str, limit: int) -> bool:
    def long(text: str) -> int:
        return sum(len(line) > limit for line in text.splitlines())

    return long(new) < long(old)


def _replaced(old: str, new: str) -> set[str]:
    """The old lines the formatter replaced (to name the hunks that hold them)."""
    a, b = old.splitlines(), new.splitlines()
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return {
        line for tag, i1, i2, _, _ in matcher.get_opcodes() if tag != "equal" for line in a[i1:i2]
    }
