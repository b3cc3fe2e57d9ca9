"""The raw text, for reviewers: read an interview as it was said and select what was missed.

Reviewers hold the vault, so this screen shows each interview's raw text one
segment at a time, the neighbouring segments dimmed around it, with every word
that will be redacted styled apart. The reader is the coding reader (same keys
and mouse: arrows move by word, shift extends, S takes the sentence, drag
selects); `n` redacts the selection at every occurrence in the project, `N` in
this interview only, and `D` signs the interview off as reviewed.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from testimony.coding.reader import ExcerptView, Pseudonym
from testimony.counts import counted
from testimony.errors import TestimonyError
from testimony.project import Project
from testimony.redact import review
from testimony.tui.screens.prompt import Prompt
from testimony.tui.timecode import timecode
from testimony.tui.widgets.footer import Footer
from testimony.tui.widgets.reader import Reader

STATE_MARK = {"reviewed": "●", "in-review": "◐", "unreviewed": "○"}
NEIGHBOUR_CHARS = 600


class RawTextScreen(Screen[None]):
    CSS_PATH = "raw_text.tcss"
    BINDINGS = [
        Binding("n", "add(True)", "Redact everywhere", id="raw.redact-everywhere"),
        Binding("N", "add(False)", "Redact here", id="raw.redact-here"),
        Binding("D", "sign_off", "Sign off", id="raw.sign-off"),
        Binding("j", "step(1)", "Next", show=False, id="raw.next"),
        Binding("k", "step(-1)", "Prev", show=False, id="raw.prev"),
        Binding("g", "first", "First", show=False, id="raw.first"),
        Binding("G", "last", "Last", show=False, id="raw.last"),
        Binding(
            "right_curly_bracket",
            "interview(1)",
            "Next interview",
            show=False,
            id="raw.next-interview",
        ),
        Binding(
            "left_curly_bracket",
            "interview(-1)",
            "Prev interview",
            show=False,
            id="raw.prev-interview",
        ),
        Binding("tab", "switch", "Interviews/text", show=False, id="raw.interviews-text"),
        Binding("q", "back", "Back to queue", id="raw.back-to-queue"),
    ]

    def __init__(self, project: Project, reviewer: str, interview: str | None = None) -> None:
        super().__init__()
        self.project = project
        self.reviewer = reviewer
        self.interview = interview
        self.progress: list[review.InterviewProgress] = []
        self.segments: list[review.RawSegmentView] = []
        self.index = 0
        self.refused: str | None = None  # words refused as common, redacted if asked again

    def compose(self) -> ComposeResult:
        with Horizontal(id="raw-body"):
            interviews: DataTable[str] = DataTable(id="raw-interviews", cursor_type="row")
            interviews.border_title = "Interviews"
            yield interviews
            with Vertical(id="raw-main"):
                yield Static("", id="raw-location")
                yield Static("", id="raw-before")
                yield Reader(id="raw-reader")
                yield Static("", id="raw-after")
                yield Static("", id="raw-mentions")
        yield Static(
            "Select the missed words (arrows, shift+arrows, S, or drag), then n", id="raw-message"
        )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#raw-interviews", DataTable).add_columns("", "interview", "decided")
        self.query_one("#raw-reader", Reader).border_title = "Raw text (vault)"
        self.query_one(Reader).focus()
        self.load_progress()

    # --- reading -------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="raw-progress")
    def load_progress(self) -> None:
        progress = review.review_progress(self.project)
        self.app.call_from_thread(self._show_progress, progress)

    def _show_progress(self, progress: list[review.InterviewProgress]) -> None:
        self.progress = progress
        table = self.query_one("#raw-interviews", DataTable)
        table.clear()
        for p in progress:
            table.add_row(
                STATE_MARK.get(p.state, "?"),
                p.interview,
                f"{p.decided}/{p.proposals}",
                key=p.interview,
            )
        codes = [p.interview for p in progress]
        if not codes:
            self.say("No interviews imported yet.")
            return
        if self.interview not in codes:
            self.interview = codes[0]
        table.move_cursor(row=codes.index(self.interview))
        if not self.segments:
            self.load_segments(self.interview)

    @work(thread=True, exclusive=True, group="raw-segments")
    def load_segments(self, interview: str, keep: int | None = None) -> None:
        try:
            segments = review.raw_segments(self.project, interview)
        except TestimonyError as exc:
            self.app.call_from_thread(self.say, str(exc))
            return
        self.app.call_from_thread(self._show_segments, interview, segments, keep)

    def _show_segments(self, interview: str, segments, keep: int | None) -> None:  # noqa: ANN001
        self.interview, self.segments = interview, segments
        self.index = min(keep or 0, max(0, len(segments) - 1))
        self.show_segment(keep_selection=keep is not None)

    def show_segment(self, keep_selection: bool = False) -> None:
        reader = self.query_one(Reader)
        if not self.segments:
            self.query_one("#raw-location", Static).update(f"{self.interview}: no text")
            return
        segment = self.segments[self.index]
        redacted = [m for m in segment.mentions if m.status != "rejected"]
        view = ExcerptView(
            id=hash((self.interview, segment.position)),
            interview=self.interview or "",
            interview_title="",
            position=segment.position,
            last_position=self.segments[-1].position,
            speaker=segment.speaker,
            start_ms=segment.start_ms,
            text=segment.text,
            pseudonyms=[Pseudonym(m.start, m.end, m.label) for m in redacted],
            codings=[],
            memo="",
        )
        reader.show(view, self.reviewer, keep_selection)
        place = [f"{self.interview}", f"segment {self.index + 1}/{len(self.segments)}"]
        if segment.speaker:
            place.append(segment.speaker)
        if segment.start_ms is not None:
            place.append(timecode(segment.start_ms))
        self.query_one("#raw-location", Static).update(" · ".join(place))
        before = self.segments[self.index - 1].text if self.index else ""
        after = self.segments[self.index + 1].text if self.index + 1 < len(self.segments) else ""
        self.query_one("#raw-before", Static).update(
            Text("…" + before[-NEIGHBOUR_CHARS:] if before else "")
        )
        self.query_one("#raw-after", Static).update(
            Text(after[:NEIGHBOUR_CHARS] + "…" if after else "")
        )
        self.query_one("#raw-mentions", Static).update(_mentions_line(segment))

    # --- moving --------------------------------------------------------------------------

    def action_step(self, step: int) -> None:
        if self.segments:
            self.index = max(0, min(self.index + step, len(self.segments) - 1))
            self.show_segment()

    def action_first(self) -> None:
        self.action_step(-len(self.segments))

    def action_last(self) -> None:
        self.action_step(len(self.segments))

    def action_interview(self, step: int) -> None:
        codes = [p.interview for p in self.progress]
        if self.interview in codes:
            target = codes[max(0, min(codes.index(self.interview) + step, len(codes) - 1))]
            self.open_interview(target)

    def action_switch(self) -> None:
        table, reader = self.query_one("#raw-interviews"), self.query_one(Reader)
        (reader if table.has_focus else table).focus()

    @on(DataTable.RowSelected, "#raw-interviews")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        self.open_interview(str(event.row_key.value))
        self.query_one(Reader).focus()

    def open_interview(self, interview: str) -> None:
        table = self.query_one("#raw-interviews", DataTable)
        if interview in table.rows:
            table.move_cursor(row=table.get_row_index(interview))
        self.load_segments(interview)

    @on(Reader.SelectionChanged)
    def _selection_changed(self, _event: Reader.SelectionChanged) -> None:
        words = " ".join(self.selected_text().split())
        if words:
            self.say(f"Selected: {words[:60]}  (n redacts it everywhere, N in this interview)")

    def action_back(self) -> None:
        self.dismiss(None)

    # --- deciding ------------------------------------------------------------------------

    def selected_text(self) -> str:
        reader = self.query_one(Reader)
        if reader.view is None:
            return ""
        start, end = reader.span
        return reader.view.text[start:end]

    def action_add(self, everywhere: bool) -> None:
        words = " ".join(self.selected_text().split())
        if not words:
            self.say("Select the missed words first.")
            return
        interview = None if everywhere else self.interview

        def answered(label: str | None) -> None:
            if label:
                self.run_add(words, label.strip().upper() or "PERSON", interview)

        where = "everywhere in the project" if everywhere else f"in {self.interview} only"
        self.app.push_screen(
            Prompt(f"Redact the selection {where} as (PERSON, ORG, GPE, PHONE…)", "PERSON"),
            answered,
        )

    @work(thread=True, exclusive=True, group="raw-decide")
    def run_add(self, words: str, label: str, interview: str | None) -> None:
        # A common word is refused once; asking again for the same words means it.
        force = self.refused == words
        try:
            result = review.add(self.project, words, label, interview, self.reviewer, force)
        except review.CommonWordRefused as exc:
            self.refused = words
            self.app.call_from_thread(self.say, f"{exc}; press n again to redact it anyway")
            return
        except TestimonyError as exc:
            self.app.call_from_thread(self.say, str(exc))
            return
        self.refused = None
        message = (
            f"added {', '.join(map(str, result.entities))} as {label}: "
            f"{counted(result.rendered.excerpts, 'excerpt')} re-rendered, "
            f"{counted(result.rendered.codings, 'coding')} moved with their words"
        )
        self.app.call_from_thread(self.after_decision, message)

    def action_sign_off(self) -> None:
        if self.interview:
            self.run_sign_off(self.interview)

    @work(thread=True, exclusive=True, group="raw-decide")
    def run_sign_off(self, interview: str) -> None:
        try:
            review.sign_off(self.project, interview, self.reviewer)
        except TestimonyError as exc:
            self.app.call_from_thread(self.say, str(exc))
            return
        self.app.call_from_thread(self.after_decision, f"{interview} signed off as reviewed")

    def after_decision(self, message: str) -> None:
        self.say(message)
        self.load_progress()
        if self.interview:
            self.load_segments(self.interview, keep=self.index)

    def say(self, message: str) -> None:
        self.query_one("#raw-message", Static).update(message)


def _mentions_line(segment: review.RawSegmentView) -> Text:
    """What is redacted in this segment, and how each stands."""
    if not segment.mentions:
        return Text("Nothing redacted in this segment.", style="dim")
    line = Text("Redacted here: ", style="dim")
    for i, m in enumerate(segment.mentions):
        if i:
            line.append("  ")
        style = {"accepted": "green", "rejected": "red strike"}.get(m.status, "yellow")
        line.append(segment.text[m.start : m.end], style=style)
        line.append(f" {m.label} {m.status}", style="dim")
    return line
