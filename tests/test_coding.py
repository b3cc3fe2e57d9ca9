"""Coding services: apply, remove, change, important, memos, undo and redo, retrieval."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from testimony.coding.attribute_filter import (
    AttributeFilterError,
    format_attribute_filter,
    known_attributes,
    parse_attribute_filter,
    resolve_attributes,
)
from testimony.coding.errors import CodingError
from testimony.coding.retrieval import QuoteFilter, count_quotes
from testimony.coding.workbench import ALL, Workbench
from testimony.db.models import Coding, Memo, Operation
from testimony.project import Project

from .coding_helpers import TEXTS, add_interview


@pytest.fixture
def excerpts(project):
    return add_interview(project)


@pytest.fixture
def ana(project, excerpts):
    return Workbench(project, "ana")


def count_codings(project) -> int:
    with project.session() as s:
        return s.scalar(select(func.count()).select_from(Coding))


def test_applying_a_theme_stores_the_span_theme_and_coder(project, excerpts, ana):
    coding = ana.apply_theme(excerpts[1], 0, 35, "physical-violence")
    assert (coding.theme, coding.coder, coding.start, coding.end) == (
        "physical-violence",
        "ana",
        0,
        35,
    )
    view = ana.excerpt(excerpts[1])
    assert [c.id for c in view.codings] == [coding.id]
    assert view.text[coding.start : coding.end] == "He hit me in front of the children."


def test_one_span_takes_several_themes(project, excerpts, ana):
    ana.apply_theme(excerpts[2], 0, 45, "police-dismissal")
    ana.apply_theme(excerpts[2], 0, 45, "police-demand-medical-evidence")
    ana.apply_theme(excerpts[2], 0, 45, "police-dismissal")  # the same twice is one
    assert sorted(c.theme for c in ana.excerpt(excerpts[2]).codings) == [
        "police-demand-medical-evidence",
        "police-dismissal",
    ]


def test_a_span_outside_the_text_or_an_unknown_theme_is_refused(project, excerpts, ana):
    with pytest.raises(CodingError, match="not inside"):
        ana.apply_theme(excerpts[0], 5, 500, "physical-violence")
    with pytest.raises(CodingError, match="no theme"):
        ana.apply_theme(excerpts[0], 0, 4, "no-such-theme")
    assert count_codings(project) == 0


def test_remove_change_and_important(project, excerpts, ana):
    coding = ana.apply_theme(excerpts[1], 0, 35, "physical-violence")
    changed = ana.change_theme(coding.id, "violence-involving-children")
    assert (changed.id, changed.start) == (coding.id, 0)
    assert changed.theme == "violence-involving-children"
    assert ana.set_important(coding.id, True).important
    ana.remove_coding(coding.id)
    assert count_codings(project) == 0


def test_undo_and_redo_walk_back_and_forth_through_actions(project, excerpts, ana):
    coding = ana.apply_theme(excerpts[1], 0, 35, "physical-violence")
    ana.set_important(coding.id, True)
    ana.set_coding_memo(coding.id, "first disclosure")
    assert ana.undo().action == "memo"
    assert ana.excerpt(excerpts[1]).codings[0].memo is None
    assert ana.undo().action == "important"
    assert ana.undo().action == "apply"
    assert count_codings(project) == 0
    assert ana.undo() is None
    assert ana.redo().action == "apply"
    assert ana.redo().action == "important"
    restored = ana.excerpt(excerpts[1]).codings
    assert [(c.id, c.important, c.memo) for c in restored] == [(coding.id, True, None)]


def test_undo_of_a_removal_brings_the_coding_back_under_its_own_id(project, excerpts, ana):
    coding = ana.apply_theme(excerpts[1], 0, 35, "physical-violence")
    ana.set_coding_memo(coding.id, "kept")
    ana.remove_coding(coding.id)
    newer = ana.apply_theme(excerpts[2], 0, 10, "police-dismissal")
    assert newer.id != coding.id  # ids are never reused
    ana.undo()
    ana.undo()
    back = ana.excerpt(excerpts[1]).codings
    assert [(c.id, c.memo) for c in back] == [(coding.id, "kept")]


def test_undo_survives_a_restart(project, excerpts):
    Workbench(project, "ana").apply_theme(excerpts[1], 0, 35, "physical-violence")
    root = project.root
    project.close()
    reopened = Project.open(root)
    try:
        assert Workbench(reopened, "ana").undo().action == "apply"
        assert count_codings(reopened) == 0
    finally:
        reopened.close()


def test_each_coder_undoes_only_their_own_work(project, excerpts, ana):
    ben = Workbench(project, "ben")
    ana.apply_theme(excerpts[1], 0, 35, "physical-violence")
    ben.apply_theme(excerpts[2], 0, 10, "police-dismissal")
    ana.undo()
    assert [c.coder for c in ben.excerpt(excerpts[2], ALL).codings] == ["ben"]
    assert ana.excerpt(excerpts[1], ALL).codings == []


def test_a_new_action_after_undo_drops_the_redo(project, excerpts, ana):
    ana.apply_theme(excerpts[1], 0, 35, "physical-violence")
    ana.undo()
    ana.apply_theme(excerpts[1], 0, 10, "economic-violence")
    assert ana.redo() is None
    with project.session() as s:
        states = list(s.scalars(select(Operation.state).order_by(Operation.id)))
    assert states == ["dropped", "done"]


def test_memos_on_excerpt_interview_theme_and_project_are_undoable(project, excerpts, ana):
    ana.set_memo("excerpt", excerpts[1], "disclosure")
    ana.set_memo("interview", "INT-001", "long silences")
    ana.set_memo("theme", "police-dismissal", "often with laughter")
    ana.set_memo("project", None, "codebook v2 from May")
    assert ana.memo("interview", "INT-001") == "long silences"
    assert ana.excerpt(excerpts[1]).memo == "disclosure"
    assert [m.target for m in ana.memos("laughter")] == ["police-dismissal"]
    ana.set_memo("interview", "INT-001", "long silences, then anger")
    ana.undo()
    assert ana.memo("interview", "INT-001") == "long silences"
    ana.set_memo("project", None, "")
    with project.session() as s:
        assert s.scalar(select(func.count()).select_from(Memo)) == 3
    with pytest.raises(CodingError):
        ana.set_memo("interview", "INT-999", "x")


def test_navigation_moves_across_interviews_and_finds_uncoded(project, excerpts, ana):
    second = add_interview(project, "INT-002", ["One.", "Two."])
    assert ana.step(excerpts[-1], 1) == second[0]
    assert ana.step(second[0], -1) == excerpts[-1]
    assert ana.step(excerpts[0], -1) == excerpts[0]
    assert ana.step(excerpts[0], 3) == excerpts[3]
    ana.apply_theme(excerpts[1], 0, 4, "physical-violence")
    assert ana.next_uncoded(excerpts[0]) == excerpts[2]
    assert ana.excerpt_at("INT-001", 4) == excerpts[3]
    assert ana.excerpt_at("INT-001", 99) == excerpts[-1]
    view = ana.excerpt(excerpts[4])
    assert (view.position, view.last_position, view.speaker) == (5, 5, "INTERVIEWER")
    assert [(p.start, p.end, p.label) for p in view.pseudonyms] == [(0, 10, "PERSON")]


def test_retrieval_of_a_theme_with_subthemes_in_reading_order(project, excerpts, ana):
    ana.apply_theme(excerpts[3], 0, 20, "verbal-abuse-humiliation")  # under psychological
    ana.apply_theme(excerpts[1], 0, 35, "physical-violence")
    ana.apply_theme(excerpts[2], 0, 10, "police-dismissal")
    page = ana.retrieve(QuoteFilter(themes=["violence"], with_subthemes=True))
    assert [q.quote for q in page.quotes] == [TEXTS[1][:35], TEXTS[3][:20]]
    assert page.quotes[0].interview == "INT-001" and page.quotes[0].position == 2
    assert page.quotes[0].speaker == "[PERSON-2]"
    assert ana.retrieve(QuoteFilter(themes=["violence"])).quotes == []


def test_retrieval_pages_follow_on_without_gaps(project, excerpts, ana):
    for i in range(7):
        ana.apply_theme(excerpts[2], i, i + 5, "police-dismissal")
    seen, after = [], None
    while True:
        page = ana.retrieve(QuoteFilter(themes=["police-dismissal"]), after, limit=3)
        seen += [q.start for q in page.quotes]
        if page.next is None:
            break
        after = page.next
    assert seen == list(range(7))


def test_retrieval_pages_merge_sub_themes_in_reading_order_under_every_filter(
    project, excerpts, ana
):
    """Pages walk each theme's codings from the cursor and merge them; the result must
    be exactly the reading order a full sort gives, with no gaps or repeats."""
    other = add_interview(
        project, "INT-002", ["He hit me.", "They laughed at me."], attributes={"role": "survivor"}
    )
    ben = Workbench(project, "ben")
    themes = ["physical-violence", "verbal-abuse-humiliation", "violence", "police-dismissal"]
    rng = random.Random(7)
    spots = [(e, 0) for e in excerpts] + [(e, 0) for e in other]
    for n in range(60):  # coded out of reading order, by two coders
        excerpt, _ = rng.choice(spots)
        start = rng.randrange(0, 8)
        (ben if n % 3 == 0 else ana).apply_theme(
            excerpt, start, start + 2 + n % 5, themes[n % len(themes)]
        )
    filters = [
        QuoteFilter(themes=["violence"], with_subthemes=True),
        QuoteFilter(themes=["violence"], with_subthemes=True, coders=["ben"]),
        QuoteFilter(themes=["physical-violence", "police-dismissal"]),
        QuoteFilter(attributes={"role": "survivor"}),
        QuoteFilter(interviews=["INT-001"], important_only=False),
        QuoteFilter(),
    ]
    everything = ana.retrieve(QuoteFilter(), limit=1000).quotes
    descendants = {"violence", "physical-violence", "verbal-abuse-humiliation"}
    for where in filters:
        wanted = descendants if where.with_subthemes else set(where.themes)
        expected = [
            q
            for q in everything
            if (not where.themes or q.theme in wanted)
            and (not where.coders or q.coder in where.coders)
            and (not where.attributes or q.interview == "INT-002")
            and (not where.interviews or q.interview in where.interviews)
        ]
        expected.sort(key=lambda q: (q.interview, q.position, q.start, q.coding))
        seen, after = [], None
        while True:
            page = ana.retrieve(where, after, limit=4)
            seen += page.quotes
            if page.next is None:
                break
            after = page.next
        assert [q.coding for q in seen] == [q.coding for q in expected], where
        assert expected, where


def test_retrieval_filters_by_coder_and_interview_attribute(project, excerpts, ana):
    other = add_interview(project, "INT-002", ["He hit me."], attributes={"role": "survivor"})
    ben = Workbench(project, "ben")
    ana.apply_theme(excerpts[1], 0, 10, "physical-violence")
    ben.apply_theme(other[0], 0, 10, "physical-violence")
    by_ben = ana.retrieve(QuoteFilter(themes=["physical-violence"], coders=["ben"]))
    survivors = ana.retrieve(QuoteFilter(attributes={"role": "survivor"}))
    assert [q.coder for q in by_ben.quotes] == ["ben"]
    assert [q.interview for q in survivors.quotes] == ["INT-002"]


def test_autocode_codes_every_hit_as_one_undoable_action(project, excerpts, ana):
    result = ana.autocode("police OR officer", "police-dismissal", unit="match")
    assert (result.excerpts, result.added) == (1, 2)
    quotes = ana.retrieve(QuoteFilter(themes=["police-dismissal"])).quotes
    assert [q.quote for q in quotes] == ["police", "officer"]
    again = ana.autocode("police OR officer", "police-dismissal", unit="match")
    assert (again.added, again.already) == (0, 2)
    ana.undo()
    assert count_codings(project) == 0


def test_autocode_by_sentence_and_by_excerpt(project, excerpts, ana):
    ana.autocode("laughed", "police-dismissal", unit="sentence")
    ana.autocode('"visible wounds"', "police-demand-medical-evidence", unit="excerpt")
    quotes = ana.retrieve(QuoteFilter()).quotes
    assert [(q.theme, q.quote) for q in quotes] == [
        ("police-dismissal", "I went to the police and the officer laughed."),
        ("police-demand-medical-evidence", TEXTS[2]),
    ]


def test_autocode_can_keep_to_some_interviews(project, excerpts, ana):
    add_interview(project, "INT-002", ["The police came.", "Nobody from the police came."])
    result = ana.autocode("police", "police-dismissal", interviews=["INT-002"])
    assert (result.excerpts, result.added) == (2, 2)
    assert {q.interview for q in ana.retrieve(QuoteFilter()).quotes} == {"INT-002"}


def test_a_theme_without_a_colour_takes_its_parents(project, excerpts, ana):
    coding = ana.apply_theme(excerpts[1], 0, 4, "physical-violence")
    parent = next(t for t in ana.themes() if t.id == "violence")
    child = next(t for t in ana.themes() if t.id == "physical-violence")
    assert parent.color and child.color == parent.color
    assert coding.color == parent.color
    assert ana.retrieve(QuoteFilter()).quotes[0].color == parent.color


def test_retrieval_takes_either_value_of_one_attribute_and_counts_what_it_pages(
    project, excerpts, ana
):
    with_role = {
        "INT-002": {"role": "witness", "region": "north"},
        "INT-003": {"role": "lawyer", "region": "north"},
        "INT-004": {"role": "survivor", "region": "south"},
    }
    for code, attributes in with_role.items():
        ids = add_interview(project, code, ["He hit me."], attributes=attributes)
        ana.apply_theme(ids[0], 0, 6, "physical-violence")
    ana.apply_theme(excerpts[1], 0, 10, "physical-violence")
    either = QuoteFilter(attributes={"role": ("witness", "lawyer")})
    assert [q.interview for q in ana.retrieve(either).quotes] == ["INT-002", "INT-003"]
    north = QuoteFilter(attributes={"role": ("lawyer", "survivor"), "region": "north"})
    assert [q.interview for q in ana.retrieve(north).quotes] == ["INT-003"]
    both = QuoteFilter(attributes={"role": ("witness", "lawyer"), "region": "south"})
    assert ana.retrieve(both).quotes == []
    with ana.project.session() as s:
        assert count_quotes(s, either) == 2
        assert count_quotes(s, QuoteFilter(themes=["violence"], with_subthemes=True)) == 4
        assert count_quotes(s, QuoteFilter(themes=["violence"])) == 0


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ({"rol": "witness"}, "no interview has an attribute 'rol' (attributes: role)"),
        ({"role": "witnes"}, "no interview has role=witnes (role is one of: witness)"),
        ({"role": "Witness"}, "did you mean role=witness?"),
    ],
)
def test_retrieval_refuses_an_attribute_no_interview_has(
    project, excerpts, ana, attributes, message
):
    add_interview(project, "INT-002", ["He hit me."], attributes={"role": "witness"})
    with pytest.raises(AttributeFilterError) as caught:
        ana.retrieve(QuoteFilter(attributes=attributes))
    assert message in str(caught.value)


def test_an_attribute_filter_is_read_and_spelled_as_the_project_spells_it(project, excerpts):
    add_interview(project, "INT-002", ["He hit me."], attributes={"Role": "field notes"})
    wanted = parse_attribute_filter(" role = Field Notes ,role=field notes, ")
    assert wanted == {"role": ("Field Notes", "field notes")}
    with project.session() as s:
        known = known_attributes(s)
    assert known == {"Role": {"field notes": 1}}
    assert resolve_attributes(known, wanted) == {"Role": ("field notes",)}
    assert format_attribute_filter({"Role": ("a", "b"), "x": "y"}) == "Role=a, Role=b, x=y"
    for bad in ("role", "=survivor", "role=", "role=a, region"):
        with pytest.raises(AttributeFilterError, match="use NAME=VALUE"):
            parse_attribute_filter(bad)
