"""A count with its noun in the right number, for messages: "1 excerpt", "2 excerpts"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None, *, grouped: bool = False) -> str:
    """'1 coding', '3 codings', '0 entries' (plural given for irregular nouns); grouped
    writes thousands with commas ('12,000 excerpts')."""
    number = f"{count:,}" if grouped else str(count)
    return f"{number} {noun if count == 1 else plural or noun + 's'}"
