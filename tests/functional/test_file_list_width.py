"""The file list follows the terminal's width, long paths are cut in the middle with `…`
(never wrapped mid-word), and help rows wrap under their own description (issue 23)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from haikutui.tui.widgets.file_list import FileList
from tests.conftest import make_repo
from tests.functional.conftest import build_app
from tests.functional.pilot import screen_text, settle

DEEP = "docs/_static/images/screenshots/click-icon.svg"


def deep_repo(tmp_path: Path) -> Path:
    return make_repo(
        tmp_path / "proj",
        {DEEP: "<svg/>\n", "src/pkg/cli.py": "x = 1\n", "README.md": "# proj\n"},
    )


async def test_the_file_list_is_wider_on_a_wide_terminal(tmp_path: Path) -> None:
    root = deep_repo(tmp_path)
    widths = {}
    for size in ((80, 24), (120, 36), (200, 50)):
        app = build_app(root)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            widths[size[0]] = app.screen.query_one(FileList).size.width
    assert widths[80] <= 26 < widths[120] < widths[200]
    assert widths[200] >= 55  # it stayed 38 at 200 columns


async def test_a_long_path_is_cut_in_the_middle_not_wrapped(tmp_path: Path) -> None:
    """At 120 columns it wrapped as `docs/_static/images/screenshots/click-ic` / `on.svg`."""
    app = build_app(deep_repo(tmp_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        rows = screen_text(app)
        cut = [row for row in rows if "click-icon.svg" in row]
        assert len(cut) == 1 and "docs/…/" in cut[0]  # one row: the file name whole
        assert not any(row.strip("│ ").startswith("on.svg") for row in rows)
    app = build_app(tmp_path / "proj")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert any("…/click-icon.svg" in row for row in screen_text(app))
        await pilot.press("slash", *"click", "enter")
        await settle(pilot)
        assert app.screen.query_one("CodeView").path == DEEP


async def test_help_rows_wrap_under_their_description_at_80_columns(tmp_path: Path) -> None:
    app = build_app(deep_repo(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        text = app.screen.query_one("#help-text", Static)
        width = text.content_region.width
        lines = text.render().plain.splitlines()  # type: ignore[union-attr]
        long = [line for line in lines if len(line) > width]
        assert long == [], width  # no line left for Textual to wrap
        tooltip = next(i for i, line in enumerate(lines) if "Type an instruction" in line)
        column = lines[tooltip].index("Type an instruction")
        follow = lines[tooltip + 1]
        assert follow[:column].strip() == "" and follow[column:].strip()
