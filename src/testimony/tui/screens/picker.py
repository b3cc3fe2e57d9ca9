"""The fuzzy theme picker: type a few letters of a theme's name or description, Enter."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from testimony.coding.themes import ThemeRow
from testimony.tui.widgets.reader import theme_style


def rank_themes(query: str, themes: list[ThemeRow]) -> list[ThemeRow]:
    """Themes matching query (name, id or description), best first; all in order if empty."""
    if not query.strip():
        return list(themes)
    matcher = Matcher(query)
    scored = []
    for order, theme in enumerate(themes):
        score = max(
            matcher.match(theme.name) * 2,
            matcher.match(theme.id) * 1.5,
            matcher.match(theme.description[:200]),
        )
        if score > 0:
            scored.append((-score, order, theme))
    return [theme for _score, _order, theme in sorted(scored)]


def picker_label(theme: ThemeRow, parent: str | None = None) -> Text:
    label = Text()
    label.append("■ ", style=Style(color=theme_style(theme.color).bgcolor))
    label.append(theme.name, style="bold")
    if theme.key:
        label.append(f"  key {theme.key}", style="dim")
    if parent:  # themes of one name part elsewhere ("pressure to reconcile") told apart
        label.append(f"  in {parent}", style="dim")
    about = " ".join(theme.description.split())
    label.append(f"\n  {about[:60]}{'…' if len(about) > 60 else ''}", style="dim italic")
    return label


class ThemePicker(ModalScreen[str | None]):
    """Returns the chosen theme's id, or None when the coder cancels."""

    CSS_PATH = "picker.tcss"
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def __init__(self, themes: list[ThemeRow], title: str = "Apply theme") -> None:
        super().__init__()
        self.themes = themes
        self.title_text = title
        self.shown: list[ThemeRow] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Label(self.title_text, id="picker-title")
            yield Input(placeholder="type to filter themes…", id="picker-query")
            yield OptionList(id="picker-options")

    def on_mount(self) -> None:
        self._refilter("")

    @on(Input.Changed, "#picker-query")
    def _query_changed(self, event: Input.Changed) -> None:
        self._refilter(event.value)

    def _refilter(self, query: str) -> None:
        self.shown = rank_themes(query, self.themes)
        options = self.query_one("#picker-options", OptionList)
        options.clear_options()
        names = {t.id: t.name for t in self.themes}
        options.add_options(
            Option(picker_label(t, names.get(t.parent or "")), id=t.id) for t in self.shown
        )
        if self.shown:
            options.highlighted = 0

    def action_move(self, step: int) -> None:
        options = self.query_one("#picker-options", OptionList)
        options.action_cursor_down() if step > 0 else options.action_cursor_up()

    @on(Input.Submitted, "#picker-query")
    def _submitted(self) -> None:
        options = self.query_one("#picker-options", OptionList)
        if options.highlighted is not None and self.shown:
            self.dismiss(self.shown[options.highlighted].id)

    @on(OptionList.OptionSelected, "#picker-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
