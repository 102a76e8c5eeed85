"""Scale: ingest throughput with 1 process, 2 processes and Dask, and map-query latency at ~1M mentions
on SQLite and PostgreSQL, with the arithmetic of how ingest extrapolates to a cluster.

1. Generates ``--articles`` news-like articles (default 100,000 of ~2 KB: 250-450 words, ~25 place
   mentions each, dated over one year, every one a distinct identity), deterministically, like
   benchmarks/ingest.py (the bundled samples' sentences with their place names swapped for gazetteer
   places), as one JSON Lines file in a temp dir, in a child process.
2. Ingest: three runs, each into a fresh SQLite store and in a fresh child process (so memory peaks are
   independent): ``ingest(engine, iter_articles(file), workers=1)``, ``workers=2`` and ``dask="local"``
   (a LocalCluster of one worker per core: 2 here; reported as skipped when geomap.services.ingest has
   no ``dask=`` parameter). Prints articles/s, MB/s (UTF-8 text), mentions stored and peak RSS of each,
   and whether all stores hold the same number of mentions. Each time includes reading the file and
   loading the gazetteer in each worker. Stopwatches (wall and thread CPU) go around the write
   transactions in every run (``geomap.services.writing`` is wrapped in the child), and in the
   1-process run ``ingest`` gets its own geoparser (built inside the timed span, as ``workers=1`` does)
   wrapped in one too, which splits that run into gazetteer load, reading, geoparsing and writing
   (save_article, corrections, one commit per article).
3. Queries at ~``--mentions`` mentions (default 1,000,000): a copy of an ingest store, fitted to the
   target: its first articles only when it holds more, topped up with copies of its articles (new ids
   and identities, dates shifted within the year) when fewer, in a few big INSERT ... SELECTs; then
   ANALYZE (geomap.store.refresh_statistics). For PostgreSQL (``--postgres`` or GEOMAP_TEST_POSTGRES, a
   server URL; skipped with the reason when absent or unreachable) a fresh database ``--pg-database``
   (default geomap_scale; dropped and created, and dropped again at the end unless ``--keep-postgres``)
   is migrated by ``geomap.store.connect`` and the SQLite rows are COPYed in (articles, passages,
   places, mentions, keeping ids; only the columns both sides have, so generated columns such as a
   PostGIS geometry fill themselves), the id sequences are reset and it is VACUUM ANALYZEd (after a
   bulk load the visibility map is what lets the covering indexes answer alone; autovacuum would do the
   same later).
   Then on each backend, median of ``--repeat`` runs (default 7) after one warm-up, each output fully
   consumed, with the places/cells and mentions each selects:
     map: all places          /api/places.geojson?_mentions=0: iter_geojson(Filters(), mentions_per_place=0)
     map: count all           count_places(Filters()): what the API runs first when the map sends its zoom
     map: all, cells z3       iter_cells_geojson(Filters(), zoom=3): what it sends back above MAP_MAX_POINTS
     map: month               one month (the median article's), places
     map: month + country     that month and one country (default the most mentioned), places
     bbox: count              count_places in ``--bbox`` (default 22,44,41,53: Ukraine and around)
     bbox: places             iter_geojson in the bbox
     bbox: cells z4           iter_cells_geojson in the bbox at zoom 4
     popup                    /api/places/<id>/mentions.json: the busiest place's 3 newest mentions
4. Extrapolation, from the stopwatches and CPU seconds (getrusage of the child and of its waited-for
   workers): the per-core geoparse rate p and the writer's rate W alone (1-process run: 1 process
   = 1 / (1/p + 1/W)); for the parallel runs the serial time per article s in the main process (its
   CPU: reading, handing out, taking results back, writing; plus the writer's I/O waits) and the
   parallel CPU per article c in the workers (geoparsing and (de)serialising, the gazetteer loads
   taken out). CPU seconds, because on 2 shared cores wall time also counts waiting for a core.
   N workers on their own cores and the client on its own go at min(N / c, 1 / s) articles/s: the
   serial client is the limit from N* = c / s workers. ``--pg-ingest`` adds a 1-process run into
   PostgreSQL (database geomap_scale_ingest) for its writer's rate, and the same arithmetic with it.

Not a test: it prints numbers. On this 2-core machine the 2-process and Dask runs share the two
cores with the writer (and with anything else running), so their wall times are pessimistic; the
arithmetic uses CPU seconds for that reason.

    python benchmarks/scale.py                                   # 100,000 articles, 1,000,000 mentions
    python benchmarks/scale.py --articles 2000 --mentions 50000  # about a minute
    python benchmarks/scale.py --postgres postgresql://geomap:geomap@127.0.0.1:5432/geomap --pg-ingest
    GEOMAP_TEST_POSTGRES=postgresql://... python benchmarks/scale.py --json > scale.json
    python benchmarks/scale.py --skip-ingest --mentions 200000 --postgres ''   # queries only, SQLite only
"""
from __future__ import annotations

import argparse
import inspect
import io
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import date, timedelta
from pathlib import Path

from ingest import mention_cutoffs, peak_mb, rebuild_place_stats, write_corpus as ingest_corpus  # benchmarks/ is on sys.path

SEED = 20261126
YEAR_START = date(2025, 1, 1)
DEFAULT_BBOX = "22,44,41,53"  # Ukraine, Moldova, Romania and around
POPUP_MENTIONS = 3  # the app's POPUP_PASSAGES
COPY_ROWS = 50_000  # rows per COPY buffer
CORE_TABLES = ("articles", "passages", "places", "mentions")  # in foreign-key order


# -- the corpus -----------------------------------------------------------------------

