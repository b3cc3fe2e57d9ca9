"""The codebook editor: add, rename, move, merge and delete themes; texts, colour, key.

Every change is saved at once (and audit-logged); `testimony codebook export`
writes the result back as YAML.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from testimony.coding.errors import CodingError
from testimony.coding.themes import ThemeRow
from testimony.coding.workbench import Workbench
from testimony.counts import counted
from testimony.tui import footer_hints
from testimony.tui.identifier_warning import warn_of_identifiers
from testimony.tui.keys import RESERVED_KEYS
from testimony.tui.screens.memo import MemoEditor
from testimony.tui.screens.picker import ThemePicker
from testimony.tui.screens.prompt import Prompt
from testimony.tui.widgets.codebook import CodebookTree
from testimony.tui.widgets.footer import Footer

TOP_LEVEL = "(top level)"


class CodebookEditor(Screen[None]):
    CSS_PATH = "codebook_editor.tcss"
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back", show=False),
        Binding("a", "add(True)", "Add", id="editor.add-sub-theme", tooltip="Add sub-theme"),
        Binding("A", "add(False)", "Add top-level", show=False, id="editor.add-top-level"),
        Binding("r", "rename", "Rename", id="editor.rename"),
        Binding(
            "d",
            "text('description')",
            "Describe",
            id="editor.description",
            tooltip="Edit the description",
        ),
        Binding("i", "text('include')", "Include", show=False, id="editor.include"),
        Binding("x", "text('exclude')", "Exclude", show=False, id="editor.exclude"),
        Binding("c", "color", "Colour", show=False, id="editor.colour"),
        Binding("k", "key", "Key", show=False, id="editor.key"),
        Binding("m", "move", "Move", id="editor.move"),
        Binding("M", "merge", "Merge", id="editor.merge"),
        Binding("delete", "delete", "Delete", id="editor.delete"),
        Binding("u", "history('undo')", "Undo", id="editor.undo"),
        Binding("U", "history('redo')", "Redo", show=False, id="editor.redo"),
    ]

    def __init__(self, bench: Workbench) -> None:
        super().__init__()
        self.bench = bench
        self.themes: list[ThemeRow] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="editor-body"):
            yield CodebookTree(id="editor-tree")
            with VerticalScroll(id="editor-details"):
                yield Static(id="editor-theme")
        yield Static(id="editor-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#editor-tree").border_title = "Codebook"
        self.reload()
        tree = self.query_one(CodebookTree)
        footer_hints.hide(tree, "describe")  # the details beside the tree say it all
        tree.focus()
        self.say(
            "a add under, A at the top · r rename · d/i/x texts · c colour · k key · m move · "
            "M merge · del delete · u undo · esc back"
        )

    def reload(self) -> None:
        self.themes = self.bench.themes()
        self.query_one(CodebookTree).set_themes(self.themes)
        self.show_details()

    def current(self) -> ThemeRow | None:
        node = self.query_one(CodebookTree).cursor_node
        return node.data if node is not None else None

    def say(self, message: str) -> None:
        self.query_one("#editor-status", Static).update(message)

    @on(CodebookTree.NodeHighlighted)
    def show_details(self) -> None:
        row = self.current()
        if row is None:
            return
        t = self.bench.theme_details(row.id)
        body = Text()
        body.append(f"{t.name}\n", style="bold")
        body.append(f"id {t.id} · key {t.key or '–'} · colour {t.color or '–'}", style="dim")
        body.append(f" · {counted(row.codings, 'coding')}\n\n", style="dim")
        for heading, value in (("Description", t.description), ("Include", t.include)):
            body.append(f"{heading}\n", style="bold")
            body.append((value or "–") + "\n\n")
        body.append("Exclude\n", style="bold")
        body.append(t.exclude or "–")
        self.query_one("#editor-theme", Static).update(body)

    @on(CodebookTree.Chosen)
    def _enter(self) -> None:
        self.action_rename()

    def change(self, work: Callable[[], object], done: str, then: str | None = None) -> None:
        """Make an edit and show it. The cursor goes to then (the theme a merge or delete
        left the codings on) or to the theme id the edit returns (one just added)."""
        try:
            result = work()
        except CodingError as exc:
            self.say(str(exc))
            return
        self.reload()
        if then is not None or isinstance(result, str):
            self.query_one(CodebookTree).highlight(then or str(result))
        self.say(f"{done} (u undoes)")

    def action_history(self, which: str) -> None:
        """Undo or redo the coder's latest action (codebook edits included), here too."""
        try:
            done = self.bench.undo() if which == "undo" else self.bench.redo()
        except CodingError as exc:
            self.say(str(exc))
            return
        if done is None:
            self.say(f"nothing to {which}")
            return
        self.reload()
        verb = "Undid" if which == "undo" else "Redid"
        self.say(f"{verb}: {done.description or done.summary}")

    def action_add(self, under_current: bool) -> None:
        current = self.current() if under_current else None
        parent = current.id if current else None

        def add(name: str | None) -> None:
            if name:
                self.change(lambda: self.bench.add_theme(name, parent), f"added {name}")

        where = f"under {current.name}" if parent and current else "at the top"
        self.app.push_screen(Prompt(f"New theme {where}: name"), add)

    def action_rename(self) -> None:
        row = self.current()
        if row is None:
            return

        def rename(name: str | None) -> None:
            if name:
                self.change(lambda: self.bench.edit_theme(row.id, name=name), f"renamed {name}")

        self.app.push_screen(Prompt(f"Rename {row.name}", row.name), rename)

    def action_text(self, field: str) -> None:
        row = self.current()
        if row is None:
            return
        value = getattr(self.bench.theme_details(row.id), field)

        def save(text: str | None) -> None:
            if text is not None:
                self.change(
                    lambda: self.bench.edit_theme(row.id, **{field: text}), f"{field} saved"
                )
                warn_of_identifiers(self.app, text, f"theme {field}")

        self.app.push_screen(MemoEditor(f"{row.name}: {field}", value, title="Edit"), save)

    def action_color(self) -> None:
        row = self.current()
        if row is None:
            return

        def save(color: str | None) -> None:
            if color is not None:
                self.change(
                    lambda: self.bench.edit_theme(row.id, color=color.strip() or None),
                    "colour saved",
                )

        self.app.push_screen(Prompt(f"Colour of {row.name} (#rrggbb)", row.color or ""), save)

    def action_key(self) -> None:
        row = self.current()
        if row is None:
            return

        def save(key: str | None) -> None:
            if key is None:
                return
            key = key.strip()
            if key in getattr(self.app, "reserved_keys", RESERVED_KEYS):
                self.say(f"{key!r} is kept for the coding screen; choose another key")
                return
            self.change(lambda: self.bench.edit_theme(row.id, key=key or None), "key saved")

        self.app.push_screen(
            Prompt(f"Shortcut key of {row.name} (empty: none)", row.key or ""), save
        )

    def action_move(self) -> None:
        row = self.current()
        if row is None:
            return
        top = ThemeRow(TOP_LEVEL, TOP_LEVEL, 0, None, None, None, 0, "no parent")
        below = {row.id}  # the theme and its sub-themes: no place to move it to
        for theme in self.themes:  # in tree order, so a parent comes before its children
            if theme.parent in below:
                below.add(theme.id)
        choices = [top, *[t for t in self.themes if t.id not in below]]

        def move(parent: str | None) -> None:
            if parent:
                target = None if parent == TOP_LEVEL else parent
                self.change(lambda: self.bench.move_theme(row.id, target), f"moved {row.name}")

        self.app.push_screen(ThemePicker(choices, f"Move {row.name} under"), move)

    def action_merge(self) -> None:
        row = self.current()
        if row is None:
            return

        def merge(target: str | None) -> None:
            if target:
                self.change(
                    lambda: self.bench.merge_themes(row.id, target), f"merged {row.name}", target
                )

        others = [t for t in self.themes if t.id != row.id]
        self.app.push_screen(ThemePicker(others, f"Merge {row.name} into"), merge)

    def action_delete(self) -> None:
        row = self.current()
        if row is None:
            return
        if not row.codings:
            self.change(lambda: self.bench.delete_theme(row.id), f"deleted {row.name}")
            return

        def delete(target: str | None) -> None:
            if target:
                self.change(
                    lambda: self.bench.delete_theme(row.id, move_codings_to=target),
                    f"deleted {row.name}; its codings moved",
                    target,
                )

        others = [t for t in self.themes if t.id != row.id]
        title = f"{row.name} has {counted(row.codings, 'coding')}: move " + (
            "it to" if row.codings == 1 else "them to"
        )
        self.app.push_screen(ThemePicker(others, title), delete)
