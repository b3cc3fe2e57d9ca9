"""excerpt search index: FTS5 on SQLite, a tsvector GIN index on PostgreSQL

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_excerpts_fts ON excerpts USING GIN (to_tsvector('english', text))"
        )
        return
    op.execute(
        "CREATE VIRTUAL TABLE excerpts_fts USING fts5("
        "text, content='excerpts', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER excerpts_fts_insert AFTER INSERT ON excerpts BEGIN "
        "INSERT INTO excerpts_fts(rowid, text) VALUES (new.id, new.text); END"
    )
    op.execute(
        "CREATE TRIGGER excerpts_fts_delete AFTER DELETE ON excerpts BEGIN "
        "INSERT INTO excerpts_fts(excerpts_fts, rowid, text) VALUES ('delete', old.id, old.text); "
        "END"
    )
    op.execute(
        "CREATE TRIGGER excerpts_fts_update AFTER UPDATE OF text ON excerpts BEGIN "
        "INSERT INTO excerpts_fts(excerpts_fts, rowid, text) VALUES ('delete', old.id, old.text); "
        "INSERT INTO excerpts_fts(rowid, text) VALUES (new.id, new.text); END"
    )
    op.execute("INSERT INTO excerpts_fts(excerpts_fts) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_excerpts_fts")
        return
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER excerpts_fts_{trigger}")
    op.execute("DROP TABLE excerpts_fts")
