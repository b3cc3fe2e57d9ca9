"""Project settings: the commented testimony.yaml a user edits by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from testimony.errors import SettingsError

SETTINGS_FILE = "testimony.yaml"
POLICIES = ("redact", "propose", "keep")
STRATEGIES = ("tag", "realistic", "generalise")
DEFAULT_LABELS = (
    "PERSON",
    "GPE",
    "LOC",
    "FAC",
    "ORG",
    "NORP",
    "DATE",
    "AGE",
    "ADDRESS",
    "PHONE",
    "EMAIL",
    "URL",
    "HANDLE",
    "ID",
    "QUANTITY",
)

TEMPLATE = """\
# testimony project settings. Edit by hand; every key is optional.
# Lines starting with '#' are comments. Run `testimony --help` for commands.

# A name for this project, shown in the coding tool and in reports.
name: {name}

# Who you are when you code (overridden by `testimony code --coder NAME`
# or the TESTIMONY_CODER environment variable).
coder: null

# Where the coding database lives. null means project.db in this folder.
# For a team, a PostgreSQL URL, e.g. postgresql://user@host/dbname
database_url: null

# The identifier vault (original transcripts and the identifier map).
# Keep it with the reviewers only; never share it with coders.
vault: vault.db

import:
  # Files larger than this are refused (megabytes).
  max_file_mb: 50
  # Files with a longer line (kilobytes) or more lines are refused as not transcripts.
  max_line_kb: 1024
  max_lines: 500000
  # Column names for CSV transcripts (one row per speaker turn).
  # Other header names are recognised too: see `testimony import --help`.
  csv_columns:
    interview: interview
    speaker: speaker
    text: text
    time: time

redaction:
  # Identifier types the engine redacts: people, places, facilities,
  # organisations, nationalities/communities (NORP), dates, ages, addresses,
  # contact details, ID numbers, and amounts of money and lengths of sentences
  # (QUANTITY). Remove a type to keep it in the text; add OCCUPATION to redact
  # jobs said of someone ("she worked as a nurse") too.
  labels: [PERSON, GPE, LOC, FAC, ORG, NORP, DATE, AGE, ADDRESS, PHONE, EMAIL, URL, HANDLE, ID,
           QUANTITY]
  # Strings that are always redacted (names the model may miss). This file goes
  # to every coder: keep real names out of it and give them to the vault with
  # `testimony review deny --text NAME` (or --file LIST) instead.
  deny_list: []
  # Strings that are never redacted (the organisation running the study,
  # the country, public officials the team decides to name).
  allow_list: []
  # Files of more entries, one per line ('#' starts a comment), relative to this
  # folder. `testimony review reject --allow` adds to the first allow file.
  # Keep deny files with the reviewers: they hold identifiers.
  allow_files: [allow-list.txt]
  # The codebook's words (theme names, descriptions, criteria, examples) are
  # concepts the team chose, never redacted when one makes up a find on its
  # own ("sabyr" as a theme is patience, not a man). A full name that contains
  # one ("Sabyr Nurlanov") is still redacted. Set to false to stop this.
  allow_codebook_words: true
  deny_files: []
  # What the engine does with each type it detects: redact (replace it in the
  # text; reviewers can still reject it), propose (leave it in the text and ask
  # a reviewer; it is redacted once accepted) or keep (do not look for it).
  # Types not named here are redacted if they are in labels above.
  policy:
    OCCUPATION: propose
  # How pseudonyms are written, per type: tag ([PERSON-3]), realistic (a made-up
  # name of the same gender and naming culture, never one found in the corpus;
  # people only) or generalise ("a village in Kazakhstan", "spring 2019"; places
  # and dates only). Run `testimony redact` after changing this.
  pseudonyms:
    PERSON: realistic
  # Processes that detect identifiers in a large import (auto: one per CPU).
  # Small imports and redact-text always run in one process.
  processes: auto
