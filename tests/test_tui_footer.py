"""The footer is rebuilt only when what it shows changes, and only on the screen in front."""

from __future__ import annotations

import sys

import pytest

from testimony.coding.workbench import Workbench
from testimony.tui.app import CodingApp
from testimony.tui.base import SWITCH_INTERVAL
from testimony.tui.screens.search import SearchScreen
from testimony.tui.widgets.footer import Footer
from testimony.tui.widgets.reader import Reader

pytestmark = [pytest.mark.sqlite_only, pytest.mark.anyio]


def footer_keys(screen) -> list[str]:  # noqa: ANN001
    return [key.key for key in screen.query_one(Footer).query("FooterKey")]


def count_rebuilds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    rebuilt: list[str] = []
    original = Footer.recompose

    async def recompose(self: Footer) -> None:
        rebuilt.append(type(self.screen).__name__)
        await original(self)

    monkeypatch.setattr(Footer, "recompose", recompose)
    return rebuilt


async def test_moving_between_excerpts_leaves_the_footer_alone(project, excerpts, monkeypatch):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = footer_keys(app.screen)
        assert "S" in shown  # reading: select a sentence
        rebuilt = count_rebuilds(monkeypatch)
        for _ in range(3):
            await pilot.press("j")
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert rebuilt == []  # the same keys each time: nothing to rebuild
        assert footer_keys(app.screen) == shown
        await pilot.press("S")  # a selection: the footer offers what applies to it
        await pilot.pause()
        assert rebuilt == ["CodingScreen"]
        assert "escape" in footer_keys(app.screen)


async def test_a_covered_screen_rebuilds_its_footer_when_it_is_back(project, excerpts, monkeypatch):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        coding = app.screen
        await pilot.press("S")
        await pilot.pause()
        assert "S" not in footer_keys(coding) and "escape" in footer_keys(coding)
        rebuilt = count_rebuilds(monkeypatch)
        await app.push_screen(SearchScreen(app.bench))
        await pilot.pause()
        await coding.query_one(Reader).run_action("collapse")  # unselected while covered
        coding.update_footer()
        await pilot.pause()
        assert "CodingScreen" not in rebuilt  # covered: nothing rebuilt behind search
        assert "SearchScreen" in rebuilt  # its own footer, once it has bindings
        await pilot.press("escape")
        await pilot.pause()
        assert rebuilt.count("CodingScreen") == 1  # once, back in front
        assert "S" in footer_keys(coding) and "escape" not in footer_keys(coding)


def test_worker_threads_get_the_interpreter_back_within_a_millisecond(project):
    CodingApp(Workbench(project, "ana"))
    assert sys.getswitchinterval() <= SWITCH_INTERVAL


async def test_a_screen_resized_while_covered_is_laid_out_again_when_it_is_back(project, excerpts):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        coding = app.screen
        reader = coding.query_one(Reader)
        assert reader.region.right <= 120 and reader.region.width > 60
        await app.push_screen(SearchScreen(app.bench))
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is coding
        assert coding.size == (80, 24)
        assert reader.region.right <= 80  # laid out for the new size, not the old one
        footer = coding.query_one(Footer)
        assert footer.region.y == 23 and footer.region.width == 80


async def test_what_the_app_builds_at_start_is_left_out_of_full_collections_until_it_quits(
    project, excerpts
):
    import gc

    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        frozen = gc.get_freeze_count()
        assert frozen > 1000  # the widgets, styles and modules, at least
        gc.collect()
        assert gc.get_freeze_count() >= frozen  # a collection leaves them be
    assert gc.get_freeze_count() == 0  # quitting gives it all back to the collector
