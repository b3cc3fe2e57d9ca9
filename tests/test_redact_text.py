"""`testimony redact-text`: the engine on anyone's text, with offsets in code points."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from testimony.cli import cli
from testimony.redact.pipeline import RedactionPipeline
from testimony.redact.text import redact_texts, scratch_vault

STORY = (
    "My husband Yerlan Tulegenov (IIN 890412450187) beat me on 14 March 2019 in Taraz. "
    "Yerlan's mother said, «Дина, терпи». Call +7 701 234 56 78 or dina@mail.kz."
)


def test_plain_mode_prints_the_redacted_text():
    out = CliRunner().invoke(cli, ["redact-text"], input=STORY)
    assert out.exit_code == 0
    for raw in (
        "Yerlan",
        "Tulegenov",
        "890412450187",
        "14 March 2019",
        "Taraz",
        "+7 701",
        "dina@mail.kz",
    ):
        assert raw not in out.stdout
    assert "[PERSON-" not in out.stdout  # people get made-up names by default


def test_one_person_gets_one_made_up_name_in_the_shape_it_was_said():
    text = "My husband Yerlan Tulegenov came. Yerlan's mother cried. YERLAN shouted."
    out = CliRunner().invoke(cli, ["redact-text", "--json"], input=text)
    result = json.loads(out.stdout)
    assert {s["entity"] for s in result["spans"] if s["label"] == "PERSON"} == {"[PERSON-1]"}
    full = re.search(r"My husband (\w+) (\w+) came\.", result["text"])
    given, surname = full.groups()
    assert given != "Yerlan" and surname != "Tulegenov"
    assert f"{given}'s mother cried. {given.upper()} shouted." in result["text"]


def test_tags_and_generalisations_on_request():
    text = "My husband Yerlan beat me on 14 March 2019 in Taraz."
    tags = CliRunner().invoke(cli, ["redact-text", "--pseudonyms", "tag"], input=text)
    assert tags.stdout == "My husband [PERSON-1] beat me on [DATE-1] in [GPE-1]."
    general = CliRunner().invoke(cli, ["redact-text", "--pseudonyms", "generalise"], input=text)
    assert general.stdout == "My husband [PERSON-1] beat me on spring 2019 in a city in Kazakhstan."


def test_jsonl_offsets_are_code_points_of_the_input():
    lines = [{"id": "a", "text": STORY}, {"id": 7, "text": "Ольга Сидоренко, call 87771234567"}]
    stdin = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n"
    out = CliRunner().invoke(cli, ["redact-text", "--jsonl"], input=stdin)
    assert out.exit_code == 0, out.stderr
    results = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["id"] for r in results] == ["a", 7]
    for line, result in zip(lines, results, strict=True):
        for span in result["spans"]:
            assert set(span) == {"start", "end", "label", "entity"}
            assert line["text"][span["start"] : span["end"]].strip()
    phone = next(s for s in results[1]["spans"] if s["label"] == "PHONE")
    assert lines[1]["text"][phone["start"] : phone["end"]] == "87771234567"


def test_each_jsonl_document_numbers_its_entities_afresh():
    stdin = (
        '{"id": 1, "text": "My sister Asel came."}\n{"id": 2, "text": "My brother Nurlan came."}\n'
    )
    out = CliRunner().invoke(cli, ["redact-text", "--jsonl", "--pseudonyms", "tag"], input=stdin)
    texts = [json.loads(line)["text"] for line in out.stdout.splitlines()]
    assert texts == ["My sister [PERSON-1] came.", "My brother [PERSON-1] came."]


def test_bad_jsonl_is_a_usage_error():
    out = CliRunner().invoke(cli, ["redact-text", "--jsonl"], input='{"text": "no id"}\n')
    assert out.exit_code == 2 and "line 1" in out.stderr


NAMES = ["Aigerim", "Yerlan", "Dinara", "Gulnara", "Rustam", "Oksana", "Svetlana", "Nurlan"]
RELATIONS = ["husband", "sister", "neighbour", "lawyer", "mother-in-law", "brother"]
FILLER = ["He shouted again.", "Nobody came.", "I was afraid.", "The police left.", "[pause]"]


@st.composite
def stories(draw):
    parts, names = [], set()
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.booleans()):
            name = draw(st.sampled_from(NAMES))
            relation = draw(st.sampled_from(RELATIONS))
            names.add(name)
            parts.append(
                draw(
                    st.sampled_from(
                        [
                            f"My {relation} {name} came.",
                            f"{name}'s {relation} shouted.",
                            f'"{name}, you must endure," she said.',
                            f"A man called {name} phoned.",
                        ]
                    )
                )
            )
        else:
            parts.append(draw(st.sampled_from(FILLER)))
    return " ".join(parts), names


_PIPELINE = RedactionPipeline()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stories(), st.sampled_from(["tag", "realistic"]))
def test_redacted_text_never_contains_what_was_detected(case, strategy):
    text, names = case
    with scratch_vault() as session:
        (result,) = redact_texts(_PIPELINE, [text], session, strategies={"PERSON": strategy})
    detected = {text[s.start : s.end] for s in result.spans}
    for surface in detected | names:
        assert not re.search(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", result.text), surface


def test_line_breaks_are_never_swallowed_by_a_name():
    out = CliRunner().invoke(cli, ["redact-text"], input="Asel\nhello\n")
    assert out.stdout.endswith("\nhello\n") and "Asel" not in out.stdout


def test_binary_stdin_is_a_usage_error():
    out = CliRunner().invoke(cli, ["redact-text"], input=b"\xff\xfe\x00\x91 junk")
    assert out.exit_code == 2 and "not UTF-8" in out.stderr


def test_project_option_after_the_command(project, tmp_path):
    report = tmp_path / "r.txt"
    report.write_text("nothing to see")
    out = CliRunner().invoke(cli, ["leak-check", str(report), "--project", str(project.root)])
    assert out.exit_code == 0 and out.stdout.startswith("clean")
