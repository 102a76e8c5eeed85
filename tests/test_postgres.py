"""What only PostgreSQL/PostGIS has: the PostGIS point and its GiST index, the writers'
advisory lock, and the errors a user meets setting a server up. Everything the two
backends share is tested on both through ``conftest.store_url``."""
from __future__ import annotations

import threading
import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import func, inspect, select, text

from geomap.cli import main
from geomap.model import Article
from geomap.query import PLACE_JOIN, BBox, Filters, iter_places
from geomap.services import ingest
from geomap.store import SCHEMA_VERSION, StoreError, articles, connect, mentions, schema_migrations

TEXTS = {
    "kyiv": "Air raid sirens sounded in Kyiv and Kharkiv overnight.",
    "fiji": "Cyclone warnings were issued for Suva, Fiji, and for Apia in Samoa.",
    "chukotka": "Officials in Anadyr and on Attu Island reported the quake.",
    "gaza": "Aid trucks entered Gaza through Rafah on Monday.",
}


def _articles() -> list[Article]:
    return [Article(title=name, text=body, origin=name) for name, body in TEXTS.items()]


@pytest.fixture
def pg_url(postgres_server):
    url = postgres_server.new_database()
    yield url
    postgres_server.drop(url)


def test_places_carry_a_postgis_point_with_a_gist_index(pg_url, geoparser):
    engine = connect(pg_url)
    ingest(engine, _articles(), parser=geoparser)
    with engine.connect() as conn:
        indexes = {i["name"]: i for i in inspect(conn).get_indexes("places")}
        definition = conn.scalar(text("SELECT indexdef FROM pg_indexes WHERE indexname = 'places_geom'"))
        # The point is the place's own lon/lat, kept by the database for every insert.
        mismatched = conn.scalar(text(
            "SELECT count(*) FROM places WHERE ST_X(geom) <> lon OR ST_Y(geom) <> lat OR ST_SRID(geom) <> 4326"))
        total = conn.scalar(text("SELECT count(*) FROM places WHERE geom IS NOT NULL"))
    assert "places_geom" in indexes and "USING gist (geom)" in definition
    assert total > 5 and mismatched == 0
    engine.dispose()


def test_the_viewport_filter_uses_the_gist_index(pg_url, geoparser):
    engine = connect(pg_url)
    ingest(engine, _articles(), parser=geoparser)
    box = Filters(bbox=BBox.parse("22,44,41,53"))  # Ukraine
    query = select(func.count()).select_from(PLACE_JOIN).where(*box.clauses())
    compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
    with engine.connect() as conn:
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a few rows: make the planner show its index choice
        plan = "\n".join(conn.scalars(text(f"EXPLAIN {compiled}")))
    assert "places_geom" in plan, plan
    engine.dispose()


@pytest.mark.parametrize("box, expected", [
    ("22,44,41,53", {"Kyiv", "Kharkiv"}),
    ("170,-20,-170,-10", {"Suva", "Apia"}),  # across the antimeridian
    ("-180,-90,180,90", None),  # the whole world: everything
])
def test_postgis_and_lat_lon_filters_agree(pg_url, tmp_path, geoparser, box, expected):
    """The same box finds the same places through PostGIS as through SQLite's lat/lon."""
    found = {}
    for url in (pg_url, f"sqlite:///{tmp_path / 'same.sqlite'}"):
        engine = connect(url)
        ingest(engine, _articles(), parser=geoparser)
        with engine.connect() as conn:
            found[url] = {row.name for row in iter_places(conn, Filters(bbox=BBox.parse(box)))}
        engine.dispose()
    pg_names, sqlite_names = found.values()
    assert pg_names == sqlite_names
    if expected is not None:
        assert expected <= pg_names and "Gaza" not in pg_names


def test_a_version_4_database_gets_its_points(pg_url, geoparser):
    engine = connect(pg_url)
    ingest(engine, _articles(), parser=geoparser)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE places DROP COLUMN geom"))  # drops its index too
        conn.execute(text("DELETE FROM schema_migrations WHERE version = 5"))
    engine.dispose()
    again = connect(pg_url)
    with again.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM places WHERE geom IS NULL")) == 0
        assert conn.scalar(select(func.max(schema_migrations.c.version))) == SCHEMA_VERSION
        assert conn.scalar(text("SELECT count(*) FROM pg_indexes WHERE indexname = 'places_geom'")) == 1
    again.dispose()


