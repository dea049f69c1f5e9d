"""Prove tests/fake_api speaks the Messages API well enough for the real SDK.

If these pass, app tests can trust that a behaviour seen against the fake is
the SDK's behaviour (exception classes, retries, stream accumulation).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anthropic
import httpx2
import pytest

from tests.fake_api import (
    FakeAnthropic,
    create,
    cut_stream_reply,
    error_reply,
    insert,
    midstream_error_reply,
    refusal_reply,
    reply_from_spec,
    str_replace,
    text_reply,
    tool_reply,
    tool_use,
    truncated_tool_reply,
    view,
)

MODEL = "claude-haiku-4-5"
EDITOR_TOOL: dict[str, Any] = {
    "type": "text_editor_20250728",
    "name": "str_replace_based_edit_tool",
}


def _kwargs(**extra: Any) -> dict[str, Any]:
    return {
        "model": MODEL,
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": "fix the typo"}],
        **extra,
    }


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as f:
        yield f


@pytest.fixture
def client(fake: FakeAnthropic) -> Iterator[anthropic.Anthropic]:
    c = anthropic.Anthropic(api_key="test-key", base_url=fake.base_url, max_retries=0)
    yield c
    c.close()


def test_streamed_text(fake: FakeAnthropic, client: anthropic.Anthropic) -> None:
    fake.script(text_reply("Hello there, this is streamed.", usage={"input_tokens": 7}))
    with client.messages.stream(**_kwargs()) as stream:
        chunks = list(stream.text_stream)
        msg = stream.get_final_message()
    assert len(chunks) > 1
    assert "".join(chunks) == "Hello there, this is streamed."
    assert msg.model == MODEL
    assert msg.stop_reason == "end_turn"
    assert msg.content[0].type == "text"
    assert msg.usage.input_tokens == 7
    assert msg.usage.output_tokens == 50
    assert msg.usage.cache_read_input_tokens == 0


def test_streamed_thinking_then_text(fake: FakeAnthropic, client: anthropic.Anthropic) -> None:
    fake.script(text_reply("Done.", thinking="Let me think about it."))
    with client.messages.stream(**_kwargs()) as stream:
        msg = stream.get_final_message()
    assert [b.type for b in msg.content] == ["thinking", "text"]
    assert msg.content[0].thinking == "Let me think about it."  # type: ignore[union-attr]
    assert msg.content[0].signature == "sig_fake"  # type: ignore[union-attr]


def test_streamed_tool_use(fake: FakeAnthropic, client: anthropic.Anthropic) -> None:
    call = str_replace("src/app.py", 'print("helo")', 'print("hello")')
    fake.script(tool_reply(call, text="Fixing the typo."))
    with client.messages.stream(**_kwargs(tools=[EDITOR_TOOL])) as stream:
        msg = stream.get_final_message()
    assert msg.stop_reason == "tool_use"
    text_block, tool_block = msg.content
    assert text_block.type == "text" and text_block.text == "Fixing the typo."
    assert tool_block.type == "tool_use"
    assert tool_block.id == call.id and tool_block.id.startswith("toolu_")
    assert tool_block.name == "str_replace_based_edit_tool"
    assert tool_block.input == {
        "command": "str_replace",
        "path": "src/app.py",
        "old_str": 'print("helo")',
        "new_str": 'print("hello")',
    }


def test_non_streamed_call(fake: FakeAnthropic, client: anthropic.Anthropic) -> None:
    fake.script(
        tool_reply(
            view("a.py", [1, 5]),
            create("b.py", "x = 1\n"),
            insert("a.py", 3, "y = 2\n"),
            tool_use({"q": 1}, id="toolu_custom", name="other"),
        )
    )
    msg = client.messages.create(**_kwargs(tools=[EDITOR_TOOL]))
    assert msg.stop_reason == "tool_use"
    inputs = [b.input for b in msg.content if b.type == "tool_use"]
    assert inputs == [
        {"command": "view", "path": "a.py", "view_range": [1, 5]},
        {"command": "create", "path": "b.py", "file_text": "x = 1\n"},
        {"command": "insert", "path": "a.py", "insert_line": 3, "insert_text": "y = 2\n"},
        {"q": 1},
    ]
    assert msg.content[-1].id == "toolu_custom"  # type: ignore[union-attr]
    assert not fake.requests[0].stream


def test_rate_limit_error(fake: FakeAnthropic, client: anthropic.Anthropic) -> None:
    fake.script(error_reply(429, "rate_limit_error", "Slow down"))
    with pytest.raises(anthropic.RateLimitError) as info:
        client.messages.create(**_kwargs())
    err = info.value
    assert err.status_code == 429
    assert err.type == "rate_limit_error"
    assert err.api_message == "Slow down"
    assert err.request_id == "req_fake"
    assert err.response.headers["retry-after"] == "0"


def test_authentication_error_not_retried(fake: FakeAnthropic) -> None:
    fake.script(error_reply(401, "authentication_error", "invalid x-api-key", repeat=True))
    c = anthropic.Anthropic(api_key="bad", base_url=fake.base_url, max_retries=2)
    with pytest.raises(anthropic.AuthenticationError):
        c.messages.create(**_kwargs())
    assert len(fake.requests) == 1


def test_overloaded_retried_then_raises(fake: FakeAnthropic) -> None:
    fake.script(error_reply(529, "overloaded_error", "Overloaded", repeat=True))
    c = anthropic.Anthropic(api_key="test-key", base_url=fake.base_url, max_retries=1)
    t0 = time.monotonic()
    with pytest.raises(anthropic.OverloadedError) as info:
        with c.messages.stream(**_kwargs()) as stream:
            stream.get_final_message()
    elapsed = time.monotonic() - t0
    assert isinstance(info.value, anthropic.InternalServerError)
    assert info.value.status_code == 529
    reqs = fake.requests
    assert len(reqs) == 2
    assert [r.headers["x-stainless-retry-count"] for r in reqs] == ["0", "1"]
    assert fake.pending == 1  # repeat=True replies are never consumed
    assert elapsed < 1.0, f"retry took {elapsed:.2f}s; retry-after-ms should make it instant"


def test_retry_then_success(fake: FakeAnthropic) -> None:
    fake.script(error_reply(500, "api_error", "boom"), text_reply("recovered"))
    c = anthropic.Anthropic(api_key="test-key", base_url=fake.base_url, max_retries=2)
    msg = c.messages.create(**_kwargs())
    assert msg.content[0].text == "recovered"  # type: ignore[union-attr]
    assert len(fake.requests) == 2


def test_empty_queue_is_a_clear_500(fake: FakeAnthropic, client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.InternalServerError) as info:
        client.messages.create(**_kwargs())
    assert info.value.api_message == "fake: no scripted reply left"


def test_midstream_error(fake: FakeAnthropic, client: anthropic.Anthropic) -> None:
    fake.script(midstream_error_reply("Partial ans", error_type="overloaded_error"))
    seen: list[str] = []
    with pytest.raises(anthropic.APIStatusError) as info:
        with client.messages.stream(**_kwargs()) as stream:
            for t in stream.text_stream:
                seen.append(t)
    err = info.value
    # The HTTP status was 200, so the SDK raises the *base* APIStatusError class.
    assert type(err) is anthropic.APIStatusError
    assert err.status_code == 200
    assert err.type == "overloaded_error"
    assert "".join(seen) == "Partial ans"


def test_cut_stream(fake: FakeAnthropic, client: anthropic.Anthropic) -> None:
    fake.script(cut_stream_reply("half a sent"))
    # A mid-body disconnect: SDK 2.10-2.16 let the raw httpx2 error escape, 2.17 wraps it in
    # APIConnectionError (the type a refused connection has too). Either way the cause is the
    # transport's, and haikutui must tell it from "cannot reach" by the stream having begun.
    with pytest.raises((httpx2.RemoteProtocolError, anthropic.APIConnectionError)) as info:
        with client.messages.stream(**_kwargs()) as stream:
            stream.get_final_message()
    err: BaseException | None = info.value
    while err is not None and not isinstance(err, httpx2.RemoteProtocolError):
        err = err.__cause__
    assert isinstance(err, httpx2.RemoteProtocolError)


def test_cut_non_streamed_body(fake: FakeAnthropic, client: anthropic.Anthropic) -> None:
    fake.script(cut_stream_reply())
    # Without streaming the SDK reads the body inside its retry loop, so it wraps it.
    with pytest.raises(anthropic.APIConnectionError):
        client.messages.create(**_kwargs())


def test_refusal(fake: FakeAnthropic, client: anthropic.Anthropic) -> None:
    fake.script(refusal_reply(), refusal_reply("No."))
    with client.messages.stream(**_kwargs()) as stream:
        msg = stream.get_final_message()
    assert msg.stop_reason == "refusal"
    assert msg.stop_details is not None and msg.stop_details.type == "refusal"
    assert client.messages.create(**_kwargs()).stop_reason == "refusal"


def test_truncated_tool_reply(fake: FakeAnthropic, client: anthropic.Anthropic) -> None:
    prefix = '{"command": "str_replace", "path": "a.py", "old_str": "unfinis'
    fake.script(truncated_tool_reply(prefix), truncated_tool_reply(prefix))
    with client.messages.stream(**_kwargs(tools=[EDITOR_TOOL])) as stream:
        msg = stream.get_final_message()
    assert msg.stop_reason == "max_tokens"
    block = msg.content[-1]
    assert block.type == "tool_use"
    # The SDK's partial-JSON parser drops the incomplete string value.
    assert block.input == {"command": "str_replace", "path": "a.py"}

    msg2 = client.messages.create(**_kwargs(tools=[EDITOR_TOOL]))
    assert msg2.stop_reason == "max_tokens"
    assert msg2.content[-1].input == {}  # type: ignore[union-attr]


def test_recorded_request(fake: FakeAnthropic, client: anthropic.Anthropic) -> None:
    fake.script(text_reply("ok"))
    with client.messages.stream(**_kwargs(tools=[EDITOR_TOOL], system="be brief")) as stream:
        stream.get_final_message()
    (req,) = fake.requests
    assert req.method == "POST" and req.path == "/v1/messages"
    assert req.headers["authorization"] == "Bearer test-key"
    assert "anthropic-version" in req.headers
    assert req.headers["content-type"] == "application/json"
    assert req.json is not None
    assert req.json["model"] == MODEL and req.model == MODEL
    assert req.json["tools"] == [EDITOR_TOOL]
    assert req.json["system"] == "be brief"
    assert req.stream is True
    assert fake.message_requests == [req]


def test_count_tokens_and_models(fake: FakeAnthropic, client: anthropic.Anthropic) -> None:
    count = client.messages.count_tokens(
        model=MODEL, messages=[{"role": "user", "content": "x" * 400}]
    )
    assert count.input_tokens >= 100
    info = client.models.retrieve(MODEL)
    assert info.id == MODEL and info.type == "model"
    assert info.display_name == "Claude Haiku 4.5"
    assert [r.path for r in fake.requests] == ["/v1/messages/count_tokens", f"/v1/models/{MODEL}"]
    assert fake.message_requests == []


def test_env_var_base_url(fake: FakeAnthropic, monkeypatch: pytest.MonkeyPatch) -> None:
    for k, v in fake.env().items():
        monkeypatch.setenv(k, v)
    fake.script(text_reply("via env"))
    msg = anthropic.Anthropic(max_retries=0).messages.create(**_kwargs())
    assert msg.content[0].text == "via env"  # type: ignore[union-attr]


def test_delay_spreads_over_chunks(fake: FakeAnthropic, client: anthropic.Anthropic) -> None:
    fake.script(text_reply("slow words arrive", delay=0.2))
    t0 = time.monotonic()
    stamps: list[float] = []
    with client.messages.stream(**_kwargs()) as stream:
        for _ in stream.text_stream:
            stamps.append(time.monotonic() - t0)
    total = time.monotonic() - t0
    assert len(stamps) == 3
    assert 0.2 <= total < 1.0
    assert stamps[-1] - stamps[0] > 0.02  # chunks are spread out, not sent in one burst


def test_async_client(fake: FakeAnthropic) -> None:
    async def run() -> None:
        ac = anthropic.AsyncAnthropic(api_key="test-key", base_url=fake.base_url, max_retries=0)
        fake.script(
            text_reply("async hello"),
            tool_reply(str_replace("a.py", "a", "b")),
            cut_stream_reply("partial"),
            error_reply(529, "overloaded_error", "Overloaded"),
        )
        async with ac.messages.stream(**_kwargs()) as stream:
            msg = await stream.get_final_message()
        assert msg.content[0].text == "async hello"  # type: ignore[union-attr]
        async with ac.messages.stream(**_kwargs(tools=[EDITOR_TOOL])) as stream:
            msg = await stream.get_final_message()
        assert msg.content[0].input["new_str"] == "b"  # type: ignore[union-attr]
        # SDK < 2.17: the raw transport error; 2.17: wrapped in APIConnectionError.
        with pytest.raises((httpx2.RemoteProtocolError, anthropic.APIConnectionError)):
            async with ac.messages.stream(**_kwargs()) as stream:
                await stream.get_final_message()
        with pytest.raises(anthropic.OverloadedError):
            await ac.messages.create(**_kwargs())
        await ac.close()

    asyncio.run(run())
    assert fake.requests[0].headers["x-stainless-async"].startswith("async:")


def test_reply_from_spec() -> None:
    r = reply_from_spec(
        {
            "kind": "tool",
            "tool_uses": [
                {"command": "str_replace", "path": "x.py", "old_str": "a", "new_str": "b"}
            ],
            "delay": 0.5,
        }
    )
    assert r.delay == 0.5
    assert reply_from_spec({"kind": "error", "status": 529}).error_type == "overloaded_error"  # type: ignore[union-attr]
    assert reply_from_spec({"kind": "refusal"}).stop_reason == "refusal"  # type: ignore[union-attr]
    assert reply_from_spec({"kind": "truncated"}).stop_reason == "max_tokens"  # type: ignore[union-attr]
    with pytest.raises(ValueError):
        reply_from_spec({"kind": "nope"})


def test_cli(tmp_path: Path) -> None:
    script = tmp_path / "replies.json"
    script.write_text(
        json.dumps(
            [
                {
                    "kind": "tool",
                    "tool_uses": [
                        {"command": "str_replace", "path": "x.py", "old_str": "a", "new_str": "b"}
                    ],
                },
                {"kind": "text", "text": "bye"},
            ]
        )
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fake_api",
            "--port",
            "0",
            "--script",
            str(script),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        cwd=Path(__file__).resolve().parents[1],
    )
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:")
        c = anthropic.Anthropic(api_key="k", base_url=base_url, max_retries=0)
        with c.messages.stream(**_kwargs()) as stream:
            assert stream.get_final_message().stop_reason == "tool_use"
        assert c.messages.create(**_kwargs()).content[0].text == "bye"  # type: ignore[union-attr]
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=5)
    assert f"POST /v1/messages {MODEL}" in err
