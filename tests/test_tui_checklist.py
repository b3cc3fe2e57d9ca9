"""Issue 4 checked as a new coder meets it: what a theme key does with nothing selected,
that the palette holds every key, memos on every target, the codebook editor's every
edit and its export, coders side by side. Each test checks project.db and the screen."""

from __future__ import annotations

import pytest

from testimony.codebook import load_codebook
from testimony.coding.workbench import Workbench
from testimony.project import ENV_CODER, Project, init_project
from testimony.tui.app import CodingApp
from testimony.tui.screens.codebook_editor import CodebookEditor
from testimony.tui.screens.picker import ThemePicker
from testimony.tui.widgets.codebook import CodebookTree
from testimony.tui.widgets.reader import Reader

from .coding_helpers import TEXTS
from .test_tui import settle, stored_codings, text_of, tree_nodes

SIZE = (100, 30)
pytestmark = [pytest.mark.anyio, pytest.mark.sqlite_only]


# --- a theme's key with nothing selected ------------------------------------------------------


async def test_a_theme_key_with_only_a_cursor_codes_nothing_and_the_same_key_again_codes_the_word(
    project, excerpts
):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "right", "right", "1")  # the cursor on "me", nothing selected
        await settle(pilot)
        assert stored_codings(project) == []
        assert "nothing selected yet: 1 again codes “me”" in text_of(app, "#status")
        reader = app.screen.query_one(Reader)
        assert not reader.selection.collapsed and TEXTS[1][slice(*reader.span)] == "me"
        await pilot.press("1")
        await settle(pilot)
        assert stored_codings(project) == [
            (excerpts[1], 7, 9, "physical-violence", "ana", False, None)
        ]
        assert "coded as Physical violence: “me”" in text_of(app, "#status")


async def test_the_cursor_alone_is_drawn_apart_from_a_selection(project, excerpts):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        await settle(pilot)
        reader = app.screen.query_one(Reader)

        def first_word_style():
            return next(iter(reader.render_line(reader.text_top))).style

        cursor = first_word_style()
        assert cursor.underline and not cursor.reverse
        await pilot.press("shift+right", "shift+left")  # "He" alone, but selected
        await settle(pilot)
        selected = first_word_style()
        assert selected.reverse and not selected.underline


async def test_enter_with_only_a_cursor_selects_the_word_before_opening_the_picker(
    project, excerpts
):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, ThemePicker)
        assert "nothing selected yet: ⏎ again codes “He”" in text_of(app, "#status")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ThemePicker)
        assert "“He”" in str(app.screen.query_one("#picker-title").render())


async def test_a_click_puts_the_cursor_and_codes_nothing_but_a_one_word_search_hit_codes_at_once(
    project, excerpts
):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        reader = app.screen.query_one(Reader)
        top = reader.scrollable_content_region.y - reader.region.y + reader.text_top
        await pilot.click(Reader, offset=(4, top))  # on "hit"
        await pilot.press("1")
        await settle(pilot)
        assert stored_codings(project) == []
        assert "1 again codes “hit”" in text_of(app, "#status")
        await pilot.press("slash", *"laughed")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("8")  # the hit's one word is selected: coded at once
        await settle(pilot)
        assert stored_codings(project) == [
            (excerpts[2], 37, 44, "police-dismissal", "ana", False, None)
        ]


async def test_going_to_an_excerpt_number_past_the_end_says_so_and_goes_nowhere(project, excerpts):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("colon", *"99", "enter")
        await settle(pilot)
        question = str(app.screen.query_one("#goto-question").render())
        assert question == "INT-001 has no ¶99: type 1–5 (esc cancels)"
        await pilot.press("backspace", "backspace", "4", "enter")
        await settle(pilot)
        assert "INT-001 ¶4/5" in text_of(app, "#location")


async def test_the_picker_finds_a_theme_by_a_word_of_its_description_alone(project, excerpts):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("G", "k", "S", "enter", *"kelin")  # in no theme's name
        await settle(pilot)
        first = app.screen.query_one("#picker-options").get_option_at_index(0)
        assert first.id == "in-laws-role"
        await pilot.press("enter")
        await settle(pilot)
        assert stored_codings(project) == [
            (excerpts[3], 0, len(TEXTS[3]), "in-laws-role", "ana", False, None)
        ]
        assert "In-laws" in text_of(app, "#codings")


