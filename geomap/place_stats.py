"""Per-place totals (``store.place_stats``), kept exact as articles come, change and go.

The map's first view (no filter, or only place filters: country, name, box) needs each place's
counts over every mention; at a million mentions that is seconds of scanning, while the totals
are one row per place. Every function that changes an article's mentions first calls
``changing(conn, article_id)``, which notes (once per transaction) the places that article
counted towards before; the store's engines call ``flush`` as each transaction commits (a
``commit`` event: whoever commits, the totals go with the mentions) and ``forget`` on rollback:

- an article that had no mentions before (an ingest) adds its own totals to its places: a
  grouped read of its mentions and one upsert;
- any other change (reprocess, replace, a correction) recomputes its places, before and after,
  from their mentions.
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import and_, case, delete, distinct, func, insert, select
from sqlalchemy.engine import Connection

from geomap.model import DOUBTFUL_BELOW
from geomap.store import articles, mentions, place_stats

_PENDING = "place_stats"  # conn.info key: article id -> the places it counted towards before
_CHUNK = 500  # ids per IN list: within SQLite's parameter limit


def changing(conn: Connection, article_id: int) -> None:
    """Call before changing any of ``article_id``'s mentions in this transaction."""
    pending = conn.info.setdefault(_PENDING, {})
    if article_id not in pending:
        pending[article_id] = set(conn.scalars(
            select(mentions.c.place_id).where(mentions.c.article_id == article_id).distinct()))


def forget(conn: Connection) -> None:
    """The transaction rolled back: its changes, and so its notes, are gone."""
    conn.info.pop(_PENDING, None)


def flush(conn: Connection) -> None:
    """Settle the totals of every place the changes in this transaction touched."""
    pending = conn.info.pop(_PENDING, None)
    if not pending:
        return
    fresh = [article_id for article_id, before in pending.items() if not before]
    dirty: set[int] = set()
    for article_id, before in pending.items():
        if before:
            dirty |= before | set(conn.scalars(
                select(mentions.c.place_id).where(mentions.c.article_id == article_id).distinct()))
    if fresh:
        _add_articles(conn, fresh, skip=dirty)
    if dirty:
        recompute(conn, dirty)


def doubtful_count():
    """How many of the grouped mentions are doubtful and undecided (an analyst's look is due)."""
    doubtful = and_(mentions.c.score < DOUBTFUL_BELOW, mentions.c.correction_id.is_(None))
    return func.sum(case((doubtful, 1), else_=0)).label("doubtful_count")


def total_columns() -> list:
    """A place's totals over grouped mentions joined to their articles: what place_stats holds,
    and what a filtered view counts from the mentions themselves (geomap.query)."""
    return [
        func.count(mentions.c.id).label("mention_count"),
        func.count(distinct(mentions.c.article_id)).label("article_count"),
        func.min(articles.c.published).label("first_date"), func.max(articles.c.published).label("last_date"),
        doubtful_count(),
        func.sum(case((mentions.c.correction_id.is_not(None), 1), else_=0)).label("corrected_count"),
    ]


def _totals(where):
    """Totals by place over (not rejected) mentions matching ``where``, as place_stats rows."""
    return select(mentions.c.place_id, *total_columns()) \
        .select_from(mentions.join(articles, mentions.c.article_id == articles.c.id)) \
        .where(and_(mentions.c.rejected == 0, where)).group_by(mentions.c.place_id)


def recompute(conn: Connection, place_ids: Iterable[int]) -> None:
    """Recount these places from their mentions (a place left with none loses its row)."""
    ids = sorted(place_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        conn.execute(delete(place_stats).where(place_stats.c.place_id.in_(chunk)))
        _insert_from(conn, _totals(mentions.c.place_id.in_(chunk)))


def rebuild(conn: Connection) -> None:
    """Recount every place (the migration that adds the table, or after a bulk load)."""
    conn.execute(delete(place_stats))
    _insert_from(conn, _totals(True))


def _insert_from(conn: Connection, query) -> None:
    columns = [c.name for c in place_stats.columns]
    conn.execute(insert(place_stats).from_select(columns, query))


def _add_articles(conn: Connection, article_ids: list[int], *, skip: set[int]) -> None:
    """Add new articles' totals to their places (those in ``skip`` are recounted anyway)."""
    for start in range(0, len(article_ids), _CHUNK):
        rows = [row._asdict() for row in conn.execute(
            _totals(mentions.c.article_id.in_(article_ids[start:start + _CHUNK]))) if row.place_id not in skip]
        if not rows:
            continue
        upsert = _upsert_statement(conn)
        if upsert is None:  # a database without INSERT ... ON CONFLICT: recount instead
            recompute(conn, {row["place_id"] for row in rows})
        else:
            conn.execute(upsert, rows)


def _upsert_statement(conn: Connection):
    """INSERT ... ON CONFLICT (place_id) DO UPDATE adding the new totals to the old."""
    if conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    elif conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        return None
    statement = dialect_insert(place_stats)
    old, new = place_stats.c, statement.excluded

    def earliest(a, b):
        return case((a.is_(None), b), (b.is_(None), a), (b < a, b), else_=a)

    def latest(a, b):
        return case((a.is_(None), b), (b.is_(None), a), (b > a, b), else_=a)

    return statement.on_conflict_do_update(index_elements=[place_stats.c.place_id], set_={
        "mention_count": old.mention_count + new.mention_count,
        "article_count": old.article_count + new.article_count,
        "first_date": earliest(old.first_date, new.first_date),
        "last_date": latest(old.last_date, new.last_date),
        "doubtful_count": old.doubtful_count + new.doubtful_count,
        "corrected_count": old.corrected_count + new.corrected_count,
    })
