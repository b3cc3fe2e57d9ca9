"""Snippets of search hits: the window around the matches and the marks inside it."""

from __future__ import annotations

import re

from testimony.coding.snippets import WINDOW, Snippets


def marked(query: str, text: str) -> tuple[str, list[str]]:
    snippet, highlights = Snippets(query)(text)
    return snippet, [snippet[a:b] for a, b in highlights]


def test_a_short_excerpt_is_shown_whole_with_every_match_marked():
    snippet, marks = marked("police", "The police came. Police again, and POLICE.")
    assert snippet == "The police came. Police again, and POLICE."
    assert marks == ["police", "Police", "POLICE"]


def test_a_phrase_is_one_mark_and_its_words_alone_are_none():
    text = "The order came late. He said the protection order was paper; protection failed."
    _snippet, marks = marked('"protection order"', text)
    assert marks == ["protection order"]


def test_prefixes_accents_and_apostrophes_match_as_the_index_does():
    _s, marks = marked("regist* café don't", "She registered at the Cafe; I don't know. Registry.")
    assert marks == ["registered", "Cafe", "don't", "Registry"]
    _s, marks = marked('"Ərlan Səfərov"', "Then ərlan səfərov called.")
    assert marks == ["ərlan səfərov"]


def test_a_long_excerpt_is_cut_around_the_densest_matches_with_ellipses():
    filler = " ".join(f"word{i}" for i in range(60))
    text = f"Police at the start. {filler} the husband and the police came back. {filler} end."
    snippet, marks = marked("police husband", text)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert marks == ["husband", "police"]  # both words, not the lone match at the start
    words = snippet.strip("…").split()
    assert len(words) == WINDOW


def test_a_match_at_the_very_end_keeps_the_end_and_no_trailing_ellipsis():
    text = " ".join(f"w{i}" for i in range(50)) + " police."
    snippet, marks = marked("police", text)
    assert snippet.startswith("…") and snippet.endswith("police.")
    assert marks == ["police"]


def test_query_words_in_other_alternatives_are_all_marked():
    _s, marks = marked("husband OR brother", "My brother told my husband.")
    assert marks == ["brother", "husband"]


def test_the_regex_for_ascii_text_finds_what_the_word_by_word_match_finds():
    texts = [
        "The police_officer said: police, POLICE! the  police\nofficer; the-police 2police",
        "Fined fine fines refined fine-tuned fine_print. The police fined her.",
        "don't dont don t; it's the police's car. police-officer police.officer",
    ]
    for query in ['"the police"', "fine*", "don't", "police OR fine*", '"police officer"', "t"]:
        make = Snippets(query)
        for text in texts:
            tokens = [(m.start(), m.end()) for m in re.finditer(r"[^\W_]+", text)]
            by_words = make.matcher._instances([text[a:b].lower() for a, b in tokens])
            assert make.matcher._ascii_instances(text.lower(), tokens) == by_words, (query, text)
