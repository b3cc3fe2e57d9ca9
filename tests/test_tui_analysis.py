"""The analysis screen of the coding workbench shows what `testimony stats` and `agree` compute."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Static

from testimony.analysis.agreement import compare_coders
from testimony.analysis.frequencies import theme_frequencies
from testimony.coding.workbench import Workbench
from testimony.tui.app import CodingApp
from testimony.tui.screens.analysis import AnalysisScreen
from testimony.tui.screens.coding import CodingScreen
from testimony.tui.widgets.reader import Reader

from .coding_helpers import add_interview, settle

pytestmark = pytest.mark.anyio
SIZE = (80, 24)


@pytest.fixture
def coded(project):
    """Two interviews coded by ana and ben; they agree on one quote and differ on others."""
    ids = add_interview(project, attributes={"role": "survivor"})
    second = add_interview(project, "INT-002", ["Second interview, first turn.", "He left."])
    ana, ben = Workbench(project, "ana"), Workbench(project, "ben")
    ana.apply_theme(ids[1], 0, 35, "physical-violence")
    ana.apply_theme(ids[1], 22, 65, "violence-involving-children")
    ben.apply_theme(ids[1], 0, 35, "physical-violence")
    ben.apply_theme(ids[2], 0, 45, "police-dismissal")
    ana.apply_theme(ids[2], 0, 30, "police-dismissal")
    ana.apply_theme(ids[2], 50, 80, "stigma-shame")  # same excerpt, no overlap
    ana.apply_theme(second[1], 0, 8, "physical-violence")
    ben.apply_theme(second[1], 0, 8, "isolation-control")
    return project


def cells(table: DataTable) -> dict[str, list[str]]:
    """Row key -> the row's cells as plain text."""
    return {
        key.value: [str(getattr(cell, "plain", cell)) for cell in table.get_row(key)]
        for key in table.rows
    }


async def open_analysis(pilot) -> AnalysisScreen:
    await settle(pilot)
    await pilot.press("F")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AnalysisScreen)
    return screen


