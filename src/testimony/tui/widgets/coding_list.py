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


ROWS = 5  # what the list shows at once (coding.tcss gives it six rows with its border)


class CodingList(Static):
    """Shows the excerpt's codings; the screen says which one is focused. When there are
    more than fit, the ones around the focused coding, and how many more there are."""

    def show(self, codings: list[CodingSpan], text: str, focused: int | None, me: str) -> None:
        if not codings:
            self.update(Text("no codings here yet: S, then a theme's key", style="dim"))
            return
        shown = codings
        more = Text()
        if len(codings) > ROWS:
            ids = [c.id for c in codings]
            at = ids.index(focused) if focused in ids else 0
            first = max(0, min(at - 1, len(codings) - (ROWS - 1)))
            shown = codings[first : first + ROWS - 1]
            hidden = len(codings) - len(shown)
            more = Text(f"  +{hidden} more codings: ] and [ go through them", style="dim")
        rows = [coding_line(c, text, c.id == focused, me) for c in shown]
        lines = Text("\n").join([*rows, more] if more else rows)
        lines.no_wrap, lines.overflow = True, "ellipsis"
        self.update(lines)
