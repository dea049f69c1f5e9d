"""Outgoing text is scanned for secrets: they are redacted, and a private key blocks the send.

The detector is Yelp's `detect-secrets` (its ~25 provider plugins, its keyword detector and
its entropy detectors, with its own false-positive filters), imported on the first request,
never at start-up. Our own patterns are kept only where it has none: Anthropic and Google API
keys. Its per-line pipeline costs about 0.7 ms a line, so each plugin's own regexes are first
run over the whole text at once (in C), and only the lines one of them matched go through it.
Lines are read as an INI/YAML file would be, so unquoted assignments
(`aws_secret_access_key = wJalr...`, `db_password: hunter2...`) are found, and as source code,
so quoted ones are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from haikutui.core.errors import PathRefused
from haikutui.core.path_guard import is_secret

PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----")
OWN_TOKENS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("anthropic key", re.compile(r"sk-ant-[A-Za-z0-9_\-]{16,}")),
    ("google api key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}")),
)
"""Keys detect-secrets has no plugin for."""


@dataclass
class Scrubbed:
    """What a scan changed: one notice per kind of secret found, for the user to see."""

    notices: list[str] = field(default_factory=list)

    def note(self, kind: str) -> None:
        if kind not in self.notices:
            self.notices.append(kind)


_CONFIG_FILES = ("request.ini", "request.yaml")
"""Read as config, a line's unquoted value counts (`db_password: hunter2...`)."""

_QUOTED = re.compile(r"""(['"`])[A-Za-z0-9+/=_\-.~]{8,}\1""")
"""What the entropy plugins can flag: a quoted string of 8 characters or more (fewer cannot
reach their entropy limits), so a line with only short strings skips them."""

_NUMBERED = re.compile(r"^ *\d+\t")
_REFERENCE = re.compile(r"[A-Za-z_][\w.]*(\(\))?")
_PLAIN_ASSIGNMENT = re.compile(
    r"^\s*(?:export\s+)?[-\w.\[\]\"']+\s*(?<![=!<>:])[=:](?!=)\s*(?P<value>\S+)\s*$"
)


_CREDENTIAL_WORD = re.compile(r"key|pw|pass|token")
"""Cloudant, IBM Cloud IAM, IBM COS HMAC and SoftLayer each need one of these words; their own
regexes (a lookbehind at every position) take 20 ms per 1,000 lines, this one a fraction.
Like the keyword anchor it runs on the lower-cased text (a case-blind regex is slower)."""

_ANCHORS = {
    "CloudantDetector": _CREDENTIAL_WORD,
    "IbmCloudIamDetector": _CREDENTIAL_WORD,
    "IbmCosHmacDetector": _CREDENTIAL_WORD,
    "SoftlayerDetector": _CREDENTIAL_WORD,
    "ArtifactoryDetector": re.compile(r"AKC[a-zA-Z0-9]{10}|AP[\dABCDEF][a-zA-Z0-9]{8}"),
}
"""Cheap supersets of slow plugins' regexes, to find the lines worth running them on."""


@dataclass(frozen=True)
class _Plugin:
    """One detect-secrets plugin and the regexes that find where it could match."""

    plugin: Any
    anchors: tuple[re.Pattern[str], ...]
    denylist: tuple[re.Pattern[str], ...]
    keyword: bool
    entropy: bool


@dataclass(frozen=True)
class _Detector:
    plugins: tuple[_Plugin, ...]
    line_filters: tuple[Any, ...]
    secret_filters: tuple[Any, ...]
    call: Any


@cache
def _detector() -> _Detector:
    """detect-secrets with its default plugins and filters, and each plugin's regexes.

    Imported here, on the first outgoing request (~0.5 s), not when haikutui starts.
    """
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.core.scan import get_filters_with_parameter
    from detect_secrets.plugins import keyword
    from detect_secrets.settings import cache_bust, configure_settings_from_baseline, get_plugins
    from detect_secrets.util.inject import call_function_with_arguments

    # What its `default_settings()` sets, kept for the process: every plugin, default filters.
    cache_bust()
    classes: Any = get_mapping_from_secret_type_to_class().values()
    configure_settings_from_baseline({"plugins_used": [{"name": c.__name__} for c in classes]})
    plugins: list[_Plugin] = []
    for plugin in get_plugins():
        name = type(plugin).__name__
        is_keyword = isinstance(plugin, keyword.KeywordDetector)
        entropy = hasattr(plugin, "entropy_limit")
        denylist = tuple(p for p in getattr(plugin, "denylist", ()) if isinstance(p, re.Pattern))
        if is_keyword:
            anchors: tuple[re.Pattern[str], ...] = (re.compile("|".join(keyword.DENYLIST)),)
        elif entropy:
            anchors = (_QUOTED,)
        else:
            anchors = (_ANCHORS[name],) if name in _ANCHORS else denylist
        plugins.append(_Plugin(plugin, anchors, denylist, is_keyword, entropy))
    return _Detector(
        tuple(plugins),
        tuple(get_filters_with_parameter("line")),
        tuple(get_filters_with_parameter("secret")),
        call_function_with_arguments,
    )


