"""Theme-quote reports: every format written from a real coded project and read back."""

from __future__ import annotations

import csv
import io
import json
import sys
import unicodedata
import zipfile

import docx
import lxml.html
import pytest
from sqlalchemy import select

from testimony.db.models import AuditEntry, Coding
from testimony.export.context import SentenceIndex
from testimony.export.rows import FOLDED_FORMULA_START, FORMULA_START, neutralise
from tests.export_helpers import FORMATS, build_coded_project, open_project


@pytest.fixture(scope="module")
def coded_dir(tmp_path_factory):
    return build_coded_project(tmp_path_factory.mktemp("coded") / "proj")


@pytest.fixture
def coded(coded_copy):
    """A private copy of a small coded project: two interviews, two coders."""
    folder = coded_copy
    with open_project(folder) as project:
        yield project


def export(run, project, *args):
    return run("--project", project.root, "export", *args)


def test_a_markdown_report_lists_themes_in_codebook_order_with_sub_themes_nested(
    coded, run, tmp_path
):
    out = tmp_path / "report.md"
    result = export(run, coded, "--format", "md", "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "# coded study",
        "## Forms of violence",
        "### Physical violence",
        "### Psychological and emotional violence",
        "#### Isolation and control of movement",
        "## Police response",
        "### Dismissal and not taken seriously",
    ]
    assert "Use of physical force against the survivor's body" in text  # description
    assert "*2 quotes from 2 interviews*" in text
    assert "0 quotes from 0 interviews; 3 quotes from 2 interviews with sub-themes" in text


def test_every_quote_carries_its_attribution_with_the_chosen_attributes(coded, run, tmp_path):
    out = tmp_path / "report.md"
    export(run, coded, "--format", "md", "-o", out, "--attribute", "role", "--attribute", "age")
    text = out.read_text(encoding="utf-8")
    assert (
        "> The police said it was a family matter!\n>\n"
        "> — INT-001 (survivor, 30s), A, ¶2, coded by ana" in text
    )
    assert "— INT-002 (lawyer), A, 00:01:05, coded by ben" in text  # time code when known
    assert "Memo: classic dismissal" in text


def test_the_context_option_adds_the_sentence_before_and_after(coded, run, tmp_path):
    out = tmp_path / "report.md"
    export(run, coded, "--format", "md", "-o", out, "--context", "--theme", "police-dismissal")
    text = out.read_text(encoding="utf-8")
    assert (
        "> *Call his brother at [PHONE-1].* **The police said it was a family matter!** "
        "*They sent me home.*" in text
    )


def test_context_keeps_a_mid_sentence_lead_in_and_stays_inside_the_excerpt():
    text = "First one. Second one starts here and ends. Third! Fourth?"
    index = SentenceIndex()
    start = text.index("starts")
    end = text.index(" and ends")
    assert index.context(1, text, start, end) == ("First one. Second one", "and ends. Third!")
    assert index.context(1, text, 0, len("First one.")) == ("", "Second one starts here and ends.")
    assert index.context(1, text, text.index("Fourth"), len(text)) == ("Third!", "")


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--theme", "violence", {2, 3, 4}),  # a theme brings its sub-themes
        ("--theme", "police-dismissal", {1}),
        ("--interview", "INT-002", {3}),
        ("--coder", "ben", {3}),
        ("--where", "role=survivor", {1, 2, 4}),
        ("--reviewed-only", None, {3}),
    ],
)
def test_filters_choose_the_quotes(coded, run, tmp_path, option, value, expected):
    out = tmp_path / "rows.json"
    args = [option] if value is None else [option, value]
    result = export(run, coded, "--format", "json", "-o", out, *args)
    assert result.exit_code == 0, result.stderr
    quotes = json.loads(out.read_text(encoding="utf-8"))["quotes"]
    assert {q["coding_id"] for q in quotes} == {_coding_number(coded, n) for n in expected}


