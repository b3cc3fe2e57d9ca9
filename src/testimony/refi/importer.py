"""`testimony import-qdpx`: a REFI-QDA project from another QDA tool, into this project.

Everything is checked before anything is written: the zip's entries, the XML
(no DTD or entities), the schema, every reference and every position. Then
the sources go through the same redaction and the same crash-safe order of
writes as `testimony import` (vault pending, project, vault done), with the
codebook, coders, codings, memos and attributes written in the project
transaction together with the interviews: the import lands whole or not at
all, and an interrupted one is recovered by the next import.

The project may be empty or hold interviews and a codebook already: codes are
matched to themes by GUID, then by name, and added when new; the project's
own themes are never changed or removed. The same .qdpx imported twice is
recognised by its digest and changes nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from sqlalchemy import select

from testimony.coding.coders import coder_id
from testimony.db import audit
from testimony.db.models import Coding, Excerpt, Interview, Memo
from testimony.errors import ImportRefused
from testimony.export.refi import ExportedSource, exported_sources
from testimony.ingest.decode import NotText, decode_bytes
from testimony.ingest.files import import_limits
from testimony.ingest.limits import check_documents, check_text
from testimony.ingest.model import ParsedDocument, ReadResult
from testimony.ingest.readers.errors import ReadError
from testimony.ingest.segment import excerpts_from_turns, turns_from_lines
from testimony.lock import vault_writer
from testimony.project import Project
from testimony.redact.importer import import_documents, recover_pending
from testimony.redact.remap import from_raw
from testimony.redact.render import Replacement
from testimony.refi.anchor import ExcerptMap, Reading, SourceText, choose_reading
from testimony.refi.archive import ArchiveRefused, QdpxArchive, open_qdpx
from testimony.refi.codebook import merge_codes
from testimony.refi.model import RefiNote, RefiProject, RefiSource
from testimony.refi.reader import read_project
from testimony.refi.xml import XmlRefused, parse_xml, validate
from testimony.vault.models import Source

UNPACKED_PER_FILE_MB = 4  # a .qdpx may unpack to this many times import.max_file_mb


@dataclass
class QdpxReport:
    """What an import of a .qdpx did (or would have done: status unchanged)."""

    status: str  # imported | unchanged
    interviews: list[str] = field(default_factory=list)
    themes_added: int = 0
    themes_matched: int = 0
    coders: list[str] = field(default_factory=list)
    codings: int = 0
    memos: int = 0
    attributes: int = 0
    identifiers: int = 0
    skipped_sources: Counter = field(default_factory=Counter)  # reason -> count
    selections_without_codes: int = 0
    selections_split: int = 0
    selections_off_text: int = 0
    own_sources: int = 0  # this project's interviews, exported and brought back
    reading: Reading | None = None


@dataclass
class _PlannedCoding:
    source: int  # index into the documents
    position: int
    start: int  # raw excerpt offsets
    end: int
    code: str
    user: str | None
    created: datetime | None
    memo: str
    excerpt_id: int | None = None  # one of this project's excerpts: start, end are final


@dataclass
class _PlannedMemo:
    target_type: str  # project | interview | excerpt | theme
    source: int | None
    position: int | None
    code: str | None
    user: str | None
    text: str
    target_id: int | None = None  # an interview or excerpt of this project


@dataclass
class _Plan:
    refi: RefiProject
    documents: list[ParsedDocument] = field(default_factory=list)
    codings: list[_PlannedCoding] = field(default_factory=list)
    memos: list[_PlannedMemo] = field(default_factory=list)
    own_sources: int = 0  # sources that are this project's interviews, exported and back


def import_qdpx(project: Project, path: Path, actor: str | None = None) -> QdpxReport:
    """Import a .qdpx whole, or refuse it with ImportRefused and change nothing.

    Holds the project's writer lock, as `testimony import` does: the two write the
    vault and the coding database in the same steps and must not interleave.
    """
    with vault_writer(project.root, "importing into"):
        return _import_qdpx(project, path, actor)


def _import_qdpx(project: Project, path: Path, actor: str | None) -> QdpxReport:
    data = _read_file(project, path)
    digest = hashlib.sha256(data).hexdigest()
    recover_pending(project)
    with project.vault_session() as vs:
        if vs.scalar(select(Source.id).where(Source.sha256 == digest, Source.status == "done")):
            return QdpxReport(status="unchanged")
        # Names are compared here, not in SQL: in an encrypted vault they are ciphertexts.
        done = vs.execute(
            select(Source.interview_code, Source.file_name)
            .where(Source.format == "qdpx", Source.status == "done")
            .order_by(Source.id)
        )
        earlier = next((code for code, name in done if name == path.name), None)
    if earlier:
        raise ImportRefused(
            path,
            f"another .qdpx of this name was imported already (as {earlier} and on); "
            "import this one under another file name to add its sources as new interviews",
        )
    report = QdpxReport(status="imported")
    limit = int(project.settings.max_file_mb * UNPACKED_PER_FILE_MB * 1024 * 1024)
    try:
        archive = open_qdpx(data, limit)
    except ArchiveRefused as exc:
        raise ImportRefused(path, str(exc)) from None
    with project.session() as s:
        own = exported_sources(s, _source_guids(archive))
    try:
        plan = _plan(archive, path, report, own)
        # The same limits as any transcript (turn length, labels, titles, attributes).
        limits = import_limits(project.settings)
        for document in plan.documents:
            check_text("\n".join(p.text for t in document.turns for p in t.pieces), limits)
        check_documents(plan.documents, limits)
    except (ArchiveRefused, XmlRefused, ReadError) as exc:
        raise ImportRefused(path, str(exc)) from None
    finally:
        archive.close()
    report.own_sources = plan.own_sources
    who = project.actor(actor)
    writer = _Writer(project, plan, report, who)
    if plan.documents:
        result = import_documents(
            project,
            path,
            ReadResult(plan.documents, "", "utf-8"),
            digest,
            "qdpx",
            actor=actor,
            on_project=writer,
        )
        report.interviews = result.interviews
        report.identifiers = result.identifiers
    else:  # a codebook, users and notes only: nothing for the vault
        with project.session() as s, s.begin():
            writer(s, [], [])
    return report


def _source_guids(archive: QdpxArchive) -> set[str]:
    """Every GUID in project.qde shaped as a source's, cheaply (before the real reading)."""
    try:
        data = archive.read(archive.project_file())
    except ArchiveRefused:
        return set()  # refused again, properly, when the file is read
    return {
        g.decode().lower()
        for g in re.findall(rb'<(?:\w+:)?TextSource[^>]*?guid="\{?([-\w]+)', data)
    }