def write_corpus(path: Path, n: int, data_dir: Path) -> dict:
    """Write ``n`` articles of 250-450 words, dated over one year, as JSON Lines; return their
    counts and text bytes (benchmarks/ingest.py's generator, shorter articles)."""
    return ingest_corpus(path, n, data_dir, seed=SEED, chars=(1500, 2700), dated_share=0.97,
                         pick_date=lambda rng, i: YEAR_START + timedelta(days=rng.randrange(365)),
                         url_base="https://scale.example.org/news/", ref="S{:06d}")


# -- the measured children ------------------------------------------------------------

class _TimedParser:
    """A geoparser that adds up the time spent geoparsing (what a worker does per article)."""

    def __init__(self, parser):
        self.parser, self.seconds, self.cpu = parser, 0.0, 0.0

    def geoparse_with_passages(self, text):
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            return self.parser.geoparse_with_passages(text)
        finally:
            self.seconds += time.perf_counter() - started
            self.cpu += time.thread_time() - cpu


def _time_the_writer(services) -> list[float]:
    """Wrap ``geomap.services.writing`` (the per-article write transaction of ``ingest``) in a
    stopwatch; returns [wall seconds, CPU seconds of this thread, transactions, when the first began
    (perf_counter)], added up as it runs."""
    from contextlib import contextmanager

    real = services.writing
    spent = [0.0, 0.0, 0, None]

    @contextmanager
    def timed_writing(engine):
        started, cpu = time.perf_counter(), time.thread_time()
        if spent[3] is None:
            spent[3] = started
        try:
            with real(engine) as conn:
                yield conn
        finally:
            spent[0] += time.perf_counter() - started
            spent[1] += time.thread_time() - cpu
            spent[2] += 1

    services.writing = timed_writing
    return spent


def child_ingest(args) -> dict:
    """One timed ingest into a fresh store: ``--mode`` 1 (instrumented), 2 (a pool of 2) or dask."""
    from geomap import services
    from geomap.query import counts
    from geomap.readers import iter_articles
    from geomap.services import ingest
    from geomap.store import connect

    if args.mode == "dask" and "dask" not in inspect.signature(ingest).parameters:
        return {"skipped": "dask ingest not available (geomap.services.ingest has no dask= parameter)"}
    engine = connect(args.db_url)
    split: dict = {}
    writer = _time_the_writer(services)
    cpu_self, cpu_children = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    if args.mode == "1":
        # What ingest(workers=1) does (load the gazetteer, then geoparse and store each article
        # in turn), with stopwatches around the gazetteer load, the reader and the geoparser.
        from gazetteer import Gazetteer
        from geomap.pipeline import Geoparser

        parser = _TimedParser(Geoparser(Gazetteer.open(args.data_dir)))
        split["load_s"] = time.perf_counter() - started
        read = [0.0]

        def timed_reader():
            items = iter(iter_articles([str(args.jsonl)]))
            while True:
                t0 = time.perf_counter()
                item = next(items, None)
                read[0] += time.perf_counter() - t0
                if item is None:
                    return
                yield item

        summary = ingest(engine, timed_reader(), parser=parser)
        split.update(read_s=read[0], parse_s=parser.seconds, parse_cpu_s=parser.cpu)
    elif args.mode == "2":
        summary = ingest(engine, iter_articles([str(args.jsonl)]), workers=2, data_dir=args.data_dir)
    else:
        summary = ingest(engine, iter_articles([str(args.jsonl)]), dask="local", data_dir=args.data_dir)
    seconds = time.perf_counter() - started
    # CPU seconds of this process (reading, dispatch, unpickling results, writing: the serial part)
    # and of the worker processes, which are waited for when the pool or the cluster closes.
    split["main_cpu_s"] = _cpu(resource.RUSAGE_SELF) - cpu_self
    split["workers_cpu_s"] = _cpu(resource.RUSAGE_CHILDREN) - cpu_children
    if writer[2]:  # else ingest no longer writes through services.writing: not measured
        split.update(write_s=writer[0], write_cpu_s=writer[1], transactions=writer[2],
                     first_write_s=writer[3] - started)
    own, workers = peak_mb()
    with engine.connect() as conn:
        stored = dict(counts(conn))
    engine.dispose()
    return {"seconds": seconds, "added": summary.added, "failed": summary.failed,
            "failures": [f"{f.origin}: {f.reason}" for f in summary.failures[:3]], **split,
            "mentions": stored["mentions"], "places": stored["places"], "articles_stored": stored["articles"],
            "peak_rss_mb": own, "worker_peak_rss_mb": workers}


