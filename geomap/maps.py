"""Folium maps whose every asset comes from our own static/ directory.

Folium's ``add_js_link``/``add_css_link`` change class-level lists shared by every
map, so our map classes carry their own asset lists instead. The data layer is
not baked into the page: our script fetches the filtered GeoJSON from the API
and builds popups with DOM text nodes, so article text is never parsed as HTML.
"""
from __future__ import annotations

import folium
from branca.element import MacroElement
from jinja2 import Template

VENDOR = "/static/vendor"
OWN = "/static/geomap"
DEFAULT_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_TILES_ATTRIBUTION = "&copy; OpenStreetMap contributors"
GEONAMES_CREDIT = 'Places: <a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0)'
OUTLINES_CREDIT = "Outlines: countryinfo"


class LocalMap(folium.Map):
    """A folium Map that loads Leaflet from static/vendor, and nothing folium does not need."""

    default_js = [("leaflet", f"{VENDOR}/leaflet/leaflet.js")]
    default_css = [("leaflet_css", f"{VENDOR}/leaflet/leaflet.css")]


class PlacesLayer(MacroElement):
    """Points fetched from ``/api/places.geojson`` (with the page's filters) and drawn by
    ``static/geomap/map.js``: clustered towns, rings for regions and countries."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        geomapPlaces({{ this._parent.get_name() }}, {{ this.options | tojson }});
        {% endmacro %}
    """)
    default_js = [("markercluster", f"{VENDOR}/markercluster/leaflet.markercluster.js"),
                  ("geomap_map", f"{OWN}/map.js")]
    default_css = [("markercluster_css", f"{VENDOR}/markercluster/MarkerCluster.css"),
                   ("markercluster_default_css", f"{VENDOR}/markercluster/MarkerCluster.Default.css"),
                   ("geomap_css", f"{OWN}/map.css")]

    def __init__(self, options: dict):
        super().__init__()
        self._name = "PlacesLayer"
        self.options = options

    def render(self, **kwargs):
        figure = self.get_root()
        for name, url in self.default_js:
            figure.header.add_child(folium.elements.JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(folium.elements.CssLink(url), name=name)
        super().render(**kwargs)


def build_map(*, data_url: str, outlines_url: str, tiles_url: str | None, tiles_attribution: str,
              place_url: str, article_url: str, location=(30.0, 20.0), zoom: int = 3, fit: bool = True,
              height: str = "100%", focus: int | None = None, mentions_url: str | None = None,
              popup_size: int = 3) -> LocalMap:
    """The map: offline country outlines underneath, tiles when reachable, our places on top.

    ``mentions_url`` (``.../places/``): popups fetch their place's passages from
    ``<mentions_url><id>/mentions.json`` when they open, for data that does not carry them.
    """
    m = LocalMap(location=list(location), zoom_start=zoom, tiles=None, control_scale=True, height=height,
                 prefer_canvas=False, attribution_control=True)
    m.add_child(PlacesLayer({
        "dataUrl": data_url, "outlinesUrl": outlines_url, "tilesUrl": tiles_url or None,
        "tilesAttribution": tiles_attribution, "credits": f"{GEONAMES_CREDIT} | {OUTLINES_CREDIT}",
        "placeUrl": place_url, "articleUrl": article_url, "fit": fit, "focus": focus,
        "mentionsUrl": mentions_url, "popupSize": popup_size,
    }))
    return m


def map_parts(m: folium.Map) -> dict[str, str]:
    """The rendered pieces a page template embeds: head tags, the map div, and the script body."""
    root = m.get_root()
    root.render()
    return {"head": root.header.render(), "html": root.html.render(), "script": root.script.render()}
