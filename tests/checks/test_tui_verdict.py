"""In the TUI a failing verdict is red next to the diff, applying it asks once, and `t` runs
the tests that import the changed modules."""

from __future__ import annotations

from pathlib import Path

from haikutui.tui.screens.confirm import ConfirmScreen
from haikutui.tui.screens.detail import DetailScreen
from haikutui.tui.screens.review import ReviewScreen
from tests.checks.conftest import GEO, SHAPES
from tests.fake_api import FakeAnthropic, str_replace, tool_reply
from tests.functional.conftest import SIZE, build_app
from tests.functional.pilot import screen_text, status_text
from tests.lint.steps import ask, open_file, settle

BROKEN = str_replace("geo/shapes.py", "def area(w, h):", "def surface(w, h):")


def header(app: object) -> str:
    return str(app.screen.query_one("#review-header").render())  # type: ignore[attr-defined]


def verdict_style(app: object) -> str:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, ReviewScreen)
    return str(screen._verdict_line().spans[0].style)


async def test_a_failing_verdict_is_red_and_apply_asks_once(
    geo_repo: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(tool_reply(BROKEN))
    app = build_app(geo_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "geo/shapes.py")
        await ask(pilot, "rename area to surface")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert (
            "✗ 1 new correctness finding (geo/shapes.py:9:12: F821 Undefined name `area`)"
            in header(app)
        )
        assert "$text-error" in verdict_style(app)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep reviewing: nothing written
        await settle(pilot)
        assert app.screen is review
        assert (geo_repo / "geo/shapes.py").read_text() == GEO["geo/shapes.py"]
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is not review
        assert "applied" in status_text(app)
    assert "def surface(w, h):" in (geo_repo / "geo/shapes.py").read_text()


async def test_a_passing_verdict_applies_without_asking(
    geo_repo: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(tool_reply(str_replace("geo/shapes.py", "return w * h", "return h * w")))
    app = build_app(geo_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "geo/shapes.py")
        await ask(pilot, "swap")
        await settle(pilot)
        assert "✓ parses · no new findings in 1 file + 3 importers · tests not run" in header(app)
        await pilot.press("a")
        await settle(pilot)
        assert not isinstance(app.screen, (ConfirmScreen, ReviewScreen))
    assert "return h * w" in (geo_repo / "geo/shapes.py").read_text()


async def test_t_runs_the_tests_that_import_the_change(
    shapes_repo: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(
        tool_reply(str_replace("shapes/geometry.py", "return w * h", "return w * h + 1"))
    )
    app = build_app(shapes_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "shapes/geometry.py")
        await ask(pilot, "off by one")
        await settle(pilot)
        assert "· tests not run" in header(app)
        await pilot.press("t")
        await settle(pilot)
        assert "✗ tests fail (1 failed; tests/test_report.py::test_describe" in header(app)
    assert (shapes_repo / "shapes/geometry.py").read_text() == SHAPES["shapes/geometry.py"]


async def test_rejecting_a_hunk_checks_again(geo_repo: Path, fake_api: FakeAnthropic) -> None:
    # Two hunks: the rename of `area` and the fix of its caller. Alone, the first breaks `square`.
    fake_api.script(
        tool_reply(
            str_replace("geo/shapes.py", "def area(w, h):", "def surface(w, h):"),
            str_replace("geo/shapes.py", "return area(side", "return surface(side"),
        )
    )
    for importer in ("geo/report.py", "geo/labels.py", "geo/stats.py"):
        (geo_repo / importer).unlink()  # only the caller in shapes.py uses `area` now
    filler = "".join(f"\n\ndef helper_{n}():\n    return {n}\n" for n in range(4))
    shapes = GEO["geo/shapes.py"].replace("\n\n\ndef square", filler + "\n\ndef square")
    (geo_repo / "geo/shapes.py").write_text(shapes)  # two hunks, far apart
    from tests.conftest import git

    git(geo_repo, "commit", "-qam", "one module")
    app = build_app(geo_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "geo/shapes.py")
        await ask(pilot, "rename area to surface")
        await settle(pilot)
        assert "✓ parses · no new findings in 1 file" in header(app)
        await pilot.press("j", "n")  # reject the caller's hunk
        await settle(pilot)
        assert (
            "✗ 1 new correctness finding (geo/shapes.py:24:12: F821 Undefined name `area`)"
            in header(app)
        )
        await pilot.press("space")  # accept it again
        await settle(pilot)
        assert "✓ parses" in header(app)


async def test_an_advisory_is_shown_in_warning_colour_and_applies_without_asking(
    geo_repo: Path, fake_api: FakeAnthropic
) -> None:
    """Issue 20: a new style finding (E711 under the repo's `E`) is ⚠, not ✗: shown, and no
    question before applying."""
    fake_api.script(
        tool_reply(
            str_replace("geo/shapes.py", "    return w * h", "    return w * h if w != None else 0")
        )
    )
    app = build_app(geo_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "geo/shapes.py")
        await ask(pilot, "guard")
        await settle(pilot)
        assert "✓ parses · no new correctness findings in 1 file + 3 importers" in header(app)
        assert "⚠ 1 new style finding (geo/shapes.py:5:26: E711" in header(app)
        assert "$text-warning" in verdict_style(app)
        await pilot.press("a")
        await settle(pilot)
        assert not isinstance(app.screen, (ConfirmScreen, ReviewScreen))
    assert "w != None" in (geo_repo / "geo/shapes.py").read_text()


LONG_NOTE = (
    "Renamed area to surface as asked. Callers in other modules were left alone on purpose; "
    "they will need the same rename, which I can do next if you want me to go on."
)


async def test_v_shows_the_whole_verdict_and_note_at_80_columns(
    geo_repo: Path, fake_api: FakeAnthropic
) -> None:
    """At 80 columns the header cut the finding and the note to one row each; `v` reads them."""
    fake_api.script(tool_reply(BROKEN, text=LONG_NOTE))
    app = build_app(geo_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_file(pilot, "geo/shapes.py")
        await ask(pilot, "rename area to surface")
        await settle(pilot)
        on_screen = " ".join(" ".join(screen_text(app)).split())
        assert "geo/labels.py:1: imports area" not in on_screen  # cut: the row is 80 wide
        assert LONG_NOTE not in on_screen
        await pilot.press("v")
        await settle(pilot)
        panel = app.screen
        assert isinstance(panel, DetailScreen)
        assert "geo/shapes.py:9:12: F821 Undefined name `area`" in panel.text
        assert LONG_NOTE in " ".join(panel.text.split())
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_v_shows_each_failing_test_and_its_first_lines(
    shapes_repo: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(
        tool_reply(str_replace("shapes/geometry.py", "return w * h", "return w * h + 1"))
    )
    app = build_app(shapes_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_file(pilot, "shapes/geometry.py")
        await ask(pilot, "off by one")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert "(t re-runs)" in header(app)  # it said "tests not run" before: t runs them
        await pilot.press("v")
        panel = app.screen
        assert isinstance(panel, DetailScreen)
        assert "✗ tests/test_report.py::test_describe" in panel.text
        assert "assert" in panel.text.split("test_describe", 1)[1]  # its report's first lines


async def test_no_tick_for_an_empty_change(geo_repo: Path, fake_api: FakeAnthropic) -> None:
    """Every hunk rejected: the verdict said ✓ (an empty change passes every check)."""
    fake_api.script(tool_reply(str_replace("geo/shapes.py", "return w * h", "return h * w")))
    app = build_app(geo_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "geo/shapes.py")
        await ask(pilot, "swap")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        verdict_row = header(app).splitlines()[-1]
        assert "✓" not in verdict_row
        assert "no hunk accepted" in verdict_row
