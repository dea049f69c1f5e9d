"""Credentials in URLs (`https://user:token@gateway`) are masked wherever a URL is shown.

A base URL or a proxy from the environment can carry a user and a password; an error that
names the host, the request log and the status bar must not print them.
"""

from __future__ import annotations

import re

_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)([^\s/?#@\"'<>]+)@")
"""`scheme://userinfo@`: everything between `//` and the `@` before the host."""


def mask_credentials(text: str) -> str:
    """`https://user:pass@host` -> `https://***@host`; text without a URL is returned as is."""
    if "@" not in text:
        return text
    return _USERINFO.sub(r"\1***@", text)