def _read_file(project: Project, path: Path) -> bytes:
    if not path.exists():
        raise ImportRefused(path, "no such file")
    if path.is_dir():
        raise ImportRefused(path, "is a folder, not a .qdpx file")
    if not path.is_file():
        raise ImportRefused(path, "not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise ImportRefused(path, "the file is empty")
    if size > project.settings.max_file_mb * 1024 * 1024:
        raise ImportRefused(
            path,
            f"larger than the {project.settings.max_file_mb:g} MB limit "
            "(import.max_file_mb in testimony.yaml)",
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImportRefused(path, f"cannot read ({exc.strerror})") from None


def _plan(
    archive: QdpxArchive, path: Path, report: QdpxReport, own: dict[str, ExportedSource]
) -> _Plan:
    """Read and check everything; decide every row to write. Raises on the first problem."""
    qde = archive.project_file()
    root = parse_xml(archive.read(qde), "project.qde")
    validate(root, "Project.xsd", "project.qde")
    refi = read_project(root)
    plan = _Plan(refi)
    codes = {code.guid for code, _parent in refi.walk_codes()}
    variables = refi.variables
    case_values: dict[str, dict[str, str]] = {}
    for case in refi.cases:
        for source_guid in case.sources:
            values = case_values.setdefault(source_guid, {})
            for guid, value in case.variables.items():
                if guid in variables:
                    values[variables[guid]] = value

    texts: list[tuple[RefiSource, SourceText]] = []
    for source in refi.sources:
        for selection in source.selections:
            for coding in selection.codings:
                if coding.code not in codes:
                    raise XmlRefused(
                        f"selection {selection.guid} is coded with {coding.code}, "
                        "which is not a code of the codebook"
                    )
        if source.kind != "TextSource":
            report.skipped_sources[f"{source.kind} (only text sources are imported)"] += 1
            continue
        text = _source_text(archive, path, refi, source)
        if text is None:
            report.skipped_sources["text source with rich text only (no plain text)"] += 1
            continue
        # The most any reading counts: CRLF as two, astral characters as two UTF-16 units.
        length = text.length(Reading(False, False, "", utf16=text.has_astral))
        for selection in source.selections:
            if selection.start < 0 or selection.end < selection.start or selection.end > length:
                raise XmlRefused(
                    f"selection {selection.guid} ({selection.start}-{selection.end}) lies "
                    f"outside its source {source.guid}, which has {length} characters"
                )
        if not text.normalized.strip():
            report.skipped_sources["empty text source"] += 1
            continue
        texts.append((source, text))

    reading = choose_reading([(t, s.selections) for s, t in texts])
    report.reading = reading
    for source, text in texts:
        if source.guid in own:
            _plan_own_source(archive, refi, plan, report, source, text, reading, own[source.guid])
            continue
        turns = turns_from_lines(text.normalized.split("\n"))
        excerpts = excerpts_from_turns(turns)
        if not excerpts:
            report.skipped_sources["empty text source"] += 1
            continue
        attributes = dict(case_values.get(source.guid, {}))
        for guid, value in source.variables.items():
            if guid in variables:
                attributes[variables[guid]] = value
        title = source.name.strip()
        if refi.origin.startswith("testimony"):  # our export names a source "INT-001 title"
            title = re.sub(r"^[A-Z]+-\d+\s+", "", title)
        index = len(plan.documents)
        plan.documents.append(
            ParsedDocument(title=title, attributes=attributes, turns=turns, key=source.guid)
        )
        where = ExcerptMap(text.normalized, [e.text for e in excerpts])
        for note in source.notes:
            plan.memos.append(
                _PlannedMemo("interview", index, None, None, *_note(archive, refi, note))
            )
        for selection in source.selections:
            spans = where.spans(*text.bounds(selection, reading))
            if not spans:
                report.selections_off_text += 1
                continue
            if len(spans) > 1:
                report.selections_split += 1
            notes = [_note(archive, refi, guid) for guid in selection.notes]
            if not selection.codings:
                if not notes:
                    report.selections_without_codes += 1
                for user, note_text in notes:
                    plan.memos.append(
                        _PlannedMemo("excerpt", index, spans[0].position, None, user, note_text)
                    )
                continue
            for coding in selection.codings:
                memo = "\n\n".join(
                    t for _u, t in [*notes, *(_note(archive, refi, g) for g in coding.notes)] if t
                )
                for span in spans:
                    plan.codings.append(
                        _PlannedCoding(
                            source=index,
                            position=span.position,
                            start=span.start,
                            end=span.end,
                            code=coding.code,
                            user=coding.user or selection.user,
                            created=coding.created or selection.created,
                            memo=memo,
                        )
                    )
    referenced = {n for s in refi.sources for n in s.notes}
    referenced |= {n for s in refi.sources for sel in s.selections for n in sel.notes}
    referenced |= {
        n for s in refi.sources for sel in s.selections for c in sel.codings for n in c.notes
    }
    for code, _parent in refi.walk_codes():
        referenced |= set(code.notes)
        for guid in code.notes:
            plan.memos.append(
                _PlannedMemo("theme", None, None, code.guid, *_note(archive, refi, guid))
            )
    # Notes on the project, and notes nothing points to (journals): memos on the project.
    loose = [g for g in refi.notes if g not in referenced and g not in refi.project_notes]
    for guid in [*refi.project_notes, *loose]:
        plan.memos.append(_PlannedMemo("project", None, None, None, *_note(archive, refi, guid)))
    return plan


def _plan_own_source(
    archive: QdpxArchive,
    refi: RefiProject,
    plan: _Plan,
    report: QdpxReport,
    source: RefiSource,
    text: SourceText,
    reading: Reading,
    exported: ExportedSource,
) -> None:
    """Codings and notes made elsewhere on one of this project's exported interviews: they
    go onto its excerpts directly, as the export laid them out (no second redaction)."""
    if text.normalized.rstrip() != exported.text.rstrip():
        raise XmlRefused(
            f"source {source.guid} is this project's {exported.code}, whose text has changed "
            "since it was exported (a review decision?); export it again and code that"
        )
    plan.own_sources += 1
    for note in source.notes:
        user, note_text = _note(archive, refi, note)
        plan.memos.append(
            _PlannedMemo("interview", None, None, None, user, note_text, exported.interview_id)
        )
    for selection in source.selections:
        start, end = text.bounds(selection, reading)
        spans = [
            (excerpt_id, max(start, at) - at, min(end, at + length) - at)
            for excerpt_id, at, length in exported.excerpts
            if min(end, at + length) > max(start, at)
        ]
        if not spans:
            report.selections_off_text += 1
            continue
        if len(spans) > 1:
            report.selections_split += 1
        notes = [_note(archive, refi, guid) for guid in selection.notes]
        if not selection.codings:
            if not notes:
                report.selections_without_codes += 1
            for user, note_text in notes:
                plan.memos.append(
                    _PlannedMemo("excerpt", None, None, None, user, note_text, spans[0][0])
                )
            continue
        for coding in selection.codings:
            memo = "\n\n".join(
                t for _u, t in [*notes, *(_note(archive, refi, g) for g in coding.notes)] if t
            )
            for excerpt_id, a, b in spans:
                plan.codings.append(
                    _PlannedCoding(
                        source=-1,
                        position=0,
                        start=a,
                        end=b,
                        code=coding.code,
                        user=coding.user or selection.user,
                        created=coding.created or selection.created,
                        memo=memo,
                        excerpt_id=excerpt_id,
                    )
                )


def _source_text(
    archive: QdpxArchive, path: Path, refi: RefiProject, source: RefiSource
) -> SourceText | None:
    """The source's plain text: inline, inside the archive, or beside it (relative paths)."""
    if source.inline_text is not None:
        return SourceText(source.inline_text)
    if not source.text_path:
        return None
    data = _source_bytes(archive, path, refi, source.guid, source.text_path)
    try:
        decoded = decode_bytes(data)
    except (NotText, UnicodeDecodeError):
        raise XmlRefused(f"source {source.guid}: its text file is not text") from None
    try:
        original = data.decode("utf-8-sig")  # the standard's encoding: positions count in it
    except UnicodeDecodeError:
        original = decoded.text
    return SourceText(original)


def _source_bytes(
    archive: QdpxArchive, path: Path, refi: RefiProject, guid: str, text_path: str
) -> bytes:
    target = text_path.strip()
    scheme, sep, rest = target.partition("://")
    if not sep:
        scheme, rest = "relative", target
    rest = unquote(rest).replace("\\", "/")
    name = PurePosixPath(rest.lstrip("/"))
    if ".." in name.parts:
        raise XmlRefused(f"source {guid} names a path with '..'; refused")
    inside = archive.source_path(str(name)) or archive.source_path(name.name)
    if inside:
        return archive.read(inside)
    if scheme.casefold() == "internal":
        raise XmlRefused(f"source {guid}: its text file is not in the .qdpx")
    if scheme.casefold() != "relative":
        raise XmlRefused(
            f"source {guid} points outside the .qdpx ({scheme}://); "
            "export the project with its sources inside"
        )
    base = path.resolve().parent
    if refi.base_path:
        given = Path(unquote(refi.base_path.partition("://")[2] or refi.base_path))
        if given.is_dir():
            base = given.resolve()
    candidate = (base / str(name)).resolve()
    if not candidate.is_relative_to(base) or not candidate.is_file():
        raise XmlRefused(f"source {guid}: its text file is neither in the .qdpx nor beside it")
    return candidate.read_bytes()


def _note(archive: QdpxArchive, refi: RefiProject, guid: str) -> tuple[str | None, str]:
    """(creating user, text) of a note; an unknown note reads as empty."""
    note: RefiNote | None = refi.notes.get(guid)
    if note is None:
        return None, ""
    if note.text is not None:
        return note.user, note.text.strip()
    if note.text_path:
        rest = note.text_path.partition("://")[2] or note.text_path
        inside = archive.source_path(PurePosixPath(unquote(rest).lstrip("/")).name)
        if inside:
            data = archive.read(inside)
            try:
                return note.user, decode_bytes(data).text.strip()
            except (NotText, UnicodeDecodeError):
                return note.user, ""
    return note.user, ""


def _holds(memo: str, note: str) -> bool:
    """Whether memo already holds note as one of its blank-line separated parts."""
    return f"\n\n{memo}\n\n".find(f"\n\n{note}\n\n") >= 0


class _Writer:
    """The rows of the plan, written inside the import's project transaction."""

    def __init__(self, project: Project, plan: _Plan, report: QdpxReport, actor: str) -> None:
        self.project, self.plan, self.report, self.actor = project, plan, report, actor

    def __call__(self, s, rows, codes: list[str]) -> None:  # noqa: ANN001
        plan, report = self.plan, self.report
        if plan.documents or not plan.own_sources:
            self._redact_notes()  # not when every source is ours: its coders saw no raw text
        merge = merge_codes(s, plan.refi.codes)
        report.themes_added, report.themes_matched = len(merge.added), len(merge.matched)
        coders: dict[str | None, int] = {}

        def coder(user: str | None) -> int:
            if user not in coders:
                name = (plan.refi.users.get(user) or f"user-{user[:8]}") if user else None
                coders[user] = coder_id(s, name or self.actor)
                if name:
                    report.coders.append(name)
            return coders[user]

        for user in plan.refi.users:
            coder(user)
        interview_ids, excerpt_ids, reps = self._excerpts(s, rows, codes)
        own_excerpts = {p.excerpt_id for p in plan.codings if p.excerpt_id is not None}
        seen = set(
            s.execute(
                select(
                    Coding.excerpt_id, Coding.start, Coding.end, Coding.theme_id, Coding.coder_id
                ).where(Coding.excerpt_id.in_(own_excerpts))
            ).all()
        )
        for planned in plan.codings:
            if planned.excerpt_id is not None:
                excerpt_id, start, end = planned.excerpt_id, planned.start, planned.end
            else:
                marks = reps[(planned.source, planned.position)]
                excerpt_id = excerpt_ids[(planned.source, planned.position)]
                start = from_raw(planned.start, marks, "start")
                end = max(from_raw(planned.end, marks, "end"), start)
            key = (excerpt_id, start, end, merge.theme_of[planned.code], coder(planned.user))
            if key in seen or end <= start:
                continue
            seen.add(key)
            values: dict[str, object] = dict(
                excerpt_id=excerpt_id,
                start=start,
                end=end,
                theme_id=key[3],
                coder_id=key[4],
                memo=planned.memo or None,
            )
            if planned.created:
                values["created_at"] = planned.created
            s.add(Coding(**values))
            report.codings += 1
        memos: dict[tuple, Memo] = {}
        for note in plan.memos:
            if not note.text:
                continue
            if note.target_id is not None:
                target = note.target_id
            elif note.target_type == "interview":
                target = interview_ids[note.source]
            elif note.target_type == "excerpt":
                target = excerpt_ids[(note.source, note.position)]
            elif note.target_type == "theme" and note.code is not None:
                target = merge.theme_of[note.code]
            else:
                target = None
            who = coder(note.user)
            memo_key = (note.target_type, target, who)
            memo = memos.get(memo_key) or s.scalar(
                select(Memo).where(
                    Memo.target_type == note.target_type,
                    Memo.target_id.is_(target) if target is None else Memo.target_id == target,
                    Memo.coder_id == who,
                )
            )
            if memo is None:
                memo = Memo(target_type=note.target_type, target_id=target, coder_id=who, text="")
                s.add(memo)
                report.memos += 1
            if _holds(memo.text, note.text):
                continue  # the same note again (a codebook-only file imported twice)
            memo.text = f"{memo.text}\n\n{note.text}" if memo.text else note.text
            memos[memo_key] = memo
        report.attributes = sum(len(d.attributes) for d in plan.documents)
        s.flush()
        if not (codes or report.codings or report.memos or report.themes_added):
            return  # our own export brought back with nothing new
        audit.append(
            s,
            self.actor,
            "import-qdpx",
            ", ".join(codes),
            interviews=len(codes),
            themes_added=report.themes_added,
            themes_matched=report.themes_matched,
            codings=report.codings,
            memos=report.memos,
            skipped_sources=sum(report.skipped_sources.values()),
        )

    def _redact_notes(self) -> None:
        """Notes were written in another tool over the raw transcripts, so they can name
        people: they are redacted like the transcripts, with the vault's entities, before
        they reach project.db as memos."""
        texts = sorted({c.memo for c in self.plan.codings if c.memo})
        texts += sorted({m.text for m in self.plan.memos if m.text} - set(texts))
        if not texts:
            return
        from testimony.redact.engine import project_pipeline
        from testimony.redact.text import project_vault, redact_texts

        settings = self.project.settings
        pipeline = project_pipeline(self.project)
        with project_vault(self.project.vault_session(), pipeline) as vs:
            redacted = {
                text: result.text
                for text, result in zip(
                    texts,
                    redact_texts(
                        pipeline,
                        texts,
                        vs,
                        per_document=False,
                        strategies=settings.pseudonyms,
                        proposed=settings.proposed_labels(),
                    ),
                    strict=True,
                )
            }
        for coding in self.plan.codings:
            coding.memo = redacted.get(coding.memo, coding.memo)
        for memo in self.plan.memos:
            memo.text = redacted.get(memo.text, memo.text)

    def _excerpts(self, s, rows, codes: list[str]):  # noqa: ANN001, ANN202
        """Interview ids by document, excerpt ids and replacements by (document, position)."""
        interview_ids: dict[int, int] = {}
        excerpt_ids: dict[tuple[int, int], int] = {}
        reps: dict[tuple[int, int], list[Replacement]] = {}
        for index, (row, code) in enumerate(zip(rows, codes, strict=True)):
            interview_ids[index] = s.scalar(select(Interview.id).where(Interview.code == code))
            for excerpt_id, position in s.execute(
                select(Excerpt.id, Excerpt.position).where(
                    Excerpt.interview_id == interview_ids[index]
                )
            ):
                excerpt_ids[(index, position)] = excerpt_id
            for position, _speaker, _text, _raw, marks in row.excerpts:
                reps[(index, position)] = [Replacement.from_mark(m) for m in marks]
        return interview_ids, excerpt_ids, reps
