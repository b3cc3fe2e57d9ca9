"""Search: ranked excerpts with the matched words highlighted; Enter opens one in context."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content, Span
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from testimony.coding.search import QueryError, SearchHit
from testimony.coding.snippets import WINDOW
from testimony.coding.workbench import Workbench
from testimony.tui.widgets.footer import Footer

FIRST = 20  # a first page: what fills the list comes first, the rest a frame later
MORE = 40  # fetched as the coder scrolls down
SNIPPET_CHARS = WINDOW * 6  # a snippet's length, about: its words and their spaces
MAX = 500


def hit_label(hit: SearchHit, where: dict) -> Content:
    """Where the hit is, then its snippet with the matched words marked. Built as Textual
    content, which the list shows as it is (a Rich Text is converted first, style by style)."""
    label = f"{where['interview']} ¶{where['position']}"
    spans = [Span(0, len(label), "bold")]
    if where.get("speaker"):
        spans.append(Span(len(label), len(label) + 2 + len(where["speaker"]), "dim"))
        label += f"  {where['speaker']}"
    label += "\n"
    spans += [Span(len(label) + a, len(label) + b, "bold reverse") for a, b in hit.highlights]
    return Content(label + hit.snippet.replace("\n", " "), spans)


@dataclass(frozen=True)
class Results:
    """What a search screen showed, kept by the coding screen for the next `/`."""

    query: str
    hits: list[tuple[SearchHit, dict]]
    complete: bool
    message: str


class SearchScreen(Screen[int | None]):
    """Returns the id of the excerpt to open, or None."""

    CSS_PATH = "search.tcss"
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back"),
        Binding("down", "into_results", "Results", show=False),
    ]

    def __init__(
        self, bench: Workbench, query: str = "", at: int = 0, shown: Results | None = None
    ) -> None:
        """With query, the screen opens on its results with hit number `at` highlighted
        (the coder is back from reading one hit and goes on to the next). With what the
        last search screen showed for that query, those hits are on screen at once, and
        the search run again only replaces them if the excerpts have changed meanwhile."""
        super().__init__()
        self.bench = bench
        self.initial = query
        self.at = at
        self.shown = shown if shown is not None and shown.query == query else None
        self.chosen = 0  # the index of the hit opened
        self.hits: list[tuple[SearchHit, dict]] = []
        self.query_text = ""
        self.complete = True
        self.message = ""  # the count line: how many hits, or what is wrong with the query

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            yield Label(
                'Search: words, "phrases", prefix*, OR, NOT word (or -word)\n'
                "NEAR(a b, 5): a and b, at most 5 words between them, in either order",
                id="search-help",
            )
            yield Input(value=self.initial, placeholder="search the excerpts…", id="search-query")
            yield Label("", id="search-count")
            yield OptionList(id="search-results")
        yield Footer()

    def on_mount(self) -> None:
        # The input's initial value arrives as an Input.Changed, which starts the search.
        self.query_one("#search-query", Input).focus()
        if self.shown is not None and self.shown.hits:
            shown = self.shown
            self._show(shown.query, shown.hits, shown.message, shown.complete)

    def results(self) -> Results:
        return Results(self.query_text, self.hits, self.complete, self.message)

    @on(Input.Changed, "#search-query")
    def _changed(self, event: Input.Changed) -> None:
        if self.at and event.value != self.initial:
            self.at = 0
        self.run_search(event.value, self.at + FIRST if self.at else self._screenful())

    @on(Input.Submitted, "#search-query")
    def _submitted(self) -> None:
        results = self.query_one("#search-results", OptionList)
        if self.hits:
            self.open_hit(results.highlighted or 0)

    def _screenful(self) -> int:
        """Hits that fill the list as it stands: each takes a line for where it is, a gap,
        and its snippet's lines (about 150 characters wrapped to the width). The first
        frame needs no more; the rest of the page follows it (_rest_of_page)."""
        results = self.query_one("#search-results", OptionList)
        height = results.size.height or self.app.size.height
        width = max(20, (results.size.width or self.app.size.width) - 2)
        per_hit = 2 + -(-SNIPPET_CHARS // width)
        return max(5, min(FIRST, height // per_hit + 1))

    def _rest_of_page(self, query: str) -> None:
        if self.query_one("#search-query", Input).value == query and not self.complete:
            self.run_search(query, FIRST)

    def open_hit(self, index: int) -> None:
        self.chosen = index
        self.dismiss(self.hits[index][0].excerpt_id)

    def action_into_results(self) -> None:
        results = self.query_one("#search-results", OptionList)
        if self.hits:
            results.focus()

    @on(OptionList.OptionSelected, "#search-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.open_hit(event.option_index)

    @on(OptionList.OptionHighlighted, "#search-results")
    def _near_end(self, event: OptionList.OptionHighlighted) -> None:
        if not self.complete and event.option_index >= len(self.hits) - 5:
            self.complete = True  # until the next page says otherwise
            self.run_search(self.query_text, len(self.hits) + MORE)

    @work(exclusive=True, group="search")
    async def run_search(self, query: str, limit: int = FIRST) -> None:
        """Search off the interface thread; a newer query cancels an older one."""
        if not query.strip():
            self._show(query, [], "", True)
            return
        try:
            hits = await asyncio.to_thread(self.bench.search, query, min(limit, MAX))
        except QueryError as exc:
            self._show(query, [], str(exc), True)
            return
        complete = len(hits) < limit or limit >= MAX
        plural = "excerpt" if len(hits) == 1 else "excerpts"
        count_text = f"{len(hits)}{'' if complete else '+'} {plural}, best first"
        self._show(query, hits, count_text if hits else "no excerpts match", complete)
        if not complete and len(hits) < FIRST:  # a screenful: the rest once it is drawn
            self.call_after_refresh(self._rest_of_page, query)

    def _show(
        self, query: str, hits: list[tuple[SearchHit, dict]], message: str, complete: bool
    ) -> None:
        """Show hits; when the query is the same and only more came, append the new ones."""
        results = self.query_one("#search-results", OptionList)
        if query == self.query_text and hits and _ids(hits) == _ids(self.hits)[: len(hits)]:
            return  # the same hits as shown (the screen reopened on them): keep the list as is
        more = query == self.query_text and self.hits and len(hits) > len(self.hits)
        if not more:
            results.clear_options()
            self.hits = []
        results.add_options(Option(hit_label(h, w)) for h, w in hits[len(self.hits) :])
        if not more and hits:
            results.highlighted = min(self.at, len(hits) - 1)
            self.at = 0
        self.hits, self.query_text, self.complete, self.message = hits, query, complete, message
        self.query_one("#search-count", Label).update(message)


def _ids(hits: list[tuple[SearchHit, dict]]) -> list[int]:
    return [hit.excerpt_id for hit, _where in hits]
