"""The leak gate for exports: scan a file's bytes in memory before anything is written.

Each format is read back the way its reader would see it (the cells of a CSV,
the strings of a JSON file, the paragraphs and properties of a DOCX, the
members of a QDPX zip), so a finding names a place the editor can find: a
line, a row and column, a JSON path, a paragraph. A finding names the type and,
with the vault at hand, the entity's pseudonym; never the identifier.
"""

from __future__ import annotations

import csv
import hmac
import html
import io
import json
import re
import zipfile
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from itertools import accumulate, islice

from lxml import etree

from testimony.errors import TestimonyError
from testimony.redact.fingerprint import fingerprint_form, first_word_digest
from testimony.redact.leak import DIGIT_RUN, WORD, FingerprintSet

TAG = re.compile(r"<[^>]*>")
# An attribute's value inside a tag (a name="..." of a REFI-QDA code, an HTML id): read too.
ATTRIBUTE_VALUE = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)')""")
_GUID = r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"
MACHINE_VALUE = re.compile(
    rf"{_GUID}|internal://{_GUID}\.txt|coding-\d+|-?\d+|\d{{4}}-\d\d-\d\dT[\d:.]+Z?"
    r"|true|false|#[0-9a-fA-F]{3,6}"
)
CACHE_LIMIT = 2_000_000  # runs remembered with their verdict
CHUNK = 1 << 16  # characters of text read at a time, about; a word is placed within its chunk


@dataclass(frozen=True)
class Finding:
    """Where an identifier is in an export; never what it is."""

    where: str
    label: str
    fingerprint: str  # keyed hash: names the entity to the vault, not to a reader
    pseudonym: str | None = None

    def __str__(self) -> str:
        who = f" (entity shown elsewhere as {self.pseudonym})" if self.pseudonym else ""
        return f"{self.where}: {self.label}{who}"


