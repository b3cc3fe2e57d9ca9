"""Carry offsets from one rendering of a raw text to another.

A reviewer's decision re-renders an excerpt: a name becomes a pseudonym, a
wrongly redacted word comes back, a pseudonym changes length. Both renderings
come from the same raw text, so an offset goes old text -> raw -> new text.
A coding keeps the same words; an end that falls inside a replacement moves
to the replacement's edge, so a coding whose words were all replaced keeps
its place on the replacement.
"""

from __future__ import annotations

from collections.abc import Sequence

from testimony.redact.render import Replacement


def to_raw(offset: int, reps: Sequence[Replacement], side: str) -> int:
    """An offset into a rendering, as an offset into the raw text."""
    shift = 0
    for rep in reps:
        if offset <= rep.new_start:
            break
        if offset < rep.new_end:
            return rep.start if side == "start" else rep.end
        shift += (rep.new_end - rep.new_start) - (rep.end - rep.start)
    return offset - shift


def from_raw(offset: int, reps: Sequence[Replacement], side: str) -> int:
    """An offset into the raw text, as an offset into a rendering."""
    shift = 0
    for rep in reps:
        if offset <= rep.start:
            break
        if offset < rep.end:
            return rep.new_start if side == "start" else rep.new_end
        shift += (rep.new_end - rep.new_start) - (rep.end - rep.start)
    return offset + shift


def remap_span(
    start: int, end: int, old: Sequence[Replacement], new: Sequence[Replacement]
) -> tuple[int, int]:
    """A span of the old rendering, on the same words of the new one."""
    new_start = from_raw(to_raw(start, old, "start"), new, "start")
    new_end = from_raw(to_raw(end, old, "end"), new, "end")
    return new_start, max(new_end, new_start)
