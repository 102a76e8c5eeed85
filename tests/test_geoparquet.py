"""``geomap export --format geoparquet``: GeoParquet 1.1 files and part directories, read back by
geopandas and dask-geopandas, compared row for row with the CSV and GeoJSON exports.

A store of real articles (the bundled samples, every reader fixture, one article with an
analyst's correction) is built once for the module with the session's geoparser; the module
runs on SQLite, then on PostgreSQL (when GEOMAP_TEST_POSTGRES names a server).
"""
from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import dask_geopandas
import geopandas
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

import geomap.geoparquet as geoparquet
from conftest import ingested_store
from geomap.cli import main
from geomap.corrections import correct
from geomap.export import CSV_COLUMNS, iter_csv, iter_geojson
from geomap.geoparquet import MENTION_SCHEMA, PLACE_SCHEMA, OutputError, write_geoparquet
from geomap.model import Article
from geomap.query import Filters
from geomap.readers import iter_articles
from geomap.samples import sample_paths
from geomap.store import articles, connect, mentions

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
PARIS_TEXAS = "gn:4717560"


@pytest.fixture(scope="module")
def db_url(module_store_url, tmp_path_factory, geoparser, gazetteer) -> str:
    items = [i for i in iter_articles([str(p) for p in sample_paths()] + [str(FIXTURES)]) if isinstance(i, Article)]
    items.append(Article(title="Kyiv again", text="Air raid sirens sounded in Kyiv and Kharkiv on Sunday.",
                         published=date(2026, 12, 31), origin="extra"))
    items.append(Article(title="Storms", text="Storms hit Paris overnight. In Paris the mayor spoke to the press.",
                         published=date(2026, 6, 1), origin="paris"))
    url = ingested_store(tmp_path_factory.mktemp("geoparquet"), geoparser, items, url=module_store_url())
    # One mention moved to Paris, Texas by an analyst: a true `corrected` and an automatic_place_id.
    paris_texas = next(p for p in gazetteer.candidates("Paris") if p.key == PARIS_TEXAS)
    engine = connect(url)
    with engine.begin() as conn:
        first = conn.scalar(select(mentions.c.id).where(mentions.c.surface == "Paris").order_by(mentions.c.id))
        correct(conn, first, action="place", place={
            "key": paris_texas.key, "geonameid": paris_texas.geonameid, "name": paris_texas.name,
            "kind": paris_texas.kind, "country_code": paris_texas.country_code, "lat": paris_texas.lat,
            "lon": paris_texas.lon})
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def engine(db_url):
    engine = connect(db_url)
    yield engine
    engine.dispose()


def _csv_rows(engine, filters=Filters()) -> list[dict]:
    reader = csv.reader(io.StringIO("".join(iter_csv(engine, filters)), newline=""))
    assert next(reader) == CSV_COLUMNS
    return [dict(zip(CSV_COLUMNS, row)) for row in reader]


def _place_properties(engine, filters=Filters()) -> list[dict]:
    collection = json.loads("".join(iter_geojson(engine, filters, mentions_per_place=0)))
    return [{**f["properties"], "coordinates": f["geometry"]["coordinates"]} for f in collection["features"]]


