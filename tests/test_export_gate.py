"""The leak gate on exports: a planted identifier anywhere means nothing is written."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from testimony.db.models import (
    AuditEntry,
    Coding,
    Excerpt,
    Interview,
    InterviewAttribute,
)
from testimony.export.gate import Scanner
from testimony.redact.leak import find_leaks
from tests.export_helpers import FORMATS, build_coded_project, open_project

RAW = ("Yerlan", "Tulegenov", "Taraz", "Gaukhar")


@pytest.fixture(scope="module")
def coded_dir(tmp_path_factory):
    return build_coded_project(tmp_path_factory.mktemp("coded") / "proj")


@pytest.fixture
def coded(coded_copy):
    folder = coded_copy
    with open_project(folder) as project:
        yield project


def plant_in_memo(project) -> None:
    with project.session() as s, s.begin():
        coding = s.scalars(select(Coding).order_by(Coding.id)).first()
        coding.memo = "She named him: Yerlan Tulegenov."


def plant_in_quote(project) -> None:
    """As a missed redaction would leave it: the raw name inside a coded span."""
    with project.session() as s, s.begin():
        coding = s.scalars(select(Coding).order_by(Coding.id).offset(1)).first()
        excerpt = s.get(Excerpt, coding.excerpt_id)
        excerpt.text = "My husband Yerlan Tulegenov." + excerpt.text[coding.end :]
        coding.end = len("My husband Yerlan Tulegenov")


def plant_in_attribute(project) -> None:
    with project.session() as s, s.begin():
        one = s.scalars(select(Interview).where(Interview.code == "INT-001")).one()
        s.add(InterviewAttribute(interview_id=one.id, name="region", value="Taraz"))


PLANTS = {"memo": plant_in_memo, "quote": plant_in_quote, "attribute": plant_in_attribute}
WHERE = {
    ("csv", "memo"): "CSV row 5, column memo: PERSON",
    ("csv", "attribute"): "column attribute:region: GPE",
    ("json", "memo"): "JSON quotes[3].memo: PERSON",
    ("json", "quote"): ".quote: PERSON",
    ("json", "attribute"): ".attributes.region: GPE",
    ("docx", "memo"): "(Memo): PERSON",
    ("docx", "quote"): "(Quote): PERSON",
    ("docx", "attribute"): "(Attribution): GPE",
    ("md", "memo"): ", column ",
    ("html", "quote"): ": line ",
}


@pytest.mark.parametrize("place", sorted(PLANTS))
@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_with_a_planted_identifier_writes_nothing(coded, run, tmp_path, fmt, place):
    PLANTS[place](coded)
    out = tmp_path / "out" / f"report.{fmt}"
    out.parent.mkdir()
    result = run(
        "--project", coded.root, "export", "--format", fmt, "-o", out, "--attribute", "region"
    )
    assert result.exit_code == 1, result.stderr
    assert not out.exists() and not list(out.parent.iterdir())  # no temporary file either
    assert "nothing was written" in result.stderr
    said = result.stdout + result.stderr
    assert not any(word in said for word in RAW)
    expected = WHERE.get((fmt, place), "PERSON" if place != "attribute" else "GPE")
    assert expected in result.stderr
    assert "entity shown elsewhere as " in result.stderr  # the vault names the pseudonym


def test_a_refused_export_leaves_an_older_file_as_it_was_and_is_audited(coded, run, tmp_path):
    out = tmp_path / "report.md"
    out.write_text("last week's clean report\n")
    plant_in_memo(coded)
    result = run("--project", coded.root, "export", "--format", "md", "-o", out)
    assert result.exit_code == 1
    assert out.read_text() == "last week's clean report\n"
    with coded.session() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (entry.action, entry.target, entry.details["leaks"]) == (
        "export-refused",
        "report.md",
        2,
    )


def test_a_leaking_export_to_stdout_prints_nothing_there(coded, run):
    plant_in_quote(coded)
    result = run("--project", coded.root, "export", "--format", "md")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "stdout: line " in result.stderr


def test_without_vault_or_key_file_the_export_is_refused(coded, run, tmp_path):
    coded.close()
    shutil.move(coded.root / "vault.db", tmp_path / "vault.db")
    out = tmp_path / "report.md"
    result = run("--project", coded.root, "export", "--format", "md", "-o", out)
    assert result.exit_code == 2
    assert "no vault here" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_an_editor_with_a_key_file_exports_without_the_vault(coded, run, tmp_path):
    key = tmp_path / "editor.key"
    assert run("--project", coded.root, "key", "export", key).exit_code == 0
    coded.close()
    shutil.move(coded.root / "vault.db", tmp_path / "vault.db")
    out = tmp_path / "report.csv"
    args = ["--project", coded.root, "export", "--format", "csv", "-o", out, "--key-file", key]
    assert run(*args).exit_code == 0
    assert out.exists()
    plant_in_attribute(coded)
    result = run(*args)
    assert result.exit_code == 1
    assert "column attribute:region: GPE" in result.stderr
    assert "Taraz" not in result.stderr
    assert "shown elsewhere" not in result.stderr  # no vault, no pseudonym map


@pytest.fixture(scope="module")
def fingerprints(coded_dir):
    from testimony.redact.keys import load_key
    from testimony.redact.leak import FingerprintSet

    with open_project(coded_dir) as project:
        key = load_key(project, None)
        with project.session() as s:
            prints = FingerprintSet.load(s, key)
    assert prints.first_words  # a new project indexes its identifiers' first words
    return prints


WORDS = [
    "Yerlan",
    "Tulegenov",
    "YERLAN'S",
    "tulegenov's",
    "Gaukhar",
    "Taraz",
    "Mr",
    "the",
    "police",
    "said",
    "Ержан",
    "café",
    "½",
    "+7 701 234 56 78",
    "8 (701) 234-56-78",
    "\n",
    ".",
    "ǅ",
    "_",
    "",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=40), st.sampled_from([" ", "  ", "-", ", "]))
def test_the_export_scanner_finds_exactly_what_the_reference_leak_scan_finds(
    fingerprints, words, glue
):
    text = glue.join(words)
    assert Scanner(fingerprints).find(text) == find_leaks(text, fingerprints)
    unindexed = replace(fingerprints, first_words=None)  # an older project's fingerprints
    assert Scanner(unindexed).find(text) == find_leaks(text, fingerprints)


def test_the_scanner_remembers_nothing_between_texts_that_changes_a_verdict(fingerprints):
    prints = fingerprints
    scanner = Scanner(prints)
    texts = ["the police said", "then Yerlan Tulegenov came", "the police said Tulegenov"]
    for text in texts * 2:
        assert scanner.find(text) == find_leaks(text, prints)
    assert scanner.find(texts[1])  # the planted name is found every time
