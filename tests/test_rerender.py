"""Pseudonym strategies, re-runs of detection and re-rendering: no coding is lost or moved."""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from testimony.db.models import Coder, Coding, Excerpt, Interview, Theme
from testimony.errors import SettingsError
from testimony.project import Project
from testimony.redact.importer import import_files
from testimony.redact.rerender import finish_renders
from testimony.redact.rerun import rerun_detection
from testimony.settings import load_settings
from testimony.vault.models import Entity, EntityForm, Mention, ScopedForm, Source

STORY = (
    "Q: What happened then?\n"
    "A: My husband Yerlan Bekov locked the door. I called the police in Taraz and "
    "nobody came. Yerlan said the police would never help me.\n"
    "Q: Did anyone help?\n"
    "A: My neighbour Saltanat helped me. She works as a nurse at the hospital.\n"
)


def _set(project: Project, **redaction) -> Project:
    """Change testimony.yaml's redaction section and reopen the project."""
    path = project.root / "testimony.yaml"
    data = yaml.safe_load(path.read_text())
    data["redaction"].update(redaction)
    path.write_text(yaml.safe_dump(data))
    project.close()
    return Project.open(project.root)


def _code(project: Project, phrase: str) -> int:
    """Code the first excerpt holding phrase, on exactly those words; returns the coding id."""
    with project.session() as s, s.begin():
        excerpt = next(e for e in s.scalars(select(Excerpt)) if phrase in e.text)
        coder = s.scalar(select(Coder).where(Coder.name == "ana"))
        if coder is None:
            coder = Coder(name="ana")
            s.add(coder)
            s.flush()
        theme = s.scalars(select(Theme)).first()
        start = excerpt.text.index(phrase)
        coding = Coding(
            excerpt_id=excerpt.id,
            start=start,
            end=start + len(phrase),
            theme_id=theme.id,
            coder_id=coder.id,
        )
        s.add(coding)
        s.flush()
        return coding.id


def _quote(project: Project, coding_id: int) -> str:
    with project.session() as s:
        coding = s.get(Coding, coding_id)
        return s.get(Excerpt, coding.excerpt_id).text[coding.start : coding.end]


def _texts(project: Project) -> str:
    with project.session() as s:
        return "\n".join(s.scalars(select(Excerpt.text).order_by(Excerpt.id)))


