"""The coding database never holds a raw identifier the pipeline knows about."""

from __future__ import annotations

import re
import sqlite3
import stat

from sqlalchemy import select

from testimony.db.models import IdentifierFingerprint, Interview
from testimony.redact.fingerprint import fingerprint
from testimony.vault.models import Entity, Mention, Source, VaultMeta


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
