"""A throwaway PostgreSQL cluster for tests and benchmarks, or the server named in the environment.

`TESTIMONY_TEST_PG_URL` names a server to use instead (a SQLAlchemy URL whose
user may create databases). Otherwise the server binaries are looked for (on
PATH, then under /usr/lib/postgresql/*/bin), a cluster is made with initdb in a
temporary folder and started on a Unix socket there (no TCP port, so parallel
workers never collide), and removed at the end. initdb refuses to run as root,
so as root the cluster belongs to the `postgres` system user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ENV_URL = "TESTIMONY_TEST_PG_URL"
ENV_REQUIRE = "TESTIMONY_REQUIRE_POSTGRES"
SYSTEM_USER = "postgres"


class PostgresUnavailable(RuntimeError):
    """No server named and no server binaries found (or they failed to start)."""


def find_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl, or None."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return versions[-1].parent if versions else None


@dataclass
class Cluster:
    """A running server: `url(db)` names a database on it; `admin_url` can create databases."""

    base_url: str  # without a database name
    folder: Path | None = None
    bindir: Path | None = None
    _as_user: list[str] = field(default_factory=list)

    def url(self, database: str) -> str:
        head, _, query = self.base_url.partition("?")
        head = head.rstrip("/")
        return f"{head}/{database}" + (f"?{query}" if query else "")

    @property
    def admin_url(self) -> str:
        return self.url("postgres")

    def create_database(self, name: str, template: str = "template0") -> str:
        """CREATE DATABASE name TEMPLATE template; returns its URL."""
        _admin_execute(self, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        _admin_execute(self, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self.folder is None:
            return
        subprocess.run(
            [
                *self._as_user,
                str(self.bindir / "pg_ctl"),
                "stop",
                "-D",
                str(self.folder / "data"),
                "-m",
                "immediate",
                "-s",
            ],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None


def unique_name(prefix: str = "t") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def _admin_execute(cluster: Cluster, sql: str) -> None:
    import psycopg

    conninfo = cluster.admin_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(sql)


def start_cluster() -> Cluster:
    """The server of $TESTIMONY_TEST_PG_URL, or a new throwaway cluster."""
    named = os.environ.get(ENV_URL)
    if named:
        cluster = Cluster(base_url=_server_part(named))
        try:
            _admin_execute(cluster, "SELECT 1")
        except Exception as error:  # noqa: BLE001 - any failure means: not usable
            raise PostgresUnavailable(
                f"{ENV_URL} names a server that does not answer: {type(error).__name__}"
            ) from error
        return cluster
    bindir = find_bindir()
    if bindir is None:
        raise PostgresUnavailable(
            "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or under "
            f"/usr/lib/postgresql; install the `postgresql` package or set {ENV_URL}"
        )
    return _start_throwaway(bindir)


def _server_part(url: str) -> str:
    """url without its database name (the query, e.g. ?host=/socket, is kept)."""
    head, sep, query = url.partition("?")
    scheme, _, rest = head.partition("://")
    authority = rest.split("/", 1)[0]
    if scheme in {"postgresql", "postgres"}:
        scheme = "postgresql+psycopg"
    return f"{scheme}://{authority}/" + (f"?{query}" if sep else "")


OWNER = "owner.pid"  # in a throwaway cluster's folder: the process that started it


def _start_throwaway(bindir: Path) -> Cluster:
    _remove_orphans(bindir)
    folder = Path(tempfile.mkdtemp(prefix="testimony-pg-"))
    (folder / OWNER).write_text(str(os.getpid()))
    as_user: list[str] = []
    user = pwd.getpwuid(os.getuid()).pw_name
    if os.getuid() == 0:
        try:
            system = pwd.getpwnam(SYSTEM_USER)
        except KeyError as error:
            raise PostgresUnavailable(
                f"running as root and there is no `{SYSTEM_USER}` user to own the test cluster"
            ) from error
        os.chown(folder, system.pw_uid, system.pw_gid)
        as_user = ["runuser", "-u", SYSTEM_USER, "--"]
        user = SYSTEM_USER
    data = folder / "data"
    cluster = Cluster(
        base_url=f"postgresql+psycopg://{user}@/?host={folder}",
        folder=folder,
        bindir=bindir,
        _as_user=as_user,
    )
    try:
        _run(
            [
                *as_user,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                user,
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        )
        options = (
            f"-k {folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c shared_buffers=32MB -c max_connections=60 "
            # Not UTC, so a naive or local timestamp shows up in the tests.
            "-c timezone=Asia/Almaty"
        )
        _run(
            [
                *as_user,
                str(bindir / "pg_ctl"),
                "start",
                "-D",
                str(data),
                "-w",
                "-s",
                "-l",
                str(folder / "server.log"),
                "-o",
                options,
            ]
        )
    except PostgresUnavailable:
        cluster.stop()
        raise
    return cluster


def _remove_orphans(bindir: Path) -> None:
    """Stop and remove throwaway clusters whose test run was killed before it could."""
    for folder in Path(tempfile.gettempdir()).glob("testimony-pg-*"):
        try:
            owner = int((folder / OWNER).read_text())
        except (OSError, ValueError):
            continue  # an older run's folder, or one being made: not ours to judge
        if _alive(owner):
            continue
        as_user = ["runuser", "-u", SYSTEM_USER, "--"] if os.getuid() == 0 else []
        Cluster("", folder=folder, bindir=bindir, _as_user=as_user).stop()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise PostgresUnavailable(f"{' '.join(command)} failed: {tail[0]}")
