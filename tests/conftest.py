"""Shared test set-up: messages in English unless a test asks for Chinese (``i18n.use_language``); the
throwaway PostgreSQL cluster, registers on SQLite and PostgreSQL, and the web app on each."""

from __future__ import annotations

import itertools
import os

import pytest
from hypothesis import settings

from tests import pg_cluster

# No property test has a deadline: how fast an input is handled is a benchmark's question, and on two
# busy cores (make test runs two workers) an example may take longer than hypothesis's 200 ms default.
settings.register_profile("contractgen", deadline=None)
settings.load_profile("contractgen")

# The tests assert what a user of LANG=C sees; a developer's zh_CN locale must not change that.
os.environ["CONTRACTGEN_LANG"] = "en"

_databases = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_cluster():
    """The session's PostgreSQL cluster (started on first use, stopped at the end of the session)."""
    reason = pg_cluster.missing_reason()
    if reason:
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    cluster = pg_cluster.start()
    yield cluster
    pg_cluster.stop(cluster)


@pytest.fixture
def postgres_url(postgres_cluster):
    """A fresh, empty database in the session's cluster."""
    from sqlalchemy import create_engine, text

    name = f"t{next(_databases)}"
    admin = create_engine(postgres_cluster.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\''))
    admin.dispose()
    return postgres_cluster.url(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """An empty database of each kind the register runs on."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'register.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def app(tmp_path, database_url):
    """The web app (``tests.web_helpers.make_app``) on a fresh database of each kind."""
    from tests.web_helpers import make_app

    app = make_app(tmp_path / "data", DATABASE_URL=database_url)
    yield app
    app.extensions["contractgen.register"].engine.dispose()
