"""Issue 12: the file list is in the first frame (from the index alone), marks follow."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from haikutui.tui.widgets.file_list import FIRST_ROWS, MAX_SHOWN
from tests.conftest import make_repo
from tests.functional.conftest import SIZE, build_app
from tests.functional.pilot import files, settle


async def test_first_screenful_is_listed_before_anything_else_runs(tmp_path: Path) -> None:
    names = {f"pkg/mod_{n:04d}.py": f"x = {n}\n" for n in range(600)}
    root = make_repo(tmp_path / "many", names)
    (root / "pkg" / "mod_0003.py").write_text("x = 'edited'\n")
    (root / "new.py").write_text("x = 1\n")
    app = build_app(root)
    async with app.run_test(size=SIZE) as pilot:
        options = files(app).query_one(OptionList)
        # Mounted, nothing awaited yet: git status has not run, but the index's paths show.
        assert options.option_count == FIRST_ROWS
        assert options.get_option_at_index(0).id == "pkg/mod_0000.py"
        assert files(app).border_title == f"many · 600 files (showing {MAX_SHOWN})"
        await settle(pilot)
        # After the first paint: the rest of the shown options, status marks, untracked files.
        assert options.option_count == MAX_SHOWN
        assert options.get_option_at_index(0).id == "new.py"
        assert str(options.get_option_at_index(4).prompt).startswith("M pkg/mod_0003.py")
        assert files(app).border_title == f"many · 601 files (showing {MAX_SHOWN})"


async def test_a_status_only_change_keeps_the_filter_index(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "few", {"a.py": "a\n", "b.py": "b\n"})
    app = build_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        index = files(app)._index
        files(app).set_listing(["a.py", "b.py"], {"a.py": " M"})
        await pilot.pause()
        assert files(app)._index is index  # not rebuilt for new marks
        assert files(app).entry("a.py").mark == "M"  # type: ignore[union-attr]
        assert files(app).entry("c.py") is None
