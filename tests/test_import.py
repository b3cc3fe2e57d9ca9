"""Import end to end: the corpus, re-imports, refusals that leave nothing, crash recovery."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from testimony.coding.interviews import list_interviews
from testimony.db.models import Excerpt, Interview, Speaker
from testimony.redact.importer import import_files
from testimony.vault.models import Source

from .conftest import CORPUS, TRANSCRIPTS, dump_databases


def test_the_whole_corpus_imports_and_is_listed(corpus_project):
    with corpus_project.session() as s:
        rows = list_interviews(s)
    assert len(rows) == len(TRANSCRIPTS) + 1  # the CSV holds two interviews
    assert [r.id for r in rows] == [f"INT-{n:03d}" for n in range(1, len(rows) + 1)]
    assert all(r.excerpts > 10 and r.words > 1500 for r in rows)
    assert sum(r.words for r in rows) >= 30_000
    assert {r.review_state for r in rows} == {"unreviewed"}


def test_interviews_json_lists_every_interview(corpus_project, run):
    result = run("--project", corpus_project.root, "interviews", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert len(rows) == len(TRANSCRIPTS) + 1
    assert set(rows[0]) >= {"id", "title", "excerpts", "words", "review_state", "progress"}


def test_reimporting_an_unchanged_file_changes_nothing(corpus_project, run):
    before = dump_databases(corpus_project.root)
    result = run("--project", corpus_project.root, "import", *TRANSCRIPTS)
    assert result.exit_code == 0
    assert result.stdout.count("unchanged since its import") == len(TRANSCRIPTS)
    assert dump_databases(corpus_project.root) == before


def test_speaker_labels_are_data_with_roles(corpus_project):
    with corpus_project.vault_session() as vs:
        code = vs.scalar(
            select(Source.interview_code).where(Source.file_name == "int01-aigerim.txt")
        )
    with corpus_project.session() as s:
        roles = dict(
            s.execute(
                select(Speaker.label, Speaker.role).join(Interview).where(Interview.code == code)
            ).all()
        )
        texts = list(s.scalars(select(Excerpt.text).join(Interview).where(Interview.code == code)))
    assert roles.pop("INTERVIEWER") == "interviewer"
    [(respondent, role)] = roles.items()  # AIGERIM, as a realistic pseudonym in capitals
    assert role == "respondent" and respondent.isupper() and respondent.isalpha()
    assert respondent != "AIGERIM"
    assert not any(t.startswith(("INTERVIEWER:", "AIGERIM:")) for t in texts)


def test_subtitle_cue_times_are_kept_on_excerpts(corpus_project):
    with corpus_project.session() as s:
        times = s.execute(
            select(Excerpt.start_ms, Excerpt.end_ms)
            .join(Interview)
            .where(Interview.source_format == "vtt")
            .order_by(Excerpt.position)
        ).all()
    assert times[0] == (1400, times[0][1]) and times[0][1] > 1400
    assert all(start is not None and end >= start for start, end in times)
    assert [t[0] for t in times] == sorted(t[0] for t in times)


def test_a_file_changed_since_import_is_refused_unless_replace(project, tmp_path, run):
    path = tmp_path / "story.txt"
    path.write_text("Q: Where?\nA: At home, in the kitchen.\nQ: When?\nA: At night.\n")
    assert run("--project", project.root, "import", path).exit_code == 0
    path.write_text("Q: Where?\nA: At home, in the hall.\nQ: When?\nA: At night.\n")
    before = dump_databases(project.root)
    refused = run("--project", project.root, "import", path)
    assert refused.exit_code == 2
    assert "changed since it was imported; use --replace" in refused.stderr
    assert dump_databases(project.root) == before
    replaced = run("--project", project.root, "import", "--replace", path)
    assert replaced.exit_code == 0, replaced.stderr
    assert "replaced as INT-001" in replaced.stdout
    with project.session() as s:
        texts = list(s.scalars(select(Excerpt.text).order_by(Excerpt.position)))
        assert s.scalar(select(func.count(Interview.id))) == 1
    assert "At home, in the hall." in texts
    with project.vault_session() as vs:
        assert [s.status for s in vs.scalars(select(Source))] == ["done"]


def make_bad_inputs(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    bad = {
        "empty": folder / "empty.txt",
        "binary": folder / "binary.txt",
        "unknown-extension": folder / "notes.pdf",
        "not-a-zip-docx": folder / "fake.docx",
        "zip-bomb-docx": folder / "bomb.docx",
        "entities-docx": folder / "entities.docx",
        "csv-missing-column": folder / "turns.csv",
        "vtt-broken-timing": folder / "broken.vtt",
        "too-large": folder / "huge.txt",
        "directory": folder / "a-folder.txt",
        "missing": folder / "nowhere.txt",
        "whitespace-only": folder / "blank.md",
    }
    bad["empty"].write_bytes(b"")
    bad["binary"].write_bytes(bytes(range(256)) * 64)
    bad["unknown-extension"].write_bytes(b"%PDF-1.7 ...")
    bad["not-a-zip-docx"].write_text("not a zip")
    with zipfile.ZipFile(bad["zip-bomb-docx"], "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        archive.writestr("word/big.xml", b" " * (250 * 1024 * 1024))
    with zipfile.ZipFile(bad["entities-docx"], "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr(
            "word/document.xml",
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "x">]><w:document>&a;</w:document>',
        )
    bad["csv-missing-column"].write_text("interview,speaker,time\nOne,Aliya,00:00:01\n")
    bad["vtt-broken-timing"].write_text("WEBVTT\n\n00:00:09.000 --> 00:00:01.000\n<v A>hi\n")
    with open(bad["too-large"], "wb") as handle:  # sparse: no real disk used
        handle.seek(60 * 1024 * 1024)
        handle.write(b"\n")
    bad["directory"].mkdir()
    bad["whitespace-only"].write_text("---\ntitle: x\n---\n\n   \n")
    return bad


EXPECTED_REASONS = {
    "empty": "the file is empty",
    "binary": "binary",
    "unknown-extension": "unknown file type '.pdf'",
    "not-a-zip-docx": "not a Word document",
    "zip-bomb-docx": "zip bomb",
    "entities-docx": "entities",
    "csv-missing-column": "missing column 'text'",
    "vtt-broken-timing": "cue ends before it starts",
    "too-large": "larger than the 50 MB limit",
    "directory": "is a folder",
    "missing": "no such file",
    "whitespace-only": "no transcript text",
}


def test_each_bad_input_is_refused_with_a_reason_and_changes_nothing(project, tmp_path, run):
    bad = make_bad_inputs(tmp_path / "bad")
    good = tmp_path / "good.txt"
    good.write_text("Q: What happened?\nA: He left.\nQ: And then?\nA: He came back.\n")
    before = dump_databases(project.root)
    for case, path in bad.items():
        result = run("--project", project.root, "import", path)
        assert result.exit_code == 2, case
        lines = [line for line in result.stderr.splitlines() if line.startswith(str(path))]
        assert len(lines) == 1, (case, result.stderr)
        assert EXPECTED_REASONS[case] in lines[0], (case, lines[0])
        assert dump_databases(project.root) == before, case
    # The good file in the same command still imports; the summary names the failures.
    result = run("--project", project.root, "import", good, *bad.values())
    assert result.exit_code == 2
    assert "1 imported, 0 unchanged, 12 refused" in result.stderr
    with project.session() as s:
        assert s.scalar(select(func.count(Interview.id))) == 1


def test_a_failure_in_the_project_write_leaves_neither_database_changed(
    project, tmp_path, monkeypatch
):
    import testimony.redact.importer as importer

    path = tmp_path / "a.txt"
    path.write_text("Q: Who?\nA: My husband Yerlan Tulegenov.\nQ: Where?\nA: In Taraz.\n")
    before = dump_databases(project.root)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(importer, "_write_interview", broken)
    with pytest.raises(RuntimeError):
        import_files(project, [path])
    after = dump_databases(project.root)
    assert after["project.db"] == before["project.db"]
    with project.vault_session() as vs:
        assert vs.scalar(select(func.count(Source.id))) == 0


CRASH_SCRIPT = """
import os, signal, sys
from pathlib import Path
import testimony.redact.importer as importer
from testimony.project import Project

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

