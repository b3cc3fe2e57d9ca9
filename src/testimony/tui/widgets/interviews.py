"""The interview list: each interview with its coding progress and review state."""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.message import Message
from textual.visual import VisualType
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from testimony.coding.interviews import InterviewSummary

if TYPE_CHECKING:
    from textual.css.styles import RulesMap

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

    def _replace_option_prompt(self, index: int, prompt: VisualType) -> None:
        """Redraw one option without measuring every option again.

        OptionList drops its whole line cache when a prompt changes, so the next frame
        measures all of them: on 834 interviews that cost tens of milliseconds on the
        interface thread after every coding action, delaying whatever the coder did
        next. When the new prompt is as tall as the old one, only its own rendering is
        dropped. (Textual internals, used only when they are there; else as OptionList.)
        """
        option = self.get_option_at_index(index)
        renders = getattr(self, "_option_render_cache", None)
        heights = getattr(getattr(self, "_line_cache", None), "heights", None)
        if renders is None or not isinstance(heights, dict) or index not in heights:
            super()._replace_option_prompt(index, prompt)
            return
        option._set_prompt(prompt)
        padding = self.get_component_styles("option-list--option").padding
        width = self.scrollable_content_region.width - self._get_left_gutter_width()
        height = self._get_visual(option).get_height(
            cast("RulesMap", self.styles), width - padding.width
        )
        if height + option._divider != heights[index]:
            self._clear_caches()
            return
        for key in [key for key in renders.keys() if key[0] is option]:  # noqa: SIM118
            renders.discard(key)
        self.refresh()

    def mark_current(self, interview: str) -> None:
        with suppress(OptionDoesNotExist):  # the list is still loading
            self.highlighted = self.get_option_index(interview)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))
