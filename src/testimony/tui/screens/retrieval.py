"""Retrieval: every quote coded with a theme, page by page; Enter opens one in context.

The filter line says what is retrieved (theme, with or without its sub-themes,
whose codings, which interviews); the count line how many quotes that leaves and
where the highlight is among them. Opening a quote and pressing R again comes
back to the same list at the same quote.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from weakref import WeakKeyDictionary

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from testimony.coding.attribute_filter import (
    Known,
    Wanted,
    format_attribute_filter,
    parse_attribute_filter,
    resolve_attributes,
)
from testimony.coding.errors import CodingError
from testimony.coding.retrieval import Cursor, Quote, QuoteFilter
from testimony.coding.themes import ThemeRow
from testimony.coding.workbench import Workbench
from testimony.tui.screens.picker import ThemePicker
from testimony.tui.timecode import timecode
from testimony.tui.widgets.attribute_filter import (
    AttributeInput,
    AttributeSuggester,
    attribute_hint,
)
from testimony.tui.widgets.footer import Footer
from testimony.tui.widgets.reader import theme_style

ATTRIBUTE_ID = "retrieval-attr"
FIRST_PAGE = 25  # what fills a screen; later pages are bigger
PAGE = 100
END_PAGE = 1000  # pages fetched on the way to the end
LONG_QUOTE = 400  # characters shown of a longer quote until space shows it whole


class QuoteList(OptionList):
    """The quotes; end goes to the very last quote, fetching the pages not yet shown."""

    class ToEnd(Message):
        """End was pressed with pages still to fetch."""

    def action_last(self) -> None:
        screen = self.screen
        if isinstance(screen, RetrievalScreen) and screen.next is not None:
            self.post_message(self.ToEnd())
        else:
            super().action_last()


class CountLine(Widget):
    """One line of counts, redrawn alone as the highlight moves (a Label would lay the
    screen out again on every key)."""

    DEFAULT_CSS = "CountLine { height: 1; }"
    text: reactive[str] = reactive("")

    def render(self) -> str:
        return self.text


def quote_label(quote: Quote, whole: bool = False) -> Text:
    label = Text()
    label.append(" ", style=theme_style(quote.color))
    label.append(f" {quote.interview} ¶{quote.position}", style="bold")
    if quote.speaker:
        label.append(f"  {quote.speaker}", style="dim")
    if quote.start_ms is not None:
        label.append(f"  {timecode(quote.start_ms)}", style="dim")
    label.append(f"  {quote.theme_name} · {quote.coder}", style="italic")
    if quote.important:
        label.append(" ★", style="bold")
    text = " ".join(quote.quote.split())
    if whole or len(text) <= LONG_QUOTE:
        label.append("\n" + text)
    else:
        cut = text.rfind(" ", 0, LONG_QUOTE)
        shown = text[: cut if cut > 0 else LONG_QUOTE]
        label.append("\n" + shown + " …")
        label.append(f" (+{len(text.split()) - len(shown.split())} words: space)", style="dim")
    if quote.memo:
        label.append(f"\n✎ {quote.memo}", style="dim italic")
    return label


@dataclass
class RetrievalPlace:
    """What a retrieval showed and where its highlight was, to come back to."""

    theme: str | None
    subthemes: bool = True
    coder: str | None = None  # None: every coder
    important: bool = False
    attributes: Wanted = field(default_factory=dict)
    coding: int | None = None  # the highlighted quote's coding
    index: int = 0


# The last retrieval of each workbench (one per app), so R after opening a quote comes back.
_last_places: WeakKeyDictionary[Workbench, RetrievalPlace] = WeakKeyDictionary()


def _descendants(themes: list[ThemeRow], theme: str) -> list[str]:
    """The ids of every theme under theme, in codebook order."""
    found = {theme}
    for row in themes:  # codebook order lists a parent before its children
        if row.parent in found:
            found.add(row.id)
    return [row.id for row in themes if row.id in found and row.id != theme]


class RetrievalScreen(Screen[tuple[int, int, int] | None]):
    """Returns (excerpt id, start, end) of the quote to open, or None."""

    CSS_PATH = "retrieval.tcss"
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back"),
        Binding("t", "choose_theme", "Theme", id="retrieval.theme"),
        Binding("s", "toggle_subthemes", "Sub-themes", id="retrieval.sub-themes"),
        Binding("c", "cycle_coder", "Coder", id="retrieval.coder"),
        Binding("i", "toggle_important", "Important", id="retrieval.important"),
        Binding("a", "edit_attribute", "Attribute", id="retrieval.attribute"),
        Binding("space", "toggle_whole", "Whole quote", show=False, id="retrieval.whole"),
    ]

    def __init__(self, bench: Workbench, themes: list[ThemeRow], theme: str | None) -> None:
        """Opens on theme; on the last retrieval, at its quote, when that covered theme."""
        super().__init__()
        self.bench = bench
        self.themes = themes
        self.coders: list[str | None] = [None, *bench.coders()]  # None: every coder
        last = _last_places.get(bench)
        if last is not None and (theme is None or theme in self._covered(last)):
            self.place = last
        else:
            first = theme or (themes[0].id if themes else None)
            self.place = RetrievalPlace(first)
        self.known: Known = {}
        self.quotes: list[Quote] = []
        self.whole: set[int] = set()  # indexes of long quotes shown whole
        self.next: Cursor | None = None
        self.total: int | None = None

    @property
    def theme(self) -> str | None:
        """The theme retrieved."""
        return self.place.theme

    def _covered(self, place: RetrievalPlace) -> set[str | None]:
        below = _descendants(self.themes, place.theme) if place.theme and place.subthemes else []
        return {place.theme, *below}

    def compose(self) -> ComposeResult:
        with Vertical(id="retrieval-box"):
            yield Label("", id="retrieval-filter")
            yield AttributeInput(
                placeholder="a: filter by interview attribute", id="retrieval-attr"
            )
            yield Label("", id="retrieval-attr-hint")
            yield CountLine(id="retrieval-count")
            yield QuoteList(id="retrieval-results")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#retrieval-results", OptionList).focus()
        self.reload(keep_place=True)

    @work(group="retrieval-attributes")
    async def load_known_attributes(self) -> None:
        self.known = await asyncio.to_thread(self.bench.known_attributes)
        attribute = self.query_one("#retrieval-attr", AttributeInput)
        attribute.suggester = AttributeSuggester(self.known)
        names = ", ".join(self.known)
        if names:
            attribute.placeholder = f"a: filter by interview attribute ({names})"
        else:
            attribute.placeholder = "no interview has attributes to filter by"

    def where(self) -> QuoteFilter:
        place = self.place
        return QuoteFilter(
            themes=[place.theme] if place.theme else [],
            with_subthemes=place.subthemes,
            coders=[place.coder] if place.coder else [],
            attributes=dict(place.attributes),
            important_only=place.important,
        )

    def describe(self) -> Text:
        """The filter in force, in words."""
        place = self.place
        names = {t.id: t.name for t in self.themes}
        below = _descendants(self.themes, place.theme) if place.theme else []
        line = Text()
        line.append(names.get(place.theme or "", "every theme"), style="bold")
        if not below:
            line.append(" (no sub-themes)" if place.theme else "")
        elif place.subthemes:
            line.append(f" + {len(below)} sub-theme{'' if len(below) == 1 else 's'}")
        else:
            line.append(f" only, not its {len(below)} sub-theme{'' if len(below) == 1 else 's'}")
        me = self.bench.coder
        coder = (
            "every coder"
            if place.coder is None
            else f"mine ({me})"
            if place.coder == me
            else f"{place.coder}'s"
        )
        line.append(f" · {coder}")
        if place.important:
            line.append(" · important only")
        if place.attributes:
            shown = " and ".join(
                f"{name}={' or '.join(values)}" for name, values in place.attributes.items()
            )
            line.append(f" · {shown}")
        return line

    def reload(self, keep_place: bool = False) -> None:
        """Show the filter and fetch the list from the start (or down to the place's quote)."""
        self.query_one("#retrieval-filter", Label).update(self.describe())
        self.quotes, self.next, self.total, self.whole = [], None, None, set()
        if not keep_place:
            self.place.coding, self.place.index = None, 0
        _last_places[self.bench] = self.place
        self.query_one("#retrieval-results", OptionList).clear_options()
        self.count_line("…")
        self.load_page(None, max(FIRST_PAGE, self.place.index + FIRST_PAGE))

    @work(exclusive=True, group="retrieval")
    async def load_page(self, after: Cursor | None, size: int = PAGE) -> None:
        """Fetch one page off the interface thread and append it."""
        try:
            page = await asyncio.to_thread(self.bench.retrieve, self.where(), after, size)
        except CodingError as exc:
            self.count_line(str(exc))
            return
        results = self.query_one("#retrieval-results", OptionList)
        first = not self.quotes
        self.quotes += page.quotes
        self.next = page.next
        results.add_options(Option(quote_label(q)) for q in page.quotes)
        if first and self.quotes:
            at = next(
                (i for i, q in enumerate(self.quotes) if q.coding == self.place.coding),
                min(self.place.index, len(self.quotes) - 1),
            )
            results.highlighted = at
            if at:
                results.scroll_to_highlight(top=True)
        if self.next is None:
            self.total = len(self.quotes)
        elif first:
            self.count_quotes()
        if first and not self.known:  # after the first rows, not competing with them
            self.load_known_attributes()
        self.show_count()

    @work(exclusive=True, group="retrieval-count")
    async def count_quotes(self) -> None:
        """The number of quotes in all, counted after the first rows are on the screen."""
        where = self.where()
        try:
            total = await asyncio.to_thread(self.bench.count_quotes, where)
        except CodingError:
            return
        if where == self.where():
            self.total = total
            self.show_count()

    def show_count(self) -> None:
        if not self.quotes:
            self.count_line("no quotes match" + self.widen_hint())
            return
        total = self.total if self.total is not None else len(self.quotes)
        plural = "" if total == 1 else "s"
        known = f"{total:,}" if self.total is not None else f"{total:,}+"
        highlighted = self.query_one("#retrieval-results", OptionList).highlighted
        if highlighted is None:
            self.count_line(f"{known} quote{plural}")
        else:
            self.count_line(f"quote {highlighted + 1:,} of {known} · enter: read it in context")

    def widen_hint(self) -> str:
        """The keys that would let more quotes in, for an empty list."""
        place = self.place
        keys = []
        if place.theme and not place.subthemes and _descendants(self.themes, place.theme):
            keys.append("s: with sub-themes")
        if place.coder is not None:
            keys.append("c: another coder")
        if place.important:
            keys.append("i: not only important")
        if place.attributes:
            keys.append("a: another attribute")
        keys.append("t: another theme")
        return " · " + ", ".join(keys)

    def count_line(self, text: str) -> None:
        self.query_one("#retrieval-count", CountLine).text = text

    @on(QuoteList.ToEnd)
    def _to_end(self) -> None:
        if self.next is not None:
            cursor, self.next = self.next, None
            self.load_rest(cursor)

    @work(exclusive=True, group="retrieval")
    async def load_rest(self, after: Cursor) -> None:
        """Every page still to fetch, a thousand quotes at a time, then the last quote."""
        results = self.query_one("#retrieval-results", OptionList)
        cursor: Cursor | None = after
        while cursor is not None:
            total = f" of {self.total:,}" if self.total is not None else ""
            self.count_line(f"fetching… {len(self.quotes):,}{total} quotes")
            try:
                page = await asyncio.to_thread(self.bench.retrieve, self.where(), cursor, END_PAGE)
            except CodingError as exc:
                self.count_line(str(exc))
                return
            self.quotes += page.quotes
            results.add_options(Option(quote_label(q)) for q in page.quotes)
            cursor = page.next
        self.next, self.total = None, len(self.quotes)
        if self.quotes:
            results.highlighted = len(self.quotes) - 1
        self.show_count()

    @on(OptionList.OptionHighlighted, "#retrieval-results")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        index = event.option_index
        if index < len(self.quotes):
            self.place.coding, self.place.index = self.quotes[index].coding, index
        if self.next is not None and index >= len(self.quotes) - 10:
            cursor, self.next = self.next, None
            self.load_page(cursor)
        self.show_count()

    @on(OptionList.OptionSelected, "#retrieval-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        quote = self.quotes[event.option_index]
        self.place.coding, self.place.index = quote.coding, event.option_index
        self.dismiss((quote.excerpt, quote.start, quote.end))

    def action_toggle_whole(self) -> None:
        """Show the highlighted quote whole, or cut again."""
        results = self.query_one("#retrieval-results", OptionList)
        index = results.highlighted
        if index is None or index >= len(self.quotes):
            return
        self.whole ^= {index}
        results.replace_option_prompt_at_index(
            index, quote_label(self.quotes[index], index in self.whole)
        )

    def action_choose_theme(self) -> None:
        def chosen(theme: str | None) -> None:
            if theme:
                self.place.theme = theme
                self.reload()

        self.app.push_screen(ThemePicker(self.themes, "Retrieve theme"), chosen)

    def action_toggle_subthemes(self) -> None:
        self.place.subthemes = not self.place.subthemes
        self.reload()

    def action_cycle_coder(self) -> None:
        """Every coder, mine, then each other coder's in turn."""
        at = self.coders.index(self.place.coder) if self.place.coder in self.coders else 0
        self.place.coder = self.coders[(at + 1) % len(self.coders)]
        self.reload()

    def action_toggle_important(self) -> None:
        self.place.important = not self.place.important
        self.reload()

    # --- the attribute filter ---------------------------------------------------------------

    def action_edit_attribute(self) -> None:
        field_ = self.query_one("#retrieval-attr", AttributeInput)
        field_.value = format_attribute_filter(self.place.attributes)
        field_.cursor_position = len(field_.value)
        field_.focus()

    @on(Input.Changed, "#retrieval-attr")
    def _attribute_typed(self, event: Input.Changed) -> None:
        if not event.input.has_focus:
            return
        self.query_one("#retrieval-attr-hint", Label).update(
            attribute_hint(self.known, event.value)
        )
        try:
            wanted = resolve_attributes(self.known, parse_attribute_filter(event.value))
        except CodingError:
            return  # not a whole filter yet: the hint says what may come next
        self.preview_count(event.value, wanted)

    @work(exclusive=True, group="retrieval-preview")
    async def preview_count(self, typed: str, wanted: Wanted) -> None:
        """How many quotes the filter being typed would leave, before it is applied."""
        where = replace(self.where(), attributes=dict(wanted))
        try:
            total = await asyncio.to_thread(self.bench.count_quotes, where)
        except CodingError:
            return
        field_ = self.query_one(f"#{ATTRIBUTE_ID}", AttributeInput)
        if field_.has_focus and field_.value == typed:
            hint = attribute_hint(self.known, typed)
            hint.append(f"  ⏎ {total:,} quote{'' if total == 1 else 's'}", style="bold")
            self.query_one("#retrieval-attr-hint", Label).update(hint)

    @on(AttributeInput.Submitted, "#retrieval-attr")
    def _attribute_applied(self, event: Input.Submitted) -> None:
        hint = self.query_one("#retrieval-attr-hint", Label)
        try:
            wanted = resolve_attributes(self.known, parse_attribute_filter(event.value))
        except CodingError as exc:
            hint.update(Text(str(exc), style="bold red"))
            return
        self.place.attributes = wanted
        self._leave_attribute()
        self.reload()

    @on(AttributeInput.Cancelled)
    def _attribute_cancelled(self) -> None:
        self._leave_attribute()

    def _leave_attribute(self) -> None:
        """Back to the list, the field showing the filter in force."""
        field_ = self.query_one("#retrieval-attr", AttributeInput)
        field_.value = format_attribute_filter(self.place.attributes)
        self.query_one("#retrieval-results", OptionList).focus()

    @on(AttributeInput.Editing)
    def _attribute_focus(self, event: AttributeInput.Editing) -> None:
        field_ = self.query_one("#retrieval-attr", AttributeInput)
        hint = self.query_one("#retrieval-attr-hint", Label)
        hint.display = event.editing
        if event.editing:
            hint.update(attribute_hint(self.known, field_.value))
