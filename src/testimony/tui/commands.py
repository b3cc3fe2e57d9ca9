"""Every coding action in the command palette (ctrl+p), with what it does and its key."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

# (title, help, action on the coding screen); the palette adds the action's keys as they
# are now, the user's keymap included.
CODING_COMMANDS = [
    ("Apply theme…", "pick a theme for the selection (or press the theme's key)", "pick_theme"),
    ("Next excerpt", "", "step(1)"),
    ("Previous excerpt", "", "step(-1)"),
    ("Ten excerpts on", "", "step(10)"),
    ("Ten excerpts back", "", "step(-10)"),
    ("Next uncoded excerpt", "the next excerpt you have not coded", "next_uncoded"),
    ("Go to excerpt…", "by its number in the interview", "go_to"),
    ("Next interview", "", "interview(1)"),
    ("Previous interview", "", "interview(-1)"),
    ("First excerpt of the interview", "", "first"),
    ("Last excerpt of the interview", "", "last"),
    ("Next coding in this excerpt", "focus and select it", "cycle_coding(1)"),
    ("Previous coding in this excerpt", "", "cycle_coding(-1)"),
    ("Remove coding", "the coding in focus", "remove_coding"),
    ("Change theme of coding…", "the coding in focus", "change_coding"),
    ("Mark coding important", "toggle, on the coding in focus", "toggle_important"),
    ("Memo…", "on the coding in focus, else on the excerpt", "memo"),
    ("Excerpt memo…", "on the excerpt, even with a coding in focus", "excerpt_memo"),
    ("Interview memo…", "", "interview_memo"),
    ("Project memo…", "a memo on the whole project", "project_memo"),
    ("Memo list…", "every memo, searchable; Enter opens where it was written", "memo_list"),
    ("Undo", "take back your last action (even after a restart)", "undo"),
    ("Redo", "", "redo"),
    ("Search…", "full-text search of the excerpts", "search"),
    ("Retrieve theme…", "every quote coded with a theme", "retrieve"),
    (
        "Analysis",
        "codings per theme, interview and coder; co-occurrence; agreement of two coders",
        "analysis",
    ),
    ("About this theme", "description, include and exclude criteria, examples", "describe_theme"),
    ("Edit the codebook", "add, rename, move, merge, delete themes", "edit_codebook"),
    ("Switch view", "my codings, all coders', another coder's", "cycle_view"),
    (
        "Show or hide context",
        "the end of the excerpt before and the start of the one after, dimmed",
        "toggle_context",
    ),
    ("Select sentence", "", "select_sentence"),
    ("Select whole excerpt", "", "select_all"),
    ("Unselect", "", "collapse"),
    ("Cursor to the next word", "selects nothing; a theme's key then asks first", "word(1)"),
    ("Cursor to the previous word", "", "word(-1)"),
    ("Extend the selection a word on", "", "extend(1)"),
    ("Extend the selection a word back", "", "extend(-1)"),
    ("Extend the selection to the sentence's end", "or to the next sentence's end", "sentence(1)"),
    ("Extend the selection to the sentence's start", "", "sentence(-1)"),
    ("Quit", "your place is kept for next time", "app.quit"),
]


def keys_for(screen: Screen, action: str) -> list[str]:
    """The keys that run an action on the screen now (the user's keymap applied)."""
    wanted = {action, f"screen.{action}"}
    return [
        screen.app.get_key_display(binding)
        for _node, bindings in screen._binding_chain
        for _key, binding in bindings
        if binding.action in wanted
    ]


def _help(screen: Screen, help_text: str, action: str) -> str:
    keys = keys_for(screen, action)
    shown = f"key {', '.join(dict.fromkeys(keys))}" if keys else ""
    return " · ".join(part for part in (shown, help_text) if part)


def coding_commands(screen: Screen) -> Iterable[SystemCommand]:
    """The palette entries for the screen in front: the coding screen's list above, and
    for the other screens (search, retrieval, codebook editor) their own key bindings."""
    from testimony.tui.screens.coding import CodingScreen

    if isinstance(screen, CodingScreen):
        for title, help_text, action in CODING_COMMANDS:
            yield SystemCommand(title, _help(screen, help_text, action), _runner(screen, action))
        return
    for binding in type(screen).BINDINGS:
        if isinstance(binding, Binding) and binding.description and binding.key != "escape":
            key = binding.key.split(",")[0]
            title = binding.tooltip or binding.description  # the footer's words may be short
            yield SystemCommand(title, f"key {key}", _runner(screen, binding.action))


def _runner(screen: Screen, action: str):  # noqa: ANN202
    async def run() -> None:
        await screen.run_action(action)

    return run
