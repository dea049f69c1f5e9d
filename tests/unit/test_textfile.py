"""TextFile: whatever a file was on disk (endings, BOM, encoding), an edit writes it back the same way."""

from __future__ import annotations

import codecs

import pytest

from haikutui.core.errors import UsageError
from haikutui.core.textfile import MAX_FILE_BYTES, TextFile


def test_crlf_is_shown_as_lf_and_written_back_as_crlf() -> None:
    data = b"def f():\r\n    return 1\r\n"
    file = TextFile.decode(data, "win.py")
    assert file.text == "def f():\n    return 1\n"
    assert file.newline == "\r\n"
    assert file.encode(file.text) == data
    assert file.encode("def f():\n    return 2\n") == b"def f():\r\n    return 2\r\n"


def test_lf_file_stays_lf() -> None:
    file = TextFile.decode(b"a\nb\n")
    assert file.newline == "\n"
    assert file.encode("a\nc\n") == b"a\nc\n"


def test_utf8_bom_is_hidden_from_the_text_and_kept_on_write() -> None:
    data = codecs.BOM_UTF8 + "naïve = 1\n".encode()
    file = TextFile.decode(data, "bom.py")
    assert file.text == "naïve = 1\n"  # no U+FEFF for the model to trip over
    assert file.encode(file.text) == data
    assert file.encode("naïve = 2\n").startswith(codecs.BOM_UTF8)


def test_latin1_file_round_trips_byte_for_byte() -> None:
    data = b"# caf\xe9 cr\xe8me\nprice = 1\n"
    file = TextFile.decode(data, "old.py")
    assert file.encoding == "latin-1"
    assert file.text == "# café crème\nprice = 1\n"
    assert file.encode(file.text) == data
    assert file.encode("# café crème\nprice = 2\n") == b"# caf\xe9 cr\xe8me\nprice = 2\n"


def test_text_latin1_cannot_store_is_a_one_line_usage_error() -> None:
    file = TextFile.decode(b"caf\xe9\n")
    with pytest.raises(UsageError) as info:
        file.encode("price = 5 €\n")
    assert "latin-1" in str(info.value)
    assert "\n" not in str(info.value)


def test_utf8_is_not_mistaken_for_latin1() -> None:
    file = TextFile.decode("café\n".encode())
    assert file.encoding == "utf-8"
    assert file.text == "café\n"


def test_missing_final_newline_is_kept() -> None:
    data = b"a = 1\nb = 2"
    file = TextFile.decode(data)
    assert file.text == "a = 1\nb = 2"
    assert file.encode(file.text) == data


def test_missing_final_newline_is_kept_with_crlf() -> None:
    data = b"a = 1\r\nb = 2"
    file = TextFile.decode(data)
    assert file.encode(file.text.replace("1", "3")) == b"a = 3\r\nb = 2"


def test_binary_file_is_refused_in_one_line() -> None:
    with pytest.raises(UsageError) as info:
        TextFile.decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "logo.png")
    message = str(info.value)
    assert "logo.png" in message and "binary" in message
    assert "\n" not in message


def test_file_over_one_megabyte_is_refused() -> None:
    with pytest.raises(UsageError) as info:
        TextFile.decode(b"x" * (MAX_FILE_BYTES + 1), "huge.txt")
    assert "huge.txt" in str(info.value) and "1 MB" in str(info.value)
    assert "\n" not in str(info.value)


def test_file_of_exactly_the_limit_is_accepted() -> None:
    assert len(TextFile.decode(b"x" * MAX_FILE_BYTES).text) == MAX_FILE_BYTES


def test_digest_changes_with_the_bytes() -> None:
    assert TextFile.decode(b"a\n").sha != TextFile.decode(b"a\r\n").sha
    assert TextFile.decode(b"a\n").sha == TextFile.decode(b"a\n").sha