setattr(importer, sys.argv[2], die)
importer.import_files(Project.open(Path(sys.argv[1])), [Path(p) for p in sys.argv[3:]])
"""


@pytest.mark.parametrize("crash_at", ["_write_interview", "_mark_done"])
def test_a_killed_import_is_completed_by_running_it_again(project, tmp_path, run, crash_at):
    """SIGKILL between the vault and project writes (roll back) or after both (roll forward)."""
    files = [CORPUS / "int01-aigerim.txt", CORPUS / "int13-oksana.txt"]
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(CRASH_SCRIPT),
            str(project.root),
            crash_at,
            *map(str, files),
        ],
        capture_output=True,
        env={**os.environ},
    )
    assert killed.returncode == -9
    with project.vault_session() as vs:
        assert [s.status for s in vs.scalars(select(Source))] == ["pending"]
    result = run("--project", project.root, "import", *files)
    assert result.exit_code == 0, result.stderr
    with project.session() as s:
        codes = list(s.scalars(select(Interview.code).order_by(Interview.id)))
    assert codes == ["INT-001", "INT-002"]
    with project.vault_session() as vs:
        assert [s.status for s in vs.scalars(select(Source))] == ["done", "done"]
    again = run("--project", project.root, "import", *files)
    assert again.stdout.count("unchanged since its import") == 2


def test_a_csv_with_other_column_names_imports_with_csv_column(project, tmp_path, run):
    path = tmp_path / "turns.csv"
    path.write_text(
        "Fall,Sprecher,Aussage\nA,Interviewer,Hello\nA,Resp,He hit me\n"
        "A,Interviewer,When\nA,Resp,In May\n"
    )
    refused = run("--project", project.root, "import", path)
    assert refused.exit_code == 2 and "missing column" in refused.stderr
    ok = run(
        "--project",
        project.root,
        "import",
        "--csv-column",
        "speaker=Sprecher",
        "--csv-column",
        "text=Aussage",
        "--csv-column",
        "interview=Fall",
        path,
    )
    assert ok.exit_code == 0, ok.stderr
