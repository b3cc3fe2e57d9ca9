"""The interview-attribute filter field: completes names and values, lists what exists.

While the coder types, the field suggests the rest of the attribute name or value
under the cursor (tab or → takes it) and a hint line lists the names, or the
values of the name typed, with how many interviews have each. Enter applies the
filter, escape gives the edit up and leaves the field.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input

from testimony.coding.attribute_filter import Known

MAX_HINTS = 12


def _current(value: str) -> tuple[str, str | None, str]:
    """The pair being typed (after the last comma): (name, None, "") while the name is
    typed, (name, typed value, "") once '=' is there."""
    token = value.rpartition(",")[2].lstrip()
    name, sep, typed = token.partition("=")
    return (name.strip(), typed.lstrip() if sep else None, token)


def _known_name(name: str, known: Known) -> str | None:
    same = [n for n in known if n.casefold() == name.casefold()]
    return same[0] if same else None


class AttributeSuggester(Suggester):
    """Suggests the rest of the attribute name, or of the value, being typed."""

    def __init__(self, known: Known) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.known = known

    async def get_suggestion(self, value: str) -> str | None:
        name, typed, _token = _current(value)
        if typed is None:
            words, prefix, after = list(self.known), name, "="
        else:
            real = _known_name(name, self.known)
            if real is None:
                return None
            words, prefix, after = list(self.known[real]), typed, ""
        for word in words:
            if word.casefold().startswith(prefix.casefold()) and word != prefix:
                return value + word[len(prefix) :] + after
        return None


def attribute_hint(known: Known, value: str) -> Text:
    """What may be typed next: the attribute names, or the values of the name being typed,
    each with how many interviews have it."""
    hint = Text()
    if not known:
        hint.append("no interview has attributes in this project")
        return hint
    name, typed, _token = _current(value)
    if typed is None:
        names = [n for n in known if n.casefold().startswith(name.casefold())] or list(known)
        hint.append("attributes: ", style="bold")
        items = [(n, sum(known[n].values())) for n in names]
    else:
        real = _known_name(name, known)
        if real is None:
            hint.append(f"no attribute {name!r}; attributes: ", style="bold")
            items = [(n, sum(known[n].values())) for n in known]
        else:
            values = known[real]
            matching = [v for v in values if v.casefold().startswith(typed.casefold())]
            hint.append(f"{real}: ", style="bold")
            items = [(v, values[v]) for v in matching or values]
    for index, (word, interviews) in enumerate(items[:MAX_HINTS]):
        if index:
            hint.append(" · ")
        hint.append(word)
        hint.append(f" ({interviews})", style="dim")
    if len(items) > MAX_HINTS:
        hint.append(f" · … {len(items) - MAX_HINTS} more", style="dim")
    return hint


class AttributeInput(Input):
    """The filter field; its keys are the footer's while it has the focus."""

    BINDINGS = [
        Binding("enter", "submit", "Apply filter"),
        Binding("tab", "complete", "Complete"),
        Binding("escape", "cancel", "Cancel edit"),
        Binding("ctrl+u", "delete_left_all", "Clear"),
    ]

    def __init__(self, placeholder: str, id: str) -> None:  # noqa: A002
        # The filter in force stays when the field takes the focus: typing adds to it.
        super().__init__(placeholder=placeholder, id=id, select_on_focus=False)

    class Cancelled(Message):
        """The coder gave the edit up (escape)."""

    class Editing(Message):
        """The field took or lost the focus."""

        def __init__(self, editing: bool) -> None:
            super().__init__()
            self.editing = editing

    def on_focus(self) -> None:
        self.post_message(self.Editing(True))

    def on_blur(self) -> None:
        self.post_message(self.Editing(False))

    def action_complete(self) -> None:
        if self._suggestion:
            self.value = self._suggestion
            self.cursor_position = len(self.value)

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled())
