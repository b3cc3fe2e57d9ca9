"""fingerprint first words: the leak gate hashes longer runs only where an identifier can start

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fingerprint_first_words",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("digest"),
    )
    # Existing fingerprints are not indexed yet: the first words need the identifiers,
    # which only the vault holds, so `testimony db upgrade` (or an export) with the
    # vault fills them in; until then the gate hashes every run, as before.
    op.add_column(
        "identifier_fingerprints",
        sa.Column("first_word_indexed", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("identifier_fingerprints") as batch:
        batch.drop_column("first_word_indexed")
    op.drop_table("fingerprint_first_words")
