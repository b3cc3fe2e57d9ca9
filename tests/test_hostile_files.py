"""Hostile files: each is refused with one clear line on stderr and exit 2, or handled safely.

Nothing of a refused file reaches either database (a dump before and after is
the same), nothing on stderr is a traceback, a raw terminal control character
or a name from the file, and the other files of the same command still import.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zipfile

import pytest
from sqlalchemy import select

from testimony.codebook import load_codebook
from testimony.coding.coders import coder_id
from testimony.coding.codings import apply_theme, set_coding_memo
from testimony.coding.themes import import_codebook
from testimony.db.models import (
    Coder,
    Coding,
    Excerpt,
    Interview,
    InterviewAttribute,
    Speaker,
    Theme,
)
from testimony.export.rows import FIELDS, FORMULA_START
from testimony.project import Project, init_project
from tests.conftest import CODEBOOK, dump_databases
from tests.hostile_inputs import HOSTILE, HOSTILE_CODEBOOKS, STORY

UNESCAPED_TAG = re.compile(r"(?<!\\)<")
UNESCAPED_LINK = re.compile(r"(?<!\\)\]\(")
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """One empty project with the shipped codebook, made once and copied for each case."""
    folder = tmp_path_factory.mktemp("template") / "proj"
    made = init_project(folder)
    with made.session() as s, s.begin():
        import_codebook(s, load_codebook(CODEBOOK))
    made.close()
    return folder


@pytest.fixture
def project(template, tmp_path):
    shutil.copytree(template, tmp_path / "proj")
    opened = Project.open(tmp_path / "proj")
    yield opened
    opened.close()


def assert_said_safely(result) -> None:  # noqa: ANN001
    said = result.stdout + result.stderr
    assert "Traceback" not in said
    assert not RAW_CONTROL.search(said), repr(said)
    assert "Tulegenov" not in said and "Тулегенов" not in said


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_file_is_refused_with_one_clear_line(project, tmp_path, run, case):
    make, reason = HOSTILE[case]
    folder = tmp_path / "hostile"
    folder.mkdir()
    path = make(folder)
    before = dump_databases(project.root)
    result = run("--project", project.root, "import", path)
    assert result.exit_code == 2, result.stderr
    assert_said_safely(result)
    refusals = [line for line in result.stderr.splitlines() if ": refused: " in line]
    assert len(refusals) == 1, result.stderr
    assert reason in refusals[0], refusals[0]
    assert len(result.stderr.splitlines()) == 2  # the refusal and the command's summary
    assert dump_databases(project.root) == before


def test_one_hostile_file_among_good_ones_is_refused_alone(project, tmp_path, run):
    folder = tmp_path / "hostile"
    folder.mkdir()
    bad = [HOSTILE[case][0](folder) for case in ("docx-billion-laughs", "a-named-pipe")]
    good = []
    for name in ("first.txt", "second.txt"):
        good.append(tmp_path / name)
        good[-1].write_text(STORY.replace("May", f"May, {name}"))
    result = run("--project", project.root, "import", good[0], *bad, good[1])
    assert result.exit_code == 2
    assert_said_safely(result)
    assert "2 imported, 0 unchanged, 2 refused: laughs.docx, pipe.txt" in result.stderr
    with project.session() as s:
        titles = sorted(s.scalars(select(Interview.title)))
        assert titles == ["first", "second"]
    again = run("--project", project.root, "import", *good)
    assert again.exit_code == 0 and again.stdout.count("unchanged since its import") == 2


def test_a_changed_file_under_a_name_already_imported_is_refused(project, tmp_path, run):
    first, second = tmp_path / "a" / "statement.txt", tmp_path / "b" / "statement.txt"
    for path, month in ((first, "May"), (second, "June")):
        path.parent.mkdir()
        path.write_text(STORY.replace("May", month))
    assert run("--project", project.root, "import", first).exit_code == 0
    before = dump_databases(project.root)
    result = run("--project", project.root, "import", second)
    assert result.exit_code == 2
    assert "changed since it was imported; use --replace" in result.stderr
    assert_said_safely(result)
    assert dump_databases(project.root) == before


def test_a_link_inside_its_own_folder_is_followed(project, tmp_path, run):
    """The control for the link cases: a link beside its target is an ordinary file."""
    (tmp_path / "real.txt").write_text(STORY)
    (tmp_path / "alias.txt").symlink_to(tmp_path / "real.txt")
    result = run("--project", project.root, "import", tmp_path / "alias.txt")
    assert result.exit_code == 0, result.stderr


# --- handled: the file imports and nothing unsafe comes out ------------------------------------


def excerpts_of(project) -> list[str]:  # noqa: ANN001
    with project.session() as s:
        return list(s.scalars(select(Excerpt.text).order_by(Excerpt.id)))


def test_utf16_without_a_bom_is_read_as_utf16(project, tmp_path, run):
    path = tmp_path / "utf16.txt"
    text = "Q: Кто вас бил?\nA: Никто не пришёл.\nQ: Когда?\nA: В мае.\n"
    path.write_bytes(text.encode("utf-16-le"))
    result = run("--project", project.root, "import", path)
    assert result.exit_code == 0, result.stderr
    assert "Никто не пришёл." in excerpts_of(project)


def test_an_srt_with_an_absurd_cue_number_imports_by_its_times(project, tmp_path, run):
    path = tmp_path / "index.srt"
    path.write_text(
        "99999999999999999999999999999\n00:00:01,000 --> 00:00:02,000\nA: He came at night.\n\n"
        "-5\n00:00:03,000 --> 00:00:04,000\nQ: And then?\n"
    )
    result = run("--project", project.root, "import", path)
    assert result.exit_code == 0, result.stderr
    with project.session() as s:
        times = list(s.execute(select(Excerpt.start_ms, Excerpt.end_ms).order_by(Excerpt.id)))
    assert times == [(1000, 2000), (3000, 4000)]


def test_stray_control_characters_never_reach_the_project(project, tmp_path, run):
    """An ESC sequence in a transcript, a file name or a speaker label would drive the
    terminal that shows the excerpt; a form feed is a page break."""
    path = tmp_path / "\x1b]0;owned\x07 esc.txt"
    path.write_text("Q\x1b[2J: Who?\nA: He\x1b[31m left\x0cat night.\nQ: When?\nA: In May.\n")
    result = run("--project", project.root, "import", path)
    assert result.exit_code == 0, result.stderr
    assert_said_safely(result)
    with project.session() as s:
        stored = [*excerpts_of(project), *s.scalars(select(Interview.title))]
        stored += list(s.scalars(select(Speaker.label)))
    assert not any(RAW_CONTROL.search(text) for text in stored), stored
    assert "He left\nat night." in stored and "Who?" in stored
    listing = run("--project", project.root, "interviews")
    assert_said_safely(listing)


def test_script_tags_in_a_transcript_are_text_in_every_report(project, tmp_path, run):
    path = tmp_path / "script.md"
    path.write_text(
        "---\ntitle: <img src=x onerror=alert(1)>\n---\n\n"
        "Q: What did he write?\nA: <script>alert('x')</script> [click](javascript:alert(1))\n"
    )
    assert run("--project", project.root, "import", path).exit_code == 0
    code_everything(project, run)
    html = export(project, run, tmp_path, "html")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    md = export(project, run, tmp_path, "md")
    assert not UNESCAPED_TAG.search(md) and not UNESCAPED_LINK.search(md)
    assert "\\](javascript:" in md


def test_a_theme_name_with_markup_is_escaped_in_every_report(project, tmp_path, run):
    codebook = tmp_path / "codebook.yaml"
    codebook.write_text(
        "themes:\n"
        "  - id: evil\n"
        '    name: "<script>alert(1)</script> **bold** [x](http://example.invalid)"\n'
        '    description: "</p><iframe src=//example.invalid> # heading"\n'
    )
    assert run("--project", project.root, "codebook", "import", codebook).exit_code == 0
    (tmp_path / "t.txt").write_text(STORY)
    assert run("--project", project.root, "import", tmp_path / "t.txt").exit_code == 0
    code_everything(project, run, theme="evil")
    with project.session() as s, s.begin():  # as another tool's import might leave it
        s.scalar(select(Theme).where(Theme.slug == "evil")).color = "red; background: url(//x)"
    html = export(project, run, tmp_path, "html")
    assert "<script>" not in html and "<iframe" not in html and "url(" not in html
    md = export(project, run, tmp_path, "md")
    assert not UNESCAPED_TAG.search(md) and not UNESCAPED_LINK.search(md)
    assert "\\*\\*bold\\*\\*" in md


def code_everything(project, run, theme: str = "physical-violence") -> None:  # noqa: ANN001
    """Every excerpt coded whole by ana, through the coding service."""
    with project.session() as s, s.begin():
        ana = coder_id(s, "ana")
        for excerpt_id, text in list(s.execute(select(Excerpt.id, Excerpt.text))):
            apply_theme(s, ana, excerpt_id, 0, len(text), theme)


def export(project, run, tmp_path, fmt: str, *args: str) -> str:  # noqa: ANN001
    out = tmp_path / f"report.{fmt}"
    result = run("--project", project.root, "export", "--format", fmt, "-o", out, *args)
    assert result.exit_code == 0, result.stderr
    return out.read_bytes().decode("utf-8-sig")  # as written: a "\r" in a cell stays


# --- formula injection: every field of the CSV export ------------------------------------------

FORMULAS = ["=SUM(1,2)", "+1+cmd|' /C calc'!A0", "-2+3", "@ SUM(1)"]
FORMULAS += ["\t=1+1", "\r=1+1"]


def test_formula_cells_of_a_csv_transcript_are_inert_in_every_csv_field(project, tmp_path, run):
    """A CSV transcript whose cells are formulas; then every text field of the project
    starts with one; no cell of the exported CSV may start as a spreadsheet formula."""
    path = tmp_path / "formulas.csv"
    rows = [["interview", "speaker", "text"]]
    rows += [["=cmd", "@ INT", formula] for formula in FORMULAS]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue())
    result = run("--project", project.root, "import", path)
    assert result.exit_code == 0, result.stderr
    code_everything(project, run)
    with project.session() as s, s.begin():
        for n, row in enumerate(s.scalars(select(Interview))):
            row.title = FORMULAS[n % len(FORMULAS)]
            row.review_state = "reviewed"
        theme = s.scalar(select(Theme).where(Theme.slug == "physical-violence"))
        theme.name = "=theme"
        for speaker in s.scalars(select(Speaker)):
            speaker.label, speaker.role = "+label", "-role"
    with project.session() as s, s.begin():
        ana = coder_id(s, "ana")
        for n, coding in enumerate(s.scalars(select(Coding.id).order_by(Coding.id))):
            set_coding_memo(s, ana, coding, FORMULAS[n % len(FORMULAS)])
        s.scalar(select(Coder)).name = "@coder"
        for interview_id in s.scalars(select(Interview.id)):
            s.add(InterviewAttribute(interview_id=interview_id, name="note", value="=1+1"))
    text = export(project, run, tmp_path, "csv", "--context", "--attribute", "note")
    table = list(csv.reader(io.StringIO(text, newline="")))
    header, body = table[0], table[1:]
    assert len(body) == len(FORMULAS)
    assert set(FIELDS) <= set(header)
    for row in body:
        for column, cell in zip(header, row, strict=True):
            assert not cell.startswith(FORMULA_START), (column, cell)
    # Each planted field is there, made inert with a leading quote, not dropped.
    cells = {cell for row in body for cell in row}
    assert {"'=theme", "'+label", "'-role", "'@coder", "'=1+1"} <= cells
    assert {f"'{formula}" for formula in FORMULAS} <= cells


# --- codebooks: an invalid codebook is a failed check (exit 1, CLI.md), one line each ---------


@pytest.mark.parametrize("case", sorted(HOSTILE_CODEBOOKS))
def test_a_hostile_codebook_is_refused_with_one_clear_line(project, tmp_path, run, case):
    make, problem = HOSTILE_CODEBOOKS[case]
    folder = tmp_path / "hostile"
    folder.mkdir()
    path = make(folder)
    checked = run("codebook", "validate", path)
    assert checked.exit_code == 1, checked.stderr
    assert_said_safely(checked)
    assert len(checked.stderr.splitlines()) == 1, checked.stderr
    assert problem in checked.stderr, checked.stderr
    before = dump_databases(project.root)
    imported = run("--project", project.root, "codebook", "import", path)
    assert imported.exit_code == 1 and imported.stderr == checked.stderr
    assert dump_databases(project.root) == before
    assert not (folder / "pwned").exists() and not (project.root / "pwned").exists()


# --- control characters in fields that reach exports --------------------------------------------

CONTROLS = "\x1b[31m\x00\x07\x0b\x1f"


def test_control_characters_in_any_field_leave_every_export_readable(project, tmp_path, run):
    """A memo, title, theme, speaker, coder or project name holding control characters (typed,
    pasted or brought by another tool) must not crash an export or make its XML unreadable."""
    import docx
    from lxml import etree

    (tmp_path / "t.txt").write_text(STORY)
    assert run("--project", project.root, "import", tmp_path / "t.txt").exit_code == 0
    code_everything(project, run)
    with project.session() as s, s.begin():
        ana = coder_id(s, "ana")
        for coding in s.scalars(select(Coding)):
            coding.memo = f"memo {CONTROLS}"
        s.scalar(select(Theme).where(Theme.slug == "physical-violence")).name = f"hit{CONTROLS}"
        for interview in s.scalars(select(Interview)):
            interview.title = f"title {CONTROLS}"
            s.add(InterviewAttribute(interview_id=interview.id, name="n", value=CONTROLS))
        for n, speaker in enumerate(s.scalars(select(Speaker)).all()):
            speaker.label = f"A{n}{CONTROLS}"
        s.get(Coder, ana).name = f"ana{CONTROLS}"
    settings = project.root / "testimony.yaml"
    settings.write_text(settings.read_text().replace("name: ", 'name: "\\e[2J" # ', 1))
    for fmt in ("md", "html", "docx", "csv", "json", "qdpx", "qdc"):
        out = tmp_path / f"out.{fmt}"
        result = run("--project", project.root, "export", "--format", fmt, "-o", out)
        assert result.exit_code == 0, (fmt, result.stderr)
        assert "Traceback" not in result.stderr
    assert docx.Document(tmp_path / "out.docx").core_properties.title == "[2J"
    with zipfile.ZipFile(tmp_path / "out.qdpx") as archive:
        etree.fromstring(archive.read("project.qde"))
    etree.fromstring((tmp_path / "out.qdc").read_bytes())
    assert json.loads((tmp_path / "out.json").read_bytes())["quotes"]
