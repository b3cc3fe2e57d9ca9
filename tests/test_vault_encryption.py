"""Passphrase protection of the vault: everything works on it, nothing raw is in its file,
and a wrong or missing passphrase is one clear line with nothing changed."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from testimony.db.models import Excerpt
from testimony.project import Project
from testimony.vault import crypto, protection
from testimony.vault.crypto import ENV_NEW_PASSPHRASE, ENV_PASSPHRASE, VaultCipher, VaultDamaged
from testimony.vault.models import (
    Base,
    CorpusWord,
    Entity,
    Mention,
    Source,
    VaultMeta,
)

from .conftest import CODEBOOK, CORPUS, SHELL_STORY, dump_databases

PASSPHRASE = "a long passphrase for tests"
TESTIMONY = str(Path(sys.executable).parent / "testimony")
FILES = [CORPUS / "int01-aigerim.txt", CORPUS / "int03-zhanar-lawyer.md"]


@pytest.fixture(autouse=True)
def quick_kdf(monkeypatch):
    """A cheap scrypt for tests' new vaults (the cost is stored in each vault's header)."""
    monkeypatch.setattr(crypto, "SCRYPT_N", 2**12)


@pytest.fixture
def passphrase_env(monkeypatch):
    monkeypatch.setenv(ENV_PASSPHRASE, PASSPHRASE)


WHEN = {"imported_at", "created_at", "at"}  # when a row was written differs between runs


def vault_rows(folder, passphrase: str = PASSPHRASE) -> dict[str, list[tuple]]:
    """Every row of the vault as Python reads it (decrypted), corpus words apart."""
    project = Project.open(folder)
    project.ask_passphrase = lambda: passphrase
    rows = {}
    try:
        with project.vault_session() as vs:
            for mapper in Base.registry.mappers:
                model = mapper.class_
                if model in {CorpusWord, VaultMeta}:
                    continue
                keys = [c.key for c in mapper.column_attrs if c.key not in WHEN]
                rows[model.__name__] = sorted(
                    tuple(repr(getattr(row, k)) for k in keys) for row in vs.scalars(select(model))
                )
    finally:
        project.close()
    return rows


def _strong(value: str) -> bool:
    """Long enough not to turn up by chance in random bytes ("10:25" would)."""
    return (
        len("".join(re.findall(r"\w+", value))) >= 5
        and any(c.isalpha() for c in value)
        or (len(re.sub(r"\D", "", value)) >= 7)
    )


def identifiers(folder) -> set[str]:
    """Raw words the vault holds: mentions, names, file names, titles (5+ letters or 7+
    digits)."""
    project = Project.open(folder)
    project.ask_passphrase = lambda: PASSPHRASE
    found: set[str] = set()
    try:
        with project.vault_session() as vs:
            for column in (
                Mention.text,
                Entity.canonical,
                Source.file_name,
                Source.title,
            ):  # speakers who are named are mentions ("Interviewer" is no identifier)
                found |= {v for v in vs.scalars(select(column)) if v and _strong(v)}
            # Pseudonyms' parts and their naming culture ("kazakh") are no secret: they
            # stand in project.db; only a raw word that is one of them is left out.
            public = {
                str(value).casefold()
                for details in vs.scalars(select(Entity.details))
                for value in (details or {}).values()
            }
    finally:
        project.close()
    found |= {word.casefold() for word in found}
    return {word for word in found if word.casefold() not in public}


def file_bytes(folder) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.glob("vault.db*")))


def leaked(folder, words: set[str]) -> list[str]:
    """The words found whole in the vault's files (not inside a longer word)."""
    text = file_bytes(folder).decode("utf-8", "ignore")
    tokens = " " + " ".join(re.findall(r"\w+", text)) + " "
    return sorted(w for w in words if " " + " ".join(re.findall(r"\w+", w)) + " " in tokens)


