"""A fuzzy path filter fast enough for 10,000 paths on every key press."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Match:
    """A path that matched, with the character offsets to highlight."""

    path: str
    offsets: tuple[int, ...]


def _pattern(query: str) -> re.Pattern[str]:
    """`abc` becomes `(a)[^a]*?(b)[^b]*?(c)`: one compiled regex, run in C on each path."""
    parts = [f"({re.escape(ch)})" for ch in query]
    gaps = [f"[^{re.escape(ch)}]*?" for ch in query[1:]]
    body = "".join(p + g for p, g in zip(parts, gaps, strict=False)) + parts[-1]
    return re.compile(body, re.IGNORECASE)


def fuzzy_filter(query: str, paths: Sequence[str], limit: int) -> tuple[list[Match], int]:
    """Best matches first (tight, in the file name, short path), capped; also the total count."""
    query = "".join(query.split())
    if not query:
        return [Match(p, ()) for p in paths[:limit]], len(paths)
    pattern = _pattern(query)
    scored: list[tuple[tuple[int, int, int], Match]] = []
    lowered = query.lower()
    for path in paths:
        found = pattern.search(path)
        if found is None:
            continue
        name_start = path.rfind("/") + 1
        offsets = tuple(found.start(i) for i in range(1, len(query) + 1))
        in_name = 0 if lowered in path[name_start:].lower() else 1
        span = found.end() - found.start()
        scored.append(((in_name, span, len(path)), Match(path, offsets)))
    scored.sort(key=lambda item: item[0])
    return [m for _, m in scored[:limit]], len(scored)
