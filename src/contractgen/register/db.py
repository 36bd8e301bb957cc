"""Connecting to the register's database and bringing its schema up to date (Alembic, ``migrations/``).

SQLite (the default, a file in the data folder) is opened in WAL mode with a busy timeout and
foreign keys on, so concurrent requests wait for each other instead of failing; PostgreSQL is used
as it comes (``postgresql+psycopg://…``). JSON is written with ``ensure_ascii=False`` everywhere.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_MS = 60_000


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=False)


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the register's settings for its database."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, json_serializer=_json, connect_args={"timeout": SQLITE_BUSY_MS / 1000})
        event.listen(engine, "connect", _sqlite_settings)
        return engine
    return create_engine(url, json_serializer=_json, pool_pre_ping=True)


def _sqlite_settings(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def alembic_config(engine: Engine):  # -> alembic.config.Config
    """Alembic's configuration for our migrations, run on ``engine`` (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or update the schema to ``revision``."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def upsert_ignoring(session: Session, model: type, **values: Any) -> Any:
    """``INSERT … ON CONFLICT DO NOTHING`` of one row, in the session's database dialect."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model).values(**values).on_conflict_do_nothing()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded rows usable after commit (pages render them after the unit of work)."""
    return sessionmaker(engine, expire_on_commit=False)
