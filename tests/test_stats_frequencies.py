"""testimony stats: counts per theme, interview and coder, and co-occurrence of themes."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from testimony.analysis.frequencies import theme_frequencies
from testimony.db.models import Coder, Coding, Theme
from tests.export_helpers import build_coded_project, open_project


@pytest.fixture(scope="module")
def coded_dir(tmp_path_factory):
    return build_coded_project(tmp_path_factory.mktemp("coded") / "proj")


@pytest.fixture
def coded(coded_copy):
    """The small coded project plus a coding overlapping the police quote."""
    folder = coded_copy
    with open_project(folder) as project:
        with project.session() as s, s.begin():
            police = s.scalars(select(Coding).order_by(Coding.id)).first()
            ben = s.scalars(select(Coder).where(Coder.name == "ben")).one()
            stigma = s.scalars(select(Theme).where(Theme.slug == "stigma-shame")).one()
            s.add(
                Coding(
                    excerpt_id=police.excerpt_id,
                    start=police.start + 4,
                    end=police.end + 5,
                    theme_id=stigma.id,
                    coder_id=ben.id,
                )
            )
        yield project


def pair(counts: dict, a: str, b: str) -> int:
    return counts.get((a, b), counts.get((b, a), 0))


def test_counts_per_theme_interview_and_coder(coded):
    with coded.session() as s:
        freq = theme_frequencies(s)
    used = {t.theme: t for t in freq.themes if t.codings}
    assert {k: v.codings for k, v in used.items()} == {
        "physical-violence": 2,
        "isolation-control": 1,
        "police-dismissal": 1,
        "stigma-shame": 1,
    }
    assert used["physical-violence"].interviews == ("INT-001", "INT-002")
    assert freq.interviews == {"INT-001": 4, "INT-002": 1}
    assert freq.coders == {"ana": 3, "ben": 2}
    order = [t.theme for t in freq.themes]
    positions = [order.index(t) for t in ("violence", "physical-violence", "police-response")]
    assert positions == sorted(positions)  # codebook order, sub-themes after their parent


def test_co_occurrence_in_the_same_excerpt_and_in_overlapping_spans(coded):
    with coded.session() as s:
        freq = theme_frequencies(s)
    same, overlapping = freq.same_excerpt, freq.overlapping
    assert pair(same, "police-dismissal", "physical-violence") == 1
    assert pair(overlapping, "police-dismissal", "physical-violence") == 0  # apart in the text
    assert pair(same, "police-dismissal", "stigma-shame") == 1
    assert pair(overlapping, "police-dismissal", "stigma-shame") == 1
    assert pair(same, "isolation-control", "police-dismissal") == 0
    themes, matrix = freq.matrix(same)
    i, j = themes.index("police-dismissal"), themes.index("stigma-shame")
    assert matrix[i][j] == matrix[j][i] == 1


def test_stats_filters_by_coder(coded):
    with coded.session() as s:
        freq = theme_frequencies(s, coders=("ben",))
    assert freq.coders == {"ben": 2}
    assert pair(freq.same_excerpt, "police-dismissal", "stigma-shame") == 0


def test_stats_json_and_png_on_the_command_line(coded, run, tmp_path):
    png = tmp_path / "chart.png"
    result = run("--project", coded.root, "stats", "--json", "--png", png)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["coders"] == {"ana": 3, "ben": 2}
    assert len(data["cooccurrence"]["same_excerpt"]) == len(data["cooccurrence"]["themes"]) == 4
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = run("--project", coded.root, "stats").stdout
    assert "codings per theme" in text and "Physical violence" in text and "█" in text