# --- the command palette ----------------------------------------------------------------------


async def test_the_palette_holds_every_key_of_the_coding_screen_and_the_codebook_editor(
    project, excerpts
):
    from testimony.tui.commands import coding_commands
    from testimony.tui.screens.coding import CodingScreen

    def palette_actions(screen) -> set[str]:
        commands = list(coding_commands(screen))
        return {c.callback.__closure__[0].cell_contents for c in commands}

    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        actions = palette_actions(app.screen)
        for owner in (CodingScreen, Reader, CodebookTree):
            for binding in owner.BINDINGS:
                action = binding[1] if isinstance(binding, tuple) else binding.action
                action = {"describe": "describe_theme"}.get(action, action)
                assert action.removeprefix("screen.") in actions, f"{action} is not in the palette"
        await pilot.press("j", "ctrl+p", *"extend the selection a word on", "enter")
        await settle(pilot)
        await pilot.press("ctrl+p", *"extend the selection a word on", "enter")
        await settle(pilot)
        reader = app.screen.query_one(Reader)
        assert TEXTS[1][slice(*reader.span)] == "He hit me"
        await pilot.press("E")
        await settle(pilot)
        editor_actions = palette_actions(app.screen)
        for binding in CodebookEditor.BINDINGS:
            if binding.key != "escape":
                assert binding.action in editor_actions, f"{binding.id} is not in the palette"


# --- memos ------------------------------------------------------------------------------------


async def test_memos_on_a_coding_an_excerpt_an_interview_a_theme_and_the_project_by_keys(
    project, excerpts
):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "S", "1", "m", *"coding note", "ctrl+s")  # the coding in focus
        await pilot.press("ctrl+p", *"excerpt memo", "enter")  # though a coding is in focus
        await settle(pilot)
        await pilot.press(*"excerpt note", "ctrl+s")
        await pilot.press("M", *"interview note", "ctrl+s")
        await pilot.press("tab", "tab", "down", "m", *"theme note", "ctrl+s")  # the codebook
        await pilot.press("ctrl+p", *"project memo", "enter")
        await settle(pilot)
        await pilot.press(*"project note", "ctrl+s")
        await settle(pilot)
        assert "memo on the project saved" in text_of(app, "#status")
        bench = Workbench(project, "ana")
        memos = sorted(bench.memos(), key=lambda m: m.text)
        assert [(m.target_type, m.coder, m.text) for m in memos] == [
            ("coding", "ana", "coding note"),
            ("excerpt", "ana", "excerpt note"),  # on ¶2, where the coding is
            ("interview", "ana", "interview note"),
            ("project", "ana", "project note"),
            ("theme", "ana", "theme note"),
        ]
        await pilot.press("L")
        await settle(pilot)
        assert "5 memos" in text_of(app, "#memo-count")
        assert next(m for m in memos if m.target_type == "excerpt").place == "INT-001 ¶2"
        await pilot.press(*"interview")
        await settle(pilot)
        assert "1 memo" in text_of(app, "#memo-count")
        await pilot.press("escape", "u")
        await settle(pilot)
        assert text_of(app, "#status").startswith("Undid: wrote a memo on the project")
        assert bench.memo("project", None) == ""


