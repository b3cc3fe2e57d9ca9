"""The analysis screen: the figures of `testimony stats` and `testimony agree` as tables and bars.

Five views (1–5, or v to step through them): codings per theme with the
interviews that mention it, per interview, per coder, the co-occurrence matrix
(same excerpt or overlapping spans, o switches) and the agreement of two coders
(p steps through the pairs). The figures are computed in workers by the same
services the commands call; Enter on a disagreement opens its excerpt.
"""

from __future__ import annotations

import asyncio
from itertools import combinations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from testimony.analysis.agreement import AgreementReport, Disagreement
from testimony.analysis.frequencies import Frequencies
from testimony.analysis.overview import project_agreement, project_frequencies
from testimony.coding.workbench import Workbench
from testimony.counts import counted
from testimony.errors import TestimonyError
from testimony.tui.widgets.charts import bar_text, heat_cell
from testimony.tui.widgets.footer import Footer

VIEWS = ("themes", "interviews", "coders", "cooccurrence", "agreement")  # panes: view-NAME
NAME_WIDTH = 30
LISTED = 500  # disagreements listed on screen: a table of 100,000 rows would freeze it


def percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def figure(value: float | None) -> str:
    shown = "–" if value is None else f"{value:.2f}"
    return "0.00" if shown == "-0.00" else shown


