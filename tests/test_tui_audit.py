"""What a new coder meets on the workbench: a footer with the keys that matter now, a
status line that keeps its message readable at 80 columns, search and memo screens that
say where things are. Each found in a day's use at 80×24 and 200×50."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from testimony.coding.workbench import Workbench
from testimony.tui.app import CodingApp

from .coding_helpers import add_interview, settle

pytestmark = [pytest.mark.anyio, pytest.mark.sqlite_only]
SMALL = (80, 24)


def footer_keys(app) -> dict[str, FooterKey]:
    return {k.description: k for k in app.screen.query(FooterKey) if k.key != "ctrl+p"}


def visible_text(widget) -> str:
    """What a widget shows on the screen now (not what it would show if it were larger)."""
    from textual.geometry import Region

    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return "\n".join(strip.text for strip in strips)


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def test_the_footer_shows_the_keys_for_what_is_in_front(project, excerpts):
    Workbench(project, "ana").apply_theme(excerpts[1], 0, 6, "physical-violence")
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        reading = footer_keys(app)
        assert {"Sentence", "Apply…", "Search", "Quit"} <= set(reading)
        assert "Remove" not in reading
        await pilot.press("j", "right_square_bracket")  # a coding in focus
        await settle(pilot)
        coding = footer_keys(app)
        assert {"Remove", "Change", "Important", "Memo", "Apply…"} <= set(coding)
        await pilot.press("right", "right", "right", "shift+right")  # plain words selected
        await settle(pilot)
        selected = footer_keys(app)
        assert {"Apply…", "Unselect"} <= set(selected) and "Remove" not in selected
        await pilot.press("tab", "tab")  # the codebook
        await settle(pilot)
        assert {"About theme", "Memo", "Retrieve"} <= set(footer_keys(app))


async def test_every_footer_key_fits_in_80_columns(project, excerpts):
    Workbench(project, "ana").apply_theme(excerpts[1], 0, 6, "physical-violence")
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SMALL) as pilot:
        for keys in ([], ["j", "right_square_bracket"], ["escape", "right", "shift+right"]):
            await pilot.press(*keys)
            await settle(pilot)
            palette = next(k for k in app.screen.query(FooterKey) if k.key == "ctrl+p")
            for key in footer_keys(app).values():
                assert key.region.right <= palette.region.x, f"{key.description} is cut"


async def test_the_status_line_keeps_the_message_and_says_whose_codings_show(project, excerpts):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        status = app.screen.query_one("#status")
        assert "S then a theme's key" in text_of(app, "#status")
        assert visible_text(status).rstrip() == text_of(app, "#status").rstrip()  # not cut
        assert text_of(app, "#who").strip() == "ana"
        await pilot.press("j", "S", "1")
        await settle(pilot)
        assert text_of(app, "#status").startswith("coded as Physical violence")
        await pilot.press("V")
        await settle(pilot)
        assert text_of(app, "#who").strip() == "ana · all coders"
        assert status.region.right <= app.screen.query_one("#who").region.x


async def test_a_search_hit_opens_with_its_words_selected_and_search_goes_on_from_it(
    project, excerpts
):
    from testimony.tui.widgets.reader import Reader

    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *'"he said"')
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        first = app.screen.excerpt
        reader = app.screen.query_one(Reader)
        assert first.text[slice(*reader.span)].lower() == "he said"
        await pilot.press("1")  # the theme's key codes the matched words
        await settle(pilot)
        (coding,) = Workbench(project, "ana").excerpt(first.id).codings
        assert first.text[coding.start : coding.end].lower() == "he said"
        await pilot.press("slash")  # back to the same results, on the next hit
        await settle(pilot)
        assert app.screen.query_one("#search-query").value == '"he said"'
        assert app.screen.query_one("#search-results").highlighted == 1
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.excerpt.id != first.id
        assert "he said" in app.screen.excerpt.text.lower()


async def test_the_memo_list_says_where_each_memo_is_and_opens_it_there(project, excerpts):
    from textual.widgets import OptionList

    from testimony.tui.screens.memo import MemoEditor
    from testimony.tui.widgets.reader import Reader

    ana = Workbench(project, "ana")
    coding = ana.apply_theme(excerpts[3], 3, 16, "in-laws-role")  # mother-in-law
    ana.set_coding_memo(coding.id, "pressure from the husband's mother")
    ana.set_memo("excerpt", excerpts[2], "the officer laughed")
    ana.set_memo("theme", "endure-sabyr", "a word survivors use")
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("L")
        await settle(pilot)
        results = app.screen.query_one("#memo-results", OptionList)
        labels = [str(results.get_option_at_index(i).prompt) for i in range(3)]
        assert any(label.startswith("In-laws' role · INT-001 ¶4") for label in labels)
        assert any(label.startswith("excerpt INT-001 ¶3") for label in labels)
        assert "Memos on codings, excerpts" in text_of(app, "#memo-help")
        await pilot.press(*"husband", "enter", "enter")  # the coding memo: opens in focus
        await settle(pilot)
        reader = app.screen.query_one(Reader)
        assert reader.focused_coding == coding.id and reader.span == (3, 16)
        assert "Remove" in footer_keys(app)
        await pilot.press("L", *"survivors", "enter", "enter")  # a theme's memo: to edit
        await settle(pilot)
        assert isinstance(app.screen, MemoEditor)
        assert app.screen.query_one("TextArea").text == "a word survivors use"


async def test_an_empty_memo_list_says_how_to_write_one(project, excerpts):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("L")
        await settle(pilot)
        assert "m writes one" in text_of(app, "#memo-count")
        await pilot.press(*"zzz")
        await settle(pilot)
        assert "no memo holds “zzz”" in text_of(app, "#memo-count")


def contrast(style, background) -> float:
    """WCAG contrast ratio of a style's colour on a background colour."""

    def luminance(color) -> float:
        def channel(value: int) -> float:
            value /= 255
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        r, g, b = color.get_truecolor()
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)

    high, low = sorted((luminance(style.color), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "catppuccin-latte", "nord"])
