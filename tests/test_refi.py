"""REFI-QDA exchange: .qdpx projects and .qdc codebooks valid against the standard's schemas."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from testimony.db.models import Coder, Coding, Excerpt, Interview, Memo, Theme
from tests.export_helpers import build_coded_project, open_project

SCHEMAS = Path(__file__).parent / "data" / "refi-qda"
NS = {"q": "urn:QDA-XML:project:1.0", "c": "urn:QDA-XML:codebook:1.0"}


@pytest.fixture(scope="module")
def coded_dir(tmp_path_factory):
    return build_coded_project(tmp_path_factory.mktemp("coded") / "proj")


@pytest.fixture
def coded(coded_copy):
    folder = coded_copy
    with open_project(folder) as project:
        yield project


def export_qdpx(run, project, out: Path, *args) -> tuple[etree._Element, zipfile.ZipFile]:
    result = run("--project", project.root, "export", "--format", "qdpx", "-o", out, *args)
    assert result.exit_code == 0, result.stderr
    archive = zipfile.ZipFile(out)
    return etree.fromstring(archive.read("project.qde")), archive


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def test_a_qdpx_project_validates_against_the_refi_qda_schema(coded, run, tmp_path):
    add_memos(coded)
    project, _archive = export_qdpx(run, coded, tmp_path / "study.qdpx")
    validator = schema("Project.xsd")
    assert validator.validate(project), validator.error_log


def test_each_coding_selects_its_quote_in_the_source_text_by_code_points(coded, run, tmp_path):
    with coded.session() as s, s.begin():  # characters outside the BMP before a coding
        coding = s.scalars(select(Coding).order_by(Coding.id)).first()
        excerpt = s.get(Excerpt, coding.excerpt_id)
        excerpt.text = "🙂𝒜 " + excerpt.text
        for other in s.scalars(select(Coding).where(Coding.excerpt_id == excerpt.id)):
            other.start += 3
            other.end += 3
    project, archive = export_qdpx(run, coded, tmp_path / "study.qdpx")
    with coded.session() as s:
        expected = {
            c.id: s.get(Excerpt, c.excerpt_id).text[c.start : c.end]
            for c in s.scalars(select(Coding))
        }
        coding_ids = sorted(expected)
    found = []
    for source in project.iterfind("q:Sources/q:TextSource", NS):
        path = source.get("plainTextPath")
        assert path == f"internal://{source.get('guid')}.txt"
        text = archive.read(f"sources/{source.get('guid')}.txt").decode("utf-8")
        for selection in source.iterfind("q:PlainTextSelection", NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            found.append(text[start:end])
    assert sorted(found) == sorted(expected[i] for i in coding_ids)
    assert "The police said it was a family matter!" in found


def test_users_codes_cases_and_variables_come_from_the_project(coded, run, tmp_path):
    project, _archive = export_qdpx(run, coded, tmp_path / "study.qdpx")
    assert sorted(u.get("name") for u in project.iterfind("q:Users/q:User", NS)) == ["ana", "ben"]
    top = [c.get("name") for c in project.iterfind("q:CodeBook/q:Codes/q:Code", NS)]
    with coded.session() as s:
        roots = list(
            s.scalars(select(Theme.name).where(Theme.parent_id.is_(None)).order_by(Theme.position))
        )
    assert top == roots
    nested = project.find(".//q:Code[@name='Psychological and emotional violence']", NS)
    assert "Isolation and control of movement" in [
        c.get("name") for c in nested.iterfind("q:Code", NS)
    ]
    assert {v.get("name") for v in project.iterfind("q:Variables/q:Variable", NS)} == {
        "age",
        "role",
    }
    case = project.find("q:Cases/q:Case[@name='INT-002']", NS)
    assert case.findtext("q:VariableValue/q:TextValue", namespaces=NS) == "lawyer"
    source_guid = case.find("q:SourceRef", NS).get("targetGUID")
    assert project.find(f"q:Sources/q:TextSource[@guid='{source_guid}']", NS) is not None


def test_memos_become_notes_referenced_where_they_belong(coded, run, tmp_path):
    add_memos(coded)
    project, _archive = export_qdpx(run, coded, tmp_path / "study.qdpx")
    notes = {
        n.get("guid"): n.findtext("q:PlainTextContent", namespaces=NS)
        for n in project.iterfind("q:Notes/q:Note", NS)
    }
    assert sorted(notes.values()) == sorted(
        ["classic dismissal", "on the theme", "on the interview", "on the excerpt", "on all"]
    )
    by_text = {text: guid for guid, text in notes.items()}
    refs = lambda xpath: {r.get("targetGUID") for r in project.iterfind(xpath, NS)}  # noqa: E731
    assert by_text["classic dismissal"] in refs(".//q:PlainTextSelection/q:Coding/q:NoteRef")
    assert by_text["on the theme"] in refs(".//q:Code/q:NoteRef")
    assert by_text["on the interview"] in refs("q:Sources/q:TextSource/q:NoteRef")
    assert by_text["on the excerpt"] in refs(".//q:PlainTextSelection/q:NoteRef")
    assert by_text["on all"] in refs("q:NoteRef")


def test_guids_stay_the_same_across_exports(coded, run, tmp_path):
    first, _ = export_qdpx(run, coded, tmp_path / "one.qdpx")
    with coded.session() as s, s.begin():  # the project changes between exports
        s.add(Coder(name="cai"))
        theme = s.scalars(select(Theme).where(Theme.slug == "police-dismissal")).one()
        theme.name = "Dismissed by police"
    second, _ = export_qdpx(run, coded, tmp_path / "two.qdpx")

    def guids(project, xpath: str, key: str) -> dict:
        return {e.get(key): e.get("guid") for e in project.iterfind(xpath, NS)}

    assert (
        guids(first, "q:Users/q:User", "name").items()
        <= guids(second, "q:Users/q:User", "name").items()
    )
    assert guids(first, ".//q:TextSource", "name") == guids(second, ".//q:TextSource", "name")
    old = first.find(".//q:Code[@name='Dismissal and not taken seriously']", NS).get("guid")
    assert second.find(".//q:Code[@name='Dismissed by police']", NS).get("guid") == old
    selections = lambda p: sorted(e.get("guid") for e in p.iterfind(".//q:PlainTextSelection", NS))  # noqa: E731
    assert selections(first) == selections(second)


def test_another_project_gets_other_guids(coded, run, tmp_path):
    first, _ = export_qdpx(run, coded, tmp_path / "one.qdpx")
    other = build_coded_project(tmp_path / "elsewhere" / "proj")
    with open_project(other) as project:
        second, _ = export_qdpx(run, project, tmp_path / "two.qdpx")
    code = ".//q:Code[@name='Physical violence']"
    assert first.find(code, NS).get("guid") != second.find(code, NS).get("guid")


def test_filters_limit_the_sources_and_codings(coded, run, tmp_path):
    project, archive = export_qdpx(run, coded, tmp_path / "s.qdpx", "--interview", "INT-002")
    assert [s.get("name").split()[0] for s in project.iterfind(".//q:TextSource", NS)] == [
        "INT-002"
    ]
    assert len(project.findall(".//q:PlainTextSelection", NS)) == 1
    assert len([n for n in archive.namelist() if n.startswith("sources/")]) == 1


def test_a_qdc_codebook_validates_and_keeps_the_tree(coded, run, tmp_path):
    out = tmp_path / "codebook.qdc"
    result = run("--project", coded.root, "export", "--format", "qdc", "-o", out)
    assert result.exit_code == 0, result.stderr
    codebook = etree.parse(str(out))
    validator = schema("Codebook.xsd")
    assert validator.validate(codebook), validator.error_log
    with coded.session() as s:
        count = len(list(s.scalars(select(Theme))))
    assert len(codebook.findall(".//c:Code", NS)) == count
    parent = codebook.find(".//c:Code[@name='Police response']", NS)
    assert parent.get("isCodable") == "true" and parent.get("color", "").startswith("#")
    assert "Police pressure to reconcile" in [c.get("name") for c in parent.iterfind("c:Code", NS)]
    qdpx, _ = export_qdpx(run, coded, tmp_path / "p.qdpx")
    name = "Police pressure to reconcile"
    assert codebook.find(f".//c:Code[@name='{name}']", NS).get("guid") == qdpx.find(
        f".//q:Code[@name='{name}']", NS
    ).get("guid")


def test_a_qdpx_with_a_planted_identifier_in_a_source_writes_nothing(coded, run, tmp_path):
    with coded.session() as s, s.begin():
        interview = s.scalars(select(Interview).where(Interview.code == "INT-002")).one()
        excerpt = s.scalars(select(Excerpt).where(Excerpt.interview_id == interview.id)).first()
        excerpt.text += " Then Yerlan Tulegenov phoned."
    out = tmp_path / "leak.qdpx"
    result = run("--project", coded.root, "export", "--format", "qdpx", "-o", out)
    assert result.exit_code == 1
    assert not out.exists()
    assert ".txt line 1, column " in result.stderr and ": PERSON" in result.stderr
    assert "Yerlan" not in result.stderr + result.stdout


def add_memos(project) -> None:
    with project.session() as s, s.begin():
        ana = s.scalars(select(Coder).where(Coder.name == "ana")).one()
        theme = s.scalars(select(Theme).where(Theme.slug == "police-dismissal")).one()
        interview = s.scalars(select(Interview).where(Interview.code == "INT-001")).one()
        excerpt = s.scalars(select(Excerpt).where(Excerpt.interview_id == interview.id)).first()
        s.add_all(
            [
                Memo(target_type="theme", target_id=theme.id, coder_id=ana.id, text="on the theme"),
                Memo(
                    target_type="interview",
                    target_id=interview.id,
                    coder_id=ana.id,
                    text="on the interview",
                ),
                Memo(
                    target_type="excerpt",
                    target_id=excerpt.id,
                    coder_id=ana.id,
                    text="on the excerpt",
                ),
                Memo(target_type="project", target_id=None, coder_id=ana.id, text="on all"),
            ]
        )


def test_a_qdpx_of_unreviewed_interviews_warns_loudly(coded, run, tmp_path):
    result = run("--project", coded.root, "export", "--format", "qdpx", "-o", tmp_path / "a.qdpx")
    assert "WARNING" in result.stderr and "INT-001" in result.stderr
    assert "INT-002" not in result.stderr.split("WARNING")[1]  # INT-002 was reviewed
    quiet = run(
        "--project",
        coded.root,
        "export",
        "--format",
        "qdpx",
        "-o",
        tmp_path / "b.qdpx",
        "--reviewed-only",
    )
    assert quiet.exit_code == 0 and "WARNING" not in quiet.stderr


def test_codebook_export_writes_the_same_qdc(coded, run, tmp_path):
    out = tmp_path / "codebook.qdc"
    result = run("--project", coded.root, "codebook", "export", "--format", "qdc", "-o", out)
    assert result.exit_code == 0, result.stderr
    validator = schema("Codebook.xsd")
    assert validator.validate(etree.parse(str(out))), validator.error_log
    same = tmp_path / "same.qdc"
    run("--project", coded.root, "export", "--format", "qdc", "-o", same)
    assert out.read_bytes() == same.read_bytes()
