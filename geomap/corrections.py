"""Analyst corrections: recorded as data, applied wherever they belong, undoable, shareable.

A correction says that a surface form names another place (or no place at all)
in one mention, in one article, or everywhere (optionally only in articles that
also mention a given country). It is stored in its own table with who, when,
the scope and the place it replaced; every write of an article's geoparse
(ingest, reprocess, upload) applies the active corrections, so an explicit
decision always beats the automatic ranking. The most specific correction wins:
mention over article over surface, and the later one within a scope.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable, Iterator

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from gazetteer import name_key
from geomap.model import PlaceRef
from geomap.place_stats import changing
from geomap.store import _now, corrections, mentions, place_ids_for, places

SCOPES = ("mention", "article", "surface")
ACTIONS = ("place", "not_place")
_SPECIFICITY = {"surface": 0, "article": 1, "mention": 2}


class CorrectionError(ValueError):
    """A correction cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class Applied:
    correction_id: int
    mentions_changed: int  # mentions this correction decides (or, undone, decided)
    articles: tuple[int, ...]


def place_snapshot(place: PlaceRef) -> dict:
    return {"key": place.key, "geonameid": place.geonameid, "name": place.name, "kind": place.kind,
            "country_code": place.country_code, "lat": place.lat, "lon": place.lon}


def _ref(snapshot: dict) -> PlaceRef:
    return PlaceRef(0, snapshot.get("geonameid"), snapshot["name"], snapshot.get("country_code"), snapshot["kind"],
                    float(snapshot["lat"]), float(snapshot["lon"]), snapshot.get("key"))


def correct(conn: Connection, mention_id: int, *, action: str, place: PlaceRef | dict | None = None,
            scope: str = "mention", country: str | None = None, author: str = "analyst") -> Applied:
    """Record a correction made from one mention and apply it everywhere it belongs."""
    if scope not in SCOPES:
        raise CorrectionError(f"scope must be one of {', '.join(SCOPES)}, got {scope!r}")
    if action not in ACTIONS:
        raise CorrectionError(f"action must be one of {', '.join(ACTIONS)}, got {action!r}")
    if action == "place" and place is None:
        raise CorrectionError("choose the place this mention names")
    if country is not None and scope != "surface":
        raise CorrectionError("a country condition only applies to corrections of every mention of a name")
    row = conn.execute(select(mentions.c.article_id, mentions.c.start, mentions.c.end, mentions.c.surface,
                              mentions.c.surface_key, mentions.c.place_id, mentions.c.auto_place_id)
                       .where(mentions.c.id == mention_id)).one_or_none()
    if row is None:
        raise CorrectionError(f"no mention with id {mention_id}")
    previous = conn.execute(select(places).where(places.c.id == (row.auto_place_id or row.place_id))).one()
    snapshot = (place if isinstance(place, dict) else place_snapshot(place)) if place is not None else None
    if snapshot is not None and not (-90 <= float(snapshot["lat"]) <= 90 and -180 <= float(snapshot["lon"]) <= 180):
        raise CorrectionError(f"the chosen place's coordinates ({snapshot['lat']}, {snapshot['lon']}) are off the globe")
    values = dict(created_at=_now(), author=author[:100] or "analyst", scope=scope, action=action,
                  surface_key=row.surface_key or name_key(row.surface),
                  article_id=row.article_id if scope != "surface" else None,
                  start=row.start if scope == "mention" else None, end=row.end if scope == "mention" else None,
                  country=country.upper() if country else None,
                  place=json.dumps(snapshot) if snapshot else None,
                  previous=json.dumps({"key": previous.key, "geonameid": previous.geonameid, "name": previous.name,
                                       "kind": previous.kind, "country_code": previous.country_code,
                                       "lat": previous.lat, "lon": previous.lon}))
    correction_id = conn.execute(insert(corrections).values(**values)).inserted_primary_key[0]
    articles_ = _reapply(conn, _articles_for(conn, values))
    return Applied(correction_id, _decided_by(conn, correction_id), articles_)


