"""The coding workbench app: wires the coding screen, the palette and the workbench."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from testimony.coding.workbench import Workbench
from testimony.project import Project
from testimony.redact.memo_check import MemoCheck
from testimony.tui.base import TestimonyApp
from testimony.tui.commands import coding_commands
from testimony.tui.keymap import load_keymap, single_keys
from testimony.tui.keys import RESERVED_KEYS
from testimony.tui.screens.coding import CodingScreen
from testimony.tui.screens.memo import MemoEditor


class CodingApp(TestimonyApp[int]):
    """`testimony code`: one coder's workbench on one project."""

    TITLE = "testimony"
    CSS_PATH = "app.tcss"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]

    def __init__(
        self,
        bench: Workbench,
        keymap: dict[str, str] | None = None,
        memo_check: MemoCheck | None = None,
    ) -> None:
        super().__init__()
        self.bench = bench
        self.memo_check = memo_check  # warns when a memo names a known identifier
        self.sub_title = f"coding as {bench.coder}"
        self.user_keymap = keymap or {}
        self.reserved_keys = RESERVED_KEYS | single_keys(self.user_keymap)

    def on_mount(self) -> None:
        self.set_keymap(self.user_keymap)
        self.push_screen(CodingScreen(self.bench))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from coding_commands(screen)
        yield from super().get_system_commands(screen)

    async def action_quit(self) -> None:
        if any(isinstance(s, MemoEditor) and s.stops_quitting() for s in self.screen_stack):
            return  # a memo with unsaved changes: the editor asks first
        for screen in self.screen_stack:
            if isinstance(screen, CodingScreen):
                screen.remember_place()
        self.exit(0)


def run_coding_app(project: Project, coder: str, memo_check: MemoCheck | None = None) -> int:
    """Run the workbench until the coder quits (with the user's keymap); the exit code."""
    app = CodingApp(Workbench(project, coder), load_keymap(), memo_check)
    app.run()
    return app.return_code or 0
