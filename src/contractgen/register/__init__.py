"""The contract register: drafts, generated contracts, their files and the library they came from.

Owns the database (SQLAlchemy 2 models in ``models``, Alembic migrations in ``migrations/``), the
content-addressed file store (``store``), contract numbers (``numbers``) and the units of work the
faces call (``drafts``, ``contracts``, ``generate``). Every unit of work runs in one transaction
(``with session.begin()``), so a failure leaves the database as it was; a contract is recorded only
once its files are stored, and a failed build leaves neither a row nor a file.

SQLite in the data folder is the default; a PostgreSQL URL (``postgresql+psycopg://…``) runs the
same code for teams.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from .db import make_engine, session_factory, upgrade
from .numbers import DEFAULT_PATTERN, check_pattern
from .store import FileStore

DATABASE_FILE = "register.sqlite3"


def default_data_dir() -> Path:
    """``$CONTRACTGEN_DATA_DIR``, else ``$XDG_DATA_HOME/contractgen``, else ``~/.local/share/contractgen``."""
    if os.environ.get("CONTRACTGEN_DATA_DIR"):
        return Path(os.environ["CONTRACTGEN_DATA_DIR"])
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "contractgen"


def default_database_url(data_dir: Path) -> str:
    """The embedded SQLite database inside the data folder."""
    return f"sqlite:///{Path(data_dir).resolve() / DATABASE_FILE}"


@dataclass
class Register:
    """One open register: its engine, sessions, file store and number pattern."""

    engine: Engine
    sessions: sessionmaker[Session]
    store: FileStore
    number_pattern: str = DEFAULT_PATTERN
    fingerprints: dict = field(default_factory=dict)
    """Library layer hashes already computed, by the library's folders."""
    password_hashing: dict | None = None
    """argon2-cffi ``PasswordHasher`` arguments; ``None``: its defaults (RFC 9106's second profile)."""


def open_register(data_dir: Path | None = None, database_url: str | None = None, *,
                  number_pattern: str = DEFAULT_PATTERN, migrate: bool = True,
                  password_hashing: dict | None = None) -> Register:
    """Open (and by default create or upgrade) the register in ``data_dir``."""
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    check_pattern(number_pattern)
    engine = make_engine(database_url or default_database_url(data_dir))
    if migrate:
        upgrade(engine)
    return Register(engine, session_factory(engine), FileStore(data_dir / "files"), number_pattern,
                    password_hashing=password_hashing)
