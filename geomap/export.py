"""Exports as streams: GeoJSON (RFC 7946) and CSV, written piece by piece so memory
does not grow with the number of mentions."""
from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Iterator

from sqlalchemy.engine import Connection, Engine, Row

from geomap.query import Filters, iter_mentions, iter_places
from geomap.store import snapshot

GRANULARITIES = ("place", "mention")
_CHUNK = 64_000
# One encoder for every feature: json.dumps(..., ensure_ascii=False) builds a new one per call,
# which costs more than encoding a small feature.
_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
CSV_COLUMNS = ["article_id", "article_title", "published", "article_url", "passage", "surface", "start", "end",
               "place_id", "place_name", "kind", "country_code", "geonameid", "lat", "lon", "score", "precision",
               "corrected", "automatic_place_id"]


def iter_geojson(engine: Engine, filters: Filters, *, granularity: str = "place",
                 mentions_per_place: int | None = None) -> Iterator[str]:
    """A FeatureCollection, as text chunks: one Point per place (or per mention).

    ``mentions_per_place`` keeps only each place's newest mentions in its list
    (``mention_count`` still counts them all); 0 leaves the list out.
    """
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {', '.join(GRANULARITIES)}, got {granularity!r}")
    features = (_place_features(engine, filters, mentions_per_place) if granularity == "place"
                else _mention_features(engine, filters))
    # Gather features into chunks of ~64 KB: one write per feature costs the server and
    # the browser far more than the bytes do.
    buffer = ['{"type": "FeatureCollection", "features": [']
    size = 0
    for i, chunk in enumerate(features):
        buffer.append(("\n" if i == 0 else ",\n") + chunk)
        size += len(chunk)
        if size >= _CHUNK:
            yield "".join(buffer)
            buffer, size = [], 0
    buffer.append("\n]}\n")
    yield "".join(buffer)


def _place_features(engine: Engine, filters: Filters, limit: int | None) -> Iterator[str]:
    # Two ordered streams merged on place id: the aggregates, then that place's mentions.
    # One snapshot for both, so a place's count agrees with the mentions listed under it
    # even while an ingest commits between the two queries.
    with snapshot(engine) as conn:
        # No mentions wanted (the map loads a popup's on demand): skip their query entirely.
        mention_rows = iter(()) if limit == 0 else iter_mentions(conn, filters, order="place", per_place=limit)
        pending = next(mention_rows, None)
        for place in iter_places(conn, filters):
            refs = []
            while pending is not None and pending.place_id == place.place_id:
                if limit is None or len(refs) < limit:
                    refs.append(_mention_ref(pending))
                pending = next(mention_rows, None)
            properties = {**place_record(place),
                          "first_date": _iso(place.first_date), "last_date": _iso(place.last_date)}
            if limit != 0:  # with none asked for, no list at all: the map then fetches a popup's own
                properties["mentions"] = refs
            yield _encode({"type": "Feature", "geometry": _point(place.lon, place.lat), "properties": properties})


def place_record(place: Row) -> dict:
    """A place row of ``iter_places`` as a place feature's properties (without its mentions),
    each in its own type: dates stay dates (GeoParquet keeps them; GeoJSON writes them as text)."""
    return {
        "place_id": place.place_id, "geonameid": place.geonameid, "name": place.name,
        "country_code": place.country_code, "kind": place.kind, "precision": place.precision,
        "mention_count": place.mention_count, "article_count": place.article_count,
        "first_date": place.first_date, "last_date": place.last_date,
        "doubtful_count": int(place.doubtful_count or 0), "corrected_count": int(place.corrected_count or 0),
    }


def _mention_features(engine: Engine, filters: Filters) -> Iterator[str]:
    with engine.connect() as conn:
        for row in iter_mentions(conn, filters, order="article"):
            properties = {
                "place_id": row.place_id, "geonameid": row.geonameid, "name": row.name,
                "country_code": row.country_code, "kind": row.kind, "precision": row.precision,
                **_mention_ref(row),
            }
            yield _encode({"type": "Feature", "geometry": _point(row.lon, row.lat), "properties": properties})


def place_mention_refs(conn: Connection, place_id: int, filters: Filters, *, limit: int) -> list[dict]:
    """One place's newest mentions under ``filters``, as a map popup lists them (the same
    objects as the "mentions" of a place feature)."""
    rows = iter_mentions(conn, filters, order="place", place_id=place_id, limit=limit)
    return [_mention_ref(row) for row in rows]


def _mention_ref(row: Row) -> dict:
    """A mention as the contract lists it: start/end locate the surface in the passage."""
    if row.passage is not None:
        passage, offset = row.passage, row.passage_start
    else:  # a mention outside every passage (rare: between sentences) quotes itself
        passage, offset = row.surface, row.start
    return {"article_id": row.article_id, "article_title": row.article_title, "published": _iso(row.published),
            "passage": passage, "start": row.start - offset, "end": row.end - offset, "surface": row.surface,
            "mention_id": row.id, "score": round(row.score, 4), "corrected": row.correction_id is not None,
            "automatic_place_id": row.auto_place_id}


def iter_csv(engine: Engine, filters: Filters) -> Iterator[str]:
    """CSV text, one row per mention, with a header line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    with engine.connect() as conn:
        for row in iter_mentions(conn, filters, order="article"):
            writer.writerow([_csv_cell(value) for value in mention_record(row).values()])
            if buffer.tell() > 64_000:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue()


def mention_record(row: Row) -> dict:
    """A row of ``iter_mentions`` as the CSV export's columns (``CSV_COLUMNS``, in order), each in
    its own type: a date, ints, floats, a bool, None when absent (GeoParquet keeps these types)."""
    ref = _mention_ref(row)
    return {"article_id": row.article_id, "article_title": row.article_title, "published": row.published,
            "article_url": row.article_url, "passage": ref["passage"], "surface": row.surface,
            "start": ref["start"], "end": ref["end"], "place_id": row.place_id, "place_name": row.name,
            "kind": row.kind, "country_code": row.country_code, "geonameid": row.geonameid, "lat": row.lat,
            "lon": row.lon, "score": ref["score"], "precision": row.precision, "corrected": ref["corrected"],
            "automatic_place_id": row.auto_place_id}


def _csv_cell(value):
    """CSV's text for a typed value: empty when absent, 0/1 for a flag, ISO for a date."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    return _iso(value) if isinstance(value, date) else value


def to_geodataframe(engine: Engine, filters: Filters = Filters(), *, granularity: str = "mention"):
    """The export as a geopandas GeoDataFrame (EPSG:4326), for notebooks."""
    import geopandas

    collection = json.loads("".join(iter_geojson(engine, filters, granularity=granularity)))
    frame = geopandas.GeoDataFrame.from_features(collection["features"], crs="EPSG:4326")
    return frame


def _point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}


def _iso(value: date | str | None) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)
