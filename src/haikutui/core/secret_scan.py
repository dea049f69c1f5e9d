"""Outgoing text is scanned for key-like strings: tokens are redacted, private keys block the send."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from haikutui.core.errors import PathRefused
from haikutui.core.repo import is_secret

PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----")
TOKENS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("anthropic key", re.compile(r"sk-ant-[A-Za-z0-9_\-]{16,}")),
    ("openai key", re.compile(r"\bsk-(?:proj-)?[A-Za-z0-9]{32,}")),
    ("aws access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("github token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})")),
    ("gitlab token", re.compile(r"\bglpat-[A-Za-z0-9_\-]{20,}")),
    ("slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("google api key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}")),
    ("stripe key", re.compile(r"\b[rs]k_live_[0-9A-Za-z]{20,}")),
    (
        "secret assignment",
        re.compile(
            r"(?i)\b(?:aws_secret_access_key|secret_key|api_key|apikey|password|passwd|token)"
            r"[\"']?\s*[:=]\s*[\"'](?P<secret>[^\"'\s]{12,})[\"']"
        ),
    ),
)


@dataclass
class Scrubbed:
    """What a scan changed: one notice per kind of secret found, for the user to see."""

    notices: list[str] = field(default_factory=list)

    def note(self, kind: str) -> None:
        if kind not in self.notices:
            self.notices.append(kind)


def scrub_text(text: str, found: Scrubbed) -> str:
    """Redact tokens; refuse outright to send a private key, whatever the file is called."""
    if PRIVATE_KEY.search(text):
        raise PathRefused("the request holds a private key block; nothing was sent")
    for kind, pattern in TOKENS:
        text, count = pattern.subn(partial(_redact, kind=kind), text)
        if count:
            found.note(kind)
    return text


def refuse_secret_write(rel: str, text: str) -> None:
    """The read rules hold for writes too: no secret-named file, no private key in any file."""
    if is_secret(rel):
        raise PathRefused(f"{rel}: looks like a secret; haikutui never creates or edits one")
    if PRIVATE_KEY.search(text):
        raise PathRefused(f"{rel}: the text holds a private key block; not written")


def _redact(match: re.Match[str], kind: str) -> str:
    """Only the secret goes: `password = "..."` keeps its name, so the code still reads."""
    if "secret" in match.re.groupindex:
        start, end = match.span("secret")
        whole = match.group(0)
        offset = match.start()
        return whole[: start - offset] + f"[REDACTED {kind}]" + whole[end - offset :]
    return f"[REDACTED {kind}]"


def scrub_messages(messages: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], Scrubbed]:
    """A copy of the messages with every user-side text and tool result scrubbed."""
    found = Scrubbed()
    clean: list[dict[str, Any]] = []
    for message in messages:
        content = message.get("content")
        if message.get("role") != "user" or not isinstance(content, list):
            if isinstance(content, str) and message.get("role") == "user":
                message = {**message, "content": scrub_text(content, found)}
            clean.append(message)
            continue
        blocks = []
        for block in content:
            if block.get("type") == "text":
                block = {**block, "text": scrub_text(block["text"], found)}
            elif block.get("type") == "tool_result" and isinstance(block.get("content"), str):
                block = {**block, "content": scrub_text(block["content"], found)}
            blocks.append(block)
        clean.append({**message, "content": blocks})
    return clean, found
