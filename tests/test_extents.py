"""The words next to a found identifier that belong to it, and those that do not."""

from __future__ import annotations

import pytest

from testimony.redact.detectors.base import Detection
from testimony.redact.detectors.extents import widened


def widen(text: str, surface: str, label: str) -> str | None:
    start = text.index(surface)
    wide = widened(text, Detection(start, start + len(surface), label, "ner"))
    return None if wide is None else text[wide.start : wide.end]


@pytest.mark.parametrize(
    ("text", "surface", "label", "wide"),
    [
        (
            "born in a village in the District of Famagusta.",
            "Famagusta",
            "GPE",
            "the District of Famagusta",
        ),
        ("her home in northern Cyprus.", "Cyprus", "LOC", "northern Cyprus"),
        ("to the London-based company", "London", "GPE", "London-based"),
        ("upheld the decision of the Beyoğlu court.", "Beyoğlu", "GPE", "Beyoğlu court"),
        (
            "drove me to the Talgar central district hospital",
            "Talgar",
            "GPE",
            "Talgar central district hospital",
        ),
        ("a protocol with the Mayor of Kuşadası within", "Kuşadası", "GPE", "Mayor of Kuşadası"),
        (
            "a dancer for the Erich-Weinert-Ensemble (EWE), a company",
            "Erich-Weinert-Ensemble",
            "ORG",
            "Erich-Weinert-Ensemble (EWE)",
        ),
        (
            "clarified by the Kammarrätten (Administrative Court of Appeal) in",
            "Kammarrätten",
            "ORG",
            "Kammarrätten (Administrative Court of Appeal)",
        ),
        (
            "leader of the PKK (the Kurdistan Workers’ Party, an illegal organisation).",
            "Kurdistan Workers’ Party",
            "ORG",
            "PKK (the Kurdistan Workers’ Party, an illegal organisation)",
        ),
    ],
)
def test_words_that_belong_to_a_found_name_go_with_it(text, surface, label, wide):
    assert widen(text, surface, label) == wide


@pytest.mark.parametrize(
    ("text", "surface", "label"),
    [
        ("She moved to Almaty and the police came.", "Almaty", "GPE"),
        ("in Almaty, at the market", "Almaty", "GPE"),
        ("the Komek (see paragraph 12) said", "Komek", "ORG"),
        ("the Komek (2019) said", "Komek", "ORG"),
        ("a Turkish national, Mr Yilmaz", "Turkish", "NORP"),
        ("Yerlan (my husband) came", "Yerlan", "PERSON"),
    ],
)
def test_words_next_to_a_name_that_are_not_part_of_it(text, surface, label):
    assert widen(text, surface, label) is None