def _cpu(who) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def run_child(child: str, data_dir: Path, **options) -> dict:
    """Run this script as ``--child child``; its last stdout line is its JSON result.
    A failure comes back as {"error": ...} with the end of its stderr."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", child, "--data-dir", str(data_dir)]
    for key, value in options.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    env = {**os.environ, "GEOMAP_DATA_DIR": str(data_dir)}
    proc = subprocess.run(command, capture_output=True, text=True, env=env)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = "\n".join(proc.stderr.strip().splitlines()[-25:])
        return {"error": f"the {child} child failed (exit {proc.returncode}):\n{tail}"}
    return json.loads(lines[-1])


# -- the query store ------------------------------------------------------------------

def checkpoint(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def copy_sqlite(src: Path, dst: Path) -> None:
    checkpoint(src)  # the copy must hold everything committed
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(src, dst)


def fit_store(db: Path, target: int) -> dict:
    """Make ``db`` hold just over ``target`` mentions: its first articles only when it has more;
    copies of its articles when fewer, each copy with new ids, new identities and its dates
    shifted (within the span of the stored dates, so a month still selects about a twelfth)."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")
        base, cutoff = mention_cutoffs(conn, "query")

        action = "as ingested"
        if base > target * 1.01:
            last = cutoff(target)
            for table, column in (("mentions", "article_id"), ("passages", "article_id"), ("articles", "id")):
                conn.execute(f"DELETE FROM {table} WHERE {column} > ?", (last,))
            conn.execute("DELETE FROM places WHERE id NOT IN (SELECT DISTINCT place_id FROM mentions) "
                         "AND id NOT IN (SELECT auto_place_id FROM mentions WHERE auto_place_id IS NOT NULL)")
            conn.commit()
            action = f"trimmed to its first {conn.execute('SELECT count(*) FROM articles').fetchone()[0]:,} articles"
        copies, total = 0, conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
        if total < target:
            amax, pmax, mmax = (conn.execute(f"SELECT max(id) FROM {t}").fetchone()[0] or 0
                                for t in ("articles", "passages", "mentions"))
            first, span = conn.execute("SELECT min(published), julianday(max(published)) - julianday(min(published)) "
                                       "+ 1 FROM articles").fetchone()
            span = int(span or 1)
            columns = {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")]
                       for t in ("articles", "passages", "mentions")}
            while total < target:
                copies += 1
                last = cutoff(target - total)
                shift = (copies * 37) % span  # days; wrapped within the span of the stored dates
                for table, key, moved in (("articles", "id", {"id": amax}),
                                          ("passages", "article_id", {"id": pmax, "article_id": amax}),
                                          ("mentions", "article_id", {"id": mmax, "article_id": amax,
                                                                      "passage_id": pmax})):
                    select, params = [], []
                    for column in columns[table]:
                        quoted = f'"{column}"'
                        if column in moved:
                            select.append(f"{quoted} + {moved[column] * copies}")
                        elif table == "articles" and column == "identity":
                            select.append(f"{quoted} || '#copy{copies}'")
                        elif table == "articles" and column == "published" and first:
                            select.append("date(julianday(?) + (CAST(julianday(published) - julianday(?) AS INTEGER)"
                                          " + ?) % ?)")
                            params += [first, first, shift, span]
                        else:
                            select.append(quoted)
                    names = ", ".join(f'"{c}"' for c in columns[table])
                    original = {"articles": amax, "passages": pmax, "mentions": mmax}[table]
                    conn.execute(f"INSERT INTO {table} ({names}) SELECT {', '.join(select)} FROM {table} "
                                 f"WHERE {key} <= ? AND id <= ?", (*params, last, original))
                conn.commit()  # one transaction per copy
                total = conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
            action = f"topped up with {copies} cop{'y' if copies == 1 else 'ies'} of its articles"
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        found = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in CORE_TABLES}
    finally:
        conn.close()
    from geomap.store import connect, refresh_statistics

    rebuild_place_stats(db)  # the bulk copies above bypassed the per-place totals the map reads
    engine = connect(f"sqlite:///{db}")
    refresh_statistics(engine)  # what ingest runs at its end: sampled ANALYZE
    engine.dispose()
    checkpoint(db)
    return {"base_mentions": base, "action": action, **found, "db_mb": db.stat().st_size / 1e6}


# -- PostgreSQL -----------------------------------------------------------------------

def _csv_field(value) -> str:
    """One CSV field for COPY: NULL is an unquoted empty field, text is always quoted (so '' stays '')."""
    if value is None:
        return ""
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    if isinstance(value, bytes):
        return '"' + value.decode("utf-8").replace('"', '""') + '"'
    return repr(value) if isinstance(value, float) else str(value)


def build_postgres(server_url: str, database: str, sqlite_db: Path, log) -> tuple[object, dict]:
    """A fresh database ``database`` on the server, migrated by geomap and filled from ``sqlite_db``.
    Returns (engine, details); raises RuntimeError with the reason when it cannot."""
    target = _pg_admin(server_url, database, create=True)
    started = time.perf_counter()
    url = target.render_as_string(hide_password=False)
    from geomap.store import connect

    try:
        engine = connect(url)
    except Exception as exc:
        raise RuntimeError(f"geomap.store.connect({target.render_as_string(hide_password=True)}) failed: "
                           f"{type(exc).__name__}: {_first_line(exc)}") from None
    try:
        return _fill_postgres(engine, database, sqlite_db, log, started)
    except BaseException:
        engine.dispose()
        raise


def _fill_postgres(engine, database: str, sqlite_db: Path, log, started: float) -> tuple[object, dict]:
    from sqlalchemy import inspect as sa_inspect, text

    with engine.connect() as conn, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Did not recognize type 'geometry'": only the names are wanted
        pg_columns = {t: [c["name"] for c in sa_inspect(conn).get_columns(t)] for t in CORE_TABLES}
        migrations = conn.scalar(text("SELECT max(version) FROM schema_migrations"))
    log(f"  created {database}, migrated to schema version {migrations} ({time.perf_counter() - started:.1f}s)")

    lite = sqlite3.connect(sqlite_db)
    # The engine's own driver (psycopg or psycopg2), on a connection taken out of its pool: the
    # session settings below die with it.
    pg = engine.raw_connection()
    pg.detach()
    copied = {}
    try:
        cur = pg.cursor()
        if not (hasattr(cur, "copy") or hasattr(cur, "copy_expert")):
            raise RuntimeError(f"the PostgreSQL driver {engine.dialect.driver} has no COPY: use psycopg or psycopg2")
        cur.execute("SET synchronous_commit = off")
        for table in CORE_TABLES:
            t0 = time.perf_counter()
            lite_columns = [r[1] for r in lite.execute(f"PRAGMA table_info({table})")]
            columns = [c for c in lite_columns if c in pg_columns[table]]
            names = ", ".join(f'"{c}"' for c in columns)
            rows = lite.execute(f"SELECT {names} FROM {table} ORDER BY id")
            n = 0
            statement = f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv)"
            while batch := rows.fetchmany(COPY_ROWS):
                data = "".join(",".join(map(_csv_field, row)) + "\n" for row in batch)
                if hasattr(cur, "copy"):  # psycopg 3
                    with cur.copy(statement) as copy:
                        copy.write(data)
                else:  # psycopg2
                    cur.copy_expert(statement, io.StringIO(data))
                n += len(batch)
            if "id" in columns:
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table} "
                            f"WHERE pg_get_serial_sequence('{table}', 'id') IS NOT NULL HAVING max(id) IS NOT NULL")
            pg.commit()  # one transaction per table
            copied[table] = n
            skipped = [c for c in pg_columns[table] if c not in lite_columns]
            log(f"  copied {n:,} {table} in {time.perf_counter() - t0:.1f}s"
                + (f" (left to PostgreSQL: {', '.join(skipped)})" if skipped else ""))
    finally:
        pg.close()
        lite.close()
    from geomap.place_stats import rebuild
    from geomap.store import writing

    with writing(engine) as conn:
        rebuild(conn)  # COPY bypassed the per-place totals the map reads
    t0 = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    log(f"  VACUUM ANALYZE {time.perf_counter() - t0:.1f}s")
    with engine.connect() as conn:
        size = conn.scalar(text("SELECT pg_database_size(current_database())"))
        check = {t: conn.scalar(text(f"SELECT count(*) FROM {t}")) for t in CORE_TABLES}
    if check != copied:
        raise RuntimeError(f"the copy does not match: copied {copied}, PostgreSQL counts {check}")
    return engine, {"database": database, "schema_version": migrations, **copied, "db_mb": size / 1e6,
                    "seconds": time.perf_counter() - started}


