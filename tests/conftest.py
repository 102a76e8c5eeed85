"""Shared fixtures: the real default gazetteer, built once per test session."""
from __future__ import annotations

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


def ingested_store(directory: Path, parser: Geoparser, items: list) -> str:
    """The URL of a new SQLite store in ``directory`` holding ``items`` (Articles) geoparsed
    by ``parser``; fails the test unless every one was stored."""
    from geomap.services import ingest
    from geomap.store import connect

    url = f"sqlite:///{directory / 'store.sqlite'}"
    engine = connect(url)
    summary = ingest(engine, items, parser=parser)
    assert summary.added == len(items) and not summary.failed, summary.line()
    engine.dispose()
    return url
