"""Go to an excerpt by its number in the interview."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class GoToExcerpt(ModalScreen[int | None]):
    """Returns the excerpt number typed, or None."""

    CSS_PATH = "goto.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, interview: str, last: int) -> None:
        super().__init__()
        self.interview, self.last = interview, last

    def compose(self) -> ComposeResult:
        with Vertical(id="goto"):
            yield Label(f"Go to excerpt of {self.interview} (1–{self.last})")
            yield Input(placeholder="number", type="integer", id="goto-number")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        self.dismiss(int(value) if value.isdigit() else None)
