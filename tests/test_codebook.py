"""Codebooks: validation with file:line:column errors, and the project's codebook."""

from __future__ import annotations

import pytest

from testimony.codebook import dump_codebook, load_codebook, parse_codebook
from testimony.errors import CodebookError

from .conftest import CODEBOOK


def problems(text: str) -> list[str]:
    with pytest.raises(CodebookError) as caught:
        parse_codebook(text, "book.yaml")
    return [str(p) for p in caught.value.problems]


def test_the_shipped_codebook_is_valid_and_rich():
    codebook = load_codebook(CODEBOOK)
    themes = list(codebook.walk())
    assert len(themes) >= 30
    assert max(depth for _t, _p, depth in themes) >= 1
    assert all(t.description and t.include and t.exclude for t, _p, _d in themes)


def test_bad_yaml_names_line_and_column():
    assert problems("themes:\n  - id: a\n    name: [unclosed\n") == [
        "book.yaml:4:1: bad YAML: expected ',' or ']', but got '<stream end>'"
    ]


def test_unknown_key_is_reported_where_it_is():
    found = problems("themes:\n  - id: a\n    name: A\n    colour: red\n")
    assert found[0].startswith("book.yaml:4:5: unknown key 'colour'")


def test_duplicate_id_points_at_the_second_theme():
    found = problems("themes:\n  - id: a\n    name: A\n  - id: a\n    name: B\n")
    assert found == ["book.yaml:4:5: duplicate theme id 'a' (first at line 2)"]


def test_missing_name_is_reported():
    assert problems("themes:\n  - id: a\n    description: x\n") == [
        "book.yaml:2:5: theme 'a' has no 'name'"
    ]


def test_duplicate_shortcut_key_is_reported():
    found = problems("themes:\n  - {id: a, name: A, key: x}\n  - {id: b, name: B, key: x}\n")
    assert found == ["book.yaml:3:5: shortcut key 'x' of 'b' is already used by 'a' (line 2)"]


def test_a_cycle_of_parents_is_reported():
    found = problems("themes:\n  - {id: a, name: A, parent: b}\n  - {id: b, name: B, parent: a}\n")
    assert any("cycle in parents: a -> b -> a" in p for p in found)


def test_every_problem_is_reported_not_just_the_first():
    found = problems("themes:\n  - {id: a}\n  - {id: a, name: B, size: 3}\n")
    assert len(found) == 3


def test_anchors_and_python_tags_are_refused():
    assert "anchors and aliases" in problems("a: &x [1]\nthemes: *x\n")[0]
    assert "unsupported YAML tag" in problems("themes: !!python/object:os.system [1]\n")[0]


def test_flat_themes_with_parent_are_nested():
    codebook = parse_codebook("themes:\n  - {id: a, name: A}\n  - {id: b, name: B, parent: a}\n")
    assert [c.id for c in codebook.themes[0].children] == ["b"]


def test_dumped_codebook_reads_back_the_same():
    codebook = load_codebook(CODEBOOK)
    assert parse_codebook(dump_codebook(codebook)) == codebook


def test_validate_command_exit_codes(run, tmp_path):
    ok = run("codebook", "validate", CODEBOOK)
    assert ok.exit_code == 0 and "ok (" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("themes:\n  - id: a\n    nme: A\n")
    result = run("codebook", "validate", bad)
    assert result.exit_code == 1
    assert f"{bad}:3:5: unknown key 'nme'" in result.stderr


def test_codebook_import_keeps_a_theme_with_codings(project, run, tmp_path):
    from testimony.coding.themes import list_themes
    from testimony.db.models import Coder, Coding, Excerpt, Interview, Theme

    with project.session() as s, s.begin():
        interview = Interview(code="INT-001", title="t", source_format="txt", vault_source_id=1)
        s.add(interview)
        s.flush()
        excerpt = Excerpt(interview_id=interview.id, position=1, text="He hit me.")
        coder = Coder(name="ana")
        s.add_all([excerpt, coder])
        s.flush()
        theme = s.query(Theme).filter_by(slug="physical-violence").one()
        s.add(Coding(excerpt_id=excerpt.id, start=0, end=10, theme_id=theme.id, coder_id=coder.id))
    smaller = tmp_path / "small.yaml"
    smaller.write_text("name: small\nthemes:\n  - {id: police-dismissal, name: Dismissed}\n")
    result = run("--project", project.root, "codebook", "import", smaller)
    assert result.exit_code == 0, result.stderr
    assert "physical-violence" in result.stderr  # reported as kept
    with project.session() as s:
        slugs = {row.id: row for row in list_themes(s)}
    assert set(slugs) == {"police-dismissal", "physical-violence"}
    assert slugs["police-dismissal"].name == "Dismissed"
    assert slugs["physical-violence"].codings == 1


def test_codebook_export_round_trips_through_the_project(project, run, tmp_path):
    out = tmp_path / "out.yaml"
    assert run("--project", project.root, "codebook", "export", "-o", out).exit_code == 0
    assert load_codebook(out) == load_codebook(CODEBOOK)