def _as_csv_text(value) -> str:
    """A typed GeoParquet value as the CSV export writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    return value.isoformat() if isinstance(value, date) else str(value)


def _parquet_rows(path: Path) -> list[dict]:
    return pq.read_table(path).to_pylist()


def _as_csv_rows(rows: list[dict]) -> list[dict]:
    return [{name: _as_csv_text(row[name]) for name in CSV_COLUMNS} for row in rows]


def _export(engine, tmp_path, filters=Filters(), name="out.parquet", **kwargs) -> Path:
    path = tmp_path / name
    write_geoparquet(engine, filters, path, **kwargs)
    return path


def _is_lon_lat(crs) -> bool:
    """EPSG:4326 or OGC:CRS84: the same datum; GeoParquet's (and GeoJSON's) axis order is lon, lat."""
    return crs is not None and (crs.to_epsg() == 4326 or crs.to_string() == "OGC:CRS84")


def _check_points(frame, lon_column="lon", lat_column="lat"):
    assert set(frame.geom_type) <= {"Point"}
    assert (frame.geometry.x == frame[lon_column]).all() and (frame.geometry.y == frame[lat_column]).all()


# ---------------------------------------------------------------------------
# mention and place rows, as the CSV and GeoJSON exports have them


def test_mention_rows_equal_the_csv_export(engine, tmp_path):
    path = _export(engine, tmp_path, granularity="mention")
    expected = _csv_rows(engine)
    assert len(expected) > 100
    rows = _parquet_rows(path)
    assert _as_csv_rows(rows) == expected  # same mentions, same order, same values and coordinates

    frame = geopandas.read_parquet(path)
    assert _is_lon_lat(frame.crs)
    assert list(frame.columns) == [*CSV_COLUMNS, "geometry"] and len(frame) == len(expected)
    _check_points(frame)
    kyiv = frame[frame["place_name"] == "Kyiv"].iloc[0]
    assert abs(kyiv.geometry.x - 30.52) < 0.1 and abs(kyiv.geometry.y - 50.45) < 0.1  # x is the longitude
    for row in rows:
        assert row["passage"][row["start"]:row["end"]] == row["surface"]


def test_mention_columns_have_their_own_types(engine, tmp_path):
    path = _export(engine, tmp_path, granularity="mention")
    schema = pq.read_schema(path)
    assert schema.remove_metadata() == MENTION_SCHEMA
    types = {field.name: field.type for field in schema}
    assert types["published"] == pa.date32() and types["corrected"] == pa.bool_()
    assert {types[n] for n in ("article_id", "place_id", "geonameid", "automatic_place_id")} == {pa.int64()}
    assert {types[n] for n in ("lat", "lon", "score")} == {pa.float64()}
    rows = _parquet_rows(path)
    # The store's own variety survives as typed values and nulls, not as text.
    assert any(r["published"] is None for r in rows) and any(isinstance(r["published"], date) for r in rows)
    assert any(r["article_url"] is None for r in rows) and any(r["article_url"] for r in rows)
    corrected = [r for r in rows if r["corrected"]]
    assert len(corrected) == 1 and corrected[0]["surface"] == "Paris"
    assert corrected[0]["automatic_place_id"] is not None and corrected[0]["country_code"] == "US"
    assert all(r["automatic_place_id"] is None for r in rows if not r["corrected"])


def test_place_rows_equal_the_geojson_place_features(engine, tmp_path):
    path = _export(engine, tmp_path, granularity="place")
    expected = _place_properties(engine)
    rows = _parquet_rows(path)
    assert len(rows) == len(expected) > 20
    assert pq.read_schema(path).remove_metadata() == PLACE_SCHEMA
    for row, feature in zip(rows, expected):
        point = shapely.from_wkb(row.pop("geometry"))
        assert [round(point.x, 6), round(point.y, 6)] == feature.pop("coordinates")  # GeoJSON rounds to 6 places
        assert {k: _iso(v) for k, v in row.items()} == feature
    frame = geopandas.read_parquet(path)
    assert _is_lon_lat(frame.crs) and set(frame.geom_type) == {"Point"}
    assert frame["mention_count"].sum() == len(_csv_rows(engine))
    assert frame["corrected_count"].sum() == 1


def _iso(value):
    return value.isoformat() if isinstance(value, date) else value


# ---------------------------------------------------------------------------
# filters


def _filter_cases(engine) -> dict[str, dict]:
    with engine.connect() as conn:
        ids = {r.title: r.id for r in conn.execute(select(articles.c.title, articles.c.id))}
    kharkiv = ids["Drone strike knocks out power to parts of Kharkiv"]
    return {
        "article": {"article": [str(kharkiv), str(ids["Kyiv again"])]},
        "since-until": {"since": "2025-04-15", "until": "2025-05-20"},
        "until": {"until": "2025-03-09"},
        "bbox": {"bbox": "22,44,41,53"},
        "bbox-across-the-antimeridian": {"bbox": "100,-60,-60,60"},
        "country-and-q": {"country": "UA", "q": "khar"},
        "review": {"review": "1"},
    }


@pytest.mark.parametrize("case", ["article", "since-until", "until", "bbox", "bbox-across-the-antimeridian",
                                  "country-and-q", "review"])
def test_filters_keep_the_rows_the_csv_export_keeps(engine, tmp_path, case):
    filters = Filters.from_args(**_filter_cases(engine)[case])
    expected = _csv_rows(engine, filters)
    assert 0 < len(expected) < len(_csv_rows(engine))  # each case keeps some rows, not all
    mention_path = _export(engine, tmp_path, filters, granularity="mention")
    assert _as_csv_rows(_parquet_rows(mention_path)) == expected
    frame = geopandas.read_parquet(mention_path)
    if filters.bbox and filters.bbox.west <= filters.bbox.east:
        box = filters.bbox
        assert frame.geometry.x.between(box.west, box.east).all()
        assert frame.geometry.y.between(box.south, box.north).all()
    place_path = _export(engine, tmp_path, filters, name="places.parquet", granularity="place")
    places = _parquet_rows(place_path)
    assert [p["place_id"] for p in places] == [p["place_id"] for p in _place_properties(engine, filters)]
    assert sum(p["mention_count"] for p in places) == len(expected)


def test_an_empty_result_is_a_valid_file_with_no_rows(engine, tmp_path):
    nothing = Filters.from_args(since="2030-01-01")
    for granularity, schema in (("mention", MENTION_SCHEMA), ("place", PLACE_SCHEMA)):
        path = _export(engine, tmp_path, nothing, name=f"{granularity}.parquet", granularity=granularity)
        frame = geopandas.read_parquet(path)
        assert len(frame) == 0 and list(frame.columns) == schema.names
        assert _is_lon_lat(frame.crs)
        assert "bbox" not in _geo(path)["columns"]["geometry"]  # no extent to give
    directory = tmp_path / "empty"
    write_geoparquet(engine, nothing, f"{directory}/", granularity="mention")
    assert [p.name for p in directory.iterdir()] == ["part-00000.parquet"]
    assert len(dask_geopandas.read_parquet(directory).compute()) == 0


# ---------------------------------------------------------------------------
# the "geo" metadata

SPEC_GEOMETRY_TYPE = re.compile(r"^(GeometryCollection|(Multi)?(Point|LineString|Polygon))( Z)?$")


def _geo(path: Path) -> dict:
    return json.loads(pq.read_metadata(path).metadata[b"geo"])


def _check_geo_metadata(path: Path) -> dict:
    """The spec's rules (format-specs/schema.json of GeoParquet 1.1.0, and the column rules of its text)."""
    geo = _geo(path)
    assert {"version", "primary_column", "columns"} <= set(geo)
    assert geo["version"] == "1.1.0"
    assert isinstance(geo["primary_column"], str) and geo["primary_column"] in geo["columns"]
    assert geo["columns"] and all(isinstance(c, dict) for c in geo["columns"].values())
    for name, column in geo["columns"].items():
        assert {"encoding", "geometry_types"} <= set(column)
        assert column["encoding"] == "WKB"
        types = column["geometry_types"]
        assert isinstance(types, list) and len(types) == len(set(types))
        assert all(SPEC_GEOMETRY_TYPE.match(t) for t in types)
        assert column.get("crs") is None  # absent or null: OGC:CRS84, longitude first
        if "bbox" in column:
            assert len(column["bbox"]) == 4 and all(isinstance(v, float | int) for v in column["bbox"])
        assert column.get("edges", "planar") in ("planar", "spherical")
        # A geometry column is a top-level binary column (Parquet BYTE_ARRAY) holding WKB.
        parquet_column = pq.ParquetFile(path).schema.column(pq.read_schema(path).get_field_index(name))
        assert parquet_column.physical_type == "BYTE_ARRAY" and parquet_column.max_repetition_level == 0
    return geo


