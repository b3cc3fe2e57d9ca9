"""The codebook tree: themes with shortcut keys, colours and coding counts."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from testimony.coding.themes import ThemeRow
from testimony.tui.widgets.reader import theme_style


def theme_label(row: ThemeRow) -> Text:
    label = Text(no_wrap=True, overflow="ellipsis")
    label.append(row.key or " ", style=theme_style(row.color) + Style(bold=True))
    label.append(" " + row.name)
    if row.codings:
        label.append(f" {row.codings}", style="dim")
    return label


class CodebookTree(Tree[ThemeRow]):
    """Told the themes by the screen; says which theme the coder picked."""

    BINDINGS = [("question_mark", "describe", "About theme")]

    class Chosen(Message):
        def __init__(self, theme: str) -> None:
            super().__init__()
            self.theme = theme

    class Describe(Message):
        def __init__(self, row: ThemeRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__("Codebook", id=id)
        self.show_root = False
        self.guide_depth = 2
        self.show_guides = True
        self.auto_expand = False

    def set_themes(self, rows: list[ThemeRow]) -> None:
        highlighted = (
            self.cursor_node.data.id if self.cursor_node and self.cursor_node.data else None
        )
        self.clear()
        nodes: dict[str, TreeNode[ThemeRow]] = {}
        for row in rows:
            parent = nodes.get(row.parent) if row.parent else self.root
            node = (parent or self.root).add(theme_label(row), data=row, expand=True)
            nodes[row.id] = node
        for node in nodes.values():
            if not node.children:
                node.allow_expand = False
        target = nodes.get(highlighted or "") or next(iter(nodes.values()), None)
        if target is not None:
            # A node added since the tree was last drawn has no line yet, and moving to it
            # would put the cursor on the first theme: after each edit the coder lost
            # their place. Lay the lines out now (Textual does it lazily, the same way).
            self._build()
            self.move_cursor(target, animate=False)

    def highlight(self, theme: str | None) -> None:
        """Put the cursor on a theme (one just added, or what a merge left)."""
        node = next((n for n in self._tree_nodes.values() if n.data and n.data.id == theme), None)
        if node is not None:
            self._build()
            self.move_cursor(node, animate=False)

    def on_tree_node_selected(self, event: Tree.NodeSelected[ThemeRow]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.Chosen(event.node.data.id))

    def action_describe(self) -> None:
        if self.cursor_node is not None and self.cursor_node.data is not None:
            self.post_message(self.Describe(self.cursor_node.data))
