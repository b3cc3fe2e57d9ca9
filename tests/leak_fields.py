"""Identifiers planted in every field that can reach an export, and a scan of every byte.

A coded project is built by a real import (real spaCy, real SQLite); its
identifiers are then written by hand, as a careless coder or a missed
redaction would leave them, into one field at a time. Every export format
must either be refused by the leak gate or hold none of them.
"""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from testimony.db.models import (
    Coder,
    Coding,
    Excerpt,
    Interview,
    InterviewAttribute,
    Memo,
    Speaker,
    Theme,
)
from testimony.project import Project
from testimony.redact.importer import import_files

REPO = Path(__file__).resolve().parents[1]
FORMATS = ("md", "html", "docx", "csv", "json", "qdpx", "qdc", "yaml")  # yaml: codebook export
STORY = (
    "Q: Who hit you?\n"
    "A: My husband Yerlan Tulegenov. Call his brother at +7 701 234 56 78 or write to "
    "aigerim.sadykova@mail.kz. The police said it was a family matter! They sent me home.\n"
    "Q: And then?\n"
    "A: I went to Gaukhar's flat in Taraz. She let me stay.\n"
)
LAWYER = "Q: What did he do?\nA: He broke my arm. Nobody came.\n"
# What is planted: a name (in several shapes), a phone number, an e-mail address.
NAMES = ("Yerlan Tulegenov", "TULEGENOV", "Yerlan's", "Tulegenov Yerlan")
PHONES = ("+7 701 234 56 78", "+7 (701) 234-56-78", "87012345678")
EMAIL = "aigerim.sadykova@mail.kz"
# What a scan of the output looks for, case-folded; the phone by its digits alone.
NEEDLES = ("yerlan", "tulegenov", "sadykova", "aigerim.sadykova", "gaukhar", "taraz")
PHONE_DIGITS = "7012345678"


def planted(index: int) -> str:
    """Three identifiers in one short text, their shapes varying from field to field."""
    return f"{NAMES[index % len(NAMES)]} {PHONES[index % len(PHONES)]} {EMAIL}"


IDENTIFIERS_PER_FIELD = 3


def build_base(folder: Path) -> Path:
    """Two imported interviews, two coders, codings, every kind of memo, attributes."""
    from .export_helpers import build_coded_project

    return build_coded_project(folder, name="leak study", texts=(STORY, LAWYER), code=_code)


def _code(s) -> None:  # noqa: ANN001
    interviews = {i.code: i for i in s.scalars(select(Interview))}
    one, two = interviews["INT-001"], interviews["INT-002"]
    s.add_all(
        [
            InterviewAttribute(interview_id=one.id, name="role", value="survivor"),
            InterviewAttribute(interview_id=two.id, name="role", value="lawyer"),
        ]
    )
    two.review_state = "reviewed"
    two.reviewed_by = "rita"
    ana, ben = Coder(name="ana"), Coder(name="ben")
    s.add_all([ana, ben])
    s.flush()
    themes = {t.slug: t for t in s.scalars(select(Theme))}
    excerpts = {(e.interview_id, e.position): e for e in s.scalars(select(Excerpt))}
    story, lawyer = excerpts[(one.id, 2)], excerpts[(two.id, 2)]
    police = story.text.index("The police")
    arm = lawyer.text.index("He broke my arm.")
    s.add_all(
        [
            Coding(
                excerpt_id=story.id,
                start=police,
                end=police + len("The police said it was a family matter!"),
                theme_id=themes["police-dismissal"].id,
                coder_id=ana.id,
                memo="a classic dismissal",
            ),
            Coding(
                excerpt_id=lawyer.id,
                start=arm,
                end=arm + len("He broke my arm."),
                theme_id=themes["physical-violence"].id,
                coder_id=ben.id,
            ),
        ]
    )
    s.add_all(
        [
            Memo(target_type="project", target_id=None, coder_id=ana.id, text="project notes"),
            Memo(target_type="interview", target_id=one.id, coder_id=ana.id, text="long one"),
            Memo(target_type="excerpt", target_id=story.id, coder_id=ana.id, text="key turn"),
            Memo(
                target_type="theme",
                target_id=themes["police-dismissal"].id,
                coder_id=ben.id,
                text="seen often",
            ),
        ]
    )


# --- one planting function per field -------------------------------------------------------


