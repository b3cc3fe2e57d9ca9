"""How often themes are used: per theme, interview and coder, and which themes co-occur.

One query over the codings (plain rows out), whatever the project's size.
Co-occurrence is counted in excerpts: two themes co-occur in an excerpt when
both were applied in it, and overlap when two of their spans share a character.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from sqlalchemy import select
from sqlalchemy.orm import Session

from testimony.analysis.selection import coder_ids
from testimony.db.models import Coder, Coding, Excerpt, Interview, Theme


@dataclass(frozen=True)
class ThemeUse:
    theme: str
    name: str
    depth: int
    codings: int
    excerpts: int
    interviews: tuple[str, ...]  # which interviews mention the theme


@dataclass
class Frequencies:
    themes: list[ThemeUse]
    interviews: dict[str, int]  # interview -> codings
    coders: dict[str, int]  # coder -> codings
    same_excerpt: dict[tuple[str, str], int] = field(default_factory=dict)
    overlapping: dict[tuple[str, str], int] = field(default_factory=dict)

    def matrix(self, counts: dict[tuple[str, str], int]) -> tuple[list[str], list[list[int]]]:
        """The used themes (codebook order) and a symmetric matrix of pair counts."""
        used = [t.theme for t in self.themes if t.codings]
        return used, [
            [counts.get((a, b), counts.get((b, a), 0)) if a != b else 0 for b in used] for a in used
        ]

    def as_dict(self) -> dict:
        themes, same = self.matrix(self.same_excerpt)
        _themes, overlapping = self.matrix(self.overlapping)
        return {
            "themes": [
                {
                    "theme": t.theme,
                    "name": t.name,
                    "depth": t.depth,
                    "codings": t.codings,
                    "excerpts": t.excerpts,
                    "interviews": list(t.interviews),
                }
                for t in self.themes
            ],
            "interviews": self.interviews,
            "coders": self.coders,
            "cooccurrence": {"themes": themes, "same_excerpt": same, "overlapping": overlapping},
        }


def theme_frequencies(
    session: Session, coders: tuple[str, ...] = (), interviews: tuple[str, ...] = ()
) -> Frequencies:
    """Counts per theme (codebook order, sub-themes after their parent), interview and coder."""
    themes = list(session.scalars(select(Theme).order_by(Theme.position, Theme.id)))
    query = (
        select(
            Coding.excerpt_id,
            Coding.theme_id,
            Coding.start,
            Coding.end,
            Coder.name,
            Interview.code,
        )
        .join(Excerpt, Excerpt.id == Coding.excerpt_id)
        .join(Interview, Interview.id == Excerpt.interview_id)
        .join(Coder, Coder.id == Coding.coder_id)
    )
    wanted_coders = coder_ids(session, coders)
    if wanted_coders is not None:
        query = query.where(Coding.coder_id.in_(wanted_coders))
    if interviews:
        query = query.where(Interview.code.in_(interviews))
    codings: Counter[int] = Counter()
    excerpts: dict[int, set[int]] = defaultdict(set)
    mentioned: dict[int, set[str]] = defaultdict(set)
    per_interview: Counter[str] = Counter()
    per_coder: Counter[str] = Counter()
    spans: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for excerpt_id, theme_id, start, end, coder, interview in session.execute(query):
        codings[theme_id] += 1
        excerpts[theme_id].add(excerpt_id)
        mentioned[theme_id].add(interview)
        per_interview[interview] += 1
        per_coder[coder] += 1
        spans[excerpt_id].append((start, end, theme_id))
    slug = {t.id: t.slug for t in themes}
    same: Counter[tuple[str, str]] = Counter()
    overlapping: Counter[tuple[str, str]] = Counter()
    for items in spans.values():
        for a, b in combinations(sorted({t for _s, _e, t in items}), 2):
            same[(slug[a], slug[b])] += 1
        pairs = set()
        ordered = sorted(items)
        for i, (_start, end, theme) in enumerate(ordered):
            for other_start, _other_end, other in ordered[i + 1 :]:
                if other_start >= end:
                    break
                if other != theme:
                    pairs.add((min(theme, other), max(theme, other)))
        for a, b in pairs:
            overlapping[(slug[a], slug[b])] += 1
    return Frequencies(
        themes=[
            ThemeUse(
                theme=t.slug,
                name=t.name,
                depth=depth,
                codings=codings.get(t.id, 0),
                excerpts=len(excerpts.get(t.id, ())),
                interviews=tuple(sorted(mentioned.get(t.id, ()))),
            )
            for t, depth in _depth_first(themes)
        ],
        interviews=dict(sorted(per_interview.items())),
        coders=dict(sorted(per_coder.items())),
        same_excerpt=dict(same),
        overlapping=dict(overlapping),
    )


def _depth_first(themes: list[Theme]) -> list[tuple[Theme, int]]:
    ids = {t.id for t in themes}
    children: dict[int | None, list[Theme]] = defaultdict(list)
    for theme in themes:
        children[theme.parent_id if theme.parent_id in ids else None].append(theme)
    out: list[tuple[Theme, int]] = []

    def visit(parent: int | None, depth: int) -> None:
        for theme in children.get(parent, []):
            out.append((theme, depth))
            visit(theme.id, depth + 1)

    visit(None, 0)
    return out


def write_png(frequencies: Frequencies, path) -> None:  # noqa: ANN001
    """A bar chart of codings per theme and a heat map of same-excerpt co-occurrence."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        from testimony.errors import TestimonyError

        raise TestimonyError(
            "--png needs matplotlib: pip install matplotlib (or 'testimony[charts]')"
        ) from None
    used = [t for t in frequencies.themes if t.codings]
    names, matrix = frequencies.matrix(frequencies.same_excerpt)
    height = max(4.0, 0.28 * len(used))
    figure, (bars, heat) = plt.subplots(1, 2, figsize=(16, height + 2), layout="constrained")
    bars.barh([t.name for t in used][::-1], [t.codings for t in used][::-1], color="#7a3b69")
    bars.set_title("Codings per theme")
    bars.tick_params(axis="y", labelsize=7)
    image = heat.imshow(matrix, cmap="magma_r")
    heat.set_title("Themes in the same excerpt")
    heat.set_xticks(range(len(names)), names, rotation=90, fontsize=6)
    heat.set_yticks(range(len(names)), names, fontsize=6)
    figure.colorbar(image, ax=heat, shrink=0.6, label="excerpts")
    figure.savefig(path, dpi=150)
    plt.close(figure)
