"""Opening a vault (unlocked with its passphrase if it has one), and changing its protection.

The vault_meta row `encryption` holds the header (scrypt parameters and the
wrapped data key) in the clear; every text column is encrypted under the data
key. Encrypting, decrypting and re-keying rewrite every row in one SQLite
transaction, so a crash leaves the old vault as it was; freed pages are zeroed
(secure_delete) and the file is vacuumed afterwards, so no plain text is left
in its free pages or its write-ahead log.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from testimony.db.engine import BUSY_TIMEOUT_MS
from testimony.vault.corpus import corpus_words_of
from testimony.vault.crypto import (
    ENV_PASSPHRASE,
    HEADER_KEY,
    Header,
    VaultCipher,
    VaultDamaged,
    VaultLocked,
    new_header,
    unwrap,
)
from testimony.vault.models import Base, VaultMeta
from testimony.vault.types import LOCKED, EncryptedJSON, EncryptedText, KeyedWord, attach, cipher_of

SEALED = "sealed:"  # prefix of the fingerprint key when it is encrypted
KEY_COLUMN = "vault_meta.hmac_key"

Ask = Callable[[], str]


def passphrase_from_env() -> str:
    """The passphrase scripts give in the environment; VaultLocked without it."""
    passphrase = os.environ.get(ENV_PASSPHRASE)
    if not passphrase:
        raise VaultLocked(
            f"the vault is encrypted: set {ENV_PASSPHRASE}, or run in a terminal to be asked"
        )
    return passphrase


def read_header(connection: sqlite3.Connection) -> str | None:
    """The header's JSON text, None for a vault without a passphrase."""
    row = connection.execute("SELECT value FROM vault_meta WHERE key = ?", (HEADER_KEY,)).fetchone()
    return row[0] if row else None


def header_of(path: Path) -> Header | None:
    """The vault file's encryption header, None if it has no passphrase."""
    connection = _connect(path)
    try:
        text = read_header(connection)
    finally:
        connection.close()
    return None if text is None else Header.from_json(text)


def check_passphrase(path: Path, passphrase: str) -> None:
    """WrongPassphrase unless this passphrase opens the vault."""
    _cipher(path, passphrase)


def unlock(engine: Engine, ask: Ask | None) -> None:
    """Attach the cipher to an opened vault engine, asking for the passphrase if it has one.

    Raises VaultLocked (no passphrase) or WrongPassphrase before any value is read.
    Each later transaction checks that the vault's protection has not changed under
    it (another process encrypted or decrypted it), which would mix plain and
    encrypted values.
    """
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert isinstance(driver, sqlite3.Connection)  # a vault is always a SQLite file
        header_text = read_header(driver)
    finally:
        raw.close()
    if header_text is None:
        attach(engine, None)
    else:
        attach(engine, LOCKED)
        header = Header.from_json(header_text)
        attach(engine, VaultCipher(unwrap(header, (ask or passphrase_from_env)())))
    event.listen(engine, "begin", _check_unchanged(header_text))


def _check_unchanged(expected: str | None):  # noqa: ANN202
    def check(connection) -> None:  # noqa: ANN001
        if read_header(connection.connection.driver_connection) != expected:
            raise VaultLocked(
                "the vault's passphrase protection was changed by another command while this "
                "one ran; run it again"
            )

    return check


def start_protected(engine: Engine, passphrase: str) -> None:
    """Give a new, empty vault a passphrase: write the header, attach its cipher."""
    header, data_key = new_header(passphrase)
    with Session(engine) as vs, vs.begin():
        vs.add(VaultMeta(key=HEADER_KEY, value=header.to_json()))
    attach(engine, VaultCipher(data_key))


def fingerprint_key(vs: Session) -> bytes:
    """The project's fingerprint key (decrypted when the vault has a passphrase)."""
    row = vs.get(VaultMeta, "hmac_key")
    if row is None:
        raise VaultDamaged("the vault has no fingerprint key")
    value = row.value
    if value.startswith(SEALED):
        cipher = cipher_of(vs.get_bind().dialect)
        if cipher is None:
            raise VaultDamaged("the vault's fingerprint key is sealed but the vault has no header")
        value = cipher.decrypt(bytes.fromhex(value[len(SEALED) :]), KEY_COLUMN)
    return bytes.fromhex(value)


def store_fingerprint_key(vs: Session, key: bytes | None = None) -> None:
    """Write the fingerprint key (a new random one if None), sealed in an encrypted vault."""
    value = (key or secrets.token_bytes(32)).hex()
    cipher = cipher_of(vs.get_bind().dialect)
    if cipher is not None:
        value = SEALED + cipher.encrypt(value, KEY_COLUMN).hex()
    vs.merge(VaultMeta(key="hmac_key", value=value))


# --- changing the protection of an existing vault ---------------------------------------------


def protected_columns() -> dict[str, list[tuple[str, object]]]:
    """table -> [(column, its type)] for every encrypted or hashed column of the vault."""
    tables: dict[str, list[tuple[str, object]]] = {}
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, EncryptedText | EncryptedJSON | KeyedWord):
                tables.setdefault(table.name, []).append((column.name, column.type))
    return tables


def encrypt(path: Path, passphrase: str) -> None:
    """Protect a plain vault with a passphrase, rewriting every row in one transaction."""
    header, data_key = new_header(passphrase)
    _rewrite(path, None, VaultCipher(data_key), header.to_json())


def decrypt(path: Path, passphrase: str) -> None:
    """Remove the passphrase: every row back to plain text, in one transaction."""
    _rewrite(path, _cipher(path, passphrase), None, None)


