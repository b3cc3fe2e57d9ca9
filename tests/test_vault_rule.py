"""The coding database never holds a raw identifier the pipeline knows about."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import sys

import pytest
from sqlalchemy import func, select

from testimony.db.models import Coding, IdentifierFingerprint, Interview, Memo
from testimony.redact.fingerprint import fingerprint
from testimony.vault.models import Entity, Mention, Source, VaultMeta

from .conftest import CODEBOOK


def project_db_text(folder) -> str:
    connection = sqlite3.connect(folder / "project.db")
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()


def interview_text(session, code: str) -> str:
    """Everything project.db holds for one interview: title, attributes, speakers, excerpts."""
    interview = session.scalar(select(Interview).where(Interview.code == code))
    parts = [interview.title, *(a.value for a in interview.attributes)]
    parts += [sp.label for sp in interview.speakers] + [e.text for e in interview.excerpts]
    return "\n".join(parts)


def test_no_identifier_detected_in_an_interview_reaches_project_db(corpus_project):
    with corpus_project.vault_session() as vs:
        sources = [(s.id, s.interview_code) for s in vs.scalars(select(Source))]
        # Names, places, contacts and numbers identify wherever they appear; a date,
        # an age or a nationality identifies only where it is said of someone. Types
        # the project's policy proposes to reviewers ("flagged") stay in the text.
        mentions = [
            (m.source_id, m.text)
            for m in vs.scalars(select(Mention))
            if m.label not in {"DATE", "AGE", "NORP"} and m.status != "flagged"
        ]
    assert len(mentions) > 1000
    leaked = []
    with corpus_project.session() as s:
        for source_id, code in sources:
            text = interview_text(s, code)
            for surface in {m for sid, m in mentions if sid == source_id}:
                if re.search(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", text):
                    leaked.append((code, len(surface)))
    assert leaked == []


def test_file_names_speaker_names_and_front_matter_stay_in_the_vault(corpus_project):
    dump = project_db_text(corpus_project.root)
    with corpus_project.vault_session() as vs:
        names = [s.file_name for s in vs.scalars(select(Source))]
        paths = [s.path for s in vs.scalars(select(Source))]
    assert not [n for n in names + paths if n in dump]
    for raw in ("AIGERIM", "Zhanar Omarovna", "Emily Carter", "Abdrakhmanov", "Svetlana"):
        assert raw not in dump, raw


def test_the_vault_holds_the_raw_text_and_one_pseudonym_per_entity(corpus_project):
    with corpus_project.vault_session() as vs:
        raw = vs.scalar(select(Source.raw_text).where(Source.file_name == "int01-aigerim.txt"))
        pseudonyms = list(vs.scalars(select(Entity.pseudonym)))
    assert "AIGERIM:" in raw
    assert len(pseudonyms) == len(set(pseudonyms))


def test_fingerprints_are_keyed_hashes_of_known_identifiers(corpus_project):
    with corpus_project.vault_session() as vs:
        key = bytes.fromhex(vs.get(VaultMeta, "hmac_key").value)
    with corpus_project.session() as s:
        stored = set(s.scalars(select(IdentifierFingerprint.fingerprint)))
    assert fingerprint(key, "Aigerim", "PERSON") in stored
    assert fingerprint(b"another key", "Aigerim", "PERSON") not in stored
    assert fingerprint(key, "endure", "PERSON") not in stored


def test_the_vault_file_is_private(corpus_project):
    mode = stat.S_IMODE((corpus_project.root / "vault.db").stat().st_mode)
    assert mode == 0o600


def test_one_person_gets_one_pseudonym_across_interviews(project, tmp_path):
    from testimony.db.models import Excerpt
    from testimony.redact.importer import import_files

    one = tmp_path / "one.txt"
    one.write_text("Q: Who helped you?\nA: My lawyer Dinara Abenova helped me.\n")
    two = tmp_path / "two.txt"
    two.write_text("Q: Who?\nA: Dinara Abenova. Then Dinara phoned the police.\n")
    import_files(project, [one, two])
    with project.session() as s:
        texts = list(s.scalars(select(Excerpt.text).order_by(Excerpt.id)))
    full = re.search(r"My lawyer (\w+ \w+) helped me", texts[1]).group(1)
    given = full.split()[0]
    assert texts[3] == f"{full}. Then {given} phoned the police."
    assert "Dinara" not in " ".join(texts) and "Abenova" not in " ".join(texts)


def test_diminutives_spellings_and_slips_of_a_name_share_one_pseudonym():
    from testimony.redact.entities import EntityResolver
    from testimony.redact.text import scratch_vault

    with scratch_vault() as session:
        resolver = EntityResolver(session)
        dinara = resolver.resolve("Dinara Abenova", "PERSON")
        sasha = resolver.resolve("Aleksandr", "PERSON")
        assert {resolver.resolve(w, "PERSON") for w in ("Dina", "Dinka", "Dinarra")} == {dinara}
        assert resolver.resolve("Дина", "PERSON") == dinara  # said in Russian
        assert {resolver.resolve(w, "PERSON") for w in ("Sasha", "Alexander")} == {sasha}
        assert resolver.resolve("Olga", "PERSON") not in {dinara, sasha}


# --- coder-side commands never open the vault ------------------------------------------------

_WATCHED: list[str] = []  # paths (vault.db) whose opening is recorded while a test runs
_OPENED: list[str] = []


def _record_vault_opens(event: str, args: tuple) -> None:
    """An audit hook: every sqlite3.connect and open() of a watched path is recorded.

    Audit hooks see what SQLAlchemy, sqlite3 and plain open() do, whoever calls them.
    """
    if not _WATCHED or event not in {"open", "sqlite3.connect"} or not args:
        return
    target = args[0]
    if not isinstance(target, str | bytes | os.PathLike):
        return
    path = os.path.abspath(os.fsdecode(target))
    if any(path.startswith(watched) for watched in _WATCHED):
        _OPENED.append(path)


sys.addaudithook(_record_vault_opens)


@pytest.fixture(params=["missing", "unreadable", "present"])
def coder_project(request, shell_project, tmp_path, run):
    """A coded project with an editor's key file, whose vault is missing, cannot be opened
    (a directory stands in its place: root would read a chmod 000 file), or is there."""
    root = shell_project.root
    key = tmp_path / "editor.key"
    assert run("--project", root, "key", "export", key).exit_code == 0
    for query, theme, coder in (
        ("police", "physical-violence", "ana"),
        ("bruises", "physical-violence", "ben"),
    ):
        result = run("--project", root, "autocode", query, "--theme", theme, "--coder", coder)
        assert result.exit_code == 0, result.output
    shell_project.close()
    vault = root / "vault.db"
    if request.param != "present":
        vault.unlink()
    if request.param == "unreadable":
        vault.mkdir()
    _WATCHED[:] = [str(vault)]
    _OPENED.clear()
    yield root, key
    _WATCHED.clear()


def coder_commands(root, key, out) -> list[list[str]]:
    """Everything a coder or an editor without the vault does, from the shell."""
    commands = [
        ["interviews"],
        ["interviews", "--json"],
        ["search", "police"],
        ["codebook", "show"],
        ["codebook", "export", "-o", out / "codebook.yaml", "--key-file", key],
        ["codebook", "export", "--format", "qdc", "-o", out / "codebook.qdc", "--key-file", key],
        ["codebook", "validate", CODEBOOK],
        ["codings"],
        ["codings", "--json", "--coder", "ana"],
        ["autocode", "husband", "--theme", "physical-violence", "--coder", "cy"],
        ["stats", "--json"],
        ["agree", "--coders", "ana", "ben", "--key-file", key],
        ["audit", "verify"],
        ["audit", "export", "--format", "json"],
    ]
    if not (root / "vault.db").is_file():  # with the vault at hand, upgrading it is the point
        commands.append(["db", "upgrade"])
    for fmt in ("md", "html", "docx", "csv", "json", "qdpx", "qdc"):
        commands.append(["export", "--format", fmt, "-o", out / f"report.{fmt}", "--key-file", key])
    commands.append(["leak-check", out, "--key", key])
    return [["--project", root, *command] for command in commands]


def test_no_coder_side_command_opens_the_vault(coder_project, tmp_path, run):
    root, key = coder_project
    out = tmp_path / "out"
    out.mkdir()
    failed, opened = [], []
    for command in coder_commands(root, key, out):
        result = run(*command)
        if result.exit_code != 0:
            failed.append((command[2:], result.exit_code, result.output[-300:]))
        if _OPENED:
            opened.append(command[2:])
            _OPENED.clear()
    assert failed == []
    assert opened == []
    assert sorted(p.name for p in out.iterdir())[:3] == [
        "codebook.qdc",
        "codebook.yaml",
        "report.csv",
    ]


def test_the_watch_sees_a_command_that_opens_the_vault(shell_project, run):
    """The audit hook would catch a breach: a reviewer's command is seen opening the vault."""
    vault = shell_project.root / "vault.db"
    shell_project.close()
    _WATCHED[:] = [str(vault)]
    _OPENED.clear()
    try:
        assert run("--project", shell_project.root, "review", "list").exit_code == 0
    finally:
        _WATCHED.clear()
    assert _OPENED and all(p.startswith(str(vault)) for p in _OPENED)


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_the_coding_workbench_never_opens_the_vault(coder_project):
    from testimony.coding.workbench import Workbench
    from testimony.project import Project
    from testimony.tui.app import CodingApp

    root, _key = coder_project
    project = Project.open(root)
    app = CodingApp(Workbench(project, "ana"))
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("j", "S", "1", "m", *"first", "ctrl+s", "M", *"pauses", "ctrl+s")
            await pilot.press("slash", *"police", "enter", "escape", "R", "escape", "L", "escape")
            await pilot.press("V", "E", "escape", "u", "U", "q")
            await pilot.pause()
        with project.session() as s:
            memos = set(s.scalars(select(Memo.text)))
            coded = s.scalar(select(func.count(Coding.id)).where(Coding.memo == "first"))
    finally:
        project.close()
    assert "pauses" in memos and coded == 1  # the coder's work was done and saved
    assert _OPENED == []
