"""The theme-quote report as a Word document an editor can restyle.

Real Word styles throughout: Title, Heading 1-9 for themes (so the table of
contents field and the navigation pane work), Quote for quotes, and named
styles of our own (Attribution, Theme Counts, Memo, Report Warning; Context
and Pseudonym for characters) that an editor changes once to restyle them all.
"""

from __future__ import annotations

import io

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from testimony.export.quotes import Quote, Report
from testimony.export.wording import attribution, counts, segments, unreviewed_warning

GREY = RGBColor(0x5F, 0x63, 0x68)


def render_docx(report: Report) -> bytes:
    document = docx.Document()
    styles = _styles(document)
    _neutral_properties(document, report)
    document.add_paragraph(report.title, styles["Title"])
    document.add_paragraph(
        f"Exported {report.generated_at:%Y-%m-%d %H:%M} UTC; {report.quote_count} quotes.",
        styles["Subtitle"],
    )
    warning = unreviewed_warning(report)
    if warning:
        document.add_paragraph(warning, styles["Report Warning"])
    document.add_paragraph("Contents", styles["TOC Heading"])
    _toc_field(document.add_paragraph())
    _ask_word_to_update_fields(document)
    for section in report.sections:
        level = min(section.depth + 1, 9)
        document.add_paragraph(section.name, styles[f"Heading {level}"])
        if section.description:
            document.add_paragraph(section.description, styles["Normal"])
        document.add_paragraph(counts(section), styles["Theme Counts"])
        if report.with_memos:
            for memo in section.memos:
                document.add_paragraph(f"Memo: {memo}", styles["Memo"])
        for quote in section.quotes:
            _quote(document, quote, report, styles)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _quote(document, quote: Quote, report: Report, styles: dict) -> None:  # noqa: ANN001
    paragraph = document.add_paragraph(style=styles["Quote"])
    if report.with_context and quote.before:
        paragraph.add_run(quote.before + " ", styles["Context"])
    if quote.important:
        paragraph.add_run("★ ")
    for piece, is_pseudonym in segments(quote, report.mark_pseudonyms):
        paragraph.add_run(piece, styles["Pseudonym"] if is_pseudonym else None)
    if report.with_context and quote.after:
        paragraph.add_run(" " + quote.after, styles["Context"])
    document.add_paragraph(
        "— " + attribution(quote, report.shown_attributes), styles["Attribution"]
    )
    if report.with_memos and quote.memo:
        document.add_paragraph(f"Memo: {quote.memo}", styles["Memo"])


def _styles(document) -> dict:  # noqa: ANN001
    """The built-in styles we use, and ours, by name (objects, so lookups are cheap)."""
    styles = document.styles
    wanted = ["Normal", "Title", "Subtitle", "Quote", "TOC Heading"]
    wanted += [f"Heading {n}" for n in range(1, 10)]
    found = {}
    for name in wanted:
        try:
            found[name] = styles[name]
        except KeyError:
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = styles["Heading 1"] if name == "TOC Heading" else styles["Normal"]
            found[name] = style

    def paragraph_style(name: str, size: float, italic=False, bold=False, colour=None):  # noqa: ANN001, ANN202
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.quick_style = True
        style.font.size = Pt(size)
        style.font.italic = italic
        style.font.bold = bold
        if colour is not None:
            style.font.color.rgb = colour
        return style

    found["Attribution"] = paragraph_style("Attribution", 9, colour=GREY)
    found["Attribution"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    found["Attribution"].paragraph_format.space_after = Pt(12)
    found["Attribution"].paragraph_format.left_indent = Pt(36)
    found["Theme Counts"] = paragraph_style("Theme Counts", 9, italic=True, colour=GREY)
    found["Memo"] = paragraph_style("Memo", 9)
    found["Memo"].paragraph_format.left_indent = Pt(36)
    found["Report Warning"] = paragraph_style(
        "Report Warning", 11, bold=True, colour=RGBColor(0x9A, 0x34, 0x12)
    )
    for name, colour in (("Context", GREY), ("Pseudonym", None)):
        style = styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        if colour is not None:
            style.font.color.rgb = colour
        else:
            style.font.underline = True
        found[name] = style
    return found


def _neutral_properties(document, report: Report) -> None:  # noqa: ANN001
    """No author names (python-docx's template carries its own) in the file's properties."""
    props = document.core_properties
    props.title = report.title
    props.author = "testimony"
    props.last_modified_by = "testimony"
    props.comments = ""
    props.subject = "theme-quote report"
    props.keywords = ""
    props.created = report.generated_at.replace(tzinfo=None)
    props.modified = report.generated_at.replace(tzinfo=None)
    props.revision = 1


def _toc_field(paragraph) -> None:  # noqa: ANN001
    """A TOC field over Heading 1-3; Word fills it when fields are updated (F9)."""

    def run_with(child) -> None:  # noqa: ANN001
        run = OxmlElement("w:r")
        run.append(child)
        paragraph._p.append(run)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    run_with(begin)
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = 'TOC \\o "1-3" \\h \\z \\u'
    run_with(instruction)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    placeholder = OxmlElement("w:t")
    placeholder.text = "Update this field (F9, or right-click > Update Field) to list the themes."
    run_with(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _ask_word_to_update_fields(document) -> None:  # noqa: ANN001
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)
