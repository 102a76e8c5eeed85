"""Exports: GeoJSON exactly as DESIGN.md's contract says, CSV one row per mention, a GeoDataFrame.

A store of real articles (the bundled samples and every reader fixture) is built once
for the module; the GeoJSON is read back with json and with geopandas.
"""
from __future__ import annotations

import csv
import inspect
import io
import json
from datetime import date
from pathlib import Path

import geopandas
import pytest
from sqlalchemy import func, select

from geomap.export import CSV_COLUMNS, iter_csv, iter_geojson, to_geodataframe
from geomap.model import Article
from geomap.query import Filters
from geomap.readers import iter_articles
from geomap.samples import sample_paths
from geomap.services import ingest
from geomap.store import articles, connect, mentions, places

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
PLACE_PROPERTIES = {"place_id", "geonameid", "name", "country_code", "kind", "precision", "mention_count",
                    "article_count", "first_date", "last_date", "mentions"}
MENTION_KEYS = {"article_id", "article_title", "published", "passage", "start", "end", "surface"}


@pytest.fixture(scope="module")
def engine(module_store_url, geoparser):
    items = [i for i in iter_articles([str(p) for p in sample_paths()] + [str(FIXTURES)]) if isinstance(i, Article)]
    # One more article mentioning Kyiv on another day, so places gather several articles and dates.
    items.append(Article(title="Kyiv again", text="Air raid sirens sounded in Kyiv and Kharkiv on Sunday.",
                         published=date(2026, 12, 31), origin="extra"))  # newer than every sample
    engine = connect(module_store_url())  # the module runs on SQLite, then on PostgreSQL
    summary = ingest(engine, items, parser=geoparser)
    assert summary.failed == 0 and summary.added == len(items)
    yield engine
    engine.dispose()


def _geojson(engine, filters=Filters(), **kwargs) -> dict:
    return json.loads("".join(iter_geojson(engine, filters, **kwargs)))


def _csv_rows(engine, filters=Filters()) -> list[dict]:
    reader = csv.reader(io.StringIO("".join(iter_csv(engine, filters)), newline=""))
    header = next(reader)
    assert header == CSV_COLUMNS
    return [dict(zip(header, row)) for row in reader]


def _mention_count(engine, filters=Filters()) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(
            mentions.join(articles, mentions.c.article_id == articles.c.id)
            .join(places, mentions.c.place_id == places.c.id)).where(*filters.clauses()))


def _check_point(feature):
    assert feature["type"] == "Feature"
    geometry = feature["geometry"]
    assert geometry["type"] == "Point"
    lon, lat = geometry["coordinates"]
    assert len(geometry["coordinates"]) == 2
    assert isinstance(lon, float | int) and isinstance(lat, float | int)
    assert -180 <= lon <= 180 and -90 <= lat <= 90


def _check_mention_ref(ref):
    assert MENTION_KEYS <= set(ref)
    assert isinstance(ref["article_id"], int)
    assert ref["passage"][ref["start"]:ref["end"]] == ref["surface"]
    assert ref["published"] is None or date.fromisoformat(ref["published"])


# ---------------------------------------------------------------------------
# GeoJSON, one feature per place


def test_geojson_places_follow_the_contract(engine):
    collection = _geojson(engine)
    assert set(collection) == {"type", "features"}
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    with engine.connect() as conn:
        stored = {r.id: r for r in conn.execute(select(places))}
        used = set(conn.scalars(select(mentions.c.place_id).distinct()))
    assert len(features) == len(used) > 20
    assert sorted(f["properties"]["place_id"] for f in features) == sorted(used)  # one per place
    for feature in features:
        _check_point(feature)
        props = feature["properties"]
        assert PLACE_PROPERTIES <= set(props)
        place = stored[props["place_id"]]
        assert feature["geometry"]["coordinates"] == pytest.approx([place.lon, place.lat], abs=1e-6)  # [lon, lat]
        assert (props["geonameid"], props["name"], props["country_code"], props["kind"], props["precision"]) == (
            place.geonameid, place.name, place.country_code, place.kind, place.precision)
        assert props["precision"] in (1, 2, 3, 4, 5)
        refs = props["mentions"]
        assert props["mention_count"] == len(refs) >= 1
        assert props["article_count"] == len({r["article_id"] for r in refs})
        for ref in refs:
            _check_mention_ref(ref)
        dates = [r["published"] for r in refs if r["published"]]
        assert props["first_date"] == (min(dates) if dates else None)
        assert props["last_date"] == (max(dates) if dates else None)
        # Newest article first within a place, undated articles last.
        keys = [(r["published"] is None, "" if r["published"] is None else r["published"]) for r in refs]
        undated = [k[0] for k in keys]
        assert undated == sorted(undated)
        published = [k[1] for k in keys if not k[0]]
        assert published == sorted(published, reverse=True)
    assert sum(f["properties"]["mention_count"] for f in features) == _mention_count(engine)


