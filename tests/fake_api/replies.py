"""Scripted replies: content blocks, the reply kinds the fake plays, and JSON specs for them."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

EDITOR_TOOL = "str_replace_based_edit_tool"
"""Name of Anthropic's text editor tool, the default for :func:`tool_use`."""

DEFAULT_USAGE: dict[str, int] = {
    "input_tokens": 100,
    "output_tokens": 50,
    "cache_creation_input_tokens": 0,
    "cache_read_input_tokens": 0,
}

FAST_RETRY_HEADERS: dict[str, str] = {"retry-after": "0", "retry-after-ms": "1"}
"""Default headers on error replies.

The SDK ignores a retry-after of 0 (it falls back to ~0.5s exponential backoff),
but honours any positive ``retry-after-ms``, so 1 ms keeps retry tests fast.
"""

ERROR_STATUS: dict[str, int] = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "billing_error": 402,
    "permission_error": 403,
    "not_found_error": 404,
    "request_too_large": 413,
    "rate_limit_error": 429,
    "api_error": 500,
    "timeout_error": 504,
    "overloaded_error": 529,
}
"""HTTP status the real API uses for each error type (for non-stream fallbacks)."""

_ids = itertools.count(1)


def _next_id(prefix: str) -> str:
    """Deterministic-looking unique ids so failures are easy to read."""
    return f"{prefix}_fake{next(_ids):06d}"


# --------------------------------------------------------------------------- blocks


@dataclass
class TextBlock:
    """A ``text`` content block."""

    text: str


@dataclass
class ThinkingBlock:
    """A ``thinking`` content block (streams as thinking_delta + signature_delta)."""

    thinking: str
    signature: str = "sig_fake"


@dataclass
class ToolUse:
    """A ``tool_use`` content block.

    ``partial_json`` overrides the streamed input JSON (used for truncated
    replies); the non-stream body then reports ``input`` as given.
    """

    input: dict[str, Any]
    id: str = ""
    name: str = EDITOR_TOOL
    partial_json: str | None = None

    def __post_init__(self) -> None:
        if not self.id:
            self.id = _next_id("toolu")


Block = TextBlock | ThinkingBlock | ToolUse


def text(value: str) -> TextBlock:
    """Build a text block (for midstream/cut replies)."""
    return TextBlock(value)


def thinking(value: str, signature: str = "sig_fake") -> ThinkingBlock:
    """Build a thinking block."""
    return ThinkingBlock(value, signature)


def tool_use(input: dict[str, Any], id: str | None = None, name: str = EDITOR_TOOL) -> ToolUse:
    """Build a tool_use block; the id is generated when not given."""
    return ToolUse(input=dict(input), id=id or "", name=name)


def str_replace(path: str, old: str, new: str, *, id: str | None = None) -> ToolUse:
    """Editor-tool ``str_replace`` call."""
    return tool_use({"command": "str_replace", "path": path, "old_str": old, "new_str": new}, id)


def view(path: str, view_range: list[int] | None = None, *, id: str | None = None) -> ToolUse:
    """Editor-tool ``view`` call."""
    inp: dict[str, Any] = {"command": "view", "path": path}
    if view_range is not None:
        inp["view_range"] = list(view_range)
    return tool_use(inp, id)


def create(path: str, file_text: str, *, id: str | None = None) -> ToolUse:
    """Editor-tool ``create`` call."""
    return tool_use({"command": "create", "path": path, "file_text": file_text}, id)


def insert(path: str, insert_line: int, text: str, *, id: str | None = None) -> ToolUse:
    """Editor-tool ``insert`` call (the tool's field is ``insert_text``)."""
    return tool_use(
        {"command": "insert", "path": path, "insert_line": insert_line, "insert_text": text}, id
    )


def _as_block(b: Block | str) -> Block:
    return TextBlock(b) if isinstance(b, str) else b


# --------------------------------------------------------------------------- replies


@dataclass
class _ReplyBase:
    delay: float = field(default=0.0, kw_only=True)
    """Total seconds spent answering, spread across stream chunks."""
    repeat: bool = field(default=False, kw_only=True)
    """If true the reply stays at the head of the queue and answers every later request."""


@dataclass
class MessageReply(_ReplyBase):
    """A successful message (streamed or not, depending on the request)."""

    blocks: list[Block]
    stop_reason: str = "end_turn"
    usage: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_USAGE))
    stop_details: dict[str, Any] | None = None
    chunks: int = 3
    """How many deltas each text/thinking/tool-input block is split into."""


