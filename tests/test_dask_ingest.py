"""Geoparsing on Dask (``geomap ingest --dask``) on real articles, a real gazetteer and real
SQLite stores: a run on a two-worker LocalCluster stores exactly what a single-process run
stores, in the same order, and an unreachable scheduler is a one-line error that changes nothing.

One LocalCluster (two single-threaded worker processes) serves the module; the
``--dask local`` CLI test starts and stops its own, as a user's run does.
"""
from __future__ import annotations

import logging
import socket
import sqlite3
import time
from datetime import date
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner
from distributed import Client, LocalCluster, get_task_stream

import geomap.distributed
from geomap.cli import main
from geomap.distributed import BATCHES_PER_THREAD, MAX_BATCH, DaskUnavailable, geoparse_on_dask
from geomap.model import Article
from geomap.readers import iter_articles
from geomap.samples import sample_paths
from geomap.services import Failure, ingest
from geomap.store import connect

PARIS_FR = "gn:2988507"
PARIS_TX = "gn:4717560"  # Paris, Texas
TX_TEXT = "Storms hit Paris overnight. In Paris the mayor spoke to reporters from Tyler."

WRITTEN = [
    Article(title="Aid convoy reaches Kherson", origin="written-1", published=date(2025, 3, 2), source="Wire",
            text="An aid convoy reached Kherson on Sunday after crossing from Mykolaiv. "
                 "Officials in Odesa said a second convoy would leave for Zaporizhzhia on Tuesday."),
    Article(title="Port reopens", origin="written-2",
            text="The port of Hodeidah reopened to grain ships. Traders in Aden and Sanaa welcomed the news."),
    Article(title="Talks in Baku", origin="written-3", published=date(2025, 5, 9),
            text="Delegations from Armenia and Azerbaijan met in Baku. A follow-up round is planned in Tbilisi, "
                 "Georgia, and observers from Moscow and Ankara attended."),
    Article(title="No places here", origin="written-4", text="The committee adjourned without a vote."),
    Article(title="Paris, Texas", origin="written-5", text=TX_TEXT),
    Article(title="Floods in Sudan", origin="written-6",
            text="Floods cut the road between Khartoum and Port Sudan. Aid agencies in El Fasher and Nyala "
                 "warned of shortages across Darfur."),
]


def _items() -> list:
    """Samples, written texts, a reader's failure, an article whose geoparsing fails, and a
    repeat (stored once, then 'unchanged': the order decides which)."""
    samples = [a for a in iter_articles([str(p) for p in sample_paths()]) if isinstance(a, Article)]
    assert len(samples) == 6
    not_text = Article(title="Undecoded", origin="broken-reader", text=b"Kyiv and Lviv")  # a reader's bug
    return [*samples[:3], WRITTEN[0], Failure("feed.jsonl:3", "not valid JSON"), *samples[3:], not_text,
            *WRITTEN[1:], samples[0]]


@pytest.fixture(scope="module")
def dask_client():
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                           scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}, silence_logs=logging.CRITICAL)
    with cluster, Client(cluster, set_as_default=False) as client:
        yield client


def _store(tmp_path: Path, name: str):
    return connect(f"sqlite:///{tmp_path / name}")


def _dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of the geoparse's tables in id order, without ingest timestamps."""
    conn = sqlite3.connect(path)
    try:
        dump = {}
        for table in ("articles", "passages", "places", "mentions"):
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})") if row[1] != "ingested_at"]
            dump[table] = conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id").fetchall()
        return dump
    finally:
        conn.close()


def _geoparse_workers(client: Client) -> set[str]:
    with_plugin = client.run(lambda dask_worker: [n for n in dask_worker.plugins if n.startswith("geomap-")])
    return {address for address, names in with_plugin.items() if names}


# ---------------------------------------------------------------------------
# the same store as a single-process run


