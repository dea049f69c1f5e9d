"""Themes live as TOML files outside the package, so users can read and copy them."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

import haikutui

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on 3.10
    import tomli as tomllib

DEFAULT_THEME = "haikutui-dark"
THEME_VARIABLES: dict[str, str] = {
    "diff-added": "$success",
    "diff-removed": "$error",
    "diff-added-bg": "$success 15%",
    "diff-removed-bg": "$error 15%",
    "diff-hunk": "$secondary",
    "hunk-current": "$accent",
    "hunk-rejected": "$foreground 40%",
    "line-number": "$foreground 40%",
    "code-cursor-bg": "$boost",
    "code-selection-bg": "$primary 30%",
    "rung-fast": "$success",
    "rung-strong": "$warning",
    "rung-strongest": "$secondary",
}
"""Fallbacks for haikutui's own colours, so a theme that does not name them still works."""
REFERENCE = re.compile(r"\$([A-Za-z0-9_-]+)")
ANSI_FALLBACKS: dict[str, str] = {
    "diff-added-bg": "ansi_default",
    "diff-removed-bg": "ansi_default",
    "hunk-rejected": "ansi_bright_black",
    "line-number": "ansi_bright_black",
}
"""Under an ANSI theme a tint cannot be blended: no diff background (the +/− marks and their
colours say it), and muted text in bright black."""
TRANSLUCENT = re.compile(r"(\S+)\s+(\d+(?:\.\d+)?)%")
COLOUR_KEYS: tuple[str, ...] = (
    "primary",
    "secondary",
    "accent",
    "background",
    "surface",
    "panel",
    "foreground",
    "success",
    "warning",
    "error",
)


def themes_dir() -> Path:
    """Repo-root `themes/` in an editable install; `haikutui/themes` inside a wheel."""
    editable = Path(__file__).resolve().parents[3] / "themes"
    if editable.is_dir():
        return editable
    return Path(haikutui.__file__).resolve().parent / "themes"


def theme_from_toml(data: dict[str, Any]) -> Theme:
    """One theme table to a Textual Theme; unknown keys are ignored, missing ones fall back."""
    colours = {key: str(data[key]) for key in COLOUR_KEYS if key in data}
    variables = {str(k): str(v) for k, v in dict(data.get("variables", {})).items()}
    options: dict[str, Any] = {**colours, "variables": variables}
    return Theme(name=str(data["name"]), dark=bool(data.get("dark", True)), **options)


def load_themes(directory: Path | None = None) -> list[Theme]:
    """Every readable `*.toml` in the themes folder; a broken file is skipped, not fatal."""
    folder = directory or themes_dir()
    themes: list[Theme] = []
    for path in sorted(folder.glob("*.toml")):
        try:
            theme = theme_from_toml(tomllib.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if theme_problem(theme) is None:  # a bad colour would break every screen's sheet
            themes.append(theme)
    return themes


def resolve_references(variables: dict[str, str]) -> dict[str, str]:
    """Textual substitutes variables once: a value such as `$success 15%` must be resolved here.

    Without this, every theme that does not name our colours itself (all of Textual's)
    left `$success` inside the sheet, and the first screen using it failed to parse.
    """
    resolved = dict(variables)
    for _ in range(4):  # a chain of references is short; a cycle must not loop forever
        changed = False
        for name, value in resolved.items():
            new = REFERENCE.sub(lambda found: resolved.get(found[1], found[0]), value)
            if new != value:
                resolved[name], changed = new, True
        if not changed:
            break
    return _solid(resolved)


def _solid(variables: dict[str, str]) -> dict[str, str]:
    """Our `colour N%` defaults blended onto the background: text drawn with a translucent
    background showed it at full strength (green on green under nord), so give a solid one."""
    try:
        background = Color.parse(variables.get("background", ""))
    except ColorParseError:
        return variables
    solid = dict(variables)
    for name in THEME_VARIABLES:
        found = TRANSLUCENT.fullmatch(solid.get(name, ""))
        if found is None:
            continue
        try:
            colour = Color.parse(found[1])
        except ColorParseError:
            continue
        if background.ansi is not None or colour.ansi is not None:
            solid[name] = ANSI_FALLBACKS.get(name, found[1])  # the terminal's 16 cannot blend
        else:
            solid[name] = background.blend(colour, float(found[2]) / 100).hex
    return solid


def theme_problem(theme: Theme) -> str | None:
    """Why `theme` cannot colour haikutui (one line), or None when every colour resolves."""
    try:
        base = theme.to_color_system().generate()
    except (ValueError, ColorParseError, TypeError) as exc:
        return f"theme {theme.name!r}: {exc}".splitlines()[0]
    variables = resolve_references({**THEME_VARIABLES, **base, **theme.variables})
    for name in THEME_VARIABLES:
        colour = variables[name].split()
        if colour and colour[-1].endswith("%"):
            colour = colour[:-1]
        try:
            Color.parse(" ".join(colour))
        except ColorParseError:
            return f"theme {theme.name!r}: {name} = {variables[name]!r} is not a colour"
    return None
