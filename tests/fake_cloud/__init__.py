"""Local fakes of Amazon Bedrock's and Google Vertex AI's Claude endpoints.

Like `tests.fake_api` (whose replies and encoders they reuse), they are real HTTP servers:
the SDK's own `AsyncAnthropicBedrock` / `AsyncAnthropicVertex` talk to them over HTTP with
credentials that work offline, so signing, event-stream decoding and the platforms' error
shapes are all exercised, never mocked.
"""

from __future__ import annotations

from tests.fake_cloud.bedrock import FakeBedrock
from tests.fake_cloud.eventstream import decode_frames, encode_frame
from tests.fake_cloud.vertex import FakeVertex

__all__ = ["FakeBedrock", "FakeVertex", "decode_frames", "encode_frame"]