@pytest.mark.parametrize("granularity", ["mention", "place"])
def test_geo_metadata_follows_the_spec(engine, tmp_path, granularity):
    path = _export(engine, tmp_path, granularity=granularity)
    column = _check_geo_metadata(path)["columns"]["geometry"]
    assert column["geometry_types"] == ["Point"]
    points = shapely.from_wkb(pq.read_table(path, columns=["geometry"])["geometry"].to_pylist())
    xs, ys = shapely.get_x(points), shapely.get_y(points)
    assert column["bbox"] == [xs.min(), ys.min(), xs.max(), ys.max()]
    assert -180 <= xs.min() < 0 < xs.max() <= 180  # data on both sides of Greenwich: a real extent


# ---------------------------------------------------------------------------
# row groups, part files, streaming


def test_row_groups_are_bounded(engine, tmp_path):
    total = len(_csv_rows(engine))
    path = _export(engine, tmp_path, granularity="mention", row_group_rows=40)
    metadata = pq.read_metadata(path)
    assert metadata.num_rows == total
    assert metadata.num_row_groups == math.ceil(total / 40)
    assert all(metadata.row_group(i).num_rows <= 40 for i in range(metadata.num_row_groups))


def test_rows_are_written_while_they_are_read(engine, tmp_path, monkeypatch):
    """At most one row group is held in memory: every write happens before the next group is read."""
    read, written, lags = [0], [0], []
    real_iter_mentions = geoparquet.iter_mentions

    def counting(conn, filters, **kwargs):
        for row in real_iter_mentions(conn, filters, **kwargs):
            read[0] += 1
            yield row

    monkeypatch.setattr(geoparquet, "iter_mentions", counting)
    real_write = pq.ParquetWriter.write_batch

    def write_batch(self, batch, *args, **kwargs):
        written[0] += batch.num_rows
        lags.append(read[0] - written[0])
        return real_write(self, batch, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetWriter, "write_batch", write_batch)
    _export(engine, tmp_path, granularity="mention", row_group_rows=25)
    assert written[0] == read[0] > 100 and len(lags) >= 5
    assert max(lags) == 0  # nothing read ahead of what was written