async def test_pseudonyms_and_context_are_readable_in_dark_and_light_themes(
    project, excerpts, theme
):
    from testimony.tui.widgets.reader import Reader

    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SMALL) as pilot:
        app.theme = theme
        await settle(pilot)
        reader = app.screen.query_one(Reader)
        background = reader.rich_style.bgcolor
        for part in ("reader--pseudonym", "reader--context"):
            style = reader.rich_style + reader.get_component_rich_style(part)
            assert contrast(style, background) >= 4.5, f"{part} is hard to read in {theme}"


async def test_in_a_wide_terminal_lines_keep_a_readable_length(project):
    from testimony.tui.widgets.reader import MEASURE, Reader

    long_turn = " ".join(["He said there were no visible wounds, so nothing could be done."] * 8)
    ids = add_interview(project, texts=["When did it start?", long_turn])
    Workbench(project, "ana").apply_theme(ids[1], 0, 7, "physical-violence")
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.press("j")
        await settle(pilot)
        reader = app.screen.query_one(Reader)
        assert reader.scrollable_content_region.width > MEASURE + 20
        row = reader.text_top
        line = "".join(s.text for s in reader.render_line(row))
        text, stripe = line[:MEASURE].rstrip(), line.rstrip()[-1]
        assert long_turn.startswith(text) and MEASURE - 20 < len(text) <= MEASURE
        assert stripe == "▌" and len(line.rstrip()) <= MEASURE + 2  # the stripe beside the text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "It was signed by a Mr. Ahmed Sergeyev, director. Then he left.",
            "It was signed by a Mr. Ahmed Sergeyev, director.",
        ),
        ("1. Getting there\nWe met at the court.", "1. Getting there"),
        (
            "Dr. Aliyeva saw me at 3 p.m. on Monday. She wrote it down.",
            "Dr. Aliyeva saw me at 3 p.m. on Monday.",
        ),
        (
            "Case No. 3 was closed without a word. Nobody called.",
            "Case No. 3 was closed without a word.",
        ),
    ],
)
async def test_s_selects_a_whole_sentence_across_titles_numbers_and_headings(
    project, text, expected
):
    from testimony.coding.spans import sentence_bounds

    ids = add_interview(project, texts=[text])
    assert text[slice(*sentence_bounds(text)[0])] == expected
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("S", "1")
        await settle(pilot)
        (coding,) = Workbench(project, "ana").excerpt(ids[0]).codings
        assert text[coding.start : coding.end] == expected


