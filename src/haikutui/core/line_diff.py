"""Line diffs fast enough for a lint pass over a whole repo: anchor on unique lines first.

`difflib.SequenceMatcher` looks for the longest match over the whole file again for every
edit, which cost 0.13 s for the 67 files ruff fixed in rich. Patience diffing (git's
`--patience`) first pairs the lines that occur once on each side, in order; only the short
gaps between those anchors go to `SequenceMatcher`. The opcodes have difflib's shape, so
callers group and apply them as before.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Sequence

Opcode = tuple[str, int, int, int, int]

SMALL_GAP = 64
"""Gaps with fewer lines than this on both sides go straight to `SequenceMatcher`."""


def opcodes(a: Sequence[str], b: Sequence[str]) -> list[Opcode]:
    """Edit opcodes turning `a` into `b`, as `SequenceMatcher.get_opcodes()` returns them."""
    pairs: list[tuple[int, int]] = []
    _match(a, b, 0, len(a), 0, len(b), pairs)
    out: list[Opcode] = []
    i = j = 0
    for pi, pj in [*pairs, (len(a), len(b))]:
        if i < pi or j < pj:
            tag = "replace" if i < pi and j < pj else ("delete" if i < pi else "insert")
            out.append((tag, i, pi, j, pj))
        if pi == len(a) and pj == len(b):
            break
        if out and out[-1][0] == "equal" and out[-1][2] == pi and out[-1][4] == pj:
            out[-1] = ("equal", out[-1][1], pi + 1, out[-1][3], pj + 1)
        else:
            out.append(("equal", pi, pi + 1, pj, pj + 1))
        i, j = pi + 1, pj + 1
    return out


def _match(
    a: Sequence[str],
    b: Sequence[str],
    alo: int,
    ahi: int,
    blo: int,
    bhi: int,
    pairs: list[tuple[int, int]],
) -> None:
    """Append the matching (i, j) line pairs of a[alo:ahi] and b[blo:bhi], in order."""
    while alo < ahi and blo < bhi and a[alo] == b[blo]:
        pairs.append((alo, blo))
        alo, blo = alo + 1, blo + 1
    tail: list[tuple[int, int]] = []
    while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
        ahi, bhi = ahi - 1, bhi - 1
        tail.append((ahi, bhi))
    if alo < ahi and blo < bhi:
        anchors = (
            [] if max(ahi - alo, bhi - blo) < SMALL_GAP else _anchors(a, b, alo, ahi, blo, bhi)
        )
        if anchors:
            for i, j in anchors:
                _match(a, b, alo, i, blo, j, pairs)
                pairs.append((i, j))
                alo, blo = i + 1, j + 1
            _match(a, b, alo, ahi, blo, bhi, pairs)
        else:
            matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
            for i, j, size in matcher.get_matching_blocks():
                pairs.extend((alo + i + k, blo + j + k) for k in range(size))
    pairs.extend(reversed(tail))


def _anchors(
    a: Sequence[str], b: Sequence[str], alo: int, ahi: int, blo: int, bhi: int
) -> list[tuple[int, int]]:
    """The longest in-order run of lines that occur exactly once in each range."""
    in_a: dict[str, int] = {}
    for i in range(alo, ahi):
        in_a[a[i]] = -1 if a[i] in in_a else i  # -1: the line repeats
    in_b: dict[str, int] = {}
    for j in range(blo, bhi):
        in_b[b[j]] = -1 if b[j] in in_b else j
    # In order of i: a unique line's first occurrence is its only one.
    unique = [(i, in_b[line]) for line, i in in_a.items() if i >= 0 and in_b.get(line, -1) >= 0]
    # Longest increasing subsequence of the b positions (patience sorting).
    tops: list[int] = []
    top_at: list[int] = []
    back: list[int] = [-1] * len(unique)
    for index, (_, j) in enumerate(unique):
        k = bisect.bisect_left(tops, j)
        back[index] = top_at[k - 1] if k else -1
        if k == len(tops):
            tops.append(j)
            top_at.append(index)
        else:
            tops[k], top_at[k] = j, index
    chain: list[tuple[int, int]] = []
    at = top_at[-1] if top_at else -1
    while at >= 0:
        chain.append(unique[at])
        at = back[at]
    return chain[::-1]


def grouped(codes: Sequence[Opcode], context: int = 3) -> list[list[Opcode]]:
    """The opcodes in hunks with `context` lines around each edit (`get_grouped_opcodes`)."""
    if not codes:
        codes = [("equal", 0, 1, 0, 1)]
    codes = list(codes)
    if codes[0][0] == "equal":
        tag, i1, i2, j1, j2 = codes[0]
        codes[0] = tag, max(i1, i2 - context), i2, max(j1, j2 - context), j2
    if codes[-1][0] == "equal":
        tag, i1, i2, j1, j2 = codes[-1]
        codes[-1] = tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)
    groups: list[list[Opcode]] = []
    group: list[Opcode] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > 2 * context:
            group.append((tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)))
            groups.append(group)
            group = []
            i1, j1 = max(i1, i2 - context), max(j1, j2 - context)
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        groups.append(group)
    return groups
