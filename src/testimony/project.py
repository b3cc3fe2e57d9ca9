"""A project folder: finding it, making it, and opening its two databases."""

from __future__ import annotations

import getpass
import json
import os
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from testimony.db import audit
from testimony.db.engine import (
    describe_url,
    make_engine,
    open_engine,
    session_factory,
    sqlite_url,
    writing,
)
from testimony.db.migrate import ensure_schema
from testimony.db.models import ProjectMeta
from testimony.errors import ProjectExists, ProjectNotFound, SettingsError
from testimony.settings import (
    ALLOW_FILE_HEADER,
    SETTINGS_FILE,
    Settings,
    load_settings,
    write_template,
)
from testimony.vault import protection
from testimony.vault.permissions import create_private, warn_if_exposed

PROJECT_DB = "project.db"
ENV_PROJECT = "TESTIMONY_PROJECT"
ENV_CODER = "TESTIMONY_CODER"
CODER_NAME_MAX = 128  # coders.name


@dataclass
class Project:
    """An open project. Engines are made on first use and schemas brought up to date."""

    root: Path
    settings: Settings
    database_url: str | None = None
    # Asked for the vault's passphrase when it has one (the CLI prompts on a terminal);
    # None reads TESTIMONY_VAULT_PASSPHRASE.
    ask_passphrase: Callable[[], str] | None = field(default=None, repr=False)
    _engine: Engine | None = field(default=None, repr=False)
    _vault_engine: Engine | None = field(default=None, repr=False)
    _write_engine: Engine | None = field(default=None, repr=False)
    _sessions: sessionmaker[Session] | None = field(default=None, repr=False)
    _write_sessions: sessionmaker[Session] | None = field(default=None, repr=False)
    _search_deferred: int = field(default=0, repr=False)

    @classmethod
    def open(cls, root: Path, database_url: str | None = None) -> Project:
        root = root.resolve()
        if not (root / SETTINGS_FILE).is_file():
            raise ProjectNotFound(f"{root} is not a testimony project (no {SETTINGS_FILE})")
        return cls(root=root, settings=load_settings(root), database_url=database_url)

    @property
    def db_url(self) -> str:
        return self.database_url or self.settings.database_url or sqlite_url(self.root / PROJECT_DB)

    @property
    def vault_path(self) -> Path:
        return self.root / self.settings.vault

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            engine = open_engine(self.db_url)
            try:
                ensure_schema(engine, "testimony.db", "the coding database")
            except BaseException:
                engine.dispose()  # a refused database is left as it was, with no -wal beside it
                raise
            self._engine = engine
        return self._engine

    @property
    def vault_engine(self) -> Engine:
        if self._vault_engine is None:
            if not self.vault_path.is_file():
                raise ProjectNotFound(
                    f"no vault at {self.vault_path}: this command needs the identifier vault, "
                    "which reviewers hold"
                )
            warn_if_exposed(self.vault_path)
            engine = make_engine(sqlite_url(self.vault_path))
            try:
                ensure_schema(engine, "testimony.vault", "the vault")
                protection.unlock(engine, self.ask_passphrase)
            except BaseException:
                engine.dispose()
                raise
            self._vault_engine = engine
        return self._vault_engine

    def session(self) -> Session:
        if self._sessions is None:
            self._sessions = _project_sessions(self.engine, self._search_refreshed)
        return self._sessions()

    def write_session(self) -> Session:
        """A session for a transaction that writes (on SQLite it takes the write lock first)."""
        if self._write_sessions is None:
            self._write_engine = writing(self.engine)
            self._write_sessions = _project_sessions(self._write_engine, self._search_refreshed)
        return self._write_sessions()

    def _search_refreshed(self, session: Session) -> None:
        if not self._search_deferred:
            from testimony.coding.search_postings import refresh

            refresh(session)

    @contextmanager
    def search_lists_deferred(self) -> Iterator[None]:
        """Commits inside leave the search lists (search_postings.py) to one refresh at
        the end. For bulk imports: one pass over every new excerpt, not one rewrite of
        the lists per file. Meanwhile search ranks with FTS5, as always correct."""
        self._search_deferred += 1
        try:
            yield
        finally:
            self._search_deferred -= 1
        if not self._search_deferred:  # after a failure, the next commit refreshes instead
            with self.write_session() as s, s.begin():
                pass  # the commit refreshes

    def vault_session(self) -> Session:
        return session_factory(self.vault_engine)()

    def actor(self, override: str | None = None) -> str:
        """Who is acting: an explicit name, the environment, the settings, or the login.

        Every coding and memo is attributed to this name, so a name that would be
        invisible or garble a terminal (empty, control characters) is refused.
        """
        if override is not None:
            return checked_coder_name(override, "the command line")
        if os.environ.get(ENV_CODER, "").strip():
            return checked_coder_name(os.environ[ENV_CODER], f"${ENV_CODER}")
        if self.settings.coder is not None:
            return checked_coder_name(str(self.settings.coder), f"coder: in {SETTINGS_FILE}")
        return _login()

    def close(self) -> None:
        for engine in (self._engine, self._vault_engine):
            if engine is not None:
                engine.dispose()
        self._engine = self._vault_engine = self._write_engine = None
        self._sessions = self._write_sessions = None


