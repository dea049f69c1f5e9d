"""The fake's HTTP server: it records every request and plays the scripted replies."""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fake_api.billing import Biller
from tests.fake_api.replies import (
    DEFAULT_USAGE,
    ERROR_STATUS,
    FAST_RETRY_HEADERS,
    ErrorReply,
    MessageReply,
    MidstreamErrorReply,
    Reply,
    error_reply,
)
from tests.fake_api.sse import (
    _content_events,
    _error_body,
    _message_json,
    _message_start,
    _sse,
    _stream_events,
)


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

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        log: bool = False,
        count_usage: bool = False,
    ) -> None:
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
        self.biller = Biller() if count_usage else None
        """Set: input tokens are counted from each request (`billing.py`), not scripted."""
        self.responder: Callable[[dict[str, Any]], Reply | str | None] | None = None
        """Set: asked first with each message request's body (and each batch request's
        params), so concurrent requests get the reply meant for their file; None falls back
        to the scripted queue. A string ("expired", "canceled") is a batch result type."""
        self.batch_results_reversed = False
        """Set: results come in the reverse of request order (the API promises no order)."""

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

    def _billed(self, outcome: Reply | str, params: dict[str, Any]) -> Reply | str:
        """A batch result billed from its request's params, as a live reply is (count_usage)."""
        if self.biller is None or not isinstance(outcome, MessageReply):
            return outcome
        raw = json.dumps(params).encode()
        return replace(outcome, usage=self.biller.usage(raw, params, outcome.usage))

    def _handle_batches(self, h: _Handler, rec: RecordedRequest) -> None:
        parts = rec.path.removeprefix("/v1/messages/batches").strip("/").split("/")
        batch_id = parts[0] if parts and parts[0] else ""
        with self._lock:
            if rec.method == "POST" and not batch_id:
                requests = list((rec.json or {}).get("requests") or [])
                batch_id = f"msgbatch_fake{len(self._batches) + 1:04d}"
                outcomes: list[Reply | str] = []
                for request in requests:
                    answer = (
                        self.responder(dict(request.get("params") or {}))
                        if self.responder
                        else None
                    )
                    outcomes.append(
                        answer
                        if answer is not None
                        else self._batch_queue.popleft()
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
                            r.get("custom_id", ""),
                            self._billed(o, r.get("params") or {}),
                            str(r.get("params", {}).get("model", "")),
                        )
                    )
                    for r, o in zip(batch["requests"], batch["outcomes"], strict=True)
                ]
                if self.batch_results_reversed:
                    lines.reverse()
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
        answer = self.responder(rec.json) if self.responder is not None else None
        reply = answer if answer is not None and not isinstance(answer, str) else self._pop()
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
            if self.biller is not None:
                reply = replace(reply, usage=self.biller.usage(rec.body, rec.json, reply.usage))
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