async def test_the_theme_view_shows_the_stats_figures(coded):
    with coded.session() as s:
        expected = theme_frequencies(s)
    app = CodingApp(Workbench(coded, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_analysis(pilot)
        rows = cells(screen.query_one("#themes-table", DataTable))
        assert list(rows) == [t.theme for t in expected.themes]  # codebook order, every theme
        for use in expected.themes:
            _name, codings, _bar, excerpts, interviews = rows[use.theme]
            assert (int(codings), int(excerpts), int(interviews)) == (
                use.codings,
                use.excerpts,
                len(use.interviews),
            )
        assert rows["physical-violence"][1] == "3"
        assert "█" in rows["physical-violence"][2]
        assert rows["isolation-control"][2].strip()  # the smallest count still shows a bar


async def test_moving_to_a_theme_lists_the_interviews_that_mention_it(coded):
    app = CodingApp(Workbench(coded, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_analysis(pilot)
        table = screen.query_one("#themes-table", DataTable)
        row = list(cells(table)).index("physical-violence")
        table.move_cursor(row=row)
        await settle(pilot)
        text = str(screen.query_one("#theme-interviews", Static).render())
        assert "mentioned in 2 interviews: INT-001, INT-002" in text
        table.move_cursor(row=list(cells(table)).index("police-dismissal"))
        await settle(pilot)
        text = str(screen.query_one("#theme-interviews", Static).render())
        assert "mentioned in 1 interview: INT-001" in text


async def test_switching_views_shows_interviews_coders_and_the_cooccurrence_matrix(coded):
    with coded.session() as s:
        expected = theme_frequencies(s)
    app = CodingApp(Workbench(coded, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_analysis(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert screen.view == "interviews"
        interviews = cells(screen.query_one("#interviews-table", DataTable))
        assert {k: int(v[1]) for k, v in interviews.items()} == expected.interviews
        await pilot.press("v")
        await settle(pilot)
        assert screen.view == "coders"
        coders = cells(screen.query_one("#coders-table", DataTable))
        assert {k: int(v[1]) for k, v in coders.items()} == expected.coders == {"ana": 5, "ben": 3}

        await pilot.press("4")
        await settle(pilot)
        matrix = screen.query_one("#cooccurrence-table", DataTable)
        themes, same = expected.matrix(expected.same_excerpt)
        shown = cells(matrix)
        assert list(shown) == themes
        for slug, row in zip(themes, same, strict=True):
            assert [0 if c == "·" else int(c) for c in shown[slug][1:]] == row
        await pilot.press("o")
        await settle(pilot)
        _themes, overlapping = expected.matrix(expected.overlapping)
        shown = cells(matrix)
        for slug, row in zip(themes, overlapping, strict=True):
            assert [0 if c == "·" else int(c) for c in shown[slug][1:]] == row
        assert overlapping != same  # the switch changed what is shown
        assert "overlapping spans" in str(screen.query_one("#cooccurrence-title").render())


async def test_the_coder_filter_shows_one_coders_figures(coded):
    with coded.session() as s:
        expected = theme_frequencies(s, coders=("ben",))
    app = CodingApp(Workbench(coded, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_analysis(pilot)
        await pilot.press("c", "c")  # every coder -> ana -> ben
        await settle(pilot)
        assert screen.coder_filter == "ben"
        rows = cells(screen.query_one("#themes-table", DataTable))
        assert {k: int(v[1]) for k, v in rows.items()} == {
            t.theme: t.codings for t in expected.themes
        }
        assert "3 codings" in str(screen.query_one("#analysis-title").render())


async def test_the_agreement_view_matches_agree_and_opens_a_disagreement(coded):
    with coded.session() as s:
        expected = compare_coders(s, "ana", "ben")
    app = CodingApp(Workbench(coded, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_analysis(pilot)
        await pilot.press("5")
        await settle(pilot)
        rows = cells(screen.query_one("#agreement-table", DataTable))
        assert list(rows) == [t.theme for t in expected.themes] + ["(all themes)"]
        for agreement in [*expected.themes, expected.overall]:
            f = agreement.figures()
            shown = rows[agreement.theme]
            assert [int(x) for x in shown[1:4]] == [
                f["excerpts_a"],
                f["excerpts_b"],
                f["excerpts_both"],
            ]
            kappa = f["presence_cohen_kappa"]
            if kappa is None:
                assert shown[5] == "–"
            else:
                assert float(shown[5]) == pytest.approx(kappa, abs=0.005)
            assert shown[7] == f"{100 * f['character_agreement']:.0f}%"
        listing = screen.query_one("#disagreements-table", DataTable)
        assert listing.row_count == len(expected.disagreements) > 0
        listing.focus()
        last = len(expected.disagreements) - 1
        listing.move_cursor(row=last)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.excerpt.id == expected.disagreements[last].excerpt_id
        assert app.screen.query_one(Reader).has_focus


async def test_with_one_coder_the_agreement_view_says_why_it_is_empty(project):
    ids = add_interview(project)
    Workbench(project, "ana").apply_theme(ids[1], 0, 35, "physical-violence")
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_analysis(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert "needs two coders" in str(screen.query_one("#agreement-title").render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen)


async def test_refresh_shows_codings_made_since_the_screen_opened(coded):
    app = CodingApp(Workbench(coded, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_analysis(pilot)
        before = int(cells(screen.query_one("#themes-table", DataTable))["stigma-shame"][1])
        excerpt = Workbench(coded, "ben").first_excerpt()
        Workbench(coded, "ben").apply_theme(excerpt, 0, 4, "stigma-shame")
        await pilot.press("r")
        await settle(pilot)
        after = int(cells(screen.query_one("#themes-table", DataTable))["stigma-shame"][1])
        assert after == before + 1


async def test_the_palette_lists_the_analysis_screen(coded):
    app = CodingApp(Workbench(coded, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"Analysis", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AnalysisScreen)


async def test_the_heat_map_is_drawn_in_the_theme_in_use(coded):
    """Shades come from the theme's background and accent, so a light theme gets its own."""
    ana = Workbench(coded, "ana")
    excerpt = ana.step(ana.first_excerpt(), 3)
    ana.apply_theme(excerpt, 0, 10, "physical-violence")  # a pair seen twice: two shades
    ana.apply_theme(excerpt, 20, 30, "violence-involving-children")
    app = CodingApp(Workbench(coded, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_analysis(pilot)
        await pilot.press("4")
        await settle(pilot)

        def shades() -> set[str]:
            table = screen.query_one("#cooccurrence-table", DataTable)
            return {
                cell.style.bgcolor.name
                for key in table.rows
                for cell in table.get_row(key)[1:]
                if cell.plain != "·"
            }

        dark = shades()
        app.theme = "textual-light"
        await settle(pilot)
        light = shades()
        assert len(dark) == len(light) == 2
        assert dark != light


async def test_a_long_list_of_disagreements_is_cut_and_says_how_to_get_them_all(coded, monkeypatch):
    """A table of 100,000 rows would freeze the screen; the command writes them all."""
    from testimony.tui.screens import analysis

    monkeypatch.setattr(analysis, "LISTED", 2)
    with coded.session() as s:
        total = len(compare_coders(s, "ana", "ben").disagreements)
    app = CodingApp(Workbench(coded, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_analysis(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert screen.query_one("#disagreements-table", DataTable).row_count == 2 < total
        title = str(screen.query_one("#disagreements-title").render())
        assert f"{total} disagreements" in title
        assert "testimony agree --coders ana ben --disagreements FILE.csv" in title
