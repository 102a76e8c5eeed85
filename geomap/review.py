"""The review side of corrections: which doubtful resolutions to look at first, and one
mention with everything an analyst needs to decide it.

Queries only (parameterised SQLAlchemy Core); the decisions themselves are made by
``geomap.corrections``.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from sqlalchemy import and_, distinct, func, select
from sqlalchemy.engine import Connection, Row

from geomap.query import Filters
from geomap.store import articles, corrections, mentions, passages, places

_JOIN = mentions.join(articles, mentions.c.article_id == articles.c.id) \
    .join(places, mentions.c.place_id == places.c.id) \
    .outerjoin(passages, mentions.c.passage_id == passages.c.id)


def _undecided(filters: Filters) -> list:
    # ``review`` keeps the doubtful mentions no analyst decided (not corrected, not rejected).
    return replace(filters, review=True).clauses()


def review_groups(conn: Connection, filters: Filters = Filters(), *, limit: int | None = None,
                  offset: int = 0) -> list[Row]:
    """Doubtful, undecided mentions grouped by (surface form, place): one decision about a
    surface settles its whole group, so the biggest groups come first.

    Each row: ``surface_key``, ``surface`` (one spelling of it), ``place_id``, ``name``, ``kind``,
    ``country_code``, ``mention_count``, ``article_count``, ``min_score``, ``max_score`` and
    ``mention_id`` (the group's first mention: the one a decision is made from).
    """
    count = func.count(mentions.c.id).label("mention_count")
    article_count = func.count(distinct(mentions.c.article_id)).label("article_count")
    query = select(
        mentions.c.surface_key, func.min(mentions.c.surface).label("surface"), places.c.id.label("place_id"),
        places.c.name, places.c.kind, places.c.country_code, count, article_count,
        func.min(mentions.c.score).label("min_score"), func.max(mentions.c.score).label("max_score"),
        func.min(mentions.c.id).label("mention_id"),
    ).select_from(_JOIN).where(and_(True, *_undecided(filters))) \
        .group_by(mentions.c.surface_key, places.c.id, places.c.name, places.c.kind, places.c.country_code) \
        .order_by(count.desc(), article_count.desc(), mentions.c.surface_key, places.c.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(conn.execute(query))


def count_review_groups(conn: Connection, filters: Filters = Filters()) -> tuple[int, int]:
    """(groups, mentions) waiting for review under ``filters``."""
    groups = select(mentions.c.surface_key, mentions.c.place_id, func.count(mentions.c.id).label("n")) \
        .select_from(_JOIN).where(and_(True, *_undecided(filters))) \
        .group_by(mentions.c.surface_key, mentions.c.place_id).subquery()
    row = conn.execute(select(func.count(), func.coalesce(func.sum(groups.c.n), 0)).select_from(groups)).one()
    return int(row[0]), int(row[1])


def mention_passages(conn: Connection, mention_ids: Iterable[int]) -> dict[int, Row]:
    """Mentions by id with their article and passage (``passage``/``passage_start``, None
    when the mention lies outside every passage)."""
    ids = sorted(set(mention_ids))
    if not ids:
        return {}
    query = select(
        mentions.c.id, mentions.c.start, mentions.c.end, mentions.c.surface, mentions.c.score,
        articles.c.id.label("article_id"), articles.c.title.label("article_title"), articles.c.published,
        passages.c.start.label("passage_start"), passages.c.text.label("passage"),
    ).select_from(_JOIN).where(mentions.c.id.in_(ids))
    return {row.id: row for row in conn.execute(query)}


def mention_detail(conn: Connection, mention_id: int) -> Row | None:
    """One mention (rejected or not) with its article, passage, current place, automatic place
    (when a correction decides it) and the deciding correction's author, scope and action."""
    auto = places.alias("auto")
    query = select(
        mentions.c.id, mentions.c.article_id, mentions.c.start, mentions.c.end, mentions.c.surface,
        mentions.c.surface_key, mentions.c.score, mentions.c.alternatives, mentions.c.correction_id,
        mentions.c.auto_place_id, mentions.c.rejected,
        articles.c.title.label("article_title"), articles.c.published,
        passages.c.start.label("passage_start"), passages.c.text.label("passage"),
        places.c.id.label("place_id"), places.c.key.label("place_key"), places.c.name, places.c.kind,
        places.c.country_code, places.c.lat, places.c.lon,
        auto.c.key.label("auto_key"), auto.c.name.label("auto_name"), auto.c.kind.label("auto_kind"),
        auto.c.country_code.label("auto_country_code"), auto.c.lat.label("auto_lat"), auto.c.lon.label("auto_lon"),
        corrections.c.author.label("correction_author"), corrections.c.scope.label("correction_scope"),
        corrections.c.action.label("correction_action"),
    ).select_from(
        _JOIN.outerjoin(auto, mentions.c.auto_place_id == auto.c.id)
        .outerjoin(corrections, mentions.c.correction_id == corrections.c.id)
    ).where(mentions.c.id == mention_id)
    return conn.execute(query).one_or_none()


def correction_notes(conn: Connection, article_id: int) -> dict[int, Row]:
    """For an article's corrected mentions, by mention id: ``author`` of the correction, its
    ``scope``, and the automatic place's ``auto_name``."""
    auto = places.alias("auto")
    query = select(mentions.c.id, corrections.c.author, corrections.c.scope, auto.c.name.label("auto_name")) \
        .select_from(mentions.join(corrections, mentions.c.correction_id == corrections.c.id)
                     .outerjoin(auto, mentions.c.auto_place_id == auto.c.id)) \
        .where(mentions.c.article_id == article_id)
    return {row.id: row for row in conn.execute(query)}
