"""AWS event-stream framing, written by hand from the spec so the SDK's decoder is tested.

A frame: total length and headers length (big-endian u32), a CRC32 of those 8 bytes, the
headers (name length u8, name, type 7 = string, value length u16, value), the payload, and
a CRC32 of everything before it.
"""

from __future__ import annotations

import struct
import zlib

STRING = 7


def _headers(headers: dict[str, str]) -> bytes:
    out = b""
    for name, value in headers.items():
        raw_name, raw_value = name.encode(), value.encode()
        out += struct.pack(">B", len(raw_name)) + raw_name
        out += struct.pack(">BH", STRING, len(raw_value)) + raw_value
    return out


def encode_frame(headers: dict[str, str], payload: bytes) -> bytes:
    head = _headers(headers)
    total = 12 + len(head) + len(payload) + 4
    prelude = struct.pack(">II", total, len(head))
    prelude += struct.pack(">I", zlib.crc32(prelude) & 0xFFFFFFFF)
    body = prelude + head + payload
    return body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def decode_frames(data: bytes) -> list[tuple[dict[str, str], bytes]]:
    """The reverse, checking both CRCs: used to test the encoder itself."""
    frames = []
    while data:
        total, head_len, crc = struct.unpack(">III", data[:12])
        assert zlib.crc32(data[:8]) & 0xFFFFFFFF == crc, "prelude CRC"
        frame = data[:total]
        assert zlib.crc32(frame[:-4]) & 0xFFFFFFFF == struct.unpack(">I", frame[-4:])[0]
        raw, headers = frame[12 : 12 + head_len], {}
        while raw:
            n = raw[0]
            name = raw[1 : 1 + n].decode()
            kind, size = struct.unpack(">BH", raw[1 + n : 4 + n])
            assert kind == STRING
            headers[name] = raw[4 + n : 4 + n + size].decode()
            raw = raw[4 + n + size :]
        frames.append((headers, frame[12 + head_len : -4]))
        data = data[total:]
    return frames
