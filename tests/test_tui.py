"""The coding workbench, driven by keys and mouse through Textual's Pilot.

Each test acts as a coder would and checks both what project.db holds
afterwards and what the screen shows.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from testimony.coding.workbench import Workbench
from testimony.db.models import Coder, Coding, Memo, Theme
from testimony.project import Project
from testimony.tui.app import CodingApp
from testimony.tui.widgets.reader import Reader

from .coding_helpers import TEXTS, settle

SIZE = (100, 30)
# The TUI works through the same services on either backend; those run on both elsewhere.
pytestmark = [pytest.mark.anyio, pytest.mark.sqlite_only]


def stored_codings(project) -> list[tuple[int, int, int, str, str, bool, str | None]]:
    with project.session() as s:
        rows = s.execute(
            select(
                Coding.excerpt_id,
                Coding.start,
                Coding.end,
                Theme.slug,
                Coder.name,
                Coding.important,
                Coding.memo,
            )
            .join(Theme, Theme.id == Coding.theme_id)
            .join(Coder, Coder.id == Coding.coder_id)
            .order_by(Coding.id)
        )
        return [tuple(r) for r in rows]


def tree_nodes(node):
    """Every node under node, depth first."""
    for child in node.children:
        yield child
        yield from tree_nodes(child)


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def start(project, coder: str = "ana"):
    app = CodingApp(Workbench(project, coder))
    return app


async def test_opening_shows_the_first_excerpt_with_its_place(project, excerpts):
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "INT-001 ¶1/5" in text_of(app, "#location")
        assert "INTERVIEWER" in text_of(app, "#location")
        assert "00:00:15" in text_of(app, "#location")
        assert app.screen.query_one(Reader).view.text == TEXTS[0]
        assert "INT-002" in str(app.screen.query_one("#interviews").get_option_at_index(1).prompt)


async def test_selecting_a_sentence_by_keys_and_applying_a_theme_by_its_key(project, excerpts):
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "S", "1")
        await settle(pilot)
        assert stored_codings(project) == [
            (excerpts[1], 0, 35, "physical-violence", "ana", False, None)
        ]
        assert "Physical violence" in text_of(app, "#codings")
        assert "He hit me in front of the children." in text_of(app, "#codings")
        assert "coded" in text_of(app, "#status")


async def test_moving_and_extending_the_selection_by_word_and_sentence(project, excerpts):
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "right", "right", "shift+right")
        reader = app.screen.query_one(Reader)
        assert TEXTS[1][slice(*reader.span)] == "me in"
        await pilot.press("right_parenthesis")
        assert TEXTS[1][slice(*reader.span)] == "me in front of the children."
        await pilot.press("right_parenthesis")
        assert TEXTS[1][slice(*reader.span)].endswith("it was my fault.")
        await pilot.press("escape", "A")
        assert reader.span == (0, len(TEXTS[1]))


async def test_a_mouse_drag_selects_whole_words(project, excerpts):
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        reader = app.screen.query_one(Reader)
        top = reader.scrollable_content_region.y - reader.region.y + reader.text_top
        await pilot.mouse_down(Reader, offset=(1, top))
        await pilot.hover(Reader, offset=(12, top))
        await pilot.mouse_up(Reader, offset=(12, top))
        assert TEXTS[1][slice(*reader.span)] == "He hit me in"


async def test_applying_a_theme_with_the_fuzzy_picker(project, excerpts):
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "S", "enter")
        await pilot.press(*"medical evid")
        await pilot.press("enter")
        await settle(pilot)
        assert stored_codings(project) == [
            (excerpts[2], 0, 45, "police-demand-medical-evidence", "ana", False, None)
        ]
        assert "Police demand medical evidence" in text_of(app, "#codings") or (
            "medical" in text_of(app, "#codings").lower()
        )


async def test_one_span_takes_several_themes(project, excerpts):
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "S", "8", "a")
        await settle(pilot)
        assert [c[3] for c in stored_codings(project)] == [
            "police-dismissal",
            "police-demand-medical-evidence",
        ]
        assert len(text_of(app, "#codings").splitlines()) == 2


async def test_removing_and_changing_the_coding_under_the_cursor(project, excerpts):
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "S", "1", "C")
        await pilot.press(*"economic viol", "enter")
        await settle(pilot)
        assert [c[3] for c in stored_codings(project)] == ["economic-violence"]
        assert "Economic violence" in text_of(app, "#codings")
        await pilot.press("delete")
        await settle(pilot)
        assert stored_codings(project) == []
        assert "no codings here yet" in text_of(app, "#codings")


async def test_marking_important_and_writing_memos(project, excerpts):
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "S", "1", "exclamation_mark", "m")
        await pilot.press(*"first disclosure", "ctrl+s")
        await settle(pilot)
        assert stored_codings(project)[0][5:] == (True, "first disclosure")
        assert "★" in text_of(app, "#codings") and "✎" in text_of(app, "#codings")
        await pilot.press("M", *"long pauses", "ctrl+s")
        await settle(pilot)
    with project.session() as s:
        memos = [(m.target_type, m.text) for m in s.scalars(select(Memo))]
    assert memos == [("interview", "long pauses")]


async def test_undo_and_redo_in_the_app(project, excerpts):
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "S", "1", "u")
        await settle(pilot)
        assert stored_codings(project) == []
        assert "Undid: coded “Physical violence” on 8 words of INT-001 ¶2" in text_of(
            app, "#status"
        )
        await pilot.press("U")
        await settle(pilot)
        assert len(stored_codings(project)) == 1
        assert "Physical violence" in text_of(app, "#codings")


async def test_undo_survives_closing_and_reopening_the_app(project, excerpts):
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "S", "4", "q")
    assert app.return_code == 0
    root = project.root
    project.close()
    reopened = Project.open(root)
    try:
        app = await start(reopened)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("u")
            await settle(pilot)
            assert stored_codings(reopened) == []
            assert "Undid: coded “Economic violence” on 8 words of INT-001 ¶2" in text_of(
                app, "#status"
            )
            assert app.screen.excerpt.id == excerpts[1]  # taken to where the change was
    finally:
        reopened.close()


async def test_navigation_keys_move_between_excerpts_and_interviews(project, excerpts):
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("G")
        assert "¶5/5" in text_of(app, "#location")
        await pilot.press("k", "k")
        assert "¶3/5" in text_of(app, "#location")
        await pilot.press("g")
        assert "¶1/5" in text_of(app, "#location")
        await pilot.press("pagedown")
        assert "INT-002 ¶2/2" in text_of(app, "#location")
        await pilot.press("left_curly_bracket")
        assert "INT-001 ¶1/5" in text_of(app, "#location")
        await pilot.press("colon", "4", "enter")
        assert "INT-001 ¶4/5" in text_of(app, "#location")


async def test_next_uncoded_skips_what_the_coder_has_coded(project, excerpts):
    Workbench(project, "ana").apply_theme(excerpts[1], 0, 4, "physical-violence")
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        assert "¶3/5" in text_of(app, "#location")


async def test_search_shows_ranked_hits_and_enter_opens_the_excerpt(project, excerpts):
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"laughed")
        await settle(pilot)
        assert "1 excerpt, best first" in text_of(app, "#search-count")
        await pilot.press("enter")
        await settle(pilot)
        assert "INT-001 ¶3/5" in text_of(app, "#location")


async def test_retrieval_lists_quotes_and_opens_one_in_context(project, excerpts):
    ana = Workbench(project, "ana")
    ana.apply_theme(excerpts[3], 3, 16, "in-laws-role")
    ana.apply_theme(excerpts[1], 0, 35, "physical-violence")
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("t", *"in-laws", "enter")
        await settle(pilot)
        assert "quote 1 of 1 ·" in text_of(app, "#retrieval-count")
        await pilot.press("enter")
        await settle(pilot)
        assert "INT-001 ¶4/5" in text_of(app, "#location")
        reader = app.screen.query_one(Reader)
        assert TEXTS[3][slice(*reader.span)] == "mother-in-law"


async def test_the_view_switches_between_own_and_other_coders_codings(project, excerpts):
    Workbench(project, "ben").apply_theme(excerpts[0], 0, 4, "physical-violence")
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        assert "no codings here yet" in text_of(app, "#codings")
        await pilot.press("V")  # all coders
        assert "(ben)" in text_of(app, "#codings")
        assert "every coder's codings" in text_of(app, "#status")
        await pilot.press("V")  # ben's
        assert "ben's codings" in text_of(app, "#status")
        assert "(ben)" in text_of(app, "#codings")
        await pilot.press("V")  # back to mine
        assert "no codings here yet" in text_of(app, "#codings")
    assert len(stored_codings(project)) == 1


async def test_every_coding_action_is_in_the_command_palette(project, excerpts):
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "S", "ctrl+p", *"mark coding important")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert stored_codings(project) == []  # nothing coded yet: nothing to mark
        await pilot.press("1", "ctrl+p", *"mark coding important")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert stored_codings(project)[0][5] is True


async def test_q_quits_with_exit_code_zero(project, excerpts):
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
    assert app.return_code == 0


async def test_an_empty_project_opens_with_a_hint(project):
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "No interviews yet" in text_of(app, "#location")
        assert "testimony import" in text_of(app, "#status")
        await pilot.press("j", "1", "u")
        assert "nothing to undo" in text_of(app, "#status")


async def test_the_codebook_editor_adds_and_renames_themes(project, excerpts):
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("E")
        await settle(pilot)
        await pilot.press("r", "ctrl+u", *"Forms of abuse", "enter")  # the first theme
        await settle(pilot)
        await pilot.press("a", *"Neighbours", "enter")  # under it; the cursor goes to it
        await settle(pilot)
        await pilot.press("r", "ctrl+u", *"Neighbours' help", "enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        labels = [str(n.label) for n in tree_nodes(app.screen.query_one("#codebook").root)]
    assert any("Neighbours' help" in label for label in labels)
    rows = {t.id: t for t in Workbench(project, "ana").themes()}
    assert (rows["neighbours"].name, rows["neighbours"].parent) == ("Neighbours' help", "violence")
    assert rows["violence"].name == "Forms of abuse"


async def test_deleting_a_coded_theme_in_the_editor_moves_its_codings(project, excerpts):
    Workbench(project, "ana").apply_theme(excerpts[1], 0, 4, "police-refusal-to-register")
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("E")
        await settle(pilot)
        tree = app.screen.query_one("#editor-tree")
        node = next(n for n in tree_nodes(tree.root) if "Refusal to register" in str(n.label))
        tree.move_cursor(node)
        await pilot.press("delete", *"dismissal", "enter")
        await settle(pilot)
        assert "codings moved" in str(app.screen.query_one("#editor-status").render())
    assert [c[3] for c in stored_codings(project)] == ["police-dismissal"]


async def test_a_key_the_coding_screen_uses_cannot_become_a_theme_key(project, excerpts):
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("E")
        await settle(pilot)
        await pilot.press("k", "ctrl+u", "j", "enter")
        await settle(pilot)
        assert "kept for the coding screen" in str(app.screen.query_one("#editor-status").render())
    assert {t.id: t.key for t in Workbench(project, "ana").themes()}["violence"] is None


async def test_the_memo_list_finds_memos_and_opens_where_they_were_written(project, excerpts):
    ana = Workbench(project, "ana")
    coding = ana.apply_theme(excerpts[3], 0, 10, "in-laws-role")
    ana.set_coding_memo(coding.id, "pressure from the husband's mother")
    ana.set_memo("interview", "INT-002", "short, interrupted")
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("L")
        await settle(pilot)
        assert "2 memos" in text_of(app, "#memo-count")
        await pilot.press(*"mother")
        await settle(pilot)
        assert "1 memo" in text_of(app, "#memo-count")
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert "INT-001 ¶4/5" in text_of(app, "#location")


async def test_question_mark_shows_the_themes_criteria(project, excerpts):
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "S", "1", "question_mark")
        await settle(pilot)
        shown = str(app.screen.query_one("#theme-info Static").render())
        assert "Physical violence" in shown and "Include" in shown and "Exclude" in shown
        await pilot.press("escape")
        assert app.screen.query_one(Reader)


async def test_choosing_a_theme_in_the_tree_codes_only_a_real_selection(project, excerpts):
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "tab", "tab", "down", "enter")  # tree: physical violence
        await settle(pilot)
        assert stored_codings(project) == []
        assert "select words first" in text_of(app, "#status")
        await pilot.press("tab", "S", "shift+tab", "enter")  # to the reader and back
        await settle(pilot)
        assert [c[3] for c in stored_codings(project)] == ["physical-violence"]


async def test_the_reader_sets_pseudonyms_apart_and_paints_codings_in_theme_colours(
    project, excerpts
):
    ana = Workbench(project, "ana")
    ana.apply_theme(excerpts[4], 0, 30, "positive-support")
    ana.apply_theme(excerpts[4], 16, 40, "not-knowing-services")
    colors = {t.id: t.color for t in ana.themes()}
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("G")
        await settle(pilot)
        reader = app.screen.query_one(Reader)
        segments = list(reader.render_line(reader.text_top))
        text = "".join(s.text for s in segments)
        assert text.startswith("[PERSON-1] from the crisis centre")

        def style_at(offset: int):
            seen = 0
            for segment in segments:
                if seen + len(segment.text) > offset:
                    return segment.style
                seen += len(segment.text)

        pseudonym, plain, overlap = style_at(2), style_at(12), style_at(20)
        assert pseudonym.bold and pseudonym.italic
        assert not plain.italic
        assert plain.bgcolor.name == colors["positive-support"]
        assert overlap.underline and not plain.underline
        assert "▌" in text  # a coding stripe in the margin


async def test_the_interview_list_shows_review_state_and_progress(project, excerpts):
    from testimony.db.models import Interview

    with project.session() as s, s.begin():
        s.scalar(select(Interview).where(Interview.code == "INT-002")).review_state = "in-review"
    Workbench(project, "ana").apply_theme(excerpts[0], 0, 4, "physical-violence")
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        interviews = app.screen.query_one("#interviews")
        first = str(interviews.get_option_at_index(0).prompt)
        second = str(interviews.get_option_at_index(1).prompt)
        assert first.startswith("○ INT-001") and "20%" in first
        assert second.startswith("◐ INT-002") and " 0%" in second


async def test_the_codebook_editors_actions_are_in_the_palette_too(project, excerpts):
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("E")
        await settle(pilot)
        await pilot.press("ctrl+p", *"add sub-theme")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*"Court delays", "enter")
        await settle(pilot)
    assert "court-delays" in {t.id for t in Workbench(project, "ana").themes()}


async def test_keys_typed_in_a_burst_act_in_order(project, excerpts):
    from textual import events

    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("j", "j", "S", "8"):  # as a fast typist (or tmux) sends them
            app.post_message(events.Key(key, key))
        await settle(pilot)
        assert stored_codings(project) == [
            (excerpts[2], 0, 45, "police-dismissal", "ana", False, None)
        ]


async def test_m_in_the_codebook_writes_a_memo_on_the_theme(project, excerpts):
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "tab", "down", "m", *"define against 'sexual'", "ctrl+s")
        await settle(pilot)
    assert Workbench(project, "ana").memo("theme", "physical-violence") == "define against 'sexual'"


async def test_the_workbench_reopens_where_the_coder_stopped(project, excerpts):
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "j", "q")
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "INT-001 ¶4/5" in text_of(app, "#location")
    other = await start(project, "ben")  # each coder has their own place
    async with other.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "INT-001 ¶1/5" in text_of(other, "#location")


async def test_a_codebook_edit_is_undone_in_the_editor_and_on_the_coding_screen(project, excerpts):
    original = Workbench(project, "ana").theme_details("violence").name
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("E")
        await settle(pilot)
        await pilot.press("r", "ctrl+u", *"Forms of abuse", "enter")
        await settle(pilot)
        assert Workbench(project, "ana").theme_details("violence").name == "Forms of abuse"
        await pilot.press("u")
        await settle(pilot)
        assert "Undid: renamed “Forms of violence” to “Forms of abuse”" in text_of(
            app, "#editor-status"
        )
        assert Workbench(project, "ana").theme_details("violence").name == original
        await pilot.press("U", "escape")
        await settle(pilot)
        await pilot.press("u")  # on the coding screen: the same log
        await settle(pilot)
        assert "Undid: renamed “Forms of violence”" in text_of(app, "#status")
        labels = [str(n.label) for n in tree_nodes(app.screen.query_one("#codebook").root)]
    assert any(original in label for label in labels)
    assert not any("Forms of abuse" in label for label in labels)
    assert Workbench(project, "ana").theme_details("violence").name == original


async def test_coding_updates_its_interviews_row_and_counts_alone(project, excerpts):
    app = await start(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listing = app.screen.query_one("#interviews")
        first = str(listing.get_option_at_index(0).prompt)
        second = str(listing.get_option_at_index(1).prompt)
        await pilot.press("j", "S", "1")
        await settle(pilot)
        assert str(listing.get_option_at_index(0).prompt) != first  # its progress moved
        assert str(listing.get_option_at_index(1).prompt) == second
        rows = {r.id: r for r in Workbench(project, "ana").interviews()}
        assert rows["INT-001"].codings == 1
        assert Workbench(project, "ana").interviews("INT-001") == [rows["INT-001"]]
