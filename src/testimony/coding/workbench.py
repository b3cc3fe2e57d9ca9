"""One coder's session with a project: every coding service behind short transactions.

The TUI and the CLI both work through a Workbench, so a script can do what a
coder does. Each call opens a session, commits, and returns plain data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from testimony.coding import (
    attribute_filter,
    codebook_edits,
    codings,
    memos,
    oplog,
    reader,
    retrieval,
)
from testimony.coding import autocode as autocode_service
from testimony.coding.coders import coder_id, coders_with_codings
from testimony.coding.colors import inherited_colors
from testimony.coding.errors import CodingError
from testimony.coding.excerpts import excerpt_locations
from testimony.coding.interviews import InterviewSummary, list_interviews
from testimony.coding.search import SearchHit, search_excerpts
from testimony.coding.themes import ThemeRow, list_themes
from testimony.db import audit
from testimony.db.models import Theme
from testimony.db.retry import retrying
from testimony.project import Project

T = TypeVar("T")
MINE, ALL = "mine", "all"


class Workbench:
    """What one coder can do in a project; every action is committed when it returns."""

    def __init__(self, project: Project, coder: str) -> None:
        self.project = project
        self.coder = coder
        self.coder_id = self._write(lambda s: coder_id(s, coder))

    def _write(self, work: Callable[[Session], T]) -> T:
        """Run work in one committed transaction; run it again if it lost a race (team mode)."""

        def transaction() -> T:
            with self.project.write_session() as s, s.begin():
                return work(s)

        return retrying(transaction)

    def _read(self, work: Callable[[Session], T]) -> T:
        with self.project.session() as s:
            return work(s)

    # --- reading ---------------------------------------------------------------------------

    def interviews(self, only: str | None = None) -> list[InterviewSummary]:
        return self._read(lambda s: list_interviews(s, only))

    def themes(self, with_counts: bool = True) -> list[ThemeRow]:
        """The codebook in order, each theme with its own or its parent's colour."""

        def work(s: Session) -> list[ThemeRow]:
            colors = inherited_colors(s)
            rows = list_themes(s, with_counts)
            return [replace(t, color=colors.get(t.id, t.color)) for t in rows]

        return self._read(work)

    def coders(self) -> list[str]:
        """Coders with codings, the current coder first."""
        others = [c for c in self._read(coders_with_codings) if c != self.coder]
        return [self.coder, *others]

    def view_coders(self, view: str) -> list[str] | None:
        """Whose codings a view shows: MINE, ALL (None) or one coder's name."""
        if view == ALL:
            return None
        return [self.coder] if view == MINE else [view]

    def excerpt(
        self, excerpt_id: int, view: str = MINE, context: bool = True
    ) -> reader.ExcerptView:
        """An excerpt as the reader shows it; with context, its neighbours' end and start."""
        return self._read(
            lambda s: reader.excerpt_view(
                s, excerpt_id, self.view_coders(view), self.coder_id, context
            )
        )

    def first_excerpt(self, interview: str | None = None) -> int | None:
        return self._read(lambda s: reader.first_excerpt(s, interview))

    def last_excerpt(self, interview: str) -> int | None:
        return self._read(lambda s: reader.last_excerpt(s, interview))

    def excerpt_at(self, interview: str, position: int) -> int | None:
        return self._read(lambda s: reader.excerpt_at(s, interview, position))

    def step(self, excerpt_id: int, steps: int) -> int:
        return self._read(lambda s: reader.step(s, excerpt_id, steps))

    def last_place(self) -> int | None:
        """The excerpt this coder was reading when they last quit."""
        return self._read(lambda s: reader.last_place(s, self.coder))

    def remember_place(self, excerpt_id: int) -> None:
        self._write(lambda s: reader.remember_place(s, self.coder, excerpt_id))

    def shows_context(self) -> bool:
        """Whether this coder reads with the neighbouring excerpts shown (the default)."""
        return self._read(lambda s: reader.coder_setting(s, self.coder, "context")) != "off"

    def set_shows_context(self, shown: bool) -> None:
        value = "on" if shown else "off"
        self._write(lambda s: reader.set_coder_setting(s, self.coder, "context", value))

    def next_uncoded(self, excerpt_id: int) -> int | None:
        return self._read(lambda s: reader.next_uncoded(s, excerpt_id, self.coder_id))

    def search(self, query: str, limit: int = 50) -> list[tuple[SearchHit, dict]]:
        """Ranked hits, each with its interview, position and speaker."""

        def work(s: Session) -> list[tuple[SearchHit, dict]]:
            hits = search_excerpts(s, query, limit)
            where = excerpt_locations(s, [h.excerpt_id for h in hits])
            return [(h, where[h.excerpt_id]) for h in hits]

        return self._read(work)

    def retrieve(
        self,
        where: retrieval.QuoteFilter,
        after: retrieval.Cursor | None = None,
        limit: int = retrieval.PAGE_SIZE,
    ) -> retrieval.QuotePage:
        return self._read(lambda s: retrieval.retrieve(s, where, after, limit))

    def count_quotes(self, where: retrieval.QuoteFilter) -> int:
        return self._read(lambda s: retrieval.count_quotes(s, where))

    def known_attributes(self) -> attribute_filter.Known:
        """Interview attribute names, their values and how many interviews have each."""
        return self._read(attribute_filter.known_attributes)

    def theme_details(self, theme: str) -> codebook_edits.ThemeDetails:
        return self._read(lambda s: codebook_edits.theme_details(s, theme))

    def memo(self, target_type: str, target: str | int | None) -> str:
        return self._read(
            lambda s: memos.memo_text(
                s, self.coder_id, target_type, memos.target_pk(s, target_type, target)
            )
        )

    def memos(self, contains: str | None = None) -> list[memos.MemoRow]:
        return self._read(lambda s: memos.list_memos(s, contains))

    # --- acting (each is one undoable operation) -------------------------------------------

    def apply_theme(self, excerpt_id: int, start: int, end: int, theme: str) -> codings.CodingSpan:
        return self._write(
            lambda s: codings.apply_theme(s, self.coder_id, excerpt_id, start, end, theme)
        )

    def remove_coding(self, coding_id: int) -> codings.CodingSpan:
        return self._write(lambda s: codings.remove_coding(s, self.coder_id, coding_id))

    def change_theme(self, coding_id: int, theme: str) -> codings.CodingSpan:
        return self._write(lambda s: codings.change_theme(s, self.coder_id, coding_id, theme))

    def set_important(self, coding_id: int, important: bool) -> codings.CodingSpan:
        return self._write(lambda s: codings.set_important(s, self.coder_id, coding_id, important))

    def set_coding_memo(self, coding_id: int, text: str) -> codings.CodingSpan:
        return self._write(lambda s: codings.set_coding_memo(s, self.coder_id, coding_id, text))

    def set_memo(self, target_type: str, target: str | int | None, text: str) -> None:
        def work(s: Session) -> None:
            pk = memos.target_pk(s, target_type, target)
            memos.set_memo(s, self.coder_id, target_type, pk, text)

        self._write(work)

    def autocode(
        self, query: str, theme: str, unit: str = "match", interviews: list[str] | None = None
    ) -> autocode_service.AutocodeResult:
        return self._write(
            lambda s: autocode_service.autocode(s, self.coder_id, query, theme, unit, interviews)
        )

    # --- the codebook (audit-logged, and on the coder's undo log) -----------------------

    def _codebook_edit(
        self, action: str, summary: str, themes: list[str | None], edit: Callable[[Session], T]
    ) -> T:
        """Run a codebook edit and log the rows it changed, so u takes it back."""

        def work(s: Session) -> T:
            ids = set(s.scalars(select(Theme.id).where(Theme.slug.in_([t for t in themes if t]))))
            before = oplog.codebook_rows(s, ids)
            result = edit(s)
            s.flush()
            changes = oplog.codebook_changes(before, oplog.codebook_rows(s, ids))
            if changes:
                oplog.record(s, self.coder_id, action, summary, changes)
            return result

        return self._write(work)

    def add_theme(self, name: str, parent: str | None = None, **fields: str | None) -> str:
        return self._codebook_edit(
            "theme-add",
            f"add theme {' '.join(name.split())!r}",
            [],
            lambda s: codebook_edits.add_theme(s, self.coder, name, parent, **fields),
        )

    def edit_theme(self, theme: str, **fields: str | None) -> None:
        self._codebook_edit(
            "theme-edit",
            f"edit {', '.join(sorted(fields))} of {theme!r}",
            [theme],
            lambda s: codebook_edits.edit_theme(s, self.coder, theme, **fields),
        )

    def move_theme(self, theme: str, parent: str | None) -> None:
        self._codebook_edit(
            "theme-move",
            f"move {theme!r} under {parent!r}" if parent else f"move {theme!r} to the top",
            [theme],
            lambda s: codebook_edits.move_theme(s, self.coder, theme, parent),
        )

    def merge_themes(self, source: str, target: str) -> int:
        return self._codebook_edit(
            "theme-merge",
            f"merge {source!r} into {target!r}",
            [source, target],
            lambda s: codebook_edits.merge_themes(s, self.coder, source, target),
        )

    def delete_theme(self, theme: str, move_codings_to: str | None = None) -> None:
        self._codebook_edit(
            "theme-delete",
            f"delete {theme!r}",
            [theme, move_codings_to],
            lambda s: codebook_edits.delete_theme(s, self.coder, theme, move_codings_to),
        )

    def undo(self) -> oplog.OperationDone | None:
        return self._write(lambda s: self._audited(s, oplog.undo(s, self.coder_id), "undo"))

    def redo(self) -> oplog.OperationDone | None:
        return self._write(lambda s: self._audited(s, oplog.redo(s, self.coder_id), "redo"))

    def _audited(
        self, s: Session, done: oplog.OperationDone | None, verb: str
    ) -> oplog.OperationDone | None:
        """Codebook changes are audited; so is taking one back or doing it again."""
        if done is not None and done.action.startswith("theme-"):
            audit.append(s, self.coder, f"{done.action}-{verb}", str(done.id), summary=done.summary)
        return done


__all__ = ["ALL", "MINE", "CodingError", "Workbench"]
