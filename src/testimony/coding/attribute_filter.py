"""Interview-attribute filters: `role=survivor, region=Taraz`, read, checked and suggested.

One syntax for the coding screen's retrieval and for `testimony codings --attribute`:
pairs NAME=VALUE separated by commas; a name given twice takes either value
(`role=survivor, role=witness`), different names must all match, as in
`testimony export --where`. Names and values are matched without regard to case
and answered in the project's own spelling, and one that no interview has is
refused with the names or values that exist, so a typo never reads as "no quotes".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from testimony.coding.errors import CodingError
from testimony.db.models import InterviewAttribute

Wanted = dict[str, tuple[str, ...]]  # name -> the values any of which will do
Known = dict[str, dict[str, int]]  # name -> value -> how many interviews have it
MAX_LISTED = 8


class AttributeFilterError(CodingError):
    """An attribute filter that cannot be read or names what no interview has."""


def parse_attribute_filter(text: str) -> Wanted:
    """`role=survivor, region=Taraz` as {name: (values…)}; empty text is no filter."""
    return parse_attribute_pairs(part for part in text.split(",") if part.strip())


def parse_attribute_pairs(items: Iterable[str]) -> Wanted:
    """NAME=VALUE items (repeated names are alternatives) as {name: (values…)}."""
    wanted: dict[str, list[str]] = {}
    for item in items:
        name, sep, value = (part.strip() for part in item.partition("="))
        if not sep or not name or not value:
            raise AttributeFilterError(f"{item.strip()!r}: use NAME=VALUE, e.g. role=survivor")
        values = wanted.setdefault(name, [])
        if value not in values:
            values.append(value)
    return {name: tuple(values) for name, values in wanted.items()}


def format_attribute_filter(wanted: Mapping[str, str | tuple[str, ...]]) -> str:
    """The filter written back in the syntax parse_attribute_filter reads."""
    pairs = [(name, value) for name, values in wanted.items() for value in _as_tuple(values)]
    return ", ".join(f"{name}={value}" for name, value in pairs)


def known_attributes(session: Session) -> Known:
    """Every attribute name with its values and how many interviews have each, by name."""
    rows = session.execute(
        select(InterviewAttribute.name, InterviewAttribute.value, func.count())
        .group_by(InterviewAttribute.name, InterviewAttribute.value)
        .order_by(InterviewAttribute.name, InterviewAttribute.value)
    )
    known: Known = {}
    for name, value, count in rows:
        known.setdefault(name, {})[value] = count
    return known


def resolve_attributes(known: Known, wanted: Mapping[str, str | tuple[str, ...]]) -> Wanted:
    """wanted in the project's spelling; AttributeFilterError naming what exists otherwise."""
    resolved: dict[str, tuple[str, ...]] = {}
    for name, values in wanted.items():
        real_name = _spelled(name, known)
        if real_name is None:
            raise AttributeFilterError(
                f"no interview has an attribute {name!r} (attributes: {_listed(known)})"
            )
        spelled = []
        for value in _as_tuple(values):
            real_value = _spelled(value, known[real_name])
            if real_value is None:
                raise AttributeFilterError(
                    f"no interview has {real_name}={value} "
                    f"({real_name} is one of: {_listed(known[real_name])})"
                )
            spelled.append(real_value)
        resolved[real_name] = tuple(dict.fromkeys(resolved.get(real_name, ()) + tuple(spelled)))
    return resolved


def check_attributes(session: Session, wanted: Mapping[str, str | tuple[str, ...]]) -> None:
    """Refuse a filter naming an attribute or value that no interview has, as spelled."""
    known = known_attributes(session)
    for name, values in wanted.items():
        resolved = resolve_attributes(known, {name: values})
        if resolved != {name: _as_tuple(values)}:
            real_name, real_values = next(iter(resolved.items()))
            raise AttributeFilterError(
                f"no interview has {name}={'|'.join(_as_tuple(values))} as written "
                f"(did you mean {real_name}={'|'.join(real_values)}?)"
            )


def _as_tuple(values: str | tuple[str, ...]) -> tuple[str, ...]:
    return (values,) if isinstance(values, str) else tuple(values)


def _spelled(word: str, known: Mapping[str, object]) -> str | None:
    """word as the project spells it: itself, or the one known word equal to it but for case."""
    if word in known:
        return word
    same = [k for k in known if k.casefold() == word.casefold()]
    return same[0] if len(same) == 1 else None


def _listed(words: Iterable[str]) -> str:
    words = list(words)
    if not words:
        return "none in this project"
    more = f", … {len(words) - MAX_LISTED} more" if len(words) > MAX_LISTED else ""
    return ", ".join(words[:MAX_LISTED]) + more
