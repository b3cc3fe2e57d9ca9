"""Agreement measures between two coders, as the field names and computes them.

Pure functions over counts, so they can be checked against textbook examples
and reference implementations (scikit-learn, the krippendorff package).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class BinaryTable:
    """A 2x2 table of two coders' yes/no decisions over the same units."""

    both: int  # both said yes
    only_a: int
    only_b: int
    neither: int

    @classmethod
    def of(cls, a: Sequence[bool], b: Sequence[bool]) -> BinaryTable:
        pairs = list(zip(a, b, strict=True))
        return cls(
            both=sum(x and y for x, y in pairs),
            only_a=sum(x and not y for x, y in pairs),
            only_b=sum(y and not x for x, y in pairs),
            neither=sum(not x and not y for x, y in pairs),
        )

    def __add__(self, other: BinaryTable) -> BinaryTable:
        return BinaryTable(
            self.both + other.both,
            self.only_a + other.only_a,
            self.only_b + other.only_b,
            self.neither + other.neither,
        )

    @property
    def units(self) -> int:
        return self.both + self.only_a + self.only_b + self.neither


def percent_agreement(table: BinaryTable) -> float | None:
    """Share of units on which the coders agree (yes-yes or no-no), 0..1."""
    if not table.units:
        return None
    return (table.both + table.neither) / table.units


def cohen_kappa(table: BinaryTable) -> float | None:
    """Cohen's kappa: agreement beyond what each coder's own rates give by chance.

    1.0 when the coders agree on every unit even if chance agreement is total
    (both never or always said yes), as NVivo reports it; None with no units.
    """
    n = table.units
    if not n:
        return None
    observed = (table.both + table.neither) / n
    a_yes = (table.both + table.only_a) / n
    b_yes = (table.both + table.only_b) / n
    expected = a_yes * b_yes + (1 - a_yes) * (1 - b_yes)
    if expected == 1:
        return 1.0 if observed == 1 else None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(table: BinaryTable) -> float | None:
    """Krippendorff's alpha, nominal, two coders, no missing values.

    alpha = 1 - (n - 1) * D / (n_yes * n_no), n = 2 x units, D = disagreeing
    units (from the coincidence matrix). None when every value is the same
    (alpha is undefined without variation).
    """
    n = 2 * table.units
    yes = 2 * table.both + table.only_a + table.only_b
    no = n - yes
    if not yes or not no:
        return None
    return 1 - (n - 1) * (table.only_a + table.only_b) / (yes * no)


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching [start, end) spans joined, in order."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def covered(spans: list[tuple[int, int]]) -> int:
    """Characters covered by merged spans."""
    return sum(end - start for start, end in spans)


def overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    """Characters covered by both lists of merged spans."""
    total, i, j = 0, 0, 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        total += max(0, end - start)
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def character_table(a: list[tuple[int, int]], b: list[tuple[int, int]], length: int) -> BinaryTable:
    """The 2x2 table over every character of a text of `length`, coded and uncoded."""
    a, b = (
        merge_spans((max(0, s), min(length, e)) for s, e in a),
        merge_spans((max(0, s), min(length, e)) for s, e in b),
    )
    both = overlap(a, b)
    only_a, only_b = covered(a) - both, covered(b) - both
    return BinaryTable(both, only_a, only_b, length - both - only_a - only_b)
