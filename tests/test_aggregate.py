"""Grid cells for a zoomed-out map: above MAP_MAX_POINTS places, a request that gives its
``zoom`` gets one feature per cell, and the counts stay exact."""
from __future__ import annotations

import json
import math
from collections import Counter

import pytest

from conftest import ingested_store
from geomap.aggregate import cell_degrees
from geomap.model import Article
from geomap.web import create_app

ARTICLES = [
    Article(title="Front line", text="Shelling hit Kharkiv, Sumy and Odesa overnight, officials in Kyiv said. "
                                     "Drones were also reported over Lviv and Dnipro.", origin="ukraine"),
    Article(title="Pacific storms", text="Cyclone warnings were issued in Suva, Fiji, and in Apia, Samoa, while "
                                         "Wellington, New Zealand, sent aid.", origin="pacific"),
    Article(title="Summit", text="Leaders met in Lisbon, Portugal, and Madrid before flying to Nairobi, Kenya, "
                                 "and on to Addis Ababa.", origin="summit"),
    Article(title="Kyiv again", text="Air raid sirens sounded in Kyiv and Kharkiv on Sunday.", origin="again"),
]


@pytest.fixture(scope="module")
def db_url(module_store_url, tmp_path_factory, geoparser) -> str:
    return ingested_store(tmp_path_factory.mktemp("cells"), geoparser, ARTICLES, url=module_store_url())


@pytest.fixture
def client(db_url, geomap_env):
    return create_app({"DB_URL": db_url, "TILES_URL": "", "TESTING": True, "MAP_MAX_POINTS": 5}).test_client()


def collection(client, query: str) -> dict:
    response = client.get("/api/places.geojson?" + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.loads(response.get_data(as_text=True))


@pytest.mark.parametrize("zoom", [0, 2, 4, 7])
def test_cells_hold_exactly_the_places_and_mentions_they_cover(client, zoom):
    places = collection(client, "_mentions=0")["features"]  # no zoom: every place, as before
    assert len(places) > 5
    cells = collection(client, f"zoom={zoom}")
    assert cells["geomap"]["aggregated"] == "grid" and cells["geomap"]["zoom"] == zoom
    degrees = cell_degrees(zoom)
    expected_places, expected_mentions, expected_doubtful = Counter(), Counter(), Counter()
    for place in places:
        lon, lat = place["geometry"]["coordinates"]
        key = (math.floor((lat + 90) / degrees), math.floor((lon + 180) / degrees))
        expected_places[key] += 1
        expected_mentions[key] += place["properties"]["mention_count"]
        expected_doubtful[key] += place["properties"]["doubtful_count"]
    got = {}
    for cell in cells["features"]:
        west, south, east, north = cell["properties"]["cell"]
        lon, lat = cell["geometry"]["coordinates"]
        assert west - 1e-6 <= lon <= east + 1e-6 and south - 1e-6 <= lat <= north + 1e-6  # its point lies inside
        assert cell["properties"]["cluster"] is True
        got[(round((south + 90) / degrees), round((west + 180) / degrees))] = cell["properties"]
    assert set(got) == set(expected_places)
    for key, props in got.items():
        assert props["place_count"] == expected_places[key]
        assert props["mention_count"] == expected_mentions[key]
        assert props["doubtful_count"] == expected_doubtful[key]
    assert sum(p["mention_count"] for p in got.values()) == sum(p["properties"]["mention_count"] for p in places)


EVERY_ARTICLE = "&".join(f"article={i}" for i in range(1, len(ARTICLES) + 1))


@pytest.mark.parametrize("zoom", [0, 3])
def test_cells_count_each_article_once(client, zoom):
    """Under an article or date filter, cells are counted from the mentions: each article once."""
    degrees = cell_degrees(zoom)
    articles = {}
    for place in collection(client, "")["features"]:  # every place with all its mentions
        lon, lat = place["geometry"]["coordinates"]
        key = (math.floor((lat + 90) / degrees), math.floor((lon + 180) / degrees))
        articles.setdefault(key, set()).update(m["article_id"] for m in place["properties"]["mentions"])
    cells = collection(client, f"zoom={zoom}&{EVERY_ARTICLE}")["features"]
    shared = 0
    for cell in cells:
        west, south = cell["properties"]["cell"][:2]
        key = (round((south + 90) / degrees), round((west + 180) / degrees))
        assert cell["properties"]["article_count"] == len(articles[key])
        shared += cell["properties"]["mention_count"] > cell["properties"]["article_count"]
    assert shared  # some cell has several mentions from one article: counted once there


def test_unfiltered_cells_are_summed_from_the_place_totals(client):
    """With no filter (or only place filters) cells come from the per-place totals: the same
    places and mentions as counting every mention, and no article count rather than a wrong one."""
    from_totals = collection(client, "zoom=2&country=UA")["features"]
    from_mentions = collection(client, f"zoom=2&country=UA&{EVERY_ARTICLE}")["features"]
    assert [f["properties"]["cell"] for f in from_totals] == [f["properties"]["cell"] for f in from_mentions]
    for totals, counted in zip(from_totals, from_mentions):
        assert all(totals["properties"][k] == counted["properties"][k]
                   for k in ("place_count", "mention_count", "doubtful_count"))
        assert totals["geometry"]["coordinates"] == pytest.approx(counted["geometry"]["coordinates"], abs=1e-5)
        assert totals["properties"]["article_count"] is None and counted["properties"]["article_count"] >= 1


def test_few_enough_places_come_back_as_places(client):
    ukraine = collection(client, "zoom=3&country=UA")  # Kyiv, Kharkiv, Sumy, Odesa, Lviv, Dnipro... > 5
    assert ukraine.get("geomap", {}).get("aggregated") == "grid"
    kenya = collection(client, "zoom=3&country=KE&_mentions=1")  # Nairobi (and Kenya): under the limit
    assert "geomap" not in kenya
    assert kenya["features"] and all(len(f["properties"]["mentions"]) == 1 for f in kenya["features"])


def test_cells_follow_the_filters(client):
    box = collection(client, "zoom=6&bbox=22,44,41,53")
    inside = collection(client, "bbox=22,44,41,53&_mentions=0")["features"]
    assert sum(f["properties"]["mention_count"] for f in box["features"]) == \
        sum(f["properties"]["mention_count"] for f in inside)
    one = collection(client, "zoom=1&article=1")  # one article's places, under the limit or not
    total = sum(f["properties"]["mention_count"] for f in one["features"])
    assert total == sum(f["properties"]["mention_count"] for f in collection(client, "article=1")["features"])


@pytest.mark.parametrize("zoom", ["-1", "23", "x", "1.5"])
def test_a_bad_zoom_is_a_400(client, zoom):
    response = client.get("/api/places.geojson?zoom=" + zoom)
    assert response.status_code == 400 and "zoom" in response.get_json()["error"]