def test_geojson_known_places(engine):
    by_name = {f["properties"]["name"]: f for f in _geojson(engine)["features"]}
    kyiv = by_name["Kyiv"]
    lon, lat = kyiv["geometry"]["coordinates"]
    assert abs(lon - 30.52) < 0.1 and abs(lat - 50.45) < 0.1  # lon first
    props = kyiv["properties"]
    assert (props["geonameid"], props["country_code"], props["kind"], props["precision"]) == (703448, "UA", "city", 1)
    assert props["article_count"] >= 3
    assert props["mentions"][0]["article_title"] == "Kyiv again"  # the newest
    assert props["last_date"] == "2026-12-31"
    assert by_name["Ukraine"]["properties"]["precision"] == 4
    assert by_name["Black Sea"]["properties"]["kind"] == "sea"
    # A place only an undated article mentions has no dates.
    tigray = [f for f in by_name.values() if any(m["article_title"] == "Roads into Tigray reopen to aid trucks"
                                                 for m in f["properties"]["mentions"])]
    assert tigray
    only_undated = [f for f in tigray if all(m["published"] is None for m in f["properties"]["mentions"])]
    assert only_undated
    for f in only_undated:
        assert f["properties"]["first_date"] is None and f["properties"]["last_date"] is None


def test_geojson_mention_granularity(engine):
    collection = _geojson(engine, granularity="mention")
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert len(features) == _mention_count(engine)
    places_by_id = {f["properties"]["place_id"]: f for f in _geojson(engine)["features"]}
    for feature in features:
        _check_point(feature)
        props = feature["properties"]
        assert {"place_id", "geonameid", "name", "country_code", "kind", "precision"} <= set(props)
        assert MENTION_KEYS <= set(props)
        assert props["passage"][props["start"]:props["end"]] == props["surface"]
        assert feature["geometry"] == places_by_id[props["place_id"]]["geometry"]
    with pytest.raises(ValueError, match="granularity"):
        list(iter_geojson(engine, Filters(), granularity="country"))


@pytest.mark.parametrize("args", [
    {"country": "UA"},
    {"country": "SD"},
    {"since": "2025-04-01", "until": "2025-06-02"},
    {"since": "2025-05-20"},
    {"until": "2025-03-09"},
    {"q": "sea"},
    {"country": "UA", "since": "2025-01-01"},
    {"country": "ZZ"},
], ids=lambda a: ",".join(f"{k}={v}" for k, v in a.items()))
def test_filters_apply_to_every_export_alike(engine, args):
    filters = Filters.from_args(**args)
    expected = _mention_count(engine, filters)
    collection = _geojson(engine, filters)
    rows = _csv_rows(engine, filters)
    per_mention = _geojson(engine, filters, granularity="mention")["features"]
    assert sum(f["properties"]["mention_count"] for f in collection["features"]) == expected
    assert len(rows) == expected
    assert len(per_mention) == expected
    assert (expected > 0) == (args.get("country") != "ZZ")
    for feature in collection["features"]:
        props = feature["properties"]
        if filters.country:
            assert props["country_code"] == filters.country
        if filters.q:
            assert filters.q.lower() in props["name"].lower()
        for ref in props["mentions"]:
            if filters.since:
                assert ref["published"] and ref["published"] >= filters.since.isoformat()
            if filters.until:
                assert ref["published"] and ref["published"] <= filters.until.isoformat()
    for row in rows:
        if filters.country:
            assert row["country_code"] == filters.country
        if filters.since:
            assert row["published"] >= filters.since.isoformat()


def test_filter_by_article(engine):
    with engine.connect() as conn:
        ids = {r.title: r.id for r in conn.execute(select(articles.c.title, articles.c.id))}
    chosen = [ids["Kyiv again"], ids["Drone strike knocks out power to parts of Kharkiv"]]
    filters = Filters.from_args(article=[str(i) for i in chosen])
    collection = _geojson(engine, filters)
    names = {f["properties"]["name"] for f in collection["features"]}
    assert {"Kyiv", "Kharkiv"} <= names
    kharkiv = next(f for f in collection["features"] if f["properties"]["name"] == "Kharkiv")
    assert kharkiv["properties"]["article_count"] == 2
    assert {m["article_id"] for f in collection["features"] for m in f["properties"]["mentions"]} == set(chosen)
    rows = _csv_rows(engine, filters)
    assert {int(r["article_id"]) for r in rows} == set(chosen)
    assert len(rows) == sum(f["properties"]["mention_count"] for f in collection["features"])


def test_empty_export_is_still_valid(engine):
    filters = Filters.from_args(country="ZZ")
    assert _geojson(engine, filters) == {"type": "FeatureCollection", "features": []}
    assert _geojson(engine, filters, granularity="mention") == {"type": "FeatureCollection", "features": []}
    assert _csv_rows(engine, filters) == []


