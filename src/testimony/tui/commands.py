"""Every coding action in the command palette (ctrl+p), with what it does and its key."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

# (title, help, action on the coding screen)
CODING_COMMANDS = [
    ("Apply theme…", "Pick a theme for the selection (enter; or the theme's key)", "pick_theme"),
    ("Next excerpt", "j or ↓", "step(1)"),
    ("Previous excerpt", "k or ↑", "step(-1)"),
    ("Next uncoded excerpt", "n: the next excerpt you have not coded", "next_uncoded"),
    ("Go to excerpt…", ": then a number", "go_to"),
    ("Next interview", "}", "interview(1)"),
    ("Previous interview", "{", "interview(-1)"),
    ("First excerpt of the interview", "g or home", "first"),
    ("Last excerpt of the interview", "G or end", "last"),
    ("Next coding in this excerpt", "]: focus and select it", "cycle_coding(1)"),
    ("Previous coding in this excerpt", "[", "cycle_coding(-1)"),
    ("Remove coding", "delete: the coding in focus", "remove_coding"),
    ("Change theme of coding…", "C: the coding in focus", "change_coding"),
    ("Mark coding important", "!: toggle", "toggle_important"),
    ("Memo…", "m: on the coding in focus, else on the excerpt", "memo"),
    ("Interview memo…", "M", "interview_memo"),
    ("Project memo…", "A memo on the whole project", "project_memo"),
    ("Memo list…", "L: every memo, searchable; Enter opens where it was written", "memo_list"),
    ("Undo", "u: take back your last action (even after a restart)", "undo"),
    ("Redo", "U", "redo"),
    ("Search…", "/: full-text search of the excerpts", "search"),
    ("Retrieve theme…", "R: every quote coded with a theme", "retrieve"),
    (
        "Analysis",
        "F: codings per theme, interview and coder; co-occurrence; agreement of two coders",
        "analysis",
    ),
    (
        "About this theme",
        "?: description, include and exclude criteria, examples",
        "describe_theme",
    ),
    ("Edit the codebook", "E: add, rename, move, merge, delete themes", "edit_codebook"),
    ("Switch view", "V: my codings, all coders', another coder's", "cycle_view"),
    (
        "Show or hide context",
        "X: the end of the excerpt before and the start of the one after, dimmed",
        "toggle_context",
    ),
    ("Select sentence", "S", "select_sentence"),
    ("Select whole excerpt", "A", "select_all"),
]


def coding_commands(screen: Screen) -> Iterable[SystemCommand]:
    """The palette entries for the screen in front: the coding screen's list above, and
    for the other screens (search, retrieval, codebook editor) their own key bindings."""
    from testimony.tui.screens.coding import CodingScreen

    if isinstance(screen, CodingScreen):
        for title, help_text, action in CODING_COMMANDS:
            yield SystemCommand(title, help_text, _runner(screen, action))
        return
    for binding in type(screen).BINDINGS:
        if isinstance(binding, Binding) and binding.description and binding.key != "escape":
            key = binding.key.split(",")[0]
            yield SystemCommand(binding.description, f"key {key}", _runner(screen, binding.action))


def _runner(screen: Screen, action: str):  # noqa: ANN202
    async def run() -> None:
        await screen.run_action(action)

    return run
