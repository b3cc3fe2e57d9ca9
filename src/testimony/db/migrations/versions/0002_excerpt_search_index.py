"""excerpt search index: FTS5 on SQLite, a tsvector GIN index on PostgreSQL

Revision ID: 0002
Revises: 0001

Both index the same way, so a query finds the same excerpts on either backend:
words lower-cased with their diacritics removed, no stemming, no stop words
(FTS5's unicode61 with remove_diacritics; on PostgreSQL a text search
configuration `testimony_search`, the `simple` dictionary behind `unaccent`).
"""

from alembic import op

PG_CONFIG = "testimony_search"
PG_WORD_TOKENS = "word, hword, hword_part, numword, numhword, hword_numpart"

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_upgrade()
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


def _postgresql_upgrade() -> None:
    bind = op.get_bind()
    # unaccent is a trusted extension (a database owner may create it); where it is missing,
    # search is accent-sensitive but otherwise the same.
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
        unaccent = "unaccent, "
    except Exception:  # noqa: BLE001 - not installed or not allowed
        unaccent = ""
    op.execute(f"CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = pg_catalog.simple)")
    op.execute(
        f"ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG} ALTER MAPPING FOR {PG_WORD_TOKENS} "
        f"WITH {unaccent}simple"
    )
    op.execute(
        f"CREATE INDEX ix_excerpts_fts ON excerpts USING GIN (to_tsvector('{PG_CONFIG}', text))"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_excerpts_fts")
        op.execute(f"DROP TEXT SEARCH CONFIGURATION {PG_CONFIG}")
        return
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER excerpts_fts_{trigger}")
    op.execute("DROP TABLE excerpts_fts")
