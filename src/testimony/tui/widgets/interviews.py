"""The interview list: each interview with its coding progress and review state."""

from __future__ import annotations

from contextlib import suppress

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from testimony.coding.interviews import InterviewSummary

REVIEW_MARKS = {"unreviewed": "○", "in-review": "◐", "reviewed": "●"}  # as review writes them


def progress_bar(share: float, cells: int = 5) -> str:
    eighths = round(share * cells * 8)
    full, part = divmod(eighths, 8)
    bar = "█" * full + ("▏▎▍▌▋▊▉"[part - 1] if part else "")
    return bar.ljust(cells, "·")[:cells]


def interview_label(row: InterviewSummary) -> Text:
    label = Text(no_wrap=True, overflow="ellipsis")
    label.append(REVIEW_MARKS.get(row.review_state, "?") + " ", style="dim")
    label.append(row.id, style="bold")
    label.append(f" {progress_bar(row.progress)} {row.progress:4.0%}", style="dim")
    title = " ".join(row.title.split())
    label.append(f"\n  {title[:40]}{'…' if len(title) > 40 else ''}", style="italic")
    return label


class InterviewList(OptionList):
    """Told the interviews by the screen; says which one the coder chose."""

    class Chosen(Message):
        def __init__(self, interview: str) -> None:
            super().__init__()
            self.interview = interview

    def set_interviews(self, rows: list[InterviewSummary], current: str | None) -> None:
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(Option(interview_label(r), id=r.id) for r in rows)
        codes = [r.id for r in rows]
        if current in codes:
            self.highlighted = codes.index(current)
        elif highlighted is not None and rows:
            self.highlighted = min(highlighted, len(rows) - 1)

    def update_row(self, row: InterviewSummary) -> None:
        """One interview's progress changed: redraw its row alone (not the whole list)."""
        with suppress(OptionDoesNotExist):  # the list is still loading
            self.replace_option_prompt(row.id, interview_label(row))

    def mark_current(self, interview: str) -> None:
        with suppress(OptionDoesNotExist):  # the list is still loading
            self.highlighted = self.get_option_index(interview)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))
