"""Reviewers' decisions from the shell: the same service the reviewers' screen will call."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import JSON, bindparam, column, select, text

from testimony.db.models import Interview
from testimony.redact import review
from testimony.vault.models import Entity, Mention

from .coding_db import coding_engine
from .conftest import dump_databases
from .test_rerender import _code, _quote, _texts


def _proposals(run, project) -> list[dict]:
    result = run("--project", project.root, "review", "list", "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_reviewer_works_from_the_shell_and_nothing_is_lost(shell_project, run):
    root = shell_project.root
    laughed = _code(shell_project, "twice. They laughed at me")
    bruises = _code(shell_project, "saw the bruises")
    taraz = next(p for p in _proposals(run, shell_project) if p["label"] == "GPE")
    assert "Taraz" not in json.dumps(_proposals(run, shell_project))  # no raw text by default

    rejected = run("--project", root, "review", "reject", taraz["id"])
    assert rejected.exit_code == 0, rejected.stderr
    added = run("--project", root, "review", "add", "--text", "lucky", "--label", "PERSON")
    assert added.exit_code == 0, added.stderr

    texts = _texts(shell_project)
    assert "police in Taraz twice" in texts  # not an identifier after all
    assert "Lucky" not in texts
    dump = "\n".join(dump_databases(root)["project.db"])
    assert "Lucky" not in dump
    assert _quote(shell_project, laughed) == "twice. They laughed at me"
    assert _quote(shell_project, bruises) == "saw the bruises"
    assert run("--project", root, "audit", "verify").exit_code == 0

    with coding_engine(root) as engine, engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE id = 2"))
    broken = run("--project", root, "audit", "verify")
    assert broken.exit_code == 1 and "entry 2" in broken.stderr


def test_the_missed_name_keeps_one_pseudonym_and_counts_as_reviewed(shell_project):
    result = review.add(shell_project, "Lucky", "PERSON")
    with shell_project.vault_session() as vs:
        added = list(vs.scalars(select(Mention).where(Mention.detector == "reviewer")))
    assert len(added) == 3 and len({m.entity_id for m in added}) == 1
    assert result.entities == [added[0].entity_id]


def test_an_interview_is_reviewed_when_every_proposal_is_decided(shell_project):
    ids = [p.id for p in review.list_proposals(shell_project)]
    review.accept(shell_project, ids[:1])
    with shell_project.session() as s:
        assert s.scalar(select(Interview.review_state)) == "in-review"
    result = review.accept(shell_project, ids[1:])
    assert result.reviewed == ["INT-001"]
    with shell_project.session() as s:
        interview = s.scalar(select(Interview))
        assert interview.review_state == "reviewed" and interview.reviewed_by


def test_retype_gives_the_new_types_tag(shell_project):
    taraz = next(p for p in review.list_proposals(shell_project) if p.label == "GPE")
    review.retype(shell_project, taraz.id, "org")
    with shell_project.vault_session() as vs:
        entity = vs.get(Entity, taraz.id)
        assert entity.label == "ORG" and entity.pseudonym.startswith("[ORG-")
    assert f"police in {entity.pseudonym} twice" in _texts(shell_project)


def test_merge_and_split_change_who_shares_a_pseudonym(project, tmp_path):
    from testimony.redact.importer import import_files

    path = tmp_path / "two.txt"
    path.write_text("A: My sister Asel Omarova came. Then Omarova Asel left. Aselka cried.\n")
    import_files(project, [path])
    with project.vault_session() as vs:
        people = {m.text: m.entity_id for m in vs.scalars(select(Mention))}
    ids = sorted(set(people.values()))
    if len(ids) > 1:
        review.merge(project, ids)
    with project.vault_session() as vs:
        assert len({m.entity_id for m in vs.scalars(select(Mention))}) == 1
        (entity_id,) = {m.entity_id for m in vs.scalars(select(Mention))}
    review.split(project, entity_id)
    with project.vault_session() as vs:
        after = {m.text: m.entity_id for m in vs.scalars(select(Mention))}
    assert len(set(after.values())) == len({" ".join(t.casefold().split()) for t in after})


def test_bad_decisions_are_user_errors(shell_project, run):
    root = shell_project.root
    assert run("--project", root, "review", "accept", "9999").exit_code == 2
    missing = run("--project", root, "review", "add", "--text", "Nobody-Here-Zz")
    assert missing.exit_code == 2 and "occurs nowhere" in missing.stderr
    assert run("--project", root, "review", "merge", "1").exit_code == 2


@pytest.mark.parametrize("tamper", ["edit", "delete-middle", "delete-last", "insert", "swap"])
def test_audit_verify_finds_every_kind_of_tampering(shell_project, run, tamper):
    root = shell_project.root
    review.accept(shell_project, [review.list_proposals(shell_project)[0].id])
    assert run("--project", root, "audit", "verify").exit_code == 0
    with coding_engine(root) as engine, engine.begin() as connection:
        _tamper(connection, tamper)
    result = run("--project", root, "audit", "verify")
    assert result.exit_code == 1 and "audit log broken" in result.stderr


def _tamper(connection, tamper: str) -> None:  # noqa: ANN001 - a SQLAlchemy connection
    ids = list(connection.scalars(text("SELECT id FROM audit_log ORDER BY id")))
    assert len(ids) >= 3
    columns = "at, actor, action, target, details, prev_hash, hash"
    if tamper == "edit":
        connection.execute(text("UPDATE audit_log SET target = 'x' WHERE id = :i"), {"i": ids[1]})
    elif tamper == "delete-middle":
        connection.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": ids[1]})
    elif tamper == "delete-last":
        connection.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": ids[-1]})
    elif tamper == "insert":
        connection.execute(
            text(
                f"INSERT INTO audit_log (id, {columns}) "
                "SELECT 999999, at, actor, action, target, details, hash, hash FROM audit_log "
                "WHERE id = :i"
            ),
            {"i": ids[-1]},
        )
    else:  # swap two entries' contents
        a, b = ids[0], ids[1]
        query = text(f"SELECT id, {columns} FROM audit_log WHERE id IN (:a, :b)")
        typed = query.columns(
            column("id"),
            *(column(c) for c in columns.split(", ")[:4]),
            column("details", JSON),
            column("prev_hash"),
            column("hash"),
        )
        rows = {r[0]: r[1:] for r in connection.execute(typed, {"a": a, "b": b})}
        names = columns.split(", ")
        assignments = ", ".join(f"{n} = :{n}" for n in names)
        update = text(f"UPDATE audit_log SET {assignments} WHERE id = :target").bindparams(
            bindparam("details", type_=JSON)
        )
        for target, source in ((a, b), (b, a)):
            connection.execute(
                update, {**dict(zip(names, rows[source], strict=True)), "target": target}
            )


def test_a_rejection_with_allow_keeps_the_word_out_of_later_imports(shell_project, run, tmp_path):
    taraz = next(p for p in review.list_proposals(shell_project) if p.label == "GPE")
    result = run("--project", shell_project.root, "review", "reject", "--allow", taraz.id)
    assert result.exit_code == 0, result.stderr
    assert "Taraz" in (shell_project.root / "allow-list.txt").read_text()
    later = tmp_path / "later.txt"
    later.write_text("A: We moved to Taraz in the spring.\n")
    assert run("--project", shell_project.root, "import", later).exit_code == 0
    assert "moved to Taraz in the spring" in _texts(shell_project)


def test_one_mention_can_be_decided_apart_from_its_entity(shell_project, run):
    root = shell_project.root
    review.add(shell_project, "Lucky", "PERSON")
    (lucky,) = {
        p.id
        for p in review.list_proposals(shell_project)
        if p.tag.startswith("[PERSON") and "reviewer" in p.detectors
    }
    listed = json.loads(run("--project", root, "review", "mentions", lucky, "--json").stdout)
    assert len(listed) == 3 and "context" not in listed[0]
    first = listed[0]["id"]
    result = run("--project", root, "review", "reject", "--mention", first)
    assert result.exit_code == 0, result.stderr
    assert _texts(shell_project).count("Lucky") == 1  # that one mention only


def test_the_audit_log_exports_without_identifiers(shell_project, run):
    review.add(shell_project, "Lucky", "PERSON")
    as_json = run("--project", shell_project.root, "audit", "export", "--format", "json")
    rows = json.loads(as_json.stdout)
    assert [r["action"] for r in rows][:2] == ["init", "import"]
    assert rows[-1]["category"] == "review" and "Lucky" not in as_json.stdout
    as_csv = run("--project", shell_project.root, "audit", "export")
    assert as_csv.stdout.splitlines()[0] == "id,at,actor,category,action,target,details,hash"


def test_a_reviewer_can_choose_a_pseudonym_but_not_a_real_word(shell_project, run):
    with shell_project.vault_session() as vs:
        yerlan = vs.scalar(select(Mention.entity_id).where(Mention.text == "Yerlan Bekov"))
    refused = run("--project", shell_project.root, "review", "pseudonym", yerlan, "Police Man")
    assert refused.exit_code == 2 and "corpus" in refused.stderr
    done = run("--project", shell_project.root, "review", "pseudonym", yerlan, "Zhomart")
    assert done.exit_code == 0, done.stderr
    assert "My husband Zhomart said" in _texts(shell_project)


def test_the_vault_keeps_the_raw_side_of_each_decision(shell_project, run):
    review.add(shell_project, "Lucky", "PERSON")
    plain = run("--project", shell_project.root, "audit", "export", "--format", "json")
    assert "Lucky" not in plain.stdout
    full = run(
        "--project", shell_project.root, "audit", "export", "--format", "json", "--with-vault"
    )
    vault_rows = [r for r in json.loads(full.stdout) if str(r["id"]).startswith("vault-")]
    assert vault_rows and vault_rows[-1]["action"] == "review-add"
    assert "Lucky" in json.dumps(vault_rows[-1]["details"])


def test_accepting_spreads_a_name_to_every_interview(shell_project, tmp_path, run):
    second = tmp_path / "second.txt"
    second.write_text("A: Everybody calls him Lucky, even at the bazaar.\n")
    run("--project", shell_project.root, "import", second)
    added = review.add(shell_project, "Lucky", "PERSON", interview="INT-001")
    assert "calls him Lucky, even at the bazaar" in _texts(shell_project)  # INT-001 only
    review.accept(shell_project, added.entities)
    assert "Lucky" not in _texts(shell_project)


def test_rejecting_takes_the_words_out_of_the_leak_gate(shell_project, run, tmp_path):
    report = tmp_path / "report.md"
    report.write_text("We met the police in Taraz.\n")
    assert run("--project", shell_project.root, "leak-check", report).exit_code == 1
    taraz = next(p for p in review.list_proposals(shell_project) if p.label == "GPE")
    review.reject(shell_project, [taraz.id])
    assert run("--project", shell_project.root, "leak-check", report).exit_code == 0