def test_where_reads_names_and_values_in_any_case_as_codings_attribute_does(coded, run, tmp_path):
    out = tmp_path / "rows.json"
    result = export(run, coded, "--format", "json", "-o", out, "--where", "ROLE=Survivor")
    assert result.exit_code == 0, result.stderr
    quotes = json.loads(out.read_text(encoding="utf-8"))["quotes"]
    assert {q["coding_id"] for q in quotes} == {_coding_number(coded, n) for n in (1, 2, 4)}


def test_a_where_value_no_interview_has_is_refused_with_those_that_exist(coded, run, tmp_path):
    out = tmp_path / "rows.json"
    result = export(run, coded, "--format", "json", "-o", out, "--where", "role=survivour")
    assert result.exit_code == 2, result.stderr
    assert "no interview has role=survivour" in result.stderr
    assert "survivor" in result.stderr.split("one of:")[1]
    assert not out.exists()


def test_an_unknown_theme_is_one_clear_line_and_exit_2(coded, run, tmp_path):
    result = export(run, coded, "--format", "md", "--theme", "no-such-theme")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "testimony: no theme 'no-such-theme' in the codebook (see `testimony codebook show`)"
    )


def test_unreviewed_interviews_are_warned_about_in_the_file_and_on_stderr(coded, run, tmp_path):
    out = tmp_path / "report.html"
    result = export(run, coded, "--format", "html", "-o", out)
    assert "WARNING" in result.stderr and "INT-001" in result.stderr
    page = lxml.html.fromstring(out.read_bytes())
    alert = page.xpath('//p[@role="alert"]')[0].text_content()
    assert "not for publication" in alert and "INT-001" in alert and "INT-002" not in alert
    assert "of 1 interview quoted here has not been reviewed: INT-001." in alert
    quiet = export(run, coded, "--format", "html", "-o", out, "--reviewed-only")
    assert "WARNING" not in quiet.stderr
    assert not lxml.html.fromstring(out.read_bytes()).xpath('//p[@role="alert"]')


def test_the_html_report_parses_and_needs_nothing_from_the_network(coded, run, tmp_path):
    out = tmp_path / "report.html"
    export(run, coded, "--format", "html", "-o", out, "--mark-pseudonyms")
    page = lxml.html.fromstring(out.read_bytes())
    assert page.xpath("//style") and "@media print" in page.xpath("//style")[0].text
    assert not page.xpath("//link|//script|//img|//*[@src]")
    quotes = page.xpath("//blockquote")
    assert len(quotes) == 4
    assert [a.get("href") for a in page.xpath("//nav//a")][:2] == [
        "#violence",
        "#physical-violence",
    ]
    first = page.xpath('//section[@id="physical-violence"]//blockquote')[0]
    marked = first.xpath('.//span[@class="pseudonym"]/text()')
    assert len(marked) == 1 and marked[0]
    quote = first.xpath('.//span[@class="quote important"]')[0].text_content()
    assert quote == "My husband " + marked[0]
    assert "coded by ana" in first.xpath('.//footer[@class="attribution"]')[0].text_content()


def test_the_docx_report_uses_word_styles_an_editor_can_restyle(coded, run, tmp_path):
    out = tmp_path / "report.docx"
    result = export(run, coded, "--format", "docx", "-o", out, "--attribute", "role")
    assert result.exit_code == 0, result.stderr
    document = docx.Document(str(out))
    styled = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Heading 1", "Forms of violence") in styled
    assert ("Heading 2", "Physical violence") in styled
    assert ("Heading 3", "Isolation and control of movement") in styled
    assert ("Quote", "The police said it was a family matter!") in styled
    assert ("Attribution", "— INT-001 (survivor), A, ¶2, coded by ana") in styled
    assert document.styles["Attribution"].base_style.name == "Normal"
    body = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert 'TOC \\o "1-3"' in body
    assert document.core_properties.author == "testimony"


