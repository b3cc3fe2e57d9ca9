"""Column types that encrypt the vault's raw text when the vault is passphrase-protected.

The cipher belongs to an engine: `attach` puts it on the engine's dialect, which
every bind and result processor receives. An engine with nothing attached reads
and writes plain text (an unencrypted vault, or a scratch vault in memory); an
engine marked LOCKED refuses both, so an encrypted vault opened without its
passphrase can neither print ciphertext as text nor receive plain text.
"""

from __future__ import annotations

import json

from sqlalchemy import Engine, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from testimony.vault.crypto import VaultCipher, VaultLocked

_ATTRIBUTE = "testimony_vault_cipher"
LOCKED = object()


def attach(engine: Engine, cipher: VaultCipher | object | None) -> None:
    """Use this cipher (or LOCKED, or None for plain text) for the engine's vault columns."""
    setattr(engine.dialect, _ATTRIBUTE, cipher)


def cipher_of(dialect: Dialect) -> VaultCipher | None:
    cipher = getattr(dialect, _ATTRIBUTE, None)
    if cipher is LOCKED:
        raise VaultLocked(
            "the vault is encrypted: give its passphrase (a prompt on a terminal, or "
            "TESTIMONY_VAULT_PASSPHRASE for scripts)"
        )
    return cipher


class EncryptedText(TypeDecorator):
    """Text, stored as an AES-GCM BLOB bound to its column's name in an encrypted vault."""

    impl = Text
    cache_ok = True

    def __init__(self, column: str) -> None:
        super().__init__()
        self.column = column

    def process_bind_param(self, value, dialect):  # noqa: ANN001, ANN201
        cipher = cipher_of(dialect)
        if cipher is None or value is None:
            return value
        return cipher.encrypt(value, self.column)

    def process_result_value(self, value, dialect):  # noqa: ANN001, ANN201
        cipher = cipher_of(dialect)
        if cipher is None or value is None:
            return value
        return cipher.decrypt(value, self.column)


class EncryptedJSON(TypeDecorator):
    """JSON, kept as text exactly as SQLAlchemy's JSON type writes it; encrypted likewise."""

    impl = Text
    cache_ok = True

    def __init__(self, column: str) -> None:
        super().__init__()
        self.column = column

    def process_bind_param(self, value, dialect):  # noqa: ANN001, ANN201
        if value is None:
            return None
        text = json.dumps(value)
        cipher = cipher_of(dialect)
        return text if cipher is None else cipher.encrypt(text, self.column)

    def process_result_value(self, value, dialect):  # noqa: ANN001, ANN201
        if value is None:
            return None
        cipher = cipher_of(dialect)
        return json.loads(value if cipher is None else cipher.decrypt(value, self.column))


class KeyedWord(TypeDecorator):
    """A word looked up by equality only: a keyed hash of it in an encrypted vault.

    Read back, an encrypted vault's words are their hashes; compare them with
    `stored_word`, never with the words themselves.
    """

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):  # noqa: ANN001, ANN201
        cipher = cipher_of(dialect)
        if cipher is None or value is None:
            return value
        return cipher.word_key(value)

    def process_result_value(self, value, dialect):  # noqa: ANN001, ANN201
        cipher_of(dialect)  # a locked vault refuses, as for every other column
        return value


def stored_word(dialect: Dialect, word: str) -> str | bytes:
    """The form a corpus word takes in this vault: itself, or its keyed hash."""
    cipher = cipher_of(dialect)
    return word if cipher is None else cipher.word_key(word)