async def test_every_kind_of_action_is_undone_after_the_app_was_closed_and_reopened(
    project, excerpts
):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "S", "1", "exclamation_mark", "m", *"note", "ctrl+s")
        await pilot.press("M", *"pauses", "ctrl+s", "C", *"economic viol", "enter")
        await settle(pilot)
        await pilot.press("q")
    assert stored_codings(project) == [
        (excerpts[1], 0, 35, "economic-violence", "ana", True, "note")
    ]
    root = project.root
    project.close()
    reopened = Project.open(root)
    try:
        app = CodingApp(Workbench(reopened, "ana"))
        steps = [
            ("Undid: changed “Physical violence” to “Economic violence” on 8 words of INT-001 ¶2",
             [(excerpts[1], 0, 35, "physical-violence", "ana", True, "note")], "pauses"),
            ("Undid: wrote a memo on interview INT-001",
             [(excerpts[1], 0, 35, "physical-violence", "ana", True, "note")], ""),
            ("Undid: wrote a memo on “Physical violence” (8 words of INT-001 ¶2)",
             [(excerpts[1], 0, 35, "physical-violence", "ana", True, None)], ""),
            ("Undid: marked “Physical violence” important (8 words of INT-001 ¶2)",
             [(excerpts[1], 0, 35, "physical-violence", "ana", False, None)], ""),
            ("Undid: coded “Physical violence” on 8 words of INT-001 ¶2", [], ""),
        ]  # fmt: skip
        async with app.run_test(size=(140, 30)) as pilot:
            for message, codings, interview_memo in steps:
                await pilot.press("u")
                await settle(pilot)
                assert text_of(app, "#status").startswith(message)
                assert stored_codings(reopened) == codings
                assert Workbench(reopened, "ana").memo("interview", "INT-001") == interview_memo
            await pilot.press("u")
            assert "nothing to undo" in text_of(app, "#status")
            await pilot.press("U")
            await settle(pilot)
            assert "Physical violence" in text_of(app, "#codings")
            assert len(stored_codings(reopened)) == 1
    finally:
        reopened.close()


# --- the codebook editor ----------------------------------------------------------------------


def _on_theme(app, name: str) -> None:
    tree = app.screen.query_one("#editor-tree")
    tree.move_cursor(next(n for n in tree_nodes(tree.root) if n.data and n.data.name == name))


async def test_every_codebook_edit_by_keys_shows_and_exports_to_yaml_that_reimports_the_same(
    project, excerpts, run, tmp_path
):
    Workbench(project, "ana").apply_theme(excerpts[1], 0, 6, "hotlines")
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("E")
        await settle(pilot)
        _on_theme(app, "Police response")
        await pilot.press("a", *"Gossip", "enter")  # a sub-theme of Police response
        await settle(pilot)
        _on_theme(app, "Police response")
        await pilot.press("a", *"Neighbours", "enter")
        await settle(pilot)
        assert "added Neighbours" in text_of(app, "#editor-status")
        assert str(app.screen.query_one("#editor-theme").render()).startswith("Neighbours\n")
        await pilot.press("r", "ctrl+u", *"Neighbours' help", "enter")  # the new one in focus
        await pilot.press("d", *"Help from people next door.", "ctrl+s")
        await pilot.press("i", *"Hiding, calling the police.", "ctrl+s")
        await pilot.press("x", *"Relatives.", "ctrl+s")
        await pilot.press("c", *"#336699", "enter")
        await pilot.press("k", *"z", "enter")
        await pilot.press("m", *"Help-seeking", "enter")  # re-parented
        await settle(pilot)
        details = str(app.screen.query_one("#editor-theme").render())
        assert "Neighbours' help" in details and "key z" in details and "#336699" in details
        assert "Hiding, calling the police." in details and "Relatives." in details
        _on_theme(app, "Gossip")
        await pilot.press("M", *"Neighbours' help", "enter")
        await settle(pilot)
        assert "merged Gossip" in text_of(app, "#editor-status")
        _on_theme(app, "Hotlines")
        await pilot.press("delete", "escape")  # it has a coding: nothing goes unless it moves
        await settle(pilot)
        assert "hotlines" in {t.id for t in Workbench(project, "ana").themes()}
        await pilot.press("delete", *"Neighbours' help", "enter")
        await settle(pilot)
        assert "deleted Hotlines; its codings moved" in text_of(app, "#editor-status")
        await pilot.press("escape", "j", "S", "z")  # the new key codes on the coding screen
        await settle(pilot)
        assert "coded as Neighbours' help" in text_of(app, "#status")
    themes = {t.id: t for t in Workbench(project, "ana").themes()}
    new = themes["neighbours"]
    assert (new.name, new.parent, new.key, new.color) == (
        "Neighbours' help",
        "help-seeking-resistance",
        "z",
        "#336699",
    )
    assert "gossip" not in themes and "hotlines" not in themes
    assert [c[3] for c in stored_codings(project)] == ["neighbours", "neighbours"]

    out = tmp_path / "edited.yaml"
    assert run("--project", project.root, "codebook", "export", "-o", out).exit_code == 0
    again = init_project(tmp_path / "again")
    again.close()
    imported = run("--project", tmp_path / "again", "codebook", "import", out)
    assert imported.exit_code == 0, imported.stderr
    reopened = Project.open(tmp_path / "again")
    try:
        theirs = Workbench(reopened, "ana")
        mine = Workbench(project, "ana")
        assert _tree(theirs.themes()) == _tree(mine.themes())
        assert theirs.theme_details("neighbours") == mine.theme_details("neighbours")
    finally:
        reopened.close()
    assert {t.id for t, _p, _d in load_codebook(out).walk()} == set(themes)


