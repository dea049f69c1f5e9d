"""A local fake of Anthropic's Messages API, for tests and manual runs.

Why a real HTTP server instead of mocks: the app talks to the API through the
official ``anthropic`` SDK, and the interesting behaviour (SSE parsing, partial
tool-input JSON, retries, error classes, dropped connections) lives inside the
SDK and its HTTP stack. Pointing the real client at this server exercises all
of it without network access or API keys.

Usage in tests::

    with FakeAnthropic() as fake:
        fake.script(text_reply("Hello"), tool_reply(str_replace("a.py", "x", "y")))
        client = anthropic.Anthropic(api_key="test-key", base_url=fake.base_url)
        ...
        assert fake.requests[0].json["model"] == "claude-haiku-4-5"

Manual runs::

    python -m tests.fake_api --port 8765 --script replies.json
    ANTHROPIC_BASE_URL=http://127.0.0.1:8765 ANTHROPIC_API_KEY=x haikutui

Only stdlib is imported so the package also runs outside the test venv.
"""

from __future__ import annotations

from tests.fake_api.replies import (
    Block,
    CutStreamReply,
    ErrorReply,
    MessageReply,
    MidstreamErrorReply,
    Reply,
    TextBlock,
    ThinkingBlock,
    ToolUse,
    bad_json_tool_reply,
    create,
    cut_stream_reply,
    error_reply,
    insert,
    midstream_error_reply,
    refusal_reply,
    reply_from_spec,
    str_replace,
    text,
    text_reply,
    thinking,
    tool_reply,
    tool_use,
    truncated_tool_reply,
    view,
)
from tests.fake_api.server import FakeAnthropic, RecordedRequest

__all__ = [
    "Block",
    "CutStreamReply",
    "ErrorReply",
    "FakeAnthropic",
    "MessageReply",
    "MidstreamErrorReply",
    "RecordedRequest",
    "Reply",
    "TextBlock",
    "ThinkingBlock",
    "ToolUse",
    "bad_json_tool_reply",
    "create",
    "cut_stream_reply",
    "error_reply",
    "insert",
    "midstream_error_reply",
    "refusal_reply",
    "reply_from_spec",
    "str_replace",
    "text",
    "text_reply",
    "thinking",
    "tool_reply",
    "tool_use",
    "truncated_tool_reply",
    "view",
]
