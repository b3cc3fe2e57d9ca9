"""Export one file: gather, render in memory, pass the leak gate, then write and audit.

Nothing reaches the disk before the gate has read the finished bytes; the file
is written to a temporary name beside its destination and renamed, so a
reader never sees half a report.
"""

from __future__ import annotations

import gc
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import select

from testimony import leftovers
from testimony.db import audit
from testimony.db.models import Interview
from testimony.errors import TestimonyError
from testimony.export.gate import Finding, LeakRefused, Scanner, scan_export
from testimony.export.quotes import REVIEWED, ExportFilter, Report, collect_report
from testimony.project import Project
from testimony.redact.first_words import index_first_words
from testimony.redact.keys import load_key, pseudonyms_by_fingerprint
from testimony.redact.leak import FingerprintSet

REPORT_FORMATS = ("md", "html", "docx", "csv", "json")
EXCHANGE_FORMATS = ("qdpx", "qdc")
FORMATS = REPORT_FORMATS + EXCHANGE_FORMATS
BINARY_FORMATS = ("docx", "qdpx")


@dataclass(frozen=True)
class ExportOptions:
    """What to export and how; the defaults give a full report of every theme."""

    fmt: str
    filters: ExportFilter = field(default_factory=ExportFilter)
    title: str | None = None
    shown_attributes: tuple[str, ...] = ()
    with_context: bool = False
    with_memos: bool = True
    mark_pseudonyms: bool = False
    include_empty: bool = False


@dataclass(frozen=True)
class ExportResult:
    data: bytes
    quotes: int
    themes: int
    unreviewed: list[str]
    sha256: str
    leftovers_removed: list[str] = field(default_factory=list)  # of exports killed earlier


@dataclass(frozen=True)
class Written:
    sha256: str
    leftovers_removed: list[str] = field(default_factory=list)  # of exports killed earlier


def export(
    project: Project,
    options: ExportOptions,
    output: Path | None,
    key_file: Path | None = None,
    write_stdout: Callable[[bytes], object] | None = None,
    timings: dict[str, float] | None = None,
) -> ExportResult:
    """Build the export, refuse it if the gate finds an identifier, else write it.

    Raises LeakRefused (exit 1) with the places found, or TestimonyError (exit 2)
    when there is neither vault nor key file to check with. `timings`, if given,
    receives the seconds spent building, in the gate, and writing (wall, and CPU
    under "build cpu" and so on).
    """
    clock = _Clock(timings)
    if options.fmt not in FORMATS:
        raise TestimonyError(f"unknown format {options.fmt!r}; use one of {', '.join(FORMATS)}")
    if output is None and options.fmt in BINARY_FORMATS:
        raise TestimonyError(f"--format {options.fmt} writes a binary file: give -o FILE")
    if output is not None and not output.parent.resolve().is_dir():
        raise TestimonyError(f"{output.parent}: no such folder")
    key = load_key(project, key_file)  # before any work: no key, no export
    with project.session() as session, _no_cycle_collection():
        data, report = render(session, options, project.settings.name)
        unreviewed = report.unreviewed if report else _unreviewed(session, options)
    clock.lap("build")
    quotes = report.quote_count if report else 0
    details = {
        "format": options.fmt,
        "themes": list(options.filters.themes),
        "interviews": list(options.filters.interviews),
        "coders": list(options.filters.coders),
        "reviewed_only": options.filters.reviewed_only,
        "quotes": quotes,
    }
    written = _check_and_write(
        project, key, key_file, data, options.fmt, output, write_stdout, details, clock
    )
    clock.lap("write")
    return ExportResult(
        data=data,
        quotes=quotes,
        themes=len(report.sections) if report else 0,
        unreviewed=unreviewed,
        sha256=written.sha256,
        leftovers_removed=written.leftovers_removed,
    )


def write_checked(
    project: Project,
    data: bytes,
    fmt: str,
    output: Path | None,
    key_file: Path | None = None,
    action: str = "export",
    write_stdout: Callable[[bytes], object] | None = None,
    **details: object,
) -> Written:
    """Write bytes made elsewhere (a disagreement list, a codebook) through the same leak
    gate, to `output` or else through `write_stdout`; returns their SHA-256. Raises
    LeakRefused and writes nothing if they hold an identifier."""
    if output is not None and not output.parent.resolve().is_dir():
        raise TestimonyError(f"{output.parent}: no such folder")
    key = load_key(project, key_file)
    details = {"format": fmt, "what": action, **details}
    return _check_and_write(
        project, key, key_file, data, fmt, output, write_stdout, details, _Clock(None)
    )


