"""The coding screen: interviews and codebook on the left, the excerpt reader on the right.

The screen holds the state (which excerpt, whose codings, which coding is in
focus), calls the Workbench for every action, and tells its widgets what to
show. Reloading counts and progress after an action runs in a worker.
"""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.keys import _character_to_key
from textual.screen import Screen
from textual.widgets import Static

from testimony.coding.autocode import hit_spans, match_pattern
from testimony.coding.errors import CodingError
from testimony.coding.reader import ExcerptView
from testimony.coding.search import QueryError
from testimony.coding.themes import ThemeRow
from testimony.coding.workbench import ALL, MINE, Workbench
from testimony.tui import footer_hints
from testimony.tui.base import TestimonyApp
from testimony.tui.keys import RESERVED_KEYS
from testimony.tui.screens.analysis import AnalysisScreen
from testimony.tui.screens.codebook_editor import CodebookEditor
from testimony.tui.screens.coding_actions import CodingActions
from testimony.tui.screens.goto import GoToExcerpt
from testimony.tui.screens.picker import ThemePicker
from testimony.tui.screens.retrieval import RetrievalScreen
from testimony.tui.screens.search import Results, SearchScreen
from testimony.tui.screens.theme_info import ThemeInfo
from testimony.tui.timecode import timecode
from testimony.tui.widgets.codebook import CodebookTree
from testimony.tui.widgets.coding_list import CodingList
from testimony.tui.widgets.footer import Footer
from testimony.tui.widgets.interviews import InterviewList
from testimony.tui.widgets.reader import Reader


def first_match(query: str, text: str) -> tuple[int, int] | None:
    """Where a search query first matches in an excerpt's text, to select it there."""
    try:
        spans = hit_spans(text, match_pattern(query), "match")
    except QueryError:
        return None
    return spans[0] if spans else None


