"""import-qdpx: REFI-QDA projects shaped as NVivo, ATLAS.ti, MAXQDA and QualCoder write them.

The fixtures in tests/data/refi/ are unpacked .qdpx folders (readable in review); each
test zips one. Their texts are invented.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from testimony.db.models import (
    AuditEntry,
    Coder,
    Coding,
    Excerpt,
    InterviewAttribute,
    Memo,
    Theme,
)
from testimony.project import init_project
from testimony.vault.models import RawSegment

FIXTURES = Path(__file__).parent / "data" / "refi"


def make_qdpx(tool: str, out_dir: Path) -> Path:
    """Zip a fixture folder as the tool would; files under beside/ go next to the .qdpx."""
    folder = FIXTURES / tool
    out = out_dir / f"{tool}.qdpx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if path.is_file() and relative.parts[0] != "beside":
                archive.write(path, relative.as_posix())
    beside = folder / "beside"
    if beside.is_dir():
        for path in beside.iterdir():
            shutil.copy(path, out_dir / path.name)
    return out


@pytest.fixture
def empty(tmp_path):
    project = init_project(tmp_path / "empty")
    yield project
    project.close()


def import_tool(run, project, tool: str, tmp_path: Path):
    path = make_qdpx(tool, tmp_path)
    result = run("--project", project.root, "import-qdpx", path)
    assert result.exit_code == 0, result.stderr
    return result


def quotes(project) -> dict[str, list[str]]:
    """Theme name -> the coded pseudonymized text of each coding, in text order."""
    out: dict[str, list[str]] = {}
    with project.session() as s:
        rows = s.execute(
            select(Theme.name, Excerpt.text, Coding.start, Coding.end)
            .join(Coding, Coding.theme_id == Theme.id)
            .join(Excerpt, Excerpt.id == Coding.excerpt_id)
            .order_by(Excerpt.position, Coding.start)
        )
        for name, text, start, end in rows:
            out.setdefault(name, []).append(text[start:end])
    return out


def test_a_qualcoder_project_brings_codebook_coders_codings_memos_and_variables(
    empty, run, tmp_path
):
    result = import_tool(run, empty, "qualcoder", tmp_path)
    assert "imported as INT-001" in result.stdout
    assert quotes(empty) == {
        "Documents withheld": ["took my passport"],
        "Police dismissal": ["The officer laughed and said it was a family matter."],
    }
    with empty.session() as s:
        themes = {t.name: t for t in s.scalars(select(Theme))}
        assert themes["Documents withheld"].parent_id == themes["Control"].id
        assert themes["Control"].guid == "c0de0001-0000-4000-8000-000000000001"
        assert themes["Control"].color == "#aa3355"
        assert themes["Documents withheld"].color == "#cc6633"  # #c63 written out
        assert themes["Control"].description == "Coercive control by the partner."
        assert [c.name for c in s.scalars(select(Coder))] == ["dana"]
        coding = s.scalar(select(Coding).where(Coding.theme_id == themes["Documents withheld"].id))
        # A note was written over the raw transcript and names the husband: it is redacted
        # too (a given name alone links within one interview only, so its pseudonym is the
        # note's own).
        assert coding.memo.startswith("Passport taken by ") and "Marat" not in coding.memo
        assert coding.memo.endswith(" right after the wedding.")
        memos = {(m.target_type, m.text) for m in s.scalars(select(Memo))}
        assert memos == {
            ("interview", "Recorded at the shelter office."),
            ("project", "Coding went slowly this week."),  # a journal: a note nothing points to
            ("theme", "Use when officers refuse to act."),
        }
        attributes = dict(
            s.execute(select(InterviewAttribute.name, InterviewAttribute.value)).all()
        )
        assert attributes == {"region": "south", "children": "2"}
        texts = " ".join(s.scalars(select(Excerpt.text)))
        assert "Marat" not in texts  # the name went to the vault, not to project.db
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "import-qdpx"))
    with empty.vault_session() as vs:
        assert "Marat" in " ".join(vs.scalars(select(RawSegment.text)))


def test_an_nvivo_project_counts_crlf_once_and_is_read_by_its_selection_names(empty, run, tmp_path):
    result = import_tool(run, empty, "nvivo", tmp_path)
    assert "CRLF as one character, end exclusive (from selection text)" in result.stdout
    assert "1 selection over several excerpts was split" in result.stdout
    assert quotes(empty) == {
        "Medical response": [
            "The doctor wrote that the bruises were from a fall.\n\nNobody asked me who did it.",
            "the bruises were from a fall",
        ],
        # Q's turn and A's turn: one coding each; the speaker label between them is no text.
        "Hotlines": ["And after that?", "I called the hotline twice."],
    }
    with empty.session() as s:
        themes = {t.name: t for t in s.scalars(select(Theme))}
        assert themes["Medical response"].parent_id == themes["Services"].id  # a folder code
        assert themes["Services"].guid == "1d000000-aaaa-4aaa-8aaa-000000000001"
        assert [c.name for c in s.scalars(select(Coder))] == ["Ruth Ames"]
        # An annotation (a selection with a note and no code) is a memo on its excerpt.
        memo = s.scalar(select(Memo).where(Memo.target_type == "excerpt"))
        excerpt = s.get(Excerpt, memo.target_id)
        assert memo.text == "Which centre? Check the referral list."
        assert "the crisis centre" in excerpt.text


def test_an_atlas_ti_project_with_inclusive_ends_free_quotations_and_a_pdf(empty, run, tmp_path):
    result = import_tool(run, empty, "atlasti", tmp_path)
    assert "end inclusive (from selection text)" in result.stdout
    assert "skipped 1 source: PDFSource" in result.stderr
    assert "skipped 1 selection with no code and no note" in result.stderr
    assert quotes(empty) == {
        "Limits of stay and capacity": ["only for thirty days"],
        "Economic support": ["A job, and a kindergarten place"],
    }


def test_a_maxqda_project_with_a_file_beside_it_an_inline_source_and_audio(empty, run, tmp_path):
    result = import_tool(run, empty, "maxqda", tmp_path)
    assert "imported as INT-001, INT-002" in result.stdout
    assert "CRLF as two characters, end exclusive (from word boundaries)" in result.stdout
    assert "skipped 1 source: AudioSource" in result.stderr
    assert quotes(empty) == {
        "Control of money": ["He took my salary card every month."],
        "Informal help": ["My neighbour lent me money"],
        "Fines": ["the fine came out of the family budget"],
    }
    with empty.session() as s:
        guid = s.scalar(select(Theme.guid).where(Theme.name == "Control of money"))
    assert guid == "c1c1c1c1-0000-4000-8000-000000000002"  # braces and case as we write them


def test_importing_the_same_qdpx_again_changes_nothing(empty, run, tmp_path):
    from tests.conftest import dump_databases

    import_tool(run, empty, "qualcoder", tmp_path)
    before = dump_databases(empty.root)
    result = run("--project", empty.root, "import-qdpx", tmp_path / "qualcoder.qdpx")
    assert result.exit_code == 0 and "imported already" in result.stdout
    assert dump_databases(empty.root) == before


def test_codes_join_a_project_codebook_by_guid_then_by_name(project, run, tmp_path):
    with project.session() as s, s.begin():
        police = s.scalar(select(Theme).where(Theme.slug == "police-dismissal"))
        police.name = "Police dismissal"  # the project's own theme, named as the file names it
        before = s.scalar(select(Theme.id).where(Theme.slug == "police-dismissal"))
        count = len(list(s.scalars(select(Theme))))
    import_tool(run, project, "qualcoder", tmp_path)
    with project.session() as s:
        themes = list(s.scalars(select(Theme)))
        coded = s.scalars(select(Coding.theme_id)).all()
    # Only Control is new: "Documents withheld" is the name of one theme of the shipped
    # codebook (under another parent), and the project's codebook wins.
    assert len(themes) == count + 1
    assert {t.name for t in themes if t.guid} == {
        "Control",
        "Documents withheld",
        "Police dismissal",
    }
    assert before in coded
    matched = next(t for t in themes if t.id == before)
    assert matched.guid == "c0de0001-0000-4000-8000-000000000003"  # exported as the tool knows it


def test_a_qdc_codebook_imports_with_its_guids_and_exports_them_again(empty, run, tmp_path):
    qdc = FIXTURES / "codebook.qdc"
    result = run("--project", empty.root, "codebook", "import", qdc)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("3 added")
    out = tmp_path / "again.qdc"
    assert (
        run("--project", empty.root, "codebook", "export", "--format", "qdc", "-o", out).exit_code
        == 0
    )
    text = out.read_text(encoding="utf-8")
    for guid in ("c0de0001-0000-4000-8000-000000000001", "c0de0001-0000-4000-8000-000000000003"):
        assert f'guid="{guid}"' in text
    again = run("--project", empty.root, "codebook", "import", qdc)
    assert again.stdout.startswith("0 added, 0 updated, 3 unchanged")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            '<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>',
            "DTD or entities",
        ),
        (
            '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
            '<Code guid="not-a-guid" name="A" isCodable="true"/></Codes></CodeBook>',
            "attribute guid: a value is not valid",
        ),
        ("<CodeBook", "not well-formed XML"),
    ],
)
def test_a_hostile_or_broken_qdc_is_refused_and_changes_nothing(
    content, reason, project, run, tmp_path
):
    from tests.conftest import dump_databases

    path = tmp_path / "codes.qdc"
    path.write_text(content, encoding="utf-8")
    before = dump_databases(project.root)
    result = run("--project", project.root, "codebook", "import", path)
    assert result.exit_code == 1 and reason in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1 and "not-a-guid" not in result.stderr
    assert dump_databases(project.root) == before


def test_a_relative_source_is_found_under_the_projects_base_path(empty, run, tmp_path):
    """MAXQDA with a basePath: the text sits in that folder, not beside the .qdpx."""
    out = tmp_path / "out"
    out.mkdir()
    path = make_qdpx("maxqda", out)
    base = tmp_path / "transcripts"
    base.mkdir()
    (out / "Interview B.txt").rename(base / "Interview B.txt")
    with zipfile.ZipFile(path) as archive:
        qde = archive.read("project.qde").decode("utf-8")
    qde = qde.replace('origin="MAXQDA', f'basePath="file://{base}" origin="MAXQDA', 1)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
    result = run("--project", empty.root, "import-qdpx", path)
    assert result.exit_code == 0, result.stderr
    assert quotes(empty)["Control of money"] == ["He took my salary card every month."]


def test_a_qdpx_with_a_codebook_and_notes_only_adds_themes_and_memos(empty, run, tmp_path):
    qde = (FIXTURES / "qualcoder" / "project.qde").read_text(encoding="utf-8")
    start, end = qde.index(" <Variables>"), qde.index(" <Notes>")
    path = tmp_path / "codes.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde[:start] + qde[end:])
    result = run("--project", empty.root, "import-qdpx", path)
    assert result.exit_code == 0, result.stderr
    assert "imported as no interviews" in result.stdout
    with empty.session() as s:
        assert {t.name for t in s.scalars(select(Theme))} == {
            "Control",
            "Documents withheld",
            "Police dismissal",
        }
        assert not s.scalars(select(Excerpt)).all()
        memos = {(m.target_type, m.text) for m in s.scalars(select(Memo))}
    assert ("theme", "Use when officers refuse to act.") in memos
    # Notes nothing points to now: one project memo per coder, the notes in file order.
    project_memo = next(text for kind, text in memos if kind == "project")
    assert project_memo.startswith("Recorded at the shelter office.\n\n")
    assert project_memo.endswith("\n\nCoding went slowly this week.")
    assert "Marat" not in project_memo
    again = run("--project", empty.root, "import-qdpx", path)
    assert again.exit_code == 0
    with empty.session() as s:
        assert len(s.scalars(select(Theme)).all()) == 3
        assert {(m.target_type, m.text) for m in s.scalars(select(Memo))} == memos