def excerpts(folder) -> list[str]:
    project = Project.open(folder)
    try:
        with project.session() as s:
            return list(s.scalars(select(Excerpt.text).order_by(Excerpt.id)))
    finally:
        project.close()


@pytest.fixture(scope="module")
def plain_and_encrypted(tmp_path_factory):
    """The same files imported into a plain and into an encrypted project."""
    from click.testing import CliRunner

    from testimony.cli import cli

    folder = tmp_path_factory.mktemp("enc")
    story = folder / "statement.txt"
    story.write_text(SHELL_STORY)
    runner = CliRunner()
    saved = crypto.SCRYPT_N
    crypto.SCRYPT_N = 2**12
    try:
        for name, extra in (("plain", []), ("encrypted", ["--encrypt-vault"])):
            env = {ENV_PASSPHRASE: PASSPHRASE}
            root = folder / name
            result = runner.invoke(
                cli, ["init", str(root), "--codebook", str(CODEBOOK), *extra], env=env
            )
            assert result.exit_code == 0, result.output
            paths = [str(p) for p in (story, *FILES)]
            result = runner.invoke(cli, ["--project", str(root), "import", *paths], env=env)
            assert result.exit_code == 0, result.output
    finally:
        crypto.SCRYPT_N = saved
    return folder / "plain", folder / "encrypted"


@pytest.fixture
def encrypted(plain_and_encrypted, tmp_path):
    folder = tmp_path / "encrypted"
    shutil.copytree(plain_and_encrypted[1], folder)
    return folder


def test_encryption_changes_nothing_a_user_sees(plain_and_encrypted, passphrase_env):
    plain, encrypted = plain_and_encrypted
    assert excerpts(encrypted) == excerpts(plain)
    assert vault_rows(encrypted) == vault_rows(plain)
    assert protection.header_of(encrypted / "vault.db") is not None
    assert protection.header_of(plain / "vault.db") is None


def test_the_encrypted_vault_file_holds_no_identifier(plain_and_encrypted):
    plain, encrypted = plain_and_encrypted
    words = identifiers(encrypted)
    assert len(words) > 100
    assert len(leaked(plain, words)) > 100  # the check finds them where they are
    assert leaked(encrypted, words) == []
    assert stat.S_IMODE((encrypted / "vault.db").stat().st_mode) == 0o600


def test_review_rerun_and_audit_work_on_an_encrypted_vault(encrypted, run, passphrase_env):
    listed = run("--project", encrypted, "review", "list", "--with-vault", "--json")
    assert listed.exit_code == 0
    proposals = json.loads(listed.stdout)
    bekov = next(p for p in proposals if p.get("text") == "Yerlan Bekov")
    assert run("--project", encrypted, "review", "accept", bekov["id"]).exit_code == 0
    added = run("--project", encrypted, "review", "add", "--text", "Lucky")
    assert added.exit_code == 0, added.output
    assert not any("Lucky" in text for text in excerpts(encrypted))
    rerun = run("--project", encrypted, "redact")
    assert rerun.exit_code == 0, rerun.output
    assert not any("Lucky" in text for text in excerpts(encrypted))
    log = run("--project", encrypted, "audit", "export", "--format", "json", "--with-vault")
    assert log.exit_code == 0 and "Lucky" in log.stdout
    assert run("--project", encrypted, "audit", "verify").exit_code == 0
    split = run("--project", encrypted, "review", "split", bekov["id"])
    assert split.exit_code in {0, 2}  # written one way only is a clear refusal, not a crash
    assert leaked(encrypted, identifiers(encrypted)) == []


def test_redact_text_with_an_encrypted_project_keeps_its_pseudonyms(encrypted, run, passphrase_env):
    text = "Yerlan Bekov came back drunk."
    result = run("--project", encrypted, "redact-text", input_text=text)
    assert result.exit_code == 0, result.output
    assert "Yerlan" not in result.stdout and "Bekov" not in result.stdout
    pseudonym = result.stdout.split(" came back")[0].strip()
    assert any(pseudonym in t for t in excerpts(encrypted))