class LeakRefused(TestimonyError):
    """An export held a fingerprinted identifier, so nothing was written."""

    exit_code = 1

    def __init__(self, name: str, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__(
            f"{name}: {len(findings)} known identifier(s) in the export; nothing was written"
        )


def scan_export(data: bytes, fmt: str, prints: FingerprintSet) -> list[Finding]:
    """Every fingerprinted identifier in an export of format `fmt`, by place."""
    scanner = Scanner(prints)
    findings: list[Finding] = []
    for piece in readable_parts(data, fmt):
        leaks = scanner.find(piece.text)
        if not leaks:
            continue
        named: set[str] = set()
        if piece.locate is not None:  # name the places by the file's own structure
            details = {d.where: d for d in piece.locate([start for start, *_rest in leaks])}
            for detail in details.values():
                for start, _end, label, digest in scanner.find(detail.text):
                    named.add(digest)
                    findings.append(Finding(detail.place(start), label, digest))
        for start, _end, label, digest in leaks:
            if digest not in named:
                findings.append(Finding(piece.place(start), label, digest))
    # A place is named by the file's own words (a JSON key, a CSV column), which may be
    # the very identifier: mask it there too, so the message never repeats it.
    return [replace(f, where=_masked(f.where, scanner)) for f in findings]


def _masked(where: str, scanner: Scanner) -> str:
    for start, end, label, _digest in sorted(scanner.find(where), reverse=True):
        where = f"{where[:start]}[{label}]{where[end:]}"
    return where


@dataclass(frozen=True)
class Piece:
    """Text as a reader sees it, and how to name a place in it."""

    text: str
    where: str = ""
    by: str = "fixed"  # fixed: `where`; line: "line L"; column: "line L, column C"; named
    names: list[str] | None = None  # by "named": a place name for each line of text
    # The smaller pieces (CSV cells, a JSON string) around offsets, which name a
    # place better: asked only for findings, since one pass over a file is faster.
    locate: Callable[[list[int]], list[Piece]] | None = None

    def place(self, start: int) -> str:
        line = self.text.count("\n", 0, start)
        if self.by == "named" and self.names is not None:
            return self.names[line]
        if self.by == "line":
            return f"{self.where}line {line + 1}"
        if self.by == "column":
            column = start - (self.text.rfind("\n", 0, start) + 1) + 1
            return f"{self.where}line {line + 1}, column {column}"
        return self.where


class Scanner:
    """`redact.leak.find_leaks` with the same findings, fast enough for a whole export.

    find_leaks hashes every run of one to N words at every word. Most words of a
    pseudonymized export cannot begin an identifier, and one hash per distinct word
    says so: a word can begin one only if it is an identifier itself or the first
    word of a longer one (project.db keeps keyed digests of those first words).
    Only at such words are the longer runs formed and hashed, each distinct run
    once, exactly as find_leaks forms them. Without that index (an older project
    not yet upgraded) every word is such a word: slower, never less thorough.
    """

    def __init__(self, prints: FingerprintSet) -> None:
        self.prints = prints
        self._forms: dict[str, str] = {}  # word -> its normalised form
        self._may_start: dict[str, bool] = {}  # word -> whether an identifier can start there
        self._runs: dict[str, str | None] = {}  # run of forms -> its fingerprint if known
        self._first_words: dict[str, bool] = {}  # first word -> whether it begins an identifier

    def find(self, text: str) -> list[tuple[int, int, str, str]]:
        """(start, end, label, fingerprint) of every fingerprinted identifier in text."""
        labels = self.prints.labels
        if not labels:
            return []
        words, chunks = _words(text)
        distinct = set(words)
        may_start = self._may_start
        for word in distinct.difference(may_start):
            may_start[word] = self._can_start(word)
        starters = {word for word in distinct if may_start[word]}
        found = []
        if starters:
            matches = []  # (first word, last word, fingerprint)
            forms, longest = self._forms, self.prints.longest
            for first in [i for i, word in enumerate(words) if word in starters]:
                for n in range(min(longest, len(words) - first), 0, -1):
                    window = (forms[word] for word in words[first : first + n])
                    digest = self._fingerprint(" ".join(form for form in window if form))
                    if digest is not None:
                        matches.append((first, first + n - 1, digest))
                        break
            if matches:
                spans = _word_spans(text, chunks, {i for m in matches for i in m[:2]})
                found = [(spans[a][0], spans[b][1], labels[d], d) for a, b, d in matches]
        for match in DIGIT_RUN.finditer(text):
            digest = self._fingerprint(fingerprint_form(match.group(), "PHONE"))
            if digest is not None:
                found.append((match.start(), match.end(), labels[digest], digest))
        return found

    def _can_start(self, word: str) -> bool:
        """Whether a run of words beginning with this word can be an identifier."""
        form = self._forms[word] = fingerprint_form(word)
        if not form:  # it joins nothing: the run really begins at the next word
            return True
        lead = form.split(" ", 1)[0]
        if self._fingerprint(lead) is not None:
            return True
        first_words = self.prints.first_words
        if first_words is None:
            return True
        if lead not in self._first_words:
            self._first_words[lead] = first_word_digest(self.prints.key, lead) in first_words
        return self._first_words[lead]

    def _fingerprint(self, run: str) -> str | None:
        """The run's fingerprint if it is a known identifier; each distinct run hashed once."""
        try:
            return self._runs[run]
        except KeyError:
            pass
        if len(self._runs) > CACHE_LIMIT:
            self._runs.clear()  # start afresh: what recurs is remembered again soon
        digest = hmac.digest(self.prints.key, run.encode("utf-8"), "sha256").hex()
        found = self._runs[run] = digest if digest in self.prints.labels else None
        return found


def _words(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """WORD.findall(text), read in chunks that end at a space (no word spans one), and
    where each chunk starts: (word index, offset), so a word is placed without a full pass."""
    words: list[str] = []
    chunks: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        end = text.find(" ", start + CHUNK)
        end = len(text) if end < 0 else end
        chunks.append((len(words), start))
        words += WORD.findall(text, start, end)
        start = end
    return words, chunks


def _word_spans(
    text: str, chunks: list[tuple[int, int]], wanted: set[int]
) -> dict[int, tuple[int, int]]:
    """(start, end) in text of the words with these indices, each read from its chunk."""
    spans: dict[int, tuple[int, int]] = {}
    firsts = [first for first, _offset in chunks]
    for index in sorted(wanted):
        chunk = bisect_right(firsts, index) - 1
        first, offset = chunks[chunk]
        end = chunks[chunk + 1][1] if chunk + 1 < len(chunks) else len(text)
        for number, match in enumerate(WORD.finditer(text, offset, end), start=first):
            if number == index:
                spans[index] = match.span()
                break
    return spans


def readable_parts(data: bytes, fmt: str) -> Iterator[Piece]:
    """The pieces of a file as its reader would see them."""
    if fmt == "docx":
        yield from _docx_parts(data)
    elif fmt == "qdpx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [info.filename for info in archive.infolist()]
            yield Piece("\n".join(names), "the QDPX's member names ", by="line")
            for info in archive.infolist():
                text = archive.read(info).decode("utf-8", "replace")
                if info.filename.endswith((".qde", ".xml")):
                    yield _markup(text, f"{info.filename} ")
                else:
                    yield Piece(text, f"{info.filename} ", by="column")
    elif fmt in {"html", "qdc"}:
        yield _markup(data.decode("utf-8"), "")
    elif fmt == "csv":
        text = data.decode("utf-8-sig")
        yield Piece(text, "CSV file ", by="column", locate=_CsvCells(text).around)
    elif fmt == "json":
        texts, parts = _json_texts(json.loads(data.decode("utf-8")))
        starts = [start for start, _path, _value in parts]

        def json_strings(offsets: list[int]) -> list[Piece]:
            indices = sorted({bisect_right(line_starts, offset) - 1 for offset in offsets})
            found = []
            for index in indices:  # the part holding the string, then the string in it
                start, path, value = parts[bisect_right(starts, index) - 1]
                where, text = next(islice(_json_parts(value, path), index - start, None))
                found.append(Piece(text, f"JSON {where or '(top)'}"))
            return found

        line_starts = list(accumulate((len(text) + 1 for text in texts), initial=0))
        strings = "\n".join(texts)
        yield Piece(strings, "JSON (strings read together)", locate=json_strings)
    else:
        yield Piece(data.decode("utf-8"), "", by="column")


class _CsvCells:
    """The cells of the CSV records around offsets of the file's text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.header: list[str] = []
        self.ends: list[int] | None = None  # where each record ends, made on first use

    def around(self, offsets: list[int]) -> list[Piece]:
        return [cell for offset in sorted(set(offsets)) for cell in self._cells(offset)]

    def _cells(self, offset: int) -> list[Piece]:
        if self.ends is None:
            self.ends = []
            consumed = 0

            def lines():  # noqa: ANN202
                nonlocal consumed
                for line in self.text.splitlines(keepends=True):
                    consumed += len(line)
                    yield line

            reader = csv.reader(lines())
            self.header = next(reader, [])
            self.ends.append(consumed)
            for _row in reader:
                self.ends.append(consumed)
        index = bisect_right(self.ends, offset)
        if index == 0:
            return [Piece(" ".join(self.header), "CSV header")]
        start = self.ends[index - 1]
        end = self.ends[index] if index < len(self.ends) else len(self.text)
        row = next(csv.reader(io.StringIO(self.text[start:end], newline="")), [])
        return [
            Piece(cell, f"CSV row {index + 1}, column {column}")
            for column, cell in zip(self.header, row, strict=False)
        ]


def _markup(text: str, prefix: str) -> Piece:
    """Markup as text, line for line (tags of our writers never span lines): each tag
    gives way to the values of its attributes, which readers show too (a code's name)."""
    lines = [html.unescape(_untagged(line)) for line in text.split("\n")]
    return Piece("\n".join(lines), prefix, by="line")


def _untagged(text: str) -> str:
    if "=" not in text:
        return TAG.sub(" ", text)
    return TAG.sub(lambda tag: f" {_attribute_values(tag.group())} ", text)


def _attribute_values(tag: str) -> str:
    """The values a person could have written; GUIDs, numbers, times and our own ids are
    skipped whole (every one differs, so hashing their words would slow the gate fourfold)."""
    values = (a or b for a, b in ATTRIBUTE_VALUE.findall(tag))
    return " ".join(value for value in values if not MACHINE_VALUE.fullmatch(value))


def _json_texts(document) -> tuple[list[str], list[tuple[int, str, object]]]:  # noqa: ANN001
    """Every string and key of a JSON document in `_json_parts` order, and the parts
    (a top-level key, value or list item) as (index of their first string, path, value),
    so that a string's path is worked out from its part alone, and only for findings."""
    texts: list[str] = []
    parts: list[tuple[int, str, object]] = []
    top = document.items() if isinstance(document, dict) else [(None, document)]
    for key, value in top:
        if key is not None:
            parts.append((len(texts), f"{key} (the key)", str(key)))
            texts.append(str(key))
        path = "" if key is None else str(key)
        items = enumerate(value) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            parts.append((len(texts), path if index is None else f"{path}[{index}]", item))
            texts += _json_strings(item)
    return texts, parts


def _json_strings(value) -> list[str]:  # noqa: ANN001
    """Every string and key under a JSON value, in `_json_parts` order."""
    strings: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            strings.append(item)
        elif isinstance(item, dict):
            for key, inner in reversed(item.items()):
                stack += (inner, str(key))
        elif isinstance(item, list):
            stack += reversed(item)
    return strings


def _json_parts(value, path: str) -> Iterator[tuple[str, str]]:  # noqa: ANN001
    """(path, string) for every string and key, as in quotes[3].memo."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            for key, inner in reversed(item.items()):
                place = f"{where}.{key}" if where else str(key)
                stack += ((inner, place), (str(key), f"{place} (the key)"))
        elif isinstance(item, list):
            stack += ((inner, f"{where}[{i}]") for i, inner in reversed(list(enumerate(item))))


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_parts(data: bytes) -> Iterator[Piece]:
    """Every paragraph of the body (tables' too) by number and style; every other part
    of the package (headers, footers, properties, styles, comments) whole."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    style_names = {}
    if "word/styles.xml" in parts:
        for style in etree.fromstring(parts["word/styles.xml"]).iter(f"{W}style"):
            name = style.find(f"{W}name")
            style_names[style.get(f"{W}styleId")] = (
                name.get(f"{W}val") if name is not None else style.get(f"{W}styleId")
            )
    document = etree.fromstring(parts.pop("word/document.xml"))
    texts, names = [], []
    for number, paragraph in enumerate(document.iter(f"{W}p"), start=1):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        style_id = style.get(f"{W}val") if style is not None else "Normal"
        names.append(f"paragraph {number} ({style_names.get(style_id, style_id)})")
        texts.append(
            "".join(
                node.text or "" if node.tag == f"{W}t" else " "
                for node in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr")
            ).replace("\n", " ")  # one line per paragraph, so places stay right
        )
    yield Piece("\n".join(texts), by="named", names=names)
    for name, content in parts.items():
        if name.endswith((".xml", ".rels")):
            text = html.unescape(_untagged(content.decode("utf-8", "replace")))
            yield Piece(text, f"{name} in the DOCX")