async def test_the_picker_names_what_it_codes_or_changes_and_each_themes_parent(project, excerpts):
    from textual.widgets import Label, OptionList

    Workbench(project, "ana").apply_theme(excerpts[1], 0, 35, "physical-violence")
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j", *["right"] * 9, "S", "enter")  # the second sentence
        await settle(pilot)
        title = str(app.screen.query_one("#picker-title", Label).render())
        assert title == "Apply a theme to “Then he said it was my fault.”"
        options = app.screen.query_one("#picker-options", OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        insults = next(label for label in labels if label.startswith("■ Insults"))
        assert "in Psychological and emotional violence" in insults
        await pilot.press("escape", "left_square_bracket", "C")
        await settle(pilot)
        title = str(app.screen.query_one("#picker-title", Label).render())
        assert title == "Change Physical violence to"


async def test_escape_does_not_throw_away_a_changed_memo_at_once(project, excerpts):
    from testimony.tui.screens.memo import MemoEditor

    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("M", *"Long answer, ", "escape")  # by habit
        await settle(pilot)
        assert isinstance(app.screen, MemoEditor)
        assert "not saved" in text_of(app, "#memo-help")
        await pilot.press(*"interrupted twice.", "ctrl+s")
        await settle(pilot)
        assert Workbench(project, "ana").memo("interview", "INT-001") == (
            "Long answer, interrupted twice."
        )
        await pilot.press("M", "escape")  # unchanged: escape leaves at once
        await settle(pilot)
        assert not isinstance(app.screen, MemoEditor)
        await pilot.press("M", *" Later.", "escape", "escape")  # asked, then discarded
        await settle(pilot)
        assert not isinstance(app.screen, MemoEditor)
        assert Workbench(project, "ana").memo("interview", "INT-001").endswith("twice.")


async def test_the_palette_has_every_action_and_shows_the_keys_of_the_users_keymap(
    project, excerpts
):
    from testimony.tui.commands import coding_commands
    from testimony.tui.screens.coding import CodingScreen
    from testimony.tui.widgets.reader import Reader

    app = CodingApp(Workbench(project, "ana"), keymap={"coding.next": "ctrl+n"})
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        commands = {c.title: c for c in coding_commands(app.screen)}
        assert commands["Next excerpt"].help == "key ↓, ^n"  # the keymap's, not j
        assert "key j" not in commands["Next excerpt"].help
        assert "key ↓" not in commands["Ten excerpts on"].help  # pgdn, not the arrow
        actions = {c.callback.__closure__[0].cell_contents for c in commands.values()}
        cursor_moves = {"word", "extend", "sentence"}  # moved by keys and mouse, not by name
        for owner in (CodingScreen, Reader):
            for binding in owner.BINDINGS:
                action = binding.action.removeprefix("screen.")
                if action != "app.quit" and action.split("(")[0] not in cursor_moves:
                    assert action in actions, f"{binding.id} is not in the palette"
        await pilot.press("j", "S", "ctrl+p", *"unselect")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(Reader).selection.collapsed


async def test_keys_in_the_lists_act_on_what_the_list_highlights(project, excerpts):
    from testimony.tui.screens.memo import MemoEditor
    from testimony.tui.widgets.codebook import CodebookTree

    Workbench(project, "ana").apply_theme(excerpts[1], 0, 6, "physical-violence")
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j")  # reading INT-001, the coding in focus
        await pilot.press("tab")  # the interview list
        await settle(pilot)
        await pilot.press("down", "M")  # INT-002 highlighted, not opened
        await settle(pilot)
        assert isinstance(app.screen, MemoEditor)
        await pilot.press(*"short, interrupted", "ctrl+s")
        await settle(pilot)
        assert Workbench(project, "ana").memo("interview", "INT-002") == "short, interrupted"
        assert Workbench(project, "ana").memo("interview", "INT-001") == ""
        await pilot.press("tab")  # the codebook, on a theme other than the coding's
        tree = app.screen.query_one(CodebookTree)
        while tree.cursor_node.data.id != "police-dismissal":
            await pilot.press("down")
        await pilot.press("R")
        await settle(pilot)
        assert app.screen.theme == "police-dismissal"


async def test_the_coding_list_keeps_the_focused_coding_in_sight_and_counts_the_rest(
    project, excerpts
):
    ana = Workbench(project, "ana")
    themes = ["physical-violence", "police-dismissal", "endure-sabyr", "in-laws-role"]
    themes += ["verbal-abuse-humiliation", "economic-violence", "positive-support"]
    for offset, theme in enumerate(themes):
        ana.apply_theme(excerpts[2], offset, offset + 40, theme)
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("j", "j", "left_square_bracket")  # back round to the last coding
        await settle(pilot)
        shown = text_of(app, "#codings")
        assert "▸   Positive support received" in shown
        assert "+3 more codings" in shown
        assert len(shown.splitlines()) <= 5


async def test_the_codebook_editors_footer_fits_its_main_keys_in_80_columns(project, excerpts):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("E")
        await settle(pilot)
        keys = footer_keys(app)
        assert {"Add", "Rename", "Describe", "Move", "Merge", "Delete", "Undo"} <= set(keys)
        palette = next(k for k in app.screen.query(FooterKey) if k.key == "ctrl+p")
        for key in keys.values():
            assert key.region.right <= palette.region.x, f"{key.description} is cut"
        assert "esc back" in visible_text(app.screen.query_one("#editor-status"))


async def test_moving_past_either_end_says_so(project, excerpts):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("k")
        await settle(pilot)
        assert text_of(app, "#status") == "this is the first excerpt of the project"
        await pilot.press("right_curly_bracket", "G", "j")  # the end of the last interview
        await settle(pilot)
        assert app.screen.excerpt.interview == "INT-002"
        assert text_of(app, "#status") == "this is the last excerpt of the project"


async def test_applying_a_theme_twice_says_it_is_already_there(project, excerpts):
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("j", "S", "1")
        await settle(pilot)
        assert text_of(app, "#status").startswith("coded as Physical violence")
        await pilot.press("1")  # pressed twice by mistake: nothing new, and it says so
        await settle(pilot)
        assert text_of(app, "#status").startswith("already coded as Physical violence")
        assert len(Workbench(project, "ana").excerpt(excerpts[1]).codings) == 1


async def test_a_quote_of_another_coder_opens_with_its_coding_shown(project, excerpts):
    from testimony.tui.widgets.reader import Reader

    ben = Workbench(project, "ben").apply_theme(excerpts[2], 0, 45, "police-dismissal")
    app = CodingApp(Workbench(project, "ana"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("R", "t", *"Dismissal", "enter")
        await settle(pilot)
        await pilot.press("enter")  # ben's quote, every coder's quotes listed
        await settle(pilot)
        reader = app.screen.query_one(Reader)
        assert reader.span == (0, 45)
        assert reader.focused_coding == ben.id  # shown, though ana reads her own by default
        assert "(ben)" in text_of(app, "#codings")
        assert "all coders" in text_of(app, "#who")
