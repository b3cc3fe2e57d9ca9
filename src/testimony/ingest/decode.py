"""Bytes to text, once, at the door: encoding detection and line-ending normalisation."""

from __future__ import annotations

import codecs
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
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise NotText("not text in a known encoding")
    text = str(best)
    if _looks_binary(text):
        raise NotText("binary data, not a text transcript")
    return DecodedText(_clean(text), best.encoding)


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
    return unicodedata.normalize("NFC", text)
