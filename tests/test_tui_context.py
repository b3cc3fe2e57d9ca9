"""The reader shows the excerpt in context: the end of the one before and the start of
the one after, dimmed; X hides them (remembered per coder); a click opens one."""

from __future__ import annotations

import pytest

from testimony.coding.reader import CONTEXT_CHARS
from testimony.coding.workbench import Workbench
from testimony.tui.app import CodingApp
from testimony.tui.widgets.reader import Reader

from .coding_helpers import TEXTS, add_interview

SIZE = (100, 30)


def test_an_excerpt_comes_with_its_neighbours_in_the_interview(project, excerpts):
    view = Workbench(project, "ana").excerpt(excerpts[2])
    assert (view.before.position, view.before.text, view.before.speaker) == (
        2,
        TEXTS[1],
        "[PERSON-2]",
    )
    assert (view.after.position, view.after.text) == (4, TEXTS[3])
    assert not (view.before.cut_before or view.after.cut_after)


def test_the_neighbours_stop_at_the_interviews_ends(project, excerpts):
    bench = Workbench(project, "ana")
    first, last = bench.excerpt(excerpts[0]), bench.excerpt(excerpts[-1])
    assert first.before is None and first.after.position == 2
    assert last.after is None  # not the first excerpt of INT-002
    assert last.before.text == TEXTS[3]
    assert bench.excerpt(excerpts[2], context=False).before is None


def test_a_long_neighbour_is_cut_at_a_word_with_its_pseudonyms_moved(project):
    words = " ".join(f"word{i}" for i in range(400))  # far longer than CONTEXT_CHARS
    ids = add_interview(project, texts=[f"{words} [PERSON-1] ends.", "Middle.", f"{words}"])
    view = Workbench(project, "ana").excerpt(ids[1])
    before, after = view.before, view.after
    assert before.cut_before and not before.cut_after
    assert len(before.text) <= CONTEXT_CHARS and before.text.endswith("[PERSON-1] ends.")
    assert before.text.split()[0].startswith("word")  # a whole word, not a piece of one
    (mark,) = before.pseudonyms
    assert before.text[mark.start : mark.end] == "[PERSON-1]"
    assert after.cut_after and after.text.startswith("word0 word1")
    assert len(after.text) <= CONTEXT_CHARS and words.startswith(after.text)


def reader_rows(reader: Reader) -> list[str]:
    return [
        "".join(s.text for s in reader.render_line(y)).rstrip()
        for y in range(reader.scrollable_content_region.height)
    ]


@pytest.mark.sqlite_only
@pytest.mark.anyio
async def test_the_reader_shows_the_neighbours_dimmed_above_and_below(project, excerpts):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j")
        await pilot.pause()
        reader = app.screen.query_one(Reader)
        rows = reader_rows(reader)
        top = reader.text_top
        assert rows[0].startswith("¶2 [PERSON-2]  He hit me in front of the children.")
        assert rows[top].startswith(TEXTS[2][:30])
        assert any(r.startswith("¶4 [PERSON-2]  My mother-in-law told me") for r in rows[top:])
        muted = reader.get_component_rich_style("reader--context").color
        assert all(s.style.color == muted for s in reader.render_line(0) if s.text.strip())
        assert list(reader.render_line(top))[0].style.color != muted
        await pilot.press("g")  # the first excerpt: nothing before it in the interview
        await pilot.pause()
        assert reader_rows(reader)[0] == "· start of INT-001 ·"


@pytest.mark.sqlite_only
@pytest.mark.anyio
async def test_x_hides_the_context_and_it_stays_hidden_after_a_restart(project, excerpts):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "X")
        await pilot.pause()
        reader = app.screen.query_one(Reader)
        assert reader.text_top == 0
        assert reader_rows(reader)[0].startswith(TEXTS[1])
        assert "hidden" in str(app.screen.query_one("#status").render())
    assert Workbench(project, "ana").shows_context() is False
    assert Workbench(project, "ben").shows_context() is True  # each coder's own choice
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.query_one(Reader).text_top == 0
        await pilot.press("X")
        await pilot.pause()
        assert app.screen.query_one(Reader).text_top > 0
    assert Workbench(project, "ana").shows_context() is True


@pytest.mark.sqlite_only
@pytest.mark.anyio
async def test_clicking_a_neighbour_opens_it(project, excerpts):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j")
        await pilot.pause()
        reader = app.screen.query_one(Reader)
        top = reader.scrollable_content_region.y - reader.region.y
        await pilot.click(Reader, offset=(5, top))
        await pilot.pause()
        assert app.screen.excerpt.position == 2
        after = top + reader.text_top + 2  # below the one-line text and the blank row
        await pilot.click(Reader, offset=(5, after))
        await pilot.pause()
        assert app.screen.excerpt.position == 3
