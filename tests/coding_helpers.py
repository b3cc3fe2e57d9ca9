"""Small projects for coding tests: interviews written straight into project.db (no NER)."""

from __future__ import annotations

from testimony.db.models import Excerpt, Interview, InterviewAttribute, Speaker
from testimony.project import Project

TEXTS = [
    "When did it start?",
    "He hit me in front of the children. Then he said it was my fault.",
    "I went to the police and the officer laughed. He said there were no visible wounds.",
    "My mother-in-law told me to endure, sabyr, every family has this.",
    "[PERSON-1] from the crisis centre helped me with the protection order.",
]


def add_interview(
    project: Project,
    code: str = "INT-001",
    texts: list[str] | None = None,
    attributes: dict[str, str] | None = None,
) -> list[int]:
    """An interview of excerpts alternating interviewer and respondent; returns excerpt ids."""
    texts = TEXTS if texts is None else texts
    with project.session() as s, s.begin():
        interview = Interview(
            code=code,
            title=f"Interview {code[-3:]}",
            source_format="txt",
            vault_source_id=int(code[-3:]),
        )
        s.add(interview)
        s.flush()
        for name, value in (attributes or {}).items():
            s.add(InterviewAttribute(interview_id=interview.id, name=name, value=value))
        asker = Speaker(interview_id=interview.id, label="INTERVIEWER", role="interviewer")
        teller = Speaker(interview_id=interview.id, label="[PERSON-2]", role="respondent")
        s.add_all([asker, teller])
        s.flush()
        excerpts = []
        for position, text in enumerate(texts, 1):
            marks = [[i, i + 10, "PERSON", 1] for i in _find_all(text, "[PERSON-1]")]
            excerpts.append(
                Excerpt(
                    interview_id=interview.id,
                    position=position,
                    speaker_id=(asker if position % 2 else teller).id,
                    text=text,
                    start_ms=position * 15_000,
                    word_count=len(text.split()),
                    pseudonyms=marks,
                )
            )
        s.add_all(excerpts)
        s.flush()
        return [e.id for e in excerpts]


def _find_all(text: str, needle: str) -> list[int]:
    found, at = [], text.find(needle)
    while at >= 0:
        found.append(at)
        at = text.find(needle, at + 1)
    return found


async def settle(pilot) -> None:  # noqa: ANN001
    """Let workers finish and the screen catch up."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