def test_a_dask_run_stores_exactly_what_a_single_process_run_stores(dask_client, data_dir, tmp_path):
    local_engine, dask_engine = _store(tmp_path, "local.sqlite"), _store(tmp_path, "dask.sqlite")
    local = ingest(local_engine, _items(), workers=1, data_dir=data_dir)
    with get_task_stream(dask_client) as tasks:
        on_dask = ingest(dask_engine, _items(), data_dir=data_dir, dask=dask_client)

    assert (local.added, local.unchanged, local.failed) == (12, 1, 2)
    for field in ("added", "updated", "unchanged", "failed", "mentions", "place_ids", "article_ids"):
        assert getattr(on_dask, field) == getattr(local, field), field
    # Readers' failures travel with the articles, so they are reported in the same order too.
    assert list(map(vars, on_dask.failures)) == list(map(vars, local.failures))
    assert {"origin": "broken-reader", "reason": "geoparsing failed: TypeError: geoparse expects text as str, "
                                                 "got bytes"} in map(vars, on_dask.failures)

    local_rows, dask_rows = _dump(tmp_path / "local.sqlite"), _dump(tmp_path / "dask.sqlite")
    assert len(local_rows["mentions"]) > 50 and len(local_rows["articles"]) == 12
    for table in local_rows:
        assert dask_rows[table] == local_rows[table], table
    # Both workers geoparsed, and each run frees the workers' gazetteers at its end.
    batches = [t for t in tasks.data if str(t["key"]).startswith("_geoparse_batch")]
    assert len({t["worker"] for t in batches}) == 2
    assert not _geoparse_workers(dask_client)


def test_worker_processes_store_exactly_what_a_single_process_stores(data_dir, tmp_path):
    """The process pool keeps two windows in flight (one parsed while the other is stored):
    over several windows, with failures among them, the store is still the same."""
    many = [Article(title=f"{a.title} {i}", origin=f"{a.origin}-{i}", published=a.published,
                    text=f"{a.text} Report {i}.") for i in range(30) for a in WRITTEN]  # 180: three windows
    many[40:40] = [Failure("feed.jsonl:9", "not valid JSON")]
    runs = {}
    for workers in (1, 2):
        engine = _store(tmp_path, f"w{workers}.sqlite")
        runs[workers] = ingest(engine, many, workers=workers, data_dir=data_dir)
        engine.dispose()
    assert (runs[1].added, runs[1].failed) == (180, 1)
    assert runs[2].article_ids == runs[1].article_ids and list(map(vars, runs[2].failures)) == \
        list(map(vars, runs[1].failures))
    assert _dump(tmp_path / "w2.sqlite") == _dump(tmp_path / "w1.sqlite")


def test_workers_rank_with_the_preferences_learned_from_corrections(dask_client, data_dir):
    article = Article(title="Paris", text=TX_TEXT, origin="tx")
    preferences = {"paris": {PARIS_TX: 2}}
    [(_, plain, _)] = geoparse_on_dask([article], dask_client, data_dir=data_dir)
    [(_, learned, _)] = geoparse_on_dask([article], dask_client, data_dir=data_dir, preferences=preferences)
    assert {m.place.key for m in plain if m.text == "Paris"} == {PARIS_FR}
    assert {m.place.key for m in learned if m.text == "Paris"} == {PARIS_TX}


# ---------------------------------------------------------------------------
# order and the bounded window


def _numbered(count: int, pulled: list[int]):
    for i in range(count):
        pulled[0] += 1
        yield Article(title=f"Day {i}", text=f"Day {i}: shelling hit Kharkiv and Izium.", origin=f"day-{i}")


