"""The user's keymap: their own keys for any action of the coding and review screens.

Every binding a person may want to change has an id (`coding.next`,
`reader.extend-right`, `review.accept`…). A YAML file maps ids to keys, several
keys separated by commas, in Textual's key names:

    coding.next: "j,ctrl+n"
    reader.sentence: s
    review.accept: y

The file is `$TESTIMONY_KEYMAP`, else `$XDG_CONFIG_HOME/testimony/keymap.yaml`
(`~/.config/testimony/keymap.yaml`). Keys are a person's habit, not a project's,
so the keymap lives with the user. `testimony keys` lists every id with its
default and current keys. A bad file is refused with its file, line and problem.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode

from testimony.errors import TestimonyError

ENV_KEYMAP = "TESTIMONY_KEYMAP"
KEY_NAME = re.compile(r"^[A-Za-z0-9_+\-]+$|^.$")
MAX_KEYMAP_BYTES = 64 * 1024


class KeymapError(TestimonyError):
    """The keymap file cannot be used; the message names the file, line and problem."""


@dataclass(frozen=True)
class KeyAction:
    id: str
    keys: str
    description: str
    screen: str


def all_actions() -> list[KeyAction]:
    """Every binding with an id, from the screens and widgets that have them."""
    from textual.binding import Binding

    from testimony.tui.screens.analysis import AnalysisScreen
    from testimony.tui.screens.codebook_editor import CodebookEditor
    from testimony.tui.screens.coding import CodingScreen
    from testimony.tui.screens.raw_text import RawTextScreen
    from testimony.tui.screens.retrieval import RetrievalScreen
    from testimony.tui.screens.review import ReviewScreen
    from testimony.tui.widgets.reader import Reader

    actions = []
    for owner in (
        CodingScreen,
        Reader,
        CodebookEditor,
        RetrievalScreen,
        AnalysisScreen,
        ReviewScreen,
        RawTextScreen,
    ):
        for binding in owner.BINDINGS:
            if isinstance(binding, Binding) and binding.id:
                actions.append(
                    KeyAction(binding.id, binding.key, binding.description, owner.__name__)
                )
    return actions


def keymap_path() -> Path:
    """Where this user's keymap is (it need not exist)."""
    if os.environ.get(ENV_KEYMAP):
        return Path(os.environ[ENV_KEYMAP]).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "testimony" / "keymap.yaml"


def load_keymap(path: Path | None = None) -> dict[str, str]:
    """The user's keymap as {binding id: keys}; empty when there is no file."""
    path = path or keymap_path()
    if not path.exists():
        if os.environ.get(ENV_KEYMAP):
            raise KeymapError(f"{path}: no such keymap file (named by ${ENV_KEYMAP})")
        return {}
    if path.is_dir() or path.stat().st_size > MAX_KEYMAP_BYTES:
        raise KeymapError(f"{path}: not a keymap file")
    try:
        node = yaml.compose(path.read_text(encoding="utf-8-sig"), Loader=yaml.SafeLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 1
        raise KeymapError(f"{path}:{line}: not valid YAML") from None
    if node is None:
        return {}
    if not isinstance(node, MappingNode):
        raise KeymapError(f"{path}:{node.start_mark.line + 1}: expected 'action id: keys' lines")
    known = {action.id for action in all_actions()}
    keymap: dict[str, str] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, ScalarNode) or not isinstance(value_node, ScalarNode):
            raise KeymapError(f"{path}:{line}: expected 'action id: keys'")
        ident, keys = key_node.value.strip(), str(value_node.value).strip()
        if ident not in known:
            raise KeymapError(f"{path}:{line}: no action {ident!r} (`testimony keys` lists them)")
        names = [k.strip() for k in keys.split(",")]
        if not keys or not all(KEY_NAME.match(name) for name in names):
            raise KeymapError(f"{path}:{line}: {keys!r} is not a key name such as j or ctrl+n")
        keymap[ident] = ",".join(names)
    return keymap


def single_keys(keymap: dict[str, str]) -> set[str]:
    """The one-character keys a keymap gives to actions (no theme may take them)."""
    return {key for keys in keymap.values() for key in keys.split(",") if len(key) == 1}
