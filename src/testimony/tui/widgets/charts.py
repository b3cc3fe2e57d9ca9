"""Charts made of text: horizontal bars in eighths of a cell, and heat-map cells.

Colours come from the app's theme (its accent over its background), so the
charts read in dark and light themes alike.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.theme import Theme

EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: int, most: int, width: int) -> str:
    """A bar of `width` cells for the largest value; any value above zero shows."""
    if value <= 0 or most <= 0:
        return ""
    eighths = max(1, round(width * 8 * value / most))
    full, rest = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[rest] if rest else "")


def bar_text(value: int, most: int, width: int, theme: Theme) -> Text:
    """The bar in the theme's accent colour."""
    return Text(bar(value, most, width), style=Style(color=theme.accent or theme.primary))


def heat_cell(value: int, most: int, theme: Theme) -> Text:
    """A count right-aligned on a background from the theme's background (none) to its
    accent (the most); the text colour keeps contrast with whatever it lands on."""
    if value <= 0 or most <= 0:
        return Text("·", style="dim", justify="right")
    background = Color.parse(theme.background or ("#000000" if theme.dark else "#ffffff"))
    accent = Color.parse(theme.accent or theme.primary)
    shade = background.blend(accent, 0.15 + 0.85 * value / most)
    return Text(
        f"{value}",
        justify="right",
        style=Style(bgcolor=shade.rich_color, color=shade.get_contrast_text(1.0).rich_color),
    )
