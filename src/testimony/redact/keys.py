"""The fingerprint key: read from the vault, exported to a key file, loaded from one."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import select

from testimony.db import audit
from testimony.errors import TestimonyError
from testimony.project import Project
from testimony.redact.fingerprint import fingerprint
from testimony.vault.models import Entity, EntityForm
from testimony.vault.permissions import warn_if_exposed
from testimony.vault.protection import fingerprint_key

KEY_HEADER = "testimony-fingerprint-key v1"


def vault_key(project: Project) -> bytes:
    with project.vault_session() as vs:
        return fingerprint_key(vs)


def load_key(project: Project, key_file: Path | None) -> bytes:
    """The key from a key file if given, else from the vault; a clear error without either."""
    if key_file is not None:
        warn_if_exposed(key_file, "the key file")
        try:
            lines = key_file.read_text(encoding="utf-8").split()
        except OSError as exc:
            raise TestimonyError(f"{key_file}: cannot read key file ({exc.strerror})") from None
        if len(lines) < 2 or " ".join(lines[:-1]) != KEY_HEADER:
            raise TestimonyError(f"{key_file}: not a testimony key file")
        try:
            return bytes.fromhex(lines[-1])
        except ValueError:
            raise TestimonyError(f"{key_file}: the key file is damaged") from None
    if not project.vault_path.is_file():
        raise TestimonyError(
            "no vault here and no --key-file FILE: identifiers cannot be checked, so nothing is "
            "certified clean (ask a reviewer for a key file: testimony key export FILE)"
        )
    return vault_key(project)


def export_key(project: Project, file: Path) -> None:
    key = vault_key(project)
    fd = os.open(file, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(f"{KEY_HEADER}\n{key.hex()}\n")
    os.chmod(file, 0o600)
    with project.session() as s, s.begin():
        audit.append(s, project.actor(), "key-export", "fingerprint key")


def pseudonyms_by_fingerprint(project: Project, key: bytes) -> dict[str, str]:
    """fingerprint -> pseudonym, from the vault's forms (reviewers only)."""
    if not project.vault_path.is_file():
        return {}
    with project.vault_session() as vs:
        rows = vs.execute(
            select(EntityForm.form, EntityForm.label, Entity.pseudonym).join(
                Entity, Entity.id == EntityForm.entity_id
            )
        ).all()
    return {fingerprint(key, form, label): pseudonym for form, label, pseudonym in rows}
