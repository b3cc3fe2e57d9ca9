"""Bytes to text, once, at the door: encoding detection and line-ending normalisation."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from charset_normalizer import from_bytes

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class NotText(ValueError):
    """The bytes are not text in any encoding we accept."""


@dataclass
class DecodedText:
    text: str
    encoding: str


def decode_bytes(data: bytes) -> DecodedText:
    """Decode transcript bytes: BOM first, then strict UTF-8, then charset-normalizer."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return DecodedText(_clean(data.decode(encoding, errors="strict")), encoding)
    utf16 = _utf16_without_bom(data)
    if utf16:
        return DecodedText(_clean(data.decode(utf16)), utf16)
    if b"\x00" in data:
        raise NotText("binary data (NUL bytes), not a text transcript")
    try:
        return DecodedText(_clean(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError as exc:
        _refuse_damaged_utf8(data, exc)
    text, encoding = _single_byte_or_detected(data)
    return DecodedText(_clean(text), encoding)


def _refuse_damaged_utf8(data: bytes, error: UnicodeDecodeError) -> None:
    """UTF-8 with a few broken bytes is a damaged file, not another encoding: reading it
    as cp1251 would turn every Cyrillic word into nonsense, so it is refused."""
    text = data.decode("utf-8", errors="surrogateescape")
    broken = sum(1 for ch in text if "\udc80" <= ch <= "\udcff")
    multibyte = sum(1 for ch in text if ord(ch) > 0x7F) - broken
    if multibyte >= 8 and broken * 20 <= multibyte:
        line = data.count(b"\n", 0, error.start) + 1
        raise NotText(
            f"invalid UTF-8 at line {line} (byte {error.start:,}): the file is damaged; "
            "save it again as UTF-8"
        )


def _single_byte_or_detected(data: bytes) -> tuple[str, str]:
    """Pick the decoding whose non-ASCII words look like words.

    Transcripts are mostly ASCII English with a few Cyrillic or accented words,
    too little for statistical detectors (charset-normalizer reads a cp1251
    file of English with Russian quotes as cp1250). So every candidate is judged
    on the words that hold non-ASCII letters: a word in one script, or ASCII
    with an accented letter, is plausible; mojibake mixes scripts or is made
    only of accented Latin letters.
    """
    candidates: list[tuple[str, str]] = []
    for encoding in PREFERRED_SINGLE_BYTE:
        try:
            candidates.append((encoding, data.decode(encoding)))
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is not None and best.encoding and best.encoding not in PREFERRED_SINGLE_BYTE:
        candidates.append((best.encoding, str(best)))
    if not candidates:
        raise NotText("not text in a known encoding")
    scored = [
        (_plausibility(text), -rank, encoding, text)
        for rank, (encoding, text) in enumerate(candidates)
    ]
    _score, _rank, encoding, text = max(scored)
    return text, encoding


PREFERRED_SINGLE_BYTE = ("cp1251", "cp1252", "latin-1", "koi8-r", "cp1250", "cp1254")
_NON_ASCII_WORD = re.compile(r"\w*[^\x00-\x7f]\w*")


def _plausibility(text: str) -> int:
    score = 0
    for word in _NON_ASCII_WORD.findall(text):
        letters = [ch for ch in word if ch.isalpha()]
        if not letters:
            continue
        scripts = {_script(ch) for ch in letters}
        ascii_letters = sum(ch.isascii() for ch in letters)
        cased = word.islower() or word.isupper() or word.istitle() or len(letters) == 1
        one_script = scripts == {"cyrillic"}
        accented_latin = scripts == {"latin"} and ascii_letters * 2 >= len(letters) > ascii_letters
        if (one_script or accented_latin) and cased:
            score += 1
        elif scripts != {"other"}:
            score -= 1
    return score


def _script(ch: str) -> str:
    if ch.isascii():
        return "latin"
    name = unicodedata.name(ch, "")
    if name.startswith("CYRILLIC"):
        return "cyrillic"
    if name.startswith("LATIN"):
        return "latin"
    return "other"


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as NULs at every other byte of ASCII text."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_nuls = sample[0::2].count(0) / (len(sample) / 2)
    odd_nuls = sample[1::2].count(0) / (len(sample) / 2)
    for encoding, ratio_nul, ratio_other in (
        ("utf-16-le", odd_nuls, even_nuls),
        ("utf-16-be", even_nuls, odd_nuls),
    ):
        if ratio_nul > 0.4 and ratio_other < 0.05:
            try:
                data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return encoding
    return None


def _looks_binary(text: str) -> bool:
    controls = sum(
        1 for ch in text[:65536] if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f"
    )
    return controls > max(8, len(text[:65536]) // 200)


def _clean(text: str) -> str:
    """One form for everything downstream: LF line endings, NFC, no stray BOM or NUL."""
    if "\x00" in text:
        raise NotText("NUL characters in the text")
    if _looks_binary(text):
        raise NotText("binary data, not a text transcript")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\ufeff", "")
    # The few stray control characters a text file may hold (a form feed, an ESC that
    # would drive a terminal showing the excerpt): page breaks become line breaks.
    text = TERMINAL_SEQUENCE.sub("", text) if "\x1b" in text else text
    text = STRAY_CONTROL.sub("", text.replace("\x0b", "\n").replace("\x0c", "\n"))
    return unicodedata.normalize("NFC", text)


STRAY_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# A whole ANSI escape sequence (colour, clear screen, window title), not just its ESC.
TERMINAL_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b\n]*(?:\x07|\x1b\\)?)")
