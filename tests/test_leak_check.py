"""The leak gate: fingerprinted identifiers are found in every file type, never printed."""

from __future__ import annotations

import json
import zipfile

import docx
import pytest

from testimony.redact.fingerprint import fingerprint_form
from testimony.redact.importer import import_files


@pytest.fixture
def small_project(project, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(
        "Q: Who hit you?\nA: My husband Yerlan Tulegenov. Call his brother at +7 701 234 56 78.\n"
        "Q: And then?\nA: I went to Gaukhar's flat in Taraz.\n"
    )
    report = import_files(project, [path])
    assert not report.failed
    return project


PLANTED = "In the end, Yerlan Tulegenov came back."
CLEAN = "In the end, [PERSON-1] came back."


def write_variants(folder, text: str) -> list:
    folder.mkdir()
    paths = []
    for suffix in (".txt", ".md"):
        path = folder / f"report{suffix}"
        path.write_text(f"# Report\n\n{text}\n")
        paths.append(path)
    html = folder / "report.html"
    html.write_text(f"<html><body><p>{text.replace('Y', '&#89;', 1)}</p></body></html>")
    csv = folder / "report.csv"
    csv.write_text(f'theme,quote\npolice,"{text}"\n')
    js = folder / "report.json"
    js.write_text(json.dumps([{"quote": text}]))
    word = folder / "report.docx"
    document = docx.Document()
    document.add_paragraph(text)
    document.save(word)
    qdpx = folder / "project.qdpx"
    with zipfile.ZipFile(qdpx, "w") as archive:
        archive.writestr("project.qde", f"<Project><Description>{text}</Description></Project>")
    return [*paths, html, csv, js, word, qdpx]


def test_planted_identifiers_are_found_in_every_file_type(small_project, run, tmp_path):
    files = write_variants(tmp_path / "out", PLANTED)
    for path in files:
        result = run("--project", small_project.root, "leak-check", path)
        assert result.exit_code == 1, path.name
        assert "PERSON [PERSON-" in result.stdout, path.name
        assert "Yerlan" not in result.stdout + result.stderr, path.name
        assert "Tulegenov" not in result.stdout + result.stderr


def test_clean_files_pass(small_project, run, tmp_path):
    files = write_variants(tmp_path / "out", CLEAN)
    result = run("--project", small_project.root, "leak-check", *files)
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith("clean")


def test_a_folder_is_scanned_and_case_possessive_and_phone_forms_are_caught(
    small_project, run, tmp_path
):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.md").write_text("GAUKHAR'S words were clear.\n")
    (folder / "b.txt").write_text("Her number: 8 (701) 234-56-78.\n")
    result = run("--project", small_project.root, "leak-check", folder)
    assert result.exit_code == 1
    found = result.stdout.splitlines()
    assert any(line.startswith(f"{folder / 'a.md'}:1:1: PERSON") for line in found)
    assert any(line.startswith(f"{folder / 'b.txt'}:1:") and "PHONE" in line for line in found)


def test_a_key_file_lets_an_editor_check_without_the_vault(small_project, run, tmp_path):
    key = tmp_path / "editor.key"
    assert run("--project", small_project.root, "key", "export", key).exit_code == 0
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    (small_project.root / "vault.db").rename(tmp_path / "vault-elsewhere.db")
    report = tmp_path / "r.txt"
    report.write_text(PLANTED)
    without = run("--project", small_project.root, "leak-check", report)
    assert without.exit_code == 2 and "no vault here and no --key-file" in without.stderr
    with_key = run("--project", small_project.root, "leak-check", "--key-file", key, report)
    assert with_key.exit_code == 1 and "PERSON" in with_key.stdout
    old_spelling = run("--project", small_project.root, "leak-check", "--key", key, report)
    assert (old_spelling.exit_code, old_spelling.stdout) == (1, with_key.stdout)


def test_leak_check_names_its_key_option_as_every_command_does(run):
    shown = run("leak-check", "--help").stdout
    assert "--key-file FILE" in shown
    assert "--key " not in shown and "--key," not in shown  # the old spelling is hidden


def test_fingerprints_do_not_reveal_names_without_the_key(small_project):
    import hashlib

    from sqlalchemy import text

    from .coding_db import coding_engine

    with coding_engine(small_project.root) as engine, engine.connect() as connection:
        query = text("SELECT fingerprint FROM identifier_fingerprints")
        stored = {row[0] for row in connection.execute(query)}
    unkeyed = hashlib.sha256(fingerprint_form("Yerlan", "PERSON").encode()).hexdigest()
    assert stored and unkeyed not in stored