@dataclass
class ErrorReply(_ReplyBase):
    """An HTTP error response with the API's error envelope."""

    status: int
    error_type: str
    message: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class MidstreamErrorReply(_ReplyBase):
    """A 200 SSE stream that emits some content and then an ``error`` event."""

    blocks: list[Block]
    error_type: str = "overloaded_error"
    message: str = "Overloaded"


@dataclass
class CutStreamReply(_ReplyBase):
    """A 200 SSE stream whose connection is dropped without a terminating chunk."""

    blocks: list[Block] = field(default_factory=list)


Reply = MessageReply | ErrorReply | MidstreamErrorReply | CutStreamReply


def _usage(usage: Mapping[str, int] | None) -> dict[str, int]:
    merged = dict(DEFAULT_USAGE)
    merged.update(usage or {})
    return merged


def text_reply(
    text: str,
    *,
    stop_reason: str = "end_turn",
    usage: Mapping[str, int] | None = None,
    thinking: str | None = None,
    delay: float = 0.0,
    repeat: bool = False,
) -> MessageReply:
    """A plain text answer, optionally preceded by a thinking block."""
    blocks: list[Block] = [ThinkingBlock(thinking)] if thinking is not None else []
    blocks.append(TextBlock(text))
    return MessageReply(
        blocks, stop_reason=stop_reason, usage=_usage(usage), delay=delay, repeat=repeat
    )


def tool_reply(
    *tool_uses: ToolUse,
    text: str | None = None,
    stop_reason: str = "tool_use",
    usage: Mapping[str, int] | None = None,
    delay: float = 0.0,
    repeat: bool = False,
) -> MessageReply:
    """One or more tool calls, optionally preceded by a text block."""
    blocks: list[Block] = [TextBlock(text)] if text is not None else []
    blocks.extend(tool_uses)
    return MessageReply(
        blocks, stop_reason=stop_reason, usage=_usage(usage), delay=delay, repeat=repeat
    )


def refusal_reply(
    text: str = "I can't help with that.",
    *,
    category: str | None = None,
    usage: Mapping[str, int] | None = None,
    delay: float = 0.0,
    repeat: bool = False,
) -> MessageReply:
    """A ``stop_reason: "refusal"`` answer (with ``stop_details`` like the API)."""
    details = {"type": "refusal", "category": category, "explanation": None}
    return MessageReply(
        [TextBlock(text)],
        stop_reason="refusal",
        usage=_usage(usage),
        stop_details=details,
        delay=delay,
        repeat=repeat,
    )


def truncated_tool_reply(
    tool_input_json_prefix: str = '{"command": "str_replace", "path": "app.py", "old_str": "de',
    *,
    name: str = EDITOR_TOOL,
    id: str | None = None,
    text: str | None = None,
    usage: Mapping[str, int] | None = None,
    delay: float = 0.0,
    repeat: bool = False,
) -> MessageReply:
    """``max_tokens`` hit mid tool call: the streamed input JSON is cut short.

    The stream still ends with content_block_stop/message_delta/message_stop
    (as the real API does). The SDK parses partial JSON leniently, so the final
    tool input holds whatever complete keys the prefix had. Non-stream: ``{}``.
    """
    use = ToolUse(input={}, id=id or "", name=name, partial_json=tool_input_json_prefix)
    blocks: list[Block] = [TextBlock(text)] if text is not None else []
    blocks.append(use)
    return MessageReply(
        blocks, stop_reason="max_tokens", usage=_usage(usage), delay=delay, repeat=repeat
    )


def bad_json_tool_reply(
    partial_json: str = '{"command": "str_replace", "path": "app.py", "old_str": "a\\q"}',
    *,
    name: str = EDITOR_TOOL,
    id: str | None = None,
    text: str | None = None,
    usage: Mapping[str, int] | None = None,
    delay: float = 0.0,
    repeat: bool = False,
) -> MessageReply:
    """A tool call whose streamed input is not valid JSON (a bad escape), ending as ``tool_use``.

    The SDK raises ``ValueError`` while it accumulates such ``input_json_delta`` events.
    Non-stream: the body reports ``input`` as ``{}``.
    """
    use = ToolUse(input={}, id=id or "", name=name, partial_json=partial_json)
    blocks: list[Block] = [TextBlock(text)] if text is not None else []
    blocks.append(use)
    return MessageReply(
        blocks, stop_reason="tool_use", usage=_usage(usage), delay=delay, repeat=repeat
    )


