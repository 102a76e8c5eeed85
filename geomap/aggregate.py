"""Points gathered into grid cells, for a map zoomed out over more places than a browser
should draw: one feature per cell, with exact counts.

The grid is fixed in degrees for a zoom level (about 64 screen pixels a cell), so panning
does not move cells about; each cell's point is the mention-weighted mean of its places,
which lands where the mentions are rather than at the cell's corner.
"""
from __future__ import annotations

import json
from typing import Iterator

from sqlalchemy import Integer, and_, distinct, func, null, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from geomap.place_stats import doubtful_count
from geomap.query import PLACE_JOIN, PLACE_TOTALS, Filters, place_totals_clauses
from geomap.store import mentions, place_stats, places, snapshot

CELL_PIXELS = 64  # a cell's side on screen, at 256-pixel tiles
MAX_ZOOM = 22


class _cell_index(FunctionElement):
    """floor(x) as an integer, for x >= 0."""
    type = Integer()
    inherit_cache = True


@compiles(_cell_index)
def _floor(element, compiler, **kw):
    return f"CAST(FLOOR({compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(_cell_index, "sqlite")
def _truncate(element, compiler, **kw):
    # SQLite has no FLOOR without its math extension; for x >= 0 truncation is the floor.
    return f"CAST({compiler.process(element.clauses, **kw)} AS INTEGER)"


def cell_degrees(zoom: int) -> float:
    """The side of a cell at ``zoom`` (0: the whole world in one 256-pixel tile)."""
    if not 0 <= zoom <= MAX_ZOOM:
        raise ValueError(f"zoom must be between 0 and {MAX_ZOOM}, got {zoom}")
    return 360.0 / (2 ** zoom) * CELL_PIXELS / 256


def count_places(conn: Connection, filters: Filters) -> int:
    """How many distinct places have mentions under ``filters``."""
    if filters.place_level_only:
        return conn.scalar(select(func.count()).select_from(PLACE_TOTALS).where(*place_totals_clauses(filters))) or 0
    return conn.scalar(select(func.count(distinct(places.c.id))).select_from(PLACE_JOIN)
                       .where(and_(True, *filters.clauses()))) or 0


def iter_cells(conn: Connection, filters: Filters, degrees: float):
    """One row per non-empty cell: its indices, mention-weighted centre and exact counts.

    With only place filters the cells are summed from the per-place totals (one row per
    place, not per mention); an article may then count in several places of a cell, so
    ``article_count`` is None there rather than a wrong number."""
    row = _cell_index((places.c.lat + 90.0) / degrees).label("row")
    column = _cell_index((places.c.lon + 180.0) / degrees).label("col")
    if filters.place_level_only:
        weight = place_stats.c.mention_count
        query = select(
            row, column,
            (func.sum(places.c.lat * weight) / func.sum(weight)).label("lat"),
            (func.sum(places.c.lon * weight) / func.sum(weight)).label("lon"),
            func.count().label("place_count"), func.sum(weight).label("mention_count"),
            null().label("article_count"), func.sum(place_stats.c.doubtful_count).label("doubtful_count"),
        ).select_from(PLACE_TOTALS).where(*place_totals_clauses(filters)).group_by(row, column).order_by(row, column)
        yield from conn.execute(query)
        return
    query = select(
        row, column,
        func.avg(places.c.lat).label("lat"), func.avg(places.c.lon).label("lon"),  # per mention: weighted
        func.count(distinct(places.c.id)).label("place_count"),
        func.count(mentions.c.id).label("mention_count"),
        func.count(distinct(mentions.c.article_id)).label("article_count"), doubtful_count(),
    ).select_from(PLACE_JOIN).where(and_(True, *filters.clauses())).group_by(row, column).order_by(row, column)
    yield from conn.execute(query)


def iter_cells_geojson(engine: Engine, filters: Filters, zoom: int) -> Iterator[str]:
    """A FeatureCollection of cells, as text chunks; ``"geomap": {"aggregated": ...}`` says
    what it is so a client can tell cells from places."""
    degrees = cell_degrees(zoom)
    with snapshot(engine) as conn:  # read before the first byte goes out: a failure is still a clean error
        found = list(iter_cells(conn, filters, degrees))  # a few thousand cells at most in a viewport
    head = {"aggregated": "grid", "zoom": zoom, "cell_degrees": degrees}
    yield '{"type": "FeatureCollection", "geomap": ' + json.dumps(head) + ', "features": [\n'
    yield ",\n".join(json.dumps(_cell_feature(cell, degrees)) for cell in found) + "\n]}\n"


def _cell_feature(cell, degrees: float) -> dict:
    south, west = cell.row * degrees - 90.0, cell.col * degrees - 180.0
    return {"type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(cell.lon, 6), round(cell.lat, 6)]},
            "properties": {
                "cluster": True, "place_count": cell.place_count, "mention_count": cell.mention_count,
                "article_count": cell.article_count, "doubtful_count": int(cell.doubtful_count or 0),
                "cell": [round(west, 6), round(south, 6), round(min(west + degrees, 180.0), 6),
                         round(min(south + degrees, 90.0), 6)],
            }}
