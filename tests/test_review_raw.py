"""Reading the raw text as a reviewer: select a missed name and redact it, sign off.

Pilot drives the real review app on a real project (spaCy import, vault and
project.db on disk); the checks read the vault, project.db and the screen.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from textual.widgets import Static

from testimony.db.models import Interview
from testimony.redact import review
from testimony.tui.review_app import ReviewApp
from testimony.tui.screens.raw_text import RawTextScreen
from testimony.tui.widgets.reader import Reader
from testimony.vault.models import Entity, Mention

from .test_rerender import _texts
from .test_review_tui import settle

pytestmark = pytest.mark.anyio


def _interview(project) -> str:  # noqa: ANN001
    return review.review_progress(project)[0].interview


def test_raw_segments_show_the_raw_words_and_where_mentions_are(shell_project):
    segments = review.raw_segments(shell_project, _interview(shell_project))
    assert any("Lucky" in s.text for s in segments)
    spans = [(s.text[m.start : m.end], m.label) for s in segments for m in s.mentions]
    assert ("Yerlan Bekov", "PERSON") in spans
    assert not any("Lucky" in words for words, _label in spans)  # the one the engine missed


async def _open_raw(app, pilot) -> RawTextScreen:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("v")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, RawTextScreen)
    return screen


async def _go_to_word(pilot, screen: RawTextScreen, word: str) -> None:  # noqa: ANN001
    """Step to the first segment holding word, then move the cursor onto it by word keys."""
    while word not in screen.segments[screen.index].text:
        await pilot.press("j")
    reader = screen.query_one(Reader)
    for _ in range(len(reader.selection.words)):
        if screen.selected_text() == word:
            return
        await pilot.press("right")
    raise AssertionError(f"never reached {word!r}")


@pytest.mark.sqlite_only  # the TUI; its services run on both backends elsewhere
async def test_a_reviewer_selects_a_missed_name_and_redacts_it_everywhere(shell_project):
    app = ReviewApp(shell_project, "rita")
    async with app.run_test(size=(120, 32)) as pilot:
        screen = await _open_raw(app, pilot)
        await _go_to_word(pilot, screen, "Lucky")
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("enter")  # the label prompt's default: PERSON
        await settle(pilot)
        message = str(screen.query_one("#raw-message", Static).render())
        assert message.startswith("added "), message
        segment = screen.segments[screen.index]
        redacted = [segment.text[m.start : m.end] for m in segment.mentions]
        assert "Lucky" in redacted  # the screen shows it redacted now
    assert "Lucky" not in _texts(shell_project)
    with shell_project.vault_session() as vs:
        added = vs.scalars(select(Mention).where(Mention.detector == "reviewer")).all()
    assert len(added) == 3 and {m.label for m in added} == {"PERSON"}


@pytest.mark.sqlite_only  # the TUI; its services run on both backends elsewhere
async def test_a_selection_of_two_words_by_shift_arrow_is_redacted_as_typed(shell_project):
    app = ReviewApp(shell_project, "rita")
    async with app.run_test(size=(120, 32)) as pilot:
        screen = await _open_raw(app, pilot)
        await _go_to_word(pilot, screen, "shop")
        await pilot.press("shift+right")
        assert screen.selected_text() == "shop owner"
        await pilot.press("N")  # this interview only
        await settle(pilot)
        await pilot.press(*["backspace"] * 6, *"OCCUPATION", "enter")
        await settle(pilot)
    assert "shop owner" not in _texts(shell_project)
    with shell_project.vault_session() as vs:
        added = vs.scalars(select(Mention).where(Mention.detector == "reviewer")).all()
    assert [m.label for m in added] == ["OCCUPATION"]


@pytest.mark.sqlite_only  # the TUI; its services run on both backends elsewhere
async def test_a_click_puts_the_cursor_on_the_word_under_the_mouse(shell_project):
    app = ReviewApp(shell_project, "rita")
    async with app.run_test(size=(120, 32)) as pilot:
        screen = await _open_raw(app, pilot)
        reader = screen.query_one(Reader)
        text = reader.view.text
        assert screen.selected_text() == "Who"  # the first line: "Who else knew?"
        column = text.index("knew")
        await pilot.click(Reader, offset=(column + 2, 1))  # inside the border and padding
        await pilot.pause()
        assert screen.selected_text() == "knew"


@pytest.mark.sqlite_only  # the TUI; its services run on both backends elsewhere
async def test_an_interview_without_proposals_is_reviewed_only_when_signed_off(
    project, run, tmp_path
):
    path = tmp_path / "quiet.txt"
    path.write_text("Q: How was the winter?\nA: Cold, and the bus was always late.\n")
    assert run("--project", project.root, "import", path).exit_code == 0
    code = _interview(project)
    assert review.review_progress(project)[0].proposals == 0
    review.update_review_states(project, "rita")
    assert review.review_progress(project)[0].state == "unreviewed"  # nobody read it yet

    app = ReviewApp(project, "rita")
    async with app.run_test(size=(120, 32)) as pilot:
        screen = await _open_raw(app, pilot)
        await pilot.press("D")
        await settle(pilot)
        assert "signed off" in str(screen.query_one("#raw-message", Static).render())
    with project.session() as s:
        row = s.scalar(select(Interview).where(Interview.code == code))
        assert (row.review_state, row.reviewed_by) == ("reviewed", "rita")
    review.update_review_states(project, "rita")  # a later decision keeps the sign-off
    assert review.review_progress(project)[0].state == "reviewed"


def test_sign_off_is_refused_while_proposals_wait(shell_project, run):
    code = _interview(shell_project)
    result = run("--project", shell_project.root, "review", "sign-off", code)
    assert result.exit_code != 0
    assert "undecided" in result.output
    ids = [p.id for p in review.list_proposals(shell_project)]
    assert run("--project", shell_project.root, "review", "accept", *ids).exit_code == 0
    assert review.review_progress(shell_project)[0].state == "reviewed"


def test_the_reviewer_name_reaches_the_audit_log_from_the_shell(shell_project, run):
    ids = [str(p.id) for p in review.list_proposals(shell_project)][:1]
    result = run("--project", shell_project.root, "review", "--reviewer", "rita", "accept", *ids)
    assert result.exit_code == 0, result.output
    exported = run("--project", shell_project.root, "audit", "export", "--format", "json")
    assert '"actor": "rita"' in exported.output


@pytest.mark.sqlite_only  # the TUI; its services run on both backends elsewhere
async def test_the_queue_can_show_one_interview_only(shell_project, tmp_path, run):
    other = tmp_path / "other.txt"
    other.write_text("Q: Who helped?\nA: My neighbour Gulnara Sadykova drove me to the clinic.\n")
    assert run("--project", shell_project.root, "import", other).exit_code == 0
    second = review.review_progress(shell_project)[1].interview
    app = ReviewApp(shell_project, "rita")
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        everywhere = len(app.screen.proposals)
        await pilot.press("i", *second, "enter")
        await settle(pilot)
        shown = app.screen.proposals
        assert 0 < len(shown) < everywhere
        assert all(second in p.interviews for p in shown)


@pytest.mark.sqlite_only
def test_the_raw_text_looks_right(shell_project, snap_compare):
    async def opened(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("j", "right", "right", "shift+right")
        await settle(pilot)

    assert snap_compare(
        ReviewApp(shell_project, "rita"), terminal_size=(100, 24), run_before=opened
    )


def test_adding_only_common_words_is_refused_unless_forced(shell_project, run):
    root = shell_project.root
    refused = run("--project", root, "review", "add", "--text", "him")
    assert refused.exit_code != 0 and "common words" in refused.output
    assert " him " in _texts(shell_project)  # nothing changed
    forced = run("--project", root, "review", "add", "--text", "him", "--force")
    assert forced.exit_code == 0, forced.output
    assert " him " not in _texts(shell_project)


@pytest.mark.sqlite_only  # the TUI; its services run on both backends elsewhere
async def test_in_the_raw_text_a_common_word_needs_a_second_n(shell_project):
    app = ReviewApp(shell_project, "rita")
    async with app.run_test(size=(120, 32)) as pilot:
        screen = await _open_raw(app, pilot)
        await _go_to_word(pilot, screen, "him")
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "press n again" in str(screen.query_one("#raw-message", Static).render())
        assert " him " in _texts(shell_project)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    assert " him " not in _texts(shell_project)


def test_a_name_a_reviewer_added_is_redacted_in_later_imports(shell_project, run, tmp_path):
    root = shell_project.root
    assert run("--project", root, "review", "add", "--text", "Lucky").exit_code == 0
    later = tmp_path / "later.txt"
    later.write_text("Q: And then?\nA: Lucky came by the shop again in April.\n")
    assert run("--project", root, "import", later).exit_code == 0
    assert "Lucky" not in _texts(shell_project)
    assert "came by the shop" in _texts(shell_project)  # the later file is there


def test_identifiers_denied_in_advance_stay_in_the_vault_and_are_redacted(project, run, tmp_path):
    root = project.root
    names = tmp_path / "known-names.txt"  # the reviewer's own list, outside the project
    names.write_text("# the family\nTimur\nZhanar Abenova\n")
    denied = run("--project", root, "review", "deny", "--file", names)
    assert denied.exit_code == 0, denied.output
    story = tmp_path / "story.txt"
    story.write_text(
        "Q: Who came?\nA: My brother-in-law Timur came, and later zhanar abenova called.\n"
    )
    assert run("--project", root, "import", story).exit_code == 0
    text = _texts(project)
    assert "Timur" not in text and "abenova" not in text.casefold()
    assert "brother-in-law" in text
    for name in ("testimony.yaml", "allow-list.txt"):  # nothing raw in the coders' folder
        assert "Timur" not in (root / name).read_text()
    memo = tmp_path / "memo.md"
    memo.write_text("Ask Zhanar Abenova about the second visit.\n")
    assert run("--project", root, "leak-check", memo).exit_code == 1
    with project.vault_session() as vs:
        accepted = {e.canonical for e in vs.scalars(select(Entity)) if e.status == "accepted"}
    assert {"Timur", "Zhanar Abenova"} <= accepted


def test_deny_refuses_an_empty_list(project, run, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("# nobody yet\n")
    result = run("--project", project.root, "review", "deny", "--file", empty)
    assert result.exit_code == 2 and "give the identifiers" in result.output
