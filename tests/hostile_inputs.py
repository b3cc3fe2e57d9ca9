"""Hostile transcript files, each made in a folder by one small function, with the reason
the import must give. Text in them is invented; the name they carry must never be echoed."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx

NAME = "Yerlan Tulegenov"
STORY = f"Q: Who hit you?\nA: My husband {NAME}.\nQ: When?\nA: In May.\n"
HOSTILE: dict[str, tuple[Callable[[Path], Path], str]] = {}


def hostile(reason: str):  # noqa: ANN201
    """Register a maker of one hostile file, and the words its refusal must hold."""

    def register(make: Callable[[Path], Path]) -> Callable[[Path], Path]:
        HOSTILE[make.__name__.replace("_", "-")] = (make, reason)
        return make

    return register


def docx_bytes(paragraphs: list[str] | None = None) -> bytes:
    document = docx.Document()
    for text in paragraphs or ["Q: Who hit you?", f"A: My husband {NAME}.", "Q: When?"]:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rewrite_docx(path: Path, change: Callable[[str, bytes], bytes | None], extra=()) -> Path:  # noqa: ANN001
    """A real .docx with its parts changed (None drops a part) and extra parts added."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = change(item.filename, src.read(item))
            if data is not None:
                dst.writestr(item, data, zipfile.ZIP_DEFLATED)
        for name, data in extra:
            dst.writestr(name, data, zipfile.ZIP_DEFLATED)
    return path


def with_document_prolog(path: Path, prolog: bytes) -> Path:
    def change(name: str, data: bytes) -> bytes:
        if name != "word/document.xml":
            return data
        end = data.index(b"?>") + 2
        return data[:end] + prolog + data[end:].replace(b"<w:t>", b"<w:t>&lol9;", 1)

    return rewrite_docx(path, change)


# --- Word documents --------------------------------------------------------------------------


@hostile("zip bomb")
def docx_zip_bomb_by_ratio(folder: Path) -> Path:
    return rewrite_docx(
        folder / "ratio.docx", lambda n, d: d, [("word/padding.xml", b" " * (40 * 2**20))]
    )


@hostile("an XML part of 40 MB")
def docx_with_a_huge_xml_part(folder: Path) -> Path:
    """40 MB of XML that packs only 30:1: no bomb, but python-docx would hold it as a tree."""
    chunk = os.urandom(1024).hex().encode() + b"a" * (62 * 1024)
    xml = b"<a>" + chunk * 640 + b"</a>"
    return rewrite_docx(folder / "huge-part.docx", lambda n, d: d, [("word/glossary.xml", xml)])


@hostile("larger than the 50 MB limit")
def docx_with_a_100_mb_picture(folder: Path) -> Path:
    path = rewrite_docx(folder / "photo.docx", lambda n, d: d)
    with zipfile.ZipFile(path, "a") as archive:  # a photo does not compress
        archive.writestr("word/media/image1.jpeg", os.urandom(100 * 2**20), zipfile.ZIP_STORED)
    return path


@hostile("entities")
def docx_billion_laughs(folder: Path) -> Path:
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%d;" % (i - 1) for _ in range(10)))
        for i in range(1, 10)
    )
    prolog = b"<!DOCTYPE w:document [" + entities + b"]>"
    return with_document_prolog(folder / "laughs.docx", prolog)


@hostile("entities")
def docx_external_entity_xxe(folder: Path) -> Path:
    prolog = b'<!DOCTYPE w:document [<!ENTITY lol9 SYSTEM "file:///etc/passwd">]>'
    return with_document_prolog(folder / "xxe.docx", prolog)


@hostile("entities")
def docx_entity_after_a_long_comment(folder: Path) -> Path:
    """The DTD after 64 KB of comment: a check of the first few KB alone misses it."""
    prolog = b"<!--" + b"x" * 65536 + b'--><!DOCTYPE w:document [<!ENTITY lol9 "lol">]>'
    return with_document_prolog(folder / "late.docx", prolog)


@hostile("entities")
def docx_entity_in_a_part_with_another_name(folder: Path) -> Path:
    xml = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a SYSTEM "http://example.invalid/">]><x>&a;</x>'
    return rewrite_docx(folder / "custom.docx", lambda n, d: d, [("customXml/item1.bin", xml)])