def test_a_directory_gets_part_files_dask_reads_as_partitions(engine, tmp_path):
    single = _export(engine, tmp_path, granularity="mention")
    total = pq.read_metadata(single).num_rows
    directory = tmp_path / "parts"
    assert write_geoparquet(engine, Filters(), f"{directory}/", granularity="mention", part_rows=50,
                            row_group_rows=20) == total
    names = sorted(p.name for p in directory.iterdir())
    assert names == [f"part-{i:05d}.parquet" for i in range(math.ceil(total / 50))]
    for name in names:
        _check_geo_metadata(directory / name)
        assert pq.read_metadata(directory / name).num_rows <= 50

    frame = dask_geopandas.read_parquet(directory)
    assert isinstance(frame, dask_geopandas.GeoDataFrame) and _is_lon_lat(frame.crs)
    assert frame.npartitions == len(names)
    computed = frame.compute()
    assert len(computed) == total
    whole = geopandas.read_parquet(single)
    assert computed.reset_index(drop=True).drop(columns="geometry").equals(whole.drop(columns="geometry"))
    assert computed.geometry.reset_index(drop=True).geom_equals_exact(whole.geometry, tolerance=0).all()
    # Parts follow article ids, so each covers its own range of articles.
    ranges = [(p["article_id"].min(), p["article_id"].max()) for p in (geopandas.read_parquet(directory / n)
                                                                       for n in names)]
    assert all(a[1] <= b[0] for a, b in zip(ranges, ranges[1:]))


