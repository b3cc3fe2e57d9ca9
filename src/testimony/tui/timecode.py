"""Time codes as coders read them."""

from __future__ import annotations


def timecode(ms: int) -> str:
    """12345678 ms -> 03:25:45."""
    seconds = ms // 1000
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
