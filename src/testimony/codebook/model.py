"""A codebook as plain data: a tree of themes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class ThemeSpec:
    """One theme as a codebook file states it."""

    id: str
    name: str
    description: str = ""
    include: str = ""
    exclude: str = ""
    examples: list[str] = field(default_factory=list)
    color: str | None = None
    key: str | None = None
    children: list[ThemeSpec] = field(default_factory=list)
    guid: str | None = field(default=None, compare=False)  # a REFI-QDA code's GUID
    line: int = field(default=0, compare=False)
    column: int = field(default=0, compare=False)


@dataclass
class Codebook:
    name: str = "Codebook"
    version: int | str | None = None
    description: str = ""
    themes: list[ThemeSpec] = field(default_factory=list)

    def walk(self) -> Iterator[tuple[ThemeSpec, ThemeSpec | None, int]]:
        """Every theme depth-first in file order, with its parent and depth (0 = top)."""

        def visit(themes: list[ThemeSpec], parent: ThemeSpec | None, depth: int):
            for theme in themes:
                yield theme, parent, depth
                yield from visit(theme.children, theme, depth + 1)

        yield from visit(self.themes, None, 0)
