"""Filters shared by the CLI, the web app and the exports, and the queries they drive.

Every filter becomes a parameterised SQLAlchemy clause; nothing is ever pasted
into SQL text.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Iterator, Mapping

from sqlalchemy import Boolean, and_, distinct, false, func, literal_column, or_, select
from sqlalchemy.engine import Connection, Row
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement

from gazetteer import name_key
from geomap.dates import parse_user_date
from geomap.model import DOUBTFUL_BELOW
from geomap.place_stats import total_columns
from geomap.store import articles, mentions, passages, place_stats, places


# The largest id a store holds: PostgreSQL's INTEGER is 32-bit (SQLite's 64), and a larger id
# from a URL would be an "out of range" database error (a 500), not the 404 or 400 it deserves.
MAX_ID = 2**31 - 1
MAX_ROWS = 2**63 - 1  # a LIMIT or OFFSET either database takes



class InvalidFilter(ValueError):
    """A filter value a user gave is not valid; the message says what was wrong."""


@dataclass(frozen=True)
class BBox:
    """A viewport in degrees. ``west > east`` is a box across the antimeridian (170,-50,-170,-30)."""
    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, text: str) -> "BBox":
        """``"west,south,east,north"`` (the GeoJSON/OGC order), validated."""
        parts = str(text).split(",")
        if len(parts) != 4:
            raise InvalidFilter(f"bbox must be west,south,east,north in degrees, got {text!r}")
        try:
            west, south, east, north = (float(p) for p in parts)
        except ValueError:
            raise InvalidFilter(f"bbox must be four numbers (west,south,east,north), got {text!r}") from None
        if not all(-180 <= v <= 180 for v in (west, east)) or not all(-90 <= v <= 90 for v in (south, north)):
            raise InvalidFilter(f"bbox longitudes must be within -180..180 and latitudes within -90..90, got {text!r}")
        if south > north:
            raise InvalidFilter(f"bbox south ({south:g}) is north of its north ({north:g})")
        return cls(west, south, east, north)

    def clause(self):
        """Places inside the box (edges included): over the PostGIS point and its GiST index
        on PostgreSQL, over the latitude and longitude elsewhere."""
        return _InBox(self)

    def lat_lon_clause(self):
        lat = places.c.lat.between(self.south, self.north)
        if self.west <= self.east:
            return and_(lat, places.c.lon.between(self.west, self.east))
        return and_(lat, or_(places.c.lon >= self.west, places.c.lon <= self.east))

    def postgis_clause(self):
        geom = literal_column("places.geom")  # the generated column of migration 5

        def overlaps(west: float, east: float):  # && is "bounding boxes intersect": for a point, inside
            return geom.op("&&")(func.ST_MakeEnvelope(west, self.south, east, self.north, 4326))

        if self.west <= self.east:
            return overlaps(self.west, self.east)
        return or_(overlaps(self.west, 180.0), overlaps(-180.0, self.east))

    def __str__(self) -> str:
        return ",".join(format(v, ".10g") for v in (self.west, self.south, self.east, self.north))


class _InBox(ColumnElement):
    """A bbox test compiled for each database (see ``BBox.clause``)."""
    type = Boolean()
    inherit_cache = False  # each box's numbers are bound parameters of a freshly compiled clause

    def __init__(self, box: BBox):
        self.box = box


@compiles(_InBox)
def _in_box_by_lat_lon(element, compiler, **kw):
    return compiler.process(element.box.lat_lon_clause(), **kw)


@compiles(_InBox, "postgresql")
def _in_box_by_postgis(element, compiler, **kw):
    return compiler.process(element.box.postgis_clause(), **kw)


@dataclass(frozen=True)
class Filters:
    article_ids: tuple[int, ...] = ()
    since: date | None = None  # inclusive
    until: date | None = None  # inclusive
    country: str | None = None  # ISO 3166-1 alpha-2
    q: str | None = None  # place name, case-insensitive substring
    review: bool = False  # only doubtful mentions no analyst has decided yet
    bbox: BBox | None = None  # only places inside this box

    @classmethod
    def from_args(cls, *, article: Iterable[str | int] = (), since: str | None = None, until: str | None = None,
                  country: str | None = None, q: str | None = None, review: str | bool | None = None,
                  bbox: str | BBox | None = None) -> "Filters":
        """Validate raw values (from a URL or the command line) into filters."""
        ids = []
        for value in article:
            try:
                number = int(str(value).strip())
            except ValueError:
                raise InvalidFilter(f"article must be an article id (a whole number), got {value!r}") from None
            if number < 1:
                raise InvalidFilter(f"article must be a positive id, got {value!r}")
            if number > MAX_ID:
                raise InvalidFilter(f"article must be an id of at most {MAX_ID}, got {value!r}")
            ids.append(number)
        since_date, until_date = _date("since", since), _date("until", until)
        if since_date and until_date and since_date > until_date:
            raise InvalidFilter(f"since ({since_date}) is after until ({until_date})")
        if country is not None and country.strip():
            country = country.strip().upper()
            if len(country) != 2 or not country.isalpha() or not country.isascii():
                raise InvalidFilter(f"country must be a two-letter ISO code such as UA, got {country!r}")
        else:
            country = None
        q = q.strip() if q and q.strip() else None
        if q is not None and len(q) > 200:
            raise InvalidFilter("q (place name) must be at most 200 characters")
        if isinstance(bbox, str):
            bbox = BBox.parse(bbox) if bbox.strip() else None
        return cls(tuple(dict.fromkeys(ids)), since_date, until_date, country, q, _flag("review", review), bbox)

    def clauses(self) -> list:
        """WHERE clauses over ``mentions``, ``articles`` and ``places`` joined together."""
        return self.article_clauses() + self.place_clauses() + self.mention_clauses()

    def mention_clauses(self) -> list:
        """Mentions an analyst marked "not a place" leave every view; ``review`` keeps the doubtful."""
        where = [mentions.c.rejected == 0]
        if self.review:
            where += [mentions.c.score < DOUBTFUL_BELOW, mentions.c.correction_id.is_(None)]
        return where

    def article_clauses(self) -> list:
        where = []
        if self.article_ids:
            where.append(articles.c.id.in_(self.article_ids))
        if self.since:
            where.append(articles.c.published >= self.since)
        if self.until:
            where.append(articles.c.published <= self.until)
        return where

    @property
    def place_level_only(self) -> bool:
        """Only place filters (country, name, box): the per-place totals answer without reading
        a single mention (``store.place_stats``)."""
        return not (self.article_ids or self.since or self.until or self.review)

    def place_clauses(self, place_id=mentions.c.place_id) -> list:
        """Clauses on the place; ``place_id`` is the column the name filter's id set applies to."""
        where = []
        if self.bbox:
            where.append(self.bbox.clause())
        if self.country:
            where.append(places.c.country_code == self.country)
        if self.q:
            # Folded like the gazetteer's keys on both sides: "orebro" and "Örebro" both find Örebro.
            folded = name_key(self.q)  # letters and digits only: nothing left to escape
            # As a set of place ids: the LIKE then runs once per place, not once per mention
            # (the planner cannot use an index for a %...% pattern either way).
            where.append(place_id.in_(select(places.c.id).where(places.c.search_name.like(f"%{folded}%")))
                         if folded else false())
        return where

    def describe(self) -> str:
        parts = []
        if self.article_ids:
            parts.append("articles " + ", ".join(map(str, self.article_ids)))
        if self.since:
            parts.append(f"from {self.since}")
        if self.until:
            parts.append(f"until {self.until}")
        if self.country:
            parts.append(f"in {self.country}")
        if self.q:
            parts.append(f"places matching {self.q!r}")
        if self.review:
            parts.append("doubtful mentions only")
        if self.bbox:
            parts.append(f"inside {self.bbox}")
        return "; ".join(parts) or "everything"


