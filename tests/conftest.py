"""Shared fixtures: the real default gazetteer, built once per test session."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from gazetteer import Gazetteer, build_gazetteer
from geomap.pipeline import Geoparser

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EVAL = SHARED / "eval"


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    """A data directory holding a freshly built default gazetteer."""
    directory = tmp_path_factory.mktemp("geomap-data")
    build_gazetteer(directory)
    return directory


@pytest.fixture(scope="session")
def gazetteer(data_dir) -> Gazetteer:
    return Gazetteer.open(data_dir, build_if_missing=False)


@pytest.fixture(scope="session")
def geoparser(gazetteer) -> Geoparser:
    return Geoparser(gazetteer)


@pytest.fixture
def geomap_env(data_dir, monkeypatch) -> Path:
    """Point GEOMAP_DATA_DIR at the session's gazetteer, for CLI tests."""
    monkeypatch.setenv("GEOMAP_DATA_DIR", str(data_dir))
    return data_dir


def shared_file(*parts: str) -> Path:
    """A file from ../shared, or skip the test with the reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared data absent: {path} (the gold corpora live beside the repo in CI)")
    return path


def ingested_store(directory: Path, parser: Geoparser, items: list, *, url: str | None = None) -> str:
    """The URL of a new store (SQLite in ``directory`` unless ``url`` names an empty database)
    holding ``items`` (Articles) geoparsed by ``parser``; fails the test unless every one was stored."""
    from geomap.services import ingest
    from geomap.store import connect

    url = url or f"sqlite:///{directory / 'store.sqlite'}"
    engine = connect(url)
    summary = ingest(engine, items, parser=parser)
    assert summary.added == len(items) and not summary.failed, summary.line()
    engine.dispose()
    return url


# -- both store backends ---------------------------------------------------------------

POSTGRES_ENV = "GEOMAP_TEST_POSTGRES"


class PostgresServer:
    """A PostgreSQL server the tests may create databases on (one per test, dropped after).

    Each new database is a copy of a template that already has PostGIS, which is much
    faster than installing the extension every time."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.url = make_url(url)
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
        self.template = f"geomap_template_{uuid.uuid4().hex[:8]}"
        self._execute(f'CREATE DATABASE "{self.template}" ENCODING \'UTF8\' TEMPLATE template0')
        template = create_engine(self.url.set(database=self.template))
        with template.begin() as conn:
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
        template.dispose()

    def _execute(self, statement: str) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(statement)

    def new_database(self) -> str:
        name = f"geomap_test_{uuid.uuid4().hex[:12]}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        self._execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def close(self) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_server():
    """The server named by GEOMAP_TEST_POSTGRES; CI always sets it (``.ci/postgres``)."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        # `bash .ci/postgres` starts a server and prints its URL; CI always sets the variable.
        pytest.skip("no PostgreSQL server: set GEOMAP_TEST_POSTGRES to the URL `bash .ci/postgres` prints")
    try:
        server = PostgresServer(url)
    except Exception as exc:  # set but unusable: a broken setup must fail, not quietly skip
        pytest.fail(f"{POSTGRES_ENV} is set but PostgreSQL cannot be used: {exc}")
    yield server
    server.close()


BACKENDS = ["sqlite", "postgresql"]


class StoreUrls:
    """``urls(name="store")``: the URL of an empty database on one backend, the same URL
    each time for the same name; ``backend`` says which."""

    def __init__(self, backend: str, directory: Path, server: PostgresServer | None):
        self.backend, self.directory, self.server = backend, directory, server
        self.urls: dict[str, str] = {}

    def __call__(self, name: str = "store") -> str:
        if name not in self.urls:
            self.urls[name] = (self.server.new_database() if self.server
                               else f"sqlite:///{self.directory / (name + '.sqlite')}")
        return self.urls[name]

    def drop_all(self) -> None:
        for url in self.urls.values() if self.server else ():
            self.server.drop(url)


def _store_urls(request, directory: Path):
    server = request.getfixturevalue("postgres_server") if request.param == "postgresql" else None
    urls = StoreUrls(request.param, directory, server)
    yield urls
    urls.drop_all()


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path):
    """Empty databases for one test; a test taking this runs on SQLite and on PostgreSQL."""
    yield from _store_urls(request, tmp_path)


@pytest.fixture(scope="module", params=BACKENDS)
def module_store_url(request, tmp_path_factory):
    """``store_url`` for a module's shared store: the module runs once per backend."""
    yield from _store_urls(request, tmp_path_factory.mktemp("store"))