class CodingScreen(CodingActions, Screen[None]):
    CSS_PATH = "coding.tcss"
    BINDINGS = [
        Binding("j", "step(1)", "Next", show=False, id="coding.next"),
        Binding("k", "step(-1)", "Prev", show=False, id="coding.prev"),
        Binding("g", "first", "First", show=False, id="coding.first"),
        Binding("G", "last", "Last", show=False, id="coding.last"),
        Binding("n", "next_uncoded", "Uncoded", show=False, id="coding.uncoded"),
        Binding("colon", "go_to", "Go to", show=False, id="coding.go-to"),
        Binding(
            "right_curly_bracket",
            "interview(1)",
            "Next interview",
            show=False,
            id="coding.next-interview",
        ),
        Binding(
            "left_curly_bracket",
            "interview(-1)",
            "Prev interview",
            show=False,
            id="coding.prev-interview",
        ),
        Binding("enter", "pick_theme", "Apply…", id="coding.apply"),
        Binding(
            "right_square_bracket",
            "cycle_coding(1)",
            "Next coding",
            show=False,
            id="coding.next-coding",
        ),
        Binding(
            "left_square_bracket",
            "cycle_coding(-1)",
            "Prev coding",
            show=False,
            id="coding.prev-coding",
        ),
        Binding("delete,backspace", "remove_coding", "Remove", show=False, id="coding.remove"),
        Binding("C", "change_coding", "Change", show=False, id="coding.change-theme"),
        Binding(
            "exclamation_mark", "toggle_important", "Important", show=False, id="coding.important"
        ),
        Binding("m", "memo", "Memo", show=False, id="coding.memo"),
        Binding("M", "interview_memo", "Interview memo", show=False, id="coding.interview-memo"),
        Binding("L", "memo_list", "Memo list", show=False, id="coding.memo-list"),
        Binding("u", "undo", "Undo", id="coding.undo"),
        Binding("U", "redo", "Redo", show=False, id="coding.redo"),
        Binding("slash", "search", "Search", id="coding.search"),
        Binding("R", "retrieve", "Retrieve", id="coding.retrieve"),
        Binding("F", "analysis", "Analysis", id="coding.analysis"),
        Binding("V", "cycle_view", "View", show=False, id="coding.view"),
        Binding("X", "toggle_context", "Context", show=False, id="coding.context"),
        Binding("E", "edit_codebook", "Codebook", show=False, id="coding.codebook"),
        Binding(
            "question_mark", "describe_theme", "About theme", show=False, id="coding.about-theme"
        ),
        Binding("q", "app.quit", "Quit", id="coding.quit"),
    ]

    def __init__(self, bench: Workbench) -> None:
        super().__init__()
        self.bench = bench
        self.excerpt: ExcerptView | None = None
        self.view = MINE
        self.themes: list[ThemeRow] = []
        self.keys: dict[str, str] = {}
        self.bound_theme_keys: list[str] = []
        self.last_search: tuple[str, int] = ("", 0)  # the query, the hit to highlight next
        self.last_results: Results | None = None  # what search showed, shown again by /
        self._lists_loaded = False  # the first full load of the lists has come in

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            with Vertical(id="sidebar"):
                yield InterviewList(id="interviews")
                yield CodebookTree(id="codebook")
            with Vertical(id="main"):
                yield Static(id="location")
                yield Reader(id="reader")
                yield CodingList(id="codings")
                with Horizontal(id="status-bar"):
                    yield Static(id="status")
                    yield Static(id="who")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#interviews").border_title = "Interviews"
        self.query_one("#interviews").border_subtitle = "○ ◐ ● review"
        self.query_one("#codebook").border_title = "Codebook"
        self.set_themes(self.bench.themes(with_counts=False))  # counts follow in a worker
        first = self.bench.last_place() or self.bench.first_excerpt()
        self.query_one(Reader).focus()
        self.query_one(Reader).show_context = self.bench.shows_context()
        if first is not None:
            self.open_excerpt(first)
            self.say("S then a theme's key codes a sentence")  # fits 80 columns
        else:
            self.query_one("#location", Static).update("No interviews yet")
            self.say("import transcripts first: testimony import FILE...")
        self.refresh_lists()

    def remember_place(self) -> None:
        """Called on quitting: the next session opens where this one stopped."""
        if self.excerpt is not None:
            self.bench.remember_place(self.excerpt.id)

    # --- showing ---------------------------------------------------------------------------

    def open_excerpt(self, excerpt_id: int, keep_selection: bool = False) -> None:
        reader = self.query_one(Reader)
        self.excerpt = self.bench.excerpt(excerpt_id, self.view, reader.show_context)
        reader.show(self.excerpt, self.bench.coder, keep_selection)
        self.query_one(InterviewList).mark_current(self.excerpt.interview)
        self.show_location()
        self.show_codings()

    def reload_excerpt(self) -> None:
        if self.excerpt is not None:
            self.open_excerpt(self.excerpt.id, keep_selection=True)

    def show_location(self) -> None:
        e = self.excerpt
        if e is None:
            return
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(f"{e.interview} ", style="bold")
        line.append(f"¶{e.position}/{e.last_position}")
        if e.speaker:
            line.append(f"  {e.speaker}", style="bold italic")
        if e.start_ms is not None:
            line.append(f"  {timecode(e.start_ms)}", style="dim")
        if e.memo:
            line.append("  ✎ memo", style="dim")
        line.append(f"  {e.interview_title}", style="dim")
        self.query_one("#location", Static).update(line)

    def show_codings(self) -> None:
        if self.excerpt is None:
            return
        reader = self.query_one(Reader)
        self.query_one(CodingList).show(
            self.excerpt.codings, self.excerpt.text, reader.focused_coding, self.bench.coder
        )
        reader.refresh()
        self.update_footer()

    def update_footer(self) -> None:
        """Show in the footer the keys for what is in front: reading, a selection, a coding
        in focus, the codebook or the interview list."""
        reader = self.query_one(Reader)
        focused = self.focused
        if isinstance(focused, CodebookTree):
            state = footer_hints.CODEBOOK
        elif isinstance(focused, InterviewList):
            state = footer_hints.INTERVIEWS
        elif reader.focused_coding is not None:
            state = footer_hints.CODING
        elif not reader.selection.collapsed:
            state = footer_hints.SELECTED
        else:
            state = footer_hints.READING
        if footer_hints.show_for(state, self, reader):
            self.refresh_bindings()

    def on_descendant_focus(self) -> None:
        self.update_footer()

    @property
    def reserved_keys(self) -> frozenset[str] | set[str]:
        """Keys no theme may take: the screen's own and those of the user's keymap."""
        return getattr(self.app, "reserved_keys", RESERVED_KEYS)

    def set_themes(self, themes: list[ThemeRow]) -> None:
        self.themes = themes
        self.keys = {t.key: t.id for t in themes if t.key and t.key not in self.reserved_keys}
        self.bind_theme_keys()
        self.query_one(CodebookTree).set_themes(themes)

    def bind_theme_keys(self) -> None:
        """Theme shortcut keys as bindings of this screen: a key handled on its own would
        overtake bindings typed just before it (S then 1 must select, then code)."""
        for key in self.bound_theme_keys:
            self._bindings.key_to_bindings.pop(key, None)
        self.bound_theme_keys = []
        for character, theme in self.keys.items():
            key = character if character.isalnum() else _character_to_key(character)
            self._bindings.bind(key, f"apply_theme({theme!r})", show=False)
            self.bound_theme_keys.append(key)

    def say(self, message: str) -> None:
        """A message in the status line; who is coding and whose codings show stay at its
        right, so a long message is cut, not them."""
        who = Text(no_wrap=True)
        who.append(f" {self.bench.coder}", style="bold")
        if self.view != MINE:  # whose codings show, when they are not only mine
            view = "all coders" if self.view == ALL else f"{self.view}'s codings"
            who.append(f" · {view}", style="bold")
        self.query_one("#who", Static).update(who)
        self.query_one("#status", Static).update(Text(message, no_wrap=True, overflow="ellipsis"))

    @work(exclusive=True, group="lists")
    async def refresh_lists(self, only: str | None = None) -> None:
        """Interview progress and theme counts, recomputed off the interface thread; with
        only, just that interview's row (what a coding action changes: on a project of
        thousands of interviews, recounting and redrawing them all is what costs)."""
        interviews, themes = await asyncio.gather(
            asyncio.to_thread(self.bench.interviews, only), asyncio.to_thread(self.bench.themes)
        )
        listing = self.query_one(InterviewList)
        if only is not None:
            for row in interviews:
                listing.update_row(row)
        else:
            listing.set_interviews(interviews, self.excerpt.interview if self.excerpt else None)
        self.set_themes(themes)
        if only is None and not self._lists_loaded:
            self._lists_loaded = True
            if isinstance(self.app, TestimonyApp):
                self.call_after_refresh(self.app.settle_heap)  # built now: kept till quitting

    def refresh_current(self) -> None:
        """After a coding action on the excerpt shown: its interview's row and the counts."""
        self.refresh_lists(self.excerpt.interview if self.excerpt else None)

    # --- moving ----------------------------------------------------------------------------

    def action_step(self, steps: int) -> None:
        if self.excerpt is None:
            return
        found = self.bench.step(self.excerpt.id, steps)
        if found == self.excerpt.id:  # at either end: say so rather than do nothing
            self.say(f"this is the {'last' if steps > 0 else 'first'} excerpt of the project")
            return
        self.open_excerpt(found)

    def action_first(self) -> None:
        if self.excerpt is not None:
            self.open_excerpt(self.bench.first_excerpt(self.excerpt.interview) or self.excerpt.id)

    def action_last(self) -> None:
        if self.excerpt is not None:
            self.open_excerpt(self.bench.last_excerpt(self.excerpt.interview) or self.excerpt.id)

    def action_next_uncoded(self) -> None:
        if self.excerpt is None:
            return
        found = self.bench.next_uncoded(self.excerpt.id)
        if found is None:
            self.say("no uncoded excerpt after this one")
        else:
            self.open_excerpt(found)

    def action_interview(self, step: int) -> None:
        if self.excerpt is None:
            return
        codes = [o.id for o in self.query_one(InterviewList).options if o.id is not None]
        if self.excerpt.interview in codes:
            index = codes.index(self.excerpt.interview) + step
            if 0 <= index < len(codes):
                self.open_interview(codes[index])

    def open_interview(self, interview: str) -> None:
        found = self.bench.first_excerpt(interview)
        if found is not None:
            self.open_excerpt(found)
            self.query_one(Reader).focus()

    @on(InterviewList.Chosen)
    def _interview_chosen(self, event: InterviewList.Chosen) -> None:
        self.open_interview(event.interview)

    def action_go_to(self) -> None:
        if self.excerpt is None:
            return
        interview = self.excerpt.interview

        def go(number: int | None) -> None:
            if number is not None:
                found = self.bench.excerpt_at(interview, number)
                if found is not None:
                    self.open_excerpt(found)

        self.app.push_screen(GoToExcerpt(interview, self.excerpt.last_position), go)

    def jump_to(self, excerpt_id: int, span: tuple[int, int] | None = None) -> None:
        """Open an excerpt in context, with a span selected (from search or retrieval)."""
        self.open_excerpt(excerpt_id)
        if span is not None:
            self.query_one(Reader).select_span(*span)
        self.query_one(Reader).focus()

    # --- coding ----------------------------------------------------------------------------

    def apply(self, theme: str) -> None:
        if self.excerpt is None:
            return
        start, end = self.query_one(Reader).span
        try:
            coding = self.bench.apply_theme(self.excerpt.id, start, end, theme)
        except CodingError as exc:
            self.say(str(exc))
            return
        already = coding.id in {c.id for c in self.excerpt.codings}
        self.query_one(Reader).focused_coding = coding.id
        self.reload_excerpt()
        quote = " ".join(self.excerpt.text[start:end].split())
        quote = f"“{quote[:40]}{'…' if len(quote) > 40 else ''}”"
        if already:  # nothing new was saved, so u would take back an earlier action
            self.say(f"already coded as {coding.theme_name}: {quote}")
            return
        self.say(f"coded as {coding.theme_name}: {quote}")
        self.refresh_current()

    def action_apply_theme(self, theme: str) -> None:
        key = next((t.key for t in self.themes if t.id == theme), None) or "its key"
        if not self.nothing_selected(key):
            self.apply(theme)

    def action_pick_theme(self) -> None:
        if self.excerpt is not None and not self.nothing_selected("⏎"):
            start, end = self.query_one(Reader).span
            quote = " ".join(self.excerpt.text[start:end].split())
            title = f"Apply a theme to “{quote[:50]}{'…' if len(quote) > 50 else ''}”"

            def picked(theme: str | None) -> None:
                if theme:
                    self.apply(theme)

            self.app.push_screen(ThemePicker(self.themes, title), picked)

    @on(CodebookTree.Chosen)
    def _theme_chosen(self, event: CodebookTree.Chosen) -> None:
        """Enter or a click on a theme codes the selection, if words are selected."""
        if self.query_one(Reader).selection.collapsed:
            self.say("select words first (S, A, shift+→ or drag), then choose the theme")
            return
        self.apply(event.theme)

    @on(CodebookTree.Describe)
    def _describe(self, event: CodebookTree.Describe) -> None:
        self.app.push_screen(ThemeInfo(self.bench.theme_details(event.row.id)))

    def action_describe_theme(self) -> None:
        """Description, include and exclude of the focused coding's theme (or the tree's)."""
        theme = self.focused_theme()
        node = self.query_one(CodebookTree).cursor_node
        if theme is None and node is not None and node.data is not None:
            theme = node.data.id
        if theme is not None:
            self.app.push_screen(ThemeInfo(self.bench.theme_details(theme)))

    @on(Reader.SelectionChanged)
    def _selection_changed(self) -> None:
        """The coding in focus follows the cursor, unless it still covers it."""
        if self.excerpt is None:
            return
        reader = self.query_one(Reader)
        cursor = reader.selection.words[reader.selection.cursor][0]
        covering = [c for c in self.excerpt.codings if c.start <= cursor < c.end]
        if reader.focused_coding not in {c.id for c in covering}:
            narrowest = min(covering, key=lambda c: c.end - c.start, default=None)
            reader.focused_coding = narrowest.id if narrowest else None
            self.show_codings()
        self.update_footer()

    # --- other screens and views -----------------------------------------------------------

    def action_search(self) -> None:
        """Search; it reopens on the last query, the hit after the one opened highlighted."""
        query, at = self.last_search
        screen = SearchScreen(self.bench, query, at, self.last_results)

        def opened(found: int | None) -> None:
            self.last_search = (screen.query_text, screen.chosen + 1 if found else screen.chosen)
            self.last_results = screen.results()
            if found:
                self.jump_to(found)
                assert self.excerpt is not None
                span = first_match(screen.query_text, self.excerpt.text)
                if span is not None:  # the matched words selected: a theme's key codes them
                    self.query_one(Reader).select_span(*span)

        self.app.push_screen(screen, opened)

    def action_retrieve(self) -> None:
        tree = self.query_one(CodebookTree)
        node = tree.cursor_node
        theme = node.data.id if node is not None and node.data is not None else None
        if not tree.has_focus:  # in the text, the coding in focus says which theme
            theme = self.focused_theme() or theme

        def retrieved(found: tuple[int, int, int] | None) -> None:
            if found:
                self.open_quote(*found)

        self.app.push_screen(RetrievalScreen(self.bench, self.themes, theme), retrieved)

    def open_quote(self, excerpt_id: int, start: int, end: int) -> None:
        """A quote from retrieval, in context with its coding in focus: when the coding is
        another coder's that this view hides, every coder's codings are shown."""
        self.jump_to(excerpt_id, (start, end))
        assert self.excerpt is not None
        if not any((c.start, c.end) == (start, end) for c in self.excerpt.codings):
            self.view = ALL
            self.reload_excerpt()
            self.say(
                "showing every coder's codings, the quote's among them"
                " (V changes it; R back to the quotes)"
            )
        else:
            self.say("the quote in context: R goes back to the quotes")
        coding = next((c for c in self.excerpt.codings if (c.start, c.end) == (start, end)), None)
        if coding is not None:
            self.query_one(Reader).focused_coding = coding.id
            self.show_codings()

    def action_analysis(self) -> None:
        """Figures per theme, interview and coder, co-occurrence and agreement."""
        self.app.push_screen(AnalysisScreen(self.bench), self._jump_to_found)

    def _jump_to_found(self, excerpt_id: int | None) -> None:
        if excerpt_id:
            self.jump_to(excerpt_id)

    def focused_theme(self) -> str | None:
        reader = self.query_one(Reader)
        if self.excerpt is None or reader.focused_coding is None:
            return None
        return next((c.theme for c in self.excerpt.codings if c.id == reader.focused_coding), None)

    def action_edit_codebook(self) -> None:
        self.app.push_screen(CodebookEditor(self.bench), lambda _: self.after_codebook_edit())

    def after_codebook_edit(self) -> None:
        self.set_themes(self.bench.themes())
        self.reload_excerpt()
        self.refresh_lists()

    def action_toggle_context(self) -> None:
        """Show or hide the neighbouring excerpts around the one being read (remembered)."""
        reader = self.query_one(Reader)
        reader.show_context = not reader.show_context
        self.bench.set_shows_context(reader.show_context)
        self.reload_excerpt()
        self.say(f"neighbouring excerpts {'shown' if reader.show_context else 'hidden'} (X)")

    @on(Reader.ContextChosen)
    def _context_chosen(self, event: Reader.ContextChosen) -> None:
        self.action_step(event.step)

    def action_cycle_view(self) -> None:
        """Whose codings to show: mine, all coders', then each other coder's."""
        views = [MINE, ALL, *self.bench.coders()[1:]]
        self.view = views[(views.index(self.view) + 1) % len(views)] if self.view in views else MINE
        self.reload_excerpt()
        self.say(
            "showing "
            + {MINE: "my codings", ALL: "every coder's codings"}.get(
                self.view, f"{self.view}'s codings"
            )
        )
