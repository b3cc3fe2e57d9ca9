"""The excerpt reader: pseudonymized text with coded spans, pseudonyms, cursor and selection.

A Line API widget: it wraps the text itself so every screen cell maps back to
a text offset (for the mouse), paints codings in their themes' colours with
coding stripes in the right margin (one column per coding, so overlaps stay
readable), and styles pseudonyms apart from ordinary words. With context on, the
end of the excerpt before and the start of the one after stand dimmed above and
below the text (clicking one opens it).
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from testimony.coding.codings import CodingSpan
from testimony.coding.reader import ExcerptView
from testimony.tui.selection import Selection
from testimony.tui.widgets.context import context_lines
from testimony.tui.widgets.wrap import wrap_offsets

MAX_STRIPES = 6
MEASURE = 100  # the longest line: wider text is hard to follow from one line to the next


def theme_style(color: str | None) -> Style:
    """A theme colour as a background with readable text on it."""
    try:
        background = Color.parse(color or "#777777")
    except Exception:  # noqa: BLE001 - a bad colour in a hand-edited codebook
        background = Color.parse("#777777")
    r, g, b = background.get_truecolor()
    dark_text = 0.299 * r + 0.587 * g + 0.114 * b > 140
    return Style(bgcolor=background, color="#000000" if dark_text else "#ffffff")


class Reader(ScrollView, can_focus=True):
    """Shows one excerpt; the screen tells it what to show and asks it what is selected."""

    COMPONENT_CLASSES = {
        "reader--pseudonym",
        "reader--selection",
        "reader--cursor",
        "reader--focused-coding",
        "reader--other-coder",
        "reader--context",
    }
    BINDINGS = [
        Binding("down", "screen.step(1)", "Next", show=False, id="reader.next"),
        Binding("up", "screen.step(-1)", "Prev", show=False, id="reader.prev"),
        Binding("pagedown", "screen.step(10)", "Page", show=False, id="reader.page-down"),
        Binding("pageup", "screen.step(-10)", "Page", show=False, id="reader.page-up"),
        Binding("home", "screen.first", "First", show=False, id="reader.first"),
        Binding("end", "screen.last", "Last", show=False, id="reader.last"),
        Binding("left", "word(-1)", "Word", show=False, id="reader.word-left"),
        Binding("right", "word(1)", "Word", show=False, id="reader.word-right"),
        Binding("shift+left", "extend(-1)", "Extend ←", show=False, id="reader.extend-left"),
        Binding("shift+right", "extend(1)", "Extend →", show=False, id="reader.extend-right"),
        Binding(
            "right_parenthesis",
            "sentence(1)",
            "Extend sentence",
            show=False,
            id="reader.extend-sentence",
        ),
        Binding(
            "left_parenthesis",
            "sentence(-1)",
            "Extend back",
            show=False,
            id="reader.extend-sentence-back",
        ),
        Binding("S", "select_sentence", "Sentence", id="reader.sentence"),
        Binding("A", "select_all", "Whole", show=False, id="reader.whole"),
        Binding("escape", "collapse", "Unselect", show=False, id="reader.unselect"),
    ]

    class SelectionChanged(Message):
        """The selection moved; the screen may show which codings it touches."""

    class ContextChosen(Message):
        """A neighbouring excerpt was clicked: step -1 (the one before) or 1 (after)."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.view: ExcerptView | None = None
        self.selection = Selection("")
        self.coder = ""
        self.focused_coding: int | None = None
        self._lines: list[tuple[int, int]] = [(0, 0)]
        self._dragging = False
        self._drag_from = 0  # the text offset a drag started at
        self.show_context = False  # the coding screen turns it on; the raw text has its own
        self._before: list[Text] = []  # context rows above the text
        self._after: list[Text] = []  # and below it
        self._top = 0  # rows above the text: the context before and a blank row
        self._text_width = 8  # cells a line of text may take (the stripes come after)

    # --- told by the screen ----------------------------------------------------------------

    def show(self, view: ExcerptView, coder: str, keep_selection: bool = False) -> None:
        """Show an excerpt; the selection is kept when the text is the same excerpt's."""
        same = self.view is not None and self.view.id == view.id and self.view.text == view.text
        self.view, self.coder = view, coder
        if not (same and keep_selection):
            self.selection = Selection(view.text)
            self.scroll_to(y=0, animate=False)
        if self.focused_coding not in {c.id for c in view.codings}:
            self.focused_coding = None
        self._rewrap()

    @property
    def text_top(self) -> int:
        """The virtual row where the excerpt's text starts (below the context before it)."""
        return self._top

    @property
    def span(self) -> tuple[int, int]:
        return self.selection.span

    # --- keys ------------------------------------------------------------------------------

    def action_word(self, words: int) -> None:
        self.selection.move(words)
        self._selection_moved()

    def action_extend(self, words: int) -> None:
        self.selection.extend(words)
        self._selection_moved()

    def action_sentence(self, direction: int) -> None:
        self.selection.extend_sentence(direction)
        self._selection_moved()

    def action_select_sentence(self) -> None:
        self.selection.select_sentence()
        self._selection_moved()

    def action_select_all(self) -> None:
        self.selection.select_all()
        self._selection_moved()

    def action_collapse(self) -> None:
        self.selection.collapse()
        self._selection_moved()

    def select_cursor_word(self) -> None:
        self.selection.select_cursor_word()
        self._selection_moved()

    def select_span(self, start: int, end: int) -> None:
        self.selection.select_span(start, end)
        self._selection_moved()

    # --- mouse: drag to select -------------------------------------------------------------

    def on_mouse_down(self, event: events.MouseDown) -> None:
        row = int(self.scroll_offset.y) + event.get_content_offset_capture(self).y
        if self._before and row < self._top:
            self.post_message(self.ContextChosen(-1))
            return
        if self._after and row > self._top + len(self._lines):
            self.post_message(self.ContextChosen(1))
            return
        offset = self._text_offset(event)
        if offset is None:
            return
        self.focus()
        word = self.selection.word_at(offset)
        self.selection.anchor = self.selection.cursor = word
        self.selection.active = False  # a click puts the cursor; a drag selects
        self._drag_from = offset
        self._dragging = True
        self.capture_mouse()
        self._selection_moved()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if not self._dragging:
            return
        offset = self._text_offset(event)
        if offset is not None:
            self.selection.cursor = self.selection.word_at(offset)
            if offset != self._drag_from:  # a drag, even within one word, selects
                self.selection.active = True
            self._selection_moved(scroll=False)

    def on_mouse_up(self, _event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()

    def _text_offset(self, event: events.MouseEvent) -> int | None:
        if self.view is None:
            return None
        offset = event.get_content_offset_capture(self)
        row = int(self.scroll_offset.y) + offset.y - self._top
        row = max(0, min(row, len(self._lines) - 1))
        start, end = self._lines[row]
        column = 0
        for index in range(start, end):
            column += cell_len(self.view.text[index])
            if column > offset.x:
                return index
        return max(start, end - 1)

    # --- drawing ---------------------------------------------------------------------------

    def on_resize(self, _event: events.Resize) -> None:
        self._rewrap()

    def _stripes(self) -> list[CodingSpan]:
        return self.view.codings[:MAX_STRIPES] if self.view else []

    def _rewrap(self) -> None:
        gutter = len(self._stripes()) + 1 if self._stripes() else 0
        width = max(8, min(MEASURE, self.scrollable_content_region.width - gutter))
        self._text_width = width
        self._lines = wrap_offsets(self.view.text, width) if self.view else [(0, 0)]
        self._before, self._after = self._context_rows(width)
        self._top = len(self._before) + 1 if self._before else 0
        below = len(self._after) + 1 if self._after else 0
        self.virtual_size = Size(width + gutter, self._top + len(self._lines) + below)
        self.refresh()

    def _context_rows(self, width: int) -> tuple[list[Text], list[Text]]:
        """The dimmed rows of the neighbouring excerpts (or where the interview starts or
        ends), a few lines each: more in a tall terminal."""
        if not self.show_context or self.view is None:
            return [], []
        lines = max(1, min(4, self.size.height // 7))
        pseudonym = Style(italic=True)
        rows = []
        for side, neighbour in ((-1, self.view.before), (1, self.view.after)):
            if neighbour is None:
                edge = "start" if side < 0 else "end"
                rows.append([Text(f"· {edge} of {self.view.interview} ·", style="italic")])
            else:
                rows.append(context_lines(neighbour, side, width, lines, pseudonym))
        return rows[0], rows[1]

    def _selection_moved(self, scroll: bool = True) -> None:
        self.refresh()
        if scroll:
            cursor = self.selection.words[self.selection.cursor][0]
            row = next((i for i, (a, b) in enumerate(self._lines) if a <= cursor < b), 0)
            self.scroll_to_region(Region(0, row + self._top, 1, 1), animate=False)
        self.post_message(self.SelectionChanged())

    def render_line(self, y: int) -> Strip:
        row = y + int(self.scroll_offset.y) - self._top
        width = self.scrollable_content_region.width
        if self.view is None:
            return Strip.blank(width, self.rich_style)
        if row < 0 or row >= len(self._lines):
            return self._context_line(row, width)
        start, end = self._lines[row]
        segments = self._text_segments(start, end)
        stripes = self._stripes()
        if stripes:
            text_width = sum(seg.cell_length for seg in segments)
            pad = max(0, self._text_width - text_width)
            segments.append(Segment(" " * (pad + 1), self.rich_style))
            for coding in stripes:
                covers = coding.start < end and coding.end > start
                style = Style(color=theme_style(coding.color).bgcolor)
                mark = ("▌" if coding.coder == self.coder else "┆") if covers else " "
                segments.append(Segment(mark, self.rich_style + style))
        return Strip(segments).crop_extend(0, width, self.rich_style)

    def _context_line(self, row: int, width: int) -> Strip:
        """A row above the text (row < 0) or below it: context, or the blank between."""
        if row < 0:
            index = row + self._top
            line = self._before[index] if index < len(self._before) else None
        else:
            index = row - len(self._lines) - 1
            line = self._after[index] if 0 <= index < len(self._after) else None
        if line is None:
            return Strip.blank(width, self.rich_style)
        style = self.rich_style + self.get_component_rich_style("reader--context")
        segments = Segment.apply_style(line.render(self.app.console), style)
        return Strip(segments).crop_extend(0, width, self.rich_style)

    def _text_segments(self, start: int, end: int) -> list[Segment]:
        view = self.view
        assert view is not None
        base = self.rich_style
        pseudonym = self.get_component_rich_style("reader--pseudonym")
        selected = self.get_component_rich_style("reader--selection")
        if self.selection.collapsed:  # only a cursor: drawn apart from a selection
            selected = self.get_component_rich_style("reader--cursor")
        focused = self.get_component_rich_style("reader--focused-coding")
        other = self.get_component_rich_style("reader--other-coder")
        sel_start, sel_end = self.selection.span
        show_selection = self.has_focus or not self.selection.collapsed
        segments: list[Segment] = []
        for index in range(start, end):
            style = base
            covering = [c for c in view.codings if c.start <= index < c.end]
            if covering:
                narrowest = min(covering, key=lambda c: (c.end - c.start, c.id))
                style += theme_style(narrowest.color)
                if narrowest.coder != self.coder:
                    style += other
                if len(covering) > 1:
                    style += Style(underline=True)
                if any(c.id == self.focused_coding for c in covering):
                    style += focused
            if any(p.start <= index < p.end for p in view.pseudonyms):
                style += pseudonym
            if show_selection and sel_start <= index < sel_end:
                style += selected
            character = view.text[index]
            segments.append(Segment(" " if character == "\n" else character, style))
        return list(Segment.simplify(segments))
