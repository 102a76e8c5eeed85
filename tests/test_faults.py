"""Faults (issue 6, part 2): SIGKILL mid-batch, a full disk, a read-only database, a damaged gazetteer.

Real processes (``python -m geomap.cli``), real SQLite files, the session's gazetteer.
The kill scenario is benchmarks/faults.py's, run smaller; that script prints the figures.
"""
from __future__ import annotations

import ctypes
import importlib.util
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from gazetteer import Gazetteer, GazetteerError
from gazetteer import build as gazetteer_build
from geomap.config import database_url
from geomap.readers import iter_articles
from geomap.services import ingest
from geomap.store import connect

ROOT = Path(__file__).resolve().parent.parent


def _load_faults():
    spec = importlib.util.spec_from_file_location("faults_benchmark", ROOT / "benchmarks" / "faults.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


faults = _load_faults()


def _geomap(args: list[str], data_dir: Path, *, preexec_fn=None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geomap.cli", *map(str, args)], env=faults.cli_env(data_dir),
                          cwd=ROOT, capture_output=True, text=True, preexec_fn=preexec_fn, timeout=timeout)


def _assert_one_clear_error(result: subprocess.CompletedProcess, db: Path, *fragments: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert str(db) in errors[0], errors[0]
    for fragment in fragments:
        assert fragment in errors[0], errors[0]


# -- SIGKILL at random points ---------------------------------------------------------

def test_sigkill_at_random_points_loses_nothing_and_a_rerun_completes_the_batch(data_dir, tmp_path):
    figures = faults.kill_cycle(tmp_path, data_dir, articles=200, kills=5, seed=faults.SEED)
    report = repr(figures)
    assert figures.kills == 5 and figures.killed_while_running == 5, report
    # Every kill left a database that opens clean (integrity_check ok, foreign keys hold) with
    # no half-stored article; the kills fell in start-up as well as mid-write.
    assert figures.clean_opens == figures.kills, report
    assert figures.half_stored == 0 and figures.duplicates == 0, report
    assert "startup" in figures.phases and "mid-write" in figures.phases, report
    assert figures.leftover_workers == 0, report  # the pool's workers die with the ingest
    assert figures.rerun_exit == 0, report
    assert figures.stored_after_rerun == figures.expected == 200 and figures.lost == 0, report


# -- a full disk -----------------------------------------------------------------------

def _ingest_first(geoparser, tmp_path: Path, db: Path, n: int = 10) -> set[str]:
    """Store ``n`` articles in ``db`` (in this process: quicker than the CLI) before the fault."""
    titles = faults.write_batch(tmp_path / "first", n, tag="first")
    engine = connect(database_url(db))
    summary = ingest(engine, iter_articles([str(tmp_path / "first")]), parser=geoparser)
    engine.dispose()
    assert summary.added == n, summary.line()
    return set(titles)


def _file_size_limit(limit: int):
    def apply() -> None:
        # A process over RLIMIT_FSIZE gets SIGXFSZ (which kills it) unless it ignores it: then
        # the write fails with EFBIG, what SQLite sees when the disk is full.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_file_size_limit_mid_batch_stops_with_one_clear_error_and_keeps_what_was_stored(data_dir, geoparser,
                                                                                             tmp_path):
    db = tmp_path / "store.sqlite"
    first = _ingest_first(geoparser, tmp_path, db)
    later = faults.write_batch(tmp_path / "later", 60, tag="later")
    stored_bytes = max(path.stat().st_size for path in tmp_path.glob("store.sqlite*"))

    limited = _geomap(["ingest", "--workers", "1", "--db", db, tmp_path / "later"], data_dir,
                      preexec_fn=_file_size_limit(stored_bytes + 200_000))
    _assert_one_clear_error(limited, db, "cannot use the database", "disk")
    assert "stay stored" in limited.stderr  # it got some way before the limit
    health = faults.store_health(db)
    assert health.opened and health.foreign_key_violations == 0 and health.half_stored == 0, health
    assert first <= health.titles and len(first) < health.articles < len(first) + len(later), health

    rerun = _geomap(["ingest", "--workers", "1", "--db", db, tmp_path / "later"], data_dir)
    assert rerun.returncode == 0, rerun.stderr
    health = faults.store_health(db)
    assert health.titles == first | set(later) and health.half_stored == 0 and health.duplicates == 0, health


@contextmanager
def _small_tmpfs(directory: Path, size: str):
    """A tmpfs of ``size`` mounted on ``directory`` (root only), unmounted afterwards."""
    directory.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:  # mounting needs root with the right to mount
        pytest.skip(f"cannot mount the small tmpfs to fill (run as root to test it): {mounted.stderr.strip()}")
    try:
        yield directory
    finally:
        subprocess.run(["umount", "-l", str(directory)], capture_output=True)


def test_a_full_disk_stops_with_one_clear_error_and_keeps_what_was_stored(data_dir, geoparser, tmp_path):
    with _small_tmpfs(tmp_path / "disk", "1m") as disk:
        db = disk / "store.sqlite"
        first = _ingest_first(geoparser, tmp_path, db, n=3)
        later = faults.write_batch(tmp_path / "later", 600, tag="later")  # more than the 1 MB disk holds
        full = _geomap(["ingest", "--workers", "1", "--db", db, tmp_path / "later"], data_dir)
        _assert_one_clear_error(full, db, "the disk is full", "free some space")
        health = faults.store_health(db)
        assert health.opened and health.half_stored == 0 and first <= health.titles, health
        assert health.articles < len(first) + len(later)
        # Reading still works on the full disk.
        listed = _geomap(["articles", "--db", db], data_dir)
        assert listed.returncode == 0 and len(listed.stdout.splitlines()) == health.articles, listed.stderr


# -- a read-only database ------------------------------------------------------------

def _without_file_permission_override() -> None:
    """Make a root process obey file permissions, as any other user would (drop CAP_DAC_OVERRIDE
    and CAP_DAC_READ_SEARCH from the bounding set before exec; a no-op for other users)."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def test_a_read_only_database_file_refuses_writes_clearly_and_still_serves_reads(data_dir, geoparser, tmp_path):
    try:
        subprocess.run(["true"], preexec_fn=_without_file_permission_override, check=True)
    except (subprocess.SubprocessError, OSError):
        # Root may write any file: without giving that right up, a read-only file cannot be simulated.
        pytest.skip("runs as root, which writes read-only files anyway: run as an ordinary user to test this")
    db = tmp_path / "store.sqlite"
    first = _ingest_first(geoparser, tmp_path, db, n=3)
    faults.write_batch(tmp_path / "later", 3, tag="later")
    db.chmod(0o444)  # a database another user owns, or one copied from a read-only share
    try:
        for command in (["ingest", "--workers", "1", tmp_path / "later"], ["reprocess"]):
            refused = _geomap([*command, "--db", db], data_dir, preexec_fn=_without_file_permission_override)
            _assert_one_clear_error(refused, db, "read-only", "attempt to write a readonly database")
        listed = _geomap(["articles", "--json", "--db", db], data_dir, preexec_fn=_without_file_permission_override)
        assert listed.returncode == 0 and len(listed.stdout.splitlines()) == len(first), listed.stderr
    finally:
        db.chmod(0o644)
    assert faults.store_health(db).titles == first


def test_a_database_on_a_read_only_mount_refuses_writes_clearly_and_is_still_read(data_dir, geoparser, tmp_path):
    with _small_tmpfs(tmp_path / "mount", "4m") as mount:
        db = mount / "store.sqlite"
        first = _ingest_first(geoparser, tmp_path, db, n=3)
        remounted = subprocess.run(["mount", "-o", "remount,ro", str(mount)], capture_output=True, text=True)
        assert remounted.returncode == 0, remounted.stderr
        faults.write_batch(tmp_path / "later", 3, tag="later")
        refused = _geomap(["ingest", "--workers", "1", tmp_path / "later", "--db", db], data_dir)
        _assert_one_clear_error(refused, db, "read-only")
        # SQLite cannot create a WAL database's -shm file there, even to read: the store reads it as immutable.
        listed = _geomap(["articles", "--json", "--db", db], data_dir)
        assert listed.returncode == 0, listed.stderr
        assert {json.loads(line)["title"] for line in listed.stdout.splitlines()} == first


def test_a_file_that_is_not_a_database_is_reported_for_every_command(data_dir, tmp_path):
    db = tmp_path / "notes.sqlite"
    db.write_bytes(b"these are my notes, not a database\n" * 200)
    for command in (["articles"], ["export"], ["ingest", "-"], ["corrections", "list"]):
        result = _geomap([*command, "--db", db], data_dir)
        _assert_one_clear_error(result, db, "not a SQLite database")
    assert db.read_bytes().startswith(b"these are my notes")  # left as it was


# -- a damaged gazetteer -----------------------------------------------------------------

def _copy_build(source: Path, target: Path) -> Path:
    target.mkdir()
    for name in (gazetteer_build.DB_NAME, gazetteer_build.AUTOMATON_NAME):
        shutil.copyfile(source / name, target / name)
    return target


def _truncate(path: Path, keep: float) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(int(path.stat().st_size * keep))


def _overwrite(path: Path, at: float, garbage: bytes = b"\xde\xad\xbe\xef" * 1024) -> None:
    with open(path, "r+b") as handle:
        handle.seek(int(path.stat().st_size * at))
        handle.write(garbage)


def _drop_meta(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE meta")
    conn.commit()
    conn.close()


DAMAGE = {
    "automaton truncated": (gazetteer_build.AUTOMATON_NAME, lambda p: _truncate(p, 0.5), "automaton"),
    "automaton bytes overwritten": (gazetteer_build.AUTOMATON_NAME, lambda p: _overwrite(p, 0.6), "SHA-256"),
    "automaton emptied": (gazetteer_build.AUTOMATON_NAME, lambda p: _truncate(p, 0), "automaton"),
    "database truncated": (gazetteer_build.DB_NAME, lambda p: _truncate(p, 0.7), "truncated"),
    "database overwritten with garbage": (gazetteer_build.DB_NAME, lambda p: p.write_bytes(os.urandom(8192)),
                                          "not a SQLite database"),
    "database pages overwritten": (gazetteer_build.DB_NAME, lambda p: _overwrite(p, 0.5), "damaged (quick_check"),
    "meta table deleted": (gazetteer_build.DB_NAME, _drop_meta, "no such table: meta"),
    "database missing": (gazetteer_build.DB_NAME, lambda p: p.unlink(), "no gazetteer built"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_gazetteer_is_detected_never_used(data_dir, tmp_path, damage):
    name, apply, reason = DAMAGE[damage]
    copy = _copy_build(data_dir, tmp_path / "gz")
    Gazetteer.open(copy, build_if_missing=False).close()  # the intact copy opens
    apply(copy / name)
    with pytest.raises(GazetteerError, match="run `geomap gazetteer build`") as raised:
        Gazetteer.open(copy, build_if_missing=False)
    assert reason in str(raised.value) and "\n" not in str(raised.value)


def test_a_damaged_gazetteer_and_an_interrupted_build_are_rebuilt_and_the_cli_says_so(data_dir, tmp_path):
    copy = _copy_build(data_dir, tmp_path / "gz")
    stale = [copy / f"{gazetteer_build.DB_NAME}.99999.tmp", copy / f"{gazetteer_build.AUTOMATON_NAME}.99999.tmp"]
    for path in stale:  # what a build killed half-way leaves
        path.write_bytes(b"half a build")
    _truncate(copy / gazetteer_build.AUTOMATON_NAME, 0.5)

    result = subprocess.run(
        [sys.executable, "-m", "geomap.cli", "geoparse", "-"], input="Shelling was reported in Kharkiv.",
        env=faults.cli_env(copy), cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "automaton" in result.stderr and "damaged" in result.stderr and "rebuilding it" in result.stderr
    assert "interrupted build" in result.stderr
    assert '"name": "Kharkiv"' in result.stdout
    assert not any(path.exists() for path in stale)
    Gazetteer.open(copy, build_if_missing=False).close()  # the rebuilt one passes every check