def _pg_admin(server_url: str, database: str, *, create: bool):
    """Drop ``database`` on the server (and create it afresh when ``create``), through the server
    URL's own database (CREATE and DROP DATABASE cannot run in a transaction); return its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    try:
        server = make_url(server_url)
    except Exception as exc:
        raise RuntimeError(f"not a database URL: {exc}") from None
    if server.get_backend_name() != "postgresql":
        raise RuntimeError(f"not a PostgreSQL URL: {server.drivername}")
    if not database.replace("_", "").isalnum() or server.database == database:
        raise RuntimeError(f"--pg-database must be letters, digits and _, not the server URL's own database; "
                           f"got {database!r}")
    admin = create_engine(server, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 10})
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            if create:
                conn.execute(text(f'CREATE DATABASE "{database}"'))
    except Exception as exc:
        raise RuntimeError(f"cannot {'create' if create else 'drop'} database {database} on "
                           f"{server.render_as_string(hide_password=True)}: {_first_line(exc)}") from None
    finally:
        admin.dispose()
    return server.set(database=database)


def _first_line(exc: BaseException) -> str:
    cause = getattr(exc, "orig", None) or exc
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


# -- the queries ----------------------------------------------------------------------

def choose_filters(db: Path, country: str | None, bbox: str) -> dict:
    """The month of the median article, the most mentioned country and the busiest place."""
    conn = sqlite3.connect(db)
    try:
        dated = conn.execute("SELECT count(*) FROM articles WHERE published IS NOT NULL").fetchone()[0]
        median = conn.execute("SELECT published FROM articles WHERE published IS NOT NULL ORDER BY published "
                              "LIMIT 1 OFFSET ?", (dated // 2,)).fetchone()
        busiest_country = conn.execute(
            "SELECT p.country_code FROM mentions m JOIN places p ON p.id = m.place_id WHERE p.country_code IS NOT NULL"
            " GROUP BY p.country_code ORDER BY count(*) DESC, p.country_code LIMIT 1").fetchone()
        place = conn.execute("SELECT m.place_id, p.name, count(*) FROM mentions m JOIN places p ON p.id = m.place_id "
                             "WHERE m.rejected = 0 GROUP BY m.place_id ORDER BY count(*) DESC, m.place_id LIMIT 1"
                             ).fetchone()
    finally:
        conn.close()
    day = date.fromisoformat(median[0]) if median else YEAR_START
    since = day.replace(day=1)
    until = (since + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return {"since": since.isoformat(), "until": until.isoformat(),
            "country": (country or (busiest_country[0] if busiest_country else "UA")).upper(),
            "bbox": bbox, "place_id": place[0], "place_name": place[1], "place_mentions": place[2]}


def query_set(chosen: dict) -> list[tuple[str, object]]:
    """(label, fn(engine) -> iterator of text or a value) for each timed query."""
    from sqlalchemy import select

    from geomap.aggregate import count_places, iter_cells_geojson
    from geomap.export import iter_geojson, place_mention_refs
    from geomap.query import Filters
    from geomap.store import places, snapshot

    everything = Filters()
    month = Filters.from_args(since=chosen["since"], until=chosen["until"])
    month_country = Filters.from_args(since=chosen["since"], until=chosen["until"], country=chosen["country"])
    box = Filters.from_args(bbox=chosen["bbox"])

    def count(filters):
        def run(engine):
            with engine.connect() as conn:
                return count_places(conn, filters)
        return run

    def popup(engine):  # what /api/places/<id>/mentions.json does
        with snapshot(engine) as conn:
            if conn.scalar(select(places.c.id).where(places.c.id == chosen["place_id"])) is None:
                raise RuntimeError(f"no place {chosen['place_id']}")
            return json.dumps({"mentions": place_mention_refs(conn, chosen["place_id"], everything,
                                                              limit=POPUP_MENTIONS)})

    month_label = chosen["since"][:7]
    return [
        ("map: all places", lambda e: iter_geojson(e, everything, mentions_per_place=0)),
        ("map: count all", count(everything)),
        ("map: all, cells z3", lambda e: iter_cells_geojson(e, everything, zoom=3)),
        (f"map: month {month_label}", lambda e: iter_geojson(e, month, mentions_per_place=0)),
        (f"map: {month_label} + {chosen['country']}", lambda e: iter_geojson(e, month_country, mentions_per_place=0)),
        ("bbox: count", count(box)),
        ("bbox: places", lambda e: iter_geojson(e, box, mentions_per_place=0)),
        ("bbox: cells z4", lambda e: iter_cells_geojson(e, box, zoom=4)),
        (f"popup: {POPUP_MENTIONS} newest of place {chosen['place_id']}", popup),
    ]


def consume(result) -> tuple[int, object]:
    """Read all of a query's output; (characters, the output when it is small enough to inspect)."""
    if isinstance(result, (int, str)):
        return len(str(result)), result
    parts = list(result)
    return sum(map(len, parts)), "".join(parts)


