"""Intercoder agreement: figures checked against scikit-learn, krippendorff and textbooks."""

from __future__ import annotations

import csv
import io
import json
import random

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from sqlalchemy import select

from testimony.analysis.agreement import compare_coders
from testimony.analysis.measures import (
    BinaryTable,
    character_table,
    cohen_kappa,
    krippendorff_alpha,
    percent_agreement,
)
from testimony.db.models import Coder, Coding, Excerpt, Interview, Theme
from tests.export_helpers import build_coded_project, open_project


def test_cohen_kappa_matches_the_textbook_example():
    # Wikipedia's worked example: 50 grant proposals read by two readers.
    table = BinaryTable(both=20, only_a=5, only_b=10, neither=15)
    assert cohen_kappa(table) == pytest.approx(0.4)
    assert percent_agreement(table) == pytest.approx(0.7)


@pytest.mark.parametrize("seed", range(12))
def test_presence_figures_match_scikit_learn_and_the_krippendorff_package(seed):
    rng = random.Random(seed)
    n = rng.randint(5, 300)
    bias = rng.random()
    a = [rng.random() < bias for _ in range(n)]
    b = [x if rng.random() < 0.7 else rng.random() < 0.5 for x in a]
    table = BinaryTable.of(a, b)
    if len(set(a) | set(b)) < 2:
        pytest.skip("no variation: both measures are undefined")
    assert cohen_kappa(table) == pytest.approx(cohen_kappa_score(a, b))
    reference = krippendorff.alpha(
        reliability_data=np.array([a, b], dtype=float), level_of_measurement="nominal"
    )
    assert krippendorff_alpha(table) == pytest.approx(reference)


@pytest.mark.parametrize("seed", range(12))
def test_character_tables_count_every_character_coded_or_not(seed):
    rng = random.Random(seed)
    length = rng.randint(1, 400)

    def spans():
        out = []
        for _ in range(rng.randint(0, 4)):
            start = rng.randrange(length)
            out.append((start, min(length, start + rng.randint(1, 80))))
        return out

    a, b = spans(), spans()
    per_char_a = [any(s <= i < e for s, e in a) for i in range(length)]
    per_char_b = [any(s <= i < e for s, e in b) for i in range(length)]
    table = character_table(a, b, length)
    assert table == BinaryTable.of(per_char_a, per_char_b)
    if len(set(per_char_a) | set(per_char_b)) == 2:
        assert cohen_kappa(table) == pytest.approx(cohen_kappa_score(per_char_a, per_char_b))


def test_small_spans_in_long_uncoded_text_agree_on_percent_but_not_on_kappa():
    # Two coders each code a different 10 characters of 10,000: 99.8% of characters agree,
    # because uncoded text counts; kappa shows there is no agreement on what was coded.
    table = character_table([(0, 10)], [(100, 110)], 10_000)
    assert percent_agreement(table) == pytest.approx(0.998)
    assert cohen_kappa(table) < 0


@pytest.fixture(scope="module")
def coded_dir(tmp_path_factory):
    return build_coded_project(tmp_path_factory.mktemp("coded") / "proj")


@pytest.fixture
def two_coders(coded_copy):
    """The small coded project, with ben also coding INT-001 (agreeing and not)."""
    folder = coded_copy
    with open_project(folder) as project:
        with project.session() as s, s.begin():
            ben = s.scalars(select(Coder).where(Coder.name == "ben")).one()
            theme = {t.slug: t.id for t in s.scalars(select(Theme))}
            one = s.scalars(select(Interview).where(Interview.code == "INT-001")).one()
            excerpts = {
                e.position: e
                for e in s.scalars(select(Excerpt).where(Excerpt.interview_id == one.id))
            }
            story = excerpts[2]
            start = story.text.index("The police")
            s.add_all(
                [  # the same police span, a shorter husband span, and a theme ana never used
                    Coding(
                        excerpt_id=story.id,
                        start=start,
                        end=start + len("The police said it was a family matter!"),
                        theme_id=theme["police-dismissal"],
                        coder_id=ben.id,
                    ),
                    Coding(
                        excerpt_id=story.id,
                        start=0,
                        end=10,
                        theme_id=theme["physical-violence"],
                        coder_id=ben.id,
                    ),
                    Coding(
                        excerpt_id=excerpts[1].id,
                        start=0,
                        end=5,
                        theme_id=theme["stigma-shame"],
                        coder_id=ben.id,
                    ),
                ]
            )
        yield project


