"""Passphrase protection of the vault: a key derived with scrypt unwraps a random data key.

Envelope encryption: the passphrase never encrypts data itself. scrypt turns it
into a key-encryption key, which unwraps (AES-GCM) the vault's random 256-bit
data key; the data key encrypts the text columns. The wrapped key is the
verifier: AES-GCM refuses to unwrap it under a wrong passphrase, so a wrong
passphrase is found before anything is decrypted, and changing the passphrase
rewraps 32 bytes instead of rewriting the vault.

Every encrypted value is a BLOB: a version byte, a 96-bit random nonce, the
ciphertext and its tag, authenticated with the column's name (a value moved
to another column does not decrypt). Corpus words, which are only ever looked
up for equality, are stored as keyed hashes instead.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from testimony.errors import TestimonyError

FORMAT = 1
NONCE = 12
# OWASP's minimum for scrypt: 128 MiB, about half a second; stored per vault, so it can grow.
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
ENV_PASSPHRASE = "TESTIMONY_VAULT_PASSPHRASE"
ENV_NEW_PASSPHRASE = "TESTIMONY_VAULT_NEW_PASSPHRASE"
HEADER_KEY = "encryption"  # the vault_meta row that holds the header


class VaultLocked(TestimonyError):
    """The vault is encrypted and no passphrase was given."""


class WrongPassphrase(TestimonyError):
    """The passphrase does not unwrap the vault's key."""


class VaultDamaged(TestimonyError):
    """An encrypted value does not decrypt: the vault was altered or mixed with another."""


@dataclass(frozen=True)
class Header:
    """What is stored in the clear: how to derive the key, and the wrapped data key."""

    salt: bytes
    n: int
    r: int
    p: int
    wrapped: bytes  # nonce + AES-GCM(data key)

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "kdf": "scrypt",
                "salt": self.salt.hex(),
                "n": self.n,
                "r": self.r,
                "p": self.p,
                "cipher": "AES-256-GCM",
                "wrapped_key": self.wrapped.hex(),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Header:
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT or data.get("kdf") != "scrypt":
                raise VaultDamaged("the vault's encryption header is of an unknown kind")
            return cls(
                bytes.fromhex(data["salt"]),
                int(data["n"]),
                int(data["r"]),
                int(data["p"]),
                bytes.fromhex(data["wrapped_key"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            raise VaultDamaged("the vault's encryption header is damaged") from None


def _kek(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    if not passphrase:
        raise VaultLocked("the vault's passphrase cannot be empty")
    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r + 2**20, dklen=32
    )


def new_header(passphrase: str, data_key: bytes | None = None) -> tuple[Header, bytes]:
    """A header for this passphrase, wrapping data_key (a new random one if None)."""
    data_key = data_key or AESGCM.generate_key(bit_length=256)
    salt = os.urandom(16)
    kek = _kek(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    nonce = os.urandom(NONCE)
    wrapped = nonce + AESGCM(kek).encrypt(nonce, data_key, b"testimony vault data key")
    return Header(salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, wrapped), data_key


def unwrap(header: Header, passphrase: str) -> bytes:
    """The data key, or WrongPassphrase; nothing else is touched."""
    kek = _kek(passphrase, header.salt, header.n, header.r, header.p)
    nonce, body = header.wrapped[:NONCE], header.wrapped[NONCE:]
    try:
        return AESGCM(kek).decrypt(nonce, body, b"testimony vault data key")
    except InvalidTag:
        raise WrongPassphrase(
            "wrong passphrase for the vault; nothing was read or changed"
        ) from None


class VaultCipher:
    """Encrypts and decrypts the vault's values with subkeys of one data key."""

    def __init__(self, data_key: bytes) -> None:
        self._aead = AESGCM(_subkey(data_key, b"values"))
        self._words = _subkey(data_key, b"corpus words")

    def encrypt(self, plain: str, column: str) -> bytes:
        nonce = os.urandom(NONCE)
        sealed = self._aead.encrypt(nonce, plain.encode("utf-8"), column.encode())
        return bytes([FORMAT]) + nonce + sealed

    def decrypt(self, sealed: bytes, column: str) -> str:
        if not isinstance(sealed, bytes) or len(sealed) < 1 + NONCE + 16 or sealed[0] != FORMAT:
            raise VaultDamaged(f"a value of {column} in the vault is not encrypted as it should be")
        try:
            plain = self._aead.decrypt(sealed[1 : 1 + NONCE], sealed[1 + NONCE :], column.encode())
        except InvalidTag:
            raise VaultDamaged(f"a value of {column} in the vault does not decrypt") from None
        return plain.decode("utf-8")

    def word_key(self, word: str) -> bytes:
        """The keyed hash a corpus word is stored as (equality look-ups keep working)."""
        return hmac.new(self._words, word.encode("utf-8"), hashlib.sha256).digest()[:16]


def _subkey(data_key: bytes, purpose: bytes) -> bytes:
    return hmac.new(data_key, b"testimony " + purpose, hashlib.sha256).digest()