def describe(output) -> dict:
    """Features and the mentions they count, from a query's output."""
    if isinstance(output, int):
        return {"rows": output, "mentions": None, "what": "places counted"}
    body = json.loads(output)
    if "features" in body:
        features = body["features"]
        cells = bool(body.get("geomap", {}).get("aggregated"))
        return {"rows": len(features), "mentions": sum(f["properties"]["mention_count"] for f in features),
                "what": "cells" if cells else "places"}
    return {"rows": len(body["mentions"]), "mentions": len(body["mentions"]), "what": "mentions"}


def time_queries(engine, queries, repeat: int) -> dict:
    results = {}
    for label, fn in queries:
        _, output = consume(fn(engine))  # warm-up: page cache, plan cache, connection pool
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            consume(fn(engine))
            samples.append(time.perf_counter() - started)
        results[label] = {"median_ms": statistics.median(samples) * 1000, "min_ms": min(samples) * 1000,
                          "max_ms": max(samples) * 1000, **describe(output)}
    return results


# -- the arithmetic -------------------------------------------------------------------

def extrapolate(runs: dict, articles: int, mentions_per_article: float, mb: float, cores: int) -> dict | None:
    """The ingest model, from the measured runs (see the docstring's step 4)."""
    one = runs.get("workers=1")
    if not one or "parse_s" not in one or "write_s" not in one:
        return None
    p = articles / one["parse_cpu_s"]  # articles/s one core geoparses, gazetteer loaded
    w = articles / one["write_s"]  # articles/s the writer stores, alone (wall: its I/O waits are serial too)
    load = one["load_s"]
    # The writer's time off the CPU (commits' I/O), from the run where it had a core to itself.
    io_wait = max(one["write_s"] - one["write_cpu_s"], 0.0) / articles
    out = {"writer_io_wait_s_per_article": io_wait, "parse_per_core": p,
           "parse_per_core_wall": articles / one["parse_s"], "writer": w,
           "writer_cpu": articles / max(one["write_cpu_s"], 1e-9), "load_s": load,
           "writer_mentions_per_s": w * mentions_per_article, "mb_per_article": mb / articles,
           "one_process_model": 1 / (1 / p + 1 / w), "cores": cores, "parallel": {}}
    for name in ("workers=2", "dask"):
        r = runs.get(name)
        if not r or "seconds" not in r or "write_s" not in r:
            continue
        # Per article: s seconds of serial work in the main process (reading, handing out, taking
        # results back, writing: its CPU seconds, plus the writer's I/O waits), c CPU seconds in the
        # workers (geoparsing and (de)serialising; the gazetteer loads taken out). CPU seconds, not
        # wall: on 2 cores shared with the workers (and whatever else runs) the main process also
        # waits for a core, which a client on its own core would not.
        s = r["main_cpu_s"] / articles + io_wait
        c = (r["workers_cpu_s"] - 2 * load) / articles
        note = None
        if c < 0.5 / p:  # the workers' CPU was not accounted to us (not waited for): use the pure rate
            c, note = 1 / p, "worker CPU not visible; used 1/p"
        out["parallel"][name] = {
            "serial_s_per_article": s, "writer_s_per_article": r["write_cpu_s"] / articles + io_wait,
            "worker_s_per_article": c, "serial_limit": 1 / s, "per_worker": 1 / c,
            "model_here": min(cores / (c + r["main_cpu_s"] / articles), 1 / s), "achieved": articles / r["seconds"],
            "utilisation": (r["main_cpu_s"] + r["workers_cpu_s"]) / (r["seconds"] * cores), "note": note}
    basis = out["parallel"].get("dask") or out["parallel"].get("workers=2")
    if basis:
        out["basis"] = "dask" if "dask" in out["parallel"] else "workers=2"
        c, s = basis["worker_s_per_article"], basis["serial_s_per_article"]
        startup = runs[out["basis"]].get("first_write_s", load)
        out["startup_s"] = startup
        out["knee_workers"] = c / s
        pg = runs.get("workers=1 PostgreSQL")
        s_pg = None
        if pg and "write_s" in pg:
            # The same client with the writer's time on PostgreSQL (wall: the server's work and the
            # round trips are as serial as the writer) in place of SQLite's.
            out["writer_postgres"] = articles / pg["write_s"]
            out["writer_postgres_cpu"] = articles / max(pg["write_cpu_s"], 1e-9)
            s_pg = s - basis["writer_s_per_article"] + pg["write_s"] / articles
            out["serial_s_per_article_postgres"] = s_pg
        out["table"] = [{"workers": n, "articles_per_s": min(n / c, 1 / s),
                         "limit": "serial client" if n / c >= 1 / s else "geoparse",
                         "seconds_for_run": startup + articles / min(n / c, 1 / s),
                         "hours_per_million": 1e6 / min(n / c, 1 / s) / 3600,
                         "postgres_articles_per_s": min(n / c, 1 / s_pg) if s_pg else None}
                        for n in (1, 2, 4, 8, 16, 32, 64)]
    return out


