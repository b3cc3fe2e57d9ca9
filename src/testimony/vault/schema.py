"""Upgrading the vault's schema without its passphrase.

Vault migrations change tables and columns, never an encrypted value (Project.vault_engine
migrates before it unlocks, too), so `testimony db upgrade` needs no passphrase for them.
"""

from __future__ import annotations

from pathlib import Path

from testimony.db.engine import make_engine, sqlite_url
from testimony.db.migrate import current_revision, ensure_schema
from testimony.vault.permissions import warn_if_exposed


def upgrade_vault_schema(path: Path) -> str | None:
    """Bring vault.db at path to the newest schema (refusing a newer one); its revision."""
    warn_if_exposed(path)
    engine = make_engine(sqlite_url(path))
    try:
        ensure_schema(engine, "testimony.vault", "the vault")
        return current_revision(engine)
    finally:
        engine.dispose()
