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
    label: str = ""

    def as_list(self) -> list:
        return [self.start, self.end, self.new_start, self.new_end, self.entity, self.label]

    @classmethod
    def from_list(cls, row: list) -> Replacement:
        start, end, new_start, new_end, entity = row[:5]
        return cls(start, end, new_start, new_end, entity, row[5] if len(row) > 5 else "")

    def mark(self) -> list:
        """Where the pseudonym is in the output and which raw offsets it stands for, as
        project.db's excerpts record it: [new_start, new_end, label, entity, start, end]."""
        return [self.new_start, self.new_end, self.label, self.entity, self.start, self.end]

    @classmethod
    def from_mark(cls, mark: list) -> Replacement:
        new_start, new_end, label, entity, start, end = mark
        return cls(start, end, new_start, new_end, entity, label)


def render(
    text: str, spans: list[tuple[int, int, int, str]] | list[tuple[int, int, int, str, str]]
) -> tuple[str, list[Replacement]]:
    """spans are sorted, non-overlapping (start, end, entity_id, pseudonym[, label])."""
    out: list[str] = []
    replacements: list[Replacement] = []
    cursor = 0
    length = 0
    for start, end, entity, pseudonym, *label in spans:
        out.append(text[cursor:start])
        length += start - cursor
        out.append(pseudonym)
        replacements.append(
            Replacement(start, end, length, length + len(pseudonym), entity, *label[:1])
        )
        length += len(pseudonym)
        cursor = end
    out.append(text[cursor:])
    return "".join(out), replacements


def at_sentence_start(text: str, start: int) -> bool:
    """Whether a span begins a sentence, so a generalisation there takes a capital."""
    before = text[max(0, start - 40) : start].rstrip(" \t\"'«“(—-")
    return (not before and not text[: max(0, start - 40)].strip()) or before[-1:] in {
        ".",
        "!",
        "?",
        ":",
        "\n",
    }
