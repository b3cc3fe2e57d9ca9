"""What every detector returns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Detection:
    """A proposed identifier: code-point offsets into the text, a type and who found it."""

    start: int
    end: int
    label: str
    detector: str
    score: float = 1.0
