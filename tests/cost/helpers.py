"""What the cost tests share: a file large enough to cache, config written to HAIKUTUI_CONFIG."""

from __future__ import annotations

import os
from pathlib import Path

BIG_PY = "".join(
    f'\n\ndef step_{n}(values, factor={n}):\n    """Scale the {n}th value and add the offset."""\n'
    f"    result = values[{n} % len(values)] * factor\n    return result + {n}\n"
    for n in range(200)
)
"""About 31K characters and 1,200 lines (sent whole): well over Haiku 4.5's 4,096-token cache minimum."""


def write_config(text: str) -> Path:
    path = Path(os.environ["HAIKUTUI_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