@hostile("not a Word document")
def docx_that_is_not_a_zip(folder: Path) -> Path:
    path = folder / "fake.docx"
    path.write_text(STORY)
    return path


@hostile("no word/document.xml")
def zip_that_is_not_a_docx(folder: Path) -> Path:
    path = folder / "archive.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", STORY)
    return path


@hostile("corrupt Word document")
def docx_truncated(folder: Path) -> Path:
    path = folder / "cut.docx"
    path.write_bytes(docx_bytes()[:3000])
    return path


@hostile("corrupt Word document")
def docx_with_broken_xml(folder: Path) -> Path:
    def change(name: str, data: bytes) -> bytes:
        return data.replace(b"</w:body>", b"<w:p>") if name == "word/document.xml" else data

    return rewrite_docx(folder / "broken.docx", change)


@hostile("too many parts")
def docx_with_thousands_of_parts(folder: Path) -> Path:
    extra = [(f"word/media/p{i}.png", b"x") for i in range(2500)]
    return rewrite_docx(folder / "parts.docx", lambda n, d: d, extra)


# --- size and shape ----------------------------------------------------------------------------


@hostile("larger than the 50 MB limit")
def sparse_file_of_2_gb(folder: Path) -> Path:
    path = folder / "sparse.txt"
    with open(path, "wb") as handle:
        handle.truncate(2 * 2**30)  # no disk used; reading it would take 2 GB of memory
    return path


@hostile("characters, more than the 1,048,576 allowed on one line")
def a_10_mb_single_line(folder: Path) -> Path:
    path = folder / "one-line.txt"
    path.write_text(f"{NAME} said " + "word " * (2 * 2**20))
    return path


@hostile("lines, more than the 500,000")
def millions_of_tiny_lines(folder: Path) -> Path:
    path = folder / "tiny.txt"
    path.write_bytes(b"a\n\n" * 1_000_000)
    return path


@hostile("a speaker label of")
def absurdly_long_speaker_labels(folder: Path) -> Path:
    label = "Speaker" + "x" * 5000
    path = folder / "labels.vtt"
    path.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n"
        f"<v {label}>My husband {NAME}.\n\n00:00:03.000 --> 00:00:04.000\n<v {label}>Yes.\n"
    )
    return path


@hostile("the file is empty")
def an_empty_file(folder: Path) -> Path:
    path = folder / "empty.txt"
    path.write_bytes(b"")
    return path


@hostile("holds no text")
def only_whitespace(folder: Path) -> Path:
    path = folder / "blank.txt"
    path.write_text(" \n\t\n   \n\n")
    return path


# --- encodings and bytes -----------------------------------------------------------------------


@hostile("NUL")
def nul_bytes_in_text(folder: Path) -> Path:
    path = folder / "nul.txt"
    path.write_bytes(STORY.encode() + b"\x00\x00\x00" + STORY.encode())
    return path


@hostile("invalid UTF-8 at line 3")
def invalid_utf8(folder: Path) -> Path:
    path = folder / "broken-utf8.txt"
    russian = "Q: Кто вас ударил?\nA: Муж, Ерлан Тулегенов.\nQ: Когда?\nA: В мае.\n".encode()
    cut = russian.index("Когда".encode()) + 1  # inside the two bytes of "К"
    path.write_bytes(russian[:cut] + russian[cut + 1 :])
    return path


@hostile("binary")
def a_png_named_txt(folder: Path) -> Path:
    path = folder / "photo.txt"
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + os.urandom(4096)
    path.write_bytes(png.replace(b"\x00", b"\x01"))  # no NUL: must be told by its controls
    return path


@hostile("unknown file type '.pdf'")
def an_unsupported_extension(folder: Path) -> Path:
    path = folder / "statement.pdf"
    path.write_bytes(b"%PDF-1.7\n" + STORY.encode())
    return path


# --- subtitles and CSV --------------------------------------------------------------------------


def _vtt(folder: Path, name: str, timing: str) -> Path:
    path = folder / name
    path.write_text(f"WEBVTT\n\n{timing}\n<v A>My husband {NAME}.\n")
    return path


