"""Themes live as TOML files outside the package, so users can read and copy them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from textual.theme import Theme

import haikutui

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on 3.10
    import tomli as tomllib

DEFAULT_THEME = "haikutui-dark"
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
            themes.append(theme_from_toml(tomllib.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return themes
