"""Pooled PostgreSQL connections: a dead one is replaced before a coder's action uses it.

Connections are not pinged on every checkout (a round trip per coding action);
one that sat idle for PING_AFTER_IDLE_S is tried first, and one the server has
closed meanwhile (a restart, a firewall's timeout) is replaced without the
coder seeing an error.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from testimony.coding.workbench import Workbench
from testimony.db import engine as engines

from .coding_helpers import add_interview


def _kill_other_connections(project) -> int:  # noqa: ANN001
    """Terminate every other server connection to the project's database; how many."""
    killer = engines.make_engine(project.db_url)
    try:
        with killer.connect() as connection:
            killed = connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar()
            connection.commit()
    finally:
        killer.dispose()
    return killed


def test_a_connection_the_server_closed_while_idle_is_replaced(project, backend, monkeypatch):
    if backend != "postgresql":
        pytest.skip("a server connection: PostgreSQL only")
    excerpt = add_interview(project)[1]
    bench = Workbench(project, "ana")
    bench.apply_theme(excerpt, 0, 4, "police-response")  # the pool now holds a connection
    assert _kill_other_connections(project) >= 1
    monkeypatch.setattr(engines, "PING_AFTER_IDLE_S", 0.0)  # as if idle long enough
    span = bench.apply_theme(excerpt, 0, 6, "police-response")
    assert span.end == 6
    assert [c.end for c in bench.excerpt(excerpt).codings] == [4, 6]


def test_a_busy_connection_is_not_pinged(project, backend):
    if backend != "postgresql":
        pytest.skip("a server connection: PostgreSQL only")
    excerpt = add_interview(project)[1]
    bench = Workbench(project, "ana")
    bench.apply_theme(excerpt, 0, 4, "police-response")
    pings: list[bool] = []
    engine = project.engine
    original = engine.dialect.do_ping

    def counting_ping(connection):  # noqa: ANN001, ANN202
        pings.append(True)
        return original(connection)

    engine.dialect.do_ping = counting_ping
    try:
        for end in range(5, 10):
            bench.apply_theme(excerpt, 0, end, "police-response")
    finally:
        engine.dialect.do_ping = original
    assert pings == []  # five actions in a row: no round trip spent on pings
