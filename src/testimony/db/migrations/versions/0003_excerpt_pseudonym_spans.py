"""excerpt pseudonym spans: where each excerpt's pseudonyms are, for display and remapping

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: a batch copy of the table would drop the search triggers.
    op.add_column(
        "excerpts", sa.Column("pseudonyms", sa.JSON(), nullable=False, server_default="[]")
    )


def downgrade() -> None:
    op.drop_column("excerpts", "pseudonyms")
