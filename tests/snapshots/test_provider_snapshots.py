"""The key entry modal with a key typed (masked), and the provider beside the model.

Regenerate with `pytest tests/snapshots --snapshot-update` and look at every SVG before keeping it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from haikutui.core.config import load_settings
from haikutui.core.repo import Repo
from haikutui.tui.app import HaikutuiApp, create_app
from tests.functional.conftest import long_repo  # noqa: F401  (fixture)
from tests.functional.pilot import ask, open_file, settle
from tests.providers.conftest import memory_keyring  # noqa: F401  (fixture)

SIZE = (110, 32)
TYPED = "sk-ant-never-in-a-snapshot-0006"
Snap = Callable[..., bool]


def _app(root: Path) -> HaikutuiApp:
    return create_app(Repo(root), load_settings(root))


async def _steady(pilot: Pilot[Any]) -> None:
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


def test_key_entry_with_a_key_typed(
    snap_compare: Snap,
    long_repo: Path,  # noqa: F811
    memory_keyring: Any,  # noqa: F811  "kept in the system keyring": no temp path on screen
) -> None:
    async def typed(pilot: Pilot[Any]) -> None:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix it")
        await settle(pilot)
        await _steady(pilot)
        await pilot.press(*TYPED)
        await pilot.pause()
        assert TYPED not in pilot.app.export_screenshot()

    assert snap_compare(_app(long_repo), terminal_size=SIZE, run_before=typed)
    for svg in Path(__file__).parent.glob("__snapshots__/*/test_key_entry_with_a_key_typed.svg"):
        assert TYPED not in svg.read_text() and "never-in" not in svg.read_text()


def test_provider_beside_the_model(
    snap_compare: Snap,
    long_repo: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HAIKUTUI_PROVIDER", "vertex")

    async def opened(pilot: Pilot[Any]) -> None:
        await open_file(pilot, "core.py")
        await _steady(pilot)

    assert snap_compare(_app(long_repo), terminal_size=SIZE, run_before=opened)
