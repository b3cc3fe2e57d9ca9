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
from itertools import accumulate

from lxml import etree

from testimony.errors import TestimonyError
from testimony.redact.fingerprint import fingerprint_form
from testimony.redact.leak import DIGIT_RUN, WORD, FingerprintSet, find_leaks

TAG = re.compile(r"<[^>]*>")
# An attribute's value inside a tag (a name="..." of a REFI-QDA code, an HTML id): read too.
ATTRIBUTE_VALUE = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)')""")
_GUID = r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"
MACHINE_VALUE = re.compile(
    rf"{_GUID}|internal://{_GUID}\.txt|coding-\d+|-?\d+|\d{{4}}-\d\d-\d\dT[\d:.]+Z?"
    r"|true|false|#[0-9a-fA-F]{3,6}"
)
CACHE_LIMIT = 2_000_000  # runs remembered as hashed (the verdicts of identifiers are kept)
BLOCK = 100_000  # words per block, so a long file's runs are never all in memory at once


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


def scan_export(
    data: bytes, fmt: str, prints: FingerprintSet, token_counts: set[int] | None = None
) -> list[Finding]:
    """Every fingerprinted identifier in an export of format `fmt`, by place.

    `token_counts` (the word counts of the project's fingerprints) lets the
    scanner skip word runs of other lengths, which cannot match.
    """
    scanner = Scanner(prints, token_counts)
    findings: list[Finding] = []
    for piece in readable_parts(data, fmt):
        leaks = scanner.find(piece.text)
        if not leaks:
            continue
        named: set[str] = set()
        if piece.locate is not None:  # name the places by the file's own structure
            details = {d.where: d for start, *_rest in leaks for d in piece.locate(start)}
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
    # The smaller pieces (CSV cells, a JSON string) around an offset, which name a
    # place better: asked only for findings, since one pass over a file is faster.
    locate: Callable[[int], list[Piece]] | None = None

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

    Instead of hashing every run of one to N words at every word, it hashes
    each distinct run once (an export repeats its words and phrases endlessly),
    only for run lengths that some fingerprint has, and finds the runs with
    set operations; word positions are worked out only when something is found.
    """

    def __init__(self, prints: FingerprintSet, token_counts: set[int] | None = None) -> None:
        self.prints = prints
        counts = token_counts if token_counts is not None else range(1, prints.longest + 1)
        self.lengths = sorted(n for n in counts if 1 <= n <= prints.longest)
        self._forms: dict[str, str] = {}
        self._seen: set[str] = set()  # runs already hashed
        self._hits: dict[str, str] = {}  # run -> fingerprint, for runs that are identifiers

    def find(self, text: str) -> list[tuple[int, int, str, str]]:
        """(start, end, label, fingerprint) of every fingerprinted identifier in text."""
        labels = self.prints.labels
        if not labels:
            return []
        words = WORD.findall(text)
        for word in set(words).difference(self._forms):
            self._forms[word] = fingerprint_form(word)
        forms = list(map(self._forms.__getitem__, words))
        if any(not form or " " in form for form in set(forms)):
            return find_leaks(text, self.prints)  # rare forms: the reference, word by word
        last_word: dict[int, tuple[int, str]] = {}  # first word -> (last word, fingerprint)
        for start in range(0, len(forms), BLOCK):
            self._runs(forms, start, last_word)
        found = []
        if last_word:
            spans = [(m.start(), m.end()) for m in WORD.finditer(text)]
            for first in sorted(last_word):
                last, digest = last_word[first]
                found.append((spans[first][0], spans[last][1], labels[digest], digest))
        for match in DIGIT_RUN.finditer(text):
            digest = self._hash(fingerprint_form(match.group(), "PHONE"))
            if digest in labels:
                found.append((match.start(), match.end(), labels[digest], digest))
        return found

    def _runs(self, forms: list[str], start: int, last_word: dict) -> None:
        """Record the longest identifier run starting at each word of one block."""
        for n in self.lengths:  # shortest first, so a longer run overwrites a shorter
            window = forms[start : start + BLOCK + n - 1]
            if len(window) < n:
                break
            runs = (
                window
                if n == 1
                else list(map(" ".join, zip(*(window[k:] for k in range(n)), strict=False)))
            )
            distinct = set(runs)
            for run in distinct.difference(self._seen):
                if run not in self._hits:
                    digest = self._hash(run)
                    if digest in self.prints.labels:
                        self._hits[run] = digest
            if len(self._seen) > CACHE_LIMIT:
                self._seen.clear()  # start afresh: what recurs is remembered again soon
            self._seen |= distinct
            hits = distinct.intersection(self._hits)
            if hits:
                for offset, run in enumerate(runs):
                    if run in hits:
                        last_word[start + offset] = (start + offset + n - 1, self._hits[run])

    def _hash(self, form: str) -> str:
        return hmac.digest(self.prints.key, form.encode("utf-8"), "sha256").hex()


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
        parts = list(_json_parts(json.loads(data.decode("utf-8")), ""))
        starts = list(accumulate((len(text) + 1 for _where, text in parts), initial=0))

        def json_string(offset: int) -> list[Piece]:
            where, text = parts[bisect_right(starts, offset) - 1]
            return [Piece(text, f"JSON {where or '(top)'}")]

        strings = "\n".join(text for _where, text in parts)
        yield Piece(strings, "JSON (strings read together)", locate=json_string)
    else:
        yield Piece(data.decode("utf-8"), "", by="column")


class _CsvCells:
    """The cells of the CSV record around an offset of the file's text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.header: list[str] = []
        self.ends: list[int] | None = None  # where each record ends, made on first use

    def around(self, offset: int) -> list[Piece]:
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


def _json_parts(value, path: str) -> Iterator[tuple[str, str]]:  # noqa: ANN001
    """(path, string) for every string and key, as in quotes[3].memo."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            yield f"{inner} (the key)", str(key)
            yield from _json_parts(item, inner)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_parts(item, f"{path}[{index}]")


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
