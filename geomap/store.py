"""The store: articles, passages, places and mentions, in SQLAlchemy Core.

SQLite by default (WAL, so the web app reads while an ingest writes); the same
tables, queries and migrations run on PostgreSQL (``GEOMAP_DB=postgresql://…``), where
places also carry a PostGIS point with a GiST index for the viewport filter. Every
article is written in one transaction, so a crash or a bad file mid-batch never leaves
half of one. Schema changes are forward migrations recorded in ``schema_migrations``.

Concurrency: writers use ``writing(engine)`` (BEGIN IMMEDIATE: the write lock is
taken before the first read, so two ingests queue on the busy timeout instead of
failing with "database is locked"; on PostgreSQL a transaction-scoped advisory lock gives
writers the same one-at-a-time order); a reader that runs several queries which must
agree uses ``snapshot(engine)`` (one read transaction for all of them).
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import quote, unquote

from sqlalchemy import (Column, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text,
                        create_engine, delete, event, func, insert, inspect, select, update)
from sqlalchemy import text as sql_text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError

from gazetteer import name_key
from geomap.model import Article, Mention, Passage, PlaceRef

metadata = MetaData()

articles = Table(
    "articles", metadata,
    Column("id", Integer, primary_key=True),
    Column("identity", String, nullable=False, unique=True),
    Column("title", String, nullable=False),
    Column("published", Date, index=True),
    Column("source", String),
    Column("url", String),
    Column("author", String),
    Column("origin", String),
    Column("external_id", String),
    Column("text", Text, nullable=False),
    Column("ingested_at", DateTime, nullable=False),
)
passages = Table(
    "passages", metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("idx", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
)
places = Table(
    "places", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String, nullable=False, unique=True),  # the gazetteer's stable key
    Column("geonameid", Integer),
    Column("name", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("country_code", String, index=True),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("precision", Integer, nullable=False),
    Column("search_name", String),  # folded like the gazetteer's keys, so "orebro" finds Örebro
    Index("places_name", "name"),
    Index("places_search_name", "search_name"),
)
mentions = Table(
    "mentions", metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("passage_id", Integer, ForeignKey("passages.id", ondelete="CASCADE")),
    Column("place_id", Integer, ForeignKey("places.id"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("surface", String, nullable=False),
    Column("score", Float, nullable=False),
    Column("precision", Integer, nullable=False),
    Column("alternatives", Text, nullable=False),  # JSON list of {key, name, country_code, kind, lat, lon, score}
    Column("surface_key", String, index=True),  # the surface folded like gazetteer keys: what corrections match
    # An analyst's correction: place_id is then the chosen place and auto_place_id the
    # automatic choice; a mention marked "not a place" is rejected and leaves every view.
    Column("auto_place_id", Integer, ForeignKey("places.id")),
    Column("correction_id", Integer, index=True),
    Column("rejected", Integer, nullable=False, server_default="0"),
    # Covering indexes: the map's counts (per place, or per article under a date filter) are
    # read from the index alone, never from the wide rows (passage text, alternatives JSON).
    Index("mentions_by_place", "place_id", "rejected", "article_id", "score", "correction_id"),
    Index("mentions_by_article", "article_id", "rejected", "place_id", "score", "correction_id"),
)
corrections = Table(
    "corrections", metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime, nullable=False),
    Column("author", String, nullable=False),
    Column("scope", String, nullable=False),  # "mention", "article" or "surface"
    Column("action", String, nullable=False),  # "place" or "not_place"
    Column("surface_key", String, nullable=False, index=True),
    Column("article_id", Integer),  # mention and article scope
    Column("start", Integer),  # mention scope: the mention's offsets survive a reprocess, its id does not
    Column("end", Integer),
    Column("country", String),  # surface scope: only in articles that also mention this country
    Column("place", Text),  # JSON snapshot of the chosen place (key, geonameid, name, kind, country_code, lat, lon)
    Column("previous", Text),  # JSON snapshot of the place it replaced, for the record
    Column("undone_at", DateTime),
)
# Per-place totals over every (not rejected) mention: what the map's unfiltered and place-filtered
# views read, so they cost one row per place instead of one per mention. Kept exact at every
# commit by geomap.place_stats (see ``connect``).
place_stats = Table(
    "place_stats", metadata,
    Column("place_id", Integer, ForeignKey("places.id"), primary_key=True),
    Column("mention_count", Integer, nullable=False),
    Column("article_count", Integer, nullable=False),
    Column("first_date", Date),
    Column("last_date", Date),
    Column("doubtful_count", Integer, nullable=False),
    Column("corrected_count", Integer, nullable=False),
)
schema_migrations = Table(
    "schema_migrations", metadata,
    Column("version", Integer, primary_key=True),
    Column("name", String, nullable=False),
    Column("applied_at", DateTime, nullable=False),
)


def _initial_schema(conn: Connection) -> None:
    metadata.create_all(conn, tables=[articles, passages, places, mentions])


def _add_search_name(conn: Connection) -> None:
    columns = {c["name"] for c in inspect(conn).get_columns("places")}
    if "search_name" not in columns:  # a database created by version 1
        conn.execute(sql_text("ALTER TABLE places ADD COLUMN search_name VARCHAR"))
        conn.execute(sql_text("CREATE INDEX places_search_name ON places (search_name)"))
    for place_id_, name in conn.execute(select(places.c.id, places.c.name).where(places.c.search_name.is_(None))).all():
        conn.execute(update(places).where(places.c.id == place_id_).values(search_name=name_key(name)))


def _add_corrections(conn: Connection) -> None:
    columns = {c["name"] for c in inspect(conn).get_columns("mentions")}
    for name, ddl in [("surface_key", "VARCHAR"), ("auto_place_id", "INTEGER REFERENCES places(id)"),
                      ("correction_id", "INTEGER"), ("rejected", "INTEGER NOT NULL DEFAULT 0")]:
        if name not in columns:  # a database created before version 3
            conn.execute(sql_text(f"ALTER TABLE mentions ADD COLUMN {name} {ddl}"))
    indexes = {i["name"] for i in inspect(conn).get_indexes("mentions")}
    for name, column in [("ix_mentions_surface_key", "surface_key"), ("ix_mentions_correction_id", "correction_id")]:
        if name not in indexes:
            conn.execute(sql_text(f"CREATE INDEX {name} ON mentions ({column})"))
    for mention_id, surface in conn.execute(select(mentions.c.id, mentions.c.surface)
                                            .where(mentions.c.surface_key.is_(None))).all():
        conn.execute(update(mentions).where(mentions.c.id == mention_id).values(surface_key=name_key(surface)))
    corrections.create(conn, checkfirst=True)


def _covering_indexes(conn: Connection) -> None:
    existing = {i["name"] for i in inspect(conn).get_indexes("mentions")}
    for index in mentions.indexes:
        if index.name in ("mentions_by_place", "mentions_by_article") and index.name not in existing:
            index.create(conn)
    for replaced in ("ix_mentions_place_id", "ix_mentions_article_id"):  # each leads one of the new ones
        if replaced in existing:
            conn.execute(sql_text(f"DROP INDEX {replaced}"))


def _postgis_points(conn: Connection) -> None:
    """On PostgreSQL, a PostGIS point for each place, kept by the database itself (a
    generated column: no insert needs to know about it), and a GiST index for the viewport
    filter. SQLite filters on the latitude and longitude indexes instead."""
    if conn.dialect.name != "postgresql":
        return
    installed = conn.scalar(sql_text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'"))
    if not installed:
        try:
            with conn.begin_nested():
                conn.execute(sql_text("CREATE EXTENSION postgis"))
        except DBAPIError as exc:
            raise StoreError("PostGIS is not installed in this database and this role cannot install it "
                             f"({_first_line(exc)}); as a superuser run CREATE EXTENSION postgis in it (Debian: "
                             "apt-get install postgresql-15-postgis-3)") from exc
    conn.execute(sql_text(
        "ALTER TABLE places ADD COLUMN IF NOT EXISTS geom geometry(Point, 4326) "
        "GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED"))
    conn.execute(sql_text("CREATE INDEX IF NOT EXISTS places_geom ON places USING GIST (geom)"))


def _place_stats(conn: Connection) -> None:
    from geomap.place_stats import rebuild

    place_stats.create(conn, checkfirst=True)
    rebuild(conn)


# Forward migrations, applied in order, each in its own transaction. Append; never edit.
MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "articles, passages, places, mentions", _initial_schema),
    (2, "places.search_name: accent- and case-folded names for the place filter", _add_search_name),
    (3, "corrections, and the mentions' surface_key / auto_place_id / correction_id / rejected", _add_corrections),
    (4, "covering indexes on mentions by place and by article, for the map's counts", _covering_indexes),
    (5, "PostgreSQL: a PostGIS point per place with a GiST index (nothing on SQLite)", _postgis_points),
    (6, "place_stats: per-place totals for the map's unfiltered views", _place_stats),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


class StoreError(RuntimeError):
    """The database cannot be opened or written; the message says why."""


BUSY_TIMEOUT_MS = 30_000
WRITE_LOCK_KEY = 0x67656F6D6170  # "geomap": the PostgreSQL advisory lock every writer takes


def connect(url: str) -> Engine:
    """An engine for ``url`` with the schema migrated to the current version."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if _on_read_only_media(path):
            # SQLite cannot create the -shm file a WAL database needs, even to read it; a file
            # on read-only media cannot change under us, so read it as immutable instead.
            url = f"sqlite:///file:{quote(str(path))}?mode=ro&immutable=1&uri=true"
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, **_engine_options(url))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    # Whoever commits (writing(), engine.begin(), a migration), the per-place totals commit with
    # the mentions they count: settled just before the COMMIT, in the same transaction.
    event.listen(engine, "commit", _settle_place_stats)
    event.listen(engine, "rollback", _rolled_back)
    migrate(engine)
    if not _has_statistics(engine):
        refresh_statistics(engine)
    return engine