def test_the_csv_has_one_row_per_quote_with_every_field(coded, run, tmp_path):
    out = tmp_path / "rows.csv"
    export(run, coded, "--format", "csv", "-o", out, "--context")
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 4
    first = next(r for r in rows if r["quote"] == "The police said it was a family matter!")
    assert first["theme"] == "police-dismissal"
    assert first["theme_path"] == "Police response > Dismissal and not taken seriously"
    assert (first["interview"], first["speaker"], first["excerpt"]) == ("INT-001", "A", "2")
    assert (first["coder"], first["memo"], first["attribute:role"]) == (
        "ana",
        "classic dismissal",
        "survivor",
    )
    assert first["before"] == "Call his brother at [PHONE-1]."


def test_csv_cells_that_a_spreadsheet_would_run_are_made_inert(coded, run, tmp_path):
    with coded.session() as s, s.begin():
        s.execute(Coding.__table__.update().values(memo='=HYPERLINK("http://x","y")'))
    out = tmp_path / "rows.csv"
    export(run, coded, "--format", "csv", "-o", out)
    memos = {r["memo"] for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))}
    assert memos == {'\'=HYPERLINK("http://x","y")'}
    assert [neutralise(c) for c in ("+1", "-2", "@a", "\tb", "\rc", "ok", 3)] == [
        "'+1",
        "'-2",
        "'@a",
        "'\tb",
        "'\rc",
        "ok",
        3,
    ]


def test_full_width_and_small_formula_signs_are_made_inert_too(coded, run, tmp_path):
    """Spreadsheets fold ＝＋－＠ (and the small forms) into = + - @ before reading a formula."""
    with coded.session() as s, s.begin():
        s.execute(Coding.__table__.update().values(memo='＝HYPERLINK("http://x","y")'))
    out = tmp_path / "rows.csv"
    export(run, coded, "--format", "csv", "-o", out)
    memos = {r["memo"] for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))}
    assert memos == {'\'＝HYPERLINK("http://x","y")'}
    signs = ("＋1", "－2", "＠a", "﹦1", "﹢1", "﹣2", "﹫a")
    assert [neutralise(c) for c in signs] == [f"'{c}" for c in signs]
    assert [neutralise(c) for c in ("ｏｋ", "Ａ=1", "−1", "")] == ["ｏｋ", "Ａ=1", "−1", ""]


def test_every_character_that_folds_into_a_formula_sign_is_known():
    """The list export checks against, compared with Unicode's own NFKC over every code point."""
    folds = {
        c
        for c in map(chr, range(0x80, sys.maxunicode + 1))
        if unicodedata.normalize("NFKC", c).startswith(FORMULA_START)
    }
    assert folds == FOLDED_FORMULA_START


def test_json_has_the_themes_and_one_row_per_quote(coded, run, tmp_path):
    result = export(run, coded, "--format", "json")
    document = json.loads(result.stdout)
    assert [t["id"] for t in document["themes"]][:2] == ["violence", "physical-violence"]
    quote = next(q for q in document["quotes"] if q["interview"] == "INT-002")
    assert quote["attributes"] == {"role": "lawyer"}
    assert quote["start_ms"] == 65000 and quote["time"] == "00:01:05"
    assert document["unreviewed_interviews"] == ["INT-001"]


def test_every_export_is_written_to_the_audit_log(coded, run, tmp_path):
    export(run, coded, "--format", "csv", "-o", tmp_path / "a.csv", "--coder", "ana")
    with coded.session() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (entry.action, entry.target) == ("export", "a.csv")
    assert entry.details["format"] == "csv" and entry.details["coders"] == ["ana"]
    assert entry.details["quotes"] == 3 and len(entry.details["sha256"]) == 64


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reads_back_with_the_quotes(coded, run, tmp_path, fmt):
    out = tmp_path / f"export.{fmt}"
    result = export(run, coded, "--format", fmt, "-o", out)
    assert result.exit_code == 0, result.stderr
    from testimony.redact.leak import file_text

    assert "The police said it was a family matter!" in file_text(out)


def _coding_number(project, n: int) -> int:
    """The id of the n-th coding the helper made (ids are assigned in order)."""
    with project.session() as s:
        ids = sorted(s.scalars(select(Coding.id)))
    return ids[n - 1]
