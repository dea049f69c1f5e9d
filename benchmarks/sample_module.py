"""A deterministic Python module of a given size, for the token and estimate benchmarks.

The issue's figure is for a 10.9 KB, 846-line file: `module(846)` writes one of about that
size (classes with short methods, docstrings, blank lines), the same on every run.
"""

from __future__ import annotations

HEADER = '''"""Inventory bookkeeping: items, stock moves and reports."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
'''


def _block(n: int) -> list[str]:
    return [
        "",
        "",
        f"class Item{n}:",
        f'    """Kind {n}."""',
        "",
        "    count = 0",
        "",
        "    def add(self, k):",
        "        self.count += k",
        "        return self",
        "",
        "    def take(self, k):",
        "        if k > self.count:",
        "            raise ValueError(k)",
        "",
        "",
        "        self.count -= k",
        "        return self",
        "",
        "    def dump(self):",
        "        return json.dumps(vars(self))",
        "",
        "",
        "",
    ]


def module(lines: int) -> str:
    """`lines` lines of plausible code; line numbers are stable for a given size."""
    out = HEADER.split("\n")[:-1]
    n = 0
    while len(out) < lines:
        out.extend(_block(n))
        n += 1
    return "\n".join(out[:lines]) + "\n"
