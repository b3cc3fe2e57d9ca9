"""Each transcript format read from real files, split into speaker turns and excerpts."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from testimony.ingest.readers import READERS
from testimony.ingest.readers.errors import ReadError
from testimony.ingest.segment import MAX_EXCERPT_WORDS, excerpts_from_turns


def read(path: Path, **options):
    _fmt, reader = READERS[path.suffix.lower()]
    docs = reader(path, path.read_bytes(), dict(options)).documents
    return docs, [excerpts_from_turns(d.turns) for d in docs]


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_txt_speaker_turns_become_excerpts(tmp_path):
    path = write(
        tmp_path,
        "a.txt",
        "INTERVIEWER: When did it start?\n\nAIGERIM: After the wedding.\n\nIt got worse.\n"
        "INTERVIEWER: And the police?\nAIGERIM: They laughed.\n",
    )
    _docs, [excerpts] = read(path)
    assert [(e.speaker, e.text) for e in excerpts] == [
        ("INTERVIEWER", "When did it start?"),
        ("AIGERIM", "After the wedding.\n\nIt got worse."),
        ("INTERVIEWER", "And the police?"),
        ("AIGERIM", "They laughed."),
    ]


@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        ("Q: One?\nA: Two.\nQ: Three?\n", ["Q", "A", "Q"]),
        ("R1: One.\nR2: Two.\nI: Three?\n", ["R1", "R2", "I"]),
        (
            "[00:01:23] Interviewer: One?\n[00:01:30] Major Abdrakhmanov: Two.\n"
            "[00:02:00] Major Abdrakhmanov: Three.\n",
            ["Interviewer", "Major Abdrakhmanov"] * 1 + ["Major Abdrakhmanov"],
        ),
        (
            "**Interviewer:** One?\n\n**Zhanar Omarovna:** Two.\n\n**Zhanar Omarovna**: Three.\n",
            ["Interviewer", "Zhanar Omarovna", "Zhanar Omarovna"],
        ),
    ],
    ids=["q-a", "r1-r2", "timecodes", "markdown-bold"],
)
def test_speaker_label_styles(tmp_path, text, speakers):
    _docs, [excerpts] = read(write(tmp_path, "t.txt", text))
    assert [e.speaker for e in excerpts] == speakers


def test_time_codes_are_kept(tmp_path):
    _docs, [excerpts] = read(
        write(
            tmp_path,
            "t.txt",
            "[00:01:23] Interviewer: One?\n[01:02:03] Nurlan: Two.\n[01:02:09] Nurlan: Again.\n",
        )
    )
    assert [e.start_ms for e in excerpts] == [83_000, 3_723_000, 3_729_000]


def test_a_sentence_with_a_colon_is_not_a_speaker(tmp_path):
    _docs, [excerpts] = read(
        write(tmp_path, "t.txt", "Q: And then?\nA: He said: no more.\nQ: What else?\nA: Nothing.\n")
    )
    assert excerpts[1].text == "He said: no more."


def test_text_without_labels_is_split_into_paragraphs(tmp_path):
    _docs, [excerpts] = read(
        write(
            tmp_path,
            "s.txt",
            "I, the undersigned, state.\n\n"
            "On 3 May he came.\nHe broke the door.\n\n\nI called 102.\n",
        )
    )
    assert [(e.speaker, e.text) for e in excerpts] == [
        (None, "I, the undersigned, state."),
        (None, "On 3 May he came.\nHe broke the door."),
        (None, "I called 102."),
    ]


def test_long_turns_are_split_at_paragraph_boundaries(tmp_path):
    paragraph = " ".join(["word"] * 200)
    text = "Q: Tell me.\n\nA: " + "\n\n".join([paragraph] * 4) + "\n"
    _docs, [excerpts] = read(write(tmp_path, "l.txt", text))
    answer = [e for e in excerpts if e.speaker == "A"]
    assert len(answer) == 4
    assert all(len(e.text.split()) <= MAX_EXCERPT_WORDS for e in answer)


def test_a_single_huge_line_is_cut_into_readable_excerpts(tmp_path):
    text = "A: " + "He shouted at me again. " * 20_000
    _docs, [excerpts] = read(write(tmp_path, "h.txt", text))
    assert len(excerpts) > 10
    assert sum(len(e.text) for e in excerpts) >= len(text) - 3 - len(excerpts) * 2


def test_markdown_front_matter_becomes_attributes(tmp_path):
    path = write(
        tmp_path,
        "m.md",
        "---\ntitle: Interview with a lawyer\ndate: 2023-11-21\n"
        "interviewer: Emily Carter\nrole: lawyer\nregion: Almaty\n---\n# Heading\n\n"
        "**Interviewer:** One?\n\n**Zhanar:** Two.\n\n**Zhanar:** Three.\n",
    )
    [doc], [excerpts] = read(path)
    assert doc.title == "Interview with a lawyer"
    assert doc.attributes == {
        "date": "2023-11-21",
        "interviewer": "Emily Carter",
        "role": "lawyer",
        "region": "Almaty",
    }
    assert [e.speaker for e in excerpts] == ["Interviewer", "Zhanar", "Zhanar"]


def test_markdown_with_broken_front_matter_is_refused(tmp_path):
    path = write(tmp_path, "m.md", "---\ntitle: [unclosed\n---\nQ: hi\n")
    with pytest.raises(ReadError, match="front matter is not valid YAML"):
        read(path)


def make_docx(path: Path, bold_labels: bool = True) -> Path:
    document = docx.Document()
    document.core_properties.title = "Interview 6"
    document.add_heading("Interview 6", level=1)
    for speaker, text in [
        ("Interviewer", "When did you leave?"),
        ("Dilnoza", "In May."),
        ("Interviewer", "Where did you go?"),
    ]:
        paragraph = document.add_paragraph()
        if bold_labels:
            paragraph.add_run(f"{speaker}:").bold = True
            paragraph.add_run(f" {text}")
        else:
            paragraph.add_run(f"{speaker.upper()}: {text}")
    document.add_paragraph("To my sister's flat.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Date", "Call"
    table.cell(1, 0).text, table.cell(1, 1).text = "17.01.2021", "police"
    document.save(path)
    return path


@pytest.mark.parametrize("bold", [True, False], ids=["bold-labels", "plain-labels"])
def test_docx_paragraphs_tables_and_speakers(tmp_path, bold):
    [doc], [excerpts] = read(make_docx(tmp_path / "i.docx", bold_labels=bold))
    assert doc.title == "Interview 6"
    speakers = [e.speaker.casefold() for e in excerpts]
    assert speakers == ["interviewer", "dilnoza", "interviewer"]
    assert (
        excerpts[-1].text
        == "Where did you go?\n\nTo my sister's flat.\n\nDate | Call\n17.01.2021 | police"
    )


def test_a_single_bold_label_is_trusted(tmp_path):
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("Gulnara:").bold = True
    paragraph.add_run(" I went alone.")
    document.save(tmp_path / "one.docx")
    _docs, [excerpts] = read(tmp_path / "one.docx")
    assert [(e.speaker, e.text) for e in excerpts] == [("Gulnara", "I went alone.")]


def test_a_docx_that_is_not_a_zip_is_refused(tmp_path):
    path = write(tmp_path, "x.docx", "this is plain text pretending to be Word")
    with pytest.raises(ReadError, match="not a Word document"):
        read(path)


def test_a_docx_zip_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        archive.writestr("word/padding.xml", b"\0" * (300 * 1024 * 1024))
    with pytest.raises(ReadError, match="zip bomb"):
        read(path)


def test_a_docx_with_xml_entities_is_refused(tmp_path):
    source = make_docx(tmp_path / "ok.docx")
    path = tmp_path / "lol.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(
                    b"?>", b'?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>', 1
                )
            dst.writestr(item, data)
    with pytest.raises(ReadError, match="entities"):
        read(path)


def test_vtt_voices_group_cues_and_keep_times(tmp_path):
    path = write(
        tmp_path,
        "s.vtt",
        "WEBVTT\nKind: captions\n\n1\n00:00:01.400 --> 00:00:04.000\n"
        "<v Interviewer>How are you?\n\n00:00:04.500 --> 00:00:06.000\n<v Svetlana>fine\n\n"
        "00:00:06.000 --> 00:00:09.250\n<v Svetlana>i mean <i>not fine</i>\n\n"
        "NOTE a comment\n\n00:01:00.000 --> 00:01:02.000\n<v Interviewer>Go on.\n",
    )
    _docs, [excerpts] = read(path)
    assert [(e.speaker, e.text, e.start_ms, e.end_ms) for e in excerpts] == [
        ("Interviewer", "How are you?", 1400, 4000),
        ("Svetlana", "fine i mean not fine", 4500, 9250),
        ("Interviewer", "Go on.", 60000, 62000),
    ]


@pytest.mark.parametrize(
    ("timing", "reason"),
    [
        ("00:00:05.000 --> 00:00:01.000", "ends before it starts"),
        ("-00:00:01.000 --> 00:00:02.000", "negative"),
        ("00:00:0x.000 --> 00:00:02.000", "broken cue timing"),
        ("00:00:01.000 -> 00:00:02.000", "without a timing line"),
    ],
)
def test_vtt_with_broken_timings_is_refused(tmp_path, timing, reason):
    path = write(tmp_path, "b.vtt", f"WEBVTT\n\n{timing}\n<v A>text\n")
    with pytest.raises(ReadError, match=reason):
        read(path)


def test_srt_labels_start_turns_and_unlabelled_cues_continue(tmp_path):
    path = write(
        tmp_path,
        "f.srt",
        "1\n00:02:07,000 --> 00:02:10,000\nMODERATOR: Shall we start?\n\n"
        "2\n00:02:11,000 --> 00:02:13,500\nP1: I'm Guzel.\nI am thirty.\n\n"
        "3\n00:02:14,000 --> 00:02:16,000\nI came in May.\n\n"
        "4\n00:02:17,000 --> 00:02:19,000\nP2: Me too.\n",
    )
    _docs, [excerpts] = read(path)
    assert [(e.speaker, e.text, e.start_ms, e.end_ms) for e in excerpts] == [
        ("MODERATOR", "Shall we start?", 127_000, 130_000),
        ("P1", "I'm Guzel. I am thirty. I came in May.", 131_000, 136_000),
        ("P2", "Me too.", 137_000, 139_000),
    ]


def test_csv_rows_become_turns_of_several_interviews(tmp_path):
    path = write(
        tmp_path,
        "c.csv",
        "\ufeffinterview,speaker,time,text\n"
        'One,Interviewer,00:00:05,"Hello, how are you?"\n'
        'One,Aliya,00:00:09,"Fine.\nReally."\nTwo,Interviewer,,Start.\n',
        "utf-8",
    )
    docs, excerpts = read(path)
    assert [d.key for d in docs] == ["One", "Two"]
    assert [(e.speaker, e.text, e.start_ms) for e in excerpts[0]] == [
        ("Interviewer", "Hello, how are you?", 5000),
        ("Aliya", "Fine.\nReally.", 9000),
    ]


def test_csv_with_other_headers_named_by_the_user(tmp_path):
    path = write(tmp_path, "c.csv", "Case;Who;Utterance\nX;A;one\nX;B;two\n")
    docs, excerpts = read(
        path, csv_columns={"interview": "Case", "speaker": "Who", "text": "Utterance"}
    )
    assert [(e.speaker, e.text) for e in excerpts[0]] == [("A", "one"), ("B", "two")]


def test_csv_with_a_missing_column_is_refused(tmp_path):
    path = write(tmp_path, "c.csv", "interview,speaker,time\nX,A,00:01\n")
    with pytest.raises(ReadError, match="missing column 'text'"):
        read(path)


def test_csv_with_a_bad_time_names_the_line(tmp_path):
    path = write(tmp_path, "c.csv", "speaker,time,text\nA,00:01,one\nB,soon,two\n")
    with pytest.raises(ReadError, match="line 3"):
        read(path)


def test_every_corpus_file_reads(tmp_path):
    from .conftest import TRANSCRIPTS

    for path in TRANSCRIPTS:
        docs, excerpts = read(path)
        assert all(excerpts), path.name
        assert all(e.text.strip() for group in excerpts for e in group), path.name