def error_reply(
    status: int,
    error_type: str,
    message: str,
    headers: Mapping[str, str] | None = None,
    *,
    delay: float = 0.0,
    repeat: bool = False,
) -> ErrorReply:
    """An error response; ``headers`` are merged over :data:`FAST_RETRY_HEADERS`."""
    merged = dict(FAST_RETRY_HEADERS)
    merged.update({k.lower(): v for k, v in (headers or {}).items()})
    return ErrorReply(status, error_type, message, merged, delay=delay, repeat=repeat)


def midstream_error_reply(
    *blocks: Block | str,
    error_type: str = "overloaded_error",
    message: str = "Overloaded",
    delay: float = 0.0,
    repeat: bool = False,
) -> MidstreamErrorReply:
    """Stream starts fine (200), emits ``blocks`` partially, then an ``error`` event.

    Strings are text blocks. For a non-stream request the equivalent HTTP error
    status for ``error_type`` is returned instead.
    """
    return MidstreamErrorReply(
        [_as_block(b) for b in blocks],
        error_type=error_type,
        message=message,
        delay=delay,
        repeat=repeat,
    )


def cut_stream_reply(
    *blocks: Block | str, delay: float = 0.0, repeat: bool = False
) -> CutStreamReply:
    """Send message_start (and any ``blocks`` partially), then drop the connection."""
    return CutStreamReply([_as_block(b) for b in blocks], delay=delay, repeat=repeat)


def _error_type_for(status: int) -> str:
    for etype, code in ERROR_STATUS.items():
        if code == status:
            return etype
    return "api_error"


def reply_from_spec(spec: Mapping[str, Any]) -> Reply:
    """Build a reply from a JSON-able dict (used by the CLI's ``--script`` file).

    Kinds: ``text``, ``tool``, ``error``, ``refusal``, ``truncated``,
    ``midstream_error``, ``cut_stream``, ``bad_json``. Every kind accepts ``delay`` and ``repeat``.
    A tool use is either ``{"name": ..., "input": {...}, "id": ...}`` or an
    editor-tool input such as ``{"command": "str_replace", "path": ..., ...}``.
    """
    kind = spec.get("kind", "text")
    common: dict[str, Any] = {
        "delay": float(spec.get("delay", 0.0)),
        "repeat": bool(spec.get("repeat", False)),
    }
    if kind == "text":
        return text_reply(
            spec.get("text", "OK"),
            stop_reason=spec.get("stop_reason", "end_turn"),
            usage=spec.get("usage"),
            thinking=spec.get("thinking"),
            **common,
        )
    if kind == "tool":
        uses: list[ToolUse] = []
        for u in spec.get("tool_uses", []):
            if "input" in u:
                uses.append(tool_use(u["input"], u.get("id"), u.get("name", EDITOR_TOOL)))
            else:
                uses.append(tool_use(u))
        return tool_reply(
            *uses,
            text=spec.get("text"),
            stop_reason=spec.get("stop_reason", "tool_use"),
            usage=spec.get("usage"),
            **common,
        )
    if kind == "error":
        status = int(spec.get("status", 529))
        etype = spec.get("error_type") or spec.get("type") or _error_type_for(status)
        msg = spec.get("message", f"fake {etype}")
        return error_reply(status, etype, msg, spec.get("headers"), **common)
    if kind == "refusal":
        return refusal_reply(spec.get("text", "I can't help with that."), **common)
    if kind == "truncated":
        prefix = spec.get("tool_input_json_prefix") or spec.get("prefix")
        if prefix is None:
            return truncated_tool_reply(text=spec.get("text"), **common)
        return truncated_tool_reply(prefix, text=spec.get("text"), **common)
    if kind == "bad_json":
        return bad_json_tool_reply(spec["partial_json"], text=spec.get("text"), **common)
    if kind == "midstream_error":
        return midstream_error_reply(
            *spec.get("blocks", ["Partial answer"]),
            error_type=spec.get("error_type", "overloaded_error"),
            message=spec.get("message", "Overloaded"),
            **common,
        )
    if kind == "cut_stream":
        return cut_stream_reply(*spec.get("blocks", []), **common)
    raise ValueError(f"unknown reply kind: {kind!r}")
