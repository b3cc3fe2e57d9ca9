"""Carrying coding offsets from one rendering of a raw text to another."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from testimony.redact.remap import remap_span
from testimony.redact.render import render

WORDS = ["I", "went", "to", "the", "police", "and", "Yerlan", "Bekov", "said", "no", "Almaty"]


@st.composite
def renderings(draw):
    """A raw text of words, two sets of replaced words, and a coding over whole words."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=25))
    raw = " ".join(words)
    bounds = [(m.start(), m.end()) for m in re.finditer(r"\S+", raw)]

    def replacements(tag: str):
        """Runs of one to three words, each replaced whole ("Yerlan Bekov" -> "Ayana")."""
        spans, i = [], 0
        while i < len(bounds):
            if draw(st.booleans()):
                length = draw(st.integers(1, min(3, len(bounds) - i)))
                pseudonym = draw(
                    st.sampled_from([f"[{tag}-1]", "Ayana", "X", "a town in Kazakhstan"])
                )
                spans.append((bounds[i][0], bounds[i + length - 1][1], i, pseudonym))
                i += length
            else:
                i += 1
        return render(raw, spans)

    old_text, old = replacements("OLD")
    new_text, new = replacements("NEW")
    first = draw(st.integers(0, len(bounds) - 1))
    last = draw(st.integers(first, len(bounds) - 1))
    return raw, bounds, (old_text, old), (new_text, new), (first, last)


def _layout(reps, raw_bounds):
    """Each raw word's offsets in a rendering: its own if plain, its replacement's if not."""
    out = {}
    for i, (start, end) in enumerate(raw_bounds):
        rep = next((r for r in reps if r.start <= start and end <= r.end), None)
        if rep is not None:
            out[i] = (rep.new_start, rep.new_end, True)
        else:
            shift = sum(
                (r.new_end - r.new_start) - (r.end - r.start) for r in reps if r.end <= start
            )
            out[i] = (start + shift, end + shift, False)
    return out


@settings(max_examples=300, deadline=None)
@given(renderings())
def test_a_coding_keeps_every_plain_word_it_covered(case):
    raw, bounds, (old_text, old), (new_text, new), (first, last) = case
    before, after = _layout(old, bounds), _layout(new, bounds)
    # The coding covers words first..last as the old rendering shows them.
    start, end = before[first][0], before[last][1]
    covered = {i for i, (a, b, _r) in before.items() if start <= a and b <= end}
    new_start, new_end = remap_span(start, end, old, new)
    assert 0 <= new_start < new_end <= len(new_text)
    for i, (word_start, word_end, replaced) in after.items():
        inside = new_start <= word_start and word_end <= new_end
        if i in covered:  # every word it covered, or that word's whole replacement
            assert inside, (i, raw)
        elif not replaced:  # and no plain word it did not cover
            assert word_end <= new_start or word_start >= new_end, (i, raw)


def test_a_coding_of_a_replaced_name_keeps_its_place_on_the_replacement():
    raw = "My husband Yerlan came."
    old_text, old = render(raw, [])
    new_text, new = render(raw, [(11, 17, 1, "[PERSON-1]")])
    start, end = remap_span(11, 17, old, new)
    assert new_text[start:end] == "[PERSON-1]"


def test_a_pseudonym_that_grows_moves_the_codings_after_it():
    raw = "Yerlan hit me. I left."
    old_text, old = render(raw, [(0, 6, 1, "Ali")])
    new_text, new = render(raw, [(0, 6, 1, "Bakhytzhan")])
    start = old_text.index("I left")
    new_start, new_end = remap_span(start, start + 6, old, new)
    assert new_text[new_start:new_end] == "I left"