def change_passphrase(path: Path, old: str, new: str) -> None:
    """A new passphrase (and a new data key, so the old passphrase opens no copy made later)."""
    old_cipher = _cipher(path, old)
    header, data_key = new_header(new)
    _rewrite(path, old_cipher, VaultCipher(data_key), header.to_json())


def _cipher(path: Path, passphrase: str) -> VaultCipher:
    header = header_of(path)
    if header is None:
        raise VaultLocked("the vault has no passphrase")
    return VaultCipher(unwrap(header, passphrase))


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return connection


def _rewrite(
    path: Path, old: VaultCipher | None, new: VaultCipher | None, header: str | None
) -> None:
    connection = _connect(path)
    try:
        connection.execute("PRAGMA secure_delete=ON")  # freed pages hold no old plain text
        connection.execute("BEGIN IMMEDIATE")
        try:
            was = read_header(connection)
            if (was is None) != (old is None):
                raise VaultLocked("the vault's protection changed meanwhile; nothing was changed")
            tables = protected_columns().items()
            # Corpus words last: from an encrypted vault they are read again from its texts.
            for table, columns in sorted(tables, key=lambda item: _is_hashed(item[1])):
                _rewrite_table(connection, table, columns, old, new)
            _rewrite_key(connection, old, new)
            connection.execute("DELETE FROM vault_meta WHERE key = ?", (HEADER_KEY,))
            if header is not None:
                connection.execute(
                    "INSERT INTO vault_meta (key, value) VALUES (?, ?)", (HEADER_KEY, header)
                )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        _compact(connection, path)
    finally:
        connection.close()


def _compact(connection: sqlite3.Connection, path: Path) -> None:
    """Fold the log in and rebuild the file, so no old page survives in free space."""
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("VACUUM")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.OperationalError:
        # The change is committed; only the rebuild waits for the other program to close.
        print(
            f"testimony: warning: {path.name} is changed, but another program has it open, so "
            f"its free pages were not rebuilt; when it is closed run: sqlite3 {path} VACUUM",
            file=sys.stderr,
        )


def _rewrite_table(
    connection: sqlite3.Connection,
    table: str,
    columns: list[tuple[str, object]],
    old: VaultCipher | None,
    new: VaultCipher | None,
) -> None:
    names = [name for name, _type in columns]
    if _is_hashed(columns):
        _rewrite_words(connection, table, names, old, new)
        return
    rows = connection.execute(f"SELECT rowid, {', '.join(names)} FROM {table}").fetchall()  # noqa: S608
    updates = []
    for rowid, *values in rows:
        out = []
        for (name, _kind), value in zip(columns, values, strict=True):
            label = f"{table}.{name}"
            plain = value if old is None or value is None else old.decrypt(value, label)
            out.append(plain if new is None or plain is None else new.encrypt(plain, label))
        updates.append((*out, rowid))
    assignments = ", ".join(f"{name} = ?" for name in names)
    connection.executemany(f"UPDATE {table} SET {assignments} WHERE rowid = ?", updates)  # noqa: S608


def _rewrite_key(
    connection: sqlite3.Connection, old: VaultCipher | None, new: VaultCipher | None
) -> None:
    row = connection.execute("SELECT value FROM vault_meta WHERE key = 'hmac_key'").fetchone()
    if row is None:
        return
    value = row[0]
    if old is not None and value.startswith(SEALED):
        value = old.decrypt(bytes.fromhex(value[len(SEALED) :]), KEY_COLUMN)
    if new is not None:
        value = SEALED + new.encrypt(value, KEY_COLUMN).hex()
    connection.execute("UPDATE vault_meta SET value = ? WHERE key = 'hmac_key'", (value,))


def _is_hashed(columns: list[tuple[str, object]]) -> bool:
    return any(isinstance(kind, KeyedWord) for _name, kind in columns)


def _rewrite_words(
    connection: sqlite3.Connection,
    table: str,
    names: list[str],
    old: VaultCipher | None,
    new: VaultCipher | None,
) -> None:
    """Corpus words as the new protection stores them. A keyed hash cannot be undone, so
    from an encrypted vault the words are read again from its (already rewritten) texts."""
    (name,) = names
    if old is None:
        words = [row[0] for row in connection.execute(f"SELECT {name} FROM {table}")]  # noqa: S608
    else:
        words = sorted(_words_of_texts(connection, new))
    connection.execute(f"DELETE FROM {table}")  # noqa: S608 - names from our own models
    stored = words if new is None else [new.word_key(w) for w in words]
    connection.executemany(
        f"INSERT OR IGNORE INTO {table} ({name}) VALUES (?)",  # noqa: S608
        [(w,) for w in stored],
    )


def _words_of_texts(connection: sqlite3.Connection, cipher: VaultCipher | None) -> set[str]:
    """Every word of the vault's sources: their text, titles, attributes and speakers."""

    def plain(value, label: str):  # noqa: ANN001, ANN202
        return value if cipher is None or value is None else cipher.decrypt(value, label)

    texts: list[str] = []
    for raw, title, attributes, key in connection.execute(
        "SELECT raw_text, title, attributes, interview_key FROM sources"
    ):
        texts += [plain(raw, "sources.raw_text"), plain(title, "sources.title") or ""]
        texts.append(plain(key, "sources.interview_key") or "")
        values = json.loads(plain(attributes, "sources.attributes") or "{}")
        texts += [str(v) for v in (values.values() if isinstance(values, dict) else values)]
    for (speaker,) in connection.execute("SELECT speaker FROM raw_segments"):
        texts.append(plain(speaker, "raw_segments.speaker") or "")
    return corpus_words_of(texts)
