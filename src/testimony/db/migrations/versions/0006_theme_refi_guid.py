"""theme REFI-QDA GUID: a code imported from another QDA tool keeps its GUID in exports

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: a theme made here is exported under a GUID derived from its id instead.
    op.add_column("themes", sa.Column("guid", sa.String(38), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("themes") as batch:
        batch.drop_column("guid")
