"""Retrieval: every quote coded with a theme, page by page; Enter opens one in context."""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from testimony.coding.errors import CodingError
from testimony.coding.retrieval import Cursor, Quote, QuoteFilter
from testimony.coding.themes import ThemeRow
from testimony.coding.workbench import Workbench
from testimony.tui.screens.picker import ThemePicker
from testimony.tui.timecode import timecode
from testimony.tui.widgets.footer import Footer
from testimony.tui.widgets.reader import theme_style

FIRST_PAGE = 25  # what fills a screen; later pages are bigger
PAGE = 100


def quote_label(quote: Quote) -> Text:
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
    label.append("\n" + " ".join(quote.quote.split()))
    if quote.memo:
        label.append(f"\n✎ {quote.memo}", style="dim italic")
    return label


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
    ]

    def __init__(self, bench: Workbench, themes: list[ThemeRow], theme: str | None) -> None:
        super().__init__()
        self.bench = bench
        self.themes = themes
        self.theme = theme or (themes[0].id if themes else None)
        self.subthemes = True
        self.coders = [None, *bench.coders()]  # None: every coder
        self.coder_index = 0
        self.important = False
        self.attribute = ""
        self.quotes: list[Quote] = []
        self.next: Cursor | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="retrieval-box"):
            yield Label("", id="retrieval-filter")
            yield Input(placeholder="attribute filter, e.g. role=survivor", id="retrieval-attr")
            yield Label("", id="retrieval-count")
            yield OptionList(id="retrieval-results")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#retrieval-results", OptionList).focus()
        self.reload()

    def where(self) -> QuoteFilter:
        name, _sep, value = self.attribute.partition("=")
        coder = self.coders[self.coder_index]
        return QuoteFilter(
            themes=[self.theme] if self.theme else [],
            with_subthemes=self.subthemes,
            coders=[coder] if coder else [],
            attributes={name.strip(): value.strip()} if name.strip() and value else {},
            important_only=self.important,
        )

    def reload(self) -> None:
        names = {t.id: t.name for t in self.themes}
        coder = self.coders[self.coder_index] or "every coder"
        self.query_one("#retrieval-filter", Label).update(
            f"[b]{names.get(self.theme or '', 'every theme')}[/b]"
            f"{' and sub-themes' if self.subthemes else ''} · {coder}"
            f"{' · important only' if self.important else ''}"
            f"{' · ' + self.attribute if self.attribute else ''}"
        )
        self.quotes, self.next = [], None
        self.query_one("#retrieval-results", OptionList).clear_options()
        self.load_page(None)

    @work(exclusive=True, group="retrieval")
    async def load_page(self, after: Cursor | None) -> None:
        """Fetch one page off the interface thread and append it."""
        try:
            size = PAGE if after else FIRST_PAGE
            page = await asyncio.to_thread(self.bench.retrieve, self.where(), after, size)
        except CodingError as exc:
            self.query_one("#retrieval-count", Label).update(str(exc))
            return
        results = self.query_one("#retrieval-results", OptionList)
        first = not self.quotes
        self.quotes += page.quotes
        self.next = page.next
        results.add_options(Option(quote_label(q)) for q in page.quotes)
        if first and self.quotes:
            results.highlighted = 0
        more = "+" if self.next else ""
        self.query_one("#retrieval-count", Label).update(
            f"{len(self.quotes)}{more} quote{'' if len(self.quotes) == 1 else 's'}"
            if self.quotes
            else "no quotes"
        )

    @on(OptionList.OptionHighlighted, "#retrieval-results")
    def _near_end(self, event: OptionList.OptionHighlighted) -> None:
        if self.next is not None and event.option_index >= len(self.quotes) - 10:
            cursor, self.next = self.next, None
            self.load_page(cursor)

    @on(OptionList.OptionSelected, "#retrieval-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        quote = self.quotes[event.option_index]
        self.dismiss((quote.excerpt, quote.start, quote.end))

    def action_choose_theme(self) -> None:
        def chosen(theme: str | None) -> None:
            if theme:
                self.theme = theme
                self.reload()

        self.app.push_screen(ThemePicker(self.themes, "Retrieve theme"), chosen)

    def action_toggle_subthemes(self) -> None:
        self.subthemes = not self.subthemes
        self.reload()

    def action_cycle_coder(self) -> None:
        self.coder_index = (self.coder_index + 1) % len(self.coders)
        self.reload()

    def action_toggle_important(self) -> None:
        self.important = not self.important
        self.reload()

    def action_edit_attribute(self) -> None:
        self.query_one("#retrieval-attr", Input).focus()

    @on(Input.Submitted, "#retrieval-attr")
    def _attribute(self, event: Input.Submitted) -> None:
        self.attribute = event.value.strip()
        self.query_one("#retrieval-results", OptionList).focus()
        self.reload()