class AnalysisScreen(Screen[int | None]):
    """Returns the excerpt id of a disagreement to open, or None."""

    CSS_PATH = "analysis.tcss"
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back", id="analysis.back"),
        Binding("v", "next_view", "Next view", id="analysis.next-view"),
        Binding("1", "show_view('themes')", "Themes", show=False, id="analysis.themes"),
        Binding("2", "show_view('interviews')", "Interviews", show=False, id="analysis.interviews"),
        Binding("3", "show_view('coders')", "Coders", show=False, id="analysis.coders"),
        Binding(
            "4",
            "show_view('cooccurrence')",
            "Co-occurrence",
            show=False,
            id="analysis.cooccurrence",
        ),
        Binding("5", "show_view('agreement')", "Agreement", show=False, id="analysis.agreement"),
        Binding("c", "next_coder", "Coder", id="analysis.coder"),
        Binding("o", "toggle_overlap", "Same/overlap", id="analysis.overlap"),
        Binding("p", "next_pair", "Pair", id="analysis.pair"),
        Binding("r", "recompute", "Refresh", id="analysis.refresh"),
    ]

    def __init__(self, bench: Workbench) -> None:
        super().__init__()
        self.bench = bench
        self.frequencies: Frequencies | None = None
        self.coders: list[str] = []  # every coder with codings, from the unfiltered figures
        self.coder_filter: str | None = None  # None: every coder
        self.overlap = False
        self.pairs: list[tuple[str, str]] = []
        self.pair_index = 0
        self.agreement: AgreementReport | None = None
        self.agreement_for: tuple[str, str] | None = None
        self.disagreements: list[Disagreement] = []

    def compose(self) -> ComposeResult:
        yield Static(id="analysis-title")
        with TabbedContent(id="analysis-views", initial="view-themes"):
            with TabPane("1 Themes", id="view-themes"):
                yield DataTable(id="themes-table", cursor_type="row", zebra_stripes=True)
                yield Static(id="theme-interviews")
            with TabPane("2 Interviews", id="view-interviews"):
                yield DataTable(id="interviews-table", cursor_type="row", zebra_stripes=True)
            with TabPane("3 Coders", id="view-coders"):
                yield DataTable(id="coders-table", cursor_type="row", zebra_stripes=True)
            with TabPane("4 Co-occurrence", id="view-cooccurrence"):
                yield Static(id="cooccurrence-title")
                yield DataTable(id="cooccurrence-table", cursor_type="cell")
            with TabPane("5 Agreement", id="view-agreement"):
                yield Static(id="agreement-title")
                yield DataTable(id="agreement-table", cursor_type="row", zebra_stripes=True)
                yield Static(id="disagreements-title")
                yield DataTable(id="disagreements-table", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.call_after_refresh(self.focus_view)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.show_figures())
        self.recompute()

    # --- computing -------------------------------------------------------------------------

    def action_recompute(self) -> None:
        self.recompute()
        if self.agreement_for is not None:
            self.agreement_for = None
            self.compute_agreement()

    @work(exclusive=True, group="frequencies")
    async def recompute(self) -> None:
        """The `stats` figures, off the interface thread (a large project takes a moment)."""
        tables = [
            t for t in self.query(DataTable) if not (t.id or "").startswith(("agree", "disagree"))
        ]
        for table in tables:
            table.loading = True
        coders = (self.coder_filter,) if self.coder_filter else ()
        project = self.bench.project
        try:
            self.frequencies = await asyncio.to_thread(project_frequencies, project, coders)
        finally:
            for table in tables:
                table.loading = False
        if self.coder_filter is None:
            self.coders = list(self.frequencies.coders)
            self.pairs = self.coder_pairs(self.coders)
        self.show_figures()
        if self.query_one(TabbedContent).active == "view-agreement":
            self.compute_agreement()

    def coder_pairs(self, coders: list[str]) -> list[tuple[str, str]]:
        """Every pair of coders, those with the coder at the keyboard first."""
        pairs = list(combinations(sorted(coders), 2))
        return sorted(pairs, key=lambda pair: self.bench.coder not in pair)

    @work(exclusive=True, group="agreement")
    async def compute_agreement(self) -> None:
        """`agree --coders A B` for the chosen pair, computed once per pair."""
        title = self.query_one("#agreement-title", Static)
        if not self.pairs:
            title.update("Agreement needs two coders who have both coded.")
            return
        pair = self.pairs[self.pair_index % len(self.pairs)]
        if pair == self.agreement_for:
            return
        table = self.query_one("#agreement-table", DataTable)
        table.loading = True
        try:
            report = await asyncio.to_thread(project_agreement, self.bench.project, *pair)
        except TestimonyError as exc:
            self.agreement, self.disagreements = None, []
            title.update(Text(f"{pair[0]} and {pair[1]}: {exc}"))
            table.clear(columns=True)
            self.query_one("#disagreements-table", DataTable).clear(columns=True)
            self.query_one("#disagreements-title", Static).update("")
            return
        finally:
            table.loading = False
        self.agreement, self.agreement_for = report, pair
        self.show_agreement()

    # --- showing ---------------------------------------------------------------------------

    def show_figures(self) -> None:
        freq = self.frequencies
        if freq is None:
            return
        total = sum(freq.coders.values())
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(counted(total, "coding", grouped=True), style="bold")
        title.append(f" · {counted(len(freq.interviews), 'interview')} · ")
        title.append(self.coder_filter or "every coder", style="italic")
        title.append("  (c: coder, r: refresh)", style="dim")
        self.query_one("#analysis-title", Static).update(title)
        self.show_themes(freq)
        self.show_counts("#interviews-table", "Interview", freq.interviews, self.themes_per(freq))
        self.show_counts("#coders-table", "Coder", freq.coders)
        self.show_cooccurrence(freq)
        if self.agreement is not None:
            self.show_agreement()

    def bar_width(self) -> int:
        return 14 if self.app.size.width < 100 else 30

    def show_themes(self, freq: Frequencies) -> None:
        table = self.query_one("#themes-table", DataTable)
        row = table.cursor_row if table.row_count else self.first_used(freq)
        table.clear(columns=True)
        table.add_column("Theme", key="theme")
        table.add_column("Codings", key="codings")
        table.add_column("", key="bar", width=self.bar_width())
        table.add_column("Excerpts", key="excerpts")
        table.add_column("Interviews", key="interviews")
        most = max((t.codings for t in freq.themes), default=0)
        for use in freq.themes:
            name = Text(no_wrap=True, overflow="ellipsis", style="" if use.codings else "dim")
            name.append(_clip("  " * use.depth + use.name, NAME_WIDTH))
            table.add_row(
                name,
                Text(str(use.codings), justify="right"),
                bar_text(use.codings, most, self.bar_width(), self.app.current_theme),
                Text(str(use.excerpts), justify="right"),
                Text(str(len(use.interviews)), justify="right"),
                key=use.theme,
            )
        if freq.themes:
            table.move_cursor(row=min(row, len(freq.themes) - 1))
            self.show_theme_interviews(row=table.cursor_row)
        else:
            self.query_one("#theme-interviews", Static).update("The codebook has no themes.")

    @staticmethod
    def first_used(freq: Frequencies) -> int:
        """Where the cursor starts: the first theme anyone used."""
        return next((i for i, t in enumerate(freq.themes) if t.codings), 0)

    def themes_per(self, freq: Frequencies) -> dict[str, int]:
        """How many themes each interview mentions."""
        count: dict[str, int] = dict.fromkeys(freq.interviews, 0)
        for use in freq.themes:
            for interview in use.interviews:
                count[interview] = count.get(interview, 0) + 1
        return count

    def show_counts(
        self, selector: str, what: str, counts: dict[str, int], themes: dict[str, int] | None = None
    ) -> None:
        """A table of codings per interview or coder, with bars."""
        table = self.query_one(selector, DataTable)
        table.clear(columns=True)
        table.add_column(what, key="name")
        table.add_column("Codings", key="codings")
        table.add_column("", key="bar", width=self.bar_width() + 10)
        if themes is not None:
            table.add_column("Themes", key="themes")
        most = max(counts.values(), default=0)
        for name, n in counts.items():
            cells = [
                Text(name),
                Text(str(n), justify="right"),
                bar_text(n, most, self.bar_width() + 10, self.app.current_theme),
            ]
            if themes is not None:
                cells.append(Text(str(themes.get(name, 0)), justify="right"))
            table.add_row(*cells, key=name)
        if not counts:
            table.add_row(Text("no codings yet", style="dim"), *[""] * (len(table.columns) - 1))

    def show_theme_interviews(self, row: int) -> None:
        freq = self.frequencies
        if freq is None or not 0 <= row < len(freq.themes):
            return
        use = freq.themes[row]
        line = Text(overflow="fold")
        line.append(f"{use.name}: ", style="bold")
        if use.interviews:
            many = len(use.interviews)
            line.append(f"mentioned in {counted(many, 'interview')}: ")
            line.append(", ".join(use.interviews))
        else:
            line.append("not coded yet", style="dim")
        self.query_one("#theme-interviews", Static).update(line)

    @on(DataTable.RowHighlighted, "#themes-table")
    def _theme_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_theme_interviews(event.cursor_row)

    def show_cooccurrence(self, freq: Frequencies) -> None:
        counts = freq.overlapping if self.overlap else freq.same_excerpt
        themes, matrix = freq.matrix(counts)
        names = {t.theme: t.name for t in freq.themes}
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(
            "Themes in overlapping spans" if self.overlap else "Themes in the same excerpt",
            style="bold",
        )
        title.append(" (excerpts)  o: ")
        title.append("same excerpt" if self.overlap else "overlapping spans", style="italic")
        self.query_one("#cooccurrence-title", Static).update(title)
        table = self.query_one("#cooccurrence-table", DataTable)
        table.clear(columns=True)
        table.add_column("Theme", key="theme")
        for number, theme in enumerate(themes, 1):
            table.add_column(Text(str(number), justify="right"), key=theme, width=4)
        most = max((n for row in matrix for n in row), default=0)
        colours = self.app.current_theme
        for number, (slug, row) in enumerate(zip(themes, matrix, strict=True), 1):
            label = Text(no_wrap=True, overflow="ellipsis")
            label.append(f"{number:>2} ", style="dim")
            label.append(_clip(names.get(slug, slug), NAME_WIDTH - 3))
            table.add_row(label, *(heat_cell(n, most, colours) for n in row), key=slug)
        table.fixed_columns = 1
        if not themes:
            table.add_row(Text("no codings yet", style="dim"))

    def show_agreement(self) -> None:
        report = self.agreement
        if report is None:
            return
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(f"{report.coder_a} (A) and {report.coder_b} (B)", style="bold")
        title.append(
            f" · {counted(len(report.interviews), 'interview')}, "
            f"{counted(report.excerpts, 'excerpt', grouped=True)}"
            f"  (p: another pair)"
        )
        self.query_one("#agreement-title", Static).update(title)
        table = self.query_one("#agreement-table", DataTable)
        table.clear(columns=True)
        for label, key in (
            ("Theme", "theme"),
            ("A", "excerpts_a"),
            ("B", "excerpts_b"),
            ("Both", "excerpts_both"),
            ("Agree", "presence_agreement"),
            ("κ", "presence_cohen_kappa"),
            ("α", "presence_krippendorff_alpha"),
            ("Chars", "character_agreement"),
            ("κ chars", "character_cohen_kappa"),
        ):
            table.add_column(label, key=key)
        for agreement in [*report.themes, report.overall]:
            f = agreement.figures()
            overall = agreement is report.overall
            name = Text(
                "All themes" if overall else _clip(agreement.name, NAME_WIDTH - 6),
                style="bold" if overall else "",
                no_wrap=True,
            )
            table.add_row(
                name,
                *(Text(str(f[k]), justify="right") for k in ("excerpts_a", "excerpts_b")),
                Text(str(f["excerpts_both"]), justify="right"),
                Text(percent(f["presence_agreement"]), justify="right"),
                Text(figure(f["presence_cohen_kappa"]), justify="right"),
                Text(figure(f["presence_krippendorff_alpha"]), justify="right"),
                Text(percent(f["character_agreement"]), justify="right"),
                Text(figure(f["character_cohen_kappa"]), justify="right"),
                key=agreement.theme,
            )
        self.disagreements = report.disagreements[:LISTED]
        count = len(report.disagreements)
        more = count - len(self.disagreements)
        self.query_one("#disagreements-title", Static).update(
            Text.assemble(
                (counted(count, "disagreement", grouped=True), "bold"),
                ("  Enter opens the excerpt" if count else "", "dim"),
                (
                    f"  (the first {LISTED:,}; all of them: testimony agree --coders "
                    f"{report.coder_a} {report.coder_b} --disagreements FILE.csv)"
                    if more
                    else "",
                    "dim",
                ),
            )
        )
        names = {t.theme: t.name for t in report.themes}
        listing = self.query_one("#disagreements-table", DataTable)
        listing.clear(columns=True)
        listing.add_columns("Where", "Theme", "Difference")
        for index, d in enumerate(self.disagreements):
            listing.add_row(
                f"{d.interview} ¶{d.excerpt}",
                _clip(names.get(d.theme, d.theme), NAME_WIDTH),
                d.kind.replace("only A", f"only {report.coder_a}").replace(
                    "only B", f"only {report.coder_b}"
                ),
                key=str(index),
            )

    @on(DataTable.RowSelected, "#disagreements-table")
    def _open_disagreement(self, event: DataTable.RowSelected) -> None:
        self.dismiss(self.disagreements[int(str(event.row_key.value))].excerpt_id)

    # --- switching -------------------------------------------------------------------------

    @property
    def view(self) -> str:
        return self.query_one(TabbedContent).active.removeprefix("view-")

    def action_show_view(self, view: str) -> None:
        self.query_one(TabbedContent).active = f"view-{view}"

    def action_next_view(self) -> None:
        self.action_show_view(VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)])

    def focus_view(self) -> None:
        """The view's (first) table takes the keys, so arrows move through its rows."""
        first = {"cooccurrence": "#cooccurrence-table", "agreement": "#agreement-table"}
        self.query_one(first.get(self.view, f"#{self.view}-table"), DataTable).focus()

    @on(TabbedContent.TabActivated)
    def _view_shown(self) -> None:
        view = self.view
        self.focus_view()
        if view == "agreement":
            self.compute_agreement()

    def action_toggle_overlap(self) -> None:
        self.overlap = not self.overlap
        if self.frequencies is not None:
            self.show_cooccurrence(self.frequencies)
        self.action_show_view("cooccurrence")

    def action_next_coder(self) -> None:
        """Figures for every coder, then each coder's alone."""
        choices = [None, *self.coders]
        index = choices.index(self.coder_filter) if self.coder_filter in choices else 0
        self.coder_filter = choices[(index + 1) % len(choices)]
        self.recompute()

    def action_next_pair(self) -> None:
        if self.pairs:
            self.pair_index = (self.pair_index + 1) % len(self.pairs)
        self.action_show_view("agreement")
        self.compute_agreement()


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
