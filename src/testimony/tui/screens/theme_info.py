"""A theme's description, inclusion and exclusion criteria and examples, on demand."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from testimony.coding.codebook_edits import ThemeDetails


class ThemeInfo(ModalScreen[None]):
    CSS_PATH = "theme_info.tcss"
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("question_mark", "dismiss(None)", "Close", show=False),
    ]

    def __init__(self, theme: ThemeDetails) -> None:
        super().__init__()
        self.theme = theme

    def compose(self) -> ComposeResult:
        t = self.theme
        body = Text()
        body.append(f"{t.name}\n", style="bold")
        body.append(f"{t.id}" + (f"   key {t.key}" if t.key else "") + "\n\n", style="dim")
        for heading, value in (
            ("Description", t.description),
            ("Include", t.include),
            ("Exclude", t.exclude),
        ):
            if value:
                body.append(f"{heading}\n", style="bold underline")
                body.append(value.strip() + "\n\n")
        if t.examples:
            body.append("Examples\n", style="bold underline")
            for example in t.examples:
                body.append(f"• {example}\n", style="italic")
        with VerticalScroll(id="theme-info"):
            yield Static(body)
