"""The shipped data files under redact/data/: lists a person can read and edit."""

from __future__ import annotations

from importlib import resources


def data_lines(*path: str) -> list[str]:
    """Non-empty lines of a data file, comments ('#' to the end of the line) removed.

    A missing file reads as empty, so a trimmed install still runs (with less recall).
    """
    try:
        text = (
            resources.files("testimony.redact").joinpath("data", *path).read_text(encoding="utf-8")
        )
    except (FileNotFoundError, OSError):
        return []
    lines = (line.split("#", 1)[0].rstrip() for line in text.splitlines())
    return [line for line in lines if line.strip()]
