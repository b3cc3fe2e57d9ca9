"""Mistakes a coder can make: an unknown theme, coding, excerpt, or a span outside the text."""

from __future__ import annotations

from testimony.errors import TestimonyError


class CodingError(TestimonyError):
    """A coding action cannot be done as asked; nothing was changed."""
