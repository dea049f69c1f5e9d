"""Acceptance 2 and 3, from the fake's recorded request bodies: a byte-identical cached
prefix across two fixes of a large file, and thinking by model family with no temperature."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from haikutui.core.config import Settings, load_settings
from haikutui.core.repo import Repo
from haikutui.model.capabilities import lifecycle_warning, table_caps, thinking_params
from haikutui.model.estimate import base_counts
from haikutui.model.fix_request import FixRequest
from haikutui.model.fix_run import Progress, run_fix
from haikutui.model.ladder import resolve
from tests.conftest import make_repo
from tests.cost.helpers import BIG_PY, write_config
from tests.fake_api import FakeAnthropic, str_replace, tool_reply, view

BREAKPOINT = b'"cache_control":{"type":"ephemeral"}}'


@pytest.fixture
def big_repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "big", {"steps.py": BIG_PY})


def fix(root: Path, instruction: str, lines: tuple[int, int], model: str = "fast") -> Progress:
    settings = load_settings(root)
    request = FixRequest("steps.py", instruction, lines)
    result = asyncio.run(run_fix(request, resolve(model, settings), Repo(root), settings))
    return result.progress


def edit(n: int) -> object:
    return str_replace("steps.py", f"    return result + {n}\n", f"    return result - {n}\n")


LONG_FUNCTION = (
    "\n\ndef every_step(values):\n"
    + "".join(
        f"    values[{n} % len(values)] += {n}  # step {n} of the long one\n" for n in range(600)
    )
    + "    return values\n"
)
HUGE_PY = BIG_PY + LONG_FUNCTION
"""A selection in `every_step` is sent with the whole function: above 4,096 tokens."""
LONG_AT = HUGE_PY.split("\n").index("def every_step(values):") + 1


def test_two_fixes_of_a_large_file_send_a_byte_identical_prefix(
    tmp_path: Path, fake_api: FakeAnthropic
) -> None:
    big_repo = make_repo(tmp_path / "huge", {"steps.py": HUGE_PY})
    request = FixRequest("steps.py", "x", (LONG_AT + 5, LONG_AT + 5))
    prefix_tokens, _ = base_counts(request, HUGE_PY)
    assert prefix_tokens > 4096  # above Haiku 4.5's minimum
    fake_api.script(
        tool_reply(edit(1), usage={"cache_creation_input_tokens": 7000, "input_tokens": 60}),
        tool_reply(edit(7), usage={"cache_read_input_tokens": 7000, "input_tokens": 70}),
    )
    fix(big_repo, "subtract instead", (LONG_AT + 7, LONG_AT + 7))
    second = fix(big_repo, "make it negative", (LONG_AT + 31, LONG_AT + 31))

    one, two = (r.body for r in fake_api.message_requests)
    # The raw bodies agree byte for byte up to and including the breakpoint ...
    cut = one.index(BREAKPOINT) + len(BREAKPOINT)
    assert two.index(BREAKPOINT) + len(BREAKPOINT) == cut
    assert one[:cut] == two[:cut]
    assert one.count(b"cache_control") == 1
    # ... and so does the prefix in the API's order: tools, system, messages to the breakpoint.
    a, b = (r.json for r in fake_api.message_requests)
    assert a is not None and b is not None

    def prefix(body: dict[str, object]) -> bytes:
        first = body["messages"][0]["content"][0]  # type: ignore[index]
        return json.dumps([body["tools"], body["system"], first]).encode()

    assert prefix(a) == prefix(b)
    assert b"# step 599 of the long one" in prefix(a)  # the whole function is cached ...
    assert b"step_199  (200 functions" in prefix(a)  # ... and the outline of the rest
    # What differs (selection, instruction) comes after the breakpoint.
    assert a["messages"][0]["content"][1] != b["messages"][0]["content"][1]
    assert second.cache_note == "cache 99% read"


def test_below_the_minimum_the_status_says_not_cached(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(tool_reply(str_replace("core.py", "len(values) + 1", "len(values)")))
    settings = Settings(max_retries=0)
    request = FixRequest("core.py", "fix", (4, 4))
    result = asyncio.run(run_fix(request, resolve("fast", settings), Repo(repo_dir), settings))
    assert result.progress.cache_note == "not cached (prefix below 4,096 tokens)"


def test_haiku_4_5_gets_budget_thinking(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    write_config("[thinking]\nfast = true\nbudget_tokens = 3000\n")
    fake_api.script(tool_reply(str_replace("core.py", "len(values) + 1", "len(values)")))
    settings = load_settings(repo_dir)
    request = FixRequest("core.py", "fix", (4, 4))
    asyncio.run(run_fix(request, resolve("fast", settings), Repo(repo_dir), settings))
    (body,) = [r.json for r in fake_api.message_requests]
    assert body is not None
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 3000}
    assert body["thinking"]["budget_tokens"] < body["max_tokens"]
    assert "output_config" not in body and "temperature" not in body
    assert [r.path for r in fake_api.requests][0] == "/v1/models/claude-haiku-4-5"


def test_sonnet_4_6_gets_adaptive_thinking_with_effort(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    write_config('[thinking]\nstrong = true\neffort = { strong = "high" }\n')
    fake_api.script(tool_reply(str_replace("core.py", "len(values) + 1", "len(values)")))
    settings = load_settings(repo_dir)
    request = FixRequest("core.py", "fix", (4, 4))
    asyncio.run(run_fix(request, resolve("strong", settings), Repo(repo_dir), settings))
    (body,) = [r.json for r in fake_api.message_requests]
    assert body is not None
    assert body["model"] == "claude-sonnet-4-6"
    assert body["thinking"] == {"type": "adaptive"}
    assert body["output_config"] == {"effort": "high"}
    assert "temperature" not in body and "top_p" not in body and "top_k" not in body


def test_thinking_off_sends_nothing_and_asks_nothing(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(tool_reply(str_replace("core.py", "len(values) + 1", "len(values)")))
    settings = Settings(max_retries=0)
    request = FixRequest("core.py", "fix", (4, 4))
    asyncio.run(run_fix(request, resolve("fast", settings), Repo(repo_dir), settings))
    (request_made,) = fake_api.requests
    body = request_made.json or {}
    assert "thinking" not in body and "output_config" not in body and "temperature" not in body


def test_thinking_blocks_go_back_unchanged_in_a_tool_loop(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    from tests.fake_api import MessageReply, ThinkingBlock

    write_config("[thinking]\nfast = true\n")
    first = MessageReply(
        [ThinkingBlock("I should look first.", "sig_abc"), view("core.py")],
        stop_reason="tool_use",
    )
    fake_api.script(first, tool_reply(str_replace("core.py", "len(values) + 1", "len(values)")))
    settings = load_settings(repo_dir)
    request = FixRequest("core.py", "fix", (4, 4))
    asyncio.run(run_fix(request, resolve("fast", settings), Repo(repo_dir), settings))
    second = fake_api.message_requests[1].json
    assert second is not None
    assistant = second["messages"][1]
    assert assistant["role"] == "assistant"
    assert assistant["content"][0] == {
        "type": "thinking",
        "thinking": "I should look first.",
        "signature": "sig_abc",
    }


def test_the_fallback_table_never_sends_what_a_model_rejects() -> None:
    settings = Settings(thinking={"fast": True, "strong": True, "strongest": True})
    assert thinking_params(table_caps("claude-opus-4-7"), "strongest", settings).params == {
        "thinking": {"type": "adaptive"},
        "output_config": {"effort": "medium"},
    }
    assert "budget_tokens" not in json.dumps(
        thinking_params(table_caps("claude-opus-5-5"), "strongest", settings).params
    )
    assert thinking_params(table_caps("claude-haiku-4-5-20251001"), "fast", settings).params == {
        "thinking": {"type": "enabled", "budget_tokens": 2048}
    }
    assert thinking_params(table_caps("llama3"), "fast", settings).params == {}
    assert table_caps("claude-haiku-5-5").token_ratio == 1.3


def test_models_api_decides_and_lifecycle_warns(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    from anthropic import AsyncAnthropic

    from haikutui.model.capabilities import fetch_caps

    fake_api.model_info["claude-haiku-4-5"] = {
        "lifecycle": "deprecated",
        "retires_at": "2027-02-01T00:00:00Z",
    }
    fake_api.model_info["claude-sonnet-4-6"] = {"lifecycle": "retired"}
    client = AsyncAnthropic()
    haiku = asyncio.run(fetch_caps(client, "claude-haiku-4-5"))
    assert haiku.source == "api" and haiku.budget_thinking and not haiku.adaptive_thinking
    assert "deprecated and retires on 2027-02-01" in (lifecycle_warning(haiku, "fast") or "")
    sonnet = asyncio.run(fetch_caps(AsyncAnthropic(), "claude-sonnet-4-6"))
    assert "retired" in (lifecycle_warning(sonnet, "strong") or "")
    assert sonnet.adaptive_thinking and "high" in sonnet.efforts


def test_lifecycle_warnings_name_each_rung_the_models_api_flags(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    from haikutui.model.capabilities import lifecycle_warnings

    fake_api.model_info["claude-sonnet-4-6"] = {"lifecycle": "retired"}
    warnings = asyncio.run(lifecycle_warnings(load_settings(repo_dir)))
    assert len(warnings) == 1
    assert "claude-sonnet-4-6 is retired" in warnings[0] and "[models] strong" in warnings[0]
    asked = [r.path for r in fake_api.requests]
    assert "/v1/models/claude-haiku-4-5" in asked and "/v1/models/claude-opus-4-6" in asked


def test_exact_count_asks_count_tokens_with_the_request_as_sent(
    big_repo: Path, fake_api: FakeAnthropic
) -> None:
    from haikutui.model.estimate import counted_tokens, estimate_fix

    settings = load_settings(big_repo)
    request = FixRequest("steps.py", "", None)
    text = (big_repo / "steps.py").read_text()
    counted = asyncio.run(counted_tokens(request, text, settings))
    [sent] = fake_api.requests
    assert sent.path == "/v1/messages/count_tokens"
    assert sent.json["model"] == "claude-haiku-4-5"
    assert sent.json["tools"][0]["type"] == "text_editor_20250728"
    assert counted == max(1, len(sent.body) // 4)  # what the fake counts
    exact = estimate_fix(request, text, settings, counted=counted)
    assert exact.exact and exact.rungs[0].input_tokens == counted


def test_exact_count_is_none_when_the_api_cannot_answer(
    big_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from haikutui.model.estimate import counted_tokens

    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    text = (big_repo / "steps.py").read_text()
    settings = load_settings(big_repo)
    settings.max_retries = 0
    assert asyncio.run(counted_tokens(FixRequest("steps.py", "", None), text, settings)) is None