def test_concurrent_ingests_of_the_same_articles_store_each_once(pg_url, geoparser):
    """Writers queue on the advisory lock, so "is it stored?" then "store it" is atomic."""
    connect(pg_url).dispose()  # migrate first, once
    batch = [Article(title=f"t{i}", text=f"Drones struck Odesa and Kherson, report {i}.", origin=str(i))
             for i in range(30)]
    summaries, errors = [], []

    def run():
        engine = connect(pg_url)
        try:
            summaries.append(ingest(engine, batch, parser=geoparser))
        except Exception as exc:  # pragma: no cover - what the test is looking for
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors and len(summaries) == 3
    assert sum(s.added for s in summaries) == 30 and sum(s.unchanged for s in summaries) == 60
    assert not any(s.failed for s in summaries)
    engine = connect(pg_url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(articles)) == 30
        assert conn.scalar(select(func.count(func.distinct(mentions.c.article_id)))) == 30
    engine.dispose()


def test_a_database_without_postgis_and_no_right_to_add_it_says_so(postgres_server):
    role, database = f"geomap_plain_{uuid.uuid4().hex[:8]}", f"geomap_plain_{uuid.uuid4().hex[:8]}"
    postgres_server._execute(f"CREATE ROLE {role} LOGIN PASSWORD 'plain'")
    postgres_server._execute(f"CREATE DATABASE {database} OWNER {role} TEMPLATE template0")
    url = postgres_server.url.set(username=role, password="plain", database=database) \
        .render_as_string(hide_password=False)
    try:
        with pytest.raises(StoreError, match="PostGIS is not installed.*CREATE EXTENSION postgis"):
            connect(url)
    finally:
        postgres_server._execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        postgres_server._execute(f"DROP ROLE IF EXISTS {role}")


def test_an_unreachable_server_is_one_line_without_the_password():
    """No server needed: nothing listens on port 1."""
    result = CliRunner().invoke(main, ["articles", "--db", "postgresql://analyst:s3cret@127.0.0.1:1/news"])
    assert result.exit_code == 1
    assert "s3cret" not in result.output and "Traceback" not in result.output
    assert "postgresql://analyst:***@127.0.0.1:1/news" in result.output
    assert "not running or not listening" in result.output


def test_the_same_commands_run_on_postgresql(pg_url, geomap_env, tmp_path):
    runner = CliRunner()
    sample = tmp_path / "a.txt"
    sample.write_text("Talks in Istanbul\n\nDelegations from Kyiv and Moscow met in Istanbul on Friday.\n")
    stored = runner.invoke(main, ["ingest", str(sample), "--db", pg_url])
    assert stored.exit_code == 0, stored.output
    listed = runner.invoke(main, ["articles", "--db", pg_url, "--bbox", "26,40,30,42"])
    assert listed.exit_code == 0 and "Talks in Istanbul" in listed.output
    exported = runner.invoke(main, ["export", "--db", pg_url, "--bbox", "26,40,30,42"])
    assert exported.exit_code == 0 and '"Istanbul"' in exported.output and '"Kyiv"' not in exported.output


def test_hostile_filters_and_ids_never_fail_the_database(pg_url, geoparser):
    """The hostile catalogue's filter values and path ids on PostgreSQL, whose INTEGER is
    32-bit and whose text cannot hold NUL: a page or a 4xx, never a 5xx."""
    from urllib.parse import quote

    from hostile import FILTER_PARAMS, PAGES, PAGING_PARAMS, PARAM_VALUES, PATH_IDS, PATH_ROUTES
    from geomap.web import create_app

    engine = connect(pg_url)
    ingest(engine, _articles(), parser=geoparser)
    engine.dispose()
    client = create_app({"DB_URL": pg_url, "GEOPARSER": geoparser, "TESTING": False,
                         "PROPAGATE_EXCEPTIONS": False, "PAGE_SIZE": 3}).test_client()
    urls = [page.format(place=1) + f"?{param}={quote(value, safe='')}"
            for param in FILTER_PARAMS + PAGING_PARAMS for value in PARAM_VALUES for page in PAGES]
    urls += [route.format(ident) for route in PATH_ROUTES for ident in PATH_IDS]
    failed = [(url, status) for url in urls if (status := client.get(url).status_code) >= 500]
    assert len(urls) > 4000 and not failed, failed[:5]
