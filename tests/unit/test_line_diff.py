"""The line diff behind every proposal: any edit script it gives must rebuild the new text."""

from __future__ import annotations

import difflib
import random

import pytest

from haikutui.core import line_diff
from haikutui.core.line_diff import Opcode, grouped, opcodes
from haikutui.core.proposal import FileChange
from haikutui.core.textfile import TextFile


def rebuilt(a: list[str], b: list[str], codes: list[Opcode]) -> list[str]:
    """Apply the opcodes to `a`, checking that they cover both sides in order."""
    out: list[str] = []
    i = j = 0
    for tag, i1, i2, j1, j2 in codes:
        assert (i1, j1) == (i, j)
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
            out += a[i1:i2]
        else:
            out += b[j1:j2]
        i, j = i2, j2
    assert (i, j) == (len(a), len(b))
    return out


def edited(rng: random.Random, a: list[str]) -> list[str]:
    b = list(a)
    for _ in range(rng.randint(0, 10)):
        k = rng.randint(0, len(b))
        roll = rng.random()
        if roll < 0.3 and b:
            del b[min(k, len(b) - 1)]
        elif roll < 0.6:
            b.insert(k, rng.choice("abxyz") + "\n")
        elif b:
            b[min(k, len(b) - 1)] = f"changed {k}\n"
    return b


@pytest.mark.parametrize("small_gap", [2, line_diff.SMALL_GAP])
def test_random_edits_rebuild_the_new_text(monkeypatch: pytest.MonkeyPatch, small_gap: int) -> None:
    monkeypatch.setattr(line_diff, "SMALL_GAP", small_gap)  # 2: anchors on almost every range
    rng = random.Random(7)
    for _ in range(1500):
        size = rng.randint(0, 200)
        a = [f"{rng.choice('abcdefgh')}{i if rng.random() < 0.7 else ''}\n" for i in range(size)]
        b = edited(rng, a)
        assert rebuilt(a, b, opcodes(a, b)) == b
        assert rebuilt(b, a, opcodes(b, a)) == a


def test_grouping_is_difflibs() -> None:
    rng = random.Random(3)
    for _ in range(300):
        a = [rng.choice("abcdef") + "\n" for _ in range(rng.randint(0, 120))]
        matcher = difflib.SequenceMatcher(None, a, edited(rng, a), autojunk=False)
        assert grouped(matcher.get_opcodes()) == list(matcher.get_grouped_opcodes(3))


def test_far_apart_edits_are_separate_small_hunks() -> None:
    """Edits far apart in a long file: each is its own hunk with three lines of context."""
    old = [f"line {i}\n" for i in range(2000)]
    new = list(old)
    new[100] = "line 100 fixed\n"
    new[1500] = "line 1500 fixed\n"
    change = FileChange("big.py", TextFile("".join(old)), "".join(new))
    assert [h.header for h in change.hunks] == ["@@ -98,7 +98,7 @@", "@@ -1498,7 +1498,7 @@"]
    assert change.hunks[0].lines[3:5] == ["-line 100\n", "+line 100 fixed\n"]
    assert change.result() == "".join(new)
