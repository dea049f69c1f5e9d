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

    python tests/fake_api.py --port 8765 --script replies.json
    ANTHROPIC_BASE_URL=http://127.0.0.1:8765 ANTHROPIC_API_KEY=x haikutui

Only stdlib is imported so the module also runs outside the test venv.
"""

from __future__ import annotations

import argparse
import itertools
import json
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

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


def reply_from_spec(spec: Mapping[str, Any]) -> Reply:
    """Build a reply from a JSON-able dict (used by the CLI's ``--script`` file).

    Kinds: ``text``, ``tool``, ``error``, ``refusal``, ``truncated``,
    ``midstream_error``, ``cut_stream``. Every kind accepts ``delay`` and ``repeat``.
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


def _error_type_for(status: int) -> str:
    for etype, code in ERROR_STATUS.items():
        if code == status:
            return etype
    return "api_error"


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


# --------------------------------------------------------------------------- server


@dataclass
class RecordedRequest:
    """One request as the fake saw it; headers have lowercased keys."""

    method: str
    path: str
    headers: dict[str, str]
    json: dict[str, Any] | None
    query: str = ""
    body: bytes = b""

    @property
    def model(self) -> str | None:
        """The requested model, if any."""
        return (self.json or {}).get("model")

    @property
    def stream(self) -> bool:
        """Whether the request asked for SSE."""
        return (self.json or {}).get("stream") is True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeAnthropic

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Dropped client connections are expected (cancels, cut streams): stay quiet."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Routes requests to the owning :class:`FakeAnthropic`."""

    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive + chunked SSE, like the real API

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silence http.server's default access log; FakeAnthropic logs itself."""

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        fake = self.server.fake
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        body: dict[str, Any] | None = None
        if raw:
            try:
                parsed = json.loads(raw)
                body = parsed if isinstance(parsed, dict) else None
            except ValueError:
                body = None
        path, _, query = self.path.partition("?")
        rec = RecordedRequest(
            method=self.command,
            path=path,
            headers={k.lower(): v for k, v in self.headers.items()},
            json=body,
            query=query,
            body=raw,
        )
        fake._record(rec)
        try:
            fake._handle(self, rec)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            # The client hung up (e.g. the user cancelled a stream): nothing to answer.
            self.close_connection = True

    # ---- low-level writers used by FakeAnthropic._handle

    def send_json(
        self, status: int, payload: Any, headers: Mapping[str, str] | None = None
    ) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("request-id", "req_fake")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def start_sse(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream; charset=utf-8")
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        self.send_header("request-id", "req_fake")
        self.end_headers()
        self.wfile.flush()

    def write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):X}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def end_chunks(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def abort(self) -> None:
        """Drop the TCP connection without finishing the response."""
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class FakeAnthropic:
    """A scripted fake of the Messages API on 127.0.0.1, for the real SDK to talk to.

    Replies are played FIFO to ``POST /v1/messages``; every request (including
    count_tokens and models) is recorded in :attr:`requests`.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, log: bool = False) -> None:
        self._host = host
        self._port = port
        self._log = log
        self._lock = threading.Condition()
        self._queue: deque[Reply] = deque()
        self._requests: list[RecordedRequest] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._batch_queue: deque[Reply | str] = deque()
        self._batches: dict[str, dict[str, Any]] = {}
        self.batch_polls_in_progress = 0
        """How many status checks a new batch answers `in_progress` before it has `ended`."""
        self.model_info: dict[str, dict[str, Any]] = {}
        """Per model ID, fields laid over ``GET /v1/models/{id}`` (e.g. ``lifecycle``)."""

    # ---- lifecycle

    def start(self) -> FakeAnthropic:
        """Bind (port 0 = ephemeral) and serve in a daemon thread."""
        if self._server is not None:
            return self
        server = _Server((self._host, self._port), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name="fake-anthropic",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeAnthropic:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound port (only valid after :meth:`start`)."""
        if self._server is None:
            raise RuntimeError("FakeAnthropic is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """Pass to ``anthropic.Anthropic(base_url=...)`` or ``ANTHROPIC_BASE_URL``."""
        return f"http://{self._host}:{self.port}"

    def env(self, api_key: str = "test-key") -> dict[str, str]:
        """Environment variables that point a default-constructed client here."""
        return {"ANTHROPIC_BASE_URL": self.base_url, "ANTHROPIC_API_KEY": api_key}

    # ---- scripting / inspection

    def script(self, *replies: Reply) -> FakeAnthropic:
        """Append replies to the FIFO queue answered by ``POST /v1/messages``."""
        with self._lock:
            self._queue.extend(replies)
        return self

    def script_batch(self, *outcomes: Reply | str) -> FakeAnthropic:
        """Outcomes for the requests of the next batches, in request order.

        A MessageReply becomes `succeeded`, an ErrorReply `errored`, and the strings
        "expired" or "canceled" those result types.
        """
        with self._lock:
            self._batch_queue.extend(outcomes)
        return self

    @property
    def pending(self) -> int:
        """Number of scripted replies not yet consumed."""
        with self._lock:
            return len(self._queue)

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received so far, in order."""
        with self._lock:
            return list(self._requests)

    @property
    def message_requests(self) -> list[RecordedRequest]:
        """Only the ``POST /v1/messages`` requests."""
        return [r for r in self.requests if r.path == "/v1/messages"]

    def reset(self) -> None:
        """Forget recorded requests and drop any unplayed replies."""
        with self._lock:
            self._queue.clear()
            self._requests.clear()

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> list[RecordedRequest]:
        """Block until at least ``count`` requests arrived (for app code running in threads)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self._requests) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"expected {count} requests, got {len(self._requests)}")
                self._lock.wait(remaining)
            return list(self._requests)

    # ---- request handling (runs on server threads)

    def _record(self, rec: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(rec)
            self._lock.notify_all()

    def _pop(self) -> Reply | None:
        with self._lock:
            if not self._queue:
                return None
            reply = self._queue[0]
            if not reply.repeat:
                self._queue.popleft()
            return reply

    def _emit_log(self, rec: RecordedRequest, outcome: str) -> None:
        if self._log:
            model = rec.model or "-"
            print(f"{rec.method} {rec.path} {model} -> {outcome}", file=sys.stderr, flush=True)

    def _handle(self, h: _Handler, rec: RecordedRequest) -> None:
        if rec.method == "POST" and rec.path == "/v1/messages":
            self._handle_messages(h, rec)
        elif rec.path.startswith("/v1/messages/batches"):
            self._handle_batches(h, rec)
        elif rec.method == "POST" and rec.path == "/v1/messages/count_tokens":
            n = max(1, len(rec.body) // 4)
            self._emit_log(rec, f"count_tokens {n}")
            h.send_json(200, {"input_tokens": n})
        elif rec.method == "GET" and rec.path == "/v1/models":
            self._emit_log(rec, "models list")
            data = [_model_info(m) for m in ("claude-haiku-4-5", "claude-sonnet-4-5")]
            h.send_json(
                200,
                {
                    "data": data,
                    "has_more": False,
                    "first_id": data[0]["id"],
                    "last_id": data[-1]["id"],
                },
            )
        elif rec.method == "GET" and rec.path.startswith("/v1/models/"):
            model_id = rec.path.removeprefix("/v1/models/")
            self._emit_log(rec, "model info")
            h.send_json(200, {**_model_info(model_id), **self.model_info.get(model_id, {})})
        else:
            self._emit_log(rec, "404")
            msg = f"fake: no route for {rec.method} {rec.path}"
            h.send_json(404, _error_body("not_found_error", msg))

    def _batch_json(self, batch: dict[str, Any], *, poll: bool) -> dict[str, Any]:
        if poll and batch["polls_left"] > 0:
            batch["polls_left"] -= 1
        ended = batch["polls_left"] == 0
        counts = {"processing": 0, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
        for outcome in batch["outcomes"]:
            if not ended:
                counts["processing"] += 1
            elif isinstance(outcome, MessageReply):
                counts["succeeded"] += 1
            elif isinstance(outcome, str):
                counts[outcome] += 1
            else:
                counts["errored"] += 1
        return {
            "id": batch["id"],
            "type": "message_batch",
            "processing_status": "ended" if ended else "in_progress",
            "request_counts": counts,
            "created_at": "2026-11-25T00:00:00Z",
            "expires_at": "2026-11-26T00:00:00Z",
            "ended_at": "2026-11-25T00:10:00Z" if ended else None,
            "archived_at": None,
            "cancel_initiated_at": None,
            "results_url": f"{self.base_url}/v1/messages/batches/{batch['id']}/results"
            if ended
            else None,
        }

    def _batch_result(self, custom_id: str, outcome: Reply | str, model: str) -> dict[str, Any]:
        if isinstance(outcome, MessageReply):
            result: dict[str, Any] = {
                "type": "succeeded",
                "message": _message_json(outcome, model),
            }
        elif isinstance(outcome, str):
            result = {"type": outcome}
        else:
            error = getattr(outcome, "error_type", "api_error")
            message = getattr(outcome, "message", "fake batch error")
            result = {"type": "errored", "error": _error_body(error, message)}
        return {"custom_id": custom_id, "result": result}

    def _handle_batches(self, h: _Handler, rec: RecordedRequest) -> None:
        parts = rec.path.removeprefix("/v1/messages/batches").strip("/").split("/")
        batch_id = parts[0] if parts and parts[0] else ""
        with self._lock:
            if rec.method == "POST" and not batch_id:
                requests = list((rec.json or {}).get("requests") or [])
                batch_id = f"msgbatch_fake{len(self._batches) + 1:04d}"
                outcomes: list[Reply | str] = []
                for _ in requests:
                    outcomes.append(
                        self._batch_queue.popleft()
                        if self._batch_queue
                        else error_reply(500, "api_error", "fake: no scripted batch outcome")
                    )
                batch = {
                    "id": batch_id,
                    "requests": requests,
                    "outcomes": outcomes,
                    "polls_left": self.batch_polls_in_progress,
                }
                self._batches[batch_id] = batch
                self._emit_log(rec, f"batch create {batch_id} ({len(requests)} requests)")
                h.send_json(200, self._batch_json(batch, poll=False))
                return
            if rec.method == "GET" and not batch_id:
                data = [self._batch_json(b, poll=False) for b in self._batches.values()]
                h.send_json(
                    200, {"data": data, "has_more": False, "first_id": None, "last_id": None}
                )
                return
            batch = self._batches.get(batch_id)
            if batch is None:
                h.send_json(404, _error_body("not_found_error", f"fake: no batch {batch_id}"))
                return
            if rec.method == "GET" and parts[1:] == ["results"]:
                lines = [
                    json.dumps(
                        self._batch_result(
                            r.get("custom_id", ""), o, str(r.get("params", {}).get("model", ""))
                        )
                    )
                    for r, o in zip(batch["requests"], batch["outcomes"], strict=True)
                ]
                data = ("\n".join(lines) + "\n").encode()
                h.send_response(200)
                h.send_header("content-type", "application/binary")
                h.send_header("content-length", str(len(data)))
                h.end_headers()
                h.wfile.write(data)
                h.wfile.flush()
                self._emit_log(rec, f"batch results {batch_id}")
                return
            if rec.method == "POST" and parts[1:] == ["cancel"]:
                batch["outcomes"] = ["canceled" for _ in batch["outcomes"]]
                batch["polls_left"] = 0
            self._emit_log(rec, f"batch {batch_id}")
            h.send_json(200, self._batch_json(batch, poll=rec.method == "GET"))

    def _handle_messages(self, h: _Handler, rec: RecordedRequest) -> None:
        if rec.json is None:
            self._emit_log(rec, "400 bad json")
            h.send_json(
                400, _error_body("invalid_request_error", "fake: body is not a JSON object")
            )
            return
        reply = self._pop()
        model = str(rec.json.get("model") or "claude-fake")
        stream = rec.stream
        if reply is None:
            self._emit_log(rec, "500 no scripted reply")
            h.send_json(500, _error_body("api_error", "fake: no scripted reply left"))
            return
        kind = type(reply).__name__
        self._emit_log(rec, f"{kind}{' (stream)' if stream else ''}")

        if isinstance(reply, ErrorReply):
            _sleep(reply.delay)
            h.send_json(reply.status, _error_body(reply.error_type, reply.message), reply.headers)
        elif isinstance(reply, MessageReply):
            if stream:
                self._play(h, _stream_events(reply, model), reply.delay)
            else:
                _sleep(reply.delay)
                h.send_json(200, _message_json(reply, model))
        elif isinstance(reply, MidstreamErrorReply):
            if stream:
                events = [("message_start", _message_start(model, DEFAULT_USAGE))]
                events += _content_events(reply.blocks, 3, finish=False)
                err = {
                    "type": "error",
                    "error": {"type": reply.error_type, "message": reply.message},
                }
                events.append(("error", err))
                self._play(h, events, reply.delay)
            else:
                _sleep(reply.delay)
                status = ERROR_STATUS.get(reply.error_type, 500)
                h.send_json(
                    status, _error_body(reply.error_type, reply.message), FAST_RETRY_HEADERS
                )
        else:  # CutStreamReply
            if stream:
                events = [("message_start", _message_start(model, DEFAULT_USAGE))]
                if reply.blocks:
                    events += _content_events(reply.blocks, 3, finish=False)
                self._play(h, events, reply.delay, finish=False)
            else:
                _sleep(reply.delay)
                h.send_response(200)
                h.send_header("content-type", "application/json")
                h.send_header("content-length", "4096")
                h.end_headers()
                h.wfile.write(b'{"id": "msg_fake", "type": "mess')
            h.abort()

    @staticmethod
    def _play(
        h: _Handler, events: list[tuple[str, Any]], delay: float, *, finish: bool = True
    ) -> None:
        """Write SSE events, spreading ``delay`` across them."""
        h.start_sse()
        pause = delay / len(events) if events and delay > 0 else 0.0
        for name, data in events:
            _sleep(pause)
            h.write_chunk(_sse(name, data))
        if finish:
            h.end_chunks()


def _sleep(seconds: float) -> None:
    if seconds > 0:
        time.sleep(seconds)


def _model_info(model_id: str) -> dict[str, Any]:
    words: list[str] = []
    for part in model_id.removeprefix("claude-").split("-"):
        if part.isdigit() and len(part) < 3 and words and words[-1][-1].isdigit():
            words[-1] += "." + part  # "4-5" -> "4.5"
        elif not (part.isdigit() and len(part) == 8):  # drop date suffixes
            words.append(part.title())
    return {
        "id": model_id,
        "type": "model",
        "display_name": " ".join(["Claude", *words]),
        "created_at": "2025-10-01T00:00:00Z",
        "lifecycle": "active",
        "deprecated_at": None,
        "retires_at": None,
        "max_input_tokens": 200_000 if "haiku-4" in model_id else 1_000_000,
        "max_tokens": 64_000 if "haiku-4" in model_id else 128_000,
        "capabilities": _capabilities(model_id),
    }


def _capabilities(model_id: str) -> dict[str, Any]:
    """Per shared/anthropic-api.md: Haiku 4.5 takes budget thinking only; 4.6 and later take
    adaptive thinking with effort; Opus 4.7 and later reject budget thinking."""
    budget_only = model_id.startswith("claude-haiku-4")
    legacy = model_id.startswith(("claude-sonnet-4-5", "claude-opus-4-5", "claude-haiku-4"))
    opus_4_7_up = model_id.startswith("claude-opus-") and not model_id.startswith(
        ("claude-opus-4-5", "claude-opus-4-6")
    )

    def yes(flag: bool) -> dict[str, bool]:
        return {"supported": flag}

    efforts = not budget_only
    return {
        "batch": yes(True),
        "citations": yes(True),
        "code_execution": yes(False),
        "context_management": {"supported": False},
        "effort": {
            "supported": efforts,
            **{level: yes(efforts) for level in ("low", "medium", "high", "max")},
        },
        "image_input": yes(True),
        "pdf_input": yes(True),
        "server_tools": {"supported": False},
        "structured_outputs": yes(True),
        "thinking": {
            "supported": True,
            "types": {
                "adaptive": yes(not legacy),
                "between_tools": yes(False),
                "disabled": yes(True),
                "enabled": yes(budget_only or (legacy and not opus_4_7_up)),
            },
        },
    }


# --------------------------------------------------------------------------- CLI


def _load_script(path: str) -> list[Reply]:
    with open(path, encoding="utf-8") as f:
        specs = json.load(f)
    if not isinstance(specs, list):
        raise SystemExit(f"{path}: expected a JSON list of reply specs")
    return [reply_from_spec(s) for s in specs]


def _iter_default() -> Iterator[Reply]:
    yield text_reply("Hello from the fake Anthropic API.", repeat=True)


def main(argv: Iterable[str] | None = None) -> int:
    """Serve until Ctrl-C; handy for poking at the TUI by hand."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument(
        "--script",
        help="JSON list of reply specs; without it every request gets a canned text reply",
    )
    args = parser.parse_args(list(argv) if argv is not None else None)

    fake = FakeAnthropic(args.host, args.port, log=True)
    fake.script(*(_load_script(args.script) if args.script else _iter_default()))
    fake.start()
    print(fake.base_url, flush=True)
    print(
        f"fake Anthropic API on {fake.base_url} ({fake.pending} scripted replies); Ctrl-C to stop",
        file=sys.stderr,
        flush=True,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
