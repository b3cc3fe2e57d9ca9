"""A leak test over every export format and every field that reaches an export.

Identifiers of a real import are planted by hand in one field at a time (quotes,
memos of every kind, speaker labels, titles, attributes, the codebook, coder
and project names, file names); every format is then exported. The leak gate
refuses (exit 1, naming no identifier) or the file holds none of them, scanned
byte by byte (zip members and their names too).
"""

from __future__ import annotations

import pytest

from tests.leak_fields import (
    FIELDS,
    FORMATS,
    build_base,
    export_args,
    identifiers_in,
    identifiers_said,
    prepare,
)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return build_base(tmp_path_factory.mktemp("leaks") / "base")


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_unplanted_project_exports_cleanly(base, run, tmp_path, fmt):
    """The control: without a planted field every format is written, free of identifiers."""
    out = tmp_path / f"out.{fmt}"
    result = run(*export_args(base, fmt, out, []))
    assert result.exit_code == 0, result.stderr
    assert identifiers_in(out.read_bytes(), out.name) == []


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("field", FIELDS, ids=[f.name.replace(" ", "-") for f in FIELDS])
def test_a_planted_identifier_is_refused_or_absent(base, run, tmp_path, field, fmt):
    folder, extra = prepare(base, tmp_path / "proj", field)
    out = tmp_path / "out" / f"report.{fmt}"
    out.parent.mkdir()
    result = run(*export_args(folder, fmt, out, extra))
    assert result.exit_code in (0, 1), result.stderr
    assert identifiers_said(result.stdout + result.stderr) == []
    if result.exit_code == 1:
        assert "nothing was written" in result.stderr
        assert list(out.parent.iterdir()) == []
    else:
        assert identifiers_in(out.read_bytes(), out.name) == []


def test_an_output_file_named_after_a_person_is_refused_without_naming_it(base, run, tmp_path):
    out = tmp_path / "report-Yerlan-Tulegenov.md"
    result = run(*export_args(base, "md", out, []))
    assert result.exit_code == 1
    assert "the file's name: PERSON" in result.stderr
    assert identifiers_said(result.stdout + result.stderr) == []
    assert not out.exists()
