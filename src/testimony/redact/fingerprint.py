"""Keyed fingerprints of identifiers: HMAC-SHA256 of normalised forms.

project.db stores only these; without the vault's key they reveal nothing,
so a coder holding project.db cannot confirm a guessed name. The form is the
identifier's words, case-folded, NFKC, without diacritics, possessive or title
(a phone number: its last ten digits), so that the leak gate finds "GAUKHAR'S"
and "Gaukhar" alike.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

from testimony.redact.forms import split_title
from testimony.redact.known import words_of


def fingerprint_form(surface: str, label: str = "") -> str:
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", surface))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    if label == "PHONE":
        digits = "".join(ch for ch in text if ch.isdigit())
        return digits[-10:]
    if label == "PERSON":
        _title, text = split_title(text)
    return " ".join(words_of(text))


def fingerprint(key: bytes, surface: str, label: str = "") -> str:
    form = fingerprint_form(surface, label)
    return hmac.new(key, form.encode("utf-8"), hashlib.sha256).hexdigest()


FIRST_WORD = b"first word\x00"  # its own domain: no first-word digest equals a fingerprint


def first_word_digest(key: bytes, word: str) -> str:
    """Keyed hash of a word that begins a multi-word identifier (`form.split(" ")[0]`)."""
    return hmac.new(key, FIRST_WORD + word.encode("utf-8"), hashlib.sha256).hexdigest()
