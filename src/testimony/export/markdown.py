"""The theme-quote report as Markdown: headings by theme, quotes as block quotes."""

from __future__ import annotations

import re

from testimony.counts import counted
from testimony.export.quotes import Quote, Report
from testimony.export.wording import (
    attribution,
    bracketed,
    counts,
    segments,
    unreviewed_warning,
)

SPECIAL = re.compile(r"([\\`*_<>#|])")
# "[text](url)", "[text][ref]" and "[ref]: url" make links and pictures that fetch from the
# network when the report is viewed; an escaped closing bracket leaves "[PERSON-1]" as it is.
LINK_CLOSE = re.compile(r"\](?=[(\[:])")


def escape(text: str) -> str:
    """Text that Markdown shows as written (no emphasis, tags, headings or links)."""
    return LINK_CLOSE.sub(r"\\]", SPECIAL.sub(r"\\\1", text))


def render_markdown(report: Report) -> bytes:
    out: list[str] = [f"# {escape(report.title)}", ""]
    exported = f"Exported {report.generated_at:%Y-%m-%d %H:%M} UTC"
    out += [f"{exported}; {counted(report.quote_count, 'quote')}.", ""]
    warning = unreviewed_warning(report)
    if warning:
        out += [f"> **{escape(warning)}**", ""]
    for section in report.sections:
        level = "#" * min(section.depth + 2, 6)
        out += [f"{level} {escape(section.name)}", ""]
        if section.description:
            out += [escape(section.description), ""]
        out += [f"*{counts(section)}*", ""]
        if report.with_memos:
            out += [f"Memo: {escape(memo)}\n" for memo in section.memos]
        for quote in section.quotes:
            out += _quote(quote, report)
    return "\n".join(out).encode("utf-8")


def _quote(quote: Quote, report: Report) -> list[str]:
    text = "".join(
        escape(bracketed(piece) if is_pseudonym else piece)
        for piece, is_pseudonym in segments(quote, report.mark_pseudonyms)
    )
    if report.with_context:
        before = f"*{escape(quote.before)}* " if quote.before else ""
        after = f" *{escape(quote.after)}*" if quote.after else ""
        text = f"{before}**{text}**{after}"
    star = "★ " if quote.important else ""
    credit = escape(attribution(quote, report.shown_attributes))
    lines = [_blockquote(star + text), ">", f"> — {credit}"]
    if report.with_memos and quote.memo:
        lines += [">", _blockquote(f"Memo: {escape(quote.memo)}")]
    return [*lines, ""]


def _blockquote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))
