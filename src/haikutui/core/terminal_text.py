"""Text from files, models and errors is shown as text, never as terminal commands.

A file's content, a model's reply or a file name can hold escape sequences (OSC 52 writes
the clipboard, CSI moves the cursor and recolours the screen). Everything we show goes
through `escape`: C0 controls other than tab and newline, DEL and ESC become caret notation
(`^[`, `^?`), as `less` and `git` show them; C1 controls become `<9B>` style, as `less` does.
File names with control characters are quoted the way git's `core.quotePath` quotes them.
Credentials in URLs are masked in the same pass (`shown`).
"""

from __future__ import annotations

import re

from haikutui.core.url_credentials import mask_credentials

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Every C0 control but tab and newline, DEL, and every C1 control."""

_NAME_CONTROL = re.compile('[\x00-\x1f\x7f-\x9f"\\\\]')
"""What git's quotePath escapes in a name (with `"` and `\\`), non-ASCII aside."""

_C_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\v": "\\v",
    "\f": "\\f",
    "\r": "\\r",
    '"': '\\"',
    "\\": "\\\\",
}


def _visible(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    if code < 0x20:
        return "^" + chr(code + 0x40)  # ESC -> ^[, BEL -> ^G, CR -> ^M
    if code == 0x7F:
        return "^?"
    return f"<{code:02X}>"  # C1, as less shows it


def escape(text: str) -> str:
    """`text` with every control character made visible; tabs and newlines kept."""
    if _CONTROL.search(text) is None:  # the common case: one scan, no copy
        return text
    return _CONTROL.sub(_visible, text)


def has_control(name: str) -> bool:
    """Whether a name holds a control character (tab and newline included)."""
    return re.search("[\x00-\x1f\x7f-\x9f]", name) is not None


def quote_path(path: str) -> str:
    """A path as git prints it with core.quotePath: in double quotes with C escapes
    (`\\t`, `\\033`) when it holds a control character, else as it is."""
    if not has_control(path):
        return path

    def one(match: re.Match[str]) -> str:
        char = match.group(0)
        return _C_ESCAPES.get(char) or "".join(f"\\{b:03o}" for b in char.encode("utf-8"))

    return '"' + _NAME_CONTROL.sub(one, path) + '"'


def shown(text: str) -> str:
    """What any message, error or log line becomes before a person sees it."""
    return escape(mask_credentials(text))
