"""The fakes' own framing, checked against botocore's decoder (which verifies both CRCs)."""

from __future__ import annotations

import base64
import json

import pytest

from tests.fake_cloud import decode_frames, encode_frame
from tests.fake_cloud.bedrock import frame


def test_event_frames_decode_with_botocore() -> None:
    from botocore.eventstream import EventStreamBuffer

    event = {"type": "message_stop"}
    data = frame("message_stop", event) + frame("ping", {"type": "ping"})
    buffer = EventStreamBuffer()
    buffer.add_data(data)
    messages = list(buffer)
    assert len(messages) == 2
    first = messages[0]
    assert first.headers[":event-type"] == "chunk"
    assert json.loads(base64.b64decode(json.loads(first.payload)["bytes"])) == event


def test_an_error_event_becomes_an_exception_frame() -> None:
    raw = frame(
        "error", {"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}
    )
    ((headers, payload),) = decode_frames(raw)
    assert headers[":message-type"] == "exception"
    assert headers[":exception-type"] == "serviceUnavailableException"
    assert json.loads(payload) == {"message": "busy"}


def test_a_corrupted_frame_is_refused_by_botocore() -> None:
    from botocore.eventstream import ChecksumMismatch, EventStreamBuffer

    raw = bytearray(encode_frame({":event-type": "chunk"}, b'{"bytes": ""}'))
    raw[-6] ^= 0xFF  # flip a payload byte: the message CRC no longer matches
    buffer = EventStreamBuffer()
    buffer.add_data(bytes(raw))
    with pytest.raises(ChecksumMismatch):
        list(buffer)
