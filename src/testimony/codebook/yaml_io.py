"""Read and write codebook YAML; every problem is reported with file, line and column.

The file is parsed to YAML nodes (which keep their positions) rather than to
Python objects, so that an error can point at the line a person must fix.
Anchors, aliases and non-standard tags are refused: a codebook is plain data.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from testimony.codebook.model import Codebook, ThemeSpec
from testimony.errors import CodebookError, CodebookProblem

TOP_KEYS = {"name", "version", "description", "themes"}
THEME_KEYS = {
    "id",
    "name",
    "description",
    "include",
    "exclude",
    "examples",
    "color",
    "key",
    "children",
    "parent",
}
TEXT_KEYS = ("description", "include", "exclude")
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
COLOR_PATTERN = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
STANDARD_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
}
MAX_CODEBOOK_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
# Control characters (YAML writes them as "\e" or "\x1b") would drive the terminal that
# shows a theme; line breaks are allowed only in the texts that are paragraphs.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
LINE_BREAK = re.compile("[\n\r\x85\u2028\u2029]")


def load_codebook(path: Path) -> Codebook:
    """Read and validate a codebook file; raise CodebookError listing every problem."""
    name = str(path)
    try:
        if path.is_dir():
            raise CodebookError([CodebookProblem(name, 1, 1, "is a folder, not a codebook file")])
        if path.exists() and not path.is_file():  # a pipe or /dev/zero: reading never ends
            raise CodebookError([CodebookProblem(name, 1, 1, "not a regular file")])
        if path.stat().st_size > MAX_CODEBOOK_BYTES:
            raise CodebookError([CodebookProblem(name, 1, 1, "larger than 5 MB; not a codebook")])
        with path.open("rb") as handle:
            raw = handle.read(MAX_CODEBOOK_BYTES + 1)  # it may have grown since
        if len(raw) > MAX_CODEBOOK_BYTES:
            raise CodebookError([CodebookProblem(name, 1, 1, "larger than 5 MB; not a codebook")])
    except OSError as exc:
        raise CodebookError(
            [CodebookProblem(name, 1, 1, f"cannot read ({exc.strerror})")]
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CodebookError([CodebookProblem(name, line, 1, "not UTF-8 text")]) from None
    return parse_codebook(text, name)


def parse_codebook(text: str, file: str = "<codebook>") -> Codebook:
    """Validate codebook YAML text; raise CodebookError listing every problem."""
    problems: list[CodebookProblem] = []

    def problem(node_or_mark, message: str) -> None:
        mark = getattr(node_or_mark, "start_mark", node_or_mark)
        problems.append(CodebookProblem(file, mark.line + 1, mark.column + 1, message))

    try:
        depth = 0
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                problem(event, "anchors and aliases are not allowed in a codebook")
                raise CodebookError(problems)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:  # composing it would exhaust Python's stack
                    problem(event, f"nested more than {MAX_DEPTH} levels deep")
                    raise CodebookError(problems)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = (exc.problem or "not valid YAML").strip()
        if mark is None:
            raise CodebookError([CodebookProblem(file, 1, 1, f"bad YAML: {reason}")]) from None
        raise CodebookError(
            [CodebookProblem(file, mark.line + 1, mark.column + 1, f"bad YAML: {reason}")]
        ) from None
    except yaml.YAMLError as exc:
        raise CodebookError([CodebookProblem(file, 1, 1, f"bad YAML: {exc}")]) from None

    if root is None:
        raise CodebookError([CodebookProblem(file, 1, 1, "the codebook is empty")])
    _check_tags(root, problem)
    if problems:
        raise CodebookError(problems)

    codebook = Codebook()
    if isinstance(root, SequenceNode):
        themes_node: Node | None = root
    elif isinstance(root, MappingNode):
        fields = _mapping(root, problem, TOP_KEYS, "codebook")
        codebook.name = _scalar(fields.get("name"), problem, "name") or "Codebook"
        version = _scalar(fields.get("version"), problem, "version")
        codebook.version = int(version) if version and version.isdigit() else version or None
        codebook.description = _scalar(fields.get("description"), problem, "description") or ""
        themes_node = fields.get("themes")
        if themes_node is None:
            problem(root, "missing 'themes': a codebook needs a list of themes")
    else:
        problem(root, "a codebook must be a mapping with 'themes', or a list of themes")
        themes_node = None

    parents: dict[str, tuple[str, Node]] = {}
    if themes_node is not None:
        codebook.themes = _themes(themes_node, problem, parents)
    _check_identity(codebook, parents, problem, file, problems)
    if problems:
        problems.sort(key=lambda p: (p.line, p.column))
        raise CodebookError(problems)
    return codebook


def _check_tags(node: Node, problem) -> None:
    if node.tag not in STANDARD_TAGS:
        problem(node, f"unsupported YAML tag {node.tag!r}")
    if isinstance(node, MappingNode):
        for key, value in node.value:
            _check_tags(key, problem)
            _check_tags(value, problem)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            _check_tags(item, problem)


def _mapping(node: MappingNode, problem, allowed: set[str], what: str) -> dict[str, Node]:
    fields: dict[str, Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        if key is None:
            problem(key_node, f"{what} keys must be plain words")
        elif key in fields:
            problem(key_node, f"duplicate key '{key}' in {what}")
        elif key not in allowed:
            known = ", ".join(sorted(allowed))
            problem(key_node, f"unknown key '{key}' in {what} (known keys: {known})")
        else:
            fields[key] = value_node
    return fields


def _scalar(node: Node | None, problem, key: str) -> str | None:
    if node is None:
        return None
    if not isinstance(node, ScalarNode):
        problem(node, f"'{key}' must be text, not a list or mapping")
        return None
    if node.tag.endswith(":null"):
        return None
    value = str(node.value).strip()
    bad = CONTROL.search(value)
    if bad is None and key not in PARAGRAPH_KEYS:
        bad = LINE_BREAK.search(value)
    if bad is not None:
        problem(node, f"'{key}' holds a control character (U+{ord(bad.group()):04X})")
    return value


PARAGRAPH_KEYS = {*TEXT_KEYS, "examples"}


def _themes(
    node: Node, problem, parents: dict[str, tuple[str, Node]], nested: bool = False
) -> list[ThemeSpec]:
    if not isinstance(node, SequenceNode):
        problem(node, "'themes' and 'children' must be lists of themes")
        return []
    themes = []
    for item in node.value:
        theme = _theme(item, problem, parents, nested)
        if theme is not None:
            themes.append(theme)
    return themes


def _theme(
    node: Node, problem, parents: dict[str, tuple[str, Node]], nested: bool
) -> ThemeSpec | None:
    if not isinstance(node, MappingNode):
        problem(node, "a theme must be a mapping with at least 'id' and 'name'")
        return None
    fields = _mapping(node, problem, THEME_KEYS, "theme")
    theme_id = _scalar(fields.get("id"), problem, "id")
    name = _scalar(fields.get("name"), problem, "name")
    if not theme_id:
        problem(fields.get("id", node), "theme has no 'id'")
    elif not ID_PATTERN.match(theme_id):
        problem(fields["id"], f"theme id '{theme_id}' may hold only letters, digits, '-', '_', '.'")
    if not name:
        problem(fields.get("name", node), f"theme '{theme_id or '?'}' has no 'name'")
    theme = ThemeSpec(
        id=theme_id or "",
        name=name or "",
        line=node.start_mark.line + 1,
        column=node.start_mark.column + 1,
    )
    for text_key in TEXT_KEYS:
        setattr(theme, text_key, _scalar(fields.get(text_key), problem, text_key) or "")
    examples = fields.get("examples")
    if isinstance(examples, SequenceNode):
        theme.examples = [v for v in (_scalar(e, problem, "examples") for e in examples.value) if v]
    elif examples is not None:
        value = _scalar(examples, problem, "examples")
        theme.examples = [value] if value else []
    color = _scalar(fields.get("color"), problem, "color")
    if color and not COLOR_PATTERN.match(color):
        problem(fields["color"], f"color '{color}' must be '#rrggbb' or '#rgb'")
    theme.color = color or None
    key = _scalar(fields.get("key"), problem, "key")
    if key is not None and (len(key) != 1 or not key.isprintable() or key.isspace()):
        problem(fields["key"], f"key '{key}' must be a single printable character")
    theme.key = key or None
    parent = _scalar(fields.get("parent"), problem, "parent")
    if parent and nested:
        problem(fields["parent"], "a theme nested under 'children' cannot also name a 'parent'")
    elif parent and theme_id:
        parents[theme_id] = (parent, fields["parent"])
    if "children" in fields:
        if parent:
            problem(fields["parent"], "a theme with 'children' cannot also name a 'parent'")
        theme.children = _themes(fields["children"], problem, parents, nested=True)
    return theme


def _check_identity(codebook: Codebook, parents, problem, file: str, problems) -> None:
    """Duplicate ids and keys, unknown parents and cycles; then nest themes named by parent."""
    by_id: dict[str, ThemeSpec] = {}
    keys: dict[str, ThemeSpec] = {}
    for theme, _parent, _depth in codebook.walk():
        if not theme.id:
            continue
        if theme.id in by_id:
            problems.append(
                CodebookProblem(
                    file,
                    theme.line,
                    theme.column,
                    f"duplicate theme id '{theme.id}' (first at line {by_id[theme.id].line})",
                )
            )
        else:
            by_id[theme.id] = theme
        if theme.key:
            if theme.key in keys:
                first = keys[theme.key]
                problems.append(
                    CodebookProblem(
                        file,
                        theme.line,
                        theme.column,
                        f"shortcut key '{theme.key}' of '{theme.id}' is already used by "
                        f"'{first.id}' (line {first.line})",
                    )
                )
            else:
                keys[theme.key] = theme
    for child, (parent, node) in parents.items():
        if parent not in by_id:
            problem(node, f"parent '{parent}' of '{child}' is not a theme in this codebook")
    for start in parents:
        seen = [start]
        current = start
        while current in parents and parents[current][0] in by_id:
            current = parents[current][0]
            if current == start:
                problem(parents[start][1], "cycle in parents: " + " -> ".join([*seen, start]))
                break
            if current in seen:
                break
            seen.append(current)
    if problems or not parents:
        return
    # Move themes that name a parent under it, keeping file order.
    moving = {theme_id for theme_id in parents}
    codebook.themes = [t for t in codebook.themes if t.id not in moving]
    for theme, _p, _d in list(codebook.walk()):
        theme.children = [c for c in theme.children if c.id not in moving]
    for theme_id, (parent, _node) in parents.items():
        by_id[parent].children.append(by_id[theme_id])


def dump_codebook(codebook: Codebook) -> str:
    """The codebook as YAML in the shipped file's shape (nested children)."""

    def theme_dict(theme: ThemeSpec) -> dict:
        data: dict = {"id": theme.id, "name": theme.name}
        for key in TEXT_KEYS:
            if getattr(theme, key):
                data[key] = getattr(theme, key)
        if theme.examples:
            data["examples"] = list(theme.examples)
        if theme.color:
            data["color"] = theme.color
        if theme.key:
            data["key"] = theme.key
        if theme.children:
            data["children"] = [theme_dict(c) for c in theme.children]
        return data

    data: dict = {"name": codebook.name}
    if codebook.version is not None:
        data["version"] = codebook.version
    if codebook.description:
        data["description"] = codebook.description
    data["themes"] = [theme_dict(t) for t in codebook.themes]
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=88,
        default_flow_style=False,
    )


class _Dumper(yaml.SafeDumper):
    """Long texts as folded blocks, so an exported codebook stays pleasant to edit."""


def _str_representer(dumper: yaml.SafeDumper, value: str):
    style = ">" if len(value) > 80 and "\n" not in value else ("|" if "\n" in value else None)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)