def test_results_come_back_in_input_order_without_reading_the_input_ahead(dask_client, data_dir):
    pulled, ahead, origins = [0], [], []
    for article, found, _ in geoparse_on_dask(_numbered(300, pulled), dask_client, data_dir=data_dir):
        origins.append(article.origin)
        ahead.append(pulled[0] - len(origins))
        assert [m.text for m in found] == ["Kharkiv", "Izium"]
    assert origins == [f"day-{i}" for i in range(300)]
    # At most a window of full batches (and the one being handed back) is read ahead, however long the input.
    assert max(ahead) <= MAX_BATCH * (BATCHES_PER_THREAD * 2 + 1)


def test_stopping_early_cancels_the_work_and_frees_the_workers(dask_client, data_dir):
    pulled = [0]
    results = geoparse_on_dask(_numbered(10_000, pulled), dask_client, data_dir=data_dir)
    first = [next(results) for _ in range(3)]
    assert len(_geoparse_workers(dask_client)) == 2  # loaded once per worker, for the run
    results.close()
    assert [a.origin for a, _, _ in first] == ["day-0", "day-1", "day-2"]
    assert pulled[0] <= MAX_BATCH * (BATCHES_PER_THREAD * 2 + 1)
    assert not _geoparse_workers(dask_client)
    deadline = time.monotonic() + 5
    while dask_client.processing() and any(dask_client.processing().values()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(dask_client.processing().values())


# ---------------------------------------------------------------------------
# the CLI


@pytest.fixture
def runner(geomap_env, monkeypatch):
    monkeypatch.delenv("GEOMAP_DB", raising=False)
    return CliRunner()


def _children() -> set[int]:
    """This process's live descendants."""
    alive = set()
    for child in psutil.Process().children(recursive=True):
        try:
            if child.status() != psutil.STATUS_ZOMBIE:
                alive.add(child.pid)
        except psutil.NoSuchProcess:  # ended while we looked
            pass
    return alive


def test_cli_ingest_on_a_local_cluster(runner, tmp_path):
    samples = [str(p) for p in sample_paths()]
    before = _children()
    on_dask = runner.invoke(main, ["ingest", *samples, "--db", str(tmp_path / "dask.sqlite"), "--dask", "local"])
    assert on_dask.exit_code == 0, on_dask.output
    local = runner.invoke(main, ["ingest", *samples, "--db", str(tmp_path / "local.sqlite"), "--workers", "1"])
    assert local.exit_code == 0, local.output

    assert on_dask.stdout.startswith("6 added, 0 updated, 0 unchanged, 0 failed; ")
    assert on_dask.stdout.split(" in ")[0] == local.stdout.split(" in ")[0]  # all but the seconds
    assert on_dask.stderr == ""  # no Dask log lines around the summary
    assert _dump(tmp_path / "dask.sqlite") == _dump(tmp_path / "local.sqlite")
    # The LocalCluster's processes are gone once the command returns.
    deadline = time.monotonic() + 10
    while _children() - before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _children() - before


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cli_unreachable_scheduler_is_a_one_line_error_and_changes_nothing(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(geomap.distributed, "CONNECT_TIMEOUT", 1.0)
    db = tmp_path / "store.sqlite"
    first, second = (str(p) for p in sample_paths()[:2])
    assert runner.invoke(main, ["ingest", first, "--db", str(db)]).exit_code == 0
    stored = _dump(db)

    address = f"tcp://127.0.0.1:{_unused_port()}"
    started = time.monotonic()
    result = runner.invoke(main, ["ingest", second, "--db", str(db), "--dask", address])
    assert result.exit_code == 1
    assert time.monotonic() - started < 10
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: cannot reach the Dask scheduler at {address}: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert _dump(db) == stored


def test_a_scheduler_that_never_answers_times_out(data_dir, monkeypatch):
    monkeypatch.setattr(geomap.distributed, "CONNECT_TIMEOUT", 0.5)
    with socket.socket() as silent:  # accepts connections, never speaks
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        address = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(DaskUnavailable, match=f"cannot reach the Dask scheduler at {address}: no answer"):
            list(geoparse_on_dask([WRITTEN[0]], address, data_dir=data_dir))
