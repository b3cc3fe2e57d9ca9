"""project.db of the imported corpus holds none of the gold identifiers of corpus/identifiers.yaml.

What "holds" means:

* The whole database is dumped (`iterdump`, every table) and its text is searched: every
  SQL string literal, with JSON held in a column read down to its strings. Integers are
  not text (row ids, offsets and cue times in milliseconds would match "2000" or "29"),
  and neither are our own tags ("[AGE-29]").
* A gold identifier is found case-insensitively as a whole word: not inside a longer word
  or number ("Dana" is not in "Danara", "45" is not in "145"); a line break may stand for a
  space.
* An identifier written only with number words, digits, month names or ordinals ("twenty",
  "2015", "May", "seventeenth") is an ordinary word out of context: "May" is also a verb
  and "twenty" is also "in twenty years" in another interview. It identifies where it was
  said, so it is looked for with its neighbours, as it stands in its own transcript: the
  word before it or the word after it, either is enough. Where the gold string also occurs
  in that transcript in a sense that identifies no one ("eighty" in "I pay eighty thousand"
  and in "She is eighty"), its `context` in identifiers.yaml says which use is meant.

A test on the raw transcripts (vault.db) shows that this search finds every gold entry.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
import yaml
from spacy.lang.en.stop_words import STOP_WORDS
from sqlalchemy import select

from testimony.vault.models import RawSegment, Source

from .coding_db import coding_database_strings

GOLD = Path(__file__).resolve().parents[1] / "corpus" / "identifiers.yaml"
STRING_LITERAL = re.compile(r"'((?:[^']|'')*)'")
OUR_TAG = re.compile(r"\[[A-Z]+-\d+\]")
NUMBER_WORD = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
    r"eleventh|twelfth|\w+teenth|twentieth|thirtieth|years?|months?|old|year-old|and|a|half"
)
MONTH = r"January|February|March|April|May|June|July|August|September|October|November|December"
ORDINARY = re.compile(rf"(?i:\d{{1,4}}|(?:{NUMBER_WORD}|{MONTH})(?:[\s-]+(?:{NUMBER_WORD}))*)")
WORD = re.compile(r"[^\W_]+")


def database_text(path: Path) -> str:
    """Every piece of text a database holds, from a dump of all its tables."""
    connection = sqlite3.connect(path)
    try:
        dump = "\n".join(connection.iterdump())
    finally:
        connection.close()
    texts = []
    for literal in STRING_LITERAL.findall(dump):
        value = literal.replace("''", "'")
        texts += _strings_in_json(value) if value[:1] in "[{" else [value]
    return OUR_TAG.sub(" ", "\n".join(texts))


def _strings_in_json(value: str) -> list[str]:
    try:
        data = json.loads(value)
    except ValueError:
        return [value]
    found: list[str] = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            stack += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            stack += item
    return found


def whole_words(phrase: str) -> str:
    """A pattern for phrase on word boundaries, any run of spaces matching any other."""
    return rf"(?<![^\W_]){_spaced(phrase.strip())}(?![^\W_])"


def _spaced(phrase: str) -> str:
    """phrase as a pattern in which any run of white space matches any other."""
    return "".join(
        r"\s+" if part.isspace() else re.escape(part) for part in re.split(r"(\s+)", phrase) if part
    )


def search_patterns(entry: dict, transcript: str, identifier_words: set[str]) -> list[str]:
    """How a gold entry is looked for: alone, or between its neighbours where it was said.

    A neighbour that is itself part of an identifier is replaced in project.db, so only
    the punctuation between them is kept.
    """
    text = entry["text"]
    if not ORDINARY.fullmatch(text):
        return [whole_words(text)]
    context = entry.get("context")
    within = [
        (m.start(), m.end())
        for m in re.finditer(whole_words(context or text), transcript, re.IGNORECASE)
    ]
    patterns = []
    # Not "twenty" inside "twenty-nine", not "2019" inside "2019-05-01".
    for match in re.finditer(rf"(?<![\w-]){_spaced(text)}(?![\w-]\w?)", transcript, re.I):
        if not any(a <= match.start() and match.end() <= b for a, b in within):
            continue
        before = list(WORD.finditer(transcript, max(0, match.start() - 40), match.start()))
        after = WORD.search(transcript, match.end(), match.end() + 40)
        left = right = ""
        if before:
            word = before[-1]
            left = _neighbour(word.group(), identifier_words)
            left += _spaced(transcript[word.end() : match.start()])
        if after:
            right = _spaced(transcript[match.end() : after.start()])
            right += _neighbour(after.group(), identifier_words)
        patterns.append(left + _spaced(match.group()) + right)
    return sorted(set(patterns))


def _neighbour(word: str, identifier_words: set[str]) -> str:
    return "" if word.casefold() in identifier_words else rf"(?<![^\W_]){re.escape(word)}"


def gold_patterns(project) -> list[tuple[str, str, list[str]]]:  # noqa: ANN001
    """(file, label, patterns) for every gold entry; transcripts come from the vault."""
    gold = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    transcripts: dict[str, list[str]] = {}
    with project.vault_session() as vs:
        names = {s.id: s.file_name for s in vs.scalars(select(Source))}
        for source in vs.scalars(select(Source)):
            transcripts.setdefault(source.file_name, []).append(source.raw_text)
        for segment in vs.scalars(select(RawSegment)):
            transcripts[names[segment.source_id]].append(segment.text)
    found = []
    for file_name, entries in gold.items():
        transcript = "\n".join(transcripts[file_name])
        identifier_words = {
            word.casefold()
            for entry in entries
            if not ORDINARY.fullmatch(entry["text"])
            for word in WORD.findall(entry["text"])
        } - STOP_WORDS
        found += [
            (file_name, entry["label"], search_patterns(entry, transcript, identifier_words))
            for entry in entries
        ]
    return found


def found_in(text: str, patterns: list[str]) -> bool:
    return any(re.search(p, text, re.IGNORECASE) for p in patterns)


@pytest.mark.sqlite_only  # the vault is a SQLite file on either backend
def test_the_search_finds_every_gold_identifier_in_the_raw_transcripts(corpus_project):
    raw = database_text(corpus_project.root / "vault.db")
    entries = gold_patterns(corpus_project)
    assert len(entries) > 1200
    missing = [(f, label) for f, label, patterns in entries if not found_in(raw, patterns)]
    assert missing == []


def test_project_db_of_the_imported_corpus_contains_no_gold_identifier(corpus_project):
    if corpus_project.engine.dialect.name == "sqlite":
        text = database_text(corpus_project.root / "project.db")
    else:
        text = OUR_TAG.sub(" ", "\n".join(coding_database_strings(corpus_project.root)))
    assert len(text) > 100_000
    # Counted by file and label only: a failure message must not print an identifier.
    leaked = [
        (f, label)
        for f, label, patterns in gold_patterns(corpus_project)
        if found_in(text, patterns)
    ]
    assert leaked == []
