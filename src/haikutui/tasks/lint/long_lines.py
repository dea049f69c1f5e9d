"""Long lines (E501) with no model: ruff's formatter on the one statement, comments re-wrapped.

Ruff has no fix for E501, and formatting whole files is a diff of every line the repo styles
differently. Here only the lines ruff reports change: a statement is re-laid by `ruff format
--range` (the repo's own formatter settings; the AST is the same), kept only when it leaves
fewer long lines; a comment on a line of its own is wrapped at the limit the finding names
(stdlib `textwrap`), with its indent and `#`/`#:` prefix; a string literal still too long
is cut at spaces into literals side by side, which the parser joins again (kept only when
their values join to the literal's, so the AST is the same). None of it can change behaviour. Left as they are: strings that span
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


def shorten(
    root: Path, rel: str, text: str, rows: dict[int, int], ruff: str, *, split: bool = True
) -> Shortened:
    """`text` with the long lines at `rows` (1-based row -> limit) shortened where it can be.

    One pass from the bottom, so the rows above keep their numbers and their tokens (from
    one scan of the text) stay true; a statement the formatter re-laid makes the tokens of
    its first rows stale, and those are not cut.
    """
    result = Shortened(text)
    try:
        scan = _scan(text, min(rows.values()))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return result
    lines = text.splitlines(keepends=True)
    stale = len(lines) + 1  # rows from here down were re-laid by the formatter
    for row in sorted(rows, reverse=True):
        if row > len(lines) or row in scan.strings:
            continue
        old = lines[row - 1]
        if row in scan.comments:
            new = _wrap(old, rows[row], first=row == 1)
            if new is not None:
                lines[row - 1] = new
                result.wrapped.add(old.rstrip("\r\n"))
            continue
        literal = scan.long.get(row) if split and row < stale else None
        if old.lstrip()[:1] not in ("'", '"'):  # a string alone: the formatter cannot help
            now = "".join(lines)
            formatted = _format(root, rel, now, row, ruff)
            if formatted is not None and _fewer_long(now, formatted, rows[row]):
                replaced, first = _replaced(now, formatted)
                result.formatted.update(replaced)
                lines = formatted.splitlines(keepends=True)
                stale = min(stale, first)
                continue
        if literal is not None and "noqa" not in old:
            new = _split_line(old, *literal, rows[row])
            if new is not None:
                lines[row - 1] = new
                result.split.add(old.rstrip("\r\n"))
    result.text = "".join(lines)
    if result.split:
        try:
            ast.parse(result.text)  # each cut was checked for its value; this, for the syntax
        except (SyntaxError, ValueError):
            return shorten(root, rel, text, rows, ruff, split=False)
    return result


@dataclass
class _Scan:
    comments: set[int] = field(default_factory=set)
    """Rows holding only a comment."""
    strings: set[int] = field(default_factory=set)
    """Rows inside a string that spans lines."""
    long: dict[int, tuple[tokenize.TokenInfo, int]] = field(default_factory=dict)
    """Per row, the first plain string literal that crosses the limit, and its bracket
    depth: not a docstring, a raw string (a pattern, most often: cut at a space it reads as
    two halves), an f-string or inside one (its braces are code), nor one a `%` or
    `.format` follows (ruff's UP031 and UP032 fixes want it whole)."""


def _scan(text: str, limit: int) -> _Scan:
    """One tokenize pass over `text`: what `shorten` needs to know of each row."""
    scan = _Scan()
    depth, inside, pending = 0, 0, None
    opened: list[int] = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if pending is not None and token.type not in (tokenize.NL, tokenize.COMMENT):
            if token.string not in ("%", "."):  # what follows, across a line break too
                scan.long.setdefault(pending[0].start[0], pending)
            pending = None
        kind = token.type
        if kind == tokenize.COMMENT and not token.line[: token.start[1]].strip():
            scan.comments.add(token.start[0])
        elif kind == tokenize.OP and token.string in "([{":
            depth += 1
        elif kind == tokenize.OP and token.string in ")]}":
            depth -= 1
        elif kind == getattr(tokenize, "FSTRING_START", -1):
            inside += 1
            opened.append(token.start[0])
        elif kind == getattr(tokenize, "FSTRING_END", -1) and opened:
            inside -= 1
            start = opened.pop()
            if start != token.end[0]:
                scan.strings.update(range(start, token.end[0] + 1))
        elif kind == tokenize.STRING and token.start[0] != token.end[0]:
            scan.strings.update(range(token.start[0], token.end[0] + 1))
        elif (
            kind == tokenize.STRING
            and not inside
            and token.end[1] > limit
            and not (depth == 0 and token.line.strip() == token.string)
            and re.match(r"[bBuU]?['\"]", token.string)
        ):
            pending = token, depth
    if pending is not None:
        scan.long.setdefault(pending[0].start[0], pending)
    scan.strings -= scan.comments
    return scan


def _split_line(line: str, token: tokenize.TokenInfo, depth: int, limit: int) -> str | None:
    quoted = re.match(r"([bBuU]?)('\'\'|\"\"\"|'|\")", token.string)
    if quoted is None:
        return None
    prefix, quote = quoted.groups()
    body = token.string[len(prefix) + len(quote) : -len(quote)]
    column = token.start[1] + (depth == 0)
    tail = len(line.rstrip("\r\n")) - token.end[1] + (depth == 0)
    room = limit - column - len(prefix) - 2 * len(quote)
    pieces = [f"{prefix}{quote}{p}{quote}" for p in _cut(body, room, room - tail)]
    if len(pieces) < 2 or not _same_value(token.string, pieces):
        return None
    joined = ("\n" + " " * column).join(pieces)
    if depth == 0:
        joined = f"({joined})"
    return line[: token.start[1]] + joined + line[token.end[1] :]


def _same_value(literal: str, pieces: list[str]) -> bool:
    """The pieces, joined as the parser joins adjacent literals, are the literal's value."""
    try:
        whole = ast.literal_eval(literal)
        parts = [ast.literal_eval(p) for p in pieces]
    except (SyntaxError, ValueError):
        return False
    if not all(type(p) is type(whole) for p in parts):
        return False
    return bool(whole == (b"" if isinstance(whole, bytes) else "").join(parts))


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


def _replaced(old: str, new: str) -> tuple[set[str], int]:
    """The old lines the formatter replaced (to name the hunks that hold them), and the
    first one's row: what lies between the lines both texts start and end with."""
    a, b = old.splitlines(), new.splitlines()
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return set(a[start : len(a) - end]), start + 1
