"""In the TUI a failing verdict is red next to the diff, applying it asks once, and `t` runs
the tests that import the changed modules."""

from __future__ import annotations

from pathlib import Path

from haikutui.tui.screens.confirm import ConfirmScreen
from haikutui.tui.screens.review import ReviewScreen
from tests.checks.conftest import GEO, SHAPES
from tests.fake_api import FakeAnthropic, str_replace, tool_reply
from tests.functional.conftest import SIZE, build_app
from tests.functional.pilot import status_text
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
