"""The reviewers' queue, driven by keys (Pilot): checked in the vault and on screen."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from textual.widgets import DataTable, Static
from textual.worker import WorkerCancelled

from testimony.tui.review_app import ReviewApp
from testimony.vault.models import Entity, Mention

from .test_rerender import _texts

# The TUI works through the same services on either backend; those run on both elsewhere.
pytestmark = [pytest.mark.anyio, pytest.mark.sqlite_only]


async def settle(pilot) -> None:  # noqa: ANN001
    """Let the workers finish (a newer load cancels an older one) and the screen catch up."""
    for _ in range(4):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            continue
        await pilot.pause()


def first_row(app) -> int:  # noqa: ANN001
    queue = app.screen.query_one("#queue", DataTable)
    return int(queue.get_row_at(0)[1])


async def test_accept_and_reject_by_key_change_the_vault_and_the_queue(shell_project):
    app = ReviewApp(shell_project, "rita")
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        first = first_row(app)
        await pilot.press("a")
        await settle(pilot)
        second = first_row(app)
        assert second != first  # the decided entity left the top of the queue
        await pilot.press("r")
        await settle(pilot)
        message = str(app.screen.query_one("#message", Static).render())
        assert message.startswith("rejected ")
    with shell_project.vault_session() as vs:
        assert vs.get(Entity, first).status == "accepted"
        assert vs.get(Entity, second).status == "rejected"


async def test_a_missed_name_is_added_from_the_queue(shell_project):
    app = ReviewApp(shell_project, "rita")
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"Lucky", "enter")
        await settle(pilot)
    assert "Lucky" not in _texts(shell_project)
    with shell_project.vault_session() as vs:
        added = list(vs.scalars(select(Mention).where(Mention.detector == "reviewer")))
    assert len(added) == 3


async def test_one_mention_is_decided_apart_from_its_entity(shell_project):
    app = ReviewApp(shell_project, "rita")
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        entity = first_row(app)
        await pilot.press("tab", "r")
        await settle(pilot)
    with shell_project.vault_session() as vs:
        statuses = [
            m.status for m in vs.scalars(select(Mention).where(Mention.entity_id == entity))
        ]
    assert statuses.count("rejected") == 1


async def test_marked_entities_merge_into_one(shell_project):
    from testimony.redact import review

    review.add(shell_project, "Lucky")  # a second person to merge with the husband
    app = ReviewApp(shell_project, "rita")
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        queue = app.screen.query_one("#queue", DataTable)
        people = [
            int(queue.get_row_at(i)[1])
            for i in range(queue.row_count)
            if str(queue.get_row_at(i)[3]) == "PERSON"
        ][:2]
        for entity in people:
            queue.move_cursor(row=queue.get_row_index(str(entity)))
            await pilot.press("space")
        await pilot.press("m")
        await settle(pilot)
    with shell_project.vault_session() as vs:
        assert vs.get(Entity, people[1]) is None  # joined the first
        assert vs.get(Entity, people[0]).status == "accepted"


def _row_of(app, label: str) -> int:  # noqa: ANN001
    """Put the queue's cursor on the first entity of this type; its id."""
    queue = app.screen.query_one("#queue", DataTable)
    for i in range(queue.row_count):
        if str(queue.get_row_at(i)[3]) == label:
            queue.move_cursor(row=i)
            return int(queue.get_row_at(i)[1])
    raise AssertionError(f"no {label} in the queue")


async def test_reject_and_allow_puts_the_words_in_the_allow_file(shell_project):
    app = ReviewApp(shell_project, "rita")
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        place = _row_of(app, "GPE")
        await pilot.press("R")
        await settle(pilot)
    with shell_project.vault_session() as vs:
        assert vs.get(Entity, place).status == "rejected"
        words = vs.get(Entity, place).canonical
    assert words in (shell_project.root / "allow-list.txt").read_text()
    assert words in _texts(shell_project)  # the place is back in the text


async def test_retype_by_key_gives_the_entity_its_new_type(shell_project):
    app = ReviewApp(shell_project, "rita")
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        place = _row_of(app, "GPE")
        await pilot.press("t", *"LOC", "enter")
        await settle(pilot)
        assert "retyped" in str(app.screen.query_one("#message", Static).render())
    with shell_project.vault_session() as vs:
        assert vs.get(Entity, place).label == "LOC"


async def test_a_pseudonym_typed_by_the_reviewer_replaces_the_name(shell_project):
    app = ReviewApp(shell_project, "rita")
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        person = _row_of(app, "PERSON")
        await pilot.press("p", "ctrl+u", *"Zhomart Abenov", "enter")
        await settle(pilot)
    with shell_project.vault_session() as vs:
        assert vs.get(Entity, person).details.get("custom") == "Zhomart Abenov"
    assert "Zhomart Abenov" in _texts(shell_project)


async def test_split_by_key_gives_each_written_name_its_own_entity(shell_project):
    from testimony.redact import review

    review.add(shell_project, "Lucky")
    people = [p.id for p in review.list_proposals(shell_project) if p.label == "PERSON"]
    review.merge(shell_project, people[:2])
    app = ReviewApp(shell_project, "rita")
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        queue = app.screen.query_one("#queue", DataTable)
        queue.move_cursor(row=queue.get_row_index(str(people[0])))
        await pilot.press("s")
        await settle(pilot)
        assert "split" in str(app.screen.query_one("#message", Static).render())
    after = [
        p for p in review.list_proposals(shell_project, with_vault=True) if p.label == "PERSON"
    ]
    assert len(after) == 2
    assert len({p.pseudonym for p in after}) == 2  # two people, two pseudonyms again


def test_the_queue_looks_right(shell_project, snap_compare):
    async def loaded(pilot) -> None:  # noqa: ANN001
        await settle(pilot)

    assert snap_compare(
        ReviewApp(shell_project, "rita"), terminal_size=(120, 30), run_before=loaded
    )
