"""search postings: posting lists beside FTS5, so ranking a frequent word is not O(hits) in SQL

Revision ID: 0009
Revises: 0008

FTS5 works out bm25 for every excerpt a query matches, about a microsecond
each: 20 ms before the first page of "police" on a 100,000-excerpt project.
These tables hold, for each term, the excerpts holding it and how often, and
each excerpt's length in tokens, in blocks of ids; coding/search_postings.py ranks from them with
FTS5's own formula and statistics (SQLite only; PostgreSQL ranks with ts_rank).

The lists are derived data, brought up to date when a transaction commits:
triggers queue every excerpt whose text is added, changed or deleted, with the
text the lists hold for it. Existing excerpts are queued here; the first commit
after this migration builds the lists (about 2 s for 100,000 excerpts).
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    # A term's excerpts, counts and token offsets (pos: each excerpt's in turn), in blocks
    # of ids (see BLOCK_BITS), as int32 and
    # uint16/uint32 arrays; each block's excerpt lengths in tokens, as uint32.
    op.execute(
        "CREATE TABLE search_postings (term TEXT NOT NULL, block INTEGER NOT NULL,"
        " ids BLOB NOT NULL, tfs BLOB NOT NULL, pos BLOB NOT NULL,"
        " PRIMARY KEY (term, block)) WITHOUT ROWID"
    )
    op.execute(
        "CREATE TABLE search_postings_lengths (block INTEGER PRIMARY KEY, lengths BLOB NOT NULL)"
    )
    # old_text: the text the lists hold for the excerpt (NULL: they hold none). OR IGNORE
    # keeps the first one queued, which is the one the lists were built from.
    op.execute(
        "CREATE TABLE search_postings_pending (excerpt_id INTEGER PRIMARY KEY, old_text TEXT)"
    )
    op.execute(
        "CREATE TRIGGER search_postings_insert AFTER INSERT ON excerpts BEGIN "
        "INSERT OR IGNORE INTO search_postings_pending VALUES (new.id, NULL); END"
    )
    op.execute(
        "CREATE TRIGGER search_postings_update AFTER UPDATE OF text ON excerpts BEGIN "
        "INSERT OR IGNORE INTO search_postings_pending VALUES (old.id, old.text); END"
    )
    op.execute(
        "CREATE TRIGGER search_postings_delete AFTER DELETE ON excerpts BEGIN "
        "INSERT OR IGNORE INTO search_postings_pending VALUES (old.id, old.text); END"
    )
    op.execute("INSERT INTO search_postings_pending SELECT id, NULL FROM excerpts")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER search_postings_{trigger}")
    for table in ("search_postings_pending", "search_postings_lengths", "search_postings"):
        op.execute(f"DROP TABLE {table}")
