"""The one place that makes engines and sessions, for project.db and vault.db alike."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 30_000
PING_AFTER_IDLE_S = 10.0  # a pooled server connection idle this long is tried before use


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def normalise_url(url: str) -> str:
    """postgresql:// (or postgres://) means psycopg 3, the driver testimony depends on."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url.removeprefix(scheme)
    return url


def make_engine(url: str) -> Engine:
    """An engine for url; SQLite gets WAL, foreign keys and a busy timeout.

    Parameters are hidden from error messages: a failed insert into the vault
    must not print the identifier it was inserting.
    """
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, hide_parameters=True
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # Timestamps come back in UTC whatever the server's time zone (unless the URL sets options).
    options = {} if "options" in make_url(url).query else {"options": "-c timezone=UTC"}
    engine = create_engine(url, hide_parameters=True, connect_args=options)
    event.listen(engine, "checkin", _note_idle_since)
    event.listen(engine, "checkout", _ping_if_idle(engine))
    return engine


def _note_idle_since(_dbapi_connection, record) -> None:  # noqa: ANN001
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(engine: Engine):  # noqa: ANN202
    """A checkout hook: a pooled server connection idle for a while may have been closed (a
    server restart, a firewall's timeout), so it is tried first and replaced if dead.
    Pinging on every checkout (pool_pre_ping) cost a round trip per coding action."""
    from sqlalchemy.exc import DisconnectionError

    def checkout(dbapi_connection, record, _proxy) -> None:  # noqa: ANN001
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_S:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # noqa: BLE001 - any failure: use another connection
            raise DisconnectionError(str(error)) from None
        if not alive:
            raise DisconnectionError("the server closed an idle connection")

    return checkout


def describe_url(url: str) -> str:
    """The URL as it may be shown: the password (if any) masked."""
    try:
        return make_url(normalise_url(url)).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown by its scheme only
        return url.split(":", 1)[0] + ":…"


def open_engine(url: str) -> Engine:
    """make_engine, with a user's mistake in the URL (or a server that does not answer)
    turned into one clear DatabaseUnavailable line that never shows the password."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

    from testimony.errors import DatabaseUnavailable

    shown = describe_url(url)
    unsupported = f"{shown}: testimony keeps codings in SQLite or PostgreSQL (postgresql://…)"
    try:
        backend = make_url(normalise_url(url)).get_backend_name()
    except ArgumentError:
        raise DatabaseUnavailable(f"{shown} is not a database URL") from None
    if backend not in {"sqlite", "postgresql"}:
        raise DatabaseUnavailable(unsupported)
    try:
        engine = make_engine(url)
    except (NoSuchModuleError, ArgumentError):
        raise DatabaseUnavailable(unsupported) from None
    except ModuleNotFoundError as error:
        raise DatabaseUnavailable(
            f"{shown} needs the {error.name} package: pip install 'testimony[team]'"
        ) from None
    try:
        engine.connect().close()
    except OperationalError as error:
        engine.dispose()
        from testimony.db.storage import explain

        told = explain(error) if backend == "sqlite" else None  # read-only folder, full disk
        if told:
            raise DatabaseUnavailable(told) from None
        reason = str(error.orig).strip().splitlines()[0] if error.orig else "no answer"
        raise DatabaseUnavailable(f"cannot open the coding database {shown}: {reason}") from None
    return engine


def writing(engine: Engine) -> Engine:
    """The engine for transactions that will write.

    On SQLite they start with BEGIN IMMEDIATE: the write lock is taken (waiting
    up to the busy timeout) before the first read, so a transaction never reads
    a snapshot it then cannot write over (SQLITE_BUSY). PostgreSQL needs nothing.
    """
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(sqlite_begin="IMMEDIATE")


def _sqlite_begin(connection) -> None:  # noqa: ANN001
    # Other transactions keep pysqlite's own handling (BEGIN before the first write).
    if connection.get_execution_options().get("sqlite_begin") == "IMMEDIATE":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values usable after commit (plain data between layers)."""
    return sessionmaker(engine, expire_on_commit=False)


def hold_interview_writes(session: Session) -> None:
    """Serialise transactions that add interviews, until this one ends.

    Excerpt ids are the reading order (retrieval walks its indexes on them), which
    holds only if one interview's excerpts are never interleaved with another's.
    SQLite's single writer gives that already; on PostgreSQL two imports could
    interleave their sequence values, so they queue on a transaction-level lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": INTERVIEW_WRITES})


INTERVIEW_WRITES = 0x7465_7374  # "test": an arbitrary key of our own for pg_advisory_xact_lock
