"""JSON, GeoJSON and CSV endpoints; the same filters as the map and the CLI, streamed."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, request, stream_with_context
from sqlalchemy import select

from geomap.aggregate import MAX_ZOOM, count_places, iter_cells_geojson
from geomap.export import iter_csv, iter_geojson, place_mention_refs
from geomap.query import list_articles
from geomap.store import places, snapshot
from geomap.web.helpers import ID, engine, filters_from_request, int_arg

bp = Blueprint("api", __name__)


@bp.get("/api/places.geojson")
def places_geojson():
    """One Point per place under the filters; ``_mentions=N`` keeps each place's N newest mentions.
    With ``zoom`` (the map's), more places than MAP_MAX_POINTS come back as grid cells."""
    filters = filters_from_request()
    limit = int_arg("_mentions", default=None, low=0, high=10_000)
    zoom = int_arg("zoom", default=None, low=0, high=MAX_ZOOM)
    if zoom is not None and _too_many_points(filters):
        return _stream(iter_cells_geojson(engine(), filters, zoom), "application/geo+json", "places.geojson")
    chunks = iter_geojson(engine(), filters, granularity="place", mentions_per_place=limit)
    return _stream(chunks, "application/geo+json", "places.geojson")


def _too_many_points(filters) -> bool:
    """More places under the filters than a map should draw one by one (MAP_MAX_POINTS):
    then a map that says its ``zoom`` gets grid cells with exact counts instead."""
    with engine().connect() as conn:
        return count_places(conn, filters) > current_app.config["MAP_MAX_POINTS"]


@bp.get(f"/api/places/<{ID}:place_id>/mentions.json")
def place_mentions(place_id: int):
    """A place's newest mentions under the filters (``_size``, default the popup's): what the
    map's popup shows, fetched when it opens instead of shipped with every point."""
    filters = filters_from_request()
    size = int_arg("_size", default=current_app.config["POPUP_PASSAGES"], low=1, high=100)
    with snapshot(engine()) as conn:
        if conn.scalar(select(places.c.id).where(places.c.id == place_id)) is None:
            abort(404, description=f"no place with id {place_id}")
        refs = place_mention_refs(conn, place_id, filters, limit=size)
    return jsonify(ok=True, place_id=place_id, mentions=refs)


@bp.get("/api/mentions.geojson")
def mentions_geojson():
    filters = filters_from_request()
    return _stream(iter_geojson(engine(), filters, granularity="mention"), "application/geo+json",
                   "mentions.geojson")


@bp.get("/export.csv")
def export_csv():
    filters = filters_from_request()
    return _stream(iter_csv(engine(), filters), "text/csv; charset=utf-8", "geomap-mentions.csv")


@bp.get("/api/articles")
def api_articles():
    filters = filters_from_request()
    size = int_arg("_size", default=current_app.config["PAGE_SIZE"], low=1, high=1000)
    offset = int_arg("_offset", default=0, low=0, high=10**9)
    with engine().connect() as conn:
        rows = list_articles(conn, filters, limit=size + 1, offset=offset)
    more = len(rows) > size
    body = {"ok": True, "filters": filters.describe(), "articles": [
        {"id": r.id, "title": r.title, "published": r.published.isoformat() if r.published else None,
         "source": r.source, "url": r.url, "mention_count": r.mention_count, "place_count": r.place_count}
        for r in rows[:size]]}
    if more:
        args = request.args.to_dict(flat=False)
        args["_offset"] = [str(offset + size)]
        from urllib.parse import urlencode

        body["next_url"] = request.path + "?" + urlencode(args, doseq=True)
    return jsonify(body)


def _stream(chunks, mimetype: str, filename: str) -> Response:
    first = next(chunks)  # run the query before the headers go out, so a bad filter is still a 400
    def generate():
        yield first
        yield from chunks

    response = Response(stream_with_context(generate()), mimetype=mimetype)
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
