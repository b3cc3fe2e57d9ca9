"""Editing the codebook from the workbench: add, rename, move, merge, delete, look."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from testimony.codebook import dump_codebook, load_codebook
from testimony.coding.errors import CodingError
from testimony.coding.retrieval import QuoteFilter
from testimony.coding.themes import export_codebook
from testimony.coding.workbench import Workbench
from testimony.db.models import AuditEntry

from .coding_helpers import add_interview


@pytest.fixture
def bench(project):
    add_interview(project)
    return Workbench(project, "ana")


def themes_by_id(bench):
    return {t.id: t for t in bench.themes()}


def test_a_new_theme_goes_under_its_parent_and_into_the_audit_log(project, bench):
    slug = bench.add_theme("Neighbours' help", parent="help-seeking-resistance", key="y")
    row = themes_by_id(bench)[slug]
    assert (slug, row.parent, row.key, row.depth) == (
        "neighbours-help",
        "help-seeking-resistance",
        "y",
        1,
    )
    with project.session() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.actor, entry.action, entry.target) == ("ana", "theme-add", slug)


def test_renaming_and_editing_keep_the_codings(project, bench):
    excerpt = bench.first_excerpt()
    bench.apply_theme(excerpt, 0, 4, "physical-violence")
    bench.edit_theme("physical-violence", name="Physical abuse", description="Any force.")
    bench.edit_theme("physical-violence", color="#aa3355", key="z")
    row = themes_by_id(bench)["physical-violence"]
    assert (row.name, row.description, row.color, row.key, row.codings) == (
        "Physical abuse",
        "Any force.",
        "#aa3355",
        "z",
        1,
    )


def test_a_bad_colour_or_a_taken_key_is_refused(bench):
    with pytest.raises(CodingError, match="colour"):
        bench.edit_theme("physical-violence", color="red")
    with pytest.raises(
        CodingError, match=r"already the key of “Sexual violence” \(sexual-violence\)"
    ):
        bench.edit_theme("physical-violence", key="2")
    assert themes_by_id(bench)["physical-violence"].key == "1"


def test_moving_a_theme_takes_its_sub_themes_and_refuses_cycles(bench):
    bench.move_theme("psychological-violence", "economic-dependence")
    rows = themes_by_id(bench)
    assert rows["psychological-violence"].parent == "economic-dependence"
    assert rows["verbal-abuse-humiliation"].depth == 2
    with pytest.raises(CodingError, match="under itself"):
        bench.move_theme("psychological-violence", "verbal-abuse-humiliation")
    bench.move_theme("psychological-violence", None)
    assert themes_by_id(bench)["psychological-violence"].depth == 0


def test_merging_moves_codings_without_doubling_them(bench):
    excerpt = bench.first_excerpt()
    bench.apply_theme(excerpt, 0, 4, "police-dismissal")
    bench.apply_theme(excerpt, 0, 4, "police-refusal-to-register")
    bench.apply_theme(excerpt, 5, 8, "police-refusal-to-register")
    moved = bench.merge_themes("police-refusal-to-register", "police-dismissal")
    assert moved == 1
    quotes = bench.retrieve(QuoteFilter()).quotes
    assert [(q.theme, q.start) for q in quotes] == [
        ("police-dismissal", 0),
        ("police-dismissal", 5),
    ]
    assert "police-refusal-to-register" not in themes_by_id(bench)


def test_deleting_a_theme_with_codings_is_refused_unless_they_move(bench):
    excerpt = bench.first_excerpt()
    bench.apply_theme(excerpt, 0, 4, "endure-sabyr")
    with pytest.raises(CodingError, match="has 1 coding"):
        bench.delete_theme("endure-sabyr")
    bench.delete_theme("endure-sabyr", move_codings_to="stigma-shame")
    assert [q.theme for q in bench.retrieve(QuoteFilter()).quotes] == ["stigma-shame"]
    bench.delete_theme("psychological-violence")
    assert themes_by_id(bench)["verbal-abuse-humiliation"].parent == "violence"


def test_the_edited_codebook_exports_as_a_valid_file(project, bench, tmp_path):
    bench.add_theme("Neighbours' help", parent="help-seeking-resistance")
    bench.merge_themes("hotlines", "not-knowing-services")
    with project.session() as s:
        text = dump_codebook(export_codebook(s))
    path = tmp_path / "edited.yaml"
    path.write_text(text, encoding="utf-8")
    ids = {theme.id for theme, _parent, _depth in load_codebook(path).walk()}
    assert "neighbours-help" in ids and "hotlines" not in ids


def _state(bench):
    """The codebook and every coding, to compare before an edit and after its undo."""
    themes = [(t.id, t.name, t.parent, t.key, t.color, t.description) for t in bench.themes()]
    quotes = sorted(
        (q.theme, q.excerpt, q.start, q.end, q.coding) for q in bench.retrieve(QuoteFilter()).quotes
    )
    return themes, quotes


def test_every_codebook_edit_is_undone_and_redone(project, bench):
    excerpt = bench.first_excerpt()
    bench.apply_theme(excerpt, 0, 4, "police-dismissal")
    bench.apply_theme(excerpt, 0, 4, "police-refusal-to-register")
    bench.apply_theme(excerpt, 5, 8, "police-refusal-to-register")
    bench.set_memo("theme", "police-refusal-to-register", "Refusals, not just dismissal.")
    edits = [
        lambda: bench.add_theme("Neighbours' help", parent="help-seeking-resistance", key="y"),
        lambda: bench.edit_theme("physical-violence", name="Physical abuse", color="#aa3355"),
        lambda: bench.move_theme("psychological-violence", "economic-dependence"),
        lambda: bench.merge_themes("police-refusal-to-register", "police-dismissal"),
        lambda: bench.delete_theme("psychological-violence"),
    ]
    for edit in edits:
        before = _state(bench)
        edit()
        after = _state(bench)
        assert after != before
        done = bench.undo()
        assert done is not None and done.action.startswith("theme-")
        assert _state(bench) == before, done.summary
        bench.redo()
        assert _state(bench) == after, done.summary
    memos = [m.text for m in bench.memos()]
    assert "Refusals, not just dismissal." in memos  # moved to the merged theme, kept


def test_codebook_undo_survives_a_restart_and_is_audited(project, bench):
    bench.merge_themes("police-refusal-to-register", "police-dismissal")
    again = Workbench(project, "ana")  # the program was closed and opened again
    done = again.undo()
    assert done.summary == "merge 'police-refusal-to-register' into 'police-dismissal'"
    assert "police-refusal-to-register" in themes_by_id(again)
    with project.session() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.actor, entry.action) == ("ana", "theme-merge-undo")
    assert Workbench(project, "ben").undo() is None  # another coder's log is their own
