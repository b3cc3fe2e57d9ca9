"""SIGKILL at random moments during import, redaction, coding, review and export.

After every kill both databases pass their integrity checks, no interview is
half-imported, no acknowledged coding is lost and the audit chain verifies;
running the interrupted work again gives what an uninterrupted run gives.
CI runs about 100 kills in all; `-m slow` adds a heavier campaign, and
`python scripts/crash.py --kills N` prints the table for any number.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from tests.crash.harness import check_project, copy_project, project_state, unaudited_decisions
from tests.crash.scenarios import CAMPAIGNS, FILES, Bases, apply_decision, review_decisions

KILLS = {"coding": 44, "review": 24, "export": 16, "import": 10, "redact": 6}


@pytest.fixture(scope="module")
def bases(tmp_path_factory) -> Bases:
    return Bases(tmp_path_factory.mktemp("crash"))


@pytest.mark.parametrize("kind", list(KILLS))
def test_every_kill_leaves_a_sound_project_and_the_rerun_completes(bases, kind):
    tally = CAMPAIGNS[kind](bases, KILLS[kind], random.Random(f"crash-{kind}"))
    assert tally.kills >= KILLS[kind]
    assert not tally.problems
    if kind == "coding":
        assert tally.acknowledged > tally.kills  # codings were acknowledged between kills
    else:
        assert tally.reruns >= 1


def test_each_decision_run_twice_is_done_once_and_logged_each_time(bases, tmp_path):
    """What a rerun after a crash does when the first run had finished."""
    root = copy_project(bases.imported, tmp_path / "proj")
    for decision in review_decisions(bases):
        apply_decision(root, decision)
        state = project_state(root)
        apply_decision(root, decision)
        assert project_state(root) == state, decision
    assert unaudited_decisions(root) == []
    assert check_project(root) == []


# Twice as many again (five times the cheap coding kills) in the slow run; for more,
# `python scripts/crash.py --kills N`.
SLOW_KILLS = {"coding": 220, "review": 48, "export": 32, "import": 20, "redact": 12}


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(SLOW_KILLS))
def test_many_more_kills(bases, kind):
    tally = CAMPAIGNS[kind](bases, SLOW_KILLS[kind], random.Random(f"slow-{kind}"))
    assert tally.kills >= SLOW_KILLS[kind]
    assert not tally.problems


def test_a_killed_testimony_import_process_is_completed_by_the_next(bases, tmp_path):
    """The real command, started afresh (spaCy's start-up included), killed mid-import."""
    root = copy_project(bases.empty, tmp_path / "proj")
    rng = random.Random("cli-import")
    command = [sys.executable, "-c", "from testimony.cli import main; main()"]
    args = ["--project", str(root), "import", *map(str, FILES)]
    for _ in range(2):
        started = subprocess.Popen([*command, *args], stdout=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.5, 4.0))
        started.send_signal(signal.SIGKILL)
        started.wait()
        assert check_project(root) == []
    finished = subprocess.run([*command, *args], capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    assert check_project(root) == []
    state = project_state(root)
    assert [code for code, _title, _words in state["interviews"]] == [
        "INT-001",
        "INT-002",
        "INT-003",
    ]
    again = subprocess.run([*command, *args], capture_output=True, text=True)
    assert "0 imported, 3 unchanged" in again.stdout, again.stdout
    assert project_state(root) == state


def test_a_killed_testimony_autocode_process_codes_all_or_nothing(bases, tmp_path):
    root = copy_project(bases.imported, tmp_path / "proj")
    command = [sys.executable, "-c", "from testimony.cli import main; main()"]
    args = ["--project", str(root), "autocode", "police OR husband", "--theme", "police-response"]
    args += ["--coder", "lee"]
    reference = copy_project(root, tmp_path / "reference")
    ref_args = [*args]
    ref_args[1] = str(reference)
    assert subprocess.run([*command, *ref_args], capture_output=True).returncode == 0
    expected = project_state(reference)["codings"]
    before = project_state(root)["codings"]
    killed = subprocess.Popen([*command, *args], stdout=subprocess.DEVNULL)
    time.sleep(random.Random("cli-autocode").uniform(0.2, 1.0))
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert check_project(root) == []
    assert project_state(root)["codings"] in (before, expected)  # one transaction: all or none
    assert subprocess.run([*command, *args], capture_output=True).returncode == 0
    assert project_state(root)["codings"] == expected
    assert os.path.exists(root / "project.db")