def _first(s, model, *where):  # noqa: ANN001, ANN202
    return s.scalars(select(model).where(*where).order_by(model.id)).first()


def _coding(s) -> Coding:  # noqa: ANN001
    return _first(s, Coding)


def plant_quote(s, text: str) -> None:  # noqa: ANN001
    """A missed redaction: the identifiers inside the coded words."""
    coding = _coding(s)
    excerpt = s.get(Excerpt, coding.excerpt_id)
    inserted = f"{text} "
    excerpt.text = excerpt.text[: coding.start] + inserted + excerpt.text[coding.start :]
    excerpt.pseudonyms = [
        [a + len(inserted), b + len(inserted), *rest] if a >= coding.start else [a, b, *rest]
        for a, b, *rest in excerpt.pseudonyms
    ]
    coding.end += len(inserted)


def plant_context(s, text: str) -> None:  # noqa: ANN001
    """Outside the coded words, in the sentence after them (exports with --context)."""
    coding = _coding(s)
    excerpt = s.get(Excerpt, coding.excerpt_id)
    excerpt.text = excerpt.text[: coding.end] + f" {text} told them." + excerpt.text[coding.end :]


def plant_coding_memo(s, text: str) -> None:  # noqa: ANN001
    _coding(s).memo = f"She named him: {text}"


def _memo(s, kind: str) -> Memo:  # noqa: ANN001
    return _first(s, Memo, Memo.target_type == kind)


def plant_excerpt_memo(s, text: str) -> None:  # noqa: ANN001
    _memo(s, "excerpt").text = text


def plant_interview_memo(s, text: str) -> None:  # noqa: ANN001
    _memo(s, "interview").text = text


def plant_theme_memo(s, text: str) -> None:  # noqa: ANN001
    _memo(s, "theme").text = text


def plant_project_memo(s, text: str) -> None:  # noqa: ANN001
    _memo(s, "project").text = text


def _coded_speaker(s) -> Speaker:  # noqa: ANN001
    return s.get(Excerpt, _coding(s).excerpt_id).speaker


def plant_speaker_label(s, text: str) -> None:  # noqa: ANN001
    _coded_speaker(s).label = text


def plant_speaker_role(s, text: str) -> None:  # noqa: ANN001
    _coded_speaker(s).role = text[:32]


def _interview(s) -> Interview:  # noqa: ANN001
    return _first(s, Interview)


def plant_interview_title(s, text: str) -> None:  # noqa: ANN001
    _interview(s).title = text


def plant_interview_code(s, text: str) -> None:  # noqa: ANN001
    _interview(s).code = text.split()[0][:32]


def plant_reviewer(s, text: str) -> None:  # noqa: ANN001
    _first(s, Interview, Interview.reviewed_by.is_not(None)).reviewed_by = text


def plant_attribute_value(s, text: str) -> None:  # noqa: ANN001
    s.add(InterviewAttribute(interview_id=_interview(s).id, name="contact", value=text))


def plant_attribute_name(s, text: str) -> None:  # noqa: ANN001
    s.add(InterviewAttribute(interview_id=_interview(s).id, name=text[:128], value="yes"))


def _coded_theme(s) -> Theme:  # noqa: ANN001
    return s.get(Theme, _coding(s).theme_id)


def plant_theme_name(s, text: str) -> None:  # noqa: ANN001
    _coded_theme(s).name = text


def plant_theme_description(s, text: str) -> None:  # noqa: ANN001
    _coded_theme(s).description = f"When {text} is named."


def plant_theme_criteria(s, text: str) -> None:  # noqa: ANN001
    theme = _coded_theme(s)
    theme.include, theme.exclude, theme.examples = text, text, [text]


def plant_theme_id(s, text: str) -> None:  # noqa: ANN001
    words = re.findall(r"[A-Za-z]+", text)[:2]
    _coded_theme(s).slug = "-".join(words).lower()


def plant_coder_name(s, text: str) -> None:  # noqa: ANN001
    _first(s, Coder, Coder.name == "ana").name = text[:128]


@dataclass(frozen=True)
class Field:
    name: str
    plant: Callable[..., None] | None  # into project.db; None: planted otherwise (below)


