"""Concurrency (issue 6, part 3): serve the map while two ingests write to the same database.

``geomap serve`` on 127.0.0.1 and two ``geomap ingest`` processes (two workers each) over one
SQLite file; four reader threads poll the map, the article list and the API meanwhile.
benchmarks/faults.py runs the same scenario and prints the figures.
"""
from __future__ import annotations

import importlib.util
import re
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from geomap.store import connect, snapshot, writing

ROOT = Path(__file__).resolve().parent.parent


def _load_faults():
    spec = importlib.util.spec_from_file_location("faults_benchmark", ROOT / "benchmarks" / "faults.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


faults = _load_faults()


@pytest.fixture(scope="module")
def scenario(data_dir, tmp_path_factory):
    """Serve one database while two ingests write 120 articles each into it."""
    return faults.concurrency(tmp_path_factory.mktemp("concurrency"), data_dir, per_batch=120, readers=4,
                              max_seconds=240)


def test_two_ingests_store_every_article_once_while_the_map_is_served(scenario):
    assert scenario.ingest_exits == [0, 0], scenario.problems
    assert scenario.stored == scenario.expected == 240, scenario
    assert scenario.lost == 0 and scenario.duplicates == 0 and scenario.half_stored == 0, scenario


def test_readers_never_see_an_error_or_a_locked_database(scenario):
    assert scenario.reads >= 2 * len(faults.READ_PATHS), scenario  # every route was read while they wrote
    assert set(scenario.by_path) == set(faults.READ_PATHS), scenario.by_path
    assert scenario.locked == 0 and scenario.not_ok == 0, scenario.problems
    assert scenario.count_decreased == 0, scenario.problems  # a committed article never disappears


def test_every_read_is_consistent_within_itself(scenario):
    assert scenario.inconsistent == 0, scenario.problems


# -- the store's transactions, directly -----------------------------------------------

def test_a_snapshot_sees_one_state_while_a_writer_commits(tmp_path):
    engine = connect(f"sqlite:///{tmp_path / 'store.sqlite'}")
    with writing(engine) as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")
    with snapshot(engine) as reader:
        first = reader.exec_driver_sql("SELECT count(*) FROM t").scalar()
        with writing(engine) as writer:  # another connection commits in between
            writer.exec_driver_sql("INSERT INTO t VALUES (2)")
        assert reader.exec_driver_sql("SELECT count(*) FROM t").scalar() == first == 1
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == 2
    engine.dispose()


def test_a_writer_that_reads_first_waits_for_the_lock_instead_of_failing(tmp_path):
    """A deferred transaction that reads, then writes after another writer committed, fails at
    once with "database is locked" whatever the busy timeout; ``writing`` takes the lock first."""
    path = tmp_path / "store.sqlite"
    engine = connect(f"sqlite:///{path}")
    with writing(engine) as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")

    deferred = sqlite3.connect(path, timeout=5, isolation_level=None)
    other = sqlite3.connect(path, timeout=5, isolation_level=None)
    deferred.execute("BEGIN")
    deferred.execute("SELECT count(*) FROM t").fetchone()
    other.execute("INSERT INTO t VALUES (1)")  # commits after the deferred reader's snapshot
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        deferred.execute("INSERT INTO t VALUES (2)")  # what a plain engine.begin() would hit
    deferred.execute("ROLLBACK")

    with writing(engine) as conn:  # holds the write lock from BEGIN, before its first read
        seen = conn.exec_driver_sql("SELECT count(*) FROM t").scalar()
        impatient = sqlite3.connect(path, timeout=0.2, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            impatient.execute("INSERT INTO t VALUES (3)")  # a second writer queues (and here gives up)
        impatient.close()
        conn.exec_driver_sql(f"INSERT INTO t VALUES ({seen + 1})")  # never refused: the lock was ours
    with engine.connect() as conn:
        assert sorted(conn.exec_driver_sql("SELECT x FROM t").scalars()) == [1, 2]
    deferred.close()
    other.close()
    engine.dispose()


def test_openers_of_a_new_database_at_the_same_moment_all_open_it(tmp_path):
    """Switching a new database to WAL needs it to itself, and SQLite refuses at once ("database
    is locked", busy timeout or not) when two connections try together: two ingests started at
    the same moment on a new file. Four openers at a time (threads, a connection each), 30 new
    databases: before the retry about one round in six failed."""
    failures = []

    def open_it(path, barrier):
        barrier.wait()
        try:
            connect(f"sqlite:///{path}").dispose()
        except Exception as exc:  # noqa: BLE001 - collected and shown below
            failures.append(repr(exc))

    for round_ in range(30):
        path = tmp_path / f"new-{round_}.sqlite"
        barrier = threading.Barrier(4)
        openers = [threading.Thread(target=open_it, args=(path, barrier)) for _ in range(4)]
        for opener in openers:
            opener.start()
        for opener in openers:
            opener.join()
        check = sqlite3.connect(path)
        try:
            assert check.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        finally:
            check.close()  # "with sqlite3.connect()" only commits; it does not close
    assert failures == []


def test_two_ingests_of_the_same_files_store_each_article_once_and_both_succeed(data_dir, tmp_path):
    """Is it stored yet? and the insert are one locked step, so the loser sees "unchanged" instead of
    failing on the unique identity."""
    titles = faults.write_batch(tmp_path / "batch", 40, tag="same")
    db = tmp_path / "same.sqlite"
    command = faults.ingest_command(db, tmp_path / "batch", workers=1)
    env = faults.cli_env(data_dir)
    procs = [subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outputs = [proc.communicate(timeout=300) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], outputs
    added = [int(re.search(r"(\d+) added", out).group(1)) for out, _ in outputs]
    unchanged = [int(re.search(r"(\d+) unchanged", out).group(1)) for out, _ in outputs]
    assert sum(added) == 40 and [a + u for a, u in zip(added, unchanged)] == [40, 40], outputs
    health = faults.store_health(db)
    assert health.titles == set(titles) and health.duplicates == 0 and health.half_stored == 0, health
