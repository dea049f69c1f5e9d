"""A fake Vertex AI endpoint for Claude: `rawPredict`, `streamRawPredict`, and a token URI.

Bodies are the Messages API's without `model` (it is in the path); streams are the same
SSE as Anthropic's. Errors come the Google way: `{"error": {"code", "message", "status"}}`.
Requests need the bearer token the fake's own OAuth token endpoint hands out, so
application-default credentials pointing their `token_uri` here work offline.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

from tests.fake_api import ErrorReply, FakeAnthropic
from tests.fake_api.server import RecordedRequest, _Handler

ROUTE = re.compile(
    r"^(?:/v1)?/projects/(?P<project>[^/]+)/locations/(?P<region>[^/]+)"
    r"/publishers/anthropic/models/(?P<model>[^/:]+):(?P<op>rawPredict|streamRawPredict)$"
)
TOKEN = "ya29.fake-vertex-access-token"


class FakeVertex(FakeAnthropic):
    """Scripted like FakeAnthropic; `error_reply(403, "PERMISSION_DENIED", ...)` for errors."""

    @property
    def predictions(self) -> list[RecordedRequest]:
        return [r for r in self.requests if ROUTE.match(r.path)]

    @property
    def token_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == "/token"]

    def adc_file(self, folder: Path) -> Path:
        """Application-default credentials whose token exchange is this fake (offline).

        Workload identity federation (`external_account`) with a file-sourced subject
        token: the one ADC kind that takes its token URL from the file, with no key to sign.
        """
        subject = folder / "subject-token"
        subject.write_text("fake-subject-token", encoding="utf-8")
        path = folder / "adc.json"
        info = {
            "type": "external_account",
            "audience": "//iam.googleapis.com/locations/global/workloadIdentityPools/p/providers/fake",
            "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
            "token_url": f"{self.base_url}/token",
            "credential_source": {"file": str(subject)},
        }
        path.write_text(json.dumps(info), encoding="utf-8")
        return path

    def env(self, api_key: str = "") -> dict[str, str]:
        return {
            "ANTHROPIC_VERTEX_BASE_URL": f"{self.base_url}/v1",
            "CLOUD_ML_REGION": "us-east5",
            "ANTHROPIC_VERTEX_PROJECT_ID": "fake-project",
        }

    def _handle(self, h: _Handler, rec: RecordedRequest) -> None:
        if rec.method == "POST" and rec.path == "/token":
            token = {
                "access_token": TOKEN,
                "expires_in": 3600,
                "token_type": "Bearer",
                "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
            }
            h.send_json(200, token)
            return
        if rec.path.endswith("/models/count-tokens:rawPredict") and self._signed(rec):
            assert rec.json is not None and "model" in rec.json  # count-tokens keeps it
            h.send_json(200, {"input_tokens": max(1, len(rec.body) // 4)})
            return
        route = ROUTE.match(rec.path)
        if rec.method != "POST" or route is None:
            self._google_error(h, 404, "NOT_FOUND", f"no route {rec.path}")
            return
        if not self._signed(rec):
            self._google_error(h, 401, "UNAUTHENTICATED", "Request had invalid credentials.")
            return
        with self._lock:
            head = self._queue[0] if self._queue else None
        if isinstance(head, ErrorReply):
            self._pop()
            self._google_error(h, head.status, head.error_type, head.message, head.headers)
            return
        stream = route["op"] == "streamRawPredict"
        body = {**(rec.json or {}), "model": unquote(route["model"]), "stream": stream}
        self._handle_messages(h, replace(rec, json=body))

    @staticmethod
    def _signed(rec: RecordedRequest) -> bool:
        return rec.headers.get("authorization") == f"Bearer {TOKEN}"

    @staticmethod
    def _google_error(
        h: _Handler,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        body = {"error": {"code": status, "message": message, "status": code}}
        h.send_json(status, body, headers)
