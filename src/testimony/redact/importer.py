"""Import: read transcripts, redact them, and write the vault and the coding database.

This is where raw text meets pseudonymized text, so the order of writes is the
crash-safety design (see docs/import.md):

1. vault transaction: sources (status 'pending'), raw segments, entities, mentions;
   sources being replaced are marked 'replacing';
2. project transaction: interviews, speakers, excerpts, fingerprints, audit entry
   (and, on --replace, the old interviews are deleted in the same transaction);
3. vault transaction: new sources 'done'; replaced sources deleted.

A crash after 1 leaves pending sources with no interview: the next import
deletes them (roll back). A crash after 2 leaves pending sources whose interview
exists: the next import marks them done (roll forward). Either way, running the
command again completes the work.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import re
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from testimony.db import audit
from testimony.db.engine import hold_interview_writes
from testimony.db.models import (
    Coding,
    Excerpt,
    FingerprintFirstWord,
    IdentifierFingerprint,
    Interview,
    InterviewAttribute,
    Speaker,
)
from testimony.db.retry import retrying
from testimony.errors import ImportRefused
from testimony.ingest.files import import_limits, read_checked
from testimony.ingest.labels import is_role_word, role_of
from testimony.ingest.limits import check_documents, limits_of, one_line
from testimony.ingest.model import ParsedDocument, RawExcerpt, ReadResult
from testimony.ingest.readers import READERS
from testimony.ingest.readers.errors import ReadError
from testimony.ingest.segment import excerpts_from_turns
from testimony.lock import vault_writer
from testimony.project import Project
from testimony.redact.common import DROP_AT, is_common
from testimony.redact.detectors.base import Detection
from testimony.redact.detectors.names import lexicon
from testimony.redact.engine import project_pipeline, resolver_for
from testimony.redact.entities import NAME_WORD_AT, EntityResolver
from testimony.redact.fingerprint import fingerprint, fingerprint_form, first_word_digest
from testimony.redact.forms import is_name_word, split_title
from testimony.redact.interview_codes import allocate_codes, guess_codes
from testimony.redact.mentions import finds_in_text, link_mentions, whole_field_finds
from testimony.redact.parallel import (
    BYTES_PER_WORD,
    TEXTS_AHEAD_PER_WORKER,
    DetectionPool,
    InProcessDetection,
    PendingDetections,
    detection_for,
    processes_for,
)
from testimony.redact.pipeline import RedactionPipeline
from testimony.redact.rendering import (
    NAME_ATTRIBUTES,
    PLACE_ATTRIBUTES,
    RawInterview,
    render_interview,
)
from testimony.redact.rerender import finish_renders, rename_colliding
from testimony.redact.words import add_corpus_words
from testimony.settings import Settings
from testimony.vault.models import (
    Entity,
    EntityForm,
    Mention,
    RawSegment,
    ScopedForm,
    Source,
)
from testimony.vault.protection import fingerprint_key


@dataclass
class FileResult:
    path: Path
    status: str  # imported | replaced | unchanged | refused
    interviews: list[str] = field(default_factory=list)
    excerpts: int = 0
    words: int = 0
    identifiers: int = 0
    reason: str = ""


@dataclass
class ImportReport:
    results: list[FileResult] = field(default_factory=list)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "refused"]


@dataclass
class _Text:
    """One piece of raw text to redact, and where its result goes."""

    field: str
    raw: str
    detections: list[Detection] = dataclasses.field(default_factory=list)


@dataclass
class _Interview:
    doc: ParsedDocument
    excerpts: list[RawExcerpt]
    title: _Text
    attributes: list[tuple[str, _Text | None, str]]  # name, text to redact, whole-value label
    texts: list[_Text]
    speakers: dict[str, str] = field(default_factory=dict)  # raw label -> role


def import_files(
    project: Project,
    paths: Sequence[Path],
    replace: bool = False,
    csv_columns: dict[str, str] | None = None,
    actor: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    pipeline: RedactionPipeline | None = None,
) -> ImportReport:
    """Import each file whole or not at all; one file's failure does not stop the others.

    The redaction pipeline is built from the project's settings unless one is given.
    Files are read and their detection started ahead of their turn (in worker
    processes for a large import); each is then redacted and written in order.
    """
    with vault_writer(project.root, "importing into"), project.search_lists_deferred():
        return _import_files(project, paths, replace, csv_columns, actor, progress, pipeline)


def _import_files(
    project: Project,
    paths: Sequence[Path],
    replace: bool,
    csv_columns: dict[str, str] | None,
    actor: str | None,
    progress: Callable[[int, int], None] | None,
    pipeline: RedactionPipeline | None,
) -> ImportReport:
    recover_pending(project)
    finish_renders(project)  # a re-render a crash interrupted
    report = ImportReport()
    options = {
        "csv_columns": {**project.settings.csv_columns, **(csv_columns or {})},
        "limits": import_limits(project.settings),
    }
    resolver = _SharedResolver()
    with _FilesAhead(project, paths, replace, options, pipeline) as ahead:
        for index, staged in enumerate(ahead):
            path = staged.path
            try:
                if staged.refused:
                    raise staged.refused
                old = _previous_import(project, path, staged.digest, replace)
                if old == "unchanged":
                    report.results.append(FileResult(path, "unchanged"))
                    continue
                ahead.parse(staged)
                seeded = ahead.pipeline
                assert ahead.known is not None, "made with the pipeline"
                result = _import_parsed(
                    project, seeded, resolver, staged, old or [], actor, ahead.known
                )
                report.results.append(result)
            except ImportRefused as refused:
                report.results.append(FileResult(path, "refused", reason=refused.reason))
            finally:
                if progress:
                    progress(index + 1, len(paths))
    return report


# Adds a caller's rows (codings, themes...) to an import's project transaction: (session,
# each interview's rendered parts, their interview codes).
ProjectHook = Callable[[Any, list["_Rendered"], list[str]], None]


def import_documents(
    project: Project,
    path: Path,
    read: ReadResult,
    digest: str,
    file_format: str,
    actor: str | None = None,
    on_project: ProjectHook | None = None,
) -> FileResult:
    """Import interviews a caller has read itself (a REFI-QDA project's sources) through the
    same redaction and the same crash-safe order of writes as a transcript file.

    on_project writes the caller's own rows inside the project transaction, so they
    land with the interviews or not at all.
    """
    recover_pending(project)
    finish_renders(project)
    pipeline = _pipeline(project)
    known = _KnownSoFar(pipeline, _seed_known_forms(project, pipeline))
    staged = _Staged(path, digest=digest, size=path.stat().st_size, file_format=file_format)
    staged.read = read
    staged.prepared = [_prepare(d, path, staged.lessons) for d in read.documents]
    staged.pending = _texts_to_detect(staged.prepared)
    staged.detections = InProcessDetection(pipeline).submit([t.raw for t in staged.pending])
    return _import_parsed(
        project, pipeline, _SharedResolver(), staged, [], actor, known, on_project
    )


class _KnownSoFar:
    """What a new command would seed the pipeline with before the next file: the deny list
    and every identifier form the vault holds by then.

    Each file starts from exactly that, plus its own lessons, and what the pipeline
    learns while detecting in it stays with it; the forms the file gave the vault
    join once it is written. So one command importing N files redacts each as N
    commands, one file each, would (tests/test_import_batches.py): a lesson reaches
    later files through the vault or not at all.
    """

    def __init__(
        self, pipeline: RedactionPipeline, seen: tuple[set[str], set[tuple[int, str]]]
    ) -> None:
        self.base = pipeline.known.copy()
        # Vault forms (project-wide, and scoped to an interview) already in base, or left
        # out of it on purpose.
        self._seen, self._seen_scoped = seen

    def start_file(self, pipeline: RedactionPipeline) -> None:
        pipeline.known = self.base.copy()

    def file_written(self, pipeline: RedactionPipeline, resolver: EntityResolver) -> None:
        """Add the forms the vault gained from the file just written, as known_forms would."""
        new = [(f, eid) for f, eid in resolver.forms.items() if f not in self._seen]
        self._seen.update(f for f, _eid in new)
        scoped = [(k, eid) for k, eid in resolver.scoped.items() if k not in self._seen_scoped]
        self._seen_scoped.update(k for k, _eid in scoped)
        scratch, pipeline.known = pipeline.known, self.base
        try:
            for form, label in resolver.known_forms_of(new):
                pipeline.add_known(form, label)
            for form, label in resolver.known_scoped_of([(k[1], e) for k, e in scoped]):
                pipeline.add_known(form, label)
        finally:
            pipeline.known = scratch


class _Lessons:
    """Names a file teaches the pipeline (speakers, front matter), kept until its turn:
    files are prepared ahead, but the pipeline must learn from them in file order."""

    def __init__(self) -> None:
        self.forms: list[tuple[str, str]] = []

    def add_known(self, surface: str, label: str) -> None:
        self.forms.append((surface, label))

    def teach(self, pipeline: RedactionPipeline) -> None:
        for surface, label in self.forms:
            pipeline.add_known(surface, label)


@dataclass
class _Staged:
    """A file read (and, unless it looked unchanged, parsed and sent for detection)."""

    path: Path
    refused: ImportRefused | None = None  # unreadable: refused at its turn
    data: bytes = b""
    digest: str = ""
    size: int = 0
    file_format: str = ""
    read: ReadResult | None = None
    parse_refused: ImportRefused | None = None
    prepared: list[_Interview] = field(default_factory=list)
    lessons: _Lessons = field(default_factory=_Lessons)
    pending: list[_Text] = field(default_factory=list)
    detections: PendingDetections | None = None


class _FilesAhead:
    """Reads files, and starts their detection, ahead of the one being written.

    Nothing is written here, so the crash-safety order of each file is untouched;
    per-text detection learns nothing, so running it early changes no result.
    Whether a file is new is looked up again at its turn, as an earlier file of
    the same run may have changed the answer.
    """

    def __init__(
        self,
        project: Project,
        paths: Sequence[Path],
        replace: bool,
        options: dict,
        pipeline: RedactionPipeline | None,
    ) -> None:
        self.project, self.paths, self.replace, self.options = project, paths, replace, options
        self._pipeline, self._seeded = pipeline, False
        self.known: _KnownSoFar | None = None  # made with the pipeline
        self.processes = processes_for(project.settings.processes, _estimated_words(paths))
        self._detection: InProcessDetection | DetectionPool | None = None
        self._staged: deque[_Staged] = deque()
        self._texts_ahead = 0

    @property
    def pipeline(self) -> RedactionPipeline:
        """Made when a file first needs it, and taught what the vault already knows."""
        pipeline = self._pipeline or _pipeline(self.project)
        if not self._seeded:
            self.known = _KnownSoFar(pipeline, _seed_known_forms(self.project, pipeline))
            self._seeded = True
        self._pipeline = pipeline
        return pipeline

    def __iter__(self) -> Iterator[_Staged]:
        upcoming = iter(self.paths)
        limit = TEXTS_AHEAD_PER_WORKER * self.processes if self.processes > 1 else 0
        while True:
            while not self._staged or self._texts_ahead < limit:
                path = next(upcoming, None)
                if path is None:
                    break
                self._staged.append(self._stage(path))
            if not self._staged:
                return
            staged = self._staged.popleft()
            if staged.detections is not None:
                self._texts_ahead -= len(staged.pending)
            yield staged

    def _stage(self, path: Path) -> _Staged:
        try:
            data = read_checked(path, self.project.settings.max_file_mb, self.project.root)
        except ImportRefused as refused:
            return _Staged(path, refused=refused)
        digest = hashlib.sha256(data).hexdigest()
        staged = _Staged(path, data=data, digest=digest, size=len(data))
        try:
            looks_new = _previous_import(self.project, path, staged.digest, self.replace)
        except ImportRefused:
            looks_new = "unchanged"  # refused, unless an earlier file changes that
        if looks_new != "unchanged":
            with contextlib.suppress(ImportRefused):  # kept in staged, reported at its turn
                self.parse(staged)
        return staged

    def parse(self, staged: _Staged) -> None:
        """Parse and prepare the file, and send its texts for detection, if not done yet."""
        if staged.parse_refused:
            raise staged.parse_refused
        if staged.read is not None:
            return
        try:
            staged.read, staged.file_format = _parse(staged.path, staged.data, dict(self.options))
        except ImportRefused as refused:
            staged.parse_refused = refused
            raise
        staged.data = b""
        staged.prepared = [_prepare(d, staged.path, staged.lessons) for d in staged.read.documents]
        staged.pending = _texts_to_detect(staged.prepared)
        if self._detection is None:
            self._detection = detection_for(self.pipeline, self.processes)
        staged.detections = self._detection.submit([t.raw for t in staged.pending])
        self._texts_ahead += len(staged.pending)

    def __enter__(self) -> _FilesAhead:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._detection is not None:
            self._detection.close()


def _texts_to_detect(prepared: list[_Interview]) -> list[_Text]:
    pending = [t for item in prepared for t in (item.title, *item.texts) if t.raw]
    pending += [t for item in prepared for _n, t, _l in item.attributes if t is not None and t.raw]
    return pending


class _SharedResolver:
    """One EntityResolver carried from file to file of an import.

    Made afresh for each file, it loaded every entity and form in the vault, which
    made a large import quadratic. It is reused only while the vault holds exactly
    what it saw at the end of the previous file (no one else changed entities).
    """

    def __init__(self) -> None:
        self._resolver: EntityResolver | None = None
        self._seen: tuple | None = None

    def open(self, vs, settings: Settings) -> EntityResolver:  # noqa: ANN001
        """The resolver for this vault transaction."""
        if self._resolver is None or self._seen is None or self._seen != _entity_marks(vs):
            self._resolver = resolver_for(vs, settings)
        else:  # each file redacted as by a command of its own
            self._resolver.as_if_made_now()
        self._resolver.session = vs
        self._resolver.added_forms = []  # this file's forms, for its fingerprints
        self._seen = None  # until this transaction's entities are flushed
        return self._resolver

    def flushed(self, vs) -> None:  # noqa: ANN001
        """Write this file's new entities and remember what the vault now holds."""
        vs.flush()
        self._seen = _entity_marks(vs)


def _entity_marks(vs) -> tuple:  # noqa: ANN001
    """Cheap signs of any change to entities and their forms."""
    entities = vs.execute(select(func.max(Entity.id), func.count(Entity.id))).one()
    forms = vs.execute(select(func.max(EntityForm.id), func.count(EntityForm.id))).one()
    return (*entities, *forms)


def _estimated_words(paths: Sequence[Path]) -> int:
    """About how many words the files hold, from their sizes, to choose worker processes."""
    total = 0
    for path in paths:
        with contextlib.suppress(OSError):
            if path.is_file():
                total += path.stat().st_size
    return total // BYTES_PER_WORD


def _previous_import(project: Project, path: Path, digest: str, replace: bool):
    """'unchanged', the sources to replace, or None for a new file."""
    with project.vault_session() as vs:
        if vs.scalar(select(Source.id).where(Source.sha256 == digest, Source.status == "done")):
            return "unchanged"
        # Names are compared here, not in SQL: in an encrypted vault they are ciphertexts.
        done = vs.execute(select(Source.id, Source.file_name).where(Source.status == "done"))
        same_name = [source_id for source_id, name in done if name == path.name]
        old = list(vs.scalars(select(Source).where(Source.id.in_(same_name)))) if same_name else []
    if not old:
        return None
    if not replace:
        raise ImportRefused(path, "changed since it was imported; use --replace to import it again")
    codes = [s.interview_code for s in old]
    with project.session() as s:
        coded = s.scalar(
            select(func.count(Coding.id))
            .join(Excerpt)
            .join(Interview)
            .where(Interview.code.in_(codes))
        )
    if coded:
        raise ImportRefused(
            path,
            f"its interviews hold {coded} codings; replacing would lose them, so it is refused",
        )
    return old


def _parse(path: Path, data: bytes, options: dict) -> tuple[ReadResult, str]:
    file_format, reader = READERS[path.suffix.lower()]
    try:
        result = reader(path, data, options)
        check_documents(result.documents, limits_of(options))
    except ReadError as exc:
        raise ImportRefused(path, str(exc)) from None
    except RecursionError:
        raise ImportRefused(path, "too deeply nested to read") from None
    if not result.documents or not any(excerpts_from_turns(d.turns) for d in result.documents):
        raise ImportRefused(path, "no transcript text found")
    return result, file_format


def _pipeline(project: Project) -> RedactionPipeline:
    return project_pipeline(project)


def _seed_known_forms(
    project: Project, pipeline: RedactionPipeline
) -> tuple[set[str], set[tuple[int, str]]]:
    """Identifiers already in the vault are found in every new file (propagation).
    Returns every form the vault held, project-wide and scoped, seeded or not."""
    with project.vault_session() as vs:
        resolver = EntityResolver(vs)
        for form, label in resolver.known_forms():
            pipeline.add_known(form, label)
        return set(resolver.forms), set(resolver.scoped_seen)


def _prepare(doc: ParsedDocument, path: Path, lessons: _Lessons) -> _Interview:
    """Decide what to redact in one interview, and note the names it teaches the pipeline."""
    excerpts = excerpts_from_turns(doc.turns)
    interviewer_names = set()
    attributes: list[tuple[str, _Text | None, str]] = []
    for name, value in doc.attributes.items():
        key = name.casefold()
        if key in NAME_ATTRIBUTES and value:
            if key == "interviewer":
                interviewer_names.add(value.casefold())
            _teach_person(lessons, value)
            attributes.append((name, None, "PERSON"))
        elif key in PLACE_ATTRIBUTES and value:
            lessons.add_known(value, "GPE")
            attributes.append((name, None, "GPE"))
        else:
            attributes.append((name, _Text(f"attr:{name}", value), ""))
    speakers: dict[str, str] = {}
    for excerpt in excerpts:
        label = excerpt.speaker
        if label and label not in speakers:
            speakers[label] = role_of(label, interviewer_names)
            if not is_role_word(label):
                _teach_person(lessons, label)
    title_raw = doc.title or doc.key or one_line(re.sub(r"[_\-.]+", " ", path.stem))
    texts = [_Text(f"text:{i}", e.text) for i, e in enumerate(excerpts, start=1)]
    return _Interview(doc, excerpts, _Text("title", title_raw), attributes, texts, speakers)


def _teach_person(lessons: _Lessons, name: str) -> None:
    _title, bare = split_title(name)
    lessons.add_known(bare, "PERSON")
    for word in bare.split():
        if is_name_word(word):
            lessons.add_known(word, "PERSON")


def _import_parsed(
    project: Project,
    pipeline: RedactionPipeline,
    shared_resolver: _SharedResolver,
    staged: _Staged,
    old_sources: list[Source],
    actor: str | None,
    known: _KnownSoFar,
    on_project: ProjectHook | None = None,
) -> FileResult:
    path, digest, size = staged.path, staged.digest, staged.size
    file_format, read, detections = staged.file_format, staged.read, staged.detections
    assert read is not None and detections is not None, "the file is parsed before its turn"
    known.start_file(pipeline)
    staged.lessons.teach(pipeline)
    prepared, pending = staged.prepared, staged.pending
    found = pipeline.detect([t.raw for t in pending], found=detections.result())
    for text, spans in zip(pending, found, strict=True):
        text.detections = spans

    # 1. vault: everything raw, marked pending (with the codes the interviews will likely get;
    # the coding database settles them in step 2).
    old_by_key = {s.interview_key: s.interview_code for s in old_sources}
    kept = [old_by_key.get(item.doc.key) for item in prepared]
    with project.session() as s:
        codes = guess_codes(s, kept)
    rows: list[_Rendered] = []
    with project.vault_session() as vs, vs.begin():
        key = fingerprint_key(vs)
        # The file's words first: a realistic pseudonym must not be one of them.
        collisions = add_corpus_words(vs, [read.text, *(t.raw for t in pending)])
        resolver = shared_resolver.open(vs, project.settings)
        resolver.note_corpus_words(collisions)
        # Earlier interviews whose realistic pseudonym is a real word of this file get another.
        renamed = rename_colliding(vs, resolver, collisions)
        for item, code in zip(prepared, codes, strict=True):
            source = Source(
                sha256=digest,
                file_name=path.name,
                path=str(path.resolve()),
                format=file_format,
                encoding=read.encoding,
                size=size,
                raw_text=read.text,
                interview_key=item.doc.key,
                title=item.title.raw,
                interview_code=code,
                status="pending",
                attributes=dict(item.doc.attributes),
            )
            vs.add(source)
            vs.flush()
            rows.append(_redact_interview(vs, resolver, source, item, project.settings))
        for old in old_sources:
            old.status = "replacing"
            vs.add(old)
        # Allowed words (lists, the codebook) are no identifiers alone: no leak alarm for them.
        new_forms = [(f, lab) for f, lab in resolver.added_forms if f not in pipeline.allow]
        source_ids = [row.source_id for row in rows]
        shared_resolver.flushed(vs)

    # 2. project: pseudonymized text only.
    def write_project() -> list[str]:
        with project.write_session() as s, s.begin():
            hold_interview_writes(s)  # codes and excerpt ids: one importer at a time
            if old_sources:
                s.execute(
                    delete(Interview).where(
                        Interview.code.in_([o.interview_code for o in old_sources])
                    )
                )
                s.flush()
            codes = allocate_codes(s, kept)  # other importers wait until this commits
            for row, code in zip(rows, codes, strict=True):
                _write_interview(s, row, code, file_format)
            _add_fingerprints(s, key, new_forms)
            if on_project is not None:
                on_project(s, rows, codes)
            for row, code in zip(rows, codes, strict=True):
                audit.append(
                    s,
                    project.actor(actor),
                    "replace" if old_sources else "import",
                    code,
                    format=file_format,
                    excerpts=len(row.excerpts),
                    words=row.words,
                    identifiers=row.mentions,
                )
            return codes

    try:
        # A lost race (deadlock, busy database) is run again; a caller's rows only once, as
        # its hook may count what it wrote.
        codes = retrying(write_project) if on_project is None else write_project()
    except Exception:
        _rollback_vault(project, source_ids, [o.id for o in old_sources])
        raise

    # 3. vault: done, under the codes step 2 settled.
    _mark_done(project, dict(zip(source_ids, codes, strict=True)), [o.id for o in old_sources])
    known.file_written(pipeline, resolver)
    if renamed:  # other interviews showed a pseudonym this file uses as a real word
        finish_renders(project)
    return FileResult(
        path,
        "replaced" if old_sources else "imported",
        interviews=codes,
        excerpts=sum(len(r.excerpts) for r in rows),
        words=sum(r.words for r in rows),
        identifiers=sum(r.mentions for r in rows),
    )


@dataclass
class _Rendered:
    """One interview's pseudonymized parts, ready for project.db."""

    source_id: int
    title: str
    attributes: list[tuple[str, str]]
    speakers: dict[str, tuple[str, str]]  # raw label -> (pseudonymized label, role)
    excerpts: list[tuple[int, str | None, str, RawExcerpt, list[list]]]
    words: int
    mentions: int


def _redact_interview(
    vs,  # noqa: ANN001
    resolver: EntityResolver,
    source: Source,
    item: _Interview,
    settings: Settings,
) -> _Rendered:
    """Resolve entities, render pseudonymized text, and store raw segments and mentions."""
    finds = [
        f
        for text in (item.title, *item.texts, *(t for _n, t, _l in item.attributes if t))
        for f in finds_in_text(text.field, text.raw, text.detections)
    ]
    finds += whole_field_finds(item.doc.attributes, list(item.speakers))
    mention_rows, refs = link_mentions(resolver, source.id, finds, settings)
    raw = RawInterview(
        item.title.raw,
        dict(item.doc.attributes),
        [(p, e.speaker, e.text) for p, e in enumerate(item.excerpts, start=1)],
    )
    rendered = render_interview(resolver, raw, refs)
    excerpts = []
    segment_rows = []
    for position, raw_excerpt in enumerate(item.excerpts, start=1):
        clean, replacements = rendered.texts[position]
        segment_rows.append(
            {
                "source_id": source.id,
                "position": position,
                "speaker": raw_excerpt.speaker,
                "text": raw_excerpt.text,
                "start_ms": raw_excerpt.start_ms,
                "end_ms": raw_excerpt.end_ms,
                "replacements": json.dumps([r.as_list() for r in replacements]),
            }
        )
        speaker = rendered.speakers[raw_excerpt.speaker] if raw_excerpt.speaker else None
        marks = [r.mark() for r in replacements]
        excerpts.append((position, speaker, clean, raw_excerpt, marks))
    vs.flush()  # new entities first: mentions refer to them
    if mention_rows:
        vs.execute(insert(Mention), mention_rows)
    vs.execute(insert(RawSegment), segment_rows)
    return _Rendered(
        source_id=source.id,
        title=rendered.title,
        attributes=rendered.attributes,
        speakers={raw: (label, item.speakers[raw]) for raw, label in rendered.speakers.items()},
        excerpts=excerpts,
        words=sum(len(e[2].split()) for e in excerpts),
        mentions=len(mention_rows),
    )


def _write_interview(s, row: _Rendered, code: str, file_format: str) -> None:  # noqa: ANN001
    interview = Interview(
        code=code,
        title=row.title or code,
        source_format=file_format,
        vault_source_id=row.source_id,
        word_count=row.words,
    )
    s.add(interview)
    s.flush()
    for name, value in row.attributes:
        s.add(InterviewAttribute(interview_id=interview.id, name=name, value=value))
    speaker_ids: dict[str, int] = {}
    for label, role in row.speakers.values():
        if label not in speaker_ids:
            speaker = Speaker(interview_id=interview.id, label=label, role=role)
            s.add(speaker)
            s.flush()
            speaker_ids[label] = speaker.id
    s.execute(
        insert(Excerpt),
        [
            {
                "interview_id": interview.id,
                "position": position,
                "speaker_id": speaker_ids[label] if label else None,
                "text": text,
                "start_ms": raw.start_ms,
                "end_ms": raw.end_ms,
                "word_count": len(text.split()),
                "pseudonyms": marks,
            }
            for position, label, text, raw, marks in row.excerpts
        ],
    )


FINGERPRINTED = {
    "PERSON",
    "GPE",
    "LOC",
    "FAC",
    "ORG",
    "ADDRESS",
    "PHONE",
    "EMAIL",
    "URL",
    "HANDLE",
    "ID",
    "MISC",
}


def _add_fingerprints(s, key: bytes, forms: list[tuple[str, str]]) -> None:  # noqa: ANN001
    """Keyed fingerprints of new identifier forms, for the leak gate.

    Dates, ages and nationalities are not fingerprinted: they identify only
    where they are said of someone, and a report may name them elsewhere.
    """
    new = []
    firsts: set[str] = set()  # first words of multi-word identifiers, for the gate's prefilter
    for form, label in forms:
        words = fingerprint_form(form, label)
        if label not in FINGERPRINTED or not words or (label == "PHONE" and len(words) < 7):
            continue
        if label != "PERSON" and is_common(words, DROP_AT - 0.5):
            continue  # "date" as an ORG: a false alarm in every report, not a safeguard
        if label == "PERSON" and is_common(words, NAME_WORD_AT) and not lexicon().is_name(words):
            continue  # "tea", "centre" taken for a name once: no name the lists know
        new.append((fingerprint(key, form, label), label, max(1, len(words.split()))))
        if " " in words:
            firsts.add(first_word_digest(key, words.split(" ", 1)[0]))
    digests = [digest for digest, _label, _tokens in new]
    known = _present(s, IdentifierFingerprint.fingerprint, digests)
    for digest, label, tokens in new:
        if digest not in known:
            known.add(digest)
            s.add(IdentifierFingerprint(fingerprint=digest, label=label, tokens=tokens))
    present = _present(s, FingerprintFirstWord.digest, sorted(firsts))
    s.add_all(FingerprintFirstWord(digest=digest) for digest in firsts - present)


def _present(s, column, values: list[str]) -> set[str]:  # noqa: ANN001
    """Which of these values the column holds; only they are looked up (tables grow)."""
    found: set[str] = set()
    for start in range(0, len(values), 500):
        found.update(s.scalars(select(column).where(column.in_(values[start : start + 500]))))
    return found


def _mark_done(project: Project, codes: dict[int, str], replaced_ids: list[int]) -> None:
    """Step 3: the new sources are done, each under its interview's code."""
    with project.vault_session() as vs, vs.begin():
        for source_id, code in codes.items():
            vs.execute(
                update(Source)
                .where(Source.id == source_id)
                .values(status="done", interview_code=code)
            )
        if replaced_ids:
            vs.execute(delete(Source).where(Source.id.in_(replaced_ids)))


def _rollback_vault(project: Project, source_ids: list[int], replaced_ids: list[int]) -> None:
    with project.vault_session() as vs, vs.begin():
        _delete_sources(vs, source_ids)
        if replaced_ids:
            vs.execute(update(Source).where(Source.id.in_(replaced_ids)).values(status="done"))


def _delete_sources(vs, source_ids: list[int]) -> None:  # noqa: ANN001
    """Roll back step 1: the sources (segments and mentions go with them) and the entities
    only they mentioned, with their forms. Left behind, those forms would be known to the
    next import and redact words an uninterrupted import leaves alone."""
    if not source_ids:
        return
    since = vs.scalar(select(func.min(Source.imported_at)).where(Source.id.in_(source_ids)))
    theirs = select(Mention.entity_id).where(Mention.source_id.in_(source_ids))
    others = select(Mention.entity_id).where(Mention.source_id.not_in(source_ids))
    orphans = list(
        vs.scalars(
            select(Entity.id).where(
                Entity.id.in_(theirs),
                Entity.id.not_in(others),
                Entity.status == "proposed",
                Entity.created_at >= since,
            )
        )
    )
    vs.execute(delete(Mention).where(Mention.source_id.in_(source_ids)))
    vs.execute(delete(Source).where(Source.id.in_(source_ids)))
    if orphans:
        vs.execute(delete(EntityForm).where(EntityForm.entity_id.in_(orphans)))
        vs.execute(delete(ScopedForm).where(ScopedForm.entity_id.in_(orphans)))
        vs.execute(delete(Entity).where(Entity.id.in_(orphans)))


def recover_pending(project: Project) -> tuple[int, int]:
    """Finish or undo an import a crash interrupted; returns (completed, rolled back)."""
    with project.vault_session() as vs:
        unfinished = list(
            vs.scalars(select(Source).where(Source.status.in_(("pending", "replacing"))))
        )
    if not unfinished:
        return 0, 0
    with project.session() as s:
        present = {
            sid: code for sid, code in s.execute(select(Interview.vault_source_id, Interview.code))
        }
    completed = rolled_back = 0
    with project.vault_session() as vs, vs.begin():
        for source in unfinished:
            in_project = source.id in present
            if source.status == "pending":
                if in_project:  # under the code the coding database gave it
                    vs.execute(
                        update(Source)
                        .where(Source.id == source.id)
                        .values(status="done", interview_code=present[source.id])
                    )
                    completed += 1
                else:
                    _delete_sources(vs, [source.id])
                    rolled_back += 1
            elif in_project:  # replacing, but the replacement never reached the project
                vs.execute(update(Source).where(Source.id == source.id).values(status="done"))
            else:
                vs.execute(delete(Source).where(Source.id == source.id))
    return completed, rolled_back
