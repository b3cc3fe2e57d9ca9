"""The reviewers' app: wires the review queue to one project, as one reviewer."""

from __future__ import annotations

from textual.binding import Binding

from testimony.project import Project
from testimony.tui.base import TestimonyApp
from testimony.tui.keymap import load_keymap
from testimony.tui.screens.review import ReviewScreen


class ReviewApp(TestimonyApp[int]):
    """`testimony review`: decide on proposed redactions, add what was missed."""

    TITLE = "testimony review"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]

    def __init__(
        self, project: Project, reviewer: str, keymap: dict[str, str] | None = None
    ) -> None:
        super().__init__()
        self.project = project
        self.sub_title = f"reviewing as {reviewer}"
        self.reviewer = reviewer
        self.user_keymap = keymap or {}

    def on_mount(self) -> None:
        self.set_keymap(self.user_keymap)
        self.push_screen(ReviewScreen(self.project, self.reviewer))

    async def action_quit(self) -> None:
        self.exit(0)


def run_review_app(project: Project, reviewer: str) -> int:
    """Run the queue until the reviewer quits; the exit code."""
    app = ReviewApp(project, reviewer, load_keymap())
    app.run()
    return app.return_code or 0
