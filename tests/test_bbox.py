"""The viewport filter ``bbox=west,south,east,north``: the same on the map, the API, the
exports and the CLI, including boxes across the antimeridian."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import ingested_store
from geomap.cli import main
from geomap.model import Article
from geomap.query import BBox, Filters, InvalidFilter
from geomap.web import create_app

ARTICLES = [
    Article(title="Front line", text="Shelling hit Kharkiv and Odesa overnight, officials in Kyiv said.",
            origin="ukraine"),
    Article(title="Pacific storms", text="Cyclone warnings were issued in Suva, Fiji, and in Apia, Samoa, while "
                                         "Wellington, New Zealand, sent aid.", origin="pacific"),
    Article(title="Summit", text="Leaders met in Lisbon, Portugal, before flying to Nairobi, Kenya.",
            origin="summit"),
]
UKRAINE = "22,44,41,53"
ACROSS_THE_ANTIMERIDIAN = "170,-20,-170,-10"  # Fiji and Samoa, on both sides of 180°


@pytest.fixture(scope="module")
def db_url(module_store_url, tmp_path_factory, geoparser) -> str:
    return ingested_store(tmp_path_factory.mktemp("bbox"), geoparser, ARTICLES, url=module_store_url())


@pytest.fixture
def client(db_url, geomap_env):
    return create_app({"DB_URL": db_url, "TILES_URL": "", "TESTING": True}).test_client()


def names(client, query: str) -> set[str]:
    response = client.get("/api/places.geojson?" + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return {f["properties"]["name"] for f in json.loads(response.get_data(as_text=True))["features"]}


def test_a_box_keeps_the_places_inside_it(client):
    everything = names(client, "")
    inside = names(client, f"bbox={UKRAINE}")
    assert {"Kharkiv", "Odesa", "Kyiv"} <= inside
    assert inside < everything and not {"Lisbon", "Nairobi", "Suva", "Apia"} & inside


def test_a_box_across_the_antimeridian(client):
    inside = names(client, f"bbox={ACROSS_THE_ANTIMERIDIAN}")
    assert {"Suva", "Apia"} <= inside  # lon 178.4 and -171.8
    assert not {"Kyiv", "Lisbon", "Nairobi"} & inside
    assert not any(name.startswith("Wellington") for name in inside)  # 41° S: south of the box


def test_every_view_takes_the_box(client):
    mentions = json.loads(client.get(f"/api/mentions.geojson?bbox={UKRAINE}").get_data(as_text=True))
    assert {f["properties"]["surface"] for f in mentions["features"]} == {"Kharkiv", "Odesa", "Kyiv"}
    csv_text = client.get(f"/export.csv?bbox={UKRAINE}").get_data(as_text=True)
    assert "Kharkiv" in csv_text and "Lisbon" not in csv_text
    listed = client.get(f"/api/articles?bbox={UKRAINE}").get_json()["articles"]
    assert [a["title"] for a in listed] == ["Front line"]
    page = client.get(f"/?bbox={UKRAINE}").get_data(as_text=True).replace("\\u0026", "&")
    assert f"bbox={UKRAINE.replace(',', '%2C')}" in page  # the map's data and download links keep it
    assert f'name="bbox" value="{UKRAINE}"' in page  # and so does its filter form


@pytest.mark.parametrize("value, message", [
    ("1,2,3", "west,south,east,north"),
    ("a,b,c,d", "four numbers"),
    ("0,50,10,40", "south (50) is north of its north (40)"),
    ("-200,0,10,10", "within -180..180"),
    ("0,-95,10,10", "within -90..90"),
    ("nan,0,1,1", "within -180..180"),
])
def test_a_bad_box_is_a_400_that_says_why(client, value, message):
    response = client.get("/api/places.geojson?bbox=" + value)
    assert response.status_code == 400 and message in response.get_json()["error"]
    with pytest.raises(InvalidFilter, match=message.split("(")[0].strip()):
        BBox.parse(value)


def test_the_box_reads_back_as_it_was_given():
    box = Filters.from_args(bbox="30.123456,44.5,41,53.25").bbox
    assert str(box) == "30.123456,44.5,41,53.25"
    assert BBox.parse(str(box)) == box


def test_cli_export_and_articles_take_the_box(db_url, geomap_env, tmp_path):
    runner = CliRunner()
    out = tmp_path / "box.geojson"
    result = runner.invoke(main, ["export", "--db", db_url, "--bbox", ACROSS_THE_ANTIMERIDIAN, "-o", str(out)])
    assert result.exit_code == 0, result.output
    found = {f["properties"]["name"] for f in json.loads(out.read_text())["features"]}
    assert {"Suva", "Apia"} <= found and "Kyiv" not in found
    listed = runner.invoke(main, ["articles", "--db", db_url, "--bbox", UKRAINE])
    assert listed.exit_code == 0 and "Front line" in listed.output and "Summit" not in listed.output
    bad = runner.invoke(main, ["export", "--db", db_url, "--bbox", "0,50,10,40"])
    assert bad.exit_code == 2 and "south (50) is north of its north (40)" in bad.output
