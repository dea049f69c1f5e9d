"""Small UI preferences remembered between runs (the theme), kept apart from the user's config."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def state_dir() -> Path:
    """`HAIKUTUI_STATE_DIR` wins, so tests never write to the developer's home."""
    override = os.environ.get("HAIKUTUI_STATE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_state_dir

    return Path(user_state_dir("haikutui"))


def _path() -> Path:
    return state_dir() / "ui.json"


def load() -> dict[str, Any]:
    try:
        data = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remember(key: str, value: Any) -> None:
    """Best effort: failing to remember a preference must never break the app."""
    from haikutui.core.atomic import write_atomic  # not needed to start, only to remember

    data = load()
    data[key] = value
    try:
        write_atomic(_path(), json.dumps(data, indent=2).encode())
    except OSError:
        pass
