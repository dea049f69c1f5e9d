"""One model run against the local fake Messages API, through the real SDK over real HTTP."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path
from typing import Any

import pytest

from haikutui.core.config import Settings
from haikutui.core.errors import ModelError, NoChange, UsageError
from haikutui.core.repo import Repo
from haikutui.model.fix_request import FixRequest
from haikutui.model.fix_run import FixResult, Progress, run_fix
from haikutui.model.ladder import resolve
from tests.conftest import CORE_PY
from tests.fake_api import (
    FakeAnthropic,
    cut_stream_reply,
    error_reply,
    midstream_error_reply,
    refusal_reply,
    str_replace,
    text_reply,
    tool_reply,
    tool_use,
    truncated_tool_reply,
    view,
)

KEY = "sk-ant-test-key-never-logged"  # what the fake_api fixture exports
FIXED = CORE_PY.replace("range(len(values) + 1)", "range(len(values))")
FIX = ("core.py", "range(len(values) + 1)", "range(len(values))")


def fix(
    repo_dir: Path,
    settings: Settings | None = None,
    *,
    model: str = "fast",
    lines: tuple[int, int] | None = (4, 4),
    progress: list[Progress] | None = None,
) -> FixResult:
    settings = settings or Settings(max_retries=0)
    request = FixRequest("core.py", "fix the off-by-one", lines)
    on_progress = progress.append if progress is not None else None
    return asyncio.run(
        run_fix(
            request,
            resolve(model, settings),
            Repo(repo_dir),
            settings,
            on_progress=on_progress,
        )
    )


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tool_results(body: dict[str, Any]) -> list[dict[str, Any]]:
    last = body["messages"][-1]
    assert last["role"] == "user"
    return [block for block in last["content"] if block.get("type") == "tool_result"]


# ---------------------------------------------------------------- the fast path


def test_one_str_replace_is_one_request(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(tool_reply(str_replace(*FIX), text="Fixing the range."))
    result = fix(repo_dir)
    assert len(fake_api.requests) == 1
    change = result.proposal.changes[0]
    assert change.path == "core.py" and change.new_text == FIXED
    assert result.proposal.model == "claude-haiku-4-5" and result.proposal.rung == "fast"
    assert result.proposal.note == "Fixing the range."
    assert (repo_dir / "core.py").read_text() == CORE_PY  # a run never writes


def test_request_body(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(tool_reply(str_replace(*FIX)))
    fix(repo_dir, Settings(max_retries=0, max_tokens=1234))
    body = fake_api.requests[0].json
    assert body is not None
    assert body["model"] == "claude-haiku-4-5"
    assert body["tools"] == [
        {
            "type": "text_editor_20250728",
            "name": "str_replace_based_edit_tool",
            "max_characters": 40_000,
        }
    ]
    assert "temperature" not in body and "top_p" not in body and "top_k" not in body
    assert body["stream"] is True
    assert body["max_tokens"] == 1234
    assert "str_replace_based_edit_tool" in json.dumps(body["system"])
    sent = json.dumps(body["messages"])
    assert "for i in range(len(values) + 1)" in sent and "line 4" in sent


def test_api_key_travels_only_in_the_header(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(tool_reply(str_replace(*FIX)))
    fix(repo_dir)
    request = fake_api.requests[0]
    assert KEY in json.dumps(request.headers)
    assert KEY.encode() not in request.body


def test_usage_and_cost_are_counted(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(
        tool_reply(str_replace(*FIX), usage={"input_tokens": 1_000_000, "output_tokens": 2000})
    )
    seen: list[Progress] = []
    result = fix(repo_dir, progress=seen)
    assert result.progress.requests == 1
    assert result.progress.usage.input_tokens == 1_000_000
    assert result.progress.usage.output_tokens == 2000
    assert result.progress.cost == pytest.approx(1.0 + 2000 * 5 / 1_000_000)
    assert seen and seen[-1].phase == "done"


def test_edits_in_two_places_in_one_reply(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(
        tool_reply(
            str_replace(*FIX),
            str_replace(
                "core.py",
                "return total(values) / len(values)",
                "return total(values) / max(len(values), 1)",
            ),
        )
    )
    result = fix(repo_dir, lines=None)
    assert len(fake_api.requests) == 1
    assert "max(len(values), 1)" in result.proposal.changes[0].new_text
    assert "range(len(values))" in result.proposal.changes[0].new_text


# ---------------------------------------------------------------- follow-ups


def test_failed_str_replace_is_reported_and_corrected(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(
        tool_reply(
            str_replace("core.py", "range(len(vals) + 1)", "range(len(vals))", id="toolu_bad")
        ),
        tool_reply(str_replace(*FIX)),
    )
    result = fix(repo_dir)
    assert len(fake_api.requests) == 2
    second = fake_api.requests[1].json
    assert second is not None
    assert [m["role"] for m in second["messages"]] == ["user", "assistant", "user"]
    echoed = second["messages"][1]["content"]
    assert any(b.get("type") == "tool_use" and b.get("id") == "toolu_bad" for b in echoed)
    (result_block,) = tool_results(second)
    assert result_block["tool_use_id"] == "toolu_bad"
    assert result_block["is_error"] is True
    assert "No match found" in result_block["content"]
    assert result.proposal.changes[0].new_text == FIXED
    assert result.progress.tool_errors and "No match" in result.progress.tool_errors[0]


def test_view_call_gets_a_follow_up(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(tool_reply(view("pkg/util.py", id="toolu_view")), tool_reply(str_replace(*FIX)))
    result = fix(repo_dir)
    assert len(fake_api.requests) == 2
    second = fake_api.requests[1].json
    assert second is not None
    (result_block,) = tool_results(second)
    assert result_block["tool_use_id"] == "toolu_view"
    assert "is_error" not in result_block
    assert "     2\t    return x * 2" in result_block["content"]
    assert result.proposal.changes[0].new_text == FIXED


def test_one_good_and_one_bad_call_keep_the_good_edit(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(
        tool_reply(str_replace(*FIX), str_replace("core.py", "nothing like this", "x")),
        text_reply("The first edit is enough."),
    )
    result = fix(repo_dir)
    assert len(fake_api.requests) == 2
    results = tool_results(fake_api.requests[1].json or {})
    assert [r.get("is_error", False) for r in results] == [False, True]
    assert result.proposal.changes[0].new_text == FIXED


def test_unknown_tool_name_is_an_error_result(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(
        tool_reply(tool_use({"command": "run", "cmd": "rm -rf /"}, name="bash")),
        tool_reply(str_replace(*FIX)),
    )
    result = fix(repo_dir)
    (result_block,) = tool_results(fake_api.requests[1].json or {})
    assert result_block["is_error"] is True and "unknown tool bash" in result_block["content"]
    assert result.proposal.changes[0].new_text == FIXED


def test_tool_loop_stops_at_the_round_limit(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(tool_reply(view("core.py"), repeat=True))
    with pytest.raises(NoChange) as info:
        fix(repo_dir, Settings(max_retries=0, max_tool_rounds=3))
    assert "3 rounds" in str(info.value)
    assert len(fake_api.requests) == 3


# ---------------------------------------------------------------- no usable change


def test_text_only_reply_is_no_change(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(text_reply("The code is already correct."))
    with pytest.raises(NoChange, match="already correct"):
        fix(repo_dir)


def test_refusal_is_no_change(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(refusal_reply("I can't help with that."))
    with pytest.raises(NoChange) as info:
        fix(repo_dir)
    assert "refused" in str(info.value) and "I can't help with that." in str(info.value)
    assert len(fake_api.requests) == 1


def test_truncated_reply_is_no_change_and_writes_nothing(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    prefix = '{"command": "str_replace", "path": "core.py", "old_str": "range(len(values) + 1)", "new_str": "ran'
    fake_api.script(truncated_tool_reply(prefix))
    with pytest.raises(NoChange) as info:
        fix(repo_dir, Settings(max_retries=0, max_tokens=64))
    assert "max_tokens" in str(info.value) and "64" in str(info.value)
    assert len(fake_api.requests) == 1
    assert (repo_dir / "core.py").read_text() == CORE_PY


def test_only_failed_edits_is_no_change_naming_the_error(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(
        tool_reply(str_replace("core.py", "no such text", "x")),
        text_reply("I could not find it."),
    )
    with pytest.raises(NoChange, match="No match found"):
        fix(repo_dir)


# ---------------------------------------------------------------- errors


def test_overloaded_529_after_retries(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(error_reply(529, "overloaded_error", "Overloaded", repeat=True))
    with pytest.raises(ModelError) as info:
        fix(repo_dir, Settings(max_retries=1))
    message = str(info.value)
    assert "529" in message and "overloaded" in message
    assert "\n" not in message
    assert len(fake_api.requests) == 2  # the first try and one retry


def test_rate_limit_says_when_to_retry(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(
        error_reply(429, "rate_limit_error", "slow down", {"retry-after": "7"}, repeat=True)
    )
    with pytest.raises(ModelError, match=r"429.*retry in 7s"):
        fix(repo_dir, Settings(max_retries=0))


def test_error_event_mid_stream(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(midstream_error_reply("Let me fix", error_type="overloaded_error"))
    with pytest.raises(ModelError) as info:
        fix(repo_dir)
    assert "mid-reply" in str(info.value) and "overloaded" in str(info.value)
    assert "200" not in str(info.value)  # the HTTP status of a begun stream means nothing


def test_connection_dropped_mid_stream(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(cut_stream_reply(str_replace(*FIX)))
    with pytest.raises(ModelError, match="dropped"):
        fix(repo_dir)
    assert (repo_dir / "core.py").read_text() == CORE_PY


def test_rejected_key(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(error_reply(401, "authentication_error", "invalid x-api-key", repeat=True))
    with pytest.raises(ModelError) as info:
        fix(repo_dir, Settings(max_retries=2))
    assert "API key rejected" in str(info.value) and "ANTHROPIC_API_KEY" in str(info.value)
    assert len(fake_api.requests) == 1  # a bad key is not retried


def test_unknown_model_is_named(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(error_reply(404, "not_found_error", "model: claude-nope"))
    with pytest.raises(ModelError, match="'claude-nope'"):
        fix(repo_dir, model="claude-nope")


def test_dead_server(repo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = f"http://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("ANTHROPIC_BASE_URL", base)
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    with pytest.raises(ModelError) as info:
        fix(repo_dir, Settings(max_retries=0))
    assert str(info.value).startswith(f"Cannot reach the API at {base}")


def test_slow_server_times_out(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(error_reply(500, "api_error", "late", delay=1.0))
    with pytest.raises(ModelError, match="timed out"):
        fix(repo_dir, Settings(max_retries=0, timeout=0.2))


def test_no_key_makes_no_request(
    repo_dir: Path, fake_api: FakeAnthropic, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    fake_api.script(tool_reply(str_replace(*FIX)))
    with pytest.raises(ModelError, match="ANTHROPIC_API_KEY"):
        fix(repo_dir)
    assert fake_api.requests == []


def test_auth_token_counts_as_a_key(
    repo_dir: Path, fake_api: FakeAnthropic, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    monkeypatch.setenv("ANTHROPIC_AUTH_TOKEN", "token-abc")
    fake_api.script(tool_reply(str_replace(*FIX)))
    assert fix(repo_dir).proposal.changes[0].new_text == FIXED


@pytest.mark.parametrize(
    ("status", "error_type", "message"),
    [
        (400, "invalid_request_error", "messages: bad"),
        (401, "authentication_error", "invalid x-api-key"),
        (403, "permission_error", "not allowed"),
        (404, "not_found_error", "no such model"),
        (413, "request_too_large", "too big"),
        (429, "rate_limit_error", "slow down"),
        (500, "api_error", "boom"),
        (529, "overloaded_error", "Overloaded"),
    ],
)
def test_error_messages_are_one_line_without_the_key(
    repo_dir: Path, fake_api: FakeAnthropic, status: int, error_type: str, message: str
) -> None:
    fake_api.script(error_reply(status, error_type, message, repeat=True))
    with pytest.raises(ModelError) as info:
        fix(repo_dir, Settings(max_retries=0))
    text = str(info.value)
    assert str(status) in text
    assert KEY not in text and "test-key" not in text
    assert "\n" not in text


def test_untracked_file_fails_before_any_request(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    (repo_dir / "scratch.py").write_text("x = 1\n")
    settings = Settings(max_retries=0)
    with pytest.raises(UsageError, match="not tracked"):
        asyncio.run(
            run_fix(
                FixRequest("scratch.py", "x"), resolve(None, settings), Repo(repo_dir), settings
            )
        )
    assert fake_api.requests == []


# ---------------------------------------------------------------- issue 11


def test_tool_input_that_is_not_json_is_an_error_result_and_a_retry(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    from tests.fake_api import bad_json_tool_reply

    bad = '{"command": "str_replace", "path": "core.py", "old_str": "range\\q"}'
    fake_api.script(bad_json_tool_reply(bad, text="Fixing it."), tool_reply(str_replace(*FIX)))
    result = fix(repo_dir)
    assert result.proposal.changes[0].new_text == FIXED
    second = fake_api.requests[1].json
    assert second is not None
    turn = second["messages"][-2]
    assert turn["role"] == "assistant" and turn["content"][-1]["input"] == {}
    (answer,) = tool_results(second)
    assert answer["is_error"] is True and "not valid JSON" in answer["content"]
    assert answer["tool_use_id"] == turn["content"][-1]["id"]


def test_tool_input_that_is_never_json_fails_in_one_line(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    from tests.fake_api import bad_json_tool_reply

    fake_api.script(bad_json_tool_reply('{"command": "view\\x"}', repeat=True))
    with pytest.raises(ModelError) as caught:
        fix(repo_dir)
    assert caught.value.exit_code == 3
    assert "not valid JSON twice" in caught.value.message and "\n" not in caught.value.message
    assert len(fake_api.requests) == 2


def test_an_edit_that_changes_nothing_says_so(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(tool_reply(str_replace("core.py", "result = 0", "result = 0")))
    with pytest.raises(NoChange, match="the model's edit changed nothing"):
        fix(repo_dir)


def test_the_budget_is_checked_again_before_a_follow_up(
    tmp_path: Path, fake_api: FakeAnthropic
) -> None:
    from tests.conftest import make_repo

    big = "".join(f"ROW_{n:06d} = {n}  # generated\n" for n in range(30_000))
    root = make_repo(tmp_path / "r", {"core.py": CORE_PY, "big.py": big})
    fake_api.script(tool_reply(view("big.py")), tool_reply(str_replace(*FIX)))
    with pytest.raises(UsageError, match="follow-up request: .* per-request budget"):
        fix(root, Settings(max_retries=0, budget_per_request=0.01))
    assert len(fake_api.requests) == 1


def test_the_view_cap_and_the_one_reply_contract_travel(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(tool_reply(str_replace(*FIX)))
    fix(repo_dir)
    body = fake_api.requests[0].json
    assert body is not None
    assert body["tools"][0]["max_characters"] == 40_000
    assert "You get one reply and no tool results" in body["system"]
    assert "parallel tool calls" in body["system"]


def test_a_reply_that_announces_more_than_it_did_is_flagged(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(
        tool_reply(str_replace(*FIX), text="First I'll fix the loop, then I'll add a guard.")
    )
    result = fix(repo_dir)
    assert result.unfinished and result.can_continue
    assert result.proposal.note.startswith("⚠ announced more work than it made (c continues)")
    assert len(fake_api.requests) == 1  # still one request: only `c` sends the results


def test_a_plain_one_reply_fix_is_not_flagged(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(tool_reply(str_replace(*FIX), text="Fixed the off-by-one."))
    result = fix(repo_dir)
    assert not result.unfinished and result.proposal.note == "Fixed the off-by-one."
