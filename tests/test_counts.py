"""Messages count in words that agree with the number: "1 excerpt", "2 excerpts"."""

from __future__ import annotations

from testimony.counts import counted


def test_one_is_singular_and_every_other_count_plural():
    assert [counted(n, "excerpt") for n in (0, 1, 2)] == ["0 excerpts", "1 excerpt", "2 excerpts"]


def test_irregular_plurals_and_thousands():
    assert counted(1, "entry", "entries") == "1 entry"
    assert counted(3, "entry", "entries") == "3 entries"
    assert counted(12000, "coding", grouped=True) == "12,000 codings"
    assert counted(1, "reviewer's decision", "reviewers' decisions") == "1 reviewer's decision"
