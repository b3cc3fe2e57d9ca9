"""The throwaway PostgreSQL cluster of the tests: a killed run's cluster is cleaned up."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .pg_cluster import OWNER, find_bindir

pytestmark = pytest.mark.skipif(find_bindir() is None, reason="no PostgreSQL binaries")

START = """
import sys
sys.path.insert(0, {root!r})
from tests.pg_cluster import start_cluster
cluster = start_cluster()
print(cluster.folder, flush=True)
import time
time.sleep(600)
"""


def test_a_cluster_whose_test_run_was_killed_is_stopped_and_removed_by_the_next(tmp_path):
    root = str(Path(__file__).resolve().parents[1])
    env = {k: v for k, v in os.environ.items() if k != "TESTIMONY_TEST_PG_URL"}
    child = subprocess.Popen(
        [sys.executable, "-c", START.format(root=root)], stdout=subprocess.PIPE, text=True, env=env
    )
    folder = Path(child.stdout.readline().strip())
    assert (folder / OWNER).read_text() == str(child.pid)
    postmaster = (folder / "data" / "postmaster.pid").read_text().split()[0]
    child.kill()  # as a killed pytest: its cluster keeps running
    child.wait()
    assert folder.exists()
    os.kill(int(postmaster), 0)  # still running

    from .pg_cluster import start_cluster

    cluster = start_cluster()  # the next run
    try:
        assert not folder.exists()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(int(postmaster), 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            pytest.fail("the orphaned server still runs")
    finally:
        cluster.stop()