def test_a_result_that_fills_its_parts_exactly_leaves_no_empty_part(engine, tmp_path):
    places = len(_place_properties(engine))
    directory = tmp_path / "places"
    write_geoparquet(engine, Filters(), f"{directory}/", granularity="place", part_rows=places)
    assert [pq.read_metadata(p).num_rows for p in directory.iterdir()] == [places]


# ---------------------------------------------------------------------------
# writing atomically


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


def _interrupting(after: int):
    """``iter_mentions`` that is interrupted (Ctrl-C) after ``after`` rows."""
    real = geoparquet.iter_mentions

    def interrupted(conn, filters, **kwargs):
        for number, row in enumerate(real(conn, filters, **kwargs)):
            if number == after:
                raise KeyboardInterrupt
            yield row
    return interrupted


def test_an_interrupted_export_leaves_the_existing_file_untouched(engine, tmp_path, monkeypatch):
    path = _export(engine, tmp_path, Filters.from_args(country="UA"), granularity="mention")
    before = path.read_bytes()
    monkeypatch.setattr(geoparquet, "iter_mentions", _interrupting(after=70))
    with pytest.raises(KeyboardInterrupt):  # after two row groups were written
        write_geoparquet(engine, Filters(), path, granularity="mention", row_group_rows=30)
    assert path.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_an_interrupted_directory_export_leaves_the_existing_parts_untouched(engine, tmp_path, monkeypatch):
    directory = tmp_path / "parts"
    write_geoparquet(engine, Filters.from_args(country="UA"), f"{directory}/", granularity="mention", part_rows=10)
    before = {p.name: p.read_bytes() for p in directory.iterdir()}
    monkeypatch.setattr(geoparquet, "iter_mentions", _interrupting(after=70))
    with pytest.raises(KeyboardInterrupt):  # after three part files were written
        write_geoparquet(engine, Filters(), directory, granularity="mention", part_rows=30)
    assert {p.name: p.read_bytes() for p in directory.iterdir()} == before
    assert _leftovers(tmp_path) == []


@pytest.fixture
def damaged_url(tmp_path, geoparser) -> str:
    """A SQLite store whose mention query fails in the database: its passages table is gone."""
    url = ingested_store(tmp_path, geoparser, [Article(title="Lviv", text="Sirens sounded in Lviv overnight.")])
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    conn.execute("DROP TABLE passages")
    conn.commit()
    conn.close()
    return url


def test_a_database_error_leaves_the_existing_file_untouched(damaged_url, tmp_path):
    path = tmp_path / "out.parquet"
    path.write_bytes(b"an earlier export")
    engine = connect(damaged_url)
    with pytest.raises(DBAPIError, match="no such table"):
        write_geoparquet(engine, Filters(), path, granularity="mention")
    engine.dispose()
    assert path.read_bytes() == b"an earlier export"
    assert _leftovers(tmp_path) == []


CITIES = ["Kyiv", "Odesa", "Lviv", "Kharkiv", "Dnipro", "Paris", "Berlin", "Madrid", "Cairo", "Nairobi"]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill"])
def test_a_killed_export_process_never_touches_the_existing_file(tmp_path, geoparser, sig):
    """A real ``geomap export`` process stopped mid-export: Ctrl-C cleans up after itself;
    even SIGKILL (nothing can clean up) leaves the previous export whole."""
    items = [Article(title=f"Day {n}", published=date(2025, 1, 1 + n % 28),
                     text=" ".join(f"Report {n}.{i}: officials in {CITIES[(n + i) % 10]} said it was calm."
                                   for i in range(100)))
             for n in range(200)]
    db = ingested_store(tmp_path, geoparser, items)
    out = tmp_path / "out.parquet"
    out.write_bytes(b"an earlier export")
    command = [sys.executable, "-m", "geomap.cli", "export", "--format", "geoparquet", "--granularity", "mention",
               "-o", str(out), "--db", db]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tmp_path,
                            env={k: v for k, v in os.environ.items() if k != "GEOMAP_DB"})
    try:
        deadline = time.monotonic() + 60
        while not _leftovers(tmp_path):  # the temporary file appears as the export starts
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the export never started"
            time.sleep(0.005)
        proc.send_signal(sig)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0, "the export finished before it could be interrupted"
    assert out.read_bytes() == b"an earlier export"
    if sig == signal.SIGINT:
        assert _leftovers(tmp_path) == []
        assert "Aborted" in proc.stderr.read().decode()
    proc.stderr.close()