async def test_moving_a_theme_offers_no_place_under_itself(project, excerpts):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("E")
        await settle(pilot)
        _on_theme(app, "Forms of violence")
        await pilot.press("m")
        await settle(pilot)
        options = app.screen.query_one("#picker-options")
        offered = {options.get_option_at_index(i).id for i in range(options.option_count)}
        assert "police-response" in offered and "(top level)" in offered
        assert not offered & {"violence", "physical-violence", "verbal-abuse-humiliation"}


def _tree(rows) -> list[tuple]:
    return [(t.id, t.name, t.depth, t.parent, t.key, t.color, t.description) for t in rows]


# --- coders -----------------------------------------------------------------------------------


async def test_another_coders_codings_show_beside_mine_with_their_name_and_a_dashed_stripe(
    project, excerpts
):
    Workbench(project, "ben").apply_theme(excerpts[1], 0, 35, "physical-violence")
    Workbench(project, "ana").apply_theme(excerpts[1], 0, 35, "economic-violence")
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        await settle(pilot)
        assert "(ben)" not in text_of(app, "#codings")
        await pilot.press("V")  # every coder's
        await settle(pilot)
        codings = text_of(app, "#codings").splitlines()
        assert any("Economic violence" in line and "(" not in line for line in codings)
        assert any("Physical violence" in line and "(ben)" in line for line in codings)
        reader = app.screen.query_one(Reader)
        line = "".join(s.text for s in reader.render_line(reader.text_top))
        assert "▌" in line and "┆" in line  # mine solid, ben's dashed, side by side
    assert len(stored_codings(project)) == 2


def test_the_coder_is_the_option_then_the_environment_then_testimony_yaml(project, monkeypatch):
    monkeypatch.delenv(ENV_CODER, raising=False)
    monkeypatch.setattr(project.settings, "coder", "yaml-coder")
    assert project.actor() == "yaml-coder"
    monkeypatch.setenv(ENV_CODER, "env-coder")
    assert project.actor() == "env-coder"
    assert project.actor("flag-coder") == "flag-coder"
    monkeypatch.setenv(ENV_CODER, "  ")  # set but blank: as if unset
    assert project.actor() == "yaml-coder"


@pytest.mark.parametrize(
    ("name", "problem"),
    [("", "cannot be empty"), ("ana\x1b[31m", "control characters"), ("x" * 129, "at most 128")],
)
def test_a_coder_name_that_cannot_be_shown_is_refused(project, excerpts, run, name, problem):
    result = run(
        "--project", project.root, "autocode", "police", "--theme", "police-dismissal",
        "--coder", name,
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.startswith("testimony: a coder's name ") and problem in result.stderr
    assert "\x1b" not in result.stderr
    assert stored_codings(project) == []


async def test_ctrl_q_while_a_memo_is_being_written_asks_before_it_is_lost(project, excerpts):
    from testimony.tui.screens.memo import MemoEditor

    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("M", *"three pages of notes", "ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, MemoEditor) and app.return_code is None
        assert "ctrl+q again quits without it" in str(app.screen.query_one("#memo-help").render())
        await pilot.press("ctrl+q")  # asked once: now it quits
    assert app.return_code == 0
    assert Workbench(project, "ana").memo("interview", "INT-001") == ""


async def test_ctrl_q_quits_with_exit_code_zero_and_the_place_is_kept(project, excerpts):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "ctrl+q")
    assert app.return_code == 0
    assert Workbench(project, "ana").last_place() == excerpts[2]