# ---------------------------------------------------------------------------
# geopandas


def test_geojson_file_reads_back_in_geopandas(engine, tmp_path):
    path = tmp_path / "places.geojson"
    with path.open("w", encoding="utf-8") as out:
        for chunk in iter_geojson(engine, Filters()):
            out.write(chunk)
    collection = json.loads(path.read_text(encoding="utf-8"))
    frame = geopandas.read_file(path)
    assert len(frame) == len(collection["features"])  # one row per place
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    assert set(frame.geom_type) == {"Point"}
    assert sorted(frame["place_id"]) == sorted(f["properties"]["place_id"] for f in collection["features"])
    assert {"name", "country_code", "kind", "precision", "mention_count", "article_count", "first_date",
            "last_date", "mentions"} <= set(frame.columns)
    kyiv = frame[frame["name"] == "Kyiv"].iloc[0]
    assert abs(kyiv.geometry.x - 30.52) < 0.1 and abs(kyiv.geometry.y - 50.45) < 0.1
    # The mentions list survives (as JSON text or a list, depending on the reader).
    refs = kyiv["mentions"] if isinstance(kyiv["mentions"], list) else json.loads(kyiv["mentions"])
    assert len(refs) == kyiv["mention_count"]
    assert all(r["passage"][r["start"]:r["end"]] == r["surface"] for r in refs)

    mention_path = tmp_path / "mentions.geojson"
    mention_path.write_text("".join(iter_geojson(engine, Filters(), granularity="mention")), encoding="utf-8")
    assert len(geopandas.read_file(mention_path)) == _mention_count(engine)


def test_to_geodataframe(engine):
    frame = to_geodataframe(engine, Filters())
    assert isinstance(frame, geopandas.GeoDataFrame)
    assert frame.crs.to_epsg() == 4326
    assert len(frame) == _mention_count(engine)
    assert {"place_id", "name", "surface", "passage", "article_id", "published"} <= set(frame.columns)
    ua = to_geodataframe(engine, Filters.from_args(country="UA"), granularity="place")
    assert isinstance(ua, geopandas.GeoDataFrame) and ua.crs.to_epsg() == 4326
    assert set(ua["country_code"]) == {"UA"}
    assert len(ua) == len(_geojson(engine, Filters.from_args(country="UA"))["features"])
    assert ua.geometry.x.between(22, 41).all() and ua.geometry.y.between(44, 53).all()


# ---------------------------------------------------------------------------
# CSV


def test_csv_one_row_per_mention(engine):
    rows = _csv_rows(engine)
    assert len(rows) == _mention_count(engine)
    with engine.connect() as conn:
        titles = {r.id: r.title for r in conn.execute(select(articles.c.id, articles.c.title))}
    for row in rows:
        start, end = int(row["start"]), int(row["end"])
        assert row["passage"][start:end] == row["surface"]
        assert titles[int(row["article_id"])] == row["article_title"]
        assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180
        assert 0 <= float(row["score"]) <= 1
        assert row["precision"] in {"1", "2", "3", "4", "5"}
        assert row["published"] == "" or date.fromisoformat(row["published"])
    kyiv = [r for r in rows if r["place_name"] == "Kyiv"]
    assert kyiv and all(r["geonameid"] == "703448" and r["country_code"] == "UA" for r in kyiv)
    urls = {r["article_url"] for r in rows if r["article_title"] == "Drone strike knocks out power to parts of Kharkiv"}
    assert urls == {"https://news.example.org/2025/01/14/kharkiv-substation"}


# ---------------------------------------------------------------------------
# streaming, and hostile text


CITIES = ["Kyiv", "Odesa", "Lviv", "Kharkiv", "Dnipro", "Mykolaiv", "Kherson", "Poltava", "Sumy", "Chernihiv",
          "Zhytomyr", "Vinnytsia", "Paris", "Berlin", "Madrid", "Rome", "Vienna", "Prague", "Warsaw", "Budapest",
          "Bucharest", "Sofia", "Athens", "Lisbon", "Dublin", "Oslo", "Cairo", "Nairobi", "Khartoum", "Baghdad"]


