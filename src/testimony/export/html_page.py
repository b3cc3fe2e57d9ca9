"""The theme-quote report as one self-contained HTML page (styles inline, no network)."""

from __future__ import annotations

import re
from html import escape
from importlib.resources import files

from testimony.counts import counted
from testimony.export.quotes import Quote, Report, ThemeSection
from testimony.export.wording import attribution, counts, segments, unreviewed_warning

HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")


def render_html(report: Report) -> bytes:
    css = files("testimony.export").joinpath("templates/report.css").read_text(encoding="utf-8")
    title = escape(report.title)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>\n{css}</style>",
        "</head>",
        "<body>",
        f"<h1>{title}</h1>",
        f'<p class="meta">Exported {report.generated_at:%Y-%m-%d %H:%M} UTC; '
        f"{counted(report.quote_count, 'quote')}.</p>",
    ]
    warning = unreviewed_warning(report)
    if warning:
        out.append(f'<p class="warning" role="alert">{escape(warning)}</p>')
    out += _contents(report.sections)
    for section in report.sections:
        out += _section(section, report)
    out += ["</body>", "</html>", ""]
    return "\n".join(out).encode("utf-8")


def _contents(sections: list[ThemeSection]) -> list[str]:
    out = ['<nav aria-label="Contents">', "<h2>Contents</h2>", "<ol>"]
    depth = 0
    for section in sections:
        while depth < section.depth:
            out.append("<ol>")
            depth += 1
        while depth > section.depth:
            out.append("</ol>")
            depth -= 1
        out.append(
            f'<li><a href="#{escape(section.id)}">{escape(section.name)}</a> '
            f"({len(section.quotes)})</li>"
        )
    out += ["</ol>" * (depth + 1), "</nav>"]
    return out


def _section(section: ThemeSection, report: Report) -> list[str]:
    level = min(section.depth + 2, 6)
    # Only a plain colour goes into CSS: "red; background: url(...)" would fetch when viewed.
    safe = section.color and HEX_COLOUR.fullmatch(section.color)
    colour = f' style="--theme: {section.color}"' if safe else ""
    out = [
        f'<section id="{escape(section.id)}"{colour}>',
        f"<h{level}>{escape(section.name)}</h{level}>",
    ]
    if section.description:
        out.append(f'<p class="description">{escape(section.description)}</p>')
    out.append(f'<p class="counts">{counts(section)}</p>')
    if report.with_memos:
        out += [f'<p class="memo">Memo: {escape(memo)}</p>' for memo in section.memos]
    for quote in section.quotes:
        out.append(_quote(quote, report))
    out.append("</section>")
    return out


def _quote(quote: Quote, report: Report) -> str:
    text = "".join(
        f'<span class="pseudonym">{escape(piece)}</span>' if is_pseudonym else escape(piece)
        for piece, is_pseudonym in segments(quote, report.mark_pseudonyms)
    )
    classes = "quote important" if quote.important else "quote"
    body = f'<span class="{classes}">{text}</span>'
    if report.with_context:
        before = f'<span class="context">{escape(quote.before)}</span> ' if quote.before else ""
        after = f' <span class="context">{escape(quote.after)}</span>' if quote.after else ""
        body = before + body + after
    memo = (
        f'<p class="memo">Memo: {escape(quote.memo)}</p>'
        if report.with_memos and quote.memo
        else ""
    )
    credit = escape(attribution(quote, report.shown_attributes))
    return (
        f'<blockquote id="coding-{quote.coding_id}"><p>{body}</p>'
        f'<footer class="attribution">— {credit}</footer>{memo}</blockquote>'
    )
