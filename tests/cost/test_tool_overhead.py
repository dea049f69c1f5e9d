"""Issue 22: the estimate counts what the API adds for tools, as the pricing page lists it."""

from __future__ import annotations

import json

from haikutui.model.editor_tool import TOOL_DECLARATION
from haikutui.model.estimate import TOOL_TOKENS
from haikutui.model.pricing import TOOL_OVERHEAD_AS_OF, tool_overhead
from tests.fake_api.billing import Biller


def _billed(body: dict[str, object]) -> int:
    raw = json.dumps(body).encode()
    usage = Biller().usage(raw, body, {"output_tokens": 1})
    return usage["input_tokens"] - -(-len(raw.decode()) // 4)


def test_tool_use_system_prompt_and_each_tool_are_counted_by_tool_choice() -> None:
    assert tool_overhead([TOOL_DECLARATION]) == 346 + 700 == TOOL_TOKENS
    assert tool_overhead([TOOL_DECLARATION], "none") == 1046
    assert tool_overhead([TOOL_DECLARATION], "any") == 313 + 700
    assert tool_overhead([TOOL_DECLARATION], "tool") == 1013
    assert tool_overhead([TOOL_DECLARATION, {"type": "bash_20250124", "name": "bash"}]) == 1291
    assert tool_overhead([{"name": "mine", "input_schema": {}}]) == 346
    assert tool_overhead([]) == 0
    assert "2026" in TOOL_OVERHEAD_AS_OF


def test_the_fake_bills_the_same_overhead_the_real_api_does() -> None:
    body: dict[str, object] = {
        "model": "claude-haiku-4-5",
        "messages": [],
        "tools": [TOOL_DECLARATION],
    }
    assert _billed(body) == 1046
    assert _billed({**body, "tool_choice": {"type": "any"}}) == 1013
    assert _billed({"model": "claude-haiku-4-5", "messages": []}) == 0
