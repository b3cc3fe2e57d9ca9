"""`/` after reading a hit: the search screen comes back with the hits it showed, at once,
the next one highlighted; the search run again only replaces them if they changed."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import OptionList

from testimony.coding.workbench import Workbench
from testimony.tui.app import CodingApp
from testimony.tui.screens.search import SearchScreen

from .coding_helpers import settle

pytestmark = [pytest.mark.anyio, pytest.mark.sqlite_only]
SIZE = (100, 30)


class HeldSearch:
    """Workbench.search that waits until released: what shows before it returns was kept."""

    def __init__(self, bench: Workbench, replace: bool = False) -> None:
        self.search, self.release, self.calls = bench.search, threading.Event(), 0
        self.replace = replace

    def __call__(self, query: str, limit: int = 50):  # noqa: ANN204
        self.calls += 1
        self.release.wait(10)
        hits = self.search(query, limit)
        return hits[1:] if self.replace else hits  # as if an excerpt changed meanwhile


async def read_first_hit(pilot, query: str) -> list[int]:
    await pilot.press("slash", *query)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen) and len(screen.hits) > 2
    found = [hit.excerpt_id for hit, _where in screen.hits]
    await pilot.press("enter")
    await settle(pilot)
    return found


async def test_slash_shows_the_last_hits_at_once_with_the_next_highlighted(project, excerpts):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        found = await read_first_hit(pilot, "he")
        held = HeldSearch(app.bench)
        app.bench.search = held
        await pilot.press("slash")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert held.calls == 1 and not held.release.is_set()  # the search is still running
        assert [hit.excerpt_id for hit, _where in screen.hits] == found
        results = screen.query_one("#search-results", OptionList)
        assert results.highlighted == 1  # the hit after the one read
        assert results.option_count == len(found)
        held.release.set()
        await settle(pilot)
        assert results.highlighted == 1 and results.option_count == len(found)  # kept


async def test_hits_that_changed_meanwhile_replace_the_kept_ones(project, excerpts):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        found = await read_first_hit(pilot, "he")
        held = HeldSearch(app.bench, replace=True)
        app.bench.search = held
        await pilot.press("slash")
        await pilot.pause()
        screen = app.screen
        assert [hit.excerpt_id for hit, _where in screen.hits] == found
        held.release.set()
        await settle(pilot)
        assert [hit.excerpt_id for hit, _where in screen.hits] == found[1:]
        assert screen.query_one("#search-results", OptionList).option_count == len(found) - 1


async def test_a_different_query_starts_afresh(project, excerpts):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await read_first_hit(pilot, "he")
        await pilot.press("slash", "ctrl+u", *"police")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert screen.query_text == "police"
        assert all("police" in hit.snippet.lower() for hit, _where in screen.hits)


async def test_the_first_frame_gets_a_screenful_of_hits_and_the_page_fills_up_after(project):
    from .coding_helpers import add_interview

    add_interview(
        project,
        "INT-001",
        [f"The {'red ' * (i % 4)}door number {i} was locked that night." for i in range(40)],
    )
    app = CodingApp(Workbench(project, "ana"))
    asked: list[tuple[str, int]] = []
    search = app.bench.search

    def recorded(query: str, limit: int = 50):  # noqa: ANN202
        asked.append((query, limit))
        return search(query, limit)

    app.bench.search = recorded
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"door")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        first = [limit for query, limit in asked if query == "door"]
        # A 30-line terminal: the list holds about 7 hits of 3 lines or more.
        assert first[0] < 20 and first[-1] == 20, asked
        results = screen.query_one("#search-results", OptionList)
        assert results.option_count == 20 and len(screen.hits) == 20
        assert screen.message == "20+ excerpts, best first"
        whole = [hit.excerpt_id for hit, _where in screen.hits]
        with project.session() as s:
            from testimony.coding.search import search_excerpts

            assert whole == [h.excerpt_id for h in search_excerpts(s, "door", 20)]


async def test_the_rest_of_a_page_never_comes_back_for_a_query_typed_over(project):
    from .coding_helpers import add_interview

    add_interview(project, "INT-001", [f"The door number {i} was locked." for i in range(40)])
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"door")
        await pilot.press(*" -locked")  # typed before the first hits were drawn
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert screen.query_text == "door -locked" and screen.hits == []
        assert screen.message == "no excerpts match"
