"""Markdown transcripts with optional YAML front matter holding interview metadata."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import yaml

from testimony.ingest.model import ParsedDocument, ReadResult
from testimony.ingest.readers.errors import ReadError
from testimony.ingest.readers.text import decode
from testimony.ingest.segment import turns_from_lines

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(?P<text>.*?)[ \t#]*$")


def read(path: Path, data: bytes, options: dict) -> ReadResult:
    text, encoding = decode(data, options)
    whole = text
    attributes: dict[str, str] = {}
    match = FRONT_MATTER.match(text)
    if match:
        attributes = _front_matter(match.group("yaml"))
        text = text[match.end() :]
    title = attributes.pop("title", "")
    lines: list[str] = []
    for line in text.split("\n"):
        heading = HEADING.match(line)
        if heading and not any(x.strip() for x in lines):
            # The document's own heading: its title, not an excerpt to code.
            title = title or heading.group("text")
        elif heading:
            lines.extend(["", heading.group("text"), ""])  # a section heading: own paragraph
        else:
            lines.append(line)
    turns = turns_from_lines(lines)
    if not turns:
        raise ReadError("the Markdown file holds no transcript text")
    return ReadResult(
        [ParsedDocument(title=title, attributes=attributes, turns=turns)], whole, encoding
    )


def _front_matter(source: str) -> dict[str, str]:
    try:
        for event in yaml.parse(source, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise ReadError("front matter uses YAML aliases, which are not allowed")
        data = yaml.safe_load(source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 2}" if mark else ""
        raise ReadError(f"front matter is not valid YAML{where}") from None
    except yaml.YAMLError:
        raise ReadError("front matter is not valid YAML") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ReadError("front matter must be a mapping of attribute: value")
    attributes = {}
    for key, value in data.items():
        if isinstance(value, (dict, list)):
            value = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        elif isinstance(value, (date, datetime)):
            value = value.isoformat()
        attributes[str(key).strip()] = "" if value is None else str(value).strip()
    return attributes