def test_reimporting_and_exporting_with_an_encrypted_vault(
    encrypted, run, passphrase_env, tmp_path
):
    again = run("--project", encrypted, "import", FILES[0])
    assert again.exit_code == 0 and "1 unchanged" in again.stdout
    changed = tmp_path / FILES[0].name
    changed.write_text(FILES[0].read_text() + "\nQ: Anything else?\nA: No.\n")
    refused = run("--project", encrypted, "import", changed)  # found by its encrypted name
    assert refused.exit_code != 0 and "--replace" in refused.stderr
    replaced = run("--project", encrypted, "import", "--replace", changed)
    assert replaced.exit_code == 0, replaced.output
    report = tmp_path / "report.md"
    exported = run("--project", encrypted, "export", "--format", "md", "-o", report, "--all-themes")
    assert exported.exit_code == 0, exported.output  # the gate's key came out of the vault


def test_encrypting_an_existing_vault_keeps_every_row_and_leaves_no_plain_text(
    corpus_project, run, passphrase_env
):
    folder = corpus_project.root
    corpus_project.close()
    before = vault_rows(folder)
    words = identifiers(folder)
    assert len(leaked(folder, words)) > 100
    result = run("--project", folder, "vault", "encrypt")
    assert result.exit_code == 0, result.output
    assert vault_rows(folder) == before
    assert leaked(folder, words) == []
    assert stat.S_IMODE((folder / "vault.db").stat().st_mode) == 0o600
    again = run("--project", folder, "import", CORPUS / "int02-olga.txt")
    assert again.exit_code == 0 and "1 unchanged" in again.stdout
    assert run("--project", folder, "audit", "verify").exit_code == 0


def test_decrypting_gives_back_the_same_vault_and_corpus_words(corpus_project, run, passphrase_env):
    folder = corpus_project.root
    with corpus_project.vault_session() as vs:
        words = set(vs.scalars(select(CorpusWord.word)))
    corpus_project.close()
    before = vault_rows(folder)
    assert run("--project", folder, "vault", "encrypt").exit_code == 0
    result = run("--project", folder, "vault", "decrypt")
    assert result.exit_code == 0, result.output
    assert vault_rows(folder) == before
    project = Project.open(folder)
    with project.vault_session() as vs:
        assert set(vs.scalars(select(CorpusWord.word))) == words
    project.close()
    assert protection.header_of(folder / "vault.db") is None


def test_changing_the_passphrase(encrypted, run, monkeypatch):
    monkeypatch.setenv(ENV_PASSPHRASE, PASSPHRASE)
    before = vault_rows(encrypted)
    monkeypatch.setenv(ENV_NEW_PASSPHRASE, "another passphrase")
    result = run("--project", encrypted, "vault", "passphrase")
    assert result.exit_code == 0, result.output
    old = run("--project", encrypted, "review", "list")
    assert old.exit_code == 2 and "wrong passphrase" in old.stderr
    monkeypatch.setenv(ENV_PASSPHRASE, "another passphrase")
    assert run("--project", encrypted, "review", "list").exit_code == 0
    protection.check_passphrase(encrypted / "vault.db", "another passphrase")
    with pytest.raises(crypto.WrongPassphrase):
        protection.check_passphrase(encrypted / "vault.db", PASSPHRASE)
    assert vault_rows(encrypted, "another passphrase") == before


WRONG_COMMANDS = [
    ["review", "list"],
    ["review", "accept", "1"],
    ["review", "add", "--text", "Lucky"],
    ["redact"],
    ["import", str(CORPUS / "int13-oksana.txt")],
    ["key", "export", "KEYFILE"],
    ["vault", "decrypt"],
    ["vault", "passphrase"],
]


