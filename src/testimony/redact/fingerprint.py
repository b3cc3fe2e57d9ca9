"""Keyed fingerprints of identifiers: HMAC-SHA256 of normalised forms.

project.db stores only these; without the vault's key they reveal nothing,
so a coder holding project.db cannot confirm a guessed name.
"""

from __future__ import annotations

import hashlib
import hmac

from testimony.redact.forms import normalise


def fingerprint(key: bytes, surface: str, label: str = "") -> str:
    return hmac.new(key, normalise(surface, label).encode("utf-8"), hashlib.sha256).hexdigest()
