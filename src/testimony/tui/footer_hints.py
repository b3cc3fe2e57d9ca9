"""Which keys the coding screen's footer shows: those that matter for what is in front.

An 80-column footer holds six or seven keys, fewer than the screen has. So the
footer follows the coder: reading, it offers selecting and searching; with words
selected, applying; with a coding in focus, removing, changing, marking it and
writing its memo. Every key works whether the footer shows it or not, and every
action stays in the command palette (ctrl+p).
"""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

READING = "reading"
SELECTED = "selected"
CODING = "coding"
CODEBOOK = "codebook"
INTERVIEWS = "interviews"

SHOWN = {  # binding ids shown in each state, the rest of the managed ones hidden
    READING: {
        "reader.sentence",
        "coding.apply",
        "coding.search",
        "coding.retrieve",
        "coding.undo",
        "coding.quit",
    },
    SELECTED: {
        "coding.apply",
        "reader.unselect",
        "coding.memo",
        "coding.search",
        "coding.undo",
        "coding.quit",
    },
    CODING: {
        "coding.apply",
        "coding.remove",
        "coding.change-theme",
        "coding.important",
        "coding.memo",
        "coding.undo",
    },
    CODEBOOK: {"coding.memo", "coding.retrieve", "coding.codebook", "coding.undo", "coding.quit"},
    INTERVIEWS: {"coding.interview-memo", "coding.search", "coding.undo", "coding.quit"},
}
# Analysis is in the palette (and on F) but in no state's footer: it is not about the text.
MANAGED = set().union(*SHOWN.values()) | {"coding.analysis", "coding.uncoded"}


def show_for(state: str, *nodes: DOMNode) -> bool:
    """Show the state's keys in the footer and hide the other managed ones; True if any
    binding changed (the caller then refreshes the footer)."""
    shown = SHOWN[state]
    changed = False
    for node in nodes:
        table = node._bindings.key_to_bindings
        for key, bindings in table.items():
            updated = [replace(b, show=b.id in shown) if b.id in MANAGED else b for b in bindings]
            if updated != bindings:
                table[key] = updated
                changed = True
    return changed


def hide(node: DOMNode, *actions: str) -> None:
    """Keep a widget's bindings for these actions out of the footer (they still work)."""
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [replace(b, show=False) if b.action in actions else b for b in bindings]