def test_a_replaced_file_keeps_its_permissions(engine, tmp_path):
    path = tmp_path / "out.parquet"
    path.write_bytes(b"an earlier export")
    path.chmod(0o640)
    write_geoparquet(engine, Filters(), path)
    assert path.stat().st_mode & 0o777 == 0o640
    assert len(geopandas.read_parquet(path)) > 0


def test_a_new_export_replaces_the_parts_of_an_earlier_one(engine, tmp_path):
    directory = tmp_path / "parts"
    write_geoparquet(engine, Filters(), f"{directory}/", granularity="mention", part_rows=20)
    assert len(list(directory.iterdir())) > 3
    write_geoparquet(engine, Filters.from_args(country="UA"), directory, granularity="mention", part_rows=1000)
    assert [p.name for p in directory.iterdir()] == ["part-00000.parquet"]  # no stale parts left behind
    assert set(geopandas.read_parquet(directory / "part-00000.parquet")["country_code"]) == {"UA"}
    assert _leftovers(tmp_path) == []


def test_a_directory_holding_other_files_is_refused(engine, tmp_path):
    directory = tmp_path / "mine"
    directory.mkdir()
    (directory / "notes.txt").write_text("keep me")
    with pytest.raises(OutputError, match="holds files other than part-"):
        write_geoparquet(engine, Filters(), directory)
    assert [p.name for p in directory.iterdir()] == ["notes.txt"]
    file = tmp_path / "a.parquet"
    file.write_bytes(b"a file")
    with pytest.raises(OutputError, match="is a file, not a directory"):
        write_geoparquet(engine, Filters(), f"{file}/")
    assert file.read_bytes() == b"a file" and _leftovers(tmp_path) == []


# ---------------------------------------------------------------------------
# the command line


