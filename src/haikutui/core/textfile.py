"""Decode files once and encode them back the same way, so edits keep encoding and line endings."""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass

from haikutui.core.errors import UsageError
from haikutui.core.path_guard import MAX_FILE_BYTES as MAX_FILE_BYTES


def digest(data: bytes) -> str:
    """A content hash, used to notice that a file changed on disk after a proposal was made."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class TextFile:
    """A file's text with `\\n` line endings, plus what is needed to write it back byte-faithfully."""

    text: str
    encoding: str = "utf-8"
    newline: str = "\n"
    """`\n`, `\r\n`, or `""` for a file of mixed endings, whose text keeps them as they are."""
    sha: str = ""

    @classmethod
    def decode(cls, data: bytes, path: str = "file") -> TextFile:
        """Refuse binary and huge files; fall back to Latin-1 only for text that is not UTF-8."""
        if len(data) > MAX_FILE_BYTES:
            raise UsageError(f"{path}: file is {len(data):,} bytes, over the 1 MB limit")
        if b"\x00" in data[:8192]:
            raise UsageError(f"{path}: binary file, not edited")
        if data.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        else:
            encoding = "utf-8"
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            encoding = "latin-1"
            text = data.decode(encoding)
        crlf = text.count("\r\n")
        if crlf and crlf == text.count("\n"):
            newline, text = "\r\n", text.replace("\r\n", "\n")
        elif crlf:
            newline = ""  # mixed endings: keep every line's own, so only edited lines change
        else:
            newline = "\n"
        return cls(text=text, encoding=encoding, newline=newline, sha=digest(data))

    def encode(self, text: str) -> bytes:
        """Encode new text the way this file was stored."""
        if self.newline == "\r\n":
            text = text.replace("\n", self.newline)
        try:
            return text.encode(self.encoding)
        except UnicodeEncodeError as exc:
            raise UsageError(
                f"the new text has characters that {self.encoding} cannot store ({exc.reason})"
            ) from None