FIELDS = [
    Field("quote", plant_quote),
    Field("quote context", plant_context),
    Field("coding memo", plant_coding_memo),
    Field("excerpt memo", plant_excerpt_memo),
    Field("interview memo", plant_interview_memo),
    Field("theme memo", plant_theme_memo),
    Field("project memo", plant_project_memo),
    Field("speaker label", plant_speaker_label),
    Field("speaker role", plant_speaker_role),
    Field("interview title", plant_interview_title),
    Field("interview id", plant_interview_code),
    Field("reviewer", plant_reviewer),
    Field("attribute value", plant_attribute_value),
    Field("attribute name", plant_attribute_name),
    Field("theme name", plant_theme_name),
    Field("theme description", plant_theme_description),
    Field("theme criteria", plant_theme_criteria),
    Field("theme id", plant_theme_id),
    Field("coder name", plant_coder_name),
    Field("project name", None),
    Field("report title", None),
    Field("transcript file name", None),
]


def prepare(base: Path, folder: Path, field: Field) -> tuple[Path, list[str]]:
    """A copy of the base project with the field planted; the export options it needs."""
    shutil.copytree(base, folder)
    index = FIELDS.index(field)
    text = planted(index)
    extra: list[str] = []
    if field.plant is not None:
        project = Project.open(folder)
        try:
            with project.session() as s, s.begin():
                field.plant(s, text)
        finally:
            project.close()
    elif field.name == "project name":
        settings = folder / "testimony.yaml"
        settings.write_text(
            settings.read_text().replace("name: leak study", f"name: {text}", 1), encoding="utf-8"
        )
    elif field.name == "report title":
        extra = ["--title", text]
    elif field.name == "transcript file name":
        # The real way a name reaches a title: a file named after the person.
        source = folder.parent / f"{NAMES[0].replace(' ', '_')}_2019.txt"
        source.write_text(LAWYER.replace("arm", "jaw"), encoding="utf-8")
        project = Project.open(folder)
        try:
            report = import_files(project, [source])
            assert not report.failed, [r.reason for r in report.failed]
        finally:
            project.close()
    return folder, extra


def attribute_names(folder: Path) -> list[str]:
    project = Project.open(folder)
    try:
        with project.session() as s:
            return sorted(set(s.scalars(select(InterviewAttribute.name))))
    finally:
        project.close()


def export_args(folder: Path, fmt: str, out: Path, extra: list[str]) -> list[str]:
    """Every option that puts more fields into the file: context, memos, all attributes."""
    if fmt == "yaml":
        return ["--project", str(folder), "codebook", "export", "-o", str(out)]
    args = ["--project", str(folder), "export", "--format", fmt, "-o", str(out), *extra]
    if fmt in {"md", "html", "docx", "csv", "json"}:
        args.append("--context")
        for name in attribute_names(folder):
            args += ["--attribute", name]
    return args


# --- the scan ------------------------------------------------------------------------------

TAG = re.compile(r"<[^>]+>")


def readable_texts(data: bytes, name: str) -> list[tuple[str, str]]:
    """(where, text) for every byte of a file: a zip's member names and members, each as
    stored, with XML/HTML entities decoded, and with tags removed (text split over runs)."""
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            out = []
            for info in archive.infolist():
                out.append((f"{name}: member name", info.filename))
                out += readable_texts(archive.read(info), f"{name}/{info.filename}")
            return out
    text = data.decode("utf-8", "replace")
    texts = [(name, text), (f"{name} (unescaped)", html.unescape(text))]
    texts.append((f"{name} (tags removed)", html.unescape(TAG.sub("", text))))
    if name.endswith(".json"):
        texts.append((f"{name} (JSON strings)", "\n".join(_json_strings(json.loads(text)))))
    return texts


def _json_strings(value) -> list[str]:  # noqa: ANN001
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [str(k), *_json_strings(v)]]
    if isinstance(value, list):
        return [s for item in value for s in _json_strings(item)]
    return [str(value)]


def identifiers_in(data: bytes, name: str) -> list[str]:
    """Where a planted identifier (or any of the story's) shows in the file; [] if nowhere."""
    found = []
    for where, text in readable_texts(data, name):
        folded = text.casefold()
        found += [f"{where}: {needle}" for needle in NEEDLES if needle in folded]
        if PHONE_DIGITS in re.sub(r"\D", "", text):
            found.append(f"{where}: phone digits")
    return found


def identifiers_said(text: str) -> list[str]:
    folded = text.casefold()
    return [needle for needle in NEEDLES if needle in folded] + (
        ["phone digits"] if PHONE_DIGITS in re.sub(r"\D", "", text) else []
    )
