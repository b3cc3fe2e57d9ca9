"""Round trip: export a .qdpx, import it into a new project, export again: nothing lost."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from testimony.db.models import Coder, Coding, Excerpt, Interview, Memo, Theme
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


def test_our_own_export_brought_back_unchanged_changes_nothing(coded_dir, tmp_path, run):
    from tests.conftest import dump_databases

    folder = tmp_path / "proj"
    shutil.copytree(coded_dir, folder)
    export(run, folder, tmp_path / "a.qdpx")
    before = dump_databases(folder)
    result = run("--project", folder, "import-qdpx", tmp_path / "a.qdpx")
    assert result.exit_code == 0, result.stderr
    assert "2 sources are this project's own interviews" in result.stdout
    assert dump_databases(folder) == before


def test_codings_made_elsewhere_on_our_export_come_back_onto_the_same_interviews(
    coded_dir, tmp_path, run
):
    """As NVivo would: a new user, a new code with a note, a coding on our pseudonymized text,
    and the text's line endings written as CRLF."""
    folder = tmp_path / "proj"
    shutil.copytree(coded_dir, folder)
    root = export(run, folder, tmp_path / "a.qdpx")
    archive = zipfile.ZipFile(tmp_path / "a.qdpx")
    users = root.find(f"{Q}Users")
    etree.SubElement(users, f"{Q}User", guid="0E3C7A11-1111-4111-8111-111111111111", name="Ruth")
    codes = root.find(f"{Q}CodeBook/{Q}Codes")
    code = etree.SubElement(
        codes, f"{Q}Code", guid="1D000000-AAAA-4AAA-8AAA-000000000009", name="Sent home"
    )
    code.set("isCodable", "true")
    source = root.find(f"{Q}Sources/{Q}TextSource")
    name = source.get("plainTextPath").removeprefix("internal://")
    text = archive.read(f"sources/{name}").decode("utf-8")
    start = text.index("They sent me home.")
    selection = etree.Element(
        f"{Q}PlainTextSelection",
        guid="2E000000-BBBB-4BBB-8BBB-000000000009",
        startPosition=str(start),
        endPosition=str(start + len("They sent me home.")),
        creatingUser="0E3C7A11-1111-4111-8111-111111111111",
    )
    coding = etree.SubElement(selection, f"{Q}Coding", guid="3F000000-CCCC-4CCC-8CCC-000000000009")
    etree.SubElement(coding, f"{Q}CodeRef", targetGUID="1D000000-AAAA-4AAA-8AAA-000000000009")
    source.insert(0, selection)
    with zipfile.ZipFile(tmp_path / "b.qdpx", "w") as out:
        out.writestr("project.qde", etree.tostring(root, xml_declaration=True, encoding="utf-8"))
        for entry in archive.namelist():
            if entry.startswith("sources/"):
                out.writestr("Sources/" + entry[8:], archive.read(entry).replace(b"\n", b"\r\n"))
    with open_project(folder) as project, project.session() as s:
        interviews = s.scalars(select(Interview.code)).all()
    result = run("--project", folder, "import-qdpx", tmp_path / "b.qdpx")
    assert result.exit_code == 0, result.stderr
    assert "1 coding," in result.stdout and "1 theme added" in result.stdout
    with open_project(folder) as project, project.session() as s:
        assert s.scalars(select(Interview.code)).all() == interviews  # no interview added
        quote = s.execute(
            select(Excerpt.text, Coding.start, Coding.end, Coder.name)
            .join(Coding, Coding.excerpt_id == Excerpt.id)
            .join(Theme, Theme.id == Coding.theme_id)
            .join(Coder, Coder.id == Coding.coder_id)
            .where(Theme.name == "Sent home")
        ).one()
    assert quote.text[quote.start : quote.end] == "They sent me home." and quote.name == "Ruth"


def test_a_project_without_a_codebook_exports_a_valid_qdpx_that_imports(tmp_path, run):
    from tests.export_helpers import REPO

    first = init_project(tmp_path / "first")
    first.close()
    story = tmp_path / "story.txt"
    story.write_text("Q: Where were you?\nA: At home with the children.\n", encoding="utf-8")
    assert run("--project", first.root, "import", story).exit_code == 0
    root = export(run, first.root, tmp_path / "a.qdpx")
    schema = etree.XMLSchema(etree.parse(str(REPO / "tests" / "data" / "refi-qda" / "Project.xsd")))
    assert schema.validate(root), schema.error_log
    second = init_project(tmp_path / "second")
    second.close()
    result = run("--project", second.root, "import-qdpx", tmp_path / "a.qdpx")
    assert result.exit_code == 0 and "imported as INT-001" in result.stdout, result.stderr
