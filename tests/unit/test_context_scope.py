"""Issue 22: a selection in a long Python file is sent by scope, not as a window of lines."""

from __future__ import annotations

from haikutui.core.textfile import TextFile
from haikutui.model.context_scope import stem
from haikutui.model.estimate import base_counts
from haikutui.model.fix_request import FixRequest, build_messages


def shown(path: str, text: str, line: int) -> str:
    block = build_messages(FixRequest(path, "fix it", (line, line)), TextFile(text))[0]
    return str(block["content"][0]["text"])


def helpers_module() -> tuple[str, int, int]:
    """Imports, 280 small helpers, then a 300-line function: the issue's awkward file."""
    lines = [
        "import os",
        "from collections import (",
        "    OrderedDict,",
        "    defaultdict as dd,",
        ")",
        "",
    ]
    for n in range(280):
        lines += [f"def helper_{n}(value):", f"    return value + {n}", "", ""]
    long_start = len(lines) + 1
    lines.append("def long_one(items):")
    lines.append("    total = 0")
    for n in range(300):
        lines.append(f"    total += items[{n}] * {n}  # step {n}")
    lines.append("    return total")
    lines += ["", "", "", "", "def after(x):", "    return os.sep + x", ""]
    return "\n".join(lines) + "\n", long_start, len(lines)


def test_the_enclosing_function_is_sent_whole_however_long() -> None:
    text, start, _ = helpers_module()
    block = shown("mod.py", text, start + 250)  # 250 lines into a 302-line function
    assert "def long_one(items):" in block and "    return total" in block
    assert "# step 0\n" in block and "# step 299\n" in block
    assert 'scope="def long_one"' in block
    assert "helper_3(value):\n" not in block  # no other function's body


def test_imports_are_sent_one_line_each_with_the_names_they_bind() -> None:
    text, start, _ = helpers_module()
    block = shown("mod.py", text, start + 5)
    assert (
        "<imports>\n1: import os\n2: from collections import OrderedDict, defaultdict as dd\n"
        in (block)
    )


def test_runs_of_similar_definitions_are_collapsed_in_the_outline() -> None:
    text, start, _ = helpers_module()
    block = shown("mod.py", text, start + 5)
    outline = block.split("<outline>\n", 1)[1].split("</outline>", 1)[0]
    assert outline.splitlines()[0] == (
        "7: def helper_0 … helper_279  (280 functions, lines 7–1124)"
    )
    assert "def after(x)" in outline
    assert len(outline.splitlines()) == 2  # not 281 lines


def test_a_selection_in_a_helper_splits_the_run_around_the_one_shown() -> None:
    text, _, _ = helpers_module()
    line = text.split("\n").index("def helper_100(value):") + 2
    block = shown("mod.py", text, line)
    assert 'scope="def helper_100"' in block
    outline = block.split("<outline>\n", 1)[1]
    assert "def helper_0 … helper_99  (100 functions" in outline
    assert "def helper_101 … helper_279  (179 functions" in outline


def test_a_method_is_sent_with_its_class_siblings_named() -> None:
    lines = ["class Big:"]
    for n in range(200):
        lines += [f"    def method_{n}(self, x):", f"        y = x * {n}", "        return y", ""]
    lines += ["", "class Other(Big):", "    pass", ""]
    text = "\n".join(lines) + "\n"
    line = lines.index("    def method_30(self, x):") + 2
    block = shown("big.py", text, line)
    assert 'scope="def Big.method_30"' in block
    assert "        y = x * 30\n" in block and "y = x * 145" not in block
    assert "1: class Big" in block and "6 method_1" in block
    assert "class Other(Big)" in block


def test_nearby_selections_in_one_function_send_the_same_cached_block() -> None:
    text, start, _ = helpers_module()
    assert shown("mod.py", text, start + 10) == shown("mod.py", text, start + 200)


def test_a_one_line_fix_in_a_helper_costs_under_2600_tokens_with_the_tool_overhead() -> None:
    text, _, _ = helpers_module()
    line = text.split("\n").index("def helper_100(value):") + 2
    prefix, rest = base_counts(FixRequest("mod.py", "fix it", (line, line)), text)
    assert prefix + rest < 2600  # a window of 240 lines and 281 outline lines: over 5,000


def test_stem_groups_numbered_and_prefixed_names() -> None:
    assert stem("helper_35") == stem("helper_279") == "helper_"
    assert stem("test_load") == stem("test_dump") == "test_"
    assert stem("Item30") == stem("Item4") == "Item"
    assert stem("_private_a") == "_private_"
    assert stem("Literal") != stem("Keyword")
