"""Text that users or transcripts wrote reaches the terminal with its control characters
shown as escapes: a title, quote or name cannot move the cursor, clear the screen, set the
window title or inject rich markup."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from testimony.coding.workbench import Workbench
from testimony.db.models import Interview

from .coding_helpers import add_interview

pytestmark = pytest.mark.sqlite_only  # printing does not depend on the database

ESC = "\x1b"
HOSTILE_QUOTE = f"He hit me {ESC}[31mred{ESC}[0m there."


@pytest.fixture
def hostile(project):
    excerpts = add_interview(project, texts=["When?", HOSTILE_QUOTE])
    with project.session() as s, s.begin():
        s.execute(update(Interview).values(title=f"Notes {ESC}]0;owned\x07 [bold]x[/bold]"))
    bench = Workbench(project, f"an{ESC}[2Ja")
    coding = bench.apply_theme(excerpts[1], 0, len(HOSTILE_QUOTE), "physical-violence")
    bench.set_coding_memo(coding.id, f"memo {ESC}[2J{ESC}[H")
    return project


def test_codings_shows_control_characters_in_quotes_and_names_as_escapes(hostile, run):
    result = run("--project", hostile.root, "codings")
    assert result.exit_code == 0, result.stderr
    assert ESC not in result.stdout
    assert "He hit me \\u001b[31m" in result.stdout  # the quote is cut to the terminal
    assert "an\\u001b[2Ja" in result.stdout


def test_interviews_shows_a_title_s_control_characters_and_markup_as_written(hostile, run):
    result = run("--project", hostile.root, "interviews")
    assert result.exit_code == 0, result.stderr
    assert ESC not in result.stdout and "\x07" not in result.stdout
    assert "\\u001b]0;owned\\u0007" in result.stdout
    assert "[bold]x[/bold]" in result.stdout  # shown, not read as markup


def test_json_output_keeps_the_text_exact(hostile, run):
    import json

    rows = json.loads(run("--project", hostile.root, "codings", "--json").stdout)
    assert rows[0]["quote"] == HOSTILE_QUOTE
    assert rows[0]["memo"] == f"memo {ESC}[2J{ESC}[H"
