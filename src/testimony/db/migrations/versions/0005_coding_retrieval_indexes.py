"""coding indexes: retrieval by theme in reading order, codings by coder

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Retrieval orders a theme's codings by place without reading the codings table.
    # if_not_exists: an early build of this branch made both indexes in 0004.
    op.create_index(
        "ix_codings_theme_place",
        "codings",
        ["theme_id", "excerpt_id", "start"],
        if_not_exists=True,
    )
    # "Whose codings" and "next uncoded by me" find a coder's codings without a scan.
    op.create_index("ix_codings_coder", "codings", ["coder_id"], if_not_exists=True)


def downgrade() -> None:
    op.drop_index("ix_codings_coder", "codings")
    op.drop_index("ix_codings_theme_place", "codings")
