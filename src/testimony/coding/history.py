"""What an operation of the undo log did, told as the coder sees it.

The log's own summary ("apply physical-violence") names themes by their
codebook ids, written when the action was made. Undo and redo tell the coder
instead what they take back or do again, with the themes' names and the
excerpt as the reader shows it: "coded “Police dismissal” on 12 words of
INT-003 ¶41". The words are made from the rows the operation changed, so
operations logged before this module existed read the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from testimony.coding.excerpts import excerpt_locations
from testimony.counts import counted
from testimony.db.models import Excerpt, Interview, Theme

THEME_FIELDS = {  # a theme's columns as the codebook editor names them
    "name": "name",
    "description": "description",
    "include": "include criteria",
    "exclude": "exclude criteria",
    "color": "colour",
    "shortcut": "key",
    "examples": "examples",
}


def describe(session: Session, action: str, summary: str, changes: list[dict]) -> str:
    """The operation in the coder's words (past tense, no verb of undoing)."""
    names = _Names(session, changes)
    codings = [c for c in changes if c["table"] == "codings"]
    memos = [c for c in changes if c["table"] == "memos"]
    themes = [c for c in changes if c["table"] == "themes"]
    if action.startswith("theme-"):
        return _codebook_edit(action, summary, themes, codings, names)
    if action == "memo" and memos:
        return _memo(memos[0], names)
    if action == "autocode" and codings:
        query = re.match(r"autocode (.+) as \S+$", summary)
        excerpts = {c["after"]["excerpt_id"] for c in codings if c["after"]}
        first = codings[0]["after"] or {}
        return (
            f"coded “{names.theme(first.get('theme_id'))}” on "
            f"{counted(len(codings), 'search hit')} in {counted(len(excerpts), 'excerpt')}"
            + (f" ({query.group(1)})" if query else "")
        )
    if len(codings) == 1:
        return _coding(action, codings[0], names) or summary
    return summary


def _coding(action: str, item: dict, names: _Names) -> str | None:
    before, after = item["before"], item["after"]
    row = after or before
    where = names.words_of(row)
    if action == "apply" and after:
        return f"coded “{names.theme(after['theme_id'])}” on {where}"
    if action == "remove" and before:
        return f"removed “{names.theme(before['theme_id'])}” from {where}"
    if not (before and after):
        return None
    theme = names.theme(after["theme_id"])
    if action == "change":
        return f"changed “{names.theme(before['theme_id'])}” to “{theme}” on {where}"
    if action == "important":
        mark = "important" if after["important"] else "not important"
        return f"marked “{theme}” {mark} ({where})"
    if action == "memo":
        return f"{_memo_verb(before.get('memo'), after.get('memo'))} on “{theme}” ({where})"
    return None


def _memo(item: dict, names: _Names) -> str:
    before, after = item["before"], item["after"]
    row = after or before
    kind, target = row["target_type"], row.get("target_id")
    if kind == "project":
        about = "the project"
    elif kind == "interview":
        about = f"interview {names.interview(target)}"
    elif kind == "excerpt":
        about = names.place(target)
    elif kind == "theme":
        about = f"theme “{names.theme(target)}”"
    else:
        about = kind
    return f"{_memo_verb((before or {}).get('text'), (after or {}).get('text'))} on {about}"


def _memo_verb(before: str | None, after: str | None) -> str:
    if not before:
        return "wrote a memo"
    return "removed the memo" if not after else "edited the memo"


