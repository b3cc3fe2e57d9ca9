"""Bytes to text at the door: encodings detected, line endings normalised, binary refused."""

from __future__ import annotations

import codecs

import pytest

from testimony.ingest.decode import NotText, decode_bytes

RUSSIAN = "Q: What did they say?\nA: They said «Терпи, ты же женщина» — endure, you are a woman.\n"
WESTERN = "A: Our neighbour Gül Öztürk ran the café; it was 5°C and I was naïve.\n"


@pytest.mark.parametrize(
    "data",
    [
        RUSSIAN.encode("utf-8"),
        codecs.BOM_UTF8 + RUSSIAN.encode("utf-8"),
        RUSSIAN.encode("utf-16"),  # with BOM
        codecs.BOM_UTF16_BE + RUSSIAN.encode("utf-16-be"),
        RUSSIAN.encode("utf-16-le"),  # without BOM
        RUSSIAN.encode("cp1251"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "utf-16-be-bom", "utf-16-no-bom", "cp1251"],
)
def test_cyrillic_text_is_read_correctly_in_every_encoding(data):
    assert decode_bytes(data).text == RUSSIAN


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_western_text_in_a_single_byte_encoding_is_read_correctly(encoding):
    assert decode_bytes(WESTERN.encode(encoding)).text == WESTERN


def test_koi8_r_is_told_from_cp1251():
    text = "A: Ольга Викторовна сказала: терпи.\n"
    assert decode_bytes(text.encode("koi8-r")).text == text


def test_line_endings_are_normalised_once():
    assert decode_bytes(b"Q: one\r\nA: two\rQ: three\n").text == "Q: one\nA: two\nQ: three\n"


@pytest.mark.parametrize(
    "data",
    [b"\x00\x01\x02\x03" * 100, b"%PDF-1.7\n\x00\xff\xfe binary", bytes(range(256)) * 4],
    ids=["nul", "pdf-like", "all-bytes"],
)
def test_binary_data_is_refused(data):
    with pytest.raises(NotText):
        decode_bytes(data)
