"""Writing a memo: a text area; ctrl+s keeps it, escape leaves it as it was.

Escape on a changed memo asks first (escape again discards), and so does ctrl+q,
so a long memo is not lost to one key pressed by habit.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

HELP = "ctrl+s save · escape cancel · empty removes it"
UNSAVED = "not saved: ctrl+s saves it, escape again throws the changes away"
UNSAVED_QUIT = "not saved: ctrl+s saves it, ctrl+q again quits without it"


class MemoEditor(ModalScreen[str | None]):
    """Returns the memo's new text (empty: remove it), or None when cancelled."""

    CSS_PATH = "memo.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save memo", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, about: str, text: str, title: str = "Memo on") -> None:
        super().__init__()
        self.about = about
        self.text = text
        self.title_text = title
        self.warned = False
        self.quit_warned = False

    def compose(self) -> ComposeResult:
        with Vertical(id="memo"):
            yield Label(f"{self.title_text} {self.about}", id="memo-title")
            yield TextArea(self.text, id="memo-text", soft_wrap=True)
            yield Label(HELP, id="memo-help")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_cancel(self) -> None:
        """Leave; a changed memo is left only when escape is pressed a second time."""
        if self.query_one(TextArea).text.strip() == self.text.strip() or self.warned:
            self.dismiss(None)
            return
        self.warned = True
        self.query_one("#memo-help", Label).update(UNSAVED)

    def stops_quitting(self) -> bool:
        """Asked on ctrl+q: True (and the coder told) the first time while the text holds
        changes, so a memo being written is not lost to a quit; a second ctrl+q quits."""
        if self.query_one(TextArea).text.strip() == self.text.strip() or self.quit_warned:
            return False
        self.quit_warned = True
        self.query_one("#memo-help", Label).update(UNSAVED_QUIT)
        return True

    def on_text_area_changed(self) -> None:
        if self.warned:
            self.warned = False
            self.query_one("#memo-help", Label).update(HELP)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text.strip())
