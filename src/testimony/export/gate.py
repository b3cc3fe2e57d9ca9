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
from collections.abc import Iterator
from dataclasses import dataclass

from testimony.errors import TestimonyError
from testimony.redact.fingerprint import fingerprint_form
from testimony.redact.leak import DIGIT_RUN, WORD, FingerprintSet, find_leaks

TAG = re.compile(r"<[^>]*>")
CACHE_LIMIT = 2_000_000  # runs remembered as hashed; beyond this, hashed again when seen
BLOCK = 100_000  # words per block, so a long file's runs are never all in memory at once


@dataclass(frozen=True)
class Finding:
    """Where an identifier is in an export; never what it is."""

    where: str
    label: str
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
    data: bytes,
    fmt: str,
    prints: FingerprintSet,
    pseudonyms: dict[str, str] | None = None,
    token_counts: set[int] | None = None,
) -> list[Finding]:
    """Every fingerprinted identifier in an export of format `fmt`, by place.

    `token_counts` (the word counts of the project's fingerprints) lets the
    scanner skip word runs of other lengths, which cannot match.
    """
    names = pseudonyms or {}
    scanner = Scanner(prints, token_counts)
    findings: list[Finding] = []
    found: set[str] = set()
    seen: dict[str, list] = {}  # a repeated string (a theme name, an attribute) is scanned once
    for where, text in readable_parts(data, fmt):
        backstop = where.endswith(BACKSTOP)
        leaks = seen.get(text)
        if leaks is None:
            leaks = seen[text] = scanner.find(text)
        for start, _end, label, digest in leaks:
            if backstop and digest in found:
                continue  # already reported at a better place
            found.add(digest)
            findings.append(Finding(_place(where, text, start), label, names.get(digest)))
    return findings


BACKSTOP = "(whole file)"


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
            if len(self._seen) < CACHE_LIMIT:
                self._seen |= distinct
            hits = distinct.intersection(self._hits)
            if hits:
                for offset, run in enumerate(runs):
                    if run in hits:
                        last_word[start + offset] = (start + offset + n - 1, self._hits[run])

    def _hash(self, form: str) -> str:
        return hmac.digest(self.prints.key, form.encode("utf-8"), "sha256").hex()


def readable_parts(data: bytes, fmt: str) -> Iterator[tuple[str, str]]:
    """(place, text) pieces of a file, as its reader would see them; places ending in
    BACKSTOP re-read the whole file, for what the pieces could split or miss."""
    if fmt == "docx":
        yield from _docx_parts(data)
    elif fmt == "qdpx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                text = archive.read(info).decode("utf-8", "replace")
                if info.filename.endswith((".qde", ".xml")):
                    yield from _markup_parts(text, f"{info.filename} ")
                else:
                    yield f"{info.filename} line", text
    elif fmt in {"html", "qdc"}:
        yield from _markup_parts(data.decode("utf-8"), "")
    elif fmt == "csv":
        rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
        header = next(rows, [])
        yield "CSV header", " ".join(header)
        for number, row in enumerate(rows, start=2):
            for column, cell in zip(header, row, strict=False):
                yield f"CSV row {number}, column {column}", cell
    elif fmt == "json":
        for where, text in _json_parts(json.loads(data.decode("utf-8")), ""):
            yield f"JSON {where or '(top)'}", text
    else:
        yield "line", data.decode("utf-8")


def _place(where: str, text: str, start: int) -> str:
    """A place name, with line and column when the piece is a whole text."""
    if not where.endswith("line"):
        return where
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return f"{where} {line}, column {column}"


def _markup_parts(text: str, prefix: str) -> Iterator[tuple[str, str]]:
    """Markup without tags, line by line of the source (so a finding has a line number)."""
    for number, line in enumerate(text.split("\n"), start=1):
        readable = html.unescape(TAG.sub(" ", line))
        if readable.strip():
            yield f"{prefix}line {number}", readable
    # Text joined across lines too: an identifier split over two source lines is still read.
    yield f"{prefix}{BACKSTOP}", html.unescape(TAG.sub(" ", text))


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


def _docx_parts(data: bytes) -> Iterator[tuple[str, str]]:
    import docx

    document = docx.Document(io.BytesIO(data))
    for number, paragraph in enumerate(document.paragraphs, start=1):
        yield f"paragraph {number} ({paragraph.style.name})", paragraph.text
    for t, table in enumerate(document.tables, start=1):
        for r, row in enumerate(table.rows, start=1):
            for c, cell in enumerate(row.cells, start=1):
                yield f"table {t}, row {r}, cell {c}", cell.text
    for s, section in enumerate(document.sections, start=1):
        for p in section.header.paragraphs:
            yield f"header of section {s}", p.text
        for p in section.footer.paragraphs:
            yield f"footer of section {s}", p.text
    props = document.core_properties
    for name in ("title", "subject", "author", "keywords", "comments", "last_modified_by"):
        yield f"document properties: {name}", getattr(props, name) or ""
    # Anything else a reader or Word could show (style names, comments, field results).
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.filename.endswith((".xml", ".rels")):
                text = html.unescape(TAG.sub(" ", archive.read(info).decode("utf-8", "replace")))
                yield f"{info.filename} in the DOCX {BACKSTOP}", text
