"""Search: ranked excerpts with the matched words highlighted; Enter opens one in context."""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, OptionList
from textual.widgets.option_list import Option

from testimony.coding.search import QueryError, SearchHit
from testimony.coding.workbench import Workbench

LIMIT = 100


def hit_label(hit: SearchHit, where: dict) -> Text:
    label = Text()
    label.append(f"{where['interview']} ¶{where['position']}", style="bold")
    if where.get("speaker"):
        label.append(f"  {where['speaker']}", style="dim")
    label.append("\n")
    snippet = hit.snippet.replace("\n", " ")
    cursor = 0
    for start, end in hit.highlights:
        label.append(snippet[cursor:start])
        label.append(snippet[start:end], style="bold reverse")
        cursor = end
    label.append(snippet[cursor:])
    return label


class SearchScreen(Screen[int | None]):
    """Returns the id of the excerpt to open, or None."""

    CSS_PATH = "search.tcss"
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back"),
        Binding("down", "into_results", "Results", show=False),
    ]

    def __init__(self, bench: Workbench, query: str = "") -> None:
        super().__init__()
        self.bench = bench
        self.initial = query
        self.hits: list[tuple[SearchHit, dict]] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            yield Label('Search: words, "phrases", prefix*, OR', id="search-help")
            yield Input(value=self.initial, placeholder="search the excerpts…", id="search-query")
            yield Label("", id="search-count")
            yield OptionList(id="search-results")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#search-query", Input).focus()
        if self.initial:
            self.run_search(self.initial)

    @on(Input.Changed, "#search-query")
    def _changed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

    @on(Input.Submitted, "#search-query")
    def _submitted(self) -> None:
        results = self.query_one("#search-results", OptionList)
        if self.hits:
            self.dismiss(self.hits[results.highlighted or 0][0].excerpt_id)

    def action_into_results(self) -> None:
        results = self.query_one("#search-results", OptionList)
        if self.hits:
            results.focus()

    @on(OptionList.OptionSelected, "#search-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.hits[event.option_index][0].excerpt_id)

    @work(exclusive=True, group="search")
    async def run_search(self, query: str) -> None:
        """Search off the interface thread; a newer query cancels an older one."""
        if not query.strip():
            self._show([], "")
            return
        try:
            hits = await asyncio.to_thread(self.bench.search, query, LIMIT)
        except QueryError as exc:
            self._show([], str(exc))
            return
        plural = "excerpt" if len(hits) == 1 else "excerpts"
        count_text = f"{len(hits)}{'+' if len(hits) == LIMIT else ''} {plural}, best first"
        self._show(hits, count_text if hits else "no excerpts match")

    def _show(self, hits: list[tuple[SearchHit, dict]], message: str) -> None:
        self.hits = hits
        self.query_one("#search-count", Label).update(message)
        results = self.query_one("#search-results", OptionList)
        results.clear_options()
        results.add_options(Option(hit_label(h, w)) for h, w in hits)
        if hits:
            results.highlighted = 0
