"""The codings of the excerpt in the reader, one line each; one of them is focused."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from testimony.coding.codings import CodingSpan
from testimony.tui.widgets.reader import theme_style


def coding_line(coding: CodingSpan, text: str, focused: bool, me: str) -> Text:
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append("▸ " if focused else "  ", style="bold")
    line.append(" ", style=theme_style(coding.color))
    line.append(f" {coding.theme_name}", style="bold" if focused else "")
    if coding.important:
        line.append(" ★", style="bold")
    if coding.memo:
        line.append(" ✎")
    if coding.coder != me:
        line.append(f" ({coding.coder})", style="italic")
    quote = " ".join(text[coding.start : coding.end].split())
    line.append(f"  “{quote}”", style="dim")
    return line


class CodingList(Static):
    """Shows the excerpt's codings; the screen says which one is focused."""

    def show(self, codings: list[CodingSpan], text: str, focused: int | None, me: str) -> None:
        if not codings:
            self.update(Text("no codings here yet: S, then a theme's key", style="dim"))
            return
        lines = Text("\n").join(coding_line(c, text, c.id == focused, me) for c in codings)
        lines.no_wrap, lines.overflow = True, "ellipsis"
        self.update(lines)