@pytest.mark.parametrize("command", WRONG_COMMANDS, ids=lambda c: "-".join(c[:2]))
def test_a_wrong_passphrase_is_one_line_and_changes_nothing(encrypted, run, monkeypatch, command):
    monkeypatch.setenv(ENV_PASSPHRASE, "not the passphrase")
    monkeypatch.setenv(ENV_NEW_PASSPHRASE, "another passphrase")
    key_file = encrypted.parent / "editor.key"
    command = [str(key_file) if part == "KEYFILE" else part for part in command]
    before = dump_databases(encrypted)
    result = run("--project", encrypted, *command)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "testimony: wrong passphrase for the vault; nothing was read or changed"
    ) or (command[0] == "import" and "wrong passphrase" in result.stderr)
    assert dump_databases(encrypted) == before
    assert not key_file.exists()


def test_no_passphrase_in_a_script_is_a_clear_error(encrypted, run, monkeypatch):
    monkeypatch.delenv(ENV_PASSPHRASE, raising=False)
    before = dump_databases(encrypted)
    result = run("--project", encrypted, "review", "list")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"testimony: the vault is encrypted and this run cannot ask for it: set {ENV_PASSPHRASE}"
    )
    assert run("--project", encrypted, "vault", "status").exit_code == 0  # needs none
    assert dump_databases(encrypted) == before


def test_a_new_passphrase_must_not_be_short(tmp_path, run, monkeypatch):
    monkeypatch.setenv(ENV_PASSPHRASE, "short")
    result = run("init", tmp_path / "p", "--encrypt-vault")
    assert result.exit_code == 2 and "at least 8 characters" in result.stderr
    assert not (tmp_path / "p").exists()


def test_the_passphrase_is_asked_for_on_a_terminal_without_echo(encrypted):
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: testimony on a terminal, without the variable
        env = {k: v for k, v in os.environ.items() if k != ENV_PASSPHRASE}
        args = ["--project", str(encrypted), "review", "list", "--with-vault"]
        os.execve(TESTIMONY, [TESTIMONY, *args], env)
    output = b""
    deadline = time.monotonic() + 120
    sent = False
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
        if not sent and b"Vault passphrase:" in output:
            os.write(fd, PASSPHRASE.encode() + b"\n")
            sent = True
    _pid, status = os.waitpid(pid, 0)
    os.close(fd)
    text = output.decode("utf-8", "replace")
    assert sent, text
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert "Yerlan Bekov" in text
    assert PASSPHRASE not in text  # the prompt does not echo


def test_a_failed_encryption_leaves_the_plain_vault_as_it_was(shell_project, monkeypatch):
    folder = shell_project.root
    shell_project.close()
    before = dump_databases(folder)

    def crash(*_args):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(protection, "_rewrite_key", crash)  # after every table was rewritten
    with pytest.raises(RuntimeError):
        protection.encrypt(folder / "vault.db", PASSPHRASE)
    assert dump_databases(folder) == before
    assert protection.header_of(folder / "vault.db") is None


