"""The coding workbench warns (it does not block) when a memo names a known identifier."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from testimony.coding.workbench import Workbench
from testimony.db.models import Memo
from testimony.redact.memo_check import MemoCheck
from testimony.tui.app import CodingApp

pytestmark = pytest.mark.anyio


@pytest.fixture
def key_file(shell_project, run, tmp_path):
    key = tmp_path / "editor.key"
    assert run("--project", shell_project.root, "key", "export", key).exit_code == 0
    return key


def warnings(app) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "warning"]


async def write_memo(project, check, text: str) -> list[str]:
    app = CodingApp(Workbench(project, "ana"), memo_check=check)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("m", *text, "ctrl+s")
        await pilot.pause()
        found = warnings(app)
    return found


async def test_a_memo_naming_a_known_person_is_saved_with_a_warning(shell_project, key_file):
    check = MemoCheck.from_key_file(shell_project, key_file)
    found = await write_memo(shell_project, check, "She says YERLAN BEKOV'S brother helped")
    assert len(found) == 1
    assert "1 PERSON" in found[0] and "pseudonym" in found[0]
    assert "Yerlan" not in found[0] and "BEKOV" not in found[0]  # never the identifier itself
    with shell_project.session() as s:
        assert list(s.scalars(select(Memo.text))) == ["She says YERLAN BEKOV'S brother helped"]


async def test_a_memo_without_identifiers_gets_no_warning(shell_project, key_file):
    check = MemoCheck.from_key_file(shell_project, key_file)
    found = await write_memo(shell_project, check, "The police laughed at her twice")
    assert found == []


async def test_a_place_and_a_name_are_both_counted(shell_project, key_file):
    check = MemoCheck.from_key_file(shell_project, key_file)
    counted = check.identifiers_in("Yerlan Bekov went to the police in Taraz")
    assert counted["PERSON"] == 1 and sum(counted.values()) >= 2


async def test_without_a_key_file_nothing_is_checked(shell_project):
    """Without the key no one can tell a name from a word: the export gate catches it."""
    found = await write_memo(shell_project, None, "Yerlan Bekov")
    assert found == []


async def test_a_theme_description_naming_a_known_person_is_warned_about(shell_project, key_file):
    check = MemoCheck.from_key_file(shell_project, key_file)
    app = CodingApp(Workbench(shell_project, "ana"), memo_check=check)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("E")
        await pilot.pause()
        await pilot.press("d", "ctrl+a", *"as Yerlan Bekov did", "ctrl+s")
        await pilot.pause()
        found = warnings(app)
    assert len(found) == 1 and "theme description" in found[0] and "1 PERSON" in found[0]
