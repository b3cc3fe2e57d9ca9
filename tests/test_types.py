"""The services' type hints hold: mypy over the packages pyproject.toml names."""

from __future__ import annotations

import subprocess
import sys

from .conftest import REPO


def test_mypy_finds_no_type_errors_in_the_services():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
