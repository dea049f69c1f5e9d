"""A fake Bedrock runtime: `InvokeModel` and `InvokeModelWithResponseStream` for Claude.

Bodies are the Messages API's without `model` (it is in the path); streamed replies are
AWS event-stream frames whose payload is `{"bytes": base64(event JSON)}`. Errors come the
AWS way: an `x-amzn-ErrorType` header and `{"message": ...}`, or an exception frame.
Requests must be SigV4-signed (static keys in the environment work offline).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import replace
from typing import Any
from urllib.parse import unquote

from tests.fake_api import ErrorReply, FakeAnthropic
from tests.fake_api.server import RecordedRequest, _Handler
from tests.fake_cloud.eventstream import encode_frame

ROUTE = re.compile(r"^/model/(?P<model>[^/]+)/(?P<op>invoke|invoke-with-response-stream)$")


class FakeBedrock(FakeAnthropic):
    """Scripted like FakeAnthropic; `error_reply(403, "AccessDeniedException", ...)` for errors."""

    @property
    def invocations(self) -> list[RecordedRequest]:
        return [r for r in self.requests if ROUTE.match(r.path)]

    def env(self, api_key: str = "") -> dict[str, str]:
        return {
            "ANTHROPIC_BEDROCK_BASE_URL": self.base_url,
            "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKE0000",
            "AWS_SECRET_ACCESS_KEY": "fake/secret/key/for/tests/only/0000000000",
        }

    def _handle(self, h: _Handler, rec: RecordedRequest) -> None:
        route = ROUTE.match(rec.path)
        if rec.method != "POST" or route is None:
            self._aws_error(h, 404, "UnknownOperationException", f"no route {rec.path}")
            return
        auth = rec.headers.get("authorization", "")
        if not auth.startswith("AWS4-HMAC-SHA256 Credential=AKIAFAKE"):
            self._aws_error(h, 403, "UnrecognizedClientException", "The security token is invalid")
            return
        with self._lock:
            head = self._queue[0] if self._queue else None
        if isinstance(head, ErrorReply):
            self._pop()
            self._aws_error(h, head.status, head.error_type, head.message, head.headers)
            return
        stream = route["op"] == "invoke-with-response-stream"
        body = {**(rec.json or {}), "model": unquote(route["model"]), "stream": stream}
        self._handle_messages(h, replace(rec, json=body))

    @staticmethod
    def _aws_error(
        h: _Handler,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        extra = {"x-amzn-errortype": f"{code}:http://internal.amazon.com/coral/com.amazon.bedrock/"}
        h.send_json(status, {"message": message}, {**(headers or {}), **extra})

    @staticmethod
    def _play(
        h: _Handler, events: list[tuple[str, Any]], delay: float, *, finish: bool = True
    ) -> None:
        h.send_response(200)
        h.send_header("content-type", "application/vnd.amazon.eventstream")
        h.send_header("transfer-encoding", "chunked")
        h.send_header("x-amzn-requestid", "fake-request-id")
        h.end_headers()
        for name, data in events:
            h.write_chunk(frame(name, data))
        if finish:
            h.end_chunks()


def frame(name: str, data: Any) -> bytes:
    """One event as Bedrock frames it; an `error` event becomes an exception frame."""
    if name == "error":
        error = data.get("error", {})
        kind = {"overloaded_error": "serviceUnavailableException"}.get(
            error.get("type"), "internalServerException"
        )
        headers = {
            ":message-type": "exception",
            ":exception-type": kind,
            ":content-type": "application/json",
        }
        return encode_frame(headers, json.dumps({"message": error.get("message", "")}).encode())
    payload = {"bytes": base64.b64encode(json.dumps(data).encode()).decode()}
    headers = {
        ":event-type": "chunk",
        ":content-type": "application/json",
        ":message-type": "event",
    }
    return encode_frame(headers, json.dumps(payload).encode())
