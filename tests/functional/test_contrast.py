"""WCAG AA on every theme: each colour haikutui draws against what it is drawn on, 4.5:1 for
text and 3:1 for titles and UI marks, in truecolor and in 256 colours (issue 23: textual-light
titles were 1.27:1, selected line numbers vanished in 256 colours)."""

from __future__ import annotations

from pathlib import Path

from textual.color import Color
from textual.theme import BUILTIN_THEMES

from haikutui.tui.contrast import PAIRS, in_256, ratio, short
from tests.functional.conftest import build_app


def test_every_theme_meets_wcag_aa_in_truecolor_and_256_colours(repo_dir: Path) -> None:
    app = build_app(repo_dir)
    themes = sorted(app.available_themes)
    assert set(BUILTIN_THEMES) <= set(themes) and {"haikutui-dark", "haikutui-light"} <= set(themes)
    failures: dict[str, list[str]] = {}
    measured = 0
    for name in themes:
        app.theme = name
        variables = app.get_css_variables()  # what the sheets are built from
        bad = short(variables)
        if bad:
            failures[name] = bad
        measured += not name.startswith("ansi")
    assert measured >= 21
    assert failures == {}


def test_the_measure_is_wcag_and_256_colours_are_the_palette() -> None:
    """Known values: black on white is 21:1, #777777 on white 4.48:1; #5f5f87 is in the cube."""
    white, black = Color(255, 255, 255), Color(0, 0, 0)
    assert round(ratio(black, white), 2) == 21.0
    assert round(ratio(Color.parse("#777777"), white), 2) == 4.48
    assert in_256(Color.parse("#5f5f87")) == Color.parse("#5f5f87")
    assert in_256(Color.parse("#5f5f88")) == Color.parse("#5f5f87")
    assert any(p.fg == "foreground" and p.bg == "code-selection-bg" for p in PAIRS)


def test_our_themes_pass_as_written() -> None:
    """haikutui's own colours need no correction: the TOML files are right by themselves."""
    from haikutui.tui.themes import THEME_VARIABLES, load_themes, resolve_references

    for theme in load_themes():
        raw = {**THEME_VARIABLES, **theme.to_color_system().generate(), **theme.variables}
        assert short(resolve_references(raw)) == [], theme.name
