"""HTML pages: the map, articles, places, upload."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from flask import Blueprint, current_app, render_template, send_file, url_for

from geomap.basemap import country_outlines
from geomap.maps import build_map, map_parts
from geomap.query import date_range, list_articles
from geomap.web.helpers import engine, filter_query, filters_from_request

bp = Blueprint("pages", __name__)

_MAX_SLIDER_DAYS = 3660


@bp.get("/")
def map_page():
    """The map: one point per place under the filters, popups with passages, a time slider."""
    filters = filters_from_request()
    query = filter_query(filters)
    popup = current_app.config["POPUP_PASSAGES"]
    data_url = url_for("api.places_geojson") + "?" + urlencode(query + [("_mentions", str(popup))])
    m = build_map(data_url=data_url, outlines_url=url_for("pages.outlines"),
                  tiles_url=current_app.config["TILES_URL"] or None,
                  tiles_attribution=current_app.config["TILES_ATTRIBUTION"],
                  place_url=url_for("pages.map_page").rstrip("/") + "/places/",
                  article_url=url_for("pages.map_page").rstrip("/") + "/articles/")
    with engine().connect() as conn:
        first, last = date_range(conn)
        articles = list_articles(conn, limit=500)
    days = []
    if first and last and (last - first).days <= _MAX_SLIDER_DAYS:
        start = max(first, filters.since) if filters.since else first
        end = min(last, filters.until) if filters.until else last
        days = [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]
    return render_template("map.html", map=map_parts(m), filters=filters, articles=articles,
                           first=first, last=last, days=days,
                           download_geojson=url_for("api.places_geojson") + "?" + urlencode(query + [("download", "1")]),
                           download_csv=url_for("api.export_csv") + "?" + urlencode(query + [("download", "1")]))


@bp.get("/basemap/countries.geojson")
def outlines():
    """Country outlines for the offline base layer, built once into the data directory."""
    from pathlib import Path

    path = country_outlines(Path(current_app.config["DATA_DIR"]))
    response = send_file(path, mimetype="application/geo+json", max_age=86400)
    return response