@hostile("negative cue time")
def vtt_with_a_negative_time(folder: Path) -> Path:
    return _vtt(folder, "negative.vtt", "-00:00:05.000 --> 00:00:01.000")


@hostile("cue ends before it starts")
def vtt_with_reversed_times(folder: Path) -> Path:
    return _vtt(folder, "reversed.vtt", "00:00:09.000 --> 00:00:01.000")


@hostile("broken cue timing")
def vtt_with_garbage_timing(folder: Path) -> Path:
    return _vtt(folder, "garbage.vtt", "00:00:xx.000 --> tomorrow")


@hostile("broken cue timing")
def vtt_with_a_time_of_a_trillion_hours(folder: Path) -> Path:
    aeons = "999999999999999999999"
    return _vtt(folder, "aeons.vtt", f"{aeons}:00:00.000 --> {aeons}:00:01.000")


@hostile("a cue without a timing line")
def srt_without_timings(folder: Path) -> Path:
    path = folder / "plain.srt"
    path.write_text(f"1\nMy husband {NAME}.\n\n2\nYes.\n")
    return path


@hostile("time is not HH:MM:SS or seconds")
def csv_with_an_absurd_time(folder: Path) -> Path:
    path = folder / "turns.csv"
    path.write_text(f"speaker,text,time\nA,My husband {NAME}.,1e300\n")
    return path


@hostile("malformed CSV")
def csv_with_a_cell_beyond_the_field_limit(folder: Path) -> Path:
    path = folder / "big-cell.csv"
    path.write_text('speaker,text\nA,"' + ("x" * 1000 + "\n") * 11_000 + '"\n')
    return path


@hostile("front matter uses YAML aliases")
def markdown_front_matter_with_an_alias_bomb(folder: Path) -> Path:
    path = folder / "bomb.md"
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}]" for i in range(8)]
    path.write_text("---\n" + "\n".join(lines) + "\n---\n\n" + STORY)
    return path


@hostile("front matter is not valid YAML")
def markdown_front_matter_with_a_python_tag(folder: Path) -> Path:
    path = folder / "tag.md"
    path.write_text("---\ntitle: !!python/object/apply:os.system ['true']\n---\n\n" + STORY)
    return path


# --- what the path is ---------------------------------------------------------------------------


@hostile("is a folder")
def a_directory_passed_as_a_file(folder: Path) -> Path:
    path = folder / "transcripts.txt"
    path.mkdir()
    return path


@hostile("is a named pipe")
def a_named_pipe(folder: Path) -> Path:
    path = folder / "pipe.txt"
    os.mkfifo(path)  # opening it to read would wait for a writer forever
    return path


@hostile("symbolic link to a file outside its folder")
def dev_zero_behind_a_link(folder: Path) -> Path:
    """/dev/zero never ends; reached through a link in the folder named like a transcript."""
    path = folder / "zero.txt"
    path.symlink_to("/dev/zero")
    return path


@hostile("is a device")
def dev_zero_itself(folder: Path) -> Path:
    return Path("/dev/zero")


@hostile("symbolic link to a file outside its folder")
def a_symlink_to_outside(folder: Path) -> Path:
    secret = folder.parent / "elsewhere" / "id_rsa"
    secret.parent.mkdir()
    secret.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nnot a transcript at all\n")
    path = folder / "statement.txt"
    path.symlink_to(secret)
    return path


@hostile("symbolic link to the project's own files")
def a_symlink_to_the_vault(folder: Path) -> Path:
    path = folder / "vault.txt"
    path.symlink_to(folder.parent / "proj" / "vault.db")
    return path


@hostile("symbolic link to nothing")
def a_dangling_symlink(folder: Path) -> Path:
    path = folder / "gone.txt"
    path.symlink_to(folder / "never-there.txt")
    return path


@hostile("symbolic link to nothing")
def a_symlink_loop(folder: Path) -> Path:
    path = folder / "loop.txt"
    path.symlink_to(folder / "loop2.txt")
    (folder / "loop2.txt").symlink_to(path)
    return path


@hostile("\\u001b[2J\\u001b[31mred.txt: refused: the file is empty")
def a_file_name_with_an_ansi_escape(folder: Path) -> Path:
    path = folder / "\x1b[2J\x1b[31mred.txt"
    path.write_bytes(b"")
    return path