@pytest.fixture
def runner(geomap_env, monkeypatch, tmp_path):
    monkeypatch.delenv("GEOMAP_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def _run(runner, *args):
    return runner.invoke(main, ["export", *map(str, args)])


def test_cli_exports_geoparquet_files(runner, db_url, engine, tmp_path):
    result = _run(runner, "--format", "geoparquet", "--granularity", "mention", "-o", "mentions.parquet",
                  "--db", db_url)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    table = _run(runner, "--format", "csv", "--db", db_url)
    assert table.exit_code == 0
    csv_rows = list(csv.DictReader(io.StringIO(table.stdout, newline="")))
    assert _as_csv_rows(_parquet_rows(tmp_path / "mentions.parquet")) == csv_rows

    result = _run(runner, "--format", "geoparquet", "-o", "places.parquet", "--db", db_url)  # place by default
    assert result.exit_code == 0, result.output
    frame = geopandas.read_parquet(tmp_path / "places.parquet")
    assert _is_lon_lat(frame.crs)
    assert list(frame["place_id"]) == [p["place_id"] for p in _place_properties(engine)]

    filtered = _run(runner, "--format", "geoparquet", "--granularity", "mention", "--bbox", "22,44,41,53",
                    "--since", "2025-01-01", "-o", "box.parquet", "--db", db_url)
    assert filtered.exit_code == 0, filtered.output
    expected = _csv_rows(engine, Filters.from_args(bbox="22,44,41,53", since="2025-01-01"))
    assert expected and _as_csv_rows(_parquet_rows(tmp_path / "box.parquet")) == expected


def test_cli_exports_part_files_to_a_directory(runner, db_url, tmp_path):
    result = _run(runner, "--format", "geoparquet", "--granularity", "mention", "-o", "parts/", "--part-rows", 60,
                  "--db", db_url)
    assert result.exit_code == 0, result.output
    parts = sorted((tmp_path / "parts").iterdir())
    assert len(parts) >= 3 and all(pq.read_metadata(p).num_rows <= 60 for p in parts)
    frame = dask_geopandas.read_parquet(tmp_path / "parts")
    assert frame.npartitions == len(parts)
    single = _run(runner, "--format", "geoparquet", "--granularity", "mention", "-o", "all.parquet", "--db", db_url)
    assert single.exit_code == 0
    computed = frame.compute().reset_index(drop=True)
    whole = geopandas.read_parquet(tmp_path / "all.parquet")
    assert computed.drop(columns="geometry").equals(whole.drop(columns="geometry"))
    # An existing directory of parts is replaced as a whole (here: one part, no -o DIR/ slash needed).
    again = _run(runner, "--format", "geoparquet", "--country", "UA", "-o", "parts", "--db", db_url)
    assert again.exit_code == 0, again.output
    assert [p.name for p in (tmp_path / "parts").iterdir()] == ["part-00000.parquet"]


@pytest.mark.parametrize("args, message", [
    ([], "GeoParquet needs a file: use -o FILE.parquet"),
    (["-o", "-"], "GeoParquet needs a file: use -o FILE.parquet"),
    (["-o", "out.parquet", "--part-rows", "10"], "--part-rows splits a directory export: use -o DIR/"),
    (["-o", "out.parquet", "--since", "2025-13-01"], "since must be a date as YYYY-MM-DD"),
    (["-o", "out.parquet", "--bbox", "0,50,10,40"], "south (50) is north of its north (40)"),
    (["-o", "out.parquet", "--part-rows", "0"], "--part-rows"),
])
def test_cli_usage_errors_write_nothing(runner, db_url, tmp_path, args, message):
    (tmp_path / "out.parquet").write_bytes(b"an earlier export")
    result = _run(runner, "--format", "geoparquet", *args, "--db", db_url)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert (tmp_path / "out.parquet").read_bytes() == b"an earlier export"
    assert _leftovers(tmp_path) == []


def test_cli_other_formats_refuse_part_rows(runner, db_url):
    result = _run(runner, "--format", "csv", "--part-rows", "10", "--db", db_url)
    assert result.exit_code == 2 and "--part-rows applies to --format geoparquet only" in result.output


def test_cli_failures_are_one_line_and_keep_the_existing_output(runner, db_url, damaged_url, tmp_path):
    (tmp_path / "out.parquet").write_bytes(b"an earlier export")
    (tmp_path / "broken.sqlite").write_bytes(b"this is not a database" * 100)
    broken = _run(runner, "--format", "geoparquet", "-o", "out.parquet", "--db", tmp_path / "broken.sqlite")
    assert broken.exit_code == 1 and "Traceback" not in broken.output, broken.output
    damaged = _run(runner, "--format", "geoparquet", "--granularity", "mention", "-o", "out.parquet",
                   "--db", damaged_url)
    assert damaged.exit_code == 1 and "no such table" in damaged.output and "Traceback" not in damaged.output
    assert len(damaged.output.strip().splitlines()) == 1
    assert (tmp_path / "out.parquet").read_bytes() == b"an earlier export"
    missing = _run(runner, "--format", "geoparquet", "-o", "no/such/dir/out.parquet", "--db", db_url)
    assert missing.exit_code == 1
    assert "cannot write no/such/dir/out.parquet: No such file or directory" in missing.output
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    refused = _run(runner, "--format", "geoparquet", "-o", "mine/", "--db", db_url)
    assert refused.exit_code == 1 and "holds files other than part-*.parquet (notes.txt)" in refused.output
    assert _leftovers(tmp_path) == []