def _flag(name: str, value: str | bool | None) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    text = value.strip().lower()
    if text in ("", "0", "false", "no", "off"):
        return False
    if text in ("1", "true", "yes", "on"):
        return True
    raise InvalidFilter(f"{name} must be 1 or 0, got {value!r}")


def _date(name: str, value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    value = value.strip()
    if not value:
        return None
    try:
        return parse_user_date(value)  # strict: "20250102" or "2025-W01-1" are not accepted either
    except ValueError:
        raise InvalidFilter(f"{name} must be a date as YYYY-MM-DD, got {value!r}") from None


# Mentions with their article and place: what every count is taken over (passages only
# when a passage is shown).
PLACE_JOIN = mentions.join(articles, mentions.c.article_id == articles.c.id) \
    .join(places, mentions.c.place_id == places.c.id)
_MENTION_JOIN = PLACE_JOIN.outerjoin(passages, mentions.c.passage_id == passages.c.id)


def iter_mentions(conn: Connection, filters: Filters, *, order: str = "place", per_place: int | None = None,
                  place_id: int | None = None, limit: int | None = None, batch: int = 1000) -> Iterator[Row]:
    """Every mention under ``filters`` with its article, passage and place, streamed.

    ``order="place"`` groups by place (newest article first within a place);
    ``order="article"`` follows articles and their text. ``per_place`` keeps only
    each place's newest mentions, ranked in SQL so the rest are never read;
    ``place_id`` keeps one place's, ``limit`` the first so many.
    """
    newest_first = (articles.c.published.desc().nulls_last(), articles.c.id.desc(), mentions.c.start)
    ordering = {"place": (places.c.id, *newest_first), "article": (articles.c.id, mentions.c.start)}[order]
    query = select(
        mentions.c.id, mentions.c.start, mentions.c.end, mentions.c.surface, mentions.c.score,
        mentions.c.precision, mentions.c.alternatives, mentions.c.correction_id, mentions.c.auto_place_id,
        articles.c.id.label("article_id"), articles.c.title.label("article_title"), articles.c.published,
        articles.c.url.label("article_url"), articles.c.source.label("article_source"),
        passages.c.idx.label("passage_index"), passages.c.start.label("passage_start"),
        passages.c.text.label("passage"),
        places.c.id.label("place_id"), places.c.key.label("place_key"), places.c.geonameid, places.c.name,
        places.c.kind, places.c.country_code, places.c.lat, places.c.lon, places.c.precision.label("place_precision"),
    ).select_from(_MENTION_JOIN).where(and_(True, *filters.clauses())).order_by(*ordering)
    if per_place is not None:
        ranked = select(mentions.c.id.label("mention_id"), func.row_number().over(
            partition_by=mentions.c.place_id, order_by=newest_first).label("rank")) \
            .select_from(PLACE_JOIN).where(and_(True, *filters.clauses())).subquery()
        query = query.where(mentions.c.id.in_(select(ranked.c.mention_id).where(ranked.c.rank <= per_place)))
    if place_id is not None:
        query = query.where(mentions.c.place_id == place_id)
    if limit is not None:
        query = query.limit(_bounded(limit))
        # A few rows (a popup's): a plain query. A server-side cursor would gain nothing, and
        # PostgreSQL plans cursors without parallel workers (200 ms instead of 40 at 1M mentions).
        yield from conn.execute(query)
        return
    yield from conn.execution_options(stream_results=True, yield_per=batch).execute(query)


_PLACE_COLUMNS = (places.c.id.label("place_id"), places.c.key.label("place_key"), places.c.geonameid, places.c.name,
                  places.c.kind, places.c.country_code, places.c.lat, places.c.lon, places.c.precision)
# Places with their totals over every mention (see Filters.place_level_only).
PLACE_TOTALS = places.join(place_stats, place_stats.c.place_id == places.c.id)


def place_totals_clauses(filters: Filters) -> list:
    """WHERE clauses over ``PLACE_TOTALS`` for filters that are ``place_level_only``."""
    return [place_stats.c.mention_count > 0, *filters.place_clauses(place_id=places.c.id)]


def iter_places(conn: Connection, filters: Filters) -> Iterator[Row]:
    """One row per place under ``filters``: counts and the date range of its mentions, by place id."""
    if filters.place_level_only:  # one row per place read, not one per mention
        query = select(
            *_PLACE_COLUMNS, place_stats.c.mention_count, place_stats.c.article_count, place_stats.c.first_date,
            place_stats.c.last_date, place_stats.c.doubtful_count, place_stats.c.corrected_count,
        ).select_from(PLACE_TOTALS).where(*place_totals_clauses(filters)).order_by(places.c.id)
    else:
        query = _counted_places(filters)
    yield from conn.execution_options(stream_results=True, yield_per=1000).execute(query)


def _counted_places(filters: Filters):
    """``iter_places``' query counted from the mentions themselves (any filter)."""
    return select(*_PLACE_COLUMNS, *total_columns()) \
        .select_from(PLACE_JOIN).where(and_(True, *filters.clauses())).group_by(places.c.id).order_by(places.c.id)


def list_articles(conn: Connection, filters: Filters = Filters(), *, limit: int | None = None,
                  offset: int = 0) -> list[Row]:
    """Stored articles (newest first) with their mention and place counts under ``filters``."""
    counted = select(mentions.c.article_id, func.count(mentions.c.id).label("mention_count"),
                     func.count(distinct(mentions.c.place_id)).label("place_count")) \
        .select_from(mentions.join(places, mentions.c.place_id == places.c.id)) \
        .where(and_(True, *filters.place_clauses(), *filters.mention_clauses())) \
        .group_by(mentions.c.article_id).subquery()
    query = select(articles.c.id, articles.c.title, articles.c.published, articles.c.source, articles.c.url,
                   articles.c.origin, func.coalesce(counted.c.mention_count, 0).label("mention_count"),
                   func.coalesce(counted.c.place_count, 0).label("place_count")) \
        .select_from(articles.outerjoin(counted, counted.c.article_id == articles.c.id)) \
        .where(and_(True, *filters.article_clauses())) \
        .order_by(articles.c.published.desc().nulls_last(), articles.c.id.desc()).offset(_bounded(offset))
    if filters.country or filters.q or filters.bbox or filters.review:  # only articles with such mentions
        query = query.where(counted.c.mention_count > 0)
    if limit is not None:
        query = query.limit(_bounded(limit))
    return list(conn.execute(query))


def article_choices(conn: Connection, *, limit: int) -> list[Row]:
    """The newest articles' id, date and title, for a picker (no counts: those cost a scan)."""
    return list(conn.execute(select(articles.c.id, articles.c.title, articles.c.published)
                             .order_by(articles.c.published.desc().nulls_last(), articles.c.id.desc())
                             .limit(_bounded(limit))))


def date_range(conn: Connection) -> tuple[date | None, date | None]:
    """The earliest and latest article dates stored."""
    row = conn.execute(select(func.min(articles.c.published), func.max(articles.c.published))).one()
    return row[0], row[1]


def counts(conn: Connection) -> Mapping[str, int]:
    return {
        "articles": conn.scalar(select(func.count()).select_from(articles)),
        "mentions": conn.scalar(select(func.count()).select_from(mentions)),
        "places": conn.scalar(select(func.count(distinct(mentions.c.place_id)))),
    }


# -- one article, one place (the article and place pages) ----------------------------

def get_article(conn: Connection, article_id: int) -> Row | None:
    """One stored article with its text, or None."""
    return conn.execute(select(articles).where(articles.c.id == article_id)).one_or_none()


def article_mentions(conn: Connection, article_id: int) -> list[Row]:
    """An article's mentions in text order, each with its place."""
    query = select(
        mentions.c.id, mentions.c.start, mentions.c.end, mentions.c.surface, mentions.c.score,
        mentions.c.precision, places.c.id.label("place_id"), places.c.name, places.c.kind, places.c.country_code,
        mentions.c.correction_id, mentions.c.auto_place_id,
    ).select_from(mentions.join(places, mentions.c.place_id == places.c.id)) \
        .where(mentions.c.article_id == article_id, mentions.c.rejected == 0).order_by(mentions.c.start, mentions.c.id)
    return list(conn.execute(query))


def article_places(conn: Connection, article_id: int) -> list[Row]:
    """The places an article mentions, most mentioned first, with their mention counts."""
    count = func.count(mentions.c.id).label("mention_count")
    query = select(places.c.id, places.c.name, places.c.kind, places.c.country_code, places.c.precision, count) \
        .select_from(mentions.join(places, mentions.c.place_id == places.c.id)) \
        .where(mentions.c.article_id == article_id, mentions.c.rejected == 0) \
        .group_by(places.c.id).order_by(count.desc(), places.c.name, places.c.id)
    return list(conn.execute(query))


def get_place(conn: Connection, place_id: int) -> Row | None:
    """One stored place with its mention and article counts (all articles), or None."""
    query = select(
        places, func.count(mentions.c.id).label("mention_count"),
        func.count(distinct(mentions.c.article_id)).label("article_count"),
    ).select_from(places.outerjoin(mentions, and_(mentions.c.place_id == places.c.id, mentions.c.rejected == 0))) \
        .where(places.c.id == place_id).group_by(places.c.id)
    return conn.execute(query).one_or_none()


def place_passages(conn: Connection, place_id: int, filters: Filters = Filters(), *, limit: int | None = None,
                   offset: int = 0) -> list[Row]:
    """The mentions of one place under ``filters``, newest article first, with their passages
    (``passage``/``passage_start``; None when the mention lies outside every passage) and the
    resolver's ``alternatives`` (JSON text)."""
    query = select(
        mentions.c.id, mentions.c.start, mentions.c.end, mentions.c.surface, mentions.c.score,
        mentions.c.alternatives, mentions.c.correction_id, articles.c.id.label("article_id"),
        articles.c.title.label("article_title"), articles.c.published, articles.c.source.label("article_source"),
        passages.c.start.label("passage_start"), passages.c.text.label("passage"),
    ).select_from(_MENTION_JOIN).where(and_(places.c.id == place_id, *filters.clauses())) \
        .order_by(articles.c.published.desc().nulls_last(), articles.c.id.desc(), mentions.c.start) \
        .offset(_bounded(offset))
    if limit is not None:
        query = query.limit(_bounded(limit))
    return list(conn.execute(query))


def _bounded(number: int) -> int:
    """A LIMIT or OFFSET the database can take: past 2**63 - 1 SQLite raises OverflowError; that many rows never exist."""
    return max(0, min(int(number), MAX_ROWS))


def count_place_passages(conn: Connection, place_id: int, filters: Filters = Filters()) -> int:
    """How many mentions of one place ``filters`` keep."""
    return conn.scalar(select(func.count(mentions.c.id)).select_from(_MENTION_JOIN)
                       .where(and_(places.c.id == place_id, *filters.clauses())))
