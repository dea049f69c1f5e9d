"""What redaction costs per request: `scrub_text` (detect-secrets) on a 1,000- and a 10,000-line
text of real Python (the standard library's own modules), against the old hand-written regexes.

Prints the first use (importing detect-secrets, once per process) and the best of five runs
per size, for a text not seen before and for the same text again (a follow-up request
carries the earlier messages; their scans are remembered). It asserts nothing.

    python benchmarks/secret_scan.py
"""

from __future__ import annotations

import inspect
import json
import re
import time

OLD_TOKENS = [
    re.compile(p)
    for p in (
        r"sk-ant-[A-Za-z0-9_\-]{16,}",
        r"\bsk-(?:proj-)?[A-Za-z0-9]{32,}",
        r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
        r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})",
        r"\bglpat-[A-Za-z0-9_\-]{20,}",
        r"\bxox[abposr]-[A-Za-z0-9-]{10,}",
        r"\bAIza[0-9A-Za-z_\-]{35}",
        r"\b[rs]k_live_[0-9A-Za-z]{20,}",
        r"(?i)\b(?:aws_secret_access_key|secret_key|api_key|apikey|password|passwd|token)"
        r"[\"']?\s*[:=]\s*[\"'](?P<secret>[^\"'\s]{12,})[\"']",
    )
]


def corpus(lines: int) -> str:
    import argparse
    import email.message
    import json as json_module
    import logging
    import subprocess
    import tarfile
    import typing
    import urllib.request
    import zipfile

    modules = (
        argparse,
        email.message,
        json_module,
        logging,
        subprocess,
        tarfile,
        typing,
        urllib.request,
        zipfile,
        inspect,
    )
    text: list[str] = []
    while len(text) < lines:
        for module in modules:
            text.extend(inspect.getsource(module).splitlines())
    return "\n".join(text[:lines])


def best(call, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    start = time.perf_counter()
    from haikutui.core.secret_scan import Scrubbed, _detector, _scrubbed, scrub_text

    _detector()
    first = time.perf_counter() - start
    figures: dict[str, object] = {"first use (import + set-up), s": round(first, 3)}
    for lines in (1_000, 10_000):
        text = corpus(lines)

        def cold(text: str = text) -> None:
            _scrubbed.cache_clear()  # a text not seen before: the first request that holds it
            scrub_text(text, Scrubbed())

        new = best(cold)
        again = best(lambda text=text: scrub_text(text, Scrubbed()))  # a follow-up resends it
        old = best(lambda text=text: [p.sub("[REDACTED]", text) for p in OLD_TOKENS])
        figures[f"{lines:,} lines ({len(text):,} chars), ms"] = {
            "detect-secrets": round(new * 1000, 1),
            "same text again (follow-up), ms": round(again * 1000, 3),
            "old regexes": round(old * 1000, 1),
            "per 1,000 lines": round(new * 1000 * 1000 / lines, 1),
        }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