@hostile("a\\nfake: imported.txt: refused: the file holds no text")
def a_file_name_with_a_newline(folder: Path) -> Path:
    path = folder / "a\nfake: imported.txt"
    path.write_text("   ")
    return path


@hostile("u202e")
def a_file_name_with_a_direction_override(folder: Path) -> Path:
    path = folder / "report\u202etxt.exe"
    path.write_text(STORY)
    return path


# --- codebooks ----------------------------------------------------------------------------------

HOSTILE_CODEBOOKS: dict[str, tuple[Callable[[Path], Path], str]] = {}


def hostile_codebook(problem: str):  # noqa: ANN201
    def register(make: Callable[[Path], Path]) -> Callable[[Path], Path]:
        HOSTILE_CODEBOOKS[make.__name__.replace("_", "-")] = (make, problem)
        return make

    return register


def _codebook(folder: Path, text: str | bytes, name: str = "codebook.yaml") -> Path:
    path = folder / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


@hostile_codebook("1:4: anchors and aliases are not allowed")
def codebook_with_an_alias_bomb(folder: Path) -> Path:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]"
              for i in range(8)]  # fmt: skip
    return _codebook(folder, "\n".join(lines) + "\nthemes: *i\n")


@hostile_codebook("unsupported YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'")
def codebook_with_a_python_tag(folder: Path) -> Path:
    return _codebook(folder, "themes:\n  - !!python/object/apply:os.system ['touch pwned']\n")


@hostile_codebook("unsupported YAML tag 'tag:yaml.org,2002:binary'")
def codebook_with_a_binary_tag(folder: Path) -> Path:
    return _codebook(folder, "name: !!binary aGVsbG8=\nthemes: []\n")


@hostile_codebook("a theme must be a mapping")
def codebook_that_is_a_list_of_words(folder: Path) -> Path:
    return _codebook(folder, "- violence\n")


@hostile_codebook("a codebook must be a mapping with 'themes', or a list of themes")
def codebook_that_is_a_scalar(folder: Path) -> Path:
    return _codebook(folder, "just some words\n")


@hostile_codebook("the codebook is empty")
def codebook_that_is_empty(folder: Path) -> Path:
    return _codebook(folder, "# nothing but a comment\n")


@hostile_codebook("nested more than 64 levels deep")
def codebook_nested_100000_deep(folder: Path) -> Path:
    return _codebook(folder, "themes: " + "[" * 100_000 + "]" * 100_000 + "\n")


@hostile_codebook("'name' holds a control character (U+001B)")
def codebook_with_a_terminal_escape_in_a_name(folder: Path) -> Path:
    return _codebook(folder, 'themes:\n  - {id: a, name: "\\e[2J\\e]0;owned\\aPolice"}\n')


@hostile_codebook("'name' holds a control character (U+000A)")
def codebook_with_a_line_break_in_a_name(folder: Path) -> Path:
    return _codebook(folder, 'themes:\n  - {id: a, name: "Police\\n# Not a heading"}\n')


@hostile_codebook("not UTF-8 text")
def codebook_not_in_utf8(folder: Path) -> Path:
    return _codebook(folder, "themes:\n  - {id: a, name: Полиция}\n".encode("cp1251"))


@hostile_codebook("not UTF-8 text")
def codebook_that_is_a_png(folder: Path) -> Path:
    return _codebook(folder, bytes.fromhex("89504e470d0a1a0a0000000d49484452") + os.urandom(512))


@hostile_codebook("larger than 5 MB")
def codebook_of_a_sparse_gigabyte(folder: Path) -> Path:
    path = folder / "codebook.yaml"
    with open(path, "wb") as handle:
        handle.truncate(2**30)
    return path


@hostile_codebook("is a folder")
def codebook_that_is_a_folder(folder: Path) -> Path:
    path = folder / "codebook.yaml"
    path.mkdir()
    return path


@hostile_codebook("not a regular file")
def codebook_that_is_a_named_pipe(folder: Path) -> Path:
    path = folder / "codebook.yaml"
    os.mkfifo(path)
    return path


@hostile_codebook("not a regular file")
def codebook_that_is_dev_zero(folder: Path) -> Path:
    return Path("/dev/zero")
