"""The store: articles, passages, places and mentions, in SQLAlchemy Core.

SQLite by default (WAL, so the web app reads while an ingest writes); the same
tables and queries are meant to run on PostgreSQL. Every article is written in
one transaction, so a crash or a bad file mid-batch never leaves half of one.
Schema changes are forward migrations recorded in ``schema_migrations``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from sqlalchemy import (Column, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text,
                        create_engine, delete, event, func, insert, inspect, select, update)
from sqlalchemy import text as sql_text
from sqlalchemy.engine import Connection, Engine

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
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("passage_id", Integer, ForeignKey("passages.id", ondelete="CASCADE")),
    Column("place_id", Integer, ForeignKey("places.id"), nullable=False, index=True),
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


# Forward migrations, applied in order, each in its own transaction. Append; never edit.
MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "articles, passages, places, mentions", _initial_schema),
    (2, "places.search_name: accent- and case-folded names for the place filter", _add_search_name),
    (3, "corrections, and the mentions' surface_key / auto_place_id / correction_id / rejected", _add_corrections),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


class StoreError(RuntimeError):
    """The database cannot be opened or written; the message says why."""


def connect(url: str) -> Engine:
    """An engine for ``url`` with the schema migrated to the current version."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    migrate(engine)
    return engine


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")  # a second writer waits instead of failing
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def migrate(engine: Engine) -> int:
    """Apply the migrations this database lacks; return its schema version."""
    with engine.begin() as conn:
        schema_migrations.create(conn, checkfirst=True)
        done = set(conn.scalars(select(schema_migrations.c.version)))
    newest = max(done, default=0)
    if newest > SCHEMA_VERSION:
        raise StoreError(f"the database has schema version {newest}, newer than this geomap ({SCHEMA_VERSION}); "
                         "upgrade geomap")
    for version, name, apply in MIGRATIONS:
        if version not in done:
            with engine.begin() as conn:
                apply(conn)
                conn.execute(insert(schema_migrations).values(version=version, name=name, applied_at=_now()))
    return SCHEMA_VERSION


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
    identity = article.identity
    existing = conn.scalar(select(articles.c.id).where(articles.c.identity == identity))
    if existing is not None and not replace:
        count = conn.scalar(select(func.count()).select_from(mentions).where(mentions.c.article_id == existing))
        return SaveResult("unchanged", existing, count)
    values = dict(identity=identity, title=article.title, published=article.published, source=article.source,
                  url=article.url, author=article.author, origin=article.origin, external_id=article.external_id,
                  text=article.text, ingested_at=_now())
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
    passage_ids: dict[int, int] = {}
    if passages_:
        rows = [dict(article_id=article_id, idx=p.index, start=p.start, end=p.end, text=text[p.start:p.end])
                for p in passages_]
        ids = conn.scalars(insert(passages).returning(passages.c.id, sort_by_parameter_order=True), rows).all()
        passage_ids = {p.index: pid for p, pid in zip(passages_, ids)}
    place_ids = place_ids_for(conn, [m.place for m in mentions_])
    rows = [dict(article_id=article_id, passage_id=passage_ids.get(m.passage), place_id=place_ids[_place_key(m.place)],
                 start=m.start, end=m.end, surface=m.text, surface_key=name_key(m.text), score=m.score,
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
    conn.execute(delete(mentions).where(mentions.c.article_id == article_id))
    conn.execute(delete(passages).where(passages.c.article_id == article_id))


def place_ids_for(conn: Connection, refs: list[PlaceRef]) -> dict[str, int]:
    """Get-or-create the stored places for gazetteer places, keyed by their stable key."""
    wanted = {_place_key(ref): ref for ref in refs}
    found = dict(conn.execute(select(places.c.key, places.c.id).where(places.c.key.in_(list(wanted)))).all()) \
        if wanted else {}
    missing = [ref_key for ref_key in wanted if ref_key not in found]
    if missing:
        from gazetteer import PRECISION

        rows = [dict(key=k, geonameid=wanted[k].geonameid, name=wanted[k].name, kind=wanted[k].kind,
                     country_code=wanted[k].country_code, lat=wanted[k].lat, lon=wanted[k].lon,
                     precision=PRECISION.get(wanted[k].kind, 1), search_name=name_key(wanted[k].name))
                for k in missing]
        ids = conn.scalars(insert(places).returning(places.c.id, sort_by_parameter_order=True), rows).all()
        found.update(zip(missing, ids))
    return found


def _place_key(place: PlaceRef) -> str:
    return place.key or f"{place.kind}:{place.name}:{place.lat:.5f}:{place.lon:.5f}"


def _alternative_json(place: PlaceRef, score: float) -> dict:
    return {"key": place.key, "geonameid": place.geonameid, "name": place.name, "country_code": place.country_code,
            "kind": place.kind, "lat": place.lat, "lon": place.lon, "score": score}


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
