"""Undo and redo say what they take back in the coder's words: themes by name, excerpts
by place ("INT-001 ¶2"), never by the codebook's ids."""

from __future__ import annotations

import pytest

from testimony.coding.workbench import Workbench

from .coding_helpers import TEXTS


@pytest.fixture
def bench(project):
    return Workbench(project, "ana")


def undone(bench) -> str:
    done = bench.undo()
    assert done is not None
    return done.description


def test_each_coding_and_memo_action_is_told_with_theme_names_and_places(bench, excerpts):
    coding = bench.apply_theme(excerpts[1], 0, 35, "physical-violence")
    bench.change_theme(coding.id, "economic-violence")
    bench.set_important(coding.id, True)
    bench.set_coding_memo(coding.id, "first disclosure")
    bench.set_memo("excerpt", excerpts[2], "laughed at")
    bench.set_memo("interview", "INT-002", "short")
    bench.set_memo("theme", "violence", "define against abuse")
    bench.set_memo("project", None, "pilot")
    bench.set_memo("project", None, "")
    bench.remove_coding(coding.id)
    told = [undone(bench) for _ in range(10)]
    assert told == [
        "removed “Economic violence” from 8 words of INT-001 ¶2",
        "removed the memo on the project",
        "wrote a memo on the project",
        "wrote a memo on theme “Forms of violence”",
        "wrote a memo on interview INT-002",
        "wrote a memo on INT-001 ¶3",
        "wrote a memo on “Economic violence” (8 words of INT-001 ¶2)",
        "marked “Economic violence” important (8 words of INT-001 ¶2)",
        "changed “Physical violence” to “Economic violence” on 8 words of INT-001 ¶2",
        "coded “Physical violence” on 8 words of INT-001 ¶2",
    ]
    assert len(TEXTS[1][0:35].split()) == 8
    assert bench.redo().description == "coded “Physical violence” on 8 words of INT-001 ¶2"


def test_a_theme_renamed_since_is_told_by_its_name_now(bench, excerpts):
    bench.apply_theme(excerpts[2], 0, 6, "police-dismissal")
    Workbench(bench.project, "ben").edit_theme("police-dismissal", name="Police dismissal")
    assert undone(bench) == "coded “Police dismissal” on 2 words of INT-001 ¶3"


def test_autocode_is_told_as_one_action_with_its_hits(bench, excerpts):
    bench.autocode("police OR officer", "police-dismissal")
    assert undone(bench) == (
        "coded “Dismissal and not taken seriously” on 2 search hits in 1 excerpt "
        "('police OR officer')"
    )


def test_codebook_edits_are_told_with_the_names_of_the_themes(bench, excerpts):
    bench.add_theme("Neighbours", parent="violence")
    bench.edit_theme("neighbours", name="Neighbours' help")
    bench.edit_theme("neighbours", description="who helped", color="#336699")
    bench.move_theme("neighbours", "police-response")
    bench.apply_theme(excerpts[1], 0, 2, "neighbours")
    bench.merge_themes("neighbours", "police-dismissal")
    bench.apply_theme(excerpts[1], 0, 2, "hotlines")
    bench.delete_theme("hotlines", move_codings_to="physical-violence")
    told = [undone(bench) for _ in range(8)]
    assert told == [
        "deleted the theme “Hotlines”; 1 coding moved to “Physical violence”",
        "coded “Hotlines” on 1 word of INT-001 ¶2",
        "merged “Neighbours' help” into “Dismissal and not taken seriously”",
        "coded “Neighbours' help” on 1 word of INT-001 ¶2",
        "moved “Neighbours' help” under “Police response”",
        "changed the description and colour of “Neighbours' help”",
        "renamed “Neighbours” to “Neighbours' help”",
        "added the theme “Neighbours”",
    ]


def test_undo_and_redo_from_the_shell_say_what_they_did_and_exit_1_when_nothing_is_left(
    project, excerpts, run
):
    import json

    root = project.root
    run("--project", root, "autocode", "police", "--theme", "police-dismissal", "--coder", "ana")
    undone_ = run("--project", root, "undo", "--coder", "ana")
    assert undone_.exit_code == 0
    assert undone_.stdout == (
        "Undid: coded “Dismissal and not taken seriously” on 1 search hit in 1 excerpt ('police')\n"
    )
    assert json.loads(run("--project", root, "codings", "--json").stdout) == []
    nothing = run("--project", root, "undo", "--coder", "ana")
    assert (nothing.exit_code, nothing.stderr) == (1, "testimony: ana has nothing to undo\n")
    redone = json.loads(run("--project", root, "redo", "--coder", "ana", "--json").stdout)
    assert (redone["action"], redone["coder"], redone["excerpts"]) == (
        "autocode",
        "ana",
        [excerpts[2]],
    )
    assert [r["theme"] for r in json.loads(run("--project", root, "codings", "--json").stdout)] == [
        "police-dismissal"
    ]
    assert run("--project", root, "undo", "--coder", "ben").exit_code == 1  # not ana's log