@pytest.mark.slow
def test_encryption_killed_at_any_moment_leaves_one_whole_vault(corpus_project, tmp_path):
    """SIGKILL during `vault encrypt`: the vault is the old plain one or the new encrypted one."""
    folder = corpus_project.root
    corpus_project.close()
    before = vault_rows(folder)
    for delay in (0.3, 0.6, 0.9, 1.2, 1.5, 2.0):
        env = {**os.environ, ENV_PASSPHRASE: PASSPHRASE}
        process = subprocess.Popen(
            [TESTIMONY, "--project", str(folder), "vault", "encrypt"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.kill()
        process.wait()
        assert vault_rows(folder) == before
        if protection.header_of(folder / "vault.db") is not None:
            protection.decrypt(folder / "vault.db", PASSPHRASE)


def test_a_command_holding_the_plain_vault_stops_once_another_encrypts_it(shell_project):
    with shell_project.vault_session() as vs:
        assert vs.scalar(select(Mention.text))
    protection.encrypt(shell_project.vault_path, PASSPHRASE)
    with (
        pytest.raises(crypto.VaultLocked, match="changed by another command"),
        shell_project.vault_session() as vs,
    ):
        vs.scalar(select(Mention.text))


def test_a_value_moved_to_another_column_or_altered_does_not_decrypt():
    cipher = VaultCipher(os.urandom(32))
    sealed = cipher.encrypt("Yerlan Bekov", "mentions.text")
    assert cipher.decrypt(sealed, "mentions.text") == "Yerlan Bekov"
    with pytest.raises(VaultDamaged):
        cipher.decrypt(sealed, "entities.canonical")
    altered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(VaultDamaged):
        cipher.decrypt(altered, "mentions.text")
    assert cipher.encrypt("Yerlan Bekov", "mentions.text") != sealed  # a fresh nonce each time


def test_new_vaults_use_a_memory_hard_key_derivation(monkeypatch):
    monkeypatch.undo()  # the real cost, not the tests' cheap one
    header, key = crypto.new_header(PASSPHRASE)
    assert (header.n, header.r, header.p) == (2**17, 8, 1)
    assert crypto.unwrap(header, PASSPHRASE) == key
    assert hashlib.sha256(key).digest() != hashlib.sha256(header.wrapped).digest()


def test_vault_status_needs_no_passphrase_and_refusals_are_clear(encrypted, run, monkeypatch):
    monkeypatch.delenv(ENV_PASSPHRASE, raising=False)
    status = run("--project", encrypted, "vault", "status", "--json")
    assert status.exit_code == 0
    shown = json.loads(status.stdout)
    assert shown["encrypted"] is True and shown["kdf"] == "scrypt n=4096 r=8 p=1"
    assert shown["mode"] == "0600" and shown["private"] is True
    again = run("--project", encrypted, "vault", "encrypt")
    assert again.exit_code == 2 and "already encrypted" in again.stderr


def test_decrypting_a_plain_vault_is_refused(shell_project, run):
    result = run("--project", shell_project.root, "vault", "decrypt")
    assert result.exit_code == 2 and "not encrypted" in result.stderr


def _as_an_older_project(folder: Path) -> None:
    """Vault schema v0002 and fingerprints without their first words, as older versions left."""
    import sqlite3

    vault = sqlite3.connect(folder / "vault.db")
    with vault:
        vault.execute("DROP TABLE decision_log")
        vault.execute("UPDATE alembic_version SET version_num = 'v0002'")
    vault.close()
    project = sqlite3.connect(folder / "project.db")
    with project:
        project.execute("DELETE FROM fingerprint_first_words")
        project.execute("UPDATE identifier_fingerprints SET first_word_indexed = 0")
    project.close()


def test_db_upgrade_asks_for_no_passphrase_when_no_identifier_must_be_read(
    encrypted, run, monkeypatch
):
    monkeypatch.delenv(ENV_PASSPHRASE, raising=False)
    result = run("--project", encrypted, "db", "upgrade")
    assert result.exit_code == 0, result.stderr
    assert "vault.db at schema v0003" in result.stdout and "indexed" not in result.stdout


def test_db_upgrade_migrates_the_vault_without_its_passphrase_and_asks_only_to_index(
    encrypted, run, monkeypatch
):
    _as_an_older_project(encrypted)
    monkeypatch.delenv(ENV_PASSPHRASE, raising=False)
    locked = run("--project", encrypted, "db", "upgrade")
    assert locked.exit_code == 2
    assert "vault.db at schema v0003" in locked.stdout  # migrated before the passphrase
    assert f"cannot ask for it: set {ENV_PASSPHRASE}" in locked.stderr
    monkeypatch.setenv(ENV_PASSPHRASE, PASSPHRASE)
    unlocked = run("--project", encrypted, "db", "upgrade")
    assert unlocked.exit_code == 0, unlocked.stderr
    assert "indexed the first words of" in unlocked.stdout