def _project_sessions(engine: Engine, refresh: Callable[[Session], None]) -> sessionmaker[Session]:
    """Sessions on the coding database. On SQLite, every transaction brings the search
    posting lists up to date with the excerpts it changed before it commits, so they
    are not out of step with the text in a committed state (search_postings.py)."""
    sessions = session_factory(engine)
    if engine.dialect.name == "sqlite":
        event.listen(sessions, "before_commit", refresh)
    return sessions


def checked_coder_name(name: str, where: str) -> str:
    """A coder's name as given, or SettingsError naming where it came from."""
    if not name.strip():
        raise SettingsError(f"a coder's name cannot be empty (from {where})")
    if any(unicodedata.category(ch)[0] == "C" for ch in name):
        raise SettingsError(f"a coder's name cannot hold control characters (from {where})")
    if len(name) > CODER_NAME_MAX:
        raise SettingsError(f"a coder's name is at most {CODER_NAME_MAX} characters (from {where})")
    return name


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "unknown"


def find_project(explicit: str | os.PathLike[str] | None = None, start: Path | None = None) -> Path:
    """The project: explicit, $TESTIMONY_PROJECT, or the nearest folder up with testimony.yaml."""
    named = explicit or os.environ.get(ENV_PROJECT)
    if named:
        root = Path(named).expanduser()
        if not (root / SETTINGS_FILE).is_file():
            raise ProjectNotFound(f"{root} is not a testimony project (no {SETTINGS_FILE})")
        return root.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    raise ProjectNotFound(
        "not inside a testimony project (no testimony.yaml here or above); "
        "use --project DIR, set TESTIMONY_PROJECT, or run `testimony init DIR`"
    )


def init_project(
    folder: Path,
    database_url: str | None = None,
    name: str | None = None,
    passphrase: str | None = None,
) -> Project:
    """Make a project folder with project.db, a 0600 vault.db and a commented testimony.yaml.

    With a passphrase, the vault's text columns are encrypted from the start.
    """
    folder = folder.expanduser()
    if database_url:
        _check_new_database(database_url)  # before anything is made
    if (folder / SETTINGS_FILE).exists():
        raise ProjectExists(f"{folder} already holds a testimony project")
    if folder.exists() and not folder.is_dir():
        raise ProjectExists(f"{folder} exists and is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    vault_path = folder / "vault.db"
    if vault_path.exists() or (folder / PROJECT_DB).exists():
        raise ProjectExists(f"{folder} already holds a project.db or vault.db")
    # Create the vault file ourselves so it is never readable by others, not even briefly.
    create_private(vault_path)
    write_template(folder, name or folder.resolve().name)
    (folder / "allow-list.txt").write_text(ALLOW_FILE_HEADER, encoding="utf-8")
    if database_url:
        set_database_url(folder, database_url)
    project = Project.open(folder, database_url=database_url)
    engine = make_engine(sqlite_url(vault_path))
    try:
        ensure_schema(engine, "testimony.vault", "the vault")
        if passphrase:
            protection.start_protected(engine, passphrase)
        with Session(engine) as vs, vs.begin():
            protection.store_fingerprint_key(vs)
    finally:
        engine.dispose()
    if passphrase:
        project.ask_passphrase = lambda: passphrase
    with project.session() as s, s.begin():
        s.add(ProjectMeta(key="project_id", value=str(uuid.uuid4())))
        audit.append(s, project.actor(), "init", folder.resolve().name)
    return project


def _check_new_database(url: str) -> None:
    """Refuse a server database that cannot be reached or already holds a project."""
    from sqlalchemy import inspect, select

    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table(ProjectMeta.__tablename__):
                return
            held = connection.scalar(
                select(ProjectMeta.value).where(ProjectMeta.key == "project_id")
            )
    finally:
        engine.dispose()
    if held is not None:
        raise ProjectExists(
            f"{describe_url(url)} already holds a testimony project; to work on it, put its "
            "URL in your folder's testimony.yaml (database_url) or pass --db (see docs/team.md)"
        )


def set_database_url(folder: Path, url: str | None) -> None:
    """Point testimony.yaml's database_url at url (None: project.db), keeping its comments."""
    set_setting(folder, "database_url", url)


def set_setting(folder: Path, key: str, value: str | None) -> None:
    """Set one top-level key of testimony.yaml, keeping its comments."""
    path = folder / SETTINGS_FILE
    text = path.read_text(encoding="utf-8")
    shown = json.dumps(value)  # a double-quoted YAML scalar: '#', ':' or '?' stay as typed
    line = re.compile(rf"^{re.escape(key)}:.*$", re.MULTILINE)
    if line.search(text):
        text = line.sub(lambda _m: f"{key}: {shown}", text, count=1)
    else:
        text = text.rstrip("\n") + f"\n{key}: {shown}\n"
    path.write_text(text, encoding="utf-8")
