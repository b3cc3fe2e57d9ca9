"""Replace detected spans with pseudonyms and record where every replacement went."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Replacement:
    """raw[start:end] became out[new_start:new_end]; entity is the vault's entity id."""

    start: int
    end: int
    new_start: int
    new_end: int
    entity: int

    def as_list(self) -> list[int]:
        return [self.start, self.end, self.new_start, self.new_end, self.entity]


def render(text: str, spans: list[tuple[int, int, int, str]]) -> tuple[str, list[Replacement]]:
    """spans are sorted, non-overlapping (start, end, entity_id, pseudonym)."""
    out: list[str] = []
    replacements: list[Replacement] = []
    cursor = 0
    length = 0
    for start, end, entity, pseudonym in spans:
        out.append(text[cursor:start])
        length += start - cursor
        out.append(pseudonym)
        replacements.append(Replacement(start, end, length, length + len(pseudonym), entity))
        length += len(pseudonym)
        cursor = end
    out.append(text[cursor:])
    return "".join(out), replacements
