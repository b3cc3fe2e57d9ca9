"""One command importing N files redacts each file as N commands, one file each, would.

What the pipeline learns from a file (its speakers, names found with confidence)
reaches later files through the vault, as at the start of a new command, and
nothing else does: a transcript's redaction never depends on whether it was
imported with others.
"""

from __future__ import annotations

from sqlalchemy import select

from testimony.db.models import Excerpt, Interview, InterviewAttribute, Speaker
from testimony.project import Project, init_project
from testimony.redact.importer import import_files

from .conftest import TRANSCRIPTS


def redacted(project: Project) -> dict[str, dict]:
    """Every interview's pseudonymized title, attributes, speakers and excerpts."""
    with project.session() as s:
        interviews = {}
        for interview in s.scalars(select(Interview).order_by(Interview.code)):
            interviews[interview.code] = {
                "title": interview.title,
                "attributes": sorted(
                    s.execute(
                        select(InterviewAttribute.name, InterviewAttribute.value).where(
                            InterviewAttribute.interview_id == interview.id
                        )
                    ).all()
                ),
                "speakers": sorted(
                    s.scalars(select(Speaker.label).where(Speaker.interview_id == interview.id))
                ),
                "excerpts": list(
                    s.scalars(
                        select(Excerpt.text)
                        .where(Excerpt.interview_id == interview.id)
                        .order_by(Excerpt.position)
                    )
                ),
            }
    return interviews


def test_one_command_for_every_file_redacts_as_one_command_per_file(corpus_project_dir, tmp_path):
    together = Project.open(corpus_project_dir)
    apart = init_project(tmp_path / "apart")
    try:
        for path in TRANSCRIPTS:
            report = import_files(apart, [path])
            assert not report.failed, report.failed
        expected, found = redacted(apart), redacted(together)
        assert list(found) == list(expected)
        for code in expected:
            assert found[code] == expected[code], code
    finally:
        together.close()
        apart.close()