def reference_vectors(project, coder: str, theme: str, interviews: set[str]):
    """Per-excerpt presence and per-character coding, computed naively from the tables."""
    with project.session() as s:
        excerpts = [
            (e.id, len(e.text))
            for e in s.scalars(
                select(Excerpt)
                .join(Interview, Interview.id == Excerpt.interview_id)
                .where(Interview.code.in_(interviews))
                .order_by(Excerpt.id)
            )
        ]
        codings = s.execute(
            select(Coding.excerpt_id, Coding.start, Coding.end)
            .join(Coder, Coder.id == Coding.coder_id)
            .join(Theme, Theme.id == Coding.theme_id)
            .where(Coder.name == coder, Theme.slug == theme)
        ).all()
    presence = [any(c.excerpt_id == e for c in codings) for e, _n in excerpts]
    chars = [
        any(c.excerpt_id == e and c.start <= i < c.end for c in codings)
        for e, n in excerpts
        for i in range(n)
    ]
    return presence, chars


def test_agreement_per_theme_matches_a_naive_computation(two_coders):
    with two_coders.session() as s:
        report = compare_coders(s, "ana", "ben")
    assert report.interviews == ["INT-001"]  # the only interview both coded
    by_theme = {t.theme: t for t in report.themes}
    assert set(by_theme) == {
        "police-dismissal",
        "physical-violence",
        "isolation-control",
        "stigma-shame",
    }
    for slug, agreement in by_theme.items():
        a_presence, a_chars = reference_vectors(two_coders, "ana", slug, {"INT-001"})
        b_presence, b_chars = reference_vectors(two_coders, "ben", slug, {"INT-001"})
        assert agreement.excerpts == BinaryTable.of(a_presence, b_presence), slug
        assert agreement.characters == BinaryTable.of(a_chars, b_chars), slug
        if len(set(a_presence) | set(b_presence)) == 2:
            assert cohen_kappa(agreement.excerpts) == pytest.approx(
                cohen_kappa_score(a_presence, b_presence)
            )
        assert cohen_kappa(agreement.characters) == pytest.approx(
            cohen_kappa_score(a_chars, b_chars)
        )
    police = by_theme["police-dismissal"]
    assert police.figures()["presence_cohen_kappa"] == 1.0
    assert police.figures()["character_agreement"] == 1.0


def test_the_disagreements_are_listed_with_each_coders_words(two_coders):
    with two_coders.session() as s:
        report = compare_coders(s, "ana", "ben")
    kinds = {(d.theme, d.kind) for d in report.disagreements}
    assert kinds == {
        ("physical-violence", "spans differ"),
        ("isolation-control", "only A"),
        ("stigma-shame", "only B"),
    }
    husband = next(d for d in report.disagreements if d.theme == "physical-violence")
    assert husband.text_b == ("My husband",)
    assert husband.text_a[0].startswith("My husband ")


def test_agree_on_the_command_line_prints_figures_and_writes_the_disagreements(
    two_coders, run, tmp_path
):
    out = tmp_path / "disagreements.csv"
    result = run(
        "--project", two_coders.root, "agree", "--coders", "ana", "ben", "--disagreements", out
    )
    assert result.exit_code == 0, result.stderr
    assert "Cohen's kappa" in result.stdout and "Krippendorff's alpha" in result.stdout
    assert "police-dismissal" in result.stdout
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert {r["kind"] for r in rows} == {"spans differ", "only A", "only B"}
    data = json.loads(
        run("--project", two_coders.root, "agree", "--coders", "ana", "ben", "--json").stdout
    )
    assert data["overall"]["theme"] == "(all themes)"
    assert len(data["disagreements"]) == 3


def test_agree_refuses_coders_who_share_no_interview(coded_dir, run, tmp_path):
    result = run("--project", coded_dir, "agree", "--coders", "ana", "ben")
    assert result.exit_code == 2
    assert "have not both coded any interview" in result.stderr
    same = run("--project", coded_dir, "agree", "--coders", "ana", "ana")
    assert same.exit_code == 2
