"""The same query finds the same excerpts on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

import random
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from testimony.codebook import load_codebook
from testimony.coding.search import backend_for, search_excerpts
from testimony.coding.themes import import_codebook
from testimony.coding.workbench import Workbench
from testimony.db.models import Coding, Excerpt, Interview
from testimony.project import Project

from .coding_db import point_project_at
from .conftest import CODEBOOK

WORD = re.compile(r"[^\W\d_]{3,}")


@pytest.fixture
def both(corpus_project_dir: Path, corpus_project_dir_pg, pg_database, tmp_path):
    """Private copies of the imported corpus on each backend."""
    sqlite_copy = tmp_path / "sqlite"
    shutil.copytree(corpus_project_dir, sqlite_copy)
    folder, template = corpus_project_dir_pg
    pg_copy = tmp_path / "pg"
    shutil.copytree(folder, pg_copy)
    point_project_at(pg_copy, pg_database(template))
    projects = [Project.open(sqlite_copy), Project.open(pg_copy)]
    assert [p.engine.dialect.name for p in projects] == ["sqlite", "postgresql"]
    for project in projects:
        with project.session() as s, s.begin():
            import_codebook(s, load_codebook(CODEBOOK))
    yield projects
    for project in projects:
        project.close()


def _places(project: Project) -> dict[int, tuple[str, int]]:
    with project.session() as s:
        rows = s.execute(select(Excerpt.id, Interview.code, Excerpt.position).join(Interview))
        return {i: (code, position) for i, code, position in rows}


def _queries(project: Project) -> list[str]:
    """Words, phrases and prefixes drawn from the corpus itself, common and rare."""
    with project.session() as s:
        texts = list(s.scalars(select(Excerpt.text).order_by(Excerpt.id)))
    words = Counter(w for t in texts for w in WORD.findall(t))
    rng = random.Random(6)
    common = [w for w, _ in words.most_common(15)]
    rare = rng.sample(sorted(w for w, n in words.items() if n == 1), 10)
    pairs = []
    for text in rng.sample(texts, 15):
        tokens = text.split()
        if len(tokens) > 3:
            at = rng.randrange(len(tokens) - 2)
            pairs.append('"' + " ".join(tokens[at : at + 2]) + '"')
    prefixes = [w[:4] + "*" for w in rng.sample(sorted(words), 12)]
    near = [  # pairs of common words, some with a prefix, at distances 0 to 12
        f"NEAR({rng.choice(common)} {w[:4] + '*' if n % 3 == 0 else w}, {n % 13})"
        for n, w in enumerate(rng.sample(common, 15))
    ]
    return [
        *common,
        *rare,
        *pairs,
        *prefixes,
        "police court",
        "husband OR brother",
        '"protection order" OR bruis*',
        "[PERSON-1]",
        "don't",
        "Ərlan OR Ерлан OR café",
        "police NOT court",
        'husband -"the police"',
        "police AND husband OR brother -mother",
        *near,
        "NEAR(police husband)",
        "police NEAR/3 station*",
        'NEAR("the police" help*, 8)',
        "NEAR(husband brother, 20) OR NEAR(mother father, 2)",
        "police -NEAR(police court, 5)",
        "NEAR(Ərlan police café, 30)",
    ]


def test_every_query_finds_the_same_excerpts_on_both_backends(both):
    sqlite_project, pg_project = both
    where = [_places(p) for p in both]
    queries = _queries(sqlite_project)
    differences = []
    near_hits = 0
    for query in queries:
        found = []
        for project, places in zip(both, where, strict=True):
            with project.session() as s:
                ids = backend_for(s).matching_ids(s, query)
                hits = search_excerpts(s, query, limit=10_000)
            assert sorted(h.excerpt_id for h in hits) == ids
            found.append({places[i] for i in ids})
        if found[0] != found[1]:
            differences.append((query, sorted(found[0] ^ found[1])[:3]))
        near_hits += len(found[0]) if "NEAR" in query else 0
    assert differences == []
    assert near_hits > 100  # the NEAR queries find things: agreeing on nothing proves nothing
    assert sum(1 for q in queries if q) > 50


def test_a_page_of_near_hits_is_the_head_of_the_list_on_both_backends(both):
    """PostgreSQL filters NEAR in Python after ranking: every page must be the head of the
    full ranked list, on both backends alike."""
    for project in both:
        with project.session() as s:
            for query in ("NEAR(police husband)", "NEAR(the police, 2)"):
                everything = [h.excerpt_id for h in search_excerpts(s, query, limit=10_000)]
                anywhere = search_excerpts(s, query[5:-1].replace(", 2", ""), limit=10_000)
                assert 3 < len(everything) < len(anywhere), (project.engine.dialect.name, query)
                for limit in (1, 3, len(everything) - 1, len(everything) + 5):
                    page = [h.excerpt_id for h in search_excerpts(s, query, limit=limit)]
                    assert page == everything[:limit], (project.engine.dialect.name, query)


def test_a_phrase_is_highlighted_whole_on_both_backends(both):
    for project in both:
        with project.session() as s:
            hits = search_excerpts(s, '"the police"', limit=5)
        assert hits, project.engine.dialect.name
        for hit in hits:
            marked = [hit.snippet[a:b].lower() for a, b in hit.highlights]
            assert marked and set(marked) == {"the police"}, (project.engine.dialect.name, marked)


def test_autocode_codes_the_same_spans_on_both_backends(both):
    coded = []
    for project, places in zip(both, [_places(p) for p in both], strict=True):
        bench = Workbench(project, "ana")
        result = bench.autocode('police* OR "protection order"', "police-response", "sentence")
        assert result.added > 0
        with project.session() as s:
            rows = s.execute(select(Coding.excerpt_id, Coding.start, Coding.end))
            coded.append(sorted((places[e], start, end) for e, start, end in rows))
    assert coded[0] == coded[1]


def test_every_hit_shows_a_match_and_both_backends_show_the_same_snippet(both):
    """Snippets are made from the page's texts: each must mark at least one match, and an
    excerpt found on both backends reads the same on both."""
    sqlite_project, _pg = both
    where = [_places(p) for p in both]
    shown: list[dict[tuple[str, int], tuple[str, list[tuple[int, int]]]]] = []
    for project, places in zip(both, where, strict=True):
        snippets = {}
        for query in _queries(sqlite_project):
            with project.session() as s:
                for hit in search_excerpts(s, query, limit=10_000):
                    assert hit.highlights, (project.engine.dialect.name, query, hit.snippet)
                    snippets[(query, *places[hit.excerpt_id])] = (hit.snippet, hit.highlights)
        shown.append(snippets)
    assert shown[0] == shown[1]
