"""The first request: the file as plain text, the selection and the instruction, in one turn."""

from __future__ import annotations

from haikutui.core.textfile import TextFile
from haikutui.model.fix_request import (
    SYSTEM_PROMPT,
    WHOLE_FILE_CHARS,
    WHOLE_FILE_LINES,
    WINDOW,
    WINDOW_STEP,
    FixRequest,
    PriorAttempt,
    build_messages,
)
from tests.conftest import CORE_PY


def texts(request: FixRequest, file: TextFile) -> tuple[str, str]:
    messages = build_messages(request, file)
    assert len(messages) == 1 and messages[0]["role"] == "user"
    shown, asked = (block["text"] for block in messages[0]["content"])
    return shown, asked


def test_file_is_sent_as_plain_text_without_line_number_prefixes() -> None:
    shown, _ = texts(FixRequest("core.py", "fix it"), TextFile(CORE_PY))
    assert shown == f'<file path="core.py" lines="10">\n{CORE_PY.rstrip(chr(10))}\n</file>'
    assert "\t" not in shown  # the numbering (6 wide and a tab) added half as much again


def test_selection_is_a_line_range_with_its_text_quoted() -> None:
    shown, asked = texts(FixRequest("core.py", "fix it", (4, 4)), TextFile(CORE_PY))
    assert (
        "The user selected line 4 of core.py:\n```\n    for i in range(len(values) + 1):\n```"
        in (asked)
    )


def test_selected_range_and_instruction() -> None:
    request = FixRequest("core.py", "  fix the off-by-one  ", (4, 5))
    _, asked = texts(request, TextFile(CORE_PY))
    assert "The user selected lines 4-5 of core.py:" in asked
    assert "```\n    for i in range(len(values) + 1):\n        result += values[i]\n```" in asked
    assert asked.endswith("Instruction: fix the off-by-one")


def test_single_line_selection() -> None:
    _, asked = texts(FixRequest("core.py", "x", (2, 2)), TextFile(CORE_PY))
    assert 'The user selected line 2 of core.py:\n```\n    """Sum the values."""\n```' in asked


def test_no_selection_names_the_file() -> None:
    _, asked = texts(FixRequest("core.py", "add type hints"), TextFile(CORE_PY))
    assert asked == "The user is working on core.py.\n\nInstruction: add type hints"


def big_file(lines: int) -> TextFile:
    return TextFile("".join(f"row-{n:05d}\n" for n in range(1, lines + 1)))


def test_file_at_the_size_limit_is_sent_whole() -> None:
    lines = WHOLE_FILE_CHARS // len("row-00001\n")
    shown, _ = texts(FixRequest("big.txt", "x", (400, 400)), big_file(lines))
    assert "row-00001" in shown and f"row-{lines:05d}" in shown and "shown=" not in shown


def test_larger_file_sends_only_a_window_around_the_selection() -> None:
    total = WHOLE_FILE_LINES + 500
    shown, asked = texts(FixRequest("big.txt", "rename", (1000, 1001)), big_file(total))
    start, end = 1000 - WINDOW, 1001 + WINDOW
    block = shown.split('shown="', 1)[1]
    first, last = (int(n) for n in block.split('"', 1)[0].split("-"))
    assert first <= start and last >= end  # at least WINDOW lines either side ...
    assert last - first <= 2 * WINDOW + 2 * WINDOW_STEP  # ... and not much more
    assert f"\nrow-{first:05d}\n" in shown and f"\nrow-{last:05d}\n" in shown
    assert f"row-{first - 1:05d}" not in shown and f"row-{last + 1:05d}" not in shown
    assert "row-00001" not in shown
    assert "`view`" in shown  # the model is told how to see more
    assert "```\nrow-01000\nrow-01001\n```" in asked


def test_nearby_selections_share_the_window_so_the_cached_prefix_is_reused() -> None:
    file = big_file(WHOLE_FILE_LINES + 500)
    one, _ = texts(FixRequest("big.txt", "x", (1001, 1001)), file)
    two, _ = texts(FixRequest("big.txt", "y", (1005, 1010)), file)
    assert one == two


def test_window_is_clamped_at_the_file_edges() -> None:
    total = WHOLE_FILE_LINES + 10
    shown, _ = texts(FixRequest("big.txt", "x", (total, total)), big_file(total))
    assert f'-{total}">' in shown
    shown, _ = texts(FixRequest("big.txt", "x", (1, 2)), big_file(total))
    assert 'shown="1-' in shown


def test_a_mid_sized_file_that_does_not_parse_sends_a_window_and_an_outline() -> None:
    body = ["import os", "from pathlib import Path", "def broken(:", ""]
    for n in range(90):
        body += ["", f"class Kind{n}:", f"    def run_{n}(self, x):", "        return x + 1", ""]
        body += [f"    async def wait_{n}(self):", "        return os.sep", ""]
    text = "\n".join(body) + "\n"
    assert len(text) > WHOLE_FILE_CHARS
    line = body.index("class Kind50:") + 1
    shown, _ = texts(FixRequest("kinds.py", "rename", (line, line)), TextFile(text))
    window, rest = shown.split("</file>")
    assert "class Kind50:" in window and "class Kind1:" not in window
    assert "<outline>\n1: import os\n2: from pathlib import Path\n" in rest
    n = body.index("class Kind1:") + 1
    assert f"\n{n}: class Kind1:\n{n + 1}:     def run_1(self, x):\n" in rest
    assert f"{n + 4}:     async def wait_1(self):" in rest
    assert "return x + 1" not in rest  # bodies are left out
    assert "class Kind50:" not in rest  # what the window shows is not repeated
    assert len(shown) < len(text)


def test_prior_attempt_is_included_after_escalation() -> None:
    diff = "--- a/core.py\n+++ b/core.py\n@@ -4 +4 @@\n-    for i in range(len(values) + 1):\n+    for i in range(len(values) - 1):\n"
    prior = PriorAttempt("claude-haiku-4-5", diff, "the user asked for a stronger model")
    request = FixRequest("core.py", "fix it", (4, 4)).escalated(prior)
    _, asked = texts(request, TextFile(CORE_PY))
    assert asked.index("Instruction: fix it") < asked.index("An earlier attempt")
    assert (
        "An earlier attempt by claude-haiku-4-5 proposed this change, which is NOT applied:"
        in asked
    )
    assert "+    for i in range(len(values) - 1):" in asked
    assert "because: the user asked for a stronger model" in asked


def test_prior_attempt_without_a_diff() -> None:
    prior = PriorAttempt("claude-haiku-4-5", "", "it refused")
    _, asked = texts(FixRequest("core.py", "x").escalated(prior), TextFile(CORE_PY))
    assert "```diff\n(no change)\n```" in asked


def test_refined_request_keeps_every_follow_up_in_order() -> None:
    prior = PriorAttempt("m", "diff", "refine")
    request = FixRequest("core.py", "fix it").refined("also add a docstring", prior)
    request = request.refined("and type hints", prior)
    _, asked = texts(request, TextFile(CORE_PY))
    first = asked.index("Follow-up instruction: also add a docstring")
    assert asked.index("Follow-up instruction: and type hints") > first
    assert asked.index("Instruction: fix it") < first


def test_target_names_path_and_lines() -> None:
    assert FixRequest("a.py", "x").target == "a.py"
    assert FixRequest("a.py", "x", (3, 3)).target == "a.py:3"
    assert FixRequest("a.py", "x", (3, 9)).target == "a.py:3-9"


def test_system_prompt_names_the_tool() -> None:
    assert "str_replace_based_edit_tool" in SYSTEM_PROMPT
