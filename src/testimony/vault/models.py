"""Tables of vault.db. Raw text lives here and nowhere else."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from testimony.vault.types import EncryptedJSON, EncryptedText, KeyedWord


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class VaultMeta(Base):
    __tablename__ = "vault_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Source(Base):
    """One imported file: its bytes' hash, its decoded text, and the import state.

    status is 'pending' from the first write until project.db holds the interview,
    then 'done'; a pending source found later is completed or rolled back.
    """

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_name: Mapped[str] = mapped_column(EncryptedText("sources.file_name"))
    path: Mapped[str] = mapped_column(EncryptedText("sources.path"))
    format: Mapped[str] = mapped_column(String(16))
    encoding: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    raw_text: Mapped[str] = mapped_column(EncryptedText("sources.raw_text"))
    # CSV: which interview
    interview_key: Mapped[str] = mapped_column(EncryptedText("sources.interview_key"), default="")
    title: Mapped[str] = mapped_column(EncryptedText("sources.title"), default="")
    interview_code: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    # Raw interview attributes (front matter, CSV columns), so a re-run can redact them again.
    attributes: Mapped[dict] = mapped_column(
        EncryptedJSON("sources.attributes"), default=dict, server_default="{}"
    )
    # Set while project.db still shows text rendered before a pseudonym changed; cleared
    # when the re-render is committed (a crash in between is finished on the next run).
    needs_render: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RawSegment(Base):
    """The raw text of one excerpt, position-aligned with project.db's excerpts."""

    __tablename__ = "raw_segments"
    __table_args__ = (UniqueConstraint("source_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str | None] = mapped_column(EncryptedText("raw_segments.speaker"))
    text: Mapped[str] = mapped_column(EncryptedText("raw_segments.text"))
    start_ms: Mapped[int | None] = mapped_column(Integer)
    end_ms: Mapped[int | None] = mapped_column(Integer)
    replacements: Mapped[str] = mapped_column(Text, default="[]")  # JSON replacement map


class Entity(Base):
    """One real-world referent (a person, a place, a number) and its pseudonym.

    pseudonym is the entity's stable tag ([PERSON-3]); strategy says how its mentions
    are rendered (tag, realistic, generalise) and details holds what that needs, such
    as the realistic name's parts ({"given": "Ayana", "surname": "Serikova", ...}).
    """

    __tablename__ = "entities"
    __table_args__ = (UniqueConstraint("pseudonym"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(16))
    pseudonym: Mapped[str] = mapped_column(String(64))
    canonical: Mapped[str] = mapped_column(EncryptedText("entities.canonical"))
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    strategy: Mapped[str] = mapped_column(String(16), default="tag", server_default="tag")
    details: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EntityForm(Base):
    """A normalised surface form that links a mention to its entity, in every interview."""

    __tablename__ = "entity_forms"
    __table_args__ = (UniqueConstraint("label", "form"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(16))
    form: Mapped[str] = mapped_column(EncryptedText("entity_forms.form"))


class ScopedForm(Base):
    """A form that links to its entity only inside one source (one interview).

    A given name alone ("Yerlan") is one person within an interview, but two
    interviews' Yerlans are usually two people.
    """

    __tablename__ = "scoped_forms"
    __table_args__ = (UniqueConstraint("scope", "label", "form"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    scope: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(16))
    form: Mapped[str] = mapped_column(EncryptedText("scoped_forms.form"))


class CorpusWord(Base):
    """Every word (case-folded) of every imported text: realistic pseudonyms avoid them."""

    __tablename__ = "corpus_words"

    word: Mapped[str] = mapped_column(KeyedWord(128), primary_key=True)


class Mention(Base):
    """One detected occurrence of an identifier in a source."""

    __tablename__ = "mentions"
    __table_args__ = (Index("ix_mentions_source", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(64))  # text:<position> | speaker | title | attr:<n>
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(EncryptedText("mentions.text"))
    label: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"))
    detector: Mapped[str] = mapped_column(String(32))
    score: Mapped[float] = mapped_column(Float, default=1.0)
    status: Mapped[str] = mapped_column(String(16), default="proposed")


class DecisionLog(Base):
    """The vault's side of the audit trail: each decision with the raw words it touched.

    project.db's audit log names entities by id and tag only; a reviewer who holds
    the vault can read here what those were.
    """

    __tablename__ = "decision_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict] = mapped_column(EncryptedJSON("decision_log.details"), default=dict)