def _engine_options(url: str) -> dict:
    if make_url(url).get_backend_name() == "postgresql":
        # A server restarted under a long-running `geomap serve` leaves dead pooled
        # connections: test each one before use rather than fail a request.
        # Streamed queries (the map, the exports) read every row: without cursor_tuple_fraction=1
        # PostgreSQL plans a server-side cursor for its first 10% and picks nested loops that are
        # 2-3x slower for the whole result.
        return {"pool_pre_ping": True,
                "connect_args": {"connect_timeout": 10, "options": "-c cursor_tuple_fraction=1"}}
    return {}


def _on_read_only_media(path: Path) -> bool:
    """A database file in a directory nobody can write to (a read-only mount), with no
    uncommitted-to-the-file WAL beside it (an immutable read would not see that WAL)."""
    import os

    return (path.is_file() and not os.access(path.parent, os.W_OK) and not os.access(path, os.W_OK)
            and not Path(f"{path}-wal").exists())


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # first: the pragmas below may wait for a lock
    _use_wal(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _use_wal(cursor) -> None:
    """Put the database in WAL mode (it stays so: the mode is stored in the file), so readers
    never wait for the writer.

    Switching needs the database to itself, and SQLite answers "database is locked" at once,
    without waiting out the busy timeout, when another process holds it even briefly. That
    happens when several processes open a brand-new database together (two ingests started
    at once): retry until one of them has switched it or the busy timeout has passed.
    """
    import sqlite3
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    # One try when not refused: a database that cannot be WAL (read-only, in memory) keeps its
    # mode without an error, as before.
    while cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() not in ("wal", "off"):  # off: immutable
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction that holds the write lock from its first statement.

    On SQLite a plain (deferred) transaction that reads before it writes fails with
    "database is locked" when another writer commits in between, whatever the busy
    timeout; BEGIN IMMEDIATE waits for the lock instead, and makes read-then-insert
    (is this article stored?) atomic across processes.
    """
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.begin()
            if engine.dialect.name == "postgresql":  # released at commit or rollback
                conn.execute(sql_text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection whose queries all see the same committed state (one read transaction).

    Without it, SQLite runs each statement in its own snapshot, so two queries of one
    page (places with their counts, then their mentions) can straddle an ingest's commit.
    """
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN")  # deferred: the snapshot is taken by the first read
        else:  # PostgreSQL: one snapshot for the whole transaction
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        try:
            yield conn
        finally:
            conn.rollback()


# What SQLite's messages mean to someone running a command, and what to do about it.
_CAUSES = [
    ("database or disk is full", "the disk is full", "free some space and run the command again"),
    ("no space left", "the disk is full", "free some space and run the command again"),
    ("disk i/o error", "a disk I/O error (disk full, or a file size limit?)",
     "check the disk and run the command again"),
    ("readonly database", "the database is read-only (a read-only file, directory or mount)",
     "make it writable or use another --db"),
    ("read-only", "the database is read-only (a read-only file, directory or mount)",
     "make it writable or use another --db"),
    ("unable to open database file", "the database file cannot be opened or created (a missing or read-only "
     "directory?)", "check the path and its permissions"),
    ("database is locked", "another process held the database for more than "
     f"{BUSY_TIMEOUT_MS // 1000} s", "try again when it has finished"),
    ("file is not a database", "the file is not a SQLite database (or it is damaged)",
     "check the path, or restore it from a backup"),
    ("malformed", "the database file is damaged", "restore it from a backup"),
    # PostgreSQL (libpq's words, as psycopg passes them on)
    ("connection refused", "the PostgreSQL server is not running or not listening there",
     "start it, or check the host and port"),
    ("could not translate host name", "the PostgreSQL host name is unknown", "check the host in the URL"),
    ("timeout expired", "the PostgreSQL server did not answer", "check the host, the port and the network"),
    ("password authentication failed", "PostgreSQL refused the user name or password", "check the URL's credentials"),
    ("does not exist", "the PostgreSQL database or role does not exist", "create it (createdb) or fix the URL"),
    ("permission denied", "this PostgreSQL role lacks a permission it needs", "grant it, or use another role"),
    ("no password supplied", "PostgreSQL asked for a password", "put it in the URL or in ~/.pgpass"),
]


def describe_error(exc: BaseException, url: str) -> str:
    """One line naming the database and the cause of ``exc``, for a user."""
    where = _display_name(url)
    if isinstance(exc, StoreError):
        return f"database {where}: {exc}"
    detail = _first_line(exc)
    lowered = detail.lower()
    for needle, cause, advice in _CAUSES:
        if needle in lowered:
            return f"cannot use the database {where}: {cause} ({detail}); {advice}"
    return f"cannot use the database {where}: {detail}"


def _display_name(url: str) -> str:
    """The database as a user named it: a file path, or the URL without its password."""
    if url.startswith("sqlite:///"):
        where = url.removeprefix("sqlite:///")
        if where.startswith("file:"):  # the read-only URI form connect() may use
            where = unquote(where.removeprefix("file:").split("?", 1)[0])
        return where
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy can parse: still never echo a password
        return url.split("@")[-1] if "@" in url else url


def _first_line(exc: BaseException) -> str:
    cause = getattr(exc, "orig", None) or exc  # SQLAlchemy's wrapper adds the SQL and a link: keep the driver's words
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


def is_store_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is the database failing (full, read-only, locked, damaged), not one bad article.

    Such a failure hits every article after it, so a batch stops at the first one.
    """
    from sqlalchemy.exc import OperationalError

    return isinstance(exc, (OperationalError, StoreError)) or (
        isinstance(exc, DBAPIError) and "not a database" in str(exc))


def migrate(engine: Engine) -> int:
    """Apply the migrations this database lacks; return its schema version."""
    with engine.connect() as conn:
        exists = inspect(conn).has_table("schema_migrations")
        done = set(conn.scalars(select(schema_migrations.c.version))) if exists else set()
    if not exists:
        with writing(engine) as conn:
            schema_migrations.create(conn, checkfirst=True)
    newest = max(done, default=0)
    if newest > SCHEMA_VERSION:
        raise StoreError(f"the database has schema version {newest}, newer than this geomap ({SCHEMA_VERSION}); "
                         "upgrade geomap")
    for version, name, apply in MIGRATIONS:
        if version not in done:
            with writing(engine) as conn:
                # Under the write lock, look again: two processes opening a new database at
                # once both saw it unmigrated ("table mentions already exists" for the second).
                if conn.scalar(select(schema_migrations.c.version).where(schema_migrations.c.version == version)):
                    continue
                apply(conn)
                conn.execute(insert(schema_migrations).values(version=version, name=name, applied_at=_now()))
    return SCHEMA_VERSION


def refresh_statistics(engine: Engine) -> None:
    """Let the query planner see the tables as they are now (SQLite's ANALYZE).

    Without statistics SQLite guesses, and guesses badly here: it walks the correction index
    for "review" and scans every mention for a name search (10-15x slower at 100k mentions).
    ``analysis_limit`` samples each index, so this takes milliseconds at any size. Statistics
    only speed reads up, so a database that cannot be written goes on without them.
    PostgreSQL's autovacuum analyzes tables as they change; an ANALYZE here would cost every
    one-article upload a second at a million mentions.
    """
    from sqlalchemy.exc import OperationalError

    if engine.dialect.name != "sqlite":
        return
    try:
        with writing(engine) as conn:
            conn.exec_driver_sql("PRAGMA analysis_limit = 1000")
            conn.exec_driver_sql("ANALYZE")
    except OperationalError:
        pass


def _has_statistics(engine: Engine) -> bool:
    """SQLite keeps statistics only after ANALYZE; PostgreSQL's autovacuum gathers its own."""
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as conn:
        return inspect(conn).has_table("sqlite_stat1")


@dataclass(frozen=True)
class SaveResult:
    status: str  # "added", "updated" or "unchanged"
    article_id: int
    mentions: int


def save_article(conn: Connection, article: Article, mentions_: list[Mention], passages_: list[Passage], *,
                 replace: bool = False) -> SaveResult:
    """Store one geoparsed article. The caller owns the transaction (one per article).

    An article already stored (same identity) is left as it is unless ``replace``.
    """
    identity = storable(article.identity)
    existing = conn.scalar(select(articles.c.id).where(articles.c.identity == identity))
    if existing is not None and not replace:
        count = conn.scalar(select(func.count()).select_from(mentions).where(mentions.c.article_id == existing))
        return SaveResult("unchanged", existing, count)
    values = dict(identity=identity, title=article.title, published=article.published, source=article.source,
                  url=article.url, author=article.author, origin=article.origin, external_id=article.external_id,
                  text=article.text)
    values = {name: storable(value) for name, value in values.items()} | {"ingested_at": _now()}
    if existing is None:
        article_id = conn.execute(insert(articles).values(**values)).inserted_primary_key[0]
        status = "added"
    else:
        article_id = existing
        _clear_geoparse(conn, article_id)
        conn.execute(update(articles).where(articles.c.id == article_id).values(**values))
        status = "updated"
    write_geoparse(conn, article_id, article.text, mentions_, passages_)
    return SaveResult(status, article_id, len(mentions_))


def write_geoparse(conn: Connection, article_id: int, text: str, mentions_: list[Mention],
                   passages_: list[Passage]) -> None:
    """Write an article's passages and mentions (replacing none: clear first).

    A handful of statements per article whatever its length: passages and
    mentions go in as bulk inserts, places are looked up all at once.
    """
    _changing(conn, article_id)
    passage_ids: dict[int, int] = {}
    if passages_:
        text = storable(text)
        rows = [dict(article_id=article_id, idx=p.index, start=p.start, end=p.end, text=text[p.start:p.end])
                for p in passages_]
        # A plain executemany, then the ids by index: RETURNING in parameter order makes
        # SQLAlchemy insert SQLite rows one statement at a time (28 statements an article).
        conn.execute(insert(passages), rows)
        passage_ids = dict(conn.execute(select(passages.c.idx, passages.c.id)
                                        .where(passages.c.article_id == article_id)).all())
    place_ids = place_ids_for(conn, [m.place for m in mentions_])
    rows = [dict(article_id=article_id, passage_id=passage_ids.get(m.passage), place_id=place_ids[_place_key(m.place)],
                 start=m.start, end=m.end, surface=storable(m.text), surface_key=name_key(m.text), score=m.score,
                 precision=m.precision,
                 alternatives=json.dumps([_alternative_json(a.place, a.score) for a in m.alternatives]))
            for m in mentions_]
    if rows:
        conn.execute(insert(mentions), rows)


def replace_geoparse(conn: Connection, article_id: int, text: str, mentions_: list[Mention],
                     passages_: list[Passage]) -> None:
    """Re-geoparse a stored article in place (its row and identity stay)."""
    _clear_geoparse(conn, article_id)
    write_geoparse(conn, article_id, text, mentions_, passages_)


def _clear_geoparse(conn: Connection, article_id: int) -> None:
    _changing(conn, article_id)
    conn.execute(delete(mentions).where(mentions.c.article_id == article_id))
    conn.execute(delete(passages).where(passages.c.article_id == article_id))


def _settle_place_stats(conn: Connection) -> None:
    from geomap.place_stats import flush

    flush(conn)


def _rolled_back(conn: Connection) -> None:
    from geomap.place_stats import forget

    if conn.invalidated:  # its DBAPI connection (and what it remembered) is being thrown away;
        return  # touching conn.info now would raise over the error that invalidated it (Ctrl-C)
    forget(conn)
    conn.info.pop(_PLACE_IDS, None)  # the places this transaction created are gone


def _changing(conn: Connection, article_id: int) -> None:
    from geomap.place_stats import changing

    changing(conn, article_id)


_PLACE_IDS = "geomap.place_ids"  # conn.info: gazetteer key -> stored place id, as this connection knows them


def place_ids_for(conn: Connection, refs: list[PlaceRef]) -> dict[str, int]:
    """Get-or-create the stored places for gazetteer places, keyed by their stable key.

    Places are never deleted or renumbered, so each connection remembers the ids it has seen
    (forgotten on rollback, which may undo the places it created): a batch of articles about
    the same places asks the database once."""
    known = conn.info.setdefault(_PLACE_IDS, {})
    wanted = {_place_key(ref): ref for ref in refs}
    found = {key: known[key] for key in wanted if key in known}
    unknown = [key for key in wanted if key not in found]
    if unknown:
        found.update(conn.execute(select(places.c.key, places.c.id).where(places.c.key.in_(unknown))).all())
    missing = [ref_key for ref_key in wanted if ref_key not in found]
    if missing:
        from gazetteer import PRECISION

        rows = [dict(key=k, geonameid=wanted[k].geonameid, name=wanted[k].name, kind=wanted[k].kind,
                     country_code=wanted[k].country_code, lat=wanted[k].lat, lon=wanted[k].lon,
                     precision=wanted[k].precision or PRECISION.get(wanted[k].kind, 1),
                     search_name=name_key(wanted[k].name))
                for k in missing]
        ids = conn.scalars(insert(places).returning(places.c.id, sort_by_parameter_order=True), rows).all()
        found.update(zip(missing, ids))
    known.update(found)
    return found


def storable(value):
    """``value`` with NUL characters replaced by U+FFFD, one for one (offsets still hold):
    PostgreSQL's text cannot hold NUL, and SQLite's copy must read back the same."""
    return value.replace("\x00", "\ufffd") if isinstance(value, str) and "\x00" in value else value


def _place_key(place: PlaceRef) -> str:
    return place.key or f"{place.kind}:{place.name}:{place.lat:.5f}:{place.lon:.5f}"


def _alternative_json(place: PlaceRef, score: float) -> dict:
    return {"key": place.key, "geonameid": place.geonameid, "name": place.name, "country_code": place.country_code,
            "kind": place.kind, "lat": place.lat, "lon": place.lon, "score": score}


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
