"""The coding screen's actions on codings and memos: focus, remove, change, mark, memo, undo.

A mixin of CodingScreen, kept apart so each module reads as one idea; it uses
the screen's excerpt, reader and workbench and its say() and reload helpers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from testimony.coding.codings import CodingSpan
from testimony.coding.errors import CodingError
from testimony.coding.memos import MemoRow
from testimony.coding.oplog import OperationDone
from testimony.tui.identifier_warning import warn_of_identifiers
from testimony.tui.screens.memo import MemoEditor
from testimony.tui.screens.memo_list import MemoListScreen
from testimony.tui.screens.picker import ThemePicker
from testimony.tui.widgets.codebook import CodebookTree
from testimony.tui.widgets.interviews import InterviewList
from testimony.tui.widgets.reader import Reader

if TYPE_CHECKING:
    from textual.screen import Screen

    from testimony.coding.reader import ExcerptView
    from testimony.coding.themes import ThemeRow
    from testimony.coding.workbench import Workbench

    _Host = Screen[None]
else:
    _Host = object  # CodingScreen brings the Screen in its own bases


class CodingActions(_Host):
    """Actions on the coding in focus and on memos; each saves at once and can be undone."""

    # What the host screen holds and does (CodingScreen sets and defines these).
    bench: Workbench
    excerpt: ExcerptView | None
    themes: list[ThemeRow]

    if TYPE_CHECKING:

        def say(self, message: str) -> None: ...
        def show_codings(self) -> None: ...
        def reload_excerpt(self) -> None: ...
        def refresh_current(self) -> None: ...
        def refresh_lists(self, only: str | None = None) -> object: ...
        def open_excerpt(self, excerpt_id: int, keep_selection: bool = False) -> None: ...
        def open_interview(self, interview: str) -> None: ...
        def jump_to(self, excerpt_id: int, span: tuple[int, int] | None = None) -> None: ...

    def coding_in_focus(self) -> CodingSpan | None:
        reader = self.query_one(Reader)
        if self.excerpt is None or reader.focused_coding is None:
            self.say("no coding in focus: move onto a coded word or press ] to pick one")
            return None
        return next((c for c in self.excerpt.codings if c.id == reader.focused_coding), None)

    def nothing_selected(self, key: str) -> bool:
        """A theme's key (or ⏎) with only a cursor in the text codes nothing: a stray key
        would leave a one-word coding in the counts. The word under the cursor is selected
        instead, so the same key again codes that word; True when nothing was selected."""
        reader = self.query_one(Reader)
        if self.excerpt is None or not reader.selection.collapsed:
            return False
        reader.select_cursor_word()
        word = self.excerpt.text[slice(*reader.span)]
        self.say(f"nothing selected yet: {key} again codes “{word}”, S the sentence, A all")
        return True

    def action_cycle_coding(self, step: int) -> None:
        if self.excerpt is None or not self.excerpt.codings:
            self.say("this excerpt has no codings in this view")
            return
        ids = [c.id for c in self.excerpt.codings]
        reader = self.query_one(Reader)
        if reader.focused_coding in ids:
            index = ids.index(reader.focused_coding) + step
        else:  # none in focus: ] takes the first, [ the last
            index = 0 if step > 0 else -1
        self.focus_coding(self.excerpt.codings[index % len(ids)].id)

    def focus_coding(self, coding_id: int) -> None:
        """Select a coding's words and put it in focus, if this view shows it."""
        shown = self.excerpt.codings if self.excerpt is not None else []
        coding = next((c for c in shown if c.id == coding_id), None)
        if coding is None:
            self.say("that coding is not in this view: V shows other coders' codings")
            return
        reader = self.query_one(Reader)
        reader.select_span(coding.start, coding.end)
        reader.focused_coding = coding.id
        self.show_codings()

    def action_remove_coding(self) -> None:
        coding = self.coding_in_focus()
        if coding is not None:
            self.bench.remove_coding(coding.id)
            self.reload_excerpt()
            self.say(f"removed {coding.theme_name} (u undoes)")
            self.refresh_current()

    def action_change_coding(self) -> None:
        coding = self.coding_in_focus()
        if coding is None:
            return

        def change(theme: str | None) -> None:
            if theme:
                changed = self.bench.change_theme(coding.id, theme)
                self.reload_excerpt()
                self.say(f"changed {coding.theme_name} to {changed.theme_name}")
                self.refresh_current()

        title = f"Change {coding.theme_name} to"
        self.app.push_screen(ThemePicker(self.themes, title), change)

    def action_toggle_important(self) -> None:
        coding = self.coding_in_focus()
        if coding is not None:
            self.bench.set_important(coding.id, not coding.important)
            self.reload_excerpt()
            self.say(f"{coding.theme_name} marked {'not ' if coding.important else ''}important")

    def action_memo(self) -> None:
        """A memo on the coding in focus, on the theme in the codebook, or on the excerpt."""
        if self.excerpt is None:
            return
        tree = self.query_one(CodebookTree)
        if tree.has_focus and tree.cursor_node is not None and tree.cursor_node.data:
            self.edit_memo("theme", tree.cursor_node.data.id, tree.cursor_node.data.name)
            return
        coding = next(
            (c for c in self.excerpt.codings if c.id == self.query_one(Reader).focused_coding),
            None,
        )
        if coding is None:
            self.edit_memo("excerpt", self.excerpt.id, f"excerpt ¶{self.excerpt.position}")
            return

        def save(text: str | None) -> None:
            if text is not None:
                self.bench.set_coding_memo(coding.id, text)
                self.reload_excerpt()
                self.say(f"memo on {coding.theme_name} {'saved' if text else 'removed'}")
                warn_of_identifiers(self.app, text)

        self.app.push_screen(MemoEditor(f"the coding {coding.theme_name}", coding.memo or ""), save)

    def action_excerpt_memo(self) -> None:
        """A memo on the excerpt itself, even with a coding in focus (m would take that)."""
        if self.excerpt is not None:
            self.edit_memo("excerpt", self.excerpt.id, f"excerpt ¶{self.excerpt.position}")

    def action_interview_memo(self) -> None:
        """A memo on the interview being read, or on the one highlighted in the list."""
        listing = self.query_one(InterviewList)
        if listing.has_focus and listing.highlighted is not None:
            interview = listing.get_option_at_index(listing.highlighted).id
            if interview:
                self.edit_memo("interview", interview, interview)
            return
        if self.excerpt is not None:
            self.edit_memo("interview", self.excerpt.interview, self.excerpt.interview)

    def edit_memo(self, target_type: str, target: str | int | None, about: str) -> None:
        def save(text: str | None) -> None:
            if text is not None:
                self.bench.set_memo(target_type, target, text)
                self.reload_excerpt()
                self.say(f"memo on {about} {'saved' if text else 'removed'}")
                warn_of_identifiers(self.app, text)

        self.app.push_screen(MemoEditor(about, self.bench.memo(target_type, target)), save)

    def action_memo_list(self) -> None:
        def open_memo(memo: MemoRow | None) -> None:
            """Go where the memo was written; a theme's or the project's memo opens to edit."""
            if memo is None:
                return
            if memo.excerpt_id is not None:
                self.jump_to(memo.excerpt_id)
                if memo.target_type == "coding":
                    self.focus_coding(memo.id)
            elif memo.target_type == "interview" and memo.target:
                self.open_interview(memo.target)
            elif memo.target_type == "theme" and memo.target:
                self.edit_memo("theme", memo.target, memo.target)
            elif memo.target_type == "project":
                self.action_project_memo()

        self.app.push_screen(MemoListScreen(self.bench), open_memo)

    def action_project_memo(self) -> None:
        self.edit_memo("project", None, "the project")

    def action_select_sentence(self) -> None:
        self.query_one(Reader).action_select_sentence()

    def action_select_all(self) -> None:
        self.query_one(Reader).action_select_all()

    def action_collapse(self) -> None:
        self.query_one(Reader).action_collapse()

    def action_word(self, words: int) -> None:
        self.query_one(Reader).action_word(words)

    def action_extend(self, words: int) -> None:
        self.query_one(Reader).action_extend(words)

    def action_sentence(self, direction: int) -> None:
        self.query_one(Reader).action_sentence(direction)

    def action_undo(self) -> None:
        self._history(self.bench.undo, "Undid", "nothing to undo")

    def action_redo(self) -> None:
        self._history(self.bench.redo, "Redid", "nothing to redo")

    def _history(
        self, operation: Callable[[], OperationDone | None], verb: str, nothing: str
    ) -> None:
        try:
            done = operation()
        except CodingError as exc:
            self.say(str(exc))
            return
        if done is None:
            self.say(nothing)
            return
        here = self.excerpt.id if self.excerpt else None
        if done.excerpt_ids and here not in done.excerpt_ids:
            self.open_excerpt(done.excerpt_ids[0])  # show where the change was
        else:
            self.reload_excerpt()
        self.say(f"{verb}: {done.description or done.summary}")
        if done.action.startswith("theme-"):
            self.refresh_lists()  # a codebook edit may change counts anywhere
        else:
            self.refresh_current()
