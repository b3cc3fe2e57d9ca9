"""How the workbench looks: SVG snapshots at 80×24 (update with --snapshot-update)."""

from __future__ import annotations

import pytest

from testimony.coding.workbench import Workbench
from testimony.tui.app import CodingApp

from .coding_helpers import add_interview

# Screens look the same on either backend; their services run on both elsewhere.
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def app(project):
    ids = add_interview(project, attributes={"role": "survivor"})
    add_interview(project, "INT-002", ["Second interview, first turn.", "He left."])
    ana, ben = Workbench(project, "ana"), Workbench(project, "ben")
    ana.apply_theme(ids[1], 0, 35, "physical-violence")
    ana.apply_theme(ids[1], 22, 65, "violence-involving-children")
    ben.apply_theme(ids[1], 0, 35, "physical-violence")
    ana.apply_theme(ids[2], 0, 45, "police-dismissal")
    return CodingApp(Workbench(project, "ana"))


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_main_screen(app, snap_compare):
    assert snap_compare(app, press=["j", "right", "right", "shift+right"], run_before=settle)


def test_main_screen_light_with_every_coder(app, snap_compare):
    async def light(pilot) -> None:
        pilot.app.theme = "textual-light"
        await settle(pilot)

    assert snap_compare(app, press=["j", "V", "right_square_bracket"], run_before=light)


def test_theme_picker(app, snap_compare):
    assert snap_compare(app, press=["j", "S", "enter", *"polic"], run_before=settle)


def test_search(app, snap_compare):
    async def search(pilot) -> None:
        await settle(pilot)
        await pilot.press("slash", *"police OR left")
        await settle(pilot)

    assert snap_compare(app, run_before=search)


def test_retrieval(app, snap_compare):
    async def retrieve(pilot) -> None:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)

    assert snap_compare(app, run_before=retrieve)


def test_retrieval_editing_the_attribute_filter(app, snap_compare):
    """The field with its suggestion, the values that exist, and the field's keys below."""

    async def edit(pilot) -> None:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("a", *"role=s")
        await settle(pilot)

    assert snap_compare(app, run_before=edit)


def test_codebook_editor(app, snap_compare):
    assert snap_compare(app, press=["E", "down"], run_before=settle)


def test_main_screen_in_a_large_terminal(app, snap_compare):
    assert snap_compare(app, press=["j", "S"], terminal_size=(140, 40), run_before=settle)


def test_analysis_screen(app, snap_compare):
    """Codings per theme with bars, and the interviews that mention the highlighted theme."""

    async def analysis(pilot) -> None:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)

    assert snap_compare(app, run_before=analysis)
