"""Writing a memo: a text area; ctrl+s keeps it, escape leaves it as it was."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea


class MemoEditor(ModalScreen[str | None]):
    """Returns the memo's new text (empty: remove it), or None when cancelled."""

    CSS_PATH = "memo.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save memo", priority=True),
        Binding("escape", "dismiss(None)", "Cancel"),
    ]

    def __init__(self, about: str, text: str, title: str = "Memo on") -> None:
        super().__init__()
        self.about = about
        self.text = text
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="memo"):
            yield Label(f"{self.title_text} {self.about}", id="memo-title")
            yield TextArea(self.text, id="memo-text", soft_wrap=True)
            yield Label("ctrl+s save · escape cancel · empty removes it", id="memo-help")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text.strip())