def print_extrapolation(x: dict, runs: dict, articles: int, mentions_per_article: float) -> None:
    one = runs["workers=1"]
    p, w = x["parse_per_core"], x["writer"]
    rest = one["seconds"] - one["load_s"] - one["read_s"] - one["parse_s"] - one["write_s"]
    print("extrapolation (ingest into one store; wall seconds from stopwatches, CPU seconds from getrusage)")
    print(f"  1 process: gazetteer load L = {one['load_s']:.1f}s, reading {one['read_s']:.1f}s, geoparsing "
          f"{one['parse_s']:.1f}s ({one['parse_cpu_s']:.1f} CPU), writing {one['write_s']:.1f}s "
          f"({one['write_cpu_s']:.1f} CPU), the rest {rest:.1f}s; {one['seconds']:.1f}s in all "
          f"({one['main_cpu_s']:.1f} CPU)")
    print(f"  per-core geoparse rate  p = {articles:,} / {one['parse_cpu_s']:.1f} CPU s = {p:.1f} articles/s "
          f"({p * x['mb_per_article']:.2f} MB/s)")
    print(f"  writer alone            W = {articles:,} / {one['write_s']:.1f}s = {w:.1f} articles/s "
          f"= {x['writer_mentions_per_s']:,.0f} mentions/s ({mentions_per_article:.1f} mentions/article; "
          f"save_article + corrections + commit, one transaction per article; {x['writer_cpu']:.0f}/s on CPU alone)")
    print(f"  1 process = 1 / (1/p + 1/W) = 1 / (1/{p:.1f} + 1/{w:.1f}) = {x['one_process_model']:.1f} articles/s "
          f"(+ L); measured {articles / one['seconds']:.1f} with L")
    for name, v in x["parallel"].items():
        r = runs[name]
        print(f"  {name}: serial s = main CPU {r['main_cpu_s']:.1f}s / {articles:,} + writer I/O wait "
              f"{x['writer_io_wait_s_per_article'] * 1000:.2f} ms = {v['serial_s_per_article'] * 1000:.2f} ms/article "
              f"(of which writing {v['writer_s_per_article'] * 1000:.2f}) -> 1/s = {v['serial_limit']:.1f} articles/s")
        print(f"      parallel c = (workers CPU {r['workers_cpu_s']:.1f} - 2 x L) / {articles:,} = "
              f"{v['worker_s_per_article'] * 1000:.2f} ms/article -> 1/c = {v['per_worker']:.1f} articles/s per worker"
              + (f" [{v['note']}]" if v["note"] else ""))
        print(f"      on these {x['cores']} shared cores: min({x['cores']} / (c + main CPU per article), 1/s) = "
              f"{v['model_here']:.1f} articles/s; achieved {v['achieved']:.1f}, "
              f"{r.get('steady_articles_per_s', float('nan')):.1f} after start-up (CPU busy "
              f"{v['utilisation'] * 100:.0f}% of {x['cores']} cores: the rest is waiting and start-up)")
    if "table" not in x:
        return
    basis = x["parallel"][x["basis"]]
    c, s = basis["worker_s_per_article"], basis["serial_s_per_article"]
    print(f"  a cluster, from the {x['basis']} run: N workers on their own cores, the client on its own: "
          f"rate = min(N / c, 1 / s) = min(N x {1 / c:.1f}, {1 / s:.1f})")
    print(f"  parallel: geoparsing (c); serial: the client reading, handing out, taking back and writing (s), "
          f"of which the writer alone caps it at W = {w:.1f}")
    print(f"  the serial client is the limit from N* = c / s = {x['knee_workers']:.1f} workers; time for a run "
          f"= start-up {x['startup_s']:.1f}s (to the first article stored) + articles / rate")
    if "writer_postgres" in x:
        pg = runs["workers=1 PostgreSQL"]
        print(f"  writer on PostgreSQL (1-process run): W_pg = {articles:,} / {pg['write_s']:.1f}s = "
              f"{x['writer_postgres']:.1f} articles/s ({x['writer_postgres_cpu']:.0f}/s of client CPU); the client's "
              f"serial time with it: s_pg = s - SQLite writing + PostgreSQL writing = "
              f"{x['serial_s_per_article_postgres'] * 1000:.2f} ms -> 1/s_pg = "
              f"{1 / x['serial_s_per_article_postgres']:.1f} articles/s")
    pg_column = "writer_postgres" in x
    print(f"  {'N':>5}{'articles/s':>12}{'limit':>15}{f'{articles:,} articles':>18}{'h per 1M':>10}"
          + (f"{'PostgreSQL/s':>14}" if pg_column else ""))
    for row in x["table"]:
        print(f"  {row['workers']:>5}{row['articles_per_s']:>12.1f}{row['limit']:>15}"
              f"{row['seconds_for_run']:>17.1f}s{row['hours_per_million']:>10.2f}"
              + (f"{row['postgres_articles_per_s']:>14.1f}" if pg_column else ""))


