"""UI state: small preferences remembered between runs, never at the cost of a crash."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from haikutui.core import ui_state


def test_remember_then_load_round_trip() -> None:
    assert ui_state.load() == {}
    ui_state.remember("theme", "nord")
    ui_state.remember("split", 0.4)
    assert ui_state.load() == {"theme": "nord", "split": 0.4}
    ui_state.remember("theme", "gruvbox")
    assert ui_state.load()["theme"] == "gruvbox"


def test_state_lives_under_haikutui_state_dir() -> None:
    ui_state.remember("theme", "nord")
    path = Path(os.environ["HAIKUTUI_STATE_DIR"]) / "ui.json"
    assert ui_state.state_dir() == path.parent
    assert json.loads(path.read_text()) == {"theme": "nord"}


def test_corrupt_state_is_forgotten_not_fatal() -> None:
    path = ui_state.state_dir() / "ui.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    assert ui_state.load() == {}
    ui_state.remember("theme", "nord")
    assert ui_state.load() == {"theme": "nord"}
    path.write_text("[1, 2]")
    assert ui_state.load() == {}


def test_unwritable_state_dir_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("HAIKUTUI_STATE_DIR", str(blocker / "state"))
    ui_state.remember("theme", "nord")  # must not raise
    assert ui_state.load() == {}
