"""One row per quote with every field, as CSV or JSON, for scripts and spreadsheets."""

from __future__ import annotations

import csv
import io
import json

from testimony.export.quotes import Quote, Report, ThemeSection
from testimony.export.wording import bracketed, segments

FIELDS = (
    "coding_id",
    "theme",
    "theme_name",
    "theme_path",
    "interview",
    "interview_title",
    "review_state",
    "speaker",
    "speaker_role",
    "excerpt_id",
    "excerpt",
    "start_ms",
    "end_ms",
    "time",
    "start",
    "end",
    "quote",
    "before",
    "after",
    "coder",
    "important",
    "memo",
)
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# ...and with one it folds (Unicode NFKC) into them: full-width ＝＋－＠, small ﹦﹢﹣﹫,
# super- and subscript ⁺⁼₊₌, ⩵ ⩶ and Hebrew's alternative plus. tests/test_export.py
# checks this list against every code point.
FOLDED_FORMULA_START = frozenset(
    "\u207a\u207c\u208a\u208c\u2a75\u2a76\ufb29\ufe62\ufe63\ufe66\ufe6b\uff0b\uff0d\uff1d\uff20"
)


def quote_row(quote: Quote, section: ThemeSection, report: Report) -> dict:
    """Every field of a quote; `start`/`end` are code points within the excerpt."""
    text = quote.text
    if report.mark_pseudonyms and quote.pseudonyms:
        text = "".join(
            bracketed(piece) if is_pseudonym else piece
            for piece, is_pseudonym in segments(quote, report.mark_pseudonyms)
        )
    return {
        "coding_id": quote.coding_id,
        "theme": section.id,
        "theme_name": section.name,
        "theme_path": section.path,
        "interview": quote.interview,
        "interview_title": quote.interview_title,
        "review_state": quote.review_state,
        "speaker": quote.speaker,
        "speaker_role": quote.speaker_role,
        "excerpt_id": quote.excerpt_id,
        "excerpt": quote.position,
        "start_ms": quote.start_ms,
        "end_ms": quote.end_ms,
        "time": quote.where,
        "start": quote.start,
        "end": quote.end,
        "quote": text,
        "before": quote.before,
        "after": quote.after,
        "coder": quote.coder,
        "important": quote.important,
        "memo": quote.memo if report.with_memos else None,
    }


def render_json(report: Report) -> bytes:
    """{"title", "exported_at", "unreviewed", "themes": [...], "quotes": [rows]}."""
    quotes = []
    for section in report.sections:
        for quote in section.quotes:
            row = quote_row(quote, section, report)
            row["attributes"] = quote.attributes
            row["pseudonyms"] = [
                {"start": s, "end": e, "label": label} for s, e, label in quote.pseudonyms
            ]
            quotes.append(row)
    document = {
        "title": report.title,
        "exported_at": report.generated_at.isoformat(),
        "unreviewed_interviews": report.unreviewed,
        "themes": [
            {
                "id": s.id,
                "name": s.name,
                "parent": s.parent,
                "path": s.path,
                "description": s.description,
                "quotes": len(s.quotes),
                "interviews": s.interview_count,
                "memos": s.memos if report.with_memos else [],
            }
            for s in report.sections
        ],
    }
    # One quote per line: indented output would need json's pure-Python encoder, several
    # times slower on 100,000 quotes than the C encoder that writes each row here.
    head = json.dumps(document, ensure_ascii=False, indent=1)
    rows = ",\n".join("  " + json.dumps(row, ensure_ascii=False) for row in quotes)
    body = (
        f'{head[:-2]},\n "quotes": [\n{rows}\n ]\n}}'
        if quotes
        else f'{head[:-2]},\n "quotes": []\n}}'
    )
    return body.encode("utf-8")


def render_csv(report: Report) -> bytes:
    """UTF-8 with a BOM (so spreadsheets read it as UTF-8), one column per attribute."""
    attribute_columns = [f"attribute:{name}" for name in report.attribute_names]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([*FIELDS, *attribute_columns])
    for section in report.sections:
        for quote in section.quotes:
            row = quote_row(quote, section, report)
            cells = [row[f] for f in FIELDS]
            cells += [quote.attributes.get(name, "") for name in report.attribute_names]
            writer.writerow([neutralise(cell) for cell in cells])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def neutralise(cell: object) -> object:
    """A text cell a spreadsheet would run as a formula, made inert with a leading quote."""
    if isinstance(cell, str) and (
        cell.startswith(FORMULA_START) or cell[:1] in FOLDED_FORMULA_START
    ):
        return "'" + cell
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    return "" if cell is None else cell
