"""Words every report format shares: attributions, counts, the unreviewed warning."""

from __future__ import annotations

from collections.abc import Iterator

from testimony.counts import counted
from testimony.export.quotes import Quote, Report, ThemeSection


def attribution(quote: Quote, shown_attributes: tuple[str, ...]) -> str:
    """'INT-003 (survivor, 30s), RESPONDENT, 00:12:34, coded by ana'."""
    values = [quote.attributes[n] for n in shown_attributes if quote.attributes.get(n)]
    who = quote.interview + (f" ({', '.join(values)})" if values else "")
    parts = [who, quote.speaker or "", quote.where, f"coded by {quote.coder}"]
    return ", ".join(p for p in parts if p)


def counts(section: ThemeSection) -> str:
    """'3 quotes from 2 interviews', and the totals with sub-themes when they differ."""
    text = _quotes_from(len(section.quotes), section.interview_count)
    if section.total_quotes != len(section.quotes):
        text += f"; {_quotes_from(section.total_quotes, section.total_interviews)} with sub-themes"
    return text


def _quotes_from(quotes: int, interviews: int) -> str:
    return f"{counted(quotes, 'quote')} from {counted(interviews, 'interview')}"


def unreviewed_warning(report: Report) -> str | None:
    """The warning printed in a report quoting interviews whose redactions are unreviewed."""
    if not report.unreviewed:
        return None
    count = len(report.unreviewed)
    return (
        "WARNING: not for publication. The redactions of "
        f"{counted(count, 'interview')} quoted here "
        + ("has" if count == 1 else "have")
        + " not been reviewed: "
        + ", ".join(report.unreviewed)
        + ". Missed identifiers may remain; export with --reviewed-only once they are."
    )


def segments(quote: Quote, mark: bool) -> Iterator[tuple[str, bool]]:
    """The quote's text as (piece, is_pseudonym) runs; one plain run unless `mark`."""
    if not mark or not quote.pseudonyms:
        yield quote.text, False
        return
    cursor = 0
    for start, end, _label in sorted(quote.pseudonyms):
        if start < cursor:
            continue
        if start > cursor:
            yield quote.text[cursor:start], False
        yield quote.text[start:end], True
        cursor = end
    if cursor < len(quote.text):
        yield quote.text[cursor:], False


def bracketed(piece: str) -> str:
    """A pseudonym made visible in plain text; tags such as [PERSON-3] already are."""
    return piece if piece.startswith("[") else f"[{piece}]"
