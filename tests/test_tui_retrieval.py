"""The retrieval screen, driven by keys as a researcher would (issue 4's audit).

Each test checks what the screen shows: the filter in force, the counts, the
attribute field's suggestions and messages, the footer's keys, and where the
highlight is after coming back from a quote.
"""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from testimony.coding.workbench import Workbench
from testimony.tui.app import CodingApp
from testimony.tui.screens.retrieval import FIRST_PAGE, LONG_QUOTE, RetrievalScreen
from testimony.tui.widgets.reader import Reader

from .coding_helpers import add_interview, settle

pytestmark = [pytest.mark.anyio, pytest.mark.sqlite_only]
SMALL = (80, 24)


@pytest.fixture
def coded(project):
    """Three interviews with roles and regions, coded by ana and ben."""
    ana, ben = Workbench(project, "ana"), Workbench(project, "ben")
    roles = {"INT-001": "survivor", "INT-002": "witness", "INT-003": "survivor"}
    for code, role in roles.items():
        region = "north" if code != "INT-003" else "south"
        ids = add_interview(
            project,
            code,
            ["He hit me in the kitchen.", "The police did not come."],
            attributes={"role": role, "region": region},
        )
        ana.apply_theme(ids[0], 0, 8, "physical-violence")
        ben.apply_theme(ids[0], 3, 8, "physical-violence")
        ana.apply_theme(ids[1], 0, 10, "police-dismissal")
    return project


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def footer(app) -> set[str]:
    return {k.description for k in app.screen.query(FooterKey) if k.key != "ctrl+p"}


async def open_retrieval(pilot, theme: str = "violence") -> RetrievalScreen:
    """R on the coding screen, then the theme chosen as t would."""
    await settle(pilot)
    await pilot.press("R")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RetrievalScreen)
    if screen.place.theme != theme:
        screen.place.theme = theme
        screen.reload()
        await settle(pilot)
    return screen


async def test_the_attribute_field_lists_and_completes_names_then_values(coded):
    app = CodingApp(Workbench(coded, "ana"))
    async with app.run_test(size=SMALL) as pilot:
        await open_retrieval(pilot)
        assert "quote 1 of 6" in shown(app, "#retrieval-count")
        await pilot.press("a")
        assert "attributes: region (3) · role (3)" in shown(app, "#retrieval-attr-hint")
        await pilot.press("r", "o", "tab")
        assert app.screen.query_one("#retrieval-attr").value == "role="
        assert "role: survivor (2) · witness (1)" in shown(app, "#retrieval-attr-hint")
        await pilot.press("W", "tab")  # any case; completed as the project spells it
        assert app.screen.query_one("#retrieval-attr").value == "role=Witness"
        await settle(pilot)
        assert "⏎ 2 quotes" in shown(app, "#retrieval-attr-hint")  # before it is applied
        assert "quote 1 of 6" in shown(app, "#retrieval-count")
        await pilot.press("enter")
        await settle(pilot)
        assert "role=witness" in shown(app, "#retrieval-filter")
        assert "quote 1 of 2" in shown(app, "#retrieval-count")
        assert {q.interview for q in app.screen.quotes} == {"INT-002"}
        await pilot.press("a", *", role=surv", "tab", "enter")  # either role
        await settle(pilot)
        assert "role=witness or survivor" in shown(app, "#retrieval-filter")
        assert "quote 1 of 6" in shown(app, "#retrieval-count")
        await pilot.press("a", *", region=south", "enter")  # and a region
        await settle(pilot)
        assert "role=witness or survivor and region=south" in shown(app, "#retrieval-filter")
        assert {q.interview for q in app.screen.quotes} == {"INT-003"}
        await pilot.press("a", "ctrl+u", "enter")  # cleared
        await settle(pilot)
        assert "role" not in shown(app, "#retrieval-filter")
        assert "quote 1 of 6" in shown(app, "#retrieval-count")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("colour=red", "no interview has an attribute 'colour' (attributes: region, role)"),
        ("role=lawyer", "no interview has role=lawyer (role is one of: survivor, witness)"),
        ("role", "'role': use NAME=VALUE"),
    ],
)
async def test_a_bad_attribute_filter_is_explained_in_the_field(coded, typed, message):
    app = CodingApp(Workbench(coded, "ana"))
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_retrieval(pilot)
        await pilot.press("a", *typed, "enter")
        await settle(pilot)
        assert app.screen is screen
        assert message in shown(app, "#retrieval-attr-hint").replace("\n", " ")
        assert app.screen.query_one("#retrieval-attr").has_focus  # to correct it
        assert len(screen.quotes) == 6 and "quote 1 of 6" in shown(app, "#retrieval-count")


