"""Reading another tool's positions: CRLF, inclusive ends, UTF-16 units, excerpts, labels."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from testimony.ingest.segment import excerpts_from_turns, turns_from_lines
from testimony.refi.anchor import ExcerptMap, SourceText, choose_reading
from testimony.refi.model import RefiSelection


def selection(start: int, end: int, name: str = "") -> RefiSelection:
    return RefiSelection("g", start, end, name, None, None)


def spans_of(stored: str, selections: list[RefiSelection]):
    """The reading chosen, and each selection as (excerpt position, quoted excerpt text)."""
    text = SourceText(stored)
    reading = choose_reading([(text, selections)])
    excerpts = excerpts_from_turns(turns_from_lines(text.normalized.split("\n")))
    where = ExcerptMap(text.normalized, [e.text for e in excerpts])
    out = []
    for chosen in selections:
        out.append(
            [
                (span.position, excerpts[span.position - 1].text[span.start : span.end])
                for span in where.spans(*text.bounds(chosen, reading))
            ]
        )
    return reading, out


def positions(text: str, words: str, *, crlf_as_one=False, inclusive=False, utf16=False):
    start = text.index(words)
    end = start + len(words)

    def count(upto: int) -> int:
        part = text[:upto]
        n = len(part)
        if crlf_as_one:
            n -= part.count("\r\n")
        if utf16:
            n += sum(ord(ch) > 0xFFFF for ch in part)
        return n

    return count(start), count(end) - (1 if inclusive else 0)


STORY = (
    "Q: Where did you go?\r\nA: To my sister in the village.\r\nQ: And then?\r\nA: Back home.\r\n"
)


def test_crlf_counted_once_is_told_from_the_selection_names():
    sels = [
        selection(*positions(STORY, w, crlf_as_one=True), name=w)
        for w in ("And then?", "Back home.")
    ]
    reading, quotes = spans_of(STORY, sels)
    assert reading.crlf_as_one and not reading.inclusive_end and reading.by == "selection text"
    assert quotes == [[(3, "And then?")], [(4, "Back home.")]]


def test_crlf_counted_twice_is_told_from_word_boundaries_without_names():
    sels = [selection(*positions(STORY, w)) for w in ("my sister", "Back home")]
    reading, quotes = spans_of(STORY, sels)
    assert not reading.crlf_as_one and reading.by == "word boundaries"
    assert quotes == [[(2, "my sister")], [(4, "Back home")]]


def test_inclusive_ends_are_told_from_word_boundaries():
    text = STORY.replace("\r\n", "\n")
    sels = [selection(*positions(text, w, inclusive=True)) for w in ("my sister", "the village")]
    reading, quotes = spans_of(text, sels)
    assert reading.inclusive_end
    assert quotes == [[(2, "my sister")], [(2, "the village")]]


def test_utf16_units_are_told_when_the_text_has_characters_beyond_the_bmp():
    text = "A: I sent 🙂🙂 to my sister. She called the police.\n"
    sels = [
        selection(*positions(text, "She called the police.", utf16=True), "She called the police.")
    ]
    reading, quotes = spans_of(text, sels)
    assert reading.utf16
    assert quotes == [[(1, "She called the police.")]]


def test_a_selection_over_two_turns_splits_and_leaves_the_speaker_label_out():
    text = STORY.replace("\r\n", "\n")
    start, _ = positions(text, "the village.")
    _, end = positions(text, "And then?")
    _reading, quotes = spans_of(text, [selection(start, end)])
    assert quotes == [[(2, "the village."), (3, "And then?")]]


def test_a_selection_of_a_speaker_label_alone_covers_no_text():
    text = STORY.replace("\r\n", "\n")
    _reading, quotes = spans_of(text, [selection(*positions(text, "Q:"))])
    assert quotes == [[]]


def test_decomposed_accents_keep_positions_in_the_stored_text():
    word = unicodedata.normalize("NFD", "Ainur Sүleimenova café")
    text = f"A: I met {word} in the café. Then I left.\n"
    sels = [selection(*positions(text, "Then I left."), "Then I left.")]
    _reading, quotes = spans_of(text, sels)
    assert quotes == [[(1, "Then I left.")]]


def test_a_paragraph_cut_inside_a_word_still_maps():
    long_word = "x" * 5000  # no space for 4,000 characters: the reader cuts it mid-word
    text = f"A: {long_word} and then the police came.\n"
    sels = [selection(*positions(text, "the police came."), "the police came.")]
    _reading, quotes = spans_of(text, sels)
    assert [quote for _position, quote in quotes[0]] == ["the police came."]


WORDS = ["police", "sister", "Taraz", "bruises", "court", "🙂", "café", "ночью", "home", "he"]


@given(
    paragraphs=st.lists(
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=8), min_size=1, max_size=6
    ),
    crlf=st.booleans(),
    crlf_as_one=st.booleans(),
    inclusive=st.booleans(),
    utf16=st.booleans(),
    data=st.data(),
)
@settings(max_examples=60, deadline=None)
def test_any_selection_of_whole_words_in_one_paragraph_quotes_those_words(
    paragraphs, crlf, crlf_as_one, inclusive, utf16, data
):
    newline = "\r\n" if crlf else "\n"
    texts = [" ".join(words) for words in paragraphs]
    stored = (newline * 2).join(texts) + newline
    index = data.draw(st.integers(0, len(texts) - 1))
    words = paragraphs[index]
    first = data.draw(st.integers(0, len(words) - 1))
    last = data.draw(st.integers(first, len(words) - 1))
    quote = " ".join(words[first : last + 1])
    before = (newline * 2).join(texts[:index]) + (newline * 2 if index else "")
    start_in_text = len(before) + len(" ".join(words[:first])) + (1 if first else 0)
    stored_start = start_in_text
    assert stored[stored_start : stored_start + len(quote)] == quote

    def count(upto: int) -> int:
        part = stored[:upto]
        n = len(part) - (part.count("\r\n") if crlf_as_one else 0)
        return n + (sum(ord(ch) > 0xFFFF for ch in part) if utf16 else 0)

    start = count(stored_start)
    end = count(stored_start + len(quote)) - (1 if inclusive else 0)
    _reading, quotes = spans_of(stored, [selection(start, end, name=quote)])
    assert quotes == [[(index + 1, quote)]]


def test_a_short_name_decides_where_word_boundaries_cannot():
    # Emoji are not letters, so every reading of "🙂 🙂" starts and ends on a boundary;
    # counted in UTF-16 units, (0, 2) is the first emoji alone, as its name says.
    stored = "🙂 🙂\n"
    reading, quotes = spans_of(stored, [selection(0, 2, name="🙂")])
    assert reading.utf16 and not reading.inclusive_end
    assert quotes == [[(1, "🙂")]]
