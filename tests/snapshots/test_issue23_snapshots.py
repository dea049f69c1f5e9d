"""Issue 23 at 80×24 and 200×50 under one dark (nord) and one light (textual-light) built-in
theme: the file list's width and cut paths, a search in the open file with its matches and
count, line numbers on the cursor and selected lines, and the verdict's details panel.

Regenerate with `pytest tests/snapshots/test_issue23_snapshots.py --snapshot-update`; look
at each as PNG (rsvg-convert) before committing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from haikutui.core.config import load_settings
from haikutui.core.repo import Repo
from haikutui.tui.app import HaikutuiApp, create_app
from tests.conftest import make_repo
from tests.functional.conftest import LONG_PY
from tests.functional.pilot import open_file, select_lines, settle
from tests.snapshots.test_snapshots import _steady

Snap = Callable[..., bool]


@pytest.fixture
def deep_repo(tmp_path: Path) -> Path:
    return make_repo(
        tmp_path / "proj",
        {
            "core.py": LONG_PY,
            "docs/_static/images/screenshots/click-icon.svg": "<svg/>\n",
            "src/project_name/commands/deeply_nested/module_with_a_long_name.py": "x = 1\n",
            "README.md": "# proj\n",
        },
    )


def _app(root: Path) -> HaikutuiApp:
    return create_app(Repo(root), load_settings(root))


@pytest.mark.parametrize("theme", ["nord", "textual-light"])
@pytest.mark.parametrize("size", [(80, 24), (200, 50)], ids=["80x24", "200x50"])
def test_main_screen_with_a_search(
    snap_compare: Snap, deep_repo: Path, theme: str, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        pilot.app.theme = theme
        await open_file(pilot, "core.py")
        await select_lines(pilot, 4, 5)
        await pilot.press("ctrl+f", *"values", "enter")
        await settle(pilot)
        await pilot.press("slash", "escape")  # the filter emptied: every path, cut to fit
        await settle(pilot)
        await _steady(pilot)

    assert snap_compare(_app(deep_repo), terminal_size=size, run_before=run_before)
