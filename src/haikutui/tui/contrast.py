"""Every text colour haikutui draws, legible on what it is drawn on, in every theme.

WCAG AA: 4.5:1 for text, 3:1 for titles and UI marks (borders, the current-hunk bar). A
terminal with 256 colours shows each colour as its nearest palette entry, which can cost a
pair its contrast (selected line numbers vanished), so both are measured. `legible` moves a
colour that falls short towards black or white, just far enough; the test in
tests/functional/test_contrast.py measures every pair on every built-in theme and ours.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rich.color import Color as RichColor
from rich.color import ColorSystem
from textual.color import Color, ColorParseError

TEXT, LARGE = 4.5, 3.0
AUTO = re.compile(r"auto\s+(\d+(?:\.\d+)?)%")


@dataclass(frozen=True)
class Pair:
    """A colour variable drawn on a background variable, and the contrast it needs."""

    fg: str
    bg: str
    minimum: float
    where: str


_TEXT_ON = ("background", "surface", "panel")
PAIRS: tuple[Pair, ...] = (
    *(Pair("foreground", bg, TEXT, "body text") for bg in _TEXT_ON),
    *(Pair("text-muted", bg, TEXT, "hints, border titles") for bg in _TEXT_ON),
    *(
        Pair(f"text-{k}", bg, TEXT, "marks, verdicts, findings")
        for k in ("error", "warning", "success", "accent", "primary")
        for bg in _TEXT_ON
    ),
    *(Pair("accent", bg, LARGE, "bold titles") for bg in ("background", "panel")),
    *(
        Pair(f"rung-{r}", bg, TEXT, "rung names and costs")
        for r in ("fast", "strong", "strongest")
        for bg in ("background", "panel")
    ),
    Pair("line-number", "surface", TEXT, "line numbers"),
    Pair("foreground", "code-cursor-bg", TEXT, "the cursor line"),
    Pair("foreground", "code-selection-bg", TEXT, "selected lines"),
    Pair("diff-added", "diff-added-bg", TEXT, "added lines' marks"),
    Pair("diff-removed", "diff-removed-bg", TEXT, "removed lines' marks"),
    Pair("foreground", "diff-added-bg", TEXT, "added lines"),
    Pair("foreground", "diff-removed-bg", TEXT, "removed lines"),
    Pair("diff-added", "panel", TEXT, "the review header's +N"),
    Pair("diff-removed", "panel", TEXT, "the review header's −N"),
    Pair("diff-hunk", "background", TEXT, "hunk headers"),
    Pair("hunk-rejected", "background", TEXT, "rejected hunks"),
    Pair("hunk-current", "background", LARGE, "the current hunk's bar"),
    Pair("primary", "background", LARGE, "the focused border"),
    Pair("foreground", "error-muted", TEXT, "an error in the status bar"),
    Pair("footer-key-foreground", "footer-background", TEXT, "footer keys"),
    Pair("footer-description-foreground", "footer-background", TEXT, "footer descriptions"),
)
"""Each colour haikutui's sheets and widgets draw, on each background it is drawn on."""

BACKDROP = "background"
"""What a translucent background is drawn over."""


def luminance(colour: Color) -> float:
    """WCAG relative luminance."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)


def ratio(a: Color, b: Color) -> float:
    """The WCAG contrast ratio of two opaque colours, 1 to 21."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def in_256(colour: Color) -> Color:
    """The colour a 256-colour terminal shows for `colour` (rich's nearest palette entry)."""
    return Color(*_nearest_256(colour.r, colour.g, colour.b))


@lru_cache(maxsize=4096)
def _nearest_256(r: int, g: int, b: int) -> tuple[int, int, int]:
    triplet = RichColor.from_rgb(r, g, b).downgrade(ColorSystem.EIGHT_BIT).get_truecolor()
    return triplet.red, triplet.green, triplet.blue


def resolve(variables: dict[str, str], name: str, under: Color | None = None) -> Color | None:
    """The opaque colour `name` shows, drawn on `under`; None for the terminal's own colours."""
    value = variables.get(name, "").strip()
    if not value or value.startswith("ansi_") or "$" in value:
        return None
    backdrop = under if under is not None else Color(0, 0, 0)
    found = AUTO.fullmatch(value)
    try:
        colour = (
            backdrop.get_contrast_text(float(found[1]) / 100)
            if found is not None
            else Color.parse(value)
        )
    except ColorParseError:
        return None
    return backdrop + colour if colour.a < 1 else colour


def background(variables: dict[str, str], name: str) -> Color | None:
    base = resolve(variables, BACKDROP)
    if base is None:
        return None
    return resolve(variables, name, base) if name != BACKDROP else base


def measure(variables: dict[str, str], pair: Pair) -> tuple[float, float] | None:
    """(truecolor, 256 colours) contrast of `pair`; None when the terminal picks the colours."""
    bg = background(variables, pair.bg)
    fg = resolve(variables, pair.fg, bg) if bg is not None else None
    if bg is None or fg is None:
        return None
    return ratio(fg, bg), ratio(in_256(fg), in_256(bg))


def short(variables: dict[str, str], pairs: Iterable[Pair] = PAIRS) -> list[str]:
    """Each pair below its minimum, as one line: what, where, the ratios."""
    out = []
    for pair in pairs:
        found = measure(variables, pair)
        if found is not None and min(found) < pair.minimum:
            out.append(
                f"{pair.fg} on {pair.bg} ({pair.where}): {found[0]:.2f} truecolor, "
                f"{found[1]:.2f} in 256 colours < {pair.minimum}"
            )
    return out


STEPS = 40
"""How finely `legible` moves a colour towards black or white (2.5% a step)."""


def _passes(fg: Color, bg: Color, minimum: float) -> bool:
    return ratio(fg, bg) >= minimum and ratio(in_256(fg), in_256(bg)) >= minimum


def legible(variables: dict[str, str], pairs: Iterable[Pair] = PAIRS) -> dict[str, str]:
    """`variables` with each colour that falls short of its pair's minimum moved towards black
    or white (away from its background) until it meets it in truecolor and in 256 colours.

    Only ever further from the background: a colour shared by several pairs stays legible on
    the ones it was already moved for. The terminal's own (ANSI) colours are left alone.
    """
    out = dict(variables)
    for pair in pairs:
        bg = background(out, pair.bg)
        fg = resolve(out, pair.fg, bg) if bg is not None else None
        if bg is None or fg is None or _passes(fg, bg, pair.minimum):
            continue
        white, black = Color(255, 255, 255), Color(0, 0, 0)
        target = white if ratio(white, bg) >= ratio(black, bg) else black
        best = fg
        for step in range(1, STEPS + 1):
            best = fg.blend(target, step / STEPS)
            if _passes(best, bg, pair.minimum):
                break
        out[pair.fg] = best.hex
    return out
