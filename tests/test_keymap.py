"""The user's keymap: their own keys for the coding screen's actions, and clear errors."""

from __future__ import annotations

import json

import pytest

from testimony.coding.workbench import Workbench
from testimony.tui.app import CodingApp
from testimony.tui.keymap import KeymapError, all_actions, load_keymap

from .coding_helpers import add_interview
from .test_tui import SIZE, settle, stored_codings

pytestmark = pytest.mark.anyio


def test_every_action_id_is_unique_and_named():
    ids = [a.id for a in all_actions()]
    assert len(ids) == len(set(ids))
    assert {"coding.next", "reader.sentence", "review.accept", "raw.redact-everywhere"} <= set(ids)


def test_a_keymap_file_is_read_and_checked(tmp_path):
    path = tmp_path / "keymap.yaml"
    path.write_text("coding.next: 'ctrl+n, j'\nreader.sentence: s\n")
    assert load_keymap(path) == {"coding.next": "ctrl+n,j", "reader.sentence": "s"}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("coding.next: j\ncoding.nope: k\n", ":2: no action 'coding.nope'"),
        ("coding.next: [j, k]\n", ":1: expected 'action id: keys'"),
        ("- coding.next\n", ":1: expected 'action id: keys' lines"),
        ("coding.next: 'ctrl n'\n", ":1: 'ctrl n' is not a key name"),
        ("coding.next: {\n", ":2: not valid YAML"),
    ],
)
def test_a_bad_keymap_names_the_line_and_the_problem(tmp_path, text, problem):
    path = tmp_path / "keymap.yaml"
    path.write_text(text)
    with pytest.raises(KeymapError, match="keymap.yaml" + problem.replace("[", r"\[")):
        load_keymap(path)


@pytest.mark.sqlite_only  # the TUI; its services run on both backends elsewhere
async def test_remapped_keys_drive_the_coding_screen(project):
    ids = add_interview(project)
    keymap = {"coding.next": "ctrl+n", "reader.sentence": "z", "coding.undo": "ctrl+z"}
    app = CodingApp(Workbench(project, "ana"), keymap)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = app.screen.excerpt.id
        await pilot.press("j")  # no longer "next": the keymap replaced it
        assert app.screen.excerpt.id == first
        await pilot.press("ctrl+n")
        assert app.screen.excerpt.id == ids[1]
        await pilot.press("z", "1")  # select the sentence with z, code it with theme key 1
        await settle(pilot)
        assert len(stored_codings(project)) == 1
        await pilot.press("ctrl+z")
        await settle(pilot)
    assert stored_codings(project) == []


@pytest.mark.sqlite_only  # the TUI; its services run on both backends elsewhere
async def test_a_theme_key_the_keymap_uses_does_not_code(project):
    add_interview(project)
    app = CodingApp(Workbench(project, "ana"), {"coding.next": "1"})  # 1 is a theme's key
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = app.screen.excerpt.id
        await pilot.press("S", "1")
        await settle(pilot)
        assert app.screen.excerpt.id != first  # 1 moved on
    assert stored_codings(project) == []


def test_keys_lists_every_action_with_the_users_keys(run, tmp_path):
    path = tmp_path / "keys.yaml"
    path.write_text("review.accept: y\n")
    result = run("keys", "--json", env={"TESTIMONY_KEYMAP": str(path)})
    assert result.exit_code == 0
    rows = {r["id"]: r for r in json.loads(result.output)["actions"]}
    assert (rows["review.accept"]["default"], rows["review.accept"]["keys"]) == ("a", "y")
    bad = tmp_path / "bad.yaml"
    bad.write_text("review.acept: y\n")
    result = run("keys", env={"TESTIMONY_KEYMAP": str(bad)})
    assert result.exit_code == 2 and "bad.yaml:1: no action 'review.acept'" in result.output