def test_exports_are_streamed_in_chunks(tmp_path, geoparser):
    engine = connect(f"sqlite:///{tmp_path / 'many.sqlite'}")
    items = [Article(title=f"About {city}", text=" ".join(f"Report {i}: officials in {city} said the night was calm."
                                                           for i in range(150)), published=date(2025, 1, 1 + n % 28))
             for n, city in enumerate(CITIES)]
    summary = ingest(engine, items, parser=geoparser)
    total = _mention_count(engine)
    assert summary.added == len(CITIES) and total >= 150 * len(CITIES)
    chunks = iter_geojson(engine, Filters())
    assert inspect.isgenerator(chunks)
    first = next(chunks)  # the header comes before the rest is computed
    assert first.startswith('{"type": "FeatureCollection"')
    rest = list(chunks)
    collection = json.loads(first + "".join(rest))
    features = collection["features"]
    assert len(features) >= len(CITIES)
    whole = len(first) + sum(map(len, rest))
    assert whole > 500_000
    assert len(rest) >= 5  # many chunks, never one big string
    assert max(len(c) for c in [first, *rest]) < whole / 4
    assert sum(f["properties"]["mention_count"] for f in features) == total
    for feature in features:
        assert all(m["passage"][m["start"]:m["end"]] == m["surface"] for m in feature["properties"]["mentions"])

    csv_chunks = iter_csv(engine, Filters())
    assert inspect.isgenerator(csv_chunks)
    csv_chunks = list(csv_chunks)
    assert len(csv_chunks) >= 5  # flushed as it goes
    assert len(list(csv.reader(io.StringIO("".join(csv_chunks), newline="")))) == 1 + total


def test_a_place_with_many_mentions_is_valid_geojson(tmp_path, geoparser):
    """Hundreds of mentions of one place stay one valid feature (a place with >= 499 mentions once broke it)."""
    engine = connect(f"sqlite:///{tmp_path / 'kyiv.sqlite'}")
    ingest(engine, [Article(title="Many", text="Sirens sounded in Kyiv. " * 600, published=date(2025, 2, 1))],
           parser=geoparser)
    collection = json.loads("".join(iter_geojson(engine, Filters())))
    (kyiv,) = collection["features"]
    assert kyiv["properties"]["mention_count"] == len(kyiv["properties"]["mentions"]) == 600
    assert all(m["passage"][m["start"]:m["end"]] == "Kyiv" for m in kyiv["properties"]["mentions"])


HOSTILE_TITLE = 'He said "stop" </script><script>alert(\'x\')</script> — Ünïcödé 🚀, a\\b'
HOSTILE_TEXT = ('Officials in Kyiv said "we will not leave" </script><script>alert(1)</script>, '
                "and added: 'never' — in Ukrainian «ніколи», in Arabic «أبداً» 🚀\n  a second line, \\ and "
                "${alert(2)} `x`; then\u2028a separator.\n\n"
                'Drones struck Odesa at 03:00, "the port," he said, \t tab and \r\n a carriage return.')


def test_hostile_text_round_trips_through_json_and_csv(tmp_path, geoparser):
    engine = connect(f"sqlite:///{tmp_path / 'hostile.sqlite'}")
    article = Article(title=HOSTILE_TITLE, text=HOSTILE_TEXT, published=date(2025, 3, 3),
                      url="https://example.org/?a=1&b=\"2\"")
    summary = ingest(engine, [article], parser=geoparser)
    assert summary.added == 1
    found, passages = geoparser.geoparse_with_passages(HOSTILE_TEXT)
    expected = {m.text: HOSTILE_TEXT[passages[m.passage].start:passages[m.passage].end] for m in found}
    assert set(expected) == {"Kyiv", "Odesa"}
    assert "</script>" in expected["Kyiv"] and "\n" in expected["Kyiv"] and "\u2028" in expected["Kyiv"]

    collection = json.loads("".join(iter_geojson(engine, Filters())))
    refs = {m["surface"]: m for f in collection["features"] for m in f["properties"]["mentions"]}
    assert set(refs) == {"Kyiv", "Odesa"}
    for surface, ref in refs.items():
        assert ref["article_title"] == HOSTILE_TITLE
        assert ref["passage"] == expected[surface]
        assert ref["passage"][ref["start"]:ref["end"]] == surface

    mention_features = json.loads("".join(iter_geojson(engine, Filters(), granularity="mention")))["features"]
    assert {f["properties"]["passage"] for f in mention_features} == set(expected.values())

    rows = _csv_rows(engine)
    assert len(rows) == 2
    for row in rows:
        assert row["article_title"] == HOSTILE_TITLE
        assert row["passage"] == expected[row["surface"]]
        assert row["passage"][int(row["start"]):int(row["end"])] == row["surface"]
        assert row["article_url"] == 'https://example.org/?a=1&b="2"'


def test_mention_across_a_line_wrap_stays_inside_its_passage(tmp_path, geoparser):
    engine = connect(f"sqlite:///{tmp_path / 'wrap.sqlite'}")
    text = "Officials in New\nYork said the talks would go on."
    ingest(engine, [Article(title="Wrapped", text=text)], parser=geoparser)
    refs = [m for f in _geojson(engine)["features"] for m in f["properties"]["mentions"]]
    assert refs
    for ref in refs:
        assert ref["passage"][ref["start"]:ref["end"]] == ref["surface"]
