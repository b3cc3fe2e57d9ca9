"""Index the first words of fingerprints made before project.db kept them (schema 0006).

The first word of an identifier is known only from the identifier itself, which
only the vault holds: every identifier form of the vault is fingerprinted again,
and where that fingerprint is in project.db unindexed, its first word's digest
is added. Run by `testimony db upgrade` and by an export when the vault is here.
"""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import select, update

from testimony.db.models import FingerprintFirstWord, IdentifierFingerprint
from testimony.project import Project
from testimony.redact.fingerprint import fingerprint_form, first_word_digest
from testimony.vault.models import EntityForm, Mention, ScopedForm

_WAITING = select(IdentifierFingerprint.fingerprint).where(
    IdentifierFingerprint.tokens > 1, ~IdentifierFingerprint.first_word_indexed
)


def first_words_waiting(project: Project) -> bool:
    """Whether some fingerprint waits for its first word (indexing needs the vault and key)."""
    with project.session() as s:
        return s.scalar(_WAITING.limit(1)) is not None


def index_first_words(project: Project, key: bytes) -> int:
    """Index every unindexed fingerprint the vault has the form of; how many were indexed."""
    with project.session() as s:
        waiting = set(s.scalars(_WAITING))
    if not waiting:
        return 0
    surfaces: set[tuple[str, str]] = set()
    with project.vault_session() as vs:
        surfaces.update(vs.execute(select(Mention.text, Mention.label)).all())
        for model in (EntityForm, ScopedForm):
            surfaces.update(vs.execute(select(model.form, model.label)).all())
    found: dict[str, str] = {}  # fingerprint -> first word's digest
    for surface, label in surfaces:
        form = fingerprint_form(surface, label)
        digest = hmac.new(key, form.encode("utf-8"), hashlib.sha256).hexdigest()
        if digest in waiting and digest not in found:
            found[digest] = first_word_digest(key, form.split(" ", 1)[0])
    if not found:
        return 0
    with project.session() as s, s.begin():
        present = set(s.scalars(select(FingerprintFirstWord.digest)))
        s.add_all(FingerprintFirstWord(digest=d) for d in set(found.values()) - present)
        done = sorted(found)
        for start in range(0, len(done), 500):
            s.execute(
                update(IdentifierFingerprint)
                .where(IdentifierFingerprint.fingerprint.in_(done[start : start + 500]))
                .values(first_word_indexed=True)
            )
    return len(found)