async def test_the_footer_shows_the_field_keys_while_editing_and_the_list_keys_after(coded):
    app = CodingApp(Workbench(coded, "ana"))
    async with app.run_test(size=SMALL) as pilot:
        await open_retrieval(pilot)
        list_keys = {"Back", "Theme", "Sub-themes", "Coder", "Important", "Attribute"}
        assert list_keys <= footer(app)
        await pilot.press("a")
        await pilot.pause()
        assert {"Apply filter", "Complete", "Cancel edit", "Clear"} <= footer(app)
        await pilot.press("escape")
        await pilot.pause()
        assert list_keys <= footer(app)


async def test_escape_in_the_field_cancels_the_edit_and_a_second_leaves_the_screen(coded):
    app = CodingApp(Workbench(coded, "ana"))
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_retrieval(pilot)
        await pilot.press("a", *"role=witness", "escape")
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#retrieval-results").has_focus
        assert screen.query_one("#retrieval-attr").value == ""  # the edit is given up
        assert "role" not in shown(app, "#retrieval-filter")
        assert len(screen.quotes) == 6
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, RetrievalScreen)


async def test_the_filter_line_names_sub_themes_and_coders_as_they_switch(coded):
    app = CodingApp(Workbench(coded, "ana"))
    async with app.run_test(size=SMALL) as pilot:
        await open_retrieval(pilot)
        subthemes = len([t for t in app.screen.themes if t.parent == "violence"])
        assert subthemes > 1
        line = shown(app, "#retrieval-filter")
        assert "Forms of violence + " in line and "sub-themes · every coder" in line
        await pilot.press("s")
        await settle(pilot)
        assert "only, not its" in shown(app, "#retrieval-filter")
        assert "no quotes match · s: with sub-themes, t: another theme" in shown(
            app, "#retrieval-count"
        )
        await pilot.press("s", "c")
        await settle(pilot)
        assert "· mine (ana)" in shown(app, "#retrieval-filter")
        assert {q.coder for q in app.screen.quotes} == {"ana"}
        await pilot.press("c")
        await settle(pilot)
        assert "· ben's" in shown(app, "#retrieval-filter")
        assert "quote 1 of 3" in shown(app, "#retrieval-count")
        await pilot.press("c")
        await settle(pilot)
        assert "· every coder" in shown(app, "#retrieval-filter")


async def test_the_count_is_of_every_quote_not_the_first_page(project):
    ana = Workbench(project, "ana")
    ids = add_interview(project, texts=["word " * 80])
    for start in range(0, FIRST_PAGE * 10 + 7 * 5, 5):  # more than the first page holds
        ana.apply_theme(ids[0], start, start + 4, "police-dismissal")
    total = FIRST_PAGE * 2 + 7
    app = CodingApp(ana)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_retrieval(pilot, "police-dismissal")
        assert len(screen.quotes) < total
        assert f"quote 1 of {total}" in shown(app, "#retrieval-count")
        await pilot.press("end")  # fetches what is left and goes to the last quote
        await settle(pilot)
        assert len(screen.quotes) == total
        assert f"quote {total} of {total}" in shown(app, "#retrieval-count")
        assert screen.quotes[-1].start == (total - 1) * 5


async def test_back_from_a_quote_in_context_the_list_is_where_it_was(coded):
    app = CodingApp(Workbench(coded, "ana"))
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_retrieval(pilot)
        await pilot.press("c", "c")  # ben's
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert "INT-003 ¶1" in shown(app, "#location")
        assert app.screen.query_one(Reader).span[0] == 3  # the quote selected
        assert "R back to the quotes" in shown(app, "#status")  # the way back is named
        await pilot.press("R")
        await settle(pilot)
        back = app.screen
        assert isinstance(back, RetrievalScreen) and back is not screen
        assert "· ben's" in shown(app, "#retrieval-filter")
        assert "quote 3 of 3" in shown(app, "#retrieval-count")


async def test_a_long_quote_is_cut_and_space_shows_it_whole(project):
    ana = Workbench(project, "ana")
    words = " ".join(f"word{n}" for n in range(200))
    ids = add_interview(project, texts=[words])
    ana.apply_theme(ids[0], 0, len(words), "police-dismissal")
    app = CodingApp(ana)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_retrieval(pilot, "police-dismissal")
        results = screen.query_one("#retrieval-results")
        cut = str(results.get_option_at_index(0).prompt)
        assert len(cut) < LONG_QUOTE + 120 and "word199" not in cut
        assert "words: space)" in cut
        await pilot.press("space")
        await pilot.pause()
        assert "word199" in str(results.get_option_at_index(0).prompt)
