"""Random sequences of reviewers' decisions never lose a coding or move it off its words."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from testimony.db.models import Coder, Coding, Excerpt, Theme
from testimony.project import Project, init_project
from testimony.redact import review
from testimony.redact.importer import import_files
from testimony.redact.remap import to_raw
from testimony.redact.render import Replacement
from testimony.vault.models import Entity, Mention, RawSegment, Source

from .conftest import CODEBOOK

STORY = (
    "Q: What happened in Taraz?\n"
    "A: My husband Yerlan Bekov locked the door and took my phone. I called the police in "
    "Taraz twice and nobody came. Yerlan said the police would never help me.\n"
    "Q: Who helped you?\n"
    "A: My neighbour Saltanat Omarova helped me. Saltanat took me to the crisis centre on "
    "Abai street, and the lawyer Dinara Sultanova called my mother in Shymkent.\n"
    "Q: And now?\n"
    "A: Now I live with my sister Asel near Almaty. Bekov still calls her every week.\n"
)
LABELS = ["PERSON", "ORG", "GPE", "LOC"]
WORD = re.compile(r"\w+")


@pytest.fixture(scope="module")
def coded_project_dir(tmp_path_factory):
    """The story imported and coded: one coding per run of three words, in each excerpt."""
    from testimony.codebook import load_codebook
    from testimony.coding.themes import import_codebook

    folder = tmp_path_factory.mktemp("review-prop") / "p"
    project = init_project(folder)
    with project.session() as s, s.begin():
        import_codebook(s, load_codebook(CODEBOOK))
    path = folder.parent / "story.txt"
    path.write_text(STORY)
    import_files(project, [path])
    with project.session() as s, s.begin():
        coder = Coder(name="ana")
        s.add(coder)
        s.flush()
        theme = s.scalars(select(Theme)).first()
        for excerpt in s.scalars(select(Excerpt)):
            words = list(WORD.finditer(excerpt.text))
            for i in range(0, len(words) - 2, 3):
                s.add(
                    Coding(
                        excerpt_id=excerpt.id,
                        start=words[i].start(),
                        end=words[i + 2].end(),
                        theme_id=theme.id,
                        coder_id=coder.id,
                    )
                )
    project.close()
    return folder


def raw_ranges(project: Project) -> dict[int, tuple[int, int, int]]:
    """Each coding as (excerpt position, raw start, raw end): where its words are in the raw."""
    out = {}
    with project.session() as s:
        for coding, excerpt in s.execute(select(Coding, Excerpt).join(Excerpt)):
            reps = [Replacement.from_mark(m) for m in excerpt.pseudonyms]
            out[coding.id] = (
                excerpt.position,
                to_raw(coding.start, reps, "start"),
                to_raw(coding.end, reps, "end"),
            )
    return out


def hidden_ranges(project: Project) -> dict[int, list[tuple[int, int]]]:
    """Raw offsets each excerpt shows as pseudonyms now."""
    with project.session() as s:
        return {
            e.position: [(m[4], m[5]) for m in e.pseudonyms] for e in s.scalars(select(Excerpt))
        }


decisions = st.lists(
    st.tuples(
        st.sampled_from(["accept", "reject", "retype", "merge", "split", "add", "mention"]),
        st.integers(0, 1000),
        st.integers(0, 1000),
    ),
    min_size=1,
    max_size=5,
)


def apply(project: Project, kind: str, a: int, b: int) -> None:
    with project.vault_session() as vs:
        entities = sorted(vs.scalars(select(Entity.id).join(Mention).distinct()))
        mentions = sorted(vs.scalars(select(Mention.id)))
        raw = " ".join(vs.scalars(select(RawSegment.text)))
        vs.scalar(select(Source.id))
    if not entities:
        return
    first, second = entities[a % len(entities)], entities[b % len(entities)]
    try:
        if kind == "accept":
            review.accept(project, [first])
        elif kind == "reject":
            review.reject(project, [first])
        elif kind == "retype":
            review.retype(project, first, LABELS[b % len(LABELS)])
        elif kind == "merge" and first != second:
            review.merge(project, [first, second])
        elif kind == "split":
            review.split(project, first)
        elif kind == "add":
            words = WORD.findall(raw)
            review.add(project, words[a % len(words)], LABELS[b % len(LABELS)])
        elif kind == "mention":
            review.decide_mentions(
                project, [mentions[a % len(mentions)]], ["accepted", "rejected"][b % 2]
            )
    except review.ReviewError:
        pass  # a decision that cannot be made (merging two types, splitting one form)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(decisions)
def test_random_decisions_keep_every_coding_on_its_words(
    coded_project_dir, tmp_path_factory, steps
):  # noqa: E501
    folder = tmp_path_factory.mktemp("case") / "p"
    shutil.copytree(coded_project_dir, folder)
    project = Project.open(folder)
    before = raw_ranges(project)
    for kind, a, b in steps:
        apply(project, kind, a, b)
    after = raw_ranges(project)
    hidden = hidden_ranges(project)
    with project.session() as s:
        texts = {e.position: e.text for e in s.scalars(select(Excerpt))}
        spans = {c.id: (c.start, c.end, c.excerpt_id) for c in s.scalars(select(Coding))}
    project.close()
    assert set(after) == set(before), "a coding was dropped"
    for coding_id, (position, start, end) in before.items():
        new_position, new_start, new_end = after[coding_id]
        assert new_position == position
        assert new_start <= start and new_end >= end, (steps, coding_id)
        # Anything it gained is a pseudonym that overlaps its words, never plain text.
        for gained_start, gained_end in ((new_start, start), (end, new_end)):
            if gained_start < gained_end:
                assert any(
                    h_start <= gained_start and gained_end <= h_end
                    for h_start, h_end in hidden[position]
                ), (steps, coding_id, json.dumps(hidden[position]))
        coding_start, coding_end, _excerpt = spans[coding_id]
        assert 0 <= coding_start < coding_end <= len(texts[position])
