"""Exceptions that describe a user's mistake; the CLI prints them as one line, exit 2.

Messages never carry raw identifiers: they name files, lines and reasons only.
"""

from __future__ import annotations

from pathlib import Path


class TestimonyError(Exception):
    """Base class of every error a user can cause and fix."""

    exit_code = 2


class ProjectNotFound(TestimonyError):
    """No project folder was given or found above the current folder."""


class ProjectExists(TestimonyError):
    """`init` was asked to make a project where one already is."""


class SchemaError(TestimonyError):
    """A database was made by a newer testimony, or is not ours at all."""


class DatabaseUnavailable(TestimonyError):
    """The coding database URL cannot be used: bad, unsupported, or the server does not answer."""


class SettingsError(TestimonyError):
    """testimony.yaml cannot be read or holds a bad value."""


class UnknownInterview(TestimonyError):
    """A command named an interview id the project does not have."""


class ImportRefused(TestimonyError):
    """A transcript file was refused whole; nothing of it was stored."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")


class CodebookError(TestimonyError):
    """A codebook has one or more problems, each with file, line and column."""

    exit_code = 1

    def __init__(self, problems: list[CodebookProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class CodebookProblem:
    """One problem in a codebook file, printed as file:line:column: message."""

    def __init__(self, file: str, line: int, column: int, message: str) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.message = message

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"

    def __repr__(self) -> str:
        return f"CodebookProblem({str(self)!r})"
