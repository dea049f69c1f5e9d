"""How the fake encodes a reply: a Messages JSON body, or the SSE events of a stream."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tests.fake_api.replies import Block, MessageReply, TextBlock, ThinkingBlock, _next_id

# --------------------------------------------------------------------------- wire format


def _split(s: str, n: int) -> list[str]:
    """Split ``s`` into at most ``n`` non-empty, roughly equal chunks."""
    if not s:
        return []
    n = max(1, min(n, len(s)))
    size = -(-len(s) // n)
    return [s[i : i + size] for i in range(0, len(s), size)]


def _block_json(b: Block) -> dict[str, Any]:
    if isinstance(b, TextBlock):
        return {"type": "text", "text": b.text}
    if isinstance(b, ThinkingBlock):
        return {"type": "thinking", "thinking": b.thinking, "signature": b.signature}
    return {"type": "tool_use", "id": b.id, "name": b.name, "input": b.input}


def _block_start(b: Block) -> dict[str, Any]:
    if isinstance(b, TextBlock):
        return {"type": "text", "text": ""}
    if isinstance(b, ThinkingBlock):
        return {"type": "thinking", "thinking": "", "signature": ""}
    return {"type": "tool_use", "id": b.id, "name": b.name, "input": {}}


def _block_deltas(b: Block, chunks: int) -> list[dict[str, Any]]:
    if isinstance(b, TextBlock):
        return [{"type": "text_delta", "text": c} for c in _split(b.text, chunks)]
    if isinstance(b, ThinkingBlock):
        out = [{"type": "thinking_delta", "thinking": c} for c in _split(b.thinking, chunks)]
        out.append({"type": "signature_delta", "signature": b.signature})
        return out
    raw = b.partial_json if b.partial_json is not None else json.dumps(b.input)
    # The real API opens every tool input with an empty partial_json delta.
    return [{"type": "input_json_delta", "partial_json": ""}] + [
        {"type": "input_json_delta", "partial_json": c} for c in _split(raw, chunks)
    ]


def _message_start(model: str, usage: Mapping[str, int]) -> dict[str, Any]:
    return {
        "type": "message_start",
        "message": {
            "id": _next_id("msg"),
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {
                "input_tokens": usage["input_tokens"],
                "cache_creation_input_tokens": usage["cache_creation_input_tokens"],
                "cache_read_input_tokens": usage["cache_read_input_tokens"],
                "output_tokens": 1,
                "service_tier": "standard",
                **_cache_creation(usage),
            },
        },
    }


def _content_events(blocks: list[Block], chunks: int, *, finish: bool) -> list[tuple[str, Any]]:
    """content_block_* events; ``finish=False`` omits the last block's stop."""
    events: list[tuple[str, Any]] = []
    for i, b in enumerate(blocks):
        start = {"type": "content_block_start", "index": i, "content_block": _block_start(b)}
        events.append(("content_block_start", start))
        if i == 0:
            events.append(("ping", {"type": "ping"}))
        for d in _block_deltas(b, chunks):
            events.append(
                ("content_block_delta", {"type": "content_block_delta", "index": i, "delta": d})
            )
        if finish or i < len(blocks) - 1:
            events.append(("content_block_stop", {"type": "content_block_stop", "index": i}))
    if not blocks:
        events.append(("ping", {"type": "ping"}))
    return events


def _stream_events(reply: MessageReply, model: str) -> list[tuple[str, Any]]:
    """The full event sequence of a successful streamed message."""
    u = reply.usage
    events: list[tuple[str, Any]] = [("message_start", _message_start(model, u))]
    events += _content_events(reply.blocks, reply.chunks, finish=True)
    delta: dict[str, Any] = {"stop_reason": reply.stop_reason, "stop_sequence": None}
    if reply.stop_details is not None:
        delta["stop_details"] = reply.stop_details
    events.append(
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": delta,
                "usage": {
                    "input_tokens": u["input_tokens"],
                    "cache_creation_input_tokens": u["cache_creation_input_tokens"],
                    "cache_read_input_tokens": u["cache_read_input_tokens"],
                    "output_tokens": u["output_tokens"],
                    **_cache_creation(u),
                },
            },
        )
    )
    events.append(("message_stop", {"type": "message_stop"}))
    return events


def _cache_creation(usage: Mapping[str, Any]) -> dict[str, Any]:
    """The newer API's cache-write breakdown by TTL, sent only when a test scripts it.

    Script it as ``usage={"cache_creation": {"ephemeral_5m_input_tokens": N,
    "ephemeral_1h_input_tokens": M}, ...}``.
    """
    split = usage.get("cache_creation")
    return {"cache_creation": dict(split)} if isinstance(split, Mapping) else {}


def _message_json(reply: MessageReply, model: str) -> dict[str, Any]:
    return {
        "id": _next_id("msg"),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [_block_json(b) for b in reply.blocks],
        "stop_reason": reply.stop_reason,
        "stop_sequence": None,
        "stop_details": reply.stop_details,
        "usage": {**reply.usage, "service_tier": "standard"},
    }


def _error_body(error_type: str, message: str) -> dict[str, Any]:
    return {
        "type": "error",
        "error": {"type": error_type, "message": message},
        "request_id": "req_fake",
    }


def _sse(name: str, data: Any) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()
