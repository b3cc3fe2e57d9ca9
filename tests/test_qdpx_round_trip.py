"""Round trip: export a .qdpx, import it into a new project, export again: nothing lost."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from testimony.db.models import Coder, Excerpt, Interview, Memo, Theme
from testimony.project import init_project
from tests.export_helpers import build_coded_project, open_project

Q = "{urn:QDA-XML:project:1.0}"


@pytest.fixture(scope="module")
def coded_dir(tmp_path_factory):
    return build_coded_project(tmp_path_factory.mktemp("coded") / "proj")


def add_memos(project) -> None:
    """One memo of every kind, and a sub-theme colour, so the trip carries them all."""
    with project.session() as s, s.begin():
        ana = s.scalars(select(Coder).where(Coder.name == "ana")).one()
        ben = s.scalars(select(Coder).where(Coder.name == "ben")).one()
        theme = s.scalars(select(Theme).where(Theme.slug == "police-dismissal")).one()
        theme.color = "#123456"
        interview = s.scalars(select(Interview).where(Interview.code == "INT-002")).one()
        excerpt = s.scalars(select(Excerpt).where(Excerpt.interview_id == interview.id)).first()
        s.add_all(
            [
                Memo(target_type="theme", target_id=theme.id, coder_id=ana.id, text="on the theme"),
                Memo(target_type="interview", target_id=interview.id, coder_id=ben.id, text="iv"),
                Memo(target_type="excerpt", target_id=excerpt.id, coder_id=ana.id, text="para"),
                Memo(target_type="project", target_id=None, coder_id=ben.id, text="on all"),
            ]
        )


def export(run, folder: Path, out: Path) -> etree._Element:
    result = run("--project", folder, "export", "--format", "qdpx", "-o", out)
    assert result.exit_code == 0, result.stderr
    return etree.fromstring(zipfile.ZipFile(out).read("project.qde"))


def summary(qdpx: Path) -> dict:
    """What a round trip must keep, independent of GUIDs that name this project's rows."""
    archive = zipfile.ZipFile(qdpx)
    root = etree.fromstring(archive.read("project.qde"))
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{Q}User")}
    notes = {
        n.get("guid"): (n.findtext(f"{Q}PlainTextContent"), users.get(n.get("creatingUser")))
        for n in root.iter(f"{Q}Note")
    }

    def code_tree(holder) -> list:
        return [
            (
                c.get("guid"),
                c.get("name"),
                c.get("color"),
                c.findtext(f"{Q}Description"),
                sorted(notes[r.get("targetGUID")] for r in c.findall(f"{Q}NoteRef")),
                code_tree(c),
            )
            for c in holder.findall(f"{Q}Code")
        ]

    sources = []
    for source in root.iter(f"{Q}TextSource"):
        path = source.get("plainTextPath").removeprefix("internal://")
        text = archive.read(f"sources/{path}").decode("utf-8")
        codings, marked = [], []
        for selection in source.findall(f"{Q}PlainTextSelection"):
            quote = text[int(selection.get("startPosition")) : int(selection.get("endPosition"))]
            for coding in selection.findall(f"{Q}Coding"):
                memo = [notes[r.get("targetGUID")] for r in coding.findall(f"{Q}NoteRef")]
                codings.append(
                    (
                        quote,
                        coding.find(f"{Q}CodeRef").get("targetGUID"),
                        users[coding.get("creatingUser")],
                        memo,
                    )
                )
            marked += [
                (quote, notes[r.get("targetGUID")]) for r in selection.findall(f"{Q}NoteRef")
            ]
        sources.append(
            {
                "name": source.get("name").split(" ", 1)[1],  # without our interview id
                "text": text,
                "codings": sorted(codings),
                "excerpt notes": sorted(marked),
                "notes": sorted(notes[r.get("targetGUID")] for r in source.findall(f"{Q}NoteRef")),
            }
        )
    cases = [
        sorted(v.findtext(f"{Q}TextValue") for v in case.findall(f"{Q}VariableValue"))
        for case in root.iter(f"{Q}Case")
    ]
    return {
        "users": sorted(users.values()),
        "codebook": code_tree(root.find(f"{Q}CodeBook/{Q}Codes")),
        "sources": sources,
        "cases": cases,
        "project notes": sorted(notes[r.get("targetGUID")] for r in root.findall(f"{Q}NoteRef")),
    }


def test_a_round_trip_keeps_themes_codings_coders_memos_and_attributes(coded_dir, tmp_path, run):
    first = tmp_path / "first"
    shutil.copytree(coded_dir, first)
    settings = first / "testimony.yaml"  # tags: the receiving project finds no name in them
    settings.write_text(settings.read_text().replace("PERSON: realistic", "PERSON: tag"))
    assert run("--project", first, "redact").exit_code == 0
    with open_project(first) as project:
        add_memos(project)
    export(run, first, tmp_path / "a.qdpx")

    second = init_project(tmp_path / "second")
    second.close()
    result = run("--project", second.root, "import-qdpx", tmp_path / "a.qdpx")
    assert result.exit_code == 0, result.stderr
    export(run, second.root, tmp_path / "b.qdpx")

    before, after = summary(tmp_path / "a.qdpx"), summary(tmp_path / "b.qdpx")
    assert before["sources"][0]["codings"], "the first export holds codings"
    assert after == before