@pytest.fixture
def story_project(project, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(STORY)
    report = import_files(project, [path])
    assert not report.failed
    return project


def test_people_get_made_up_names_and_the_shape_of_each_mention(story_project):
    text = _texts(story_project)
    full = re.search(r"My husband (\w+) (\w+) locked", text).groups()
    assert full != ("Yerlan", "Bekov") and "Yerlan" not in text and "Bekov" not in text
    assert f"{full[0]} said the police" in text  # the given name alone, as it was said
    with story_project.vault_session() as vs:
        yerlan = vs.scalar(select(Entity).where(Entity.canonical == "Yerlan Bekov"))
    assert yerlan.strategy == "realistic" and yerlan.details["gender"] == "m"
    assert yerlan.pseudonym == "[PERSON-1]" or yerlan.pseudonym.startswith("[PERSON-")


def test_a_proposed_type_stays_in_the_text_until_accepted(story_project):
    assert "works as a nurse" in _texts(story_project)
    with story_project.vault_session() as vs, vs.begin():
        nurse = vs.scalar(select(Mention).where(Mention.label == "OCCUPATION"))
        assert nurse.status == "flagged"
        vs.execute(update(Entity).where(Entity.id == nurse.entity_id).values(status="accepted"))
        vs.execute(update(Source).values(needs_render=True))
    finish_renders(story_project)
    assert "nurse" not in _texts(story_project)


def test_changing_the_strategy_rerenders_every_excerpt_and_keeps_codings(story_project):
    police = _code(story_project, "said the police would never help me")
    name = _code(story_project, re.search(r"My husband \w+ \w+", _texts(story_project)).group())
    project = _set(story_project, pseudonyms={"PERSON": "tag", "GPE": "generalise"})
    report = rerun_detection(project)
    text = _texts(project)
    assert "My husband [PERSON-" in text and "police in a city in Kazakhstan" in text
    assert report.restyled_entities >= 2 and report.rendered.excerpts >= 2
    assert _quote(project, police) == "said the police would never help me"
    assert re.fullmatch(r"My husband \[PERSON-\d+\]", _quote(project, name))
    project.close()


def test_a_rerun_without_changes_keeps_the_text(story_project):
    before = _texts(story_project)
    report = rerun_detection(story_project)
    assert _texts(story_project) == before and report.rendered.excerpts == 0


def test_a_new_deny_list_entry_is_redacted_by_a_rerun_and_codings_follow(story_project):
    coding = _code(story_project, "nobody came")
    hospital = _code(story_project, "at the hospital")
    project = _set(story_project, deny_list=["hospital"])
    rerun_detection(project)
    assert "hospital" not in _texts(project)
    assert _quote(project, coding) == "nobody came"
    assert _quote(project, hospital).startswith("at the ") and "hospital" not in _quote(
        project, hospital
    )
    project.close()


def test_reviewers_decisions_survive_a_rerun(story_project):
    with story_project.vault_session() as vs, vs.begin():
        taraz = vs.scalar(select(Mention).where(Mention.text == "Taraz"))
        vs.execute(update(Entity).where(Entity.id == taraz.entity_id).values(status="rejected"))
        saltanat = vs.scalar(select(Mention).where(Mention.text == "Saltanat"))
        saltanat.status = "accepted"
    rerun_detection(story_project)
    assert "police in Taraz" in _texts(story_project)  # rejected: not an identifier
    with story_project.vault_session() as vs:
        kept = vs.scalar(select(Mention).where(Mention.text == "Saltanat"))
        assert kept.status == "accepted"
        assert vs.get(Entity, taraz.entity_id).status == "rejected"
    assert "Saltanat" not in _texts(story_project)


def test_a_given_name_alone_links_only_within_its_interview(project, tmp_path):
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    one.write_text("A: My husband Yerlan Bekov hit me. Yerlan was drunk.\n")
    two.write_text("A: My brother Yerlan helped me.\n")
    import_files(project, [one, two])
    with project.vault_session() as vs:
        entities = {
            (m.source_id, m.text): m.entity_id
            for m in vs.scalars(select(Mention).where(Mention.label == "PERSON"))
        }
        scoped = {f.form for f in vs.scalars(select(ScopedForm))}
        shared = {f.form for f in vs.scalars(select(EntityForm))}
    (first, second) = sorted({sid for sid, _t in entities})
    assert entities[(first, "Yerlan")] == entities[(first, "Yerlan Bekov")]
    assert entities[(second, "Yerlan")] != entities[(first, "Yerlan Bekov")]
    assert "yerlan" in scoped and "yerlan" not in shared and "bekov" in shared


def test_a_pseudonym_that_a_later_file_uses_as_a_real_name_is_replaced(project, tmp_path):
    first = tmp_path / "first.txt"
    first.write_text("A: My sister Asel Nurlanovna called me every day.\n")
    import_files(project, [first])
    coding = _code(project, "called me every day")
    given = re.search(r"My sister (\w+)", _texts(project)).group(1)
    second = tmp_path / "second.txt"
    second.write_text(f"A: The judge, {given} Omarova, did not listen.\n")
    import_files(project, [second])
    with project.session() as s:
        first_text = s.scalar(
            select(Excerpt.text).join(Interview).where(Interview.code == "INT-001")
        )
    assert given not in first_text and "Asel" not in first_text
    assert _quote(project, coding) == "called me every day"
    with project.vault_session() as vs:
        assert not vs.scalar(select(Source.id).where(Source.needs_render.is_(True)))


def test_an_interrupted_rerender_is_finished_by_the_next_run(story_project):
    coding = _code(story_project, "said the police would never help me")
    with story_project.vault_session() as vs, vs.begin():
        vs.execute(update(Entity).where(Entity.label == "PERSON").values(strategy="tag"))
        vs.execute(update(Source).values(needs_render=True))
    # A crash after project.db took the new text but before the vault cleared its mark:
    finish_renders(story_project)
    with story_project.vault_session() as vs, vs.begin():
        vs.execute(update(Source).values(needs_render=True))
    stats = finish_renders(story_project)
    assert stats.excerpts == 0 and stats.codings == 0  # rendering again changes nothing
    assert _quote(story_project, coding) == "said the police would never help me"


def test_a_bad_policy_or_strategy_names_the_file(project):
    path = project.root / "testimony.yaml"
    data = yaml.safe_load(path.read_text())
    data["redaction"]["pseudonyms"] = {"PERSON": "fancy"}
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(SettingsError, match=r"testimony.yaml: redaction.pseudonyms.PERSON"):
        load_settings(project.root)


def test_rerun_of_an_unknown_interview_is_a_user_error(story_project, run):
    result = run("--project", story_project.root, "redact", "--interview", "INT-999")
    assert result.exit_code == 2 and "no such interview: INT-999" in result.stderr


def test_the_redact_command_reports_what_it_did(story_project, run):
    result = run("--project", story_project.root, "redact", "--json")
    assert result.exit_code == 0
    assert '"interviews": 1' in result.stdout and '"kept_decisions": 0' in result.stdout


NAMES = ["Aigerim", "Yerlan", "Dinara", "Gulnara", "Rustam", "Oksana", "Svetlana", "Nurlan"]
SURNAMES = ["Bekov", "Abenova", "Tulegenov", "Ivanova", "Sadykova"]
PLACES = ["Taraz", "Shymkent", "Kaskelen", "Almaty"]


@st.composite
def interviews(draw):
    """A short invented testimony: relations, names, places and plain talk."""
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        name = draw(st.sampled_from(NAMES))
        full = f"{name} {draw(st.sampled_from(SURNAMES))}"
        place = draw(st.sampled_from(PLACES))
        lines.append(
            draw(
                st.sampled_from(
                    [
                        f"A: My husband {full} beat me in {place}.",
                        f"A: {name}'s mother told me to endure.",
                        f'A: "{name}, you must go back," the officer said.',
                        f"A: A man called {name} phoned me from {place}.",
                        "A: Nobody came for two hours.",
                    ]
                )
            )
        )
    return "Q: Tell me what happened.\n" + "\n".join(lines) + "\n"


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(interviews(), min_size=1, max_size=3), st.sampled_from(["tag", "realistic"]))
def test_project_text_never_holds_an_identifier_the_vault_recorded(tmp_path_factory, files, how):
    from testimony.project import init_project

    folder = tmp_path_factory.mktemp("prop")
    project = init_project(folder / "p")
    project = _set(project, pseudonyms={"PERSON": how})
    paths = []
    for i, text in enumerate(files):
        path = folder / f"int{i}.txt"
        path.write_text(text)
        paths.append(path)
    import_files(project, paths)
    rerun_detection(project)  # and after a re-run
    with project.vault_session() as vs:
        hidden = {m.text for m in vs.scalars(select(Mention)) if m.status == "proposed"}
    text = _texts(project)
    project.close()
    for surface in hidden:
        assert not re.search(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", text), surface


def test_a_name_in_another_order_or_with_initials_is_the_same_person():
    from testimony.redact.entities import EntityResolver
    from testimony.redact.text import scratch_vault

    with scratch_vault() as session:
        resolver = EntityResolver(session)
        yerlan = resolver.entity_for("Yerlan Bekovich Dzhaksylykov", "PERSON")
        for form in ("Dzhaksylykov Y. B.", "Dzhaksylykov Yerlan Bekovich", "Mr Dzhaksylykov"):
            assert resolver.entity_for(form, "PERSON") == yerlan, form
        dana = resolver.entity_for("Senior Lieutenant Dana Kurmanova", "PERSON")
        assert resolver.entity_for("Senior Lieutenant Kurmanova", "PERSON") == dana
        olga = resolver.entity_for("Olga Petrova", "PERSON")
        assert resolver.entity_for("Anna Petrova", "PERSON") != olga  # one surname, two women
        assert resolver.entity_for("Petrov A. B.", "PERSON") not in {olga, yerlan}


def test_initials_take_the_pseudonyms_initials():
    from testimony.redact.pseudonyms import render_person

    details = {"given": "Nurtas", "surname": "Otarbayev", "patronymic": "Dauletovich"}
    assert render_person(details, "Dzhaksylykov Y. B.", "[P]") == "Otarbayev N. D."
    assert render_person(details, "Major Dzhaksylykov", "[P]") == "Major Otarbayev"
    assert render_person(details, "YERLAN'S", "[P]") == "NURTAS'S"


def test_redact_text_with_a_project_uses_its_pseudonyms_and_writes_nothing(story_project, run):
    full = re.search(r"My husband (\w+ \w+) locked", _texts(story_project)).group(1)
    vault_before = (story_project.root / "vault.db").read_bytes()
    result = run(
        "--project", story_project.root, "redact-text", input_text="Then Bekov Yerlan came."
    )
    assert result.stdout == f"Then {full.split()[1]} {full.split()[0]} came."
    assert (story_project.root / "vault.db").read_bytes() == vault_before


def test_a_common_word_glued_to_a_name_does_not_become_a_name():
    from testimony.redact.entities import EntityResolver
    from testimony.redact.text import scratch_vault

    with scratch_vault() as session:
        resolver = EntityResolver(session)
        aygul = resolver.entity_for("Aygul Tulegenova centre", "PERSON")
        assert "tulegenova" in resolver.forms and "aygul" in resolver.forms
        assert "centre" not in resolver.forms
        assert resolver.entity_for("Tulegenova", "PERSON") == aygul


def test_undo_after_a_rerender_puts_a_removed_coding_back_on_its_words(story_project):
    from testimony.coding import oplog
    from testimony.coding.coders import coder_id
    from testimony.coding.codings import apply_theme, remove_coding

    phrase = "said the police would never help me"
    with story_project.session() as s, s.begin():
        excerpt = next(e for e in s.scalars(select(Excerpt)) if phrase in e.text)
        ana = coder_id(s, "ana")
        theme = s.scalars(select(Theme.slug)).first()
        start = excerpt.text.index(phrase)
        coding = apply_theme(s, ana, excerpt.id, start, start + len(phrase), theme)
        remove_coding(s, ana, coding.id)
    project = _set(story_project, pseudonyms={"PERSON": "tag"})  # names change length
    rerun_detection(project)
    with project.session() as s, s.begin():
        oplog.undo(s, coder_id(s, "ana"))
    assert _quote(project, coding.id) == phrase
    project.close()