def undo(conn: Connection, correction_id: int) -> Applied:
    """Withdraw a correction; the mentions it changed go back to what else applies."""
    row = conn.execute(select(corrections).where(corrections.c.id == correction_id)).one_or_none()
    if row is None:
        raise CorrectionError(f"no correction with id {correction_id}")
    if row.undone_at is not None:
        raise CorrectionError(f"correction {correction_id} was already undone")
    touched = set(conn.scalars(select(mentions.c.article_id).where(mentions.c.correction_id == correction_id)))
    released = _decided_by(conn, correction_id)
    conn.execute(update(corrections).where(corrections.c.id == correction_id).values(undone_at=_now()))
    return Applied(correction_id, released, _reapply(conn, touched))


def _articles_for(conn: Connection, values: dict) -> set[int]:
    if values["scope"] != "surface":
        return {values["article_id"]}
    return set(conn.scalars(select(mentions.c.article_id).where(mentions.c.surface_key == values["surface_key"])
                            .distinct()))


def _reapply(conn: Connection, article_ids: Iterable[int]) -> tuple[int, ...]:
    ids = tuple(sorted(article_ids))
    for article_id in ids:
        apply_to_article(conn, article_id)
    return ids


def _decided_by(conn: Connection, correction_id: int) -> int:
    """How many mentions this correction decides (not those other corrections decide)."""
    return conn.scalar(select(func.count()).select_from(mentions).where(mentions.c.correction_id == correction_id))


def any_active(conn: Connection) -> bool:
    """Whether any correction is in force (if none, a newly stored article has nothing to apply)."""
    return conn.scalar(select(corrections.c.id).where(corrections.c.undone_at.is_(None)).limit(1)) is not None


def apply_to_article(conn: Connection, article_id: int) -> int:
    """Bring one article's mentions in line with the active corrections; return how many
    mentions a correction now decides."""
    changing(conn, article_id)  # the map's per-place totals follow whatever changes below
    # Back to the automatic choices first, so undone corrections leave no trace.
    conn.execute(update(mentions).where(and_(mentions.c.article_id == article_id,
                                             mentions.c.correction_id.is_not(None)))
                 .values(place_id=mentions.c.auto_place_id, auto_place_id=None, correction_id=None, rejected=0))
    rows = conn.execute(select(mentions.c.id, mentions.c.start, mentions.c.end, mentions.c.surface_key,
                               mentions.c.place_id, places.c.country_code)
                        .select_from(mentions.join(places, mentions.c.place_id == places.c.id))
                        .where(mentions.c.article_id == article_id)).all()
    if not rows:
        return 0
    keys = {r.surface_key for r in rows}
    countries = {r.country_code for r in rows if r.country_code}
    active = conn.execute(select(corrections).where(and_(
        corrections.c.undone_at.is_(None), corrections.c.surface_key.in_(keys),
        or_(corrections.c.article_id == article_id, corrections.c.scope == "surface")))).all()
    active = [c for c in active if c.scope != "surface" or c.country is None or c.country in countries]
    if not active:
        return 0
    decided: dict[int, object] = {}  # mention id -> the correction deciding it
    for c in sorted(active, key=lambda c: (_SPECIFICITY[c.scope], c.id)):
        for r in rows:
            if r.surface_key == c.surface_key and (c.scope != "mention" or (r.start, r.end) == (c.start, c.end)):
                decided[r.id] = c
    chosen = {c.id: place_ids_for(conn, [_ref(json.loads(c.place))]) for c in active if c.action == "place"}
    by_id = {r.id: r for r in rows}
    for mention_id, c in decided.items():
        values = dict(auto_place_id=by_id[mention_id].place_id, correction_id=c.id)
        if c.action == "place":
            values["place_id"] = next(iter(chosen[c.id].values()))
        else:
            values["rejected"] = 1
        conn.execute(update(mentions).where(mentions.c.id == mention_id).values(**values))
    return len(decided)


# -- listing, sharing ----------------------------------------------------------------

EXPORT_FIELDS = ("id", "created_at", "author", "scope", "action", "surface_key", "article_id", "start", "end",
                 "country", "place", "previous", "undone_at")


def iter_corrections(conn: Connection, *, include_undone: bool = False) -> Iterator[dict]:
    query = select(corrections).order_by(corrections.c.id)
    if not include_undone:
        query = query.where(corrections.c.undone_at.is_(None))
    for row in conn.execute(query):
        record = {field: getattr(row, field) for field in EXPORT_FIELDS}
        for field in ("place", "previous"):
            record[field] = json.loads(record[field]) if record[field] else None
        for field in ("created_at", "undone_at"):
            record[field] = record[field].isoformat() if record[field] else None
        yield record


