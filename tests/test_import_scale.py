"""Large imports carry state from file to file: it must stay what the vault holds."""

from __future__ import annotations

from sqlalchemy import func, select

from testimony.db.models import Excerpt, IdentifierFingerprint
from testimony.redact import importer
from testimony.redact.forms import normalise
from testimony.redact.importer import import_files
from testimony.vault.models import Entity, EntityForm


def test_entities_another_process_adds_during_an_import_are_used(project, tmp_path, monkeypatch):
    one = tmp_path / "one.txt"
    one.write_text("Q: Who helped you?\nA: My lawyer Dinara Abenova helped me.\n")
    two = tmp_path / "two.txt"
    two.write_text("Q: Who hit you?\nA: My husband Yerlan Tulegenov hit me.\n")
    mark_done = importer._mark_done

    def another_writer_between_files(project_, source_ids, replaced_ids):  # noqa: ANN001
        mark_done(project_, source_ids, replaced_ids)
        with project.vault_session() as vs, vs.begin():
            if vs.scalar(select(func.count(Entity.id)).where(Entity.pseudonym == "[PERSON-99]")):
                return
            entity_id = vs.scalar(select(func.max(Entity.id))) + 1
            vs.add(Entity(id=entity_id, label="PERSON", pseudonym="[PERSON-99]", canonical="-"))
            form = normalise("Yerlan Tulegenov", "PERSON")
            vs.add(EntityForm(entity_id=entity_id, label="PERSON", form=form))

    monkeypatch.setattr(importer, "_mark_done", another_writer_between_files)
    report = import_files(project, [one, two])

    assert not report.failed
    with project.session() as s:
        texts = list(s.scalars(select(Excerpt.text).order_by(Excerpt.id)))
    assert "My husband [PERSON-99] hit me." in texts


def test_a_fingerprint_is_stored_once_however_many_files_name_the_identifier(project, tmp_path):
    paths = []
    for number in range(3):
        path = tmp_path / f"{number}.txt"
        path.write_text(f"Q: Who?\nA: My husband Yerlan Tulegenov, in file {number}.\n")
        paths.append(path)

    import_files(project, paths)

    with project.session() as s:
        digests = list(s.scalars(select(IdentifierFingerprint.fingerprint)))
    assert digests and len(digests) == len(set(digests))
