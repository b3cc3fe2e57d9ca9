"""A small coded project for export tests: two interviews, two coders, four codings.

Codings, in id order:
1. INT-001 ¶2 "The police said it was a family matter!"  police-dismissal  ana  memo
2. INT-001 ¶2 "My husband <pseudonym>"                    physical-violence ana  important
3. INT-002 ¶2 "He broke my arm."                          physical-violence ben
4. INT-001 ¶4 "I went to <pseudonym>'s flat in [GPE-1]"   isolation-control ana

INT-001 (role survivor, age 30s) is unreviewed; INT-002 (role lawyer) is
reviewed and its excerpt has a time code (65 s).
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select

from testimony.codebook import load_codebook
from testimony.coding.themes import import_codebook
from testimony.db.models import Coder, Coding, Excerpt, Interview, InterviewAttribute, Theme
from testimony.project import Project, init_project
from testimony.redact.importer import import_files

REPO = Path(__file__).resolve().parents[1]
FORMATS = ("md", "html", "docx", "csv", "json")
STORY = (
    "Q: Who hit you?\n"
    "A: My husband Yerlan Tulegenov. Call his brother at +7 701 234 56 78. "
    "The police said it was a family matter! They sent me home.\n"
    "Q: And then?\n"
    "A: I went to Gaukhar's flat in Taraz. She let me stay.\n"
)
LAWYER = "Q: What did he do?\nA: He broke my arm. Nobody came.\n"


def build_coded_project(
    folder: Path,
    database_url: str | None = None,
    name: str = "coded study",
    texts: tuple[str, str] | None = None,
    code=None,  # noqa: ANN001 - a function of the session that adds codings and memos
) -> Path:
    """Two imported interviews (a story and a lawyer's), coded by `code` (default: _code)."""
    project = init_project(folder, database_url=database_url, name=name)
    story, lawyer = texts or (STORY, LAWYER)
    try:
        with project.session() as s, s.begin():
            import_codebook(s, load_codebook(REPO / "codebooks" / "domestic-violence.yaml"))
        sources = folder.parent / "sources"
        sources.mkdir()
        (sources / "a-story.txt").write_text(story, encoding="utf-8")
        (sources / "b-lawyer.txt").write_text(lawyer, encoding="utf-8")
        report = import_files(project, sorted(sources.iterdir()))
        assert not report.failed, [r.reason for r in report.failed]
        with project.session() as s, s.begin():
            (code or _code)(s)
    finally:
        project.close()
    return folder


def _code(s) -> None:  # noqa: ANN001
    interviews = {i.code: i for i in s.scalars(select(Interview))}
    one, two = interviews["INT-001"], interviews["INT-002"]
    s.add_all(
        [
            InterviewAttribute(interview_id=one.id, name="role", value="survivor"),
            InterviewAttribute(interview_id=one.id, name="age", value="30s"),
            InterviewAttribute(interview_id=two.id, name="role", value="lawyer"),
        ]
    )
    two.review_state = "reviewed"
    ana, ben = Coder(name="ana"), Coder(name="ben")
    s.add_all([ana, ben])
    s.flush()
    themes = {t.slug: t.id for t in s.scalars(select(Theme))}
    excerpt = {(e.interview_id, e.position): e for e in s.scalars(select(Excerpt))}
    story, arrival = excerpt[(one.id, 2)], excerpt[(one.id, 4)]
    lawyer = excerpt[(two.id, 2)]
    lawyer.start_ms, lawyer.end_ms = 65_000, 71_000

    def span(e: Excerpt, words: str) -> tuple[int, int]:
        start = e.text.index(words)
        return start, start + len(words)

    police = span(story, "The police said it was a family matter!")
    husband = (0, story.pseudonyms[0][1])  # "My husband " and the person's pseudonym
    arm = span(lawyer, "He broke my arm.")
    flat = (0, arrival.text.index("."))
    for e, (start, end), theme, coder, extra in (
        (story, police, "police-dismissal", ana, {"memo": "classic dismissal"}),
        (story, husband, "physical-violence", ana, {"important": True}),
        (lawyer, arm, "physical-violence", ben, {}),
        (arrival, flat, "isolation-control", ana, {}),
    ):
        s.add(
            Coding(
                excerpt_id=e.id,
                start=start,
                end=end,
                theme_id=themes[theme],
                coder_id=coder.id,
                **extra,
            )
        )
        s.flush()


@contextmanager
def open_project(folder: Path):
    project = Project.open(folder)
    try:
        yield project
    finally:
        project.close()
