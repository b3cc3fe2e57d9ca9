"""Every memo (on codings, excerpts, interviews, themes and the project), searchable."""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from testimony.coding.memos import MemoRow
from testimony.coding.search import QueryError
from testimony.coding.workbench import Workbench
from testimony.counts import counted
from testimony.tui.widgets.footer import Footer

WHERE = {
    "project": "the project",
    "interview": "interview {target}",
    "excerpt": "excerpt {place}",
    "theme": "theme {target}",
    "coding": "{theme_name} · {place}",
}
HELP = "Memos on codings, excerpts, interviews, themes and the project · Enter opens one"
NONE_YET = "no memos yet: m writes one on the coding in focus or the excerpt, M on the interview"


def memo_label(memo: MemoRow) -> Text:
    label = Text()
    where = WHERE[memo.target_type].format(
        target=memo.target, place=memo.place, theme_name=memo.theme_name
    )
    label.append(where, style="bold")
    label.append(f"  {memo.coder} · {memo.updated_at:%Y-%m-%d}", style="dim")
    text = " ".join(memo.text.split())
    label.append(f"\n{text[:200]}{'…' if len(text) > 200 else ''}")
    return label


class MemoListScreen(Screen[MemoRow | None]):
    """Returns the memo to open (its excerpt or interview), or None."""

    CSS_PATH = "memo_list.tcss"
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back"),
        Binding("down", "into_results", "Results", show=False),
    ]

    def __init__(self, bench: Workbench) -> None:
        super().__init__()
        self.bench = bench
        self.memos: list[MemoRow] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="memo-list-box"):
            yield Label(HELP, id="memo-help")
            yield Input(placeholder="show memos containing…", id="memo-filter")
            yield Label("", id="memo-count")
            yield OptionList(id="memo-results")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#memo-filter", Input).focus()
        self.load("")

    @on(Input.Changed, "#memo-filter")
    def _changed(self, event: Input.Changed) -> None:
        self.load(event.value)

    @on(Input.Submitted, "#memo-filter")
    def action_into_results(self) -> None:
        if self.memos:
            self.query_one("#memo-results", OptionList).focus()

    @on(OptionList.OptionSelected, "#memo-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.memos[event.option_index])

    @work(exclusive=True, group="memos")
    async def load(self, contains: str) -> None:
        error = ""
        try:
            self.memos = await asyncio.to_thread(self.bench.memos, contains.strip() or None)
        except QueryError as exc:  # a filter written as a search query, not yet well formed
            self.memos, error = [], str(exc)
        results = self.query_one("#memo-results", OptionList)
        results.clear_options()
        results.add_options(Option(memo_label(m)) for m in self.memos)
        if self.memos:
            results.highlighted = 0
        count = len(self.memos)
        if count:
            message = f"{counted(count, 'memo')}, newest first"
        else:
            message = f"no memo holds “{contains.strip()}”" if contains.strip() else NONE_YET
        self.query_one("#memo-count", Label).update(error or message)
