"""NEAR in the coding TUI: the search screen and the memo list say what is wrong with a query
being typed, never crash, and a near hit opens with its words selected from first to last."""

from __future__ import annotations

import pytest

from testimony.coding.workbench import Workbench
from testimony.tui.app import CodingApp
from testimony.tui.widgets.reader import Reader

from .coding_helpers import TEXTS, settle

pytestmark = [pytest.mark.anyio, pytest.mark.sqlite_only]
SIZE = (100, 30)


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def test_a_near_query_typed_letter_by_letter_shows_errors_then_hits(project, excerpts):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"NEAR(police officer")
        await settle(pilot)
        assert "NEAR( is not closed" in text_of(app, "#search-count")
        await pilot.press(*", x)")
        await settle(pilot)
        assert "not 'x'" in text_of(app, "#search-count")
        await pilot.press("backspace", "backspace", *"2)")
        await settle(pilot)
        assert "1 excerpt, best first" in text_of(app, "#search-count")
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen.query_one(Reader)
        start, end = reader.selection.span
        assert reader.view.text == TEXTS[2]
        assert TEXTS[2][start:end] == "police and the officer"


async def test_the_memo_list_reads_near_and_says_when_it_cannot(project, excerpts):
    bench = Workbench(project, "ana")
    bench.set_memo("excerpt", excerpts[2], "The officer laughed at the police station.")
    bench.set_memo("excerpt", excerpts[1], "Police came, and much later an officer.")
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("L", *"NEAR(officer police")
        await settle(pilot)
        assert "NEAR( is not closed" in text_of(app, "#memo-count")
        await pilot.press(*", 3)")
        await settle(pilot)
        assert "1 memo" in text_of(app, "#memo-count")
        assert len(app.screen.memos) == 1 and app.screen.memos[0].text.startswith("The officer")
