"""Issue 22: long lines (E501) shortened with no model: ruff's formatter on the statement alone,
comments re-wrapped; strings, docstrings and comments tools read are left as they are."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from haikutui.core.config import load_settings
from haikutui.core.repo import Repo
from haikutui.tasks.lint.ruff_pass import ruff_only
from tests.conftest import make_repo

CONFIG = """\
[project]
name = "pkg"
version = "0"

[tool.ruff]
line-length = 60

[tool.ruff.lint]
select = ["E501"]
"""

LONG_CALL = "    total = combine(first_argument, second_argument, third, 1)\n"
LONG_COMMENT = "    # the totals are combined here because the caller wants one number back\n"
LONG_DOC = '    """A docstring that is longer than sixty characters, kept."""\n'
TOOLS = "    # type: ignore[attr-defined]  # a comment mypy reads, it stays\n"
URL = "    # https://example.com/a/very/long/address/that/cannot/be/wrapped/at/all\n"
CODE = "    # result = combine(first_argument, second_argument, third_one)\n"
STRING = '    return "a string literal that is much longer than sixty chars"\n'

SOURCE = (
    "def combine(*parts):\n    return sum(parts)\n\n\n"
    "def work(first_argument, second_argument, third):\n"
    + LONG_DOC
    + LONG_COMMENT
    + LONG_CALL
    + TOOLS
    + URL
    + CODE
    + "    print(total)\n"
    + STRING
)


@pytest.fixture
def long_repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "long", {"pyproject.toml": CONFIG, "pkg/mod.py": SOURCE})


def test_a_long_statement_and_a_long_comment_are_shortened_and_marked(long_repo: Path) -> None:
    result = ruff_only(Repo(long_repo), load_settings(long_repo), None)
    assert sorted(d.row for d in result.before["pkg/mod.py"]) == [
        6,
        7,
        8,
        11,
        13,
    ]  # the `type:` and URL lines: ruff's E501 skips them
    (change,) = result.proposal.changes
    text = change.new_text
    assert (
        "    total = combine(\n        first_argument, second_argument, third, 1\n    )\n" in text
    )
    assert (
        "    # the totals are combined here because the caller wants\n    # one number back\n"
        in text
    )
    for kept in (LONG_DOC, TOOLS, URL, CODE):
        assert kept in text
    # Cut into literals side by side: the parser joins them, the AST is the same.
    assert (
        '    return ("a string literal that is much longer than "\n            "sixty chars")\n'
        in text
    )
    # The comment and the call are a line apart: one hunk, named by the first that explains it.
    assert [h.source for h in change.hunks] == ["textwrap (E501)"]
    assert all(h.accepted for h in change.hunks)
    assert result.fixed() == 3 and result.remaining() == 2
    compile(text, "pkg/mod.py", "exec")


def test_a_double_hash_comment_keeps_its_prefix(tmp_path: Path) -> None:
    source = "## section notes: these words run well past the sixty character limit\nX = 1\n"
    repo = make_repo(tmp_path / "long", {"pyproject.toml": CONFIG, "pkg/mod.py": source})
    result = ruff_only(Repo(repo), load_settings(repo), None)
    (change,) = result.proposal.changes
    assert change.new_text == (
        "## section notes: these words run well past the sixty\n## character limit\nX = 1\n"
    )
    assert [h.source for h in change.hunks] == ["textwrap (E501)"]


def test_a_statement_alone_is_formatted_and_nothing_else(tmp_path: Path) -> None:
    """`ruff format --range`: the rest of the file keeps its own style."""
    source = "x  =  1\n\n\nresult = dict(first_key=1, second_key=2, third_key=3, fourth=4)\n"
    repo = make_repo(tmp_path / "long", {"pyproject.toml": CONFIG, "pkg/mod.py": source})
    result = ruff_only(Repo(repo), load_settings(repo), None)
    (change,) = result.proposal.changes
    assert change.new_text == (
        "x  =  1\n\n\nresult = dict(\n    first_key=1, second_key=2, third_key=3, fourth=4\n)\n"
    )
    assert [h.source for h in change.hunks] == ["ruff format (E501)"]


def test_a_long_string_is_cut_into_literals_the_parser_joins(tmp_path: Path) -> None:
    source = (
        "import ast\n\n\n"
        'MESSAGE = "a string literal that is much longer than sixty characters"\n'
        'FORMATTED = f"an f-string {ast} that is much longer than sixty characters"\n'
    )
    repo = make_repo(tmp_path / "long", {"pyproject.toml": CONFIG, "pkg/mod.py": source})
    result = ruff_only(Repo(repo), load_settings(repo), None)
    (change,) = result.proposal.changes
    assert change.new_text == (
        "import ast\n\n\n"
        'MESSAGE = ("a string literal that is much longer than "\n'
        '           "sixty characters")\n'
        'FORMATTED = f"an f-string {ast} that is much longer than sixty characters"\n'
    )
    assert [h.source for h in change.hunks] == ["split string (E501)"]
    assert ast.dump(ast.parse(change.new_text)) == ast.dump(ast.parse(source))


def test_a_string_that_a_percent_on_the_next_line_formats_is_left_whole(tmp_path: Path) -> None:
    """The `%` after a line break still follows the literal: the string stays one piece
    (pluggy's `"Plugin %r ... hookwrapper"\\n % (...)` was cut)."""
    source = (
        "def fail(name):\n"
        "    raise ValueError(\n"
        '        "plugin %r is historic and so incompatible with all wrappers"\n'
        "        % (name,)\n"
        "    )\n"
    )
    repo = make_repo(tmp_path / "long", {"pyproject.toml": CONFIG, "pkg/mod.py": source})
    result = ruff_only(Repo(repo), load_settings(repo), None)
    assert [h.source for c in result.proposal.changes for h in c.hunks] == []
