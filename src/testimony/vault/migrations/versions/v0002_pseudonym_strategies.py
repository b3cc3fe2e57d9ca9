"""pseudonym strategies, interview-scoped name forms, corpus words, raw attributes

Revision ID: v0002
Revises: v0001
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "v0002"
down_revision = "v0001"
branch_labels = None
depends_on = None

_WORD = re.compile(r"[^\W\d_]+")


def upgrade() -> None:
    # Plain ADD COLUMNs: a batch copy of a table others refer to could cascade deletes.
    op.add_column(
        "entities", sa.Column("strategy", sa.String(16), nullable=False, server_default="tag")
    )
    op.add_column("entities", sa.Column("details", sa.JSON(), nullable=False, server_default="{}"))
    op.add_column(
        "sources", sa.Column("attributes", sa.JSON(), nullable=False, server_default="{}")
    )
    op.add_column(
        "sources", sa.Column("needs_render", sa.Boolean(), nullable=False, server_default="0")
    )
    op.create_table(
        "scoped_forms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("form", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["entity_id"], ["entities.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["scope"], ["sources.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scope", "label", "form"),
    )
    words = op.create_table(
        "corpus_words",
        sa.Column("word", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("word"),
    )
    seen: set[str] = set()
    for (text,) in op.get_bind().execute(sa.text("SELECT raw_text FROM sources")):
        seen |= {w.casefold() for w in _WORD.findall(text or "") if len(w) <= 128}
    if seen:
        op.bulk_insert(words, [{"word": w} for w in sorted(seen)])


def downgrade() -> None:
    op.drop_table("corpus_words")
    op.drop_table("scoped_forms")
    op.drop_column("sources", "needs_render")
    op.drop_column("sources", "attributes")
    op.drop_column("entities", "details")
    op.drop_column("entities", "strategy")