"""


@dataclass
class Settings:
    """The settings a command needs, with defaults for every missing key."""

    name: str = "testimony project"
    coder: str | None = None
    database_url: str | None = None
    vault: str = "vault.db"
    max_file_mb: float = 50.0
    max_line_kb: float = 1024.0
    max_lines: int = 500_000
    csv_columns: dict[str, str] = field(
        default_factory=lambda: {
            "interview": "interview",
            "speaker": "speaker",
            "text": "text",
            "time": "time",
        }
    )
    labels: list[str] = field(default_factory=lambda: list(DEFAULT_LABELS))
    deny_list: list[str] = field(default_factory=list)
    allow_list: list[str] = field(default_factory=list)
    allow_files: list[str] = field(default_factory=list)
    allow_codebook_words: bool = True
    deny_files: list[str] = field(default_factory=list)
    policy: dict[str, str] = field(default_factory=lambda: {"OCCUPATION": "propose"})
    pseudonyms: dict[str, str] = field(default_factory=lambda: {"PERSON": "realistic"})

    def detected_labels(self) -> set[str]:
        """The types the engine looks for: labels, plus proposed types, minus kept ones."""
        wanted = set(self.labels) | {t for t, p in self.policy.items() if p != "keep"}
        return {t for t in wanted if self.policy.get(t) != "keep"}

    def proposed_labels(self) -> set[str]:
        """Types left in the text until a reviewer accepts them."""
        return {t for t, p in self.policy.items() if p == "propose"}

    processes: int | None = None  # None: one per usable CPU


def write_template(folder: Path, name: str) -> Path:
    """Write a fresh, commented testimony.yaml into folder."""
    path = folder / SETTINGS_FILE
    path.write_text(TEMPLATE.format(name=yaml.safe_dump(name).strip().removesuffix("...").strip()))
    return path


def load_settings(folder: Path) -> Settings:
    """Read testimony.yaml in folder; missing keys take their defaults."""
    path = folder / SETTINGS_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise SettingsError(f"{path}{where}: not valid YAML") from None
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read ({exc.strerror})") from None
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: expected a mapping of settings")
    settings = Settings()
    _set(settings, "name", data.get("name"), str, path)
    _set(settings, "coder", data.get("coder"), str, path)
    _set(settings, "database_url", data.get("database_url"), str, path)
    _set(settings, "vault", data.get("vault"), str, path)
    imp = _section(data, "import", path)
    _set(settings, "max_file_mb", imp.get("max_file_mb"), (int, float), path)
    _set(settings, "max_line_kb", imp.get("max_line_kb"), (int, float), path)
    _set(settings, "max_lines", imp.get("max_lines"), int, path)
    if imp.get("csv_columns") is not None:
        columns = imp["csv_columns"]
        if not isinstance(columns, dict):
            raise SettingsError(f"{path}: import.csv_columns must be a mapping")
        settings.csv_columns.update({str(k): str(v) for k, v in columns.items()})
    red = _section(data, "redaction", path)
    for key in ("labels", "deny_list", "allow_list", "allow_files", "deny_files"):
        value = red.get(key)
        if value is None:
            continue
        if not isinstance(value, list):
            raise SettingsError(f"{path}: redaction.{key} must be a list")
        setattr(settings, key, [str(v) for v in value])
    _set(settings, "allow_codebook_words", red.get("allow_codebook_words"), bool, path)
    for files, entries in (
        ("allow_files", settings.allow_list),
        ("deny_files", settings.deny_list),
    ):
        for name in getattr(settings, files):
            entries += read_list_file(folder / name, f"{path}: redaction.{files}")
    for key, allowed in (("policy", POLICIES), ("pseudonyms", STRATEGIES)):
        value = red.get(key)
        if value is None:
            continue
        if not isinstance(value, dict):
            raise SettingsError(f"{path}: redaction.{key} must be a mapping of type: choice")
        for label, choice in value.items():
            if choice not in allowed:
                raise SettingsError(
                    f"{path}: redaction.{key}.{label} must be one of {', '.join(allowed)}"
                )
        setattr(settings, key, {str(k).upper(): str(v) for k, v in value.items()})
    processes = red.get("processes")
    if processes not in (None, "auto"):
        if isinstance(processes, bool) or not isinstance(processes, int) or processes < 1:
            raise SettingsError(f"{path}: redaction.processes must be 'auto' or a number from 1")
        settings.processes = processes
    return settings


ALLOW_FILE_HEADER = """\
# Never redacted in this project: one entry per line. Reviewers' rejections
# with --allow are added here. Lines starting with '#' are comments.
"""


def read_list_file(path: Path, named_in: str) -> list[str]:
    """The entries of an allow or deny file; a clear error if it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SettingsError(f"{named_in} names {path.name}, which does not exist") from None
    except (OSError, UnicodeDecodeError):
        raise SettingsError(f"{named_in} names {path.name}, which cannot be read") from None
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]


def _section(data: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise SettingsError(f"{path}: {key} must be a mapping")
    return value


def _set(settings: Settings, attr: str, value: Any, kind: Any, path: Path) -> None:
    if value is None:
        return
    if not isinstance(value, kind):
        raise SettingsError(f"{path}: {attr} has the wrong type")
    setattr(settings, attr, value)