def _candidates(text: str, plugins: tuple[_Plugin, ...]) -> dict[int, list[_Plugin]]:
    """Line index -> the plugins whose regexes match somewhere on it: the only ones worth
    running there (each regex runs once over the whole text, in C)."""
    by_pattern: dict[re.Pattern[str], list[_Plugin]] = {}
    for entry in plugins:
        for pattern in entry.anchors:
            by_pattern.setdefault(pattern, []).append(entry)
    lower = text.lower()
    if len(lower) != len(text):  # a character whose lower case is longer: positions differ
        lower = text
        by_pattern = {re.compile(p.pattern, re.IGNORECASE): e for p, e in by_pattern.items()}
    starts: dict[int, list[_Plugin]] = {}
    for pattern, entries in by_pattern.items():
        seen = lower if pattern.flags & re.IGNORECASE == 0 and _folded(pattern, entries) else text
        match = pattern.search(seen)
        while match is not None:
            start = text.rfind("\n", 0, match.start()) + 1
            on = starts.setdefault(start, [])
            on.extend(e for e in entries if all(e is not o for o in on))
            end = text.find("\n", match.end())  # one hit per line is enough: skip the rest
            if end < 0:
                break
            match = pattern.search(seen, end + 1)
    found: dict[int, list[_Plugin]] = {}
    number, position = 0, 0
    for start in sorted(starts):
        number += text.count("\n", position, start)
        position = start
        found[number] = starts[start]
    return found


def _folded(pattern: re.Pattern[str], entries: list[_Plugin]) -> bool:
    """Whether this anchor is matched against the lower-cased text."""
    return pattern is _CREDENTIAL_WORD or entries[0].keyword


def _filtered(detector: _Detector, filters: tuple[Any, ...], **kwargs: Any) -> bool:
    for fn in filters:
        if fn.path.endswith("is_line_allowlisted") and "allowlist" not in kwargs["line"]:
            continue  # its pragma is not on the line: skip its 0.4 ms
        try:
            if detector.call(fn, **kwargs):
                return True
        except TypeError:  # it needs an argument this stage has not got (as in detect-secrets)
            continue
    return False


def _findings(
    detector: _Detector, line: str, number: int, plugins: list[_Plugin]
) -> dict[str, str]:
    """Secret values on one line -> their kind, through detect-secrets' plugins and filters.

    A regex plugin whose pattern reports only a group (GitHub's `ghp`) is answered with the
    whole match, so the token goes and not just its prefix.
    """
    from detect_secrets.util.code_snippet import get_code_snippet

    context = get_code_snippet(lines=[line], line_number=1)
    if _filtered(
        detector, detector.line_filters, filename="request.py", line=line, context=context
    ):
        return {}
    found: dict[str, str] = {}
    for entry in plugins:
        names = ("request.py", *_CONFIG_FILES) if entry.keyword else ("request.py",)
        for name in names:
            secrets = detector.call(
                entry.plugin.analyze_line,
                filename=name,
                line=line,
                line_number=number,
                context=context,
            )
            for secret in secrets or ():
                value = secret.secret_value
                if not value or "[REDACTED" in value:
                    continue
                if _filtered(
                    detector,
                    detector.secret_filters,
                    filename=name,
                    secret=value,
                    plugin=entry.plugin,
                    line=line,
                    context=context,
                ):
                    continue
                if name in _CONFIG_FILES and not _unquoted_secret(line, value):
                    continue
                kind = _kind(secret.type)
                for pattern in entry.denylist:
                    for match in pattern.finditer(line):
                        if value in match.group(0):
                            found.setdefault(match.group(0), kind)
                found.setdefault(value, kind)
    return found


def _unquoted_secret(line: str, value: str) -> bool:
    """A config-style find counts only on a plain `name = value` / `name: value` line whose
    value is one token that is not a code reference (`None`, `self.token`, `get()`): so
    `api_key: str | None = None` and `if password == other:` in code are left alone."""
    match = _PLAIN_ASSIGNMENT.match(line)
    if match is None or value not in match["value"]:
        return False
    token = match["value"].strip("\"'`,;")
    if _REFERENCE.fullmatch(token) and not any(c.isdigit() for c in token):
        return False
    return True


def _kind(secret_type: str) -> str:
    return secret_type.lower().removesuffix(" string")


def scrub_text(text: str, found: Scrubbed) -> str:
    """Redact secrets; refuse outright to send a private key, whatever the file is called.

    Each follow-up request carries the earlier messages again: their scans are remembered.
    """
    clean, kinds = _scrubbed(text)
    for kind in kinds:
        found.note(kind)
    return clean


@lru_cache(maxsize=256)
def _scrubbed(text: str) -> tuple[str, tuple[str, ...]]:
    if PRIVATE_KEY.search(text):
        raise PathRefused("the request holds a private key block; nothing was sent")
    found = Scrubbed()
    for kind, pattern in OWN_TOKENS:
        text, count = pattern.subn(f"[REDACTED {kind}]", text)
        if count:
            found.note(kind)
    detector = _detector()
    candidates = _candidates(text, detector.plugins)
    lines = text.split("\n")
    for index, matched in candidates.items():
        numbered = _NUMBERED.match(lines[index])  # a `view` result's `   12\t` prefix
        head = numbered.group(0) if numbered else ""
        line = lines[index][len(head) :]
        secrets = _findings(detector, line, index + 1, matched)
        for value in sorted(secrets, key=len, reverse=True):
            line = line.replace(value, f"[REDACTED {secrets[value]}]")
            found.note(secrets[value])
        lines[index] = head + line
    return ("\n".join(lines) if candidates else text), tuple(found.notices)


def refuse_secret_write(rel: str, text: str) -> None:
    """The read rules hold for writes too: no secret-named file, no private key in any file."""
    if is_secret(rel):
        raise PathRefused(f"{rel}: looks like a secret; haikutui never creates or edits one")
    if PRIVATE_KEY.search(text):
        raise PathRefused(f"{rel}: the text holds a private key block; not written")


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
