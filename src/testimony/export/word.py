"""The theme-quote report as a Word document an editor can restyle.

Real Word styles throughout: Title, Heading 1-9 for themes (so the table of
contents field and the navigation pane work), Quote for quotes, and named
styles of our own (Attribution, Theme Counts, Memo, Report Warning; Context
and Pseudonym for characters) that an editor changes once to restyle them all.
"""

from __future__ import annotations

import io
from dataclasses import replace
from xml.sax.saxutils import escape

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from lxml import etree

from testimony.counts import counted
from testimony.export.quotes import Quote, Report
from testimony.export.wording import attribution, counts, segments, unreviewed_warning
from testimony.export.xml_safe import xml_safe

GREY = RGBColor(0x5F, 0x63, 0x68)


def render_docx(report: Report) -> bytes:
    report = replace(report, title=xml_safe(report.title))  # python-docx refuses controls
    document = docx.Document()
    styles = _styles(document)
    _neutral_properties(document, report)
    document.add_paragraph(report.title, styles["Title"])
    document.add_paragraph(
        f"Exported {report.generated_at:%Y-%m-%d %H:%M} UTC; "
        f"{counted(report.quote_count, 'quote')}.",
        styles["Subtitle"],
    )
    warning = unreviewed_warning(report)
    if warning:
        document.add_paragraph(warning, styles["Report Warning"])
    document.add_paragraph("Contents", styles["TOC Heading"])
    _toc_field(document.add_paragraph())
    _ask_word_to_update_fields(document)
    ids = {name: style.style_id for name, style in styles.items()}
    body = _Body(ids)
    for section in report.sections:
        body.paragraph(f"Heading {min(section.depth + 1, 9)}", section.name)
        if section.description:
            body.paragraph("Normal", section.description)
        body.paragraph("Theme Counts", counts(section))
        if report.with_memos:
            for memo in section.memos:
                body.paragraph("Memo", f"Memo: {memo}")
        for quote in section.quotes:
            _quote(body, quote, report)
    body.append_to(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _quote(body: _Body, quote: Quote, report: Report) -> None:
    runs: list[tuple[str, str | None]] = []
    if report.with_context and quote.before:
        runs.append((quote.before + " ", "Context"))
    if quote.important:
        runs.append(("★ ", None))
    runs += [
        (piece, "Pseudonym" if is_pseudonym else None)
        for piece, is_pseudonym in segments(quote, report.mark_pseudonyms)
    ]
    if report.with_context and quote.after:
        runs.append((" " + quote.after, "Context"))
    body.paragraph("Quote", runs)
    body.paragraph("Attribution", "— " + attribution(quote, report.shown_attributes))
    if report.with_memos and quote.memo:
        body.paragraph("Memo", f"Memo: {quote.memo}")


class _Body:
    """Paragraphs written as WordprocessingML text and parsed once: python-docx's
    add_paragraph looks up the default style on every call, which takes minutes
    for 100,000 quotes."""

    def __init__(self, style_ids: dict[str, str]) -> None:
        self.ids = style_ids
        self.parts: list[str] = []

    def paragraph(self, style: str, content: str | list[tuple[str, str | None]]) -> None:
        runs = [(content, None)] if isinstance(content, str) else content
        xml = [f'<w:p><w:pPr><w:pStyle w:val="{self.ids[style]}"/></w:pPr>']
        for text, character_style in runs:
            if not text:
                continue
            xml.append("<w:r>")
            if character_style:
                xml.append(f'<w:rPr><w:rStyle w:val="{self.ids[character_style]}"/></w:rPr>')
            xml.append(_run_text(text))
            xml.append("</w:r>")
        xml.append("</w:p>")
        self.parts.append("".join(xml))

    def append_to(self, document) -> None:  # noqa: ANN001
        fragment = etree.fromstring(
            f'<w:body xmlns:w="{W_NS}">{"".join(self.parts)}</w:body>'.encode()
        )
        body = document.element.body
        sect = body.sectPr
        at = body.index(sect) if sect is not None else len(body)
        body[at:at] = list(fragment)


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _run_text(text: str) -> str:
    """A run's text as w:t, line breaks as w:br and tabs as w:tab, as python-docx writes them."""
    text = xml_safe(text)
    pieces = []
    for i, line in enumerate(text.split("\n")):
        if i:
            pieces.append("<w:br/>")
        for j, cell in enumerate(line.split("\t")):
            if j:
                pieces.append("<w:tab/>")
            if cell:
                pieces.append(f'<w:t xml:space="preserve">{escape(cell)}</w:t>')
    return "".join(pieces)


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