def _check_and_write(
    project: Project,
    key: bytes,
    key_file: Path | None,
    data: bytes,
    fmt: str,
    output: Path | None,
    write_stdout: Callable[[bytes], object] | None,
    details: dict,
    clock: _Clock,
) -> Written:
    """The gate, then the write and its audit entry; nothing is written past a finding."""
    with project.session() as session:
        prints = FingerprintSet.load(session, key)
    if prints.first_words is None and key_file is None and project.vault_path.is_file():
        index_first_words(project, key)  # an older project: once, then every export is fast
        with project.session() as session:
            prints = FingerprintSet.load(session, key)
    with _no_cycle_collection():
        findings = scan_export(data, fmt, prints)
    name = output.name if output else "stdout"
    named = Scanner(prints).find(name)  # report-<a survivor's name>.docx leaks by its name
    if named:
        findings += [Finding("the file's name", label, digest) for *_span, label, digest in named]
        name = "the output file"
    clock.lap("gate")
    if findings:
        names = _pseudonyms(project, key, key_file)
        findings = [replace(f, pseudonym=names.get(f.fingerprint)) for f in findings]
        with project.session() as session, session.begin():
            audit.append(
                session, project.actor(), "export-refused", name, **details, leaks=len(findings)
            )
        raise LeakRefused(name, findings)
    removed: list[str] = []
    if output is not None:
        removed = _write_atomically(output, data)
    elif write_stdout is not None:
        write_stdout(data)
    digest = hashlib.sha256(data).hexdigest()
    with project.session() as session, session.begin():
        audit.append(session, project.actor(), "export", name, **details, sha256=digest)
    return Written(digest, removed)


def render(session, options: ExportOptions, project_name: str) -> tuple[bytes, Report | None]:  # noqa: ANN001
    """The export's bytes (and the report, for report formats), built in memory."""
    if options.fmt in EXCHANGE_FORMATS:
        from testimony.export import refi

        if options.fmt == "qdc":
            return refi.render_qdc(session), None
        return refi.render_qdpx(session, project_name, options.filters), None
    report = collect_report(
        session,
        options.filters,
        title=options.title or project_name,
        shown_attributes=options.shown_attributes,
        with_context=options.with_context,
        with_memos=options.with_memos,
        mark_pseudonyms=options.mark_pseudonyms,
        include_empty=options.include_empty,
        with_pseudonyms=options.mark_pseudonyms or options.fmt == "json",
    )
    return _writer(options.fmt)(report), report


def _writer(fmt: str) -> Callable[[Report], bytes]:
    """The report writer for a format, imported on use (python-docx is slow to import)."""
    if fmt == "md":
        from testimony.export.markdown import render_markdown

        return render_markdown
    if fmt == "html":
        from testimony.export.html_page import render_html

        return render_html
    if fmt == "docx":
        from testimony.export.word import render_docx

        return render_docx
    from testimony.export.rows import render_csv, render_json

    return render_csv if fmt == "csv" else render_json


def _unreviewed(session, options: ExportOptions) -> list[str]:  # noqa: ANN001
    """Interviews a QDPX carries whole although nobody reviewed their redactions."""
    if options.fmt != "qdpx" or options.filters.reviewed_only:
        return []
    query = select(Interview.code).where(Interview.review_state != REVIEWED)
    if options.filters.interviews:
        query = query.where(Interview.code.in_(options.filters.interviews))
    return sorted(session.scalars(query))


def _pseudonyms(project: Project, key: bytes, key_file: Path | None) -> dict[str, str]:
    """fingerprint -> pseudonym when the vault is at hand (reviewers), else nothing."""
    if key_file is not None or not project.vault_path.is_file():
        return {}
    return pseudonyms_by_fingerprint(project, key)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Building and checking an export make millions of objects that hold no cycles, and
    the cycle collector would walk them all again and again (twice the time on 100,000
    quotes, more in a process already holding many objects); reference counting frees them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Clock:
    """Seconds per phase, into a dict the caller gave (benchmarks), or nowhere."""

    def __init__(self, into: dict[str, float] | None) -> None:
        self.into = into
        self.last = time.perf_counter()
        self.last_cpu = time.process_time()

    def lap(self, phase: str) -> None:
        """Wall seconds under `phase`, CPU seconds under `phase cpu`."""
        now, cpu = time.perf_counter(), time.process_time()
        if self.into is not None:
            self.into[phase] = now - self.last
            self.into[f"{phase} cpu"] = cpu - self.last_cpu
        self.last, self.last_cpu = now, cpu


def _write_atomically(output: Path, data: bytes) -> list[str]:
    """Write beside output and rename onto it; what killed exports to it had left beside
    it is removed first (the names removed)."""
    removed = leftovers.remove_stale(output, leftovers.PART)
    fd, temp = leftovers.temp_file(output)
    try:
        with os.fdopen(fd, "wb") as handle:  # its lock is held until the rename
            handle.write(data)
            handle.flush()
            os.chmod(temp, 0o644)
            os.replace(temp, output)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return removed


__all__ = [
    "ExportOptions",
    "ExportResult",
    "Finding",
    "LeakRefused",
    "Written",
    "export",
    "render",
]
