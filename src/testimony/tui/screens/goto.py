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
            yield Label(self.question(), id="goto-question")
            yield Input(placeholder="number", type="integer", id="goto-number")

    def question(self) -> str:
        return f"Go to excerpt of {self.interview} (1–{self.last})"

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """A number past either end is refused here, saying the range, and the box stays."""
        value = event.value.strip()
        number = int(value) if value.lstrip("-").isdigit() else None
        if number is None:
            self.dismiss(None)
        elif 1 <= number <= self.last:
            self.dismiss(number)
        else:
            label = self.query_one("#goto-question", Label)
            label.update(f"{self.interview} has no ¶{number}: type 1–{self.last} (esc cancels)")
