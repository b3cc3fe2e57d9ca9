"""The folded text detectors' hints search (base.folded): every character a case-blind
pattern takes for a Latin letter is that letter, and word characters stay word characters,
so a hint searched case-sensitively in it never skips a text a case-blind pattern matches."""

from __future__ import annotations

import re

import pytest

from testimony.redact.detectors.base import folded

WORD = re.compile(r"\w")
ANY_LETTER = re.compile(r"(?i)[a-z]")


def test_every_character_a_case_blind_letter_matches_folds_to_that_letter():
    wrong = []
    for code in range(0x110000):
        char = chr(code)
        if ANY_LETTER.fullmatch(char):
            letters = [x for x in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(f"(?i){x}", char)]
            if [folded(char)] != letters:
                wrong.append((hex(code), letters, folded(char)))
    assert wrong == []


def test_no_character_folds_across_the_line_between_word_and_non_word():
    wrong = []
    for code in range(0x110000):
        char = chr(code)
        word = WORD.fullmatch(char) is not None
        if any((WORD.fullmatch(ch) is not None) != word for ch in folded(char)):
            wrong.append(hex(code))
    assert wrong == []


TEXTS = [
    ("It was İN MARCH, in the SPRİNG, the year my son was born.", False),
    ("We met on the TWENTİETH, I think; on the first of june; in Late Autumn.", True),
    ("She was FİFTY years old then, and he was Sixty-Two.", True),
    ("They FİNED him; he was SENTENCED to five years of imprisonment, LASTED three weeks.", True),
    ("He paid two THOUSAND tenge, a HUNDRED euros, ONE MİLLİON roubles.", True),
    ("His name is Arman; they call him Ake. Whose name was Dana? She is known as Roza.", True),
    ("ĮN MARÇH, ıt was sprıng: nothing in particular was said.", False),
]


@pytest.mark.parametrize(("text", "something"), TEXTS)
def test_a_hint_never_changes_what_a_detector_finds(monkeypatch, text, something):
    from testimony.redact.detectors import context, dates, quantities

    found = {
        "dates": list(dates.find_dates(text)),
        "ages": list(dates.find_ages(text)),
        "quantities": list(quantities.find_quantities(text)),
        "names": list(context.find_names_in_context(text)),
    }
    always = re.compile("")  # a hint that lets every text through
    for module, name in [
        (dates, "_DATE_WORD"),
        (dates, "_NUMBER_WORD"),
        (quantities, "_SCALE_WORD"),
        (quantities, "_SENTENCE_WORDS"),
        (quantities, "_UNIT_WORD"),
        (context, "_NAMING_WORD"),
        (context, "HONORIFIC_HINT"),
    ]:
        monkeypatch.setattr(module, name, always)
    assert found == {
        "dates": list(dates.find_dates(text)),
        "ages": list(dates.find_ages(text)),
        "quantities": list(quantities.find_quantities(text)),
        "names": list(context.find_names_in_context(text)),
    }
    assert any(found.values()) == something