# -- main -------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100_000, help="articles to generate and ingest (default 100,000)")
    ap.add_argument("--mentions", type=int, default=1_000_000, help="mentions in the query store (default 1,000,000)")
    ap.add_argument("--postgres", default=os.environ.get("GEOMAP_TEST_POSTGRES", ""),
                    help="PostgreSQL server URL (default: GEOMAP_TEST_POSTGRES); '' skips PostgreSQL")
    ap.add_argument("--pg-database", default="geomap_scale",
                    help="database to (re)create on it (default geomap_scale); dropped at the end")
    ap.add_argument("--keep-postgres", action="store_true", help="keep the PostgreSQL databases at the end")
    ap.add_argument("--pg-ingest", action="store_true",
                    help="also time the 1-process ingest into PostgreSQL (the writer's rate there)")
    ap.add_argument("--pg-ingest-database", default="geomap_scale_ingest", help=argparse.SUPPRESS)
    ap.add_argument("--data-dir", type=Path, default=None,
                    help="gazetteer directory (default: GEOMAP_DATA_DIR, else the per-user data dir)")
    ap.add_argument("--skip-ingest", action="store_true",
                    help="skip the timed ingest runs (the query store is then built from an untimed ingest of "
                         "at most 2,000 articles)")
    ap.add_argument("--repeat", type=int, default=7, help="timed runs per query, after one warm-up (default 7)")
    ap.add_argument("--country", default=None, help="country of the filtered map query (default: the most mentioned)")
    ap.add_argument("--bbox", default=DEFAULT_BBOX, help=f"viewport of the bbox queries (default {DEFAULT_BBOX})")
    ap.add_argument("--workdir", type=Path, default=None, help="keep the corpus and the stores here")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the tables")
    # Internal: the measured children.
    ap.add_argument("--child", choices=["generate", "ingest"], help=argparse.SUPPRESS)
    ap.add_argument("--mode", help=argparse.SUPPRESS)
    ap.add_argument("--count", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--jsonl", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--db-url", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        result = (write_corpus(args.out, args.count, args.data_dir) if args.child == "generate"
                  else child_ingest(args))
        print(json.dumps(result))
        return 0
    if args.articles < 1 or args.mentions < 1 or args.repeat < 1:
        ap.error("--articles, --mentions and --repeat must be at least 1")
    if args.pg_ingest and not args.postgres:
        ap.error("--pg-ingest needs --postgres (or GEOMAP_TEST_POSTGRES)")
    from geomap.query import BBox, InvalidFilter

    try:
        BBox.parse(args.bbox)
    except InvalidFilter as exc:
        ap.error(str(exc))

    from gazetteer import default_data_dir

    data_dir = (args.data_dir or (Path(os.environ["GEOMAP_DATA_DIR"]) if os.environ.get("GEOMAP_DATA_DIR")
                                  else default_data_dir())).resolve()
    # Build the gazetteer (if needed) in a child, so no build counts in any measurement.
    subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from gazetteer import Gazetteer; "
                    "Gazetteer.open(Path(sys.argv[1])).close()", str(data_dir)], check=True)

    temp = None
    if args.workdir:
        work = args.workdir.resolve()
        work.mkdir(parents=True, exist_ok=True)
    else:
        temp = tempfile.TemporaryDirectory(prefix="geomap-scale-")
        work = Path(temp.name)
    log = (lambda *a: None) if args.json else (lambda *a: print(*a, flush=True))
    report: dict = {"data_dir": str(data_dir), "cpus": os.cpu_count(), "articles": args.articles,
                    "target_mentions": args.mentions}
    pg_engine, pg_built, pg_ingest_built = None, False, False
    try:
        # 1. the corpus
        n_articles = min(args.articles, 2000) if args.skip_ingest else args.articles
        corpus = work / "articles.jsonl"
        log(f"generating {n_articles:,} articles in {corpus} ...")
        started = time.perf_counter()
        c = run_child("generate", data_dir, out=corpus, count=n_articles)
        if "error" in c:
            raise SystemExit(c["error"])
        c["seconds"] = time.perf_counter() - started
        report["corpus"] = c
        mb = c["text_bytes"] / 1e6
        log(f"  {n_articles:,} articles, {mb:.1f} MB of text, {c['file_bytes'] / 1e6:.1f} MB of JSON Lines "
            f"({c['text_bytes'] / n_articles:,.0f} B/article), {c['seconds']:.1f}s to generate")

        # 2. ingest
        runs: dict = {}
        plan = ([("workers=2", "2")] if args.skip_ingest else
                [("workers=1", "1"), ("workers=2", "2"), ("dask", "dask")])
        if args.pg_ingest and not args.skip_ingest:
            plan.append(("workers=1 PostgreSQL", "1"))
        for name, mode in plan:
            what = {"1": "1 process", "2": "2 processes",
                    "dask": f'dask="local" (a LocalCluster of {os.cpu_count()} single-threaded workers)'}[mode]
            if name.endswith("PostgreSQL"):
                log(f"ingest with {what} into PostgreSQL ({args.pg_ingest_database}) ...")
                pg_ingest_built = True
                try:
                    url = _pg_admin(args.postgres, args.pg_ingest_database, create=True)
                except RuntimeError as exc:
                    runs[name] = {"skipped": str(exc)}
                    log(f"  skipped: {exc}")
                    continue
                db_url, db = url.render_as_string(hide_password=False), None
            else:
                db = work / f"ingest-{mode}.sqlite"
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
                db_url = f"sqlite:///{db}"
                log(("untimed base ingest" if args.skip_ingest else "ingest") + f" with {what} ...")
            r = run_child("ingest", data_dir, jsonl=corpus, db_url=db_url, mode=mode)
            r["db"] = str(db) if db else None
            runs[name] = r
            if "error" in r or "skipped" in r:
                log("  " + (r.get("skipped") or r["error"]).replace("\n", "\n  | "))
                continue
            r.update(articles_per_s=n_articles / r["seconds"], mb_per_s=mb / r["seconds"])
            if "first_write_s" in r and n_articles > 1:  # the rate once the first article is stored
                r["steady_articles_per_s"] = (n_articles - 1) / max(r["seconds"] - r["first_write_s"], 1e-9)
            log(f"  {r['seconds']:.1f}s: {r['articles_per_s']:.1f} articles/s, {r['mb_per_s']:.2f} MB/s; "
                f"{r['added']:,} added, {r['failed']} failed; {r['mentions']:,} mentions of {r['places']:,} places; "
                f"peak RSS {r['peak_rss_mb']:.0f} MB (largest child {r['worker_peak_rss_mb']:.0f} MB); "
                f"CPU {r['main_cpu_s']:.1f}s here + {r['workers_cpu_s']:.1f}s in workers")
            if "write_s" in r:
                log(f"  first article stored after {r['first_write_s']:.1f}s (start-up), then "
                    f"{r['steady_articles_per_s']:.1f} articles/s; writer: {r['write_s']:.1f}s in "
                    f"{r['transactions']:,} write transactions ({r['write_cpu_s']:.1f}s on CPU)"
                    + (f"; geoparsing {r['parse_s']:.1f}s, gazetteer load {r['load_s']:.1f}s"
                       if "parse_s" in r else ""))
            for failure in r.get("failures", []):
                log(f"  failure: {failure}")
        report["ingest"] = runs
        done = {k: v for k, v in runs.items() if "seconds" in v}
        if not done:
            raise SystemExit("no ingest run succeeded: nothing to query")
        stored = {k: v["mentions"] for k, v in done.items()}
        same = len(set(stored.values())) == 1
        report["same_mentions"] = same
        if not args.skip_ingest:
            log(f"mentions stored: {', '.join(f'{k} {v:,}' for k, v in stored.items())} -> "
                + ("the same in every store" if same else "DIFFERENT (a run lost or added mentions)"))
        base = next(v for v in done.values() if v["db"])
        mentions_per_article = base["mentions"] / max(base["articles_stored"], 1)

        # 4 (computed now, printed at the end). The arithmetic.
        x = None if args.skip_ingest else extrapolate(runs, n_articles, mentions_per_article, mb, os.cpu_count() or 1)
        report["extrapolation"] = x

        # 3. queries
        qdb = work / "query.sqlite"
        copy_sqlite(Path(base["db"]), qdb)
        log(f"query store: fitting {base['mentions']:,} mentions to {args.mentions:,} ...")
        started = time.perf_counter()
        fitted = fit_store(qdb, args.mentions)
        fitted["seconds"] = time.perf_counter() - started
        report["query_store"] = fitted
        log(f"  {fitted['action']}: {fitted['articles']:,} articles, {fitted['passages']:,} passages, "
            f"{fitted['places']:,} places, {fitted['mentions']:,} mentions; {fitted['db_mb']:.0f} MB; "
            f"{fitted['seconds']:.1f}s")

        from geomap.store import connect

        backends = {"SQLite": connect(f"sqlite:///{qdb}")}
        if not args.postgres:
            report["postgres"] = {"skipped": "no --postgres URL (or GEOMAP_TEST_POSTGRES)"}
            log("PostgreSQL: skipped: no --postgres URL and GEOMAP_TEST_POSTGRES is not set")
        else:
            log(f"PostgreSQL: building {args.pg_database} ...")
            pg_built = True  # from here on, whatever happens, drop it at the end
            try:
                pg_engine, details = build_postgres(args.postgres, args.pg_database, qdb, log)
                report["postgres"] = details
                backends["PostgreSQL"] = pg_engine
            except RuntimeError as exc:
                report["postgres"] = {"skipped": str(exc)}
                log(f"  skipped: {exc}")

        chosen = choose_filters(qdb, args.country, args.bbox)
        report["filters"] = chosen
        queries = query_set(chosen)
        log(f"queries: month {chosen['since']}..{chosen['until']}, country {chosen['country']}, bbox {chosen['bbox']}, "
            f"popup of place {chosen['place_id']} ({chosen['place_name']}, {chosen['place_mentions']:,} mentions); "
            f"median of {args.repeat} after a warm-up")
        timings = {}
        for name, engine in backends.items():
            log(f"  timing on {name} ...")
            try:
                timings[name] = time_queries(engine, queries, args.repeat)
            except Exception as exc:  # one backend failing must not lose the other's figures
                timings[name] = {"error": f"{type(exc).__name__}: {_first_line(exc)}"}
                log(f"  {name} failed: {timings[name]['error']}")
        report["queries"] = timings
        for engine in backends.values():
            engine.dispose()
        pg_engine = None

        if not args.json:
            print()
            print(f"queries at {fitted['mentions']:,} mentions ({fitted['articles']:,} articles, "
                  f"{fitted['places']:,} places)")
            names = list(backends)
            print(f"{'query':<34}{'rows':>8} {'':<8}{'mentions':>10}" + "".join(f"{n + ' ms':>15}" for n in names))
            for label, _ in queries:
                first = next((t[label] for t in timings.values() if label in t), None)
                if first is None:
                    continue
                mentions = "" if first["mentions"] is None else f"{first['mentions']:,}"
                cells = "".join(f"{timings[n][label]['median_ms']:>15.1f}" if label in timings[n] else f"{'-':>15}"
                                for n in names)
                print(f"{label:<34}{first['rows']:>8,} {first['what']:<8}{mentions:>10}{cells}")
                others = [t[label] for t in timings.values() if label in t]
                if any((o["rows"], o["mentions"]) != (first["rows"], first["mentions"]) for o in others):
                    print(f"{'':<34}  ! the backends disagree: "
                          + ", ".join(f"{n}: {t[label]['rows']} rows" for n, t in timings.items() if label in t))
            if "skipped" in report["postgres"]:
                print(f"(PostgreSQL skipped: {report['postgres']['skipped']})")

        if x and not args.json:
            print()
            print_extrapolation(x, runs, n_articles, mentions_per_article)
        if args.json:
            print(json.dumps(report, indent=2, default=str))
        return 0
    finally:
        if pg_engine is not None:
            pg_engine.dispose()
        if pg_built and not args.keep_postgres:
            try:
                _pg_admin(args.postgres, args.pg_database, create=False)
            except RuntimeError as exc:
                if "skipped" not in report.get("postgres", {}):  # else the reason is printed already
                    print(f"could not drop the PostgreSQL database: {exc}", file=sys.stderr)
        if pg_ingest_built and not args.keep_postgres:
            try:
                _pg_admin(args.postgres, args.pg_ingest_database, create=False)
            except RuntimeError:
                pass  # it could not be created either: the reason is printed already
        if temp is not None:
            temp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
