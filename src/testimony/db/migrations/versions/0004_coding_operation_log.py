"""coding operation log: undo/redo per coder; coding and memo ids never reused

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "operations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(["coder_id"], ["coders.id"]),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_operations_coder_state", "operations", ["coder_id", "state", "id"])
    op.create_index("ix_memos_target", "memos", ["target_type", "target_id"])
    if op.get_bind().dialect.name == "sqlite":
        # Undo puts a removed coding back under its own id; SQLite would otherwise hand
        # that id to the next new row. No trigger or view depends on these two tables.
        for table in ("codings", "memos"):
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
            ):
                pass


def downgrade() -> None:
    op.drop_index("ix_memos_target", "memos")
    op.drop_index("ix_operations_coder_state", "operations")
    op.drop_table("operations")