def import_corrections(conn: Connection, records: Iterable[dict], *, author: str | None = None) -> tuple[int, int]:
    """Add shared corrections (JSON Lines records as exported); returns (added, skipped).

    Mention- and article-scope records name article ids of the database they came
    from, so only surface-scope ones travel between databases; the others are
    skipped unless their article exists here with the same surface at those offsets.
    """
    added = skipped = 0
    touched: set[int] = set()
    for number, record in enumerate(records, start=1):
        values = _validated(record, number)
        if values["scope"] != "surface":
            hit = conn.scalar(select(mentions.c.id).where(and_(
                mentions.c.article_id == values["article_id"], mentions.c.surface_key == values["surface_key"],
                *( [mentions.c.start == values["start"], mentions.c.end == values["end"]]
                   if values["scope"] == "mention" else []))).limit(1))
            if hit is None:
                skipped += 1
                continue
        if author:
            values["author"] = author
        conn.execute(insert(corrections).values(**values))
        added += 1
        touched |= _articles_for(conn, values)
    for article_id in sorted(touched):
        apply_to_article(conn, article_id)
    return added, skipped


def _validated(record: dict, number: int) -> dict:
    if not isinstance(record, dict):
        raise CorrectionError(f"line {number}: not a JSON object")
    scope, action = record.get("scope"), record.get("action")
    if scope not in SCOPES or action not in ACTIONS:
        raise CorrectionError(f"line {number}: scope must be one of {SCOPES} and action one of {ACTIONS}")
    surface_key = name_key(str(record.get("surface_key") or ""))
    if not surface_key:
        raise CorrectionError(f"line {number}: surface_key is missing")
    place = record.get("place")
    if action == "place":
        try:
            place = {k: place[k] for k in ("key", "name", "kind", "lat", "lon")} | {
                "geonameid": place.get("geonameid"), "country_code": place.get("country_code")}
            lat, lon = float(place["lat"]), float(place["lon"])
        except (TypeError, KeyError, ValueError):
            raise CorrectionError(f"line {number}: place needs key, name, kind, lat and lon") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise CorrectionError(f"line {number}: place coordinates ({lat}, {lon}) are off the globe")
    try:
        article_id = int(record["article_id"]) if record.get("article_id") is not None else None
        start = int(record["start"]) if record.get("start") is not None else None
        end = int(record["end"]) if record.get("end") is not None else None
    except (TypeError, ValueError):
        raise CorrectionError(f"line {number}: article_id, start and end must be whole numbers") from None
    if scope != "surface" and article_id is None:
        raise CorrectionError(f"line {number}: a {scope} correction needs article_id")
    if scope == "mention" and (start is None or end is None):
        raise CorrectionError(f"line {number}: a mention correction needs start and end")
    return dict(created_at=_now(), author=str(record.get("author") or "imported")[:100], scope=scope, action=action,
                surface_key=surface_key, article_id=article_id if scope != "surface" else None,
                start=start if scope == "mention" else None, end=end if scope == "mention" else None,
                country=str(record["country"]).upper()[:2] if record.get("country") and scope == "surface" else None,
                place=json.dumps(place) if action == "place" else None,
                previous=json.dumps(record.get("previous")) if record.get("previous") else None)


# -- learning ------------------------------------------------------------------------

def learned_preferences(conn: Connection) -> dict[str, dict[str, int]]:
    """Per surface form, every place analysts chose for it (by gazetteer key) with how many
    active corrections chose it, most chosen first: evidence the automatic ranking weighs
    for mentions no correction covers, each place where the text backs its region.

    Every choice is kept, not only the majority's: across a corpus of local papers
    "Paris" is Paris, Tennessee in one and Paris, Kentucky in another, and the text
    says which (measured in benchmarks/corrections.py)."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for surface_key, place in conn.execute(select(corrections.c.surface_key, corrections.c.place).where(and_(
            corrections.c.undone_at.is_(None), corrections.c.action == "place"))):
        key = json.loads(place).get("key")
        if key:
            votes[surface_key][key] += 1
    return {surface: dict(counter.most_common()) for surface, counter in votes.items()}
