"""Tables of project.db: pseudonymized excerpts, the codebook, codings, memos, audit.

Nothing here may ever hold a raw identifier: every text column is written by
the redaction pipeline or typed by a coder.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes (written in UTC); PostgreSQL aware ones in any zone."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class ProjectMeta(Base):
    __tablename__ = "project_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Interview(Base):
    """One transcript, as QDA tools call a case or document."""

    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # INT-001
    title: Mapped[str] = mapped_column(Text)  # pseudonymized
    source_format: Mapped[str] = mapped_column(String(16))
    vault_source_id: Mapped[int] = mapped_column(Integer, unique=True)
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    review_state: Mapped[str] = mapped_column(String(16), default="unreviewed")
    reviewed_by: Mapped[str | None] = mapped_column(String(128))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    attributes: Mapped[list[InterviewAttribute]] = relationship(
        back_populates="interview", cascade="all, delete-orphan", order_by="InterviewAttribute.id"
    )
    excerpts: Mapped[list[Excerpt]] = relationship(
        back_populates="interview", cascade="all, delete-orphan", order_by="Excerpt.position"
    )
    speakers: Mapped[list[Speaker]] = relationship(
        back_populates="interview", cascade="all, delete-orphan"
    )


class InterviewAttribute(Base):
    """A case attribute (role, region, age group...), pseudonymized where it identifies."""

    __tablename__ = "interview_attributes"
    __table_args__ = (UniqueConstraint("interview_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(128))
    value: Mapped[str] = mapped_column(Text)

    interview: Mapped[Interview] = relationship(back_populates="attributes")


class Speaker(Base):
    """A speaker label kept as data: a role and a pseudonymized label."""

    __tablename__ = "speakers"
    __table_args__ = (UniqueConstraint("interview_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(32))  # interviewer | respondent | other

    interview: Mapped[Interview] = relationship(back_populates="speakers")


class Excerpt(Base):
    """The unit a coder reads: a speaker turn or a paragraph, pseudonymized."""

    __tablename__ = "excerpts"
    __table_args__ = (
        UniqueConstraint("interview_id", "position"),
        Index("ix_excerpts_interview_position", "interview_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # 1-based order in the interview
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("speakers.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    start_ms: Mapped[int | None] = mapped_column(Integer)
    end_ms: Mapped[int | None] = mapped_column(Integer)
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    # Where the pseudonyms are: [[start, end, label, entity, raw_start, raw_end], ...], for
    # display, and to carry codings through a re-render (raw offsets are not identifiers).
    pseudonyms: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")

    interview: Mapped[Interview] = relationship(back_populates="excerpts")
    speaker: Mapped[Speaker | None] = relationship()


class Theme(Base):
    """A codebook theme; the hierarchy is a parent link."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(128), unique=True)  # the codebook's id
    name: Mapped[str] = mapped_column(String(256))
    description: Mapped[str] = mapped_column(Text, default="")
    include: Mapped[str] = mapped_column(Text, default="")
    exclude: Mapped[str] = mapped_column(Text, default="")
    examples: Mapped[list[str]] = mapped_column(JSON, default=list)
    color: Mapped[str | None] = mapped_column(String(16))
    shortcut: Mapped[str | None] = mapped_column(String(8))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The REFI-QDA GUID of a code imported from another tool, reused by every export.
    guid: Mapped[str | None] = mapped_column(String(38))


class Coder(Base):
    __tablename__ = "coders"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)


class Coding(Base):
    """A theme applied to a span of an excerpt; offsets are code points."""

    __tablename__ = "codings"
    __table_args__ = (
        Index("ix_codings_excerpt", "excerpt_id"),
        Index("ix_codings_theme", "theme_id"),
        Index("ix_codings_theme_place", "theme_id", "excerpt_id", "start"),
        Index("ix_codings_coder", "coder_id"),
        # Ids are never reused, so undo can put a removed coding back under its own id.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    excerpt_id: Mapped[int] = mapped_column(ForeignKey("excerpts.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id"))
    important: Mapped[bool] = mapped_column(Boolean, default=False)
    memo: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Memo(Base):
    """A memo on an excerpt, an interview, a theme or the project."""

    __tablename__ = "memos"
    __table_args__ = (
        Index("ix_memos_target", "target_type", "target_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(16))  # project|interview|excerpt|theme
    target_id: Mapped[int | None] = mapped_column(Integer)
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IdentifierFingerprint(Base):
    """Keyed HMAC of an identifier's normalised form, for the leak gate."""

    __tablename__ = "identifier_fingerprints"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(16))
    tokens: Mapped[int] = mapped_column(Integer, default=1)
    # Whether the fingerprint's first word is among FingerprintFirstWord (rows older
    # than that table are not, until `testimony db upgrade` indexes them from the vault).
    first_word_indexed: Mapped[bool] = mapped_column(Boolean, default=True)


class FingerprintFirstWord(Base):
    """Keyed HMAC (in its own domain) of the first word of a multi-word identifier.

    The leak gate hashes longer runs of words only where a word starts some
    identifier, so most words of an export cost one hash. The set names no
    fingerprint: it cannot tell which identifiers share a first word.
    """

    __tablename__ = "fingerprint_first_words"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)


class AuditEntry(Base):
    """Append-only log of what was done; entities are named by id and pseudonym only."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")


class Operation(Base):
    """One coder's undoable action: every row it changed, before and after (JSON)."""

    __tablename__ = "operations"
    __table_args__ = (
        Index("ix_operations_coder_state", "coder_id", "state", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    action: Mapped[str] = mapped_column(String(32))  # apply | remove | change | memo | ...
    summary: Mapped[str] = mapped_column(Text, default="")
    # [{"table": "codings"|"memos", "id": n, "before": {...}|null, "after": {...}|null}, ...]
    changes: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(8), default="done")  # done | undone | dropped
