"""Alembic, driven from code: bring a database to the newest schema, refuse newer ones."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from testimony.errors import SchemaError


def _config(package: str, engine: Engine) -> Config:
    location = Path(str(resources.files(package).joinpath("migrations")))
    config = Config()
    config.set_main_option("script_location", str(location))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(package: str, engine: Engine) -> str:
    return ScriptDirectory.from_config(_config(package, engine)).get_current_head() or ""


def ensure_schema(engine: Engine, package: str, what: str) -> bool:
    """Upgrade the database to head if it is older; refuse if it is newer. True if upgraded."""
    config = _config(package, engine)
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    current = current_revision(engine)
    if current == head:
        return False
    if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
        raise SchemaError(
            f"{what} was made by a newer version of testimony (schema {current}); "
            "upgrade testimony to open it"
        )
    command.upgrade(config, "head")
    return True
