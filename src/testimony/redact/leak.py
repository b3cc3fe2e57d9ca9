"""The leak gate: find fingerprinted identifiers in files, without knowing them.

Every run of one to N words of a file (N = the longest identifier) and every
run of digits is normalised, keyed-hashed and looked up among project.db's
fingerprints. A finding names the file, line, column, type and, when the
vault is at hand, the entity's pseudonym; never the identifier.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from testimony.db.models import FingerprintFirstWord, IdentifierFingerprint
from testimony.redact.fingerprint import fingerprint_form

WORD = re.compile(r"[^\W_]+")
DIGIT_RUN = re.compile(r"\+?\d[\d\s().-]{5,}\d")
SCANNED = {
    ".txt",
    ".md",
    ".markdown",
    ".html",
    ".htm",
    ".docx",
    ".csv",
    ".tsv",
    ".json",
    ".jsonl",
    ".qdpx",
    ".qdc",
    ".xml",
    ".yaml",
    ".yml",
    ".srt",
    ".vtt",
}


@dataclass(frozen=True)
class Leak:
    path: Path
    line: int
    column: int
    label: str
    fingerprint: str


@dataclass
class FingerprintSet:
    key: bytes
    labels: dict[str, str]  # fingerprint -> label
    longest: int
    # first_word_digest of every multi-word identifier's first word; None when some
    # fingerprint's first word is not indexed (an older project), so it cannot prefilter.
    first_words: frozenset[str] | None = None

    @classmethod
    def load(cls, session: Session, key: bytes) -> FingerprintSet:
        labels = dict(
            session.execute(
                select(IdentifierFingerprint.fingerprint, IdentifierFingerprint.label)
            ).all()
        )
        longest = session.scalar(select(func.max(IdentifierFingerprint.tokens))) or 1
        unindexed = session.scalar(
            select(IdentifierFingerprint.id)
            .where(IdentifierFingerprint.tokens > 1, ~IdentifierFingerprint.first_word_indexed)
            .limit(1)
        )
        first_words = (
            frozenset(session.scalars(select(FingerprintFirstWord.digest)))
            if unindexed is None
            else None
        )
        return cls(key=key, labels=labels, longest=min(longest, 8), first_words=first_words)

    def digest(self, form: str) -> str:
        return hmac.new(self.key, form.encode("utf-8"), hashlib.sha256).hexdigest()


def find_leaks(text: str, prints: FingerprintSet) -> list[tuple[int, int, str, str]]:
    """(start, end, label, fingerprint) of every fingerprinted identifier in text."""
    if not prints.labels:
        return []
    found: list[tuple[int, int, str, str]] = []
    words = list(WORD.finditer(text))
    forms = [fingerprint_form(w.group()) for w in words]
    for i in range(len(words)):
        for n in range(min(prints.longest, len(words) - i), 0, -1):
            form = " ".join(f for f in forms[i : i + n] if f)
            digest = prints.digest(form)
            if digest in prints.labels:
                found.append(
                    (words[i].start(), words[i + n - 1].end(), prints.labels[digest], digest)
                )
                break
    for match in DIGIT_RUN.finditer(text):
        digest = prints.digest(fingerprint_form(match.group(), "PHONE"))
        if digest in prints.labels:
            found.append((match.start(), match.end(), prints.labels[digest], digest))
    return found


def file_text(path: Path) -> str:
    """The text a reader of this file would see, whatever its format."""
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if suffix == ".docx":
        import docx

        document = docx.Document(io.BytesIO(data))
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            parts += [cell.text for row in table.rows for cell in row.cells]
        for section in document.sections:
            parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
        return "\n".join(parts)
    if suffix in {".qdpx", ".zip"}:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            texts = []
            for info in archive.infolist():
                if info.file_size > 200 * 1024 * 1024 or info.is_dir():
                    continue
                texts.append(_markup_text(archive.read(info).decode("utf-8", "replace")))
            return "\n".join(texts)
    text = data.decode("utf-8", "replace")
    if suffix in {".html", ".htm", ".xml", ".qdc"}:
        return _markup_text(text)
    if suffix == ".json":
        try:
            return "\n".join(_json_strings(json.loads(text)))
        except json.JSONDecodeError:
            return text
    return text


def _markup_text(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def _json_strings(value) -> list[str]:  # noqa: ANN001
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [*_json_strings(k), *_json_strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in _json_strings(v)]
    return []


def scan_paths(paths: list[Path], prints: FingerprintSet) -> list[Leak]:
    """Leaks in files and in the files of folders (recursively)."""
    leaks: list[Leak] = []
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if path.is_dir() and file.suffix.lower() not in SCANNED:
                continue
            text = file_text(file)
            for start, _end, label, digest in find_leaks(text, prints):
                line = text.count("\n", 0, start) + 1
                column = start - (text.rfind("\n", 0, start) + 1) + 1
                leaks.append(Leak(file, line, column, label, digest))
    return leaks