def _codebook_edit(
    action: str, summary: str, themes: list[dict], codings: list[dict], names: _Names
) -> str:
    added = [c["after"] for c in themes if c["before"] is None and c["after"]]
    gone = [c["before"] for c in themes if c["after"] is None and c["before"]]
    changed = [(c["before"], c["after"]) for c in themes if c["before"] and c["after"]]
    moved_to = {c["after"]["theme_id"] for c in codings if c["after"]}
    target = names.theme(next(iter(moved_to))) if len(moved_to) == 1 else None
    if action == "theme-add" and added:
        return f"added the theme “{added[0]['name']}”"
    if action == "theme-merge" and gone:
        into = target or names.theme_by_slug(_quoted(summary)[-1:])
        return f"merged “{gone[0]['name']}” into “{into}”"
    if action == "theme-delete" and gone:
        moved = f"; {counted(len(codings), 'coding')} moved to “{target}”" if target else ""
        return f"deleted the theme “{gone[0]['name']}”{moved}"
    slugs = _quoted(summary)
    edited = next((pair for pair in changed if pair[0]["slug"] in slugs[:1]), None)
    if edited is None:
        return summary
    before, after = edited
    if action == "theme-move":
        parent = after["parent_id"]
        where = f"under “{names.theme(parent)}”" if parent else "to the top level"
        return f"moved “{after['name']}” {where}"
    if action == "theme-edit":
        if before["name"] != after["name"]:
            return f"renamed “{before['name']}” to “{after['name']}”"
        fields = [word for key, word in THEME_FIELDS.items() if before.get(key) != after.get(key)]
        return f"changed the {' and '.join(fields) or 'texts'} of “{after['name']}”"
    return summary


def _quoted(summary: str) -> list[str]:
    """The theme ids a codebook edit's summary names, in order ('a' … 'b')."""
    return re.findall(r"'([^']+)'", summary)


class _Names:
    """Theme names, interview codes and excerpt places, looked up once per operation;
    a theme gone from the codebook keeps the name its logged row had."""

    def __init__(self, session: Session, changes: list[dict]) -> None:
        self.session = session
        rows = [row for c in changes for row in (c["before"], c["after"]) if row]
        logged = {r["id"]: r["name"] for c, r in _theme_rows(changes)}
        theme_ids = {r["theme_id"] for r in rows if "theme_id" in r}
        theme_ids |= {r["target_id"] for r in rows if r.get("target_type") == "theme"}
        theme_ids |= {r["parent_id"] for r in rows if r.get("parent_id")}
        found = session.execute(select(Theme.id, Theme.name).where(Theme.id.in_(theme_ids)))
        current = {theme_id: name for theme_id, name in found}
        self.themes = {**logged, **current}
        excerpt_ids = {r["excerpt_id"] for r in rows if "excerpt_id" in r}
        excerpt_ids |= {r["target_id"] for r in rows if r.get("target_type") == "excerpt"}
        self.places = excerpt_locations(session, sorted(i for i in excerpt_ids if i is not None))
        texts = session.execute(select(Excerpt.id, Excerpt.text).where(Excerpt.id.in_(excerpt_ids)))
        self.texts = {excerpt_id: text for excerpt_id, text in texts}

    def theme(self, theme_id: int | None) -> str:
        return self.themes.get(theme_id, "a theme gone from the codebook")

    def theme_by_slug(self, slugs: list[str]) -> str:
        found = self.session.scalar(select(Theme.name).where(Theme.slug.in_(slugs)))
        return found or (slugs[0] if slugs else "another theme")

    def interview(self, interview_id: int | None) -> str:
        code = self.session.scalar(select(Interview.code).where(Interview.id == interview_id))
        return code or "(gone)"

    def place(self, excerpt_id: int | None) -> str:
        where = self.places.get(excerpt_id)  # type: ignore[arg-type]
        return f"{where['interview']} ¶{where['position']}" if where else "an excerpt gone"

    def words_of(self, coding: dict) -> str:
        """“12 words of INT-003 ¶41”: the coded span's length and where it is."""
        text = self.texts.get(coding["excerpt_id"], "")
        words = len(text[coding["start"] : coding["end"]].split()) or 1
        return f"{counted(words, 'word')} of {self.place(coding['excerpt_id'])}"


def _theme_rows(changes: Iterable[dict]) -> Iterable[tuple[dict, dict]]:
    for item in changes:
        if item["table"] == "themes":
            for row in (item["before"], item["after"]):
                if row:
                    yield item, row
