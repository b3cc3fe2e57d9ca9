"""The command surface: help that reads like documentation, and human-readable output."""

from __future__ import annotations

import pytest

COMMANDS = [
    [],
    ["init"],
    ["import"],
    ["interviews"],
    ["search"],
    ["demo"],
    ["db", "upgrade"],
    ["codebook"],
    ["codebook", "validate"],
    ["codebook", "show"],
    ["codebook", "import"],
    ["codebook", "export"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "testimony")
def test_every_command_has_help(run, command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage: " in result.stdout and len(result.stdout.splitlines()) > 4


def test_interviews_table_shows_progress_and_review_state(corpus_project, run):
    result = run("--project", corpus_project.root, "interviews")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "title", "excerpts", "words", "review", "coded"]
    assert sum(line.startswith("INT-") for line in lines) == 15
    assert "unreviewed" in lines[1] and lines[1].rstrip().endswith("0%")


def test_codebook_show_lists_keys_and_nesting(project, run):
    result = run("--project", project.root, "codebook", "show")
    assert result.exit_code == 0
    line = next(x for x in result.stdout.splitlines() if "physical-violence" in x)
    assert line.startswith("[1]   ■ Physical violence")


def test_bad_csv_column_option_is_a_usage_error(project, run, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("speaker,text\nA,b\n")
    result = run("--project", project.root, "import", "--csv-column", "words", path)
    assert result.exit_code == 2 and "FIELD=HEADER" in result.stderr
