"""A corpus of awkward model replies, each with the exit code and the exact bytes it must leave.

Every case runs `haikutui fix ARGS` in a fresh repo (the conftest repo unless `files` says
otherwise) against the fake Messages API playing `replies` through the real SDK. `after`
names the files whose bytes must be exactly as given (None: the file must not exist); every
other file must be untouched, and no other file may appear.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.conftest import CORE_PY
from tests.fake_api import (
    FakeAnthropic,
    Reply,
    bad_json_tool_reply,
    create,
    insert,
    str_replace,
    text_reply,
    tool_reply,
    tool_use,
    view,
)

FIXED = CORE_PY.replace("range(len(values) + 1)", "range(len(values))")
FIX = ("core.py", "range(len(values) + 1)", "range(len(values))")
BIG = "".join(f"VALUE_{n:06d} = {n}  # a long generated table line\n" for n in range(19_000))
"""Just under 1 MB of tracked Python: one `view` of it must not flood the context."""


@dataclass
class Case:
    name: str
    args: list[str]
    replies: list[Reply]
    exit: int
    after: dict[str, str | None] = field(default_factory=dict)
    stderr: list[str] = field(default_factory=list)
    requests: int | None = None
    files: dict[str, str] = field(default_factory=dict)
    """Extra files committed in the repo before the run."""
    config: str = ""
    """A `.haikutui.toml` written (untracked) before the run."""
    check: Callable[[FakeAnthropic], None] | None = None


def fix(*uses: object, text: str | None = None) -> Reply:
    return tool_reply(*uses, text=text)  # type: ignore[arg-type]


def tool_results(fake: FakeAnthropic, request: int) -> list[dict[str, object]]:
    """The tool_result blocks the given request sent back to the model."""
    content = fake.message_requests[request].json["messages"][-1]["content"]
    return [b for b in content if b.get("type") == "tool_result"]


def _huge_view_was_capped(fake: FakeAnthropic) -> None:
    tools = fake.message_requests[0].json["tools"]
    assert tools[0]["max_characters"] > 0
    (result,) = tool_results(fake, 1)
    content = str(result["content"])
    assert len(content) <= tools[0]["max_characters"] + 400
    assert "truncated" in content and "view_range" in content


def _past_end_is_error(fake: FakeAnthropic) -> None:
    (result,) = tool_results(fake, 1)
    assert result.get("is_error") is True
    assert "10 lines" in str(result["content"])


def _root_listed(fake: FakeAnthropic) -> None:
    (result,) = tool_results(fake, 1)
    assert not result.get("is_error")
    assert "core.py" in str(result["content"]) and "pkg/util.py" in str(result["content"])


def _bad_json_told(fake: FakeAnthropic) -> None:
    (result,) = tool_results(fake, 1)
    assert result.get("is_error") is True
    assert "not valid JSON" in str(result["content"])


def _secret_create_told(fake: FakeAnthropic) -> None:
    errors = [r for r in tool_results(fake, 1) if r.get("is_error")]
    assert len(errors) == 1 and "secret" in str(errors[0]["content"])


def _one_reply_contract(fake: FakeAnthropic) -> None:
    system = str(fake.message_requests[0].json["system"])
    assert "You get one reply" in system and "parallel tool calls" in system


CASES: list[Case] = [
    # -- multi-file edits with bad paths ------------------------------------------------------
    Case(
        "create_under_an_edited_file",
        ["core.py:5", "-m", "fix", "--yes"],
        [fix(str_replace(*FIX), create("core.py/helpers.py", "X = 1\n")), text_reply("Done.")],
        0,
        {"core.py": FIXED},
        ["applied to core.py"],
        requests=2,
    ),
    Case(
        "create_whose_parent_is_a_file",
        ["core.py", "-m", "add notes", "--yes"],
        [fix(create("README.md/notes.md", "notes\n")), text_reply("I could not create it.")],
        1,
        {},
        ["README.md is a file"],
        requests=2,
    ),
    Case(
        "same_path_created_twice",
        ["core.py", "-m", "add a module", "--yes"],
        [fix(create("extra.py", "A = 1\n"), create("extra.py", "B = 2\n")), text_reply("Ok.")],
        0,
        {"extra.py": "A = 1\n"},
        ["applied to extra.py"],
        requests=2,
    ),
    Case(
        "a_file_and_a_file_under_it",
        ["core.py", "-m", "add tools", "--yes"],
        [
            fix(create("tools.py", "T = 1\n"), create("tools.py/more.py", "M = 1\n")),
            text_reply("Ok."),
        ],
        0,
        {"tools.py": "T = 1\n"},
        ["applied to tools.py"],
        requests=2,
    ),
    Case(
        "create_over_a_directory",
        ["core.py", "-m", "add pkg", "--yes"],
        [fix(create("pkg", "P = 1\n")), text_reply("pkg is a folder; nothing to do.")],
        1,
        {},
        ["pkg is a folder"],
        requests=2,
    ),
    Case(
        "edit_outside_the_repo_then_the_right_one",
        ["core.py:5", "-m", "fix", "--yes"],
        [fix(str_replace("../outside.py", "a", "b")), fix(str_replace(*FIX))],
        0,
        {"core.py": FIXED},
        ["applied to core.py"],
        requests=2,
    ),
    # -- huge views -----------------------------------------------------------------------------
    Case(
        "huge_view_is_capped",
        ["core.py:5", "-m", "fix", "--yes"],
        [fix(view("big.py")), fix(str_replace(*FIX))],
        0,
        {"core.py": FIXED},
        files={"big.py": BIG},
        requests=2,
        check=_huge_view_was_capped,
    ),
    Case(
        "view_range_past_the_end",
        ["core.py:5", "-m", "fix", "--yes"],
        [fix(view("core.py", [50, 60])), fix(str_replace(*FIX))],
        0,
        {"core.py": FIXED},
        requests=2,
        check=_past_end_is_error,
    ),
    Case(
        "view_of_the_repo_root",
        ["core.py:5", "-m", "fix", "--yes"],
        [fix(view(".")), fix(str_replace(*FIX))],
        0,
        {"core.py": FIXED},
        requests=2,
        check=_root_listed,
    ),
    Case(
        "follow_up_over_the_per_request_budget",
        ["core.py:5", "-m", "fix", "--yes"],
        [fix(view("big.py")), fix(str_replace(*FIX))],
        2,
        {},
        ["follow-up request", "per-request budget", "nothing applied"],
        files={"big.py": BIG},
        config="[budget]\nper_request = 0.01\n",
        requests=1,
    ),
    # -- secret-named creates ---------------------------------------------------------------
    Case(
        "create_env_production_beside_a_fix",
        ["core.py:5", "-m", "fix", "--yes"],
        [fix(str_replace(*FIX), create(".env.production", "API_KEY=abc\n")), text_reply("Done.")],
        0,
        {"core.py": FIXED, ".env.production": None},
        ["applied to core.py"],
        requests=2,
        check=_secret_create_told,
    ),
    Case(
        "create_a_private_key_file",
        ["core.py", "-m", "make a key", "--yes"],
        [fix(create("deploy/id_rsa", "key\n")), text_reply("I will not create keys.")],
        1,
        {"deploy/id_rsa": None},
        ["secret"],
        requests=2,
    ),
    Case(
        "create_with_private_key_content",
        ["core.py", "-m", "add a fixture", "--yes"],
        [
            fix(create("fixture.txt", "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n")),
            text_reply("Skipped."),
        ],
        1,
        {"fixture.txt": None},
        ["private key"],
        requests=2,
    ),
    Case(
        "insert_into_a_secret_file",
        ["core.py", "-m", "set the key", "--yes"],
        [fix(insert(".env", 0, "API_KEY=abc\n")), text_reply("Cannot.")],
        1,
        {".env": "DEBUG=1\n"},
        ["secret"],
        files={".env": "DEBUG=1\n"},
        requests=2,
    ),
    # -- unparseable tool input ---------------------------------------------------------------
    Case(
        "bad_json_then_a_good_retry",
        ["core.py:5", "-m", "fix", "--yes"],
        [
            bad_json_tool_reply('{"command": "str_replace", "path": "core.py", "old_str": "a\\q"}'),
            fix(str_replace(*FIX)),
        ],
        0,
        {"core.py": FIXED},
        ["applied to core.py"],
        requests=2,
        check=_bad_json_told,
    ),
    Case(
        "bad_json_every_time",
        ["core.py:5", "-m", "fix", "--yes"],
        [bad_json_tool_reply('{"command": "view", "path": "core.py\\x"}', repeat=True)],
        3,
        {},
        ["not valid JSON", "nothing applied"],
        requests=2,
    ),
    # -- edits outside the selection ------------------------------------------------------------
    Case(
        "edit_outside_the_selection",
        ["core.py:4-5", "-m", "fix", "--yes"],
        [
            fix(
                str_replace(*FIX),
                str_replace(
                    "core.py",
                    "    return total(values) / len(values)",
                    "    return total(values) / max(1, len(values))",
                ),
            )
        ],
        0,
        {"core.py": FIXED.replace("/ len(values)", "/ max(1, len(values))")},
        ["edits outside the selection (line 10)", "applied to core.py"],
        requests=1,
    ),
    # -- empty and no-op edits ------------------------------------------------------------------
    Case(
        "no_op_str_replace",
        ["core.py:5", "-m", "fix", "--yes"],
        [fix(str_replace("core.py", "result = 0", "result = 0"))],
        1,
        {},
        ["the model's edit changed nothing"],
        requests=1,
    ),
    Case(
        "edit_then_its_undo",
        ["core.py:5", "-m", "fix", "--yes"],
        [
            fix(
                str_replace("core.py", "result = 0", "result = 1"),
                str_replace("core.py", "result = 1", "result = 0"),
            )
        ],
        1,
        {},
        ["the model's edit changed nothing"],
        requests=1,
    ),
    Case(
        "empty_old_str",
        ["core.py:5", "-m", "fix", "--yes"],
        [fix(str_replace("core.py", "", "x")), text_reply("I could not match it.")],
        1,
        {},
        ["old_str is empty"],
        requests=2,
    ),
    Case(
        "empty_insert",
        ["core.py:5", "-m", "fix", "--yes"],
        [fix(insert("core.py", 3, "")), text_reply("Nothing to add.")],
        1,
        {},
        ["insert_text is empty"],
        requests=2,
    ),
    Case(
        "empty_reply",
        ["core.py:5", "-m", "fix", "--yes"],
        [text_reply("")],
        1,
        {},
        ["proposed no change"],
        requests=1,
    ),
    Case(
        "reasoned_no_change",
        ["core.py:5", "-m", "fix", "--yes"],
        [text_reply("The loop is already correct.")],
        1,
        {},
        ["The loop is already correct."],
        requests=1,
    ),
    Case(
        "tool_input_not_an_object",
        ["core.py:5", "-m", "fix", "--yes"],
        [fix(tool_use({"command": "str_replace"})), fix(str_replace(*FIX))],
        0,
        {"core.py": FIXED},
        requests=2,
    ),
    # -- edits over two turns ---------------------------------------------------------------
    Case(
        "one_edit_per_turn_announced_more",
        ["core.py", "-m", "fix the loop and guard mean", "--yes"],
        [
            fix(
                str_replace(*FIX),
                text="First I'll fix the loop, then I'll guard mean against an empty list.",
            ),
            fix(str_replace("core.py", "/ len(values)", "/ max(1, len(values))")),
        ],
        0,
        {"core.py": FIXED},
        ["announced more work than it made", "applied to core.py"],
        requests=1,
        check=_one_reply_contract,
    ),
    Case(
        "view_then_edit",
        ["core.py:5", "-m", "fix", "--yes"],
        [fix(view("pkg/util.py")), fix(str_replace(*FIX))],
        0,
        {"core.py": FIXED},
        ["applied to core.py"],
        requests=2,
    ),
    Case(
        "failed_match_then_fix",
        ["core.py:5", "-m", "fix", "--yes"],
        [fix(str_replace("core.py", "range(len(vals) + 1)", "x")), fix(str_replace(*FIX))],
        0,
        {"core.py": FIXED},
        ["applied to core.py"],
        requests=2,
    ),
]
