"""`testimony codings` and `testimony autocode`: the coding services from the shell."""

from __future__ import annotations

import json

import pytest

from testimony.coding.workbench import Workbench

from .coding_helpers import add_interview
from .conftest import CODEBOOK


@pytest.fixture
def excerpts(project):
    return add_interview(project, attributes={"role": "survivor"})


def test_autocode_then_codings_lists_the_quotes(project, excerpts, run):
    result = run(
        "--project", project.root, "autocode", "police", "--theme", "police-dismissal",
        "--coder", "ana", "--unit", "sentence",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("1 coding added as police-dismissal by ana in 1 excerpt")
    listed = run("--project", project.root, "codings", "--json")
    rows = json.loads(listed.stdout)
    assert [(r["interview"], r["position"], r["theme"], r["coder"], r["quote"]) for r in rows] == [
        ("INT-001", 3, "police-dismissal", "ana", "I went to the police and the officer laughed.")
    ]
    assert {"id", "excerpt", "start", "end"} <= set(rows[0])


def test_autocode_is_one_undoable_action(project, excerpts, run):
    run("--project", project.root, "autocode", "he OR she", "--theme", "physical-violence",
        "--coder", "ana")  # fmt: skip
    assert Workbench(project, "ana").undo().action == "autocode"
    assert json.loads(run("--project", project.root, "codings", "--json").stdout) == []


def test_the_coder_comes_from_the_environment(project, excerpts, run):
    run("--project", project.root, "autocode", "police", "--theme", "police-dismissal",
        env={"TESTIMONY_CODER": "dana"})  # fmt: skip
    rows = json.loads(run("--project", project.root, "codings", "--json").stdout)
    assert [r["coder"] for r in rows] == ["dana"]


def test_codings_filters_by_theme_coder_and_interview(project, excerpts, run):
    ana, ben = Workbench(project, "ana"), Workbench(project, "ben")
    ana.apply_theme(excerpts[1], 0, 10, "physical-violence")
    ben.apply_theme(excerpts[2], 0, 10, "police-dismissal")
    root = project.root

    def ids(*options: str) -> list[str]:
        rows = json.loads(run("--project", root, "codings", "--json", *options).stdout)
        return [r["coder"] + ":" + r["theme"] for r in rows]

    assert ids() == ["ana:physical-violence", "ben:police-dismissal"]
    assert ids("--coder", "ben") == ["ben:police-dismissal"]
    assert ids("--theme", "violence", "--subthemes") == ["ana:physical-violence"]
    assert ids("--interview", "INT-002") == []
    assert ids("--attribute", "role=survivor") == ids()


def test_codings_table_for_people(project, excerpts, run):
    Workbench(project, "ana").apply_theme(excerpts[1], 0, 35, "physical-violence")
    result = run("--project", project.root, "codings")
    header, row = result.stdout.splitlines()[:2]
    assert header.split() == ["id", "interview", "¶", "span", "theme", "coder", "quote"]
    assert "INT-001" in row and "physical-violence" in row and "He hit me" in row


def test_an_unknown_theme_is_a_user_error(project, excerpts, run):
    result = run("--project", project.root, "autocode", "police", "--theme", "nope")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "testimony: no theme 'nope' in the codebook (see `testimony codebook show`)"
    )


def test_an_empty_query_is_a_user_error(project, excerpts, run):
    result = run("--project", project.root, "autocode", '" "', "--theme", "police-dismissal")
    assert result.exit_code == 2 and "QUERY" in result.stderr


def test_the_demo_is_partly_coded_by_two_coders(corpus_project, run):
    from testimony.demo import code_demo

    assert run("--project", corpus_project.root, "codebook", "import", CODEBOOK).exit_code == 0
    code_demo(corpus_project)
    rows = json.loads(run("--project", corpus_project.root, "codings", "--json").stdout)
    assert {r["coder"] for r in rows} == {"morgan", "quinn"}
    progress = json.loads(run("--project", corpus_project.root, "interviews", "--json").stdout)
    coded = [i["id"] for i in progress if i["codings"]]
    assert 3 <= len(coded) < len(progress)
    assert Workbench(corpus_project, "morgan").undo() is None  # the demo's work is not undoable
    code_demo(corpus_project)  # a second build adds nothing
    assert len(json.loads(run("--project", corpus_project.root, "codings", "--json").stdout)) == (
        len(rows)
    )


@pytest.mark.parametrize("command", ["code", "codings", "autocode", "demo"])
def test_coding_commands_have_help(run, command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Usage: " in result.stdout and "--coder" in result.stdout or command == "codings"


def test_codings_attribute_filter_reads_as_the_retrieval_screen_does(project, excerpts, run):
    ana = Workbench(project, "ana")
    other = add_interview(project, "INT-002", ["He hit me."], attributes={"role": "witness"})
    ana.apply_theme(excerpts[1], 0, 10, "physical-violence")
    ana.apply_theme(other[0], 0, 6, "physical-violence")
    root = project.root

    def interviews(*options: str) -> list[str]:
        result = run("--project", root, "codings", "--json", *options)
        assert result.exit_code == 0, result.stderr
        return [r["interview"] for r in json.loads(result.stdout)]

    assert interviews("--attribute", "role=Witness") == ["INT-002"]
    assert interviews("--where", "role=survivor", "--where", "role=witness") == [
        "INT-001",
        "INT-002",
    ]
    for bad, problem in [
        ("rol=witness", "no interview has an attribute 'rol' (attributes: role)"),
        ("role=witnes", "role is one of: survivor, witness"),
        ("role", "use NAME=VALUE"),
    ]:
        result = run("--project", root, "codings", "--attribute", bad)
        assert result.exit_code == 2 and problem in result.stderr, result.stderr
        assert result.stdout == ""
