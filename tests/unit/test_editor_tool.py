"""EditorTool: the text editor tool's commands, run on the overlay; every failure is an is_error result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from haikutui.core.overlay import Overlay
from haikutui.core.repo import Repo
from haikutui.model.editor_tool import EditorTool, numbered
from tests.conftest import CORE_PY, make_repo

NO_MATCH = "No match found for replacement. Please check your text and try again."


@pytest.fixture
def tool(repo_dir: Path) -> EditorTool:
    return EditorTool(Overlay(Repo(repo_dir)))


def text_of(tool: EditorTool, rel: str) -> str:
    return tool.overlay.read(rel)


# ---------------------------------------------------------------- view


def test_view_numbers_every_line(tool: EditorTool) -> None:
    out = tool.run({"command": "view", "path": "pkg/util.py"})
    assert not out.is_error and not out.edited
    assert out.content == "     1\tdef double(x):\n     2\t    return x * 2"


def test_view_range_to_the_end_with_minus_one(tool: EditorTool) -> None:
    out = tool.run({"command": "view", "path": "core.py", "view_range": [9, -1]})
    assert not out.is_error
    assert (
        out.content == "     9\tdef mean(values):\n    10\t    return total(values) / len(values)"
    )


def test_view_range_in_the_middle(tool: EditorTool) -> None:
    out = tool.run({"command": "view", "path": "core.py", "view_range": [4, 5]})
    assert out.content.splitlines() == [
        "     4\t    for i in range(len(values) + 1):",
        "     5\t        result += values[i]",
    ]


def test_view_range_backwards_is_an_error(tool: EditorTool) -> None:
    out = tool.run({"command": "view", "path": "core.py", "view_range": [5, 2]})
    assert out.is_error and "view_range" in out.content


def test_view_shows_edits_already_made(tool: EditorTool) -> None:
    tool.run({"command": "str_replace", "path": "pkg/util.py", "old_str": "* 2", "new_str": "* 3"})
    out = tool.run({"command": "view", "path": "pkg/util.py"})
    assert "return x * 3" in out.content


def test_numbered_pads_to_six_and_grows() -> None:
    assert numbered("a\nb\n") == "     1\ta\n     2\tb"
    assert numbered("x\n", start=1234567).startswith("1234567\tx")


# ---------------------------------------------------------------- str_replace


def test_str_replace_edits_the_overlay_never_the_disk(tool: EditorTool, repo_dir: Path) -> None:
    out = tool.run(
        {
            "command": "str_replace",
            "path": "core.py",
            "old_str": "range(len(values) + 1)",
            "new_str": "range(len(values))",
        }
    )
    assert not out.is_error and out.edited
    assert out.content == "Successfully replaced text at exactly one location."
    assert "range(len(values)):" in text_of(tool, "core.py")
    assert (repo_dir / "core.py").read_text() == CORE_PY


def test_str_replace_no_match(tool: EditorTool) -> None:
    out = tool.run({"command": "str_replace", "path": "core.py", "old_str": "nope", "new_str": "x"})
    assert out.is_error and not out.edited
    assert out.content == NO_MATCH
    assert text_of(tool, "core.py") == CORE_PY


def test_str_replace_recovers_old_str_quoted_with_view_line_numbers(tool: EditorTool) -> None:
    """The file is sent plain, but a model may quote a `view` result, prefixes and all."""
    old = "     4\t    for i in range(len(values) + 1):\n     5\t        result += values[i]"
    new = "     4\t    for value in values:\n     5\t        result += value"
    out = tool.run({"command": "str_replace", "path": "core.py", "old_str": old, "new_str": new})
    assert out.edited and not out.is_error
    assert "    for value in values:\n        result += value\n" in text_of(tool, "core.py")
    assert "\t" not in text_of(tool, "core.py")


def test_prefix_stripping_never_guesses_between_matches(tool: EditorTool) -> None:
    tool.overlay.write("core.py", CORE_PY + "x = 1\nx = 1\n")
    out = tool.run(
        {"command": "str_replace", "path": "core.py", "old_str": "    11\tx = 1", "new_str": "y"}
    )
    assert out.is_error and out.content == NO_MATCH


def test_str_replace_several_matches(tool: EditorTool) -> None:
    out = tool.run(
        {"command": "str_replace", "path": "core.py", "old_str": "values", "new_str": "xs"}
    )
    count = CORE_PY.count("values")
    assert out.is_error
    assert out.content == (
        f"Found {count} matches for replacement text. "
        "Please provide more context to make a unique match."
    )
    assert text_of(tool, "core.py") == CORE_PY


def test_str_replace_with_empty_old_str_says_so(tool: EditorTool) -> None:
    out = tool.run({"command": "str_replace", "path": "core.py", "old_str": "", "new_str": "x"})
    assert out.is_error and "old_str is empty" in out.content
    assert text_of(tool, "core.py") == CORE_PY


def test_str_replace_without_new_str_deletes(tool: EditorTool) -> None:
    out = tool.run(
        {"command": "str_replace", "path": "core.py", "old_str": '    """Sum the values."""\n'}
    )
    assert not out.is_error
    assert "Sum the values" not in text_of(tool, "core.py")


def test_str_replace_on_crlf_file_matches_lf_text(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"win.py": b"a = 1\r\nb = 2\r\n"})
    tool = EditorTool(Overlay(Repo(root)))
    out = tool.run(
        {"command": "str_replace", "path": "win.py", "old_str": "a = 1\nb", "new_str": "a = 3\nb"}
    )
    assert not out.is_error
    assert text_of(tool, "win.py") == "a = 3\nb = 2\n"


# ---------------------------------------------------------------- create


def test_create_new_file(tool: EditorTool, repo_dir: Path) -> None:
    out = tool.run({"command": "create", "path": "pkg/new.py", "file_text": "VALUE = 1\n"})
    assert not out.is_error and out.edited
    assert "pkg/new.py" in out.content
    assert text_of(tool, "pkg/new.py") == "VALUE = 1\n"
    assert not (repo_dir / "pkg" / "new.py").exists()


def test_create_over_existing_file_is_refused(tool: EditorTool) -> None:
    out = tool.run({"command": "create", "path": "core.py", "file_text": "gone\n"})
    assert out.is_error
    assert "already exists" in out.content
    assert text_of(tool, "core.py") == CORE_PY


def test_create_over_a_file_already_viewed_is_refused(tool: EditorTool) -> None:
    """Viewing first must not turn create into a silent whole-file overwrite."""
    tool.run({"command": "view", "path": "core.py"})
    out = tool.run({"command": "create", "path": "core.py", "file_text": "gone\n"})
    assert out.is_error
    assert text_of(tool, "core.py") == CORE_PY


def test_create_over_untracked_file_is_refused(tool: EditorTool, repo_dir: Path) -> None:
    (repo_dir / "scratch.py").write_text("mine\n")
    out = tool.run({"command": "create", "path": "scratch.py", "file_text": "theirs\n"})
    assert out.is_error


def test_created_file_can_then_be_edited(tool: EditorTool) -> None:
    tool.run({"command": "create", "path": "new.py", "file_text": "a = 1\n"})
    out = tool.run(
        {"command": "str_replace", "path": "new.py", "old_str": "a = 1", "new_str": "a = 2"}
    )
    assert not out.is_error
    assert text_of(tool, "new.py") == "a = 2\n"


# ---------------------------------------------------------------- insert


def test_insert_at_top(tool: EditorTool) -> None:
    out = tool.run(
        {
            "command": "insert",
            "path": "pkg/util.py",
            "insert_line": 0,
            "insert_text": "import math\n",
        }
    )
    assert not out.is_error and out.edited
    assert text_of(tool, "pkg/util.py") == "import math\ndef double(x):\n    return x * 2\n"


def test_insert_at_end(tool: EditorTool) -> None:
    out = tool.run(
        {"command": "insert", "path": "pkg/util.py", "insert_line": 2, "insert_text": "# end"}
    )
    assert not out.is_error
    assert text_of(tool, "pkg/util.py") == "def double(x):\n    return x * 2\n# end\n"


def test_insert_accepts_legacy_new_str(tool: EditorTool) -> None:
    out = tool.run(
        {
            "command": "insert",
            "path": "pkg/util.py",
            "insert_line": 1,
            "new_str": '    """Twice."""',
        }
    )
    assert not out.is_error
    assert text_of(tool, "pkg/util.py") == 'def double(x):\n    """Twice."""\n    return x * 2\n'


def test_insert_several_lines_in_a_file_without_final_newline(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"a.txt": "one\ntwo"})
    tool = EditorTool(Overlay(Repo(root)))
    out = tool.run(
        {"command": "insert", "path": "a.txt", "insert_line": 2, "insert_text": "x\ny\n"}
    )
    assert not out.is_error
    assert text_of(tool, "a.txt") == "one\ntwo\nx\ny"


def test_insert_past_the_end_is_an_error(tool: EditorTool) -> None:
    out = tool.run(
        {"command": "insert", "path": "pkg/util.py", "insert_line": 3, "insert_text": "x"}
    )
    assert out.is_error and "0 to 2" in out.content
    out = tool.run(
        {"command": "insert", "path": "pkg/util.py", "insert_line": -1, "insert_text": "x"}
    )
    assert out.is_error


# ---------------------------------------------------------------- bad input


def test_unknown_command(tool: EditorTool) -> None:
    out = tool.run({"command": "undo_edit", "path": "core.py"})
    assert out.is_error and "unknown command 'undo_edit'" in out.content


@pytest.mark.parametrize(
    "tool_input",
    [
        None,
        "view core.py",
        ["view", "core.py"],
        {},
        {"command": "view"},
        {"command": "view", "path": 3},
        {"command": "view", "path": None},
        {"command": "view", "path": "core.py", "view_range": "all"},
        {"command": "view", "path": "core.py", "view_range": [1]},
        {"command": "view", "path": "core.py", "view_range": ["a", "b"]},
        {"command": "view", "path": "core.py", "view_range": 7},
        {"command": "str_replace", "path": "core.py"},
        {"command": "str_replace", "path": "core.py", "old_str": 1, "new_str": "x"},
        {"command": "str_replace", "path": "core.py", "old_str": "total", "new_str": None},
        {"command": "create", "path": "x.py"},
        {"command": "create", "path": "x.py", "file_text": ["a"]},
        {"command": "insert", "path": "core.py", "insert_text": "x"},
        {"command": "insert", "path": "core.py", "insert_line": "top", "insert_text": "x"},
        {"command": "insert", "path": "core.py", "insert_line": None, "insert_text": "x"},
        {"command": "insert", "path": "core.py", "insert_line": 0},
        {"command": "view", "path": "a" * 300},
        {"command": "create", "path": "d" * 300 + "/x.py", "file_text": "x"},
    ],
    ids=lambda value: repr(value)[:40],
)
def test_malformed_input_is_an_error_result_never_an_exception(
    tool: EditorTool, tool_input: Any
) -> None:
    out = tool.run(tool_input)
    assert out.is_error
    assert not out.edited
    assert out.content.startswith("Error")
    assert text_of(tool, "core.py") == CORE_PY


@pytest.mark.parametrize("path", ["../escape.py", "/etc/passwd", ".git/config", "nope.py", ".env"])
@pytest.mark.parametrize("command", ["view", "str_replace", "insert"])
def test_bad_paths_are_error_results(tool: EditorTool, command: str, path: str) -> None:
    tool_input = {
        "command": command,
        "path": path,
        "old_str": "a",
        "new_str": "b",
        "insert_line": 0,
        "insert_text": "x",
    }
    out = tool.run(tool_input)
    assert out.is_error and not out.edited
    assert out.content.startswith("Error: ")


def test_create_outside_the_repo_is_an_error(tool: EditorTool, tmp_path: Path) -> None:
    target = tmp_path / "escaped.py"
    for path in (str(target), "../escaped.py", ".git/hooks/pre-commit"):
        out = tool.run({"command": "create", "path": path, "file_text": "import os\n"})
        assert out.is_error, path
    assert not target.exists()
    assert tool.overlay.changed() == {}


def test_untracked_file_cannot_be_viewed(tool: EditorTool, repo_dir: Path) -> None:
    (repo_dir / "scratch.py").write_text("private\n")
    out = tool.run({"command": "view", "path": "scratch.py"})
    assert out.is_error and "not tracked" in out.content


def test_view_of_a_directory_lists_its_tracked_files(tool: EditorTool) -> None:
    out = tool.run({"command": "view", "path": "pkg"})
    assert not out.is_error
    assert "pkg/util.py" in out.content


# ---------------------------------------------------------------- issue 11


def test_view_of_the_repo_root_lists_every_tracked_file(tool: EditorTool) -> None:
    for path in (".", "./", ""):
        out = tool.run({"command": "view", "path": path})
        assert not out.is_error, (path, out.content)
        assert "core.py" in out.content and "pkg/util.py" in out.content


def test_view_range_past_the_end_is_an_error_giving_the_length(tool: EditorTool) -> None:
    out = tool.run({"command": "view", "path": "core.py", "view_range": [50, 60]})
    assert out.is_error and "core.py has 10 lines" in out.content


def test_view_range_running_past_the_end_shows_up_to_it(tool: EditorTool) -> None:
    out = tool.run({"command": "view", "path": "core.py", "view_range": [9, 60]})
    assert not out.is_error
    assert out.content.splitlines()[-1].split("\t")[0].strip() == "10"


def test_a_huge_view_is_capped_and_says_how_to_see_more(tmp_path: Path) -> None:
    from haikutui.model.editor_tool import TOOL_DECLARATION, VIEW_MAX_CHARACTERS

    big = "".join(f"ROW_{n:06d} = {n}\n" for n in range(50_000))  # just under 1 MB
    tool = EditorTool(Overlay(Repo(make_repo(tmp_path / "r", {"big.py": big}))))
    out = tool.run({"command": "view", "path": "big.py"})
    assert not out.is_error
    assert len(out.content) < VIEW_MAX_CHARACTERS + 200
    assert "truncated" in out.content and "view_range" in out.content
    assert TOOL_DECLARATION["max_characters"] == VIEW_MAX_CHARACTERS
    # The rest is reachable with view_range, capped the same way.
    tail = tool.run({"command": "view", "path": "big.py", "view_range": [49_999, -1]})
    assert "ROW_049999" in tail.content and "truncated" not in tail.content


@pytest.mark.parametrize(
    "path", [".env.production", ".env", "deploy/id_rsa", "certs/server.pem", "credentials.json"]
)
def test_secret_named_files_are_never_created(tool: EditorTool, repo_dir: Path, path: str) -> None:
    out = tool.run({"command": "create", "path": path, "file_text": "API_KEY=abc\n"})
    assert out.is_error and "secret" in out.content
    assert tool.overlay.changed() == {}


@pytest.mark.parametrize("command", ["create", "str_replace", "insert"])
def test_a_private_key_is_never_written(tool: EditorTool, command: str) -> None:
    key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n"
    tool_input = {
        "command": command,
        "path": "notes.txt" if command == "create" else "core.py",
        "file_text": key,
        "old_str": "result = 0",
        "new_str": key,
        "insert_line": 0,
        "insert_text": key,
    }
    out = tool.run(tool_input)
    assert out.is_error and "private key" in out.content
    assert tool.overlay.changed() == {}


@pytest.mark.parametrize(
    ("first", "second", "words"),
    [
        (None, "core.py/helpers.py", "core.py is a file"),
        (None, "README.md/notes.md", "README.md is a file"),
        (None, "pkg", "pkg is a folder"),
        ("tools.py", "tools.py/more.py", "tools.py is a file"),
        ("extra.py", "extra.py", "already created"),
        ("lib/a.py", "lib", "must stay a folder"),
    ],
)
def test_paths_apply_could_not_write_are_refused_at_the_tool(
    tool: EditorTool, first: str | None, second: str, words: str
) -> None:
    if first is not None:
        assert not tool.run({"command": "create", "path": first, "file_text": "A = 1\n"}).is_error
    out = tool.run({"command": "create", "path": second, "file_text": "B = 2\n"})
    assert out.is_error and words in out.content
    assert set(tool.overlay.changed()) == ({first} if first else set())


def test_an_empty_insert_is_an_error_not_a_blank_line(tool: EditorTool) -> None:
    out = tool.run({"command": "insert", "path": "core.py", "insert_line": 2, "insert_text": ""})
    assert out.is_error and "insert_text is empty" in out.content
    assert text_of(tool, "core.py") == CORE_PY
