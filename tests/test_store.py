"""The store and its query functions, on real databases: each test taking ``store_url``
runs on a SQLite file and on a PostgreSQL/PostGIS database (``conftest.store_url``).

Articles are the bundled samples and the reader fixtures (every format), geoparsed by
the session's real gazetteer and stored through ``geomap.services.ingest``.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text

from geomap import store
from geomap.model import Article
from geomap.query import Filters, InvalidFilter, counts, date_range, iter_mentions, iter_places, list_articles
from geomap.readers import ReadError, iter_articles
from geomap.samples import sample_paths
from geomap.services import ingest, reprocess
from geomap.store import SCHEMA_VERSION, StoreError, articles, connect, mentions, passages, places, schema_migrations

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
TABLES = ("articles", "passages", "places", "mentions")


def _engine(store_url, name="store"):
    return connect(store_url(name))


def _sqlite_engine(tmp_path):
    return connect(f"sqlite:///{tmp_path / 'store.sqlite'}")


def _read(*paths) -> list[Article]:
    return [item for item in iter_articles([str(p) for p in paths]) if isinstance(item, Article)]


def _corpus() -> list[Article]:
    """The samples and every fixture article (the broken JSONL line left out)."""
    found = _read(*sample_paths(), FIXTURES)
    assert len(found) >= 20
    return found


def _rows(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: conn.scalar(text(f"SELECT count(*) FROM {name}")) for name in TABLES}


def _mentions_of(engine, article_id):
    with engine.connect() as conn:
        return conn.execute(
            select(mentions.c.id, mentions.c.start, mentions.c.end, mentions.c.surface, places.c.key, places.c.name)
            .select_from(mentions.join(places, mentions.c.place_id == places.c.id))
            .where(mentions.c.article_id == article_id).order_by(mentions.c.start)).all()


def _article(title, body, *, published=None, url=None) -> Article:
    return Article(title=title, text=body, published=published, url=url, origin=f"test:{title}")


# ---------------------------------------------------------------------------
# schema, connection


def test_a_version_3_database_gets_the_covering_indexes(store_url):
    """Migration 4 on a database made before it: the single-column mention indexes are
    replaced by the covering ones, the rows untouched, and the planner uses them."""
    engine = _engine(store_url)
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX mentions_by_place"))
        conn.execute(text("DROP INDEX mentions_by_article"))
        conn.execute(text("CREATE INDEX ix_mentions_place_id ON mentions (place_id)"))
        conn.execute(text("CREATE INDEX ix_mentions_article_id ON mentions (article_id)"))
        conn.execute(text("DELETE FROM schema_migrations WHERE version = 4"))
    engine.dispose()

    again = _engine(store_url)
    with again.connect() as conn:
        indexes = {index["name"] for index in inspect(conn).get_indexes("mentions")}
        if store_url.backend == "sqlite":
            plan = " ".join(str(row) for row in conn.execute(text(
                "EXPLAIN QUERY PLAN SELECT count(*), count(DISTINCT article_id) FROM mentions WHERE place_id = 1")))
            assert "COVERING INDEX mentions_by_place" in plan
    assert {"mentions_by_place", "mentions_by_article"} <= indexes
    assert not {"ix_mentions_place_id", "ix_mentions_article_id"} & indexes
    again.dispose()


def test_schema_version_recorded_and_reconnect_is_a_no_op(store_url):
    engine = _engine(store_url)
    with engine.connect() as conn:
        rows = conn.execute(select(schema_migrations)).all()
        tables = set(inspect(conn).get_table_names())
        indexes = {index["name"] for table in tables for index in inspect(conn).get_indexes(table)}
    assert SCHEMA_VERSION == len(store.MIGRATIONS)
    assert [(r.version, r.name) for r in rows] == [(version, name) for version, name, _ in store.MIGRATIONS]
    assert {"articles", "passages", "places", "mentions", "schema_migrations"} <= tables
    # Indexes the filters use: date, country, place name, and the mention joins (covering).
    assert {"ix_articles_published", "ix_places_country_code", "places_name", "mentions_by_article",
            "mentions_by_place", "ix_passages_article_id"} <= indexes
    engine.dispose()

    again = _engine(store_url)
    with again.connect() as conn:
        rows_again = conn.execute(select(schema_migrations)).all()
    assert rows_again == rows  # same single row, same applied_at: nothing re-applied
    assert store.migrate(again) == SCHEMA_VERSION
    with again.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(schema_migrations)) == len(store.MIGRATIONS)


def test_a_version_1_database_is_migrated_forward(tmp_path):
    """A database written before places.search_name existed gains the column, filled in."""
    import sqlite3

    path = tmp_path / "v1.sqlite"
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at DATETIME NOT NULL);
        INSERT INTO schema_migrations VALUES (1, 'articles, passages, places, mentions', '2026-01-01 00:00:00');
        CREATE TABLE articles (id INTEGER PRIMARY KEY, identity VARCHAR NOT NULL UNIQUE, title VARCHAR NOT NULL,
            published DATE, source VARCHAR, url VARCHAR, author VARCHAR, origin VARCHAR, external_id VARCHAR,
            text TEXT NOT NULL, ingested_at DATETIME NOT NULL);
        INSERT INTO articles VALUES (1, 'sha:1', 'Örebro', '2026-01-02', NULL, NULL, NULL, NULL, NULL, 'Örebro',
            '2026-01-02 00:00:00');
        CREATE TABLE places (id INTEGER PRIMARY KEY, key VARCHAR NOT NULL UNIQUE, geonameid INTEGER, name VARCHAR NOT NULL,
            kind VARCHAR NOT NULL, country_code VARCHAR, lat FLOAT NOT NULL, lon FLOAT NOT NULL, precision INTEGER NOT NULL);
        INSERT INTO places VALUES (1, 'gn:2686657', 2686657, 'Örebro', 'city', 'SE', 59.27, 15.21, 1);
        CREATE TABLE mentions (id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL, passage_id INTEGER,
            place_id INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, surface VARCHAR NOT NULL,
            score FLOAT NOT NULL, precision INTEGER NOT NULL, alternatives TEXT NOT NULL);
        INSERT INTO mentions VALUES (1, 1, NULL, 1, 0, 6, 'Örebro', 0.9, 1, '[]');
    """)
    db.commit()
    db.close()
    engine = store.connect(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert conn.scalar(select(places.c.search_name)) == "orebro"
        assert conn.execute(select(store.mentions.c.surface_key, store.mentions.c.rejected)).one() == ("orebro", 0)
        totals = conn.execute(select(store.place_stats)).one()
        versions = list(conn.scalars(select(schema_migrations.c.version).order_by(schema_migrations.c.version)))
    assert versions == [v for v, _, _ in store.MIGRATIONS]
    assert (totals.place_id, totals.mention_count, totals.article_count, str(totals.first_date)) == \
        (1, 1, 1, "2026-01-02")


def test_connect_keeps_stored_data(store_url, geoparser):
    engine = _engine(store_url)
    ingest(engine, _read(*sample_paths()), parser=geoparser)
    before = _rows(engine)
    engine.dispose()
    assert _rows(_engine(store_url)) == before


def test_newer_schema_is_refused_clearly(store_url):
    engine = _engine(store_url)
    with engine.begin() as conn:
        conn.execute(schema_migrations.insert().values(version=99, name="from the future", applied_at=store._now()))
    engine.dispose()
    with pytest.raises(StoreError, match="schema version 99.*upgrade geomap"):
        _engine(store_url)


def test_wal_mode_and_foreign_keys(tmp_path):
    engine = _sqlite_engine(tmp_path)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    # WAL is a property of the file: a plain sqlite3 connection sees it too.
    raw = sqlite3.connect(tmp_path / "store.sqlite")
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        raw.close()


def test_a_reader_can_read_while_a_writer_holds_a_transaction(tmp_path, geoparser):
    engine = _sqlite_engine(tmp_path)
    ingest(engine, _read(*sample_paths()), parser=geoparser)
    reader = sqlite3.connect(tmp_path / "store.sqlite", timeout=0.1)
    try:
        with engine.begin() as conn:  # an open write transaction
            conn.execute(articles.delete())
            assert conn.scalar(select(func.count()).select_from(articles)) == 0
            # The other connection still sees the committed state, without waiting.
            assert reader.execute("SELECT count(*) FROM articles").fetchone()[0] == len(sample_paths())
            conn.rollback()
    finally:
        reader.close()


# ---------------------------------------------------------------------------
# ingest: idempotence, replace, identity, failures


def test_ingest_stores_every_article_and_is_idempotent(store_url, geoparser):
    corpus = _corpus()
    engine = _engine(store_url)
    first = ingest(engine, corpus, workers=1, parser=geoparser)
    assert (first.added, first.updated, first.unchanged, first.failed) == (len(corpus), 0, 0, 0)
    rows = _rows(engine)
    assert rows["articles"] == len(corpus)
    assert rows["mentions"] == first.mentions > 0
    assert rows["passages"] >= len(corpus)
    assert rows["places"] == len(first.place_ids)
    assert len(set(first.article_ids)) == len(corpus)

    second = ingest(engine, _corpus(), workers=1, parser=geoparser)
    assert (second.added, second.updated, second.unchanged, second.failed) == (0, 0, len(corpus), 0)
    assert second.article_ids == first.article_ids  # each found under its first id
    assert _rows(engine) == rows
    assert second.mentions == 0  # nothing new written


def test_replace_updates_in_place(store_url, geoparser):
    engine = _engine(store_url)
    url = "https://example.org/news/1"
    old = _article("Night of shelling", "Shelling hit Kharkiv overnight, officials in Kyiv said.",
                   published=date(2025, 1, 1), url=url)
    first = ingest(engine, [old], parser=geoparser)
    article_id = first.article_ids[0]
    assert [m.surface for m in _mentions_of(engine, article_id)] == ["Kharkiv", "Kyiv"]

    new = _article("Night of shelling (updated)", "Drones struck Odesa and Mykolaiv overnight.",
                   published=date(2025, 1, 2), url=url)
    skipped = ingest(engine, [new], parser=geoparser)
    assert (skipped.added, skipped.unchanged) == (0, 1)
    with engine.connect() as conn:
        assert conn.scalar(select(articles.c.title).where(articles.c.id == article_id)) == "Night of shelling"

    replaced = ingest(engine, [new], parser=geoparser, replace=True)
    assert (replaced.added, replaced.updated, replaced.unchanged) == (0, 1, 0)
    assert replaced.article_ids == [article_id]
    stored = _mentions_of(engine, article_id)
    assert [m.surface for m in stored] == ["Odesa", "Mykolaiv"]
    with engine.connect() as conn:
        row = conn.execute(select(articles).where(articles.c.id == article_id)).one()
        assert (row.title, row.published, row.text) == (new.title, date(2025, 1, 2), new.text)
        assert conn.scalar(select(func.count()).select_from(articles)) == 1
        # Passages were rewritten, not appended to.
        stored_passages = conn.execute(select(passages.c.idx, passages.c.text)
                                       .where(passages.c.article_id == article_id).order_by(passages.c.idx)).all()
    assert [p.idx for p in stored_passages] == list(range(len(stored_passages)))
    assert all("Kharkiv" not in p.text for p in stored_passages)
    assert _rows(engine)["mentions"] == 2

    # Replacing again with the same content changes nothing in the counts.
    ingest(engine, [new], parser=geoparser, replace=True)
    assert _rows(engine)["mentions"] == 2 and _rows(engine)["articles"] == 1


def test_identity_is_the_url_else_the_text(store_url, geoparser):
    engine = _engine(store_url)
    body = "Aid trucks reached Khartoum on Monday.\nOfficials in Port Sudan said more would follow."
    base = Article(title="Convoy", text=body)
    summary = ingest(engine, [base], parser=geoparser)
    assert summary.added == 1

    # The same text with different whitespace is the same article.
    spaced = Article(title="Convoy (copy)", text="  Aid  trucks reached Khartoum on Monday.\n\n"
                                                 "Officials in\tPort Sudan said more would follow.\n")
    assert spaced.identity == base.identity
    again = ingest(engine, [spaced], parser=geoparser)
    assert (again.added, again.unchanged) == (0, 1)
    assert again.article_ids == summary.article_ids

    # Different text is a different article; a URL makes texts irrelevant to identity.
    other = ingest(engine, [Article(title="Convoy", text=body + " More tomorrow."),
                            Article(title="Convoy", text=body, url="https://example.org/a"),
                            Article(title="Other", text="Drones struck Odesa.", url=" https://example.org/a "),
                            Article(title="Convoy", text=body, url="https://example.org/b")], parser=geoparser)
    assert (other.added, other.unchanged) == (3, 1)
    with engine.connect() as conn:
        identities = list(conn.scalars(select(articles.c.identity).order_by(articles.c.id)))
    assert identities[0].startswith("sha256:") and identities[1].startswith("sha256:")
    assert identities[2:] == ["https://example.org/a", "https://example.org/b"]
    assert _rows(engine)["articles"] == 4


def test_a_failure_in_the_middle_is_counted_and_the_rest_stored(store_url, geoparser):
    engine = _engine(store_url)
    first, second, third = _read(*sample_paths()[:3])
    seen = []
    items = [first, ReadError("broken.txt", "not valid UTF-8"), second,
             ReadError("feed.xml#2", "entry has no text"), third]
    summary = ingest(engine, items, workers=1, parser=geoparser, on_result=lambda s, o: seen.append((s, o)))
    assert (summary.added, summary.failed) == (3, 2)
    assert [(f.origin, f.reason) for f in summary.failures] == [("broken.txt", "not valid UTF-8"),
                                                                 ("feed.xml#2", "entry has no text")]
    assert [s for s, _ in seen] == ["added", "failed", "added", "failed", "added"]
    assert seen[1] == ("failed", "broken.txt")
    with engine.connect() as conn:
        titles = list(conn.scalars(select(articles.c.title).order_by(articles.c.id)))
    assert titles == [first.title, second.title, third.title]


def test_a_store_error_mid_article_leaves_nothing_of_it(store_url, geoparser, monkeypatch):
    """One transaction per article: an error after its passages and first place were written rolls all back."""
    engine = _engine(store_url)
    real_place_ids = store.place_ids_for

    def failing_place_ids(conn, refs):
        ids = real_place_ids(conn, refs)  # the places rows are written, then the disk fails
        if any(ref.name == "Odesa" for ref in refs):
            raise RuntimeError("disk on fire")
        return ids

    monkeypatch.setattr(store, "place_ids_for", failing_place_ids)
    bad = _article("Two cities", "Officials in Kherson said drones also struck Odesa.")
    good = _article("One city", "Officials in Lviv said the night was calm.")
    summary = ingest(engine, [bad, good], parser=geoparser)
    assert (summary.added, summary.failed) == (1, 1)
    assert summary.failures[0].origin == "test:Two cities"
    assert "could not store" in summary.failures[0].reason and "disk on fire" in summary.failures[0].reason
    with engine.connect() as conn:
        assert list(conn.scalars(select(articles.c.title))) == ["One city"]
        assert list(conn.scalars(select(places.c.name))) == ["Lviv"]  # Kherson's row went with the rollback
    assert _rows(engine)["mentions"] == 1
    with engine.connect() as conn:
        owners = set(conn.scalars(select(passages.c.article_id)))
    assert owners == {summary.article_ids[0]}  # no passage of the failed article survived


def test_geoparse_error_is_a_failure_and_the_batch_goes_on(store_url, geoparser):
    engine = _engine(store_url)
    good = _read(sample_paths()[0])[0]
    broken = Article(title="not text", text=None, origin="weird.jsonl:7")  # type: ignore[arg-type]
    summary = ingest(engine, [broken, good], parser=geoparser)
    assert (summary.added, summary.failed) == (1, 1)
    assert summary.failures[0].origin == "weird.jsonl:7"
    assert "geoparsing failed" in summary.failures[0].reason


# ---------------------------------------------------------------------------
# reprocess


def test_reprocess_keeps_article_ids_and_rewrites_mentions(store_url, geoparser, data_dir):
    engine = _engine(store_url)
    summary = ingest(engine, _read(*sample_paths()), parser=geoparser)
    ids = summary.article_ids
    before = {i: [(m.start, m.end, m.surface, m.key) for m in _mentions_of(engine, i)] for i in ids}
    rows = _rows(engine)
    # Simulate a stale geoparse: drop one article's mentions and scramble another's.
    with engine.begin() as conn:
        conn.execute(mentions.delete().where(mentions.c.article_id == ids[0]))
        conn.execute(mentions.update().where(mentions.c.article_id == ids[1]).values(surface="stale"))

    result = reprocess(engine, workers=1, data_dir=data_dir)
    assert result.updated == len(ids) and result.failed == 0
    assert sorted(result.article_ids) == sorted(ids)
    after = {i: [(m.start, m.end, m.surface, m.key) for m in _mentions_of(engine, i)] for i in ids}
    assert after == before
    assert _rows(engine) == rows
    with engine.connect() as conn:
        assert sorted(conn.scalars(select(articles.c.id))) == sorted(ids)

    # Only the articles asked for.
    with engine.begin() as conn:
        conn.execute(mentions.delete().where(mentions.c.article_id.in_(ids[:2])))
    one = reprocess(engine, article_ids=[ids[0]], data_dir=data_dir)
    assert one.article_ids == [ids[0]]
    assert [(m.start, m.end, m.surface, m.key) for m in _mentions_of(engine, ids[0])] == before[ids[0]]
    assert _mentions_of(engine, ids[1]) == []


# ---------------------------------------------------------------------------
# passages, places


def test_every_mention_sits_in_its_passage_at_the_right_offsets(store_url, geoparser):
    engine = _engine(store_url)
    ingest(engine, _corpus(), parser=geoparser)
    with engine.connect() as conn:
        rows = conn.execute(
            select(mentions.c.start, mentions.c.end, mentions.c.surface, passages.c.start.label("p_start"),
                   passages.c.end.label("p_end"), passages.c.text.label("p_text"), articles.c.text)
            .select_from(mentions.join(articles, mentions.c.article_id == articles.c.id)
                         .join(passages, mentions.c.passage_id == passages.c.id))).all()
        total = conn.scalar(select(func.count()).select_from(mentions))
        orphan_passages = conn.scalar(select(func.count()).select_from(
            mentions.join(passages, mentions.c.passage_id == passages.c.id))
            .where(mentions.c.article_id != passages.c.article_id))
    assert len(rows) == total > 30  # every mention of this corpus lies inside a passage
    assert orphan_passages == 0
    for r in rows:
        assert r.text[r.start:r.end] == r.surface
        assert r.p_text == r.text[r.p_start:r.p_end]
        assert r.p_start <= r.start < r.end <= r.p_end
        assert r.p_text[r.start - r.p_start:r.end - r.p_start] == r.surface


def test_places_are_keyed_by_the_gazetteer_key(store_url, geoparser, gazetteer):
    engine = _engine(store_url)
    summary = ingest(engine, [_article("Kyiv one", "Sirens sounded in Kyiv overnight."),
                              _article("Kyiv two", "Officials in Kyiv and Odesa met on Tuesday."),
                              _article("Kyiv three", "Kyiv said the talks would go on.")], parser=geoparser)
    assert summary.added == 3
    with engine.connect() as conn:
        kyiv = conn.execute(select(places).where(places.c.name == "Kyiv")).all()
        assert len(kyiv) == 1
        assert (kyiv[0].key, kyiv[0].geonameid, kyiv[0].country_code, kyiv[0].kind, kyiv[0].precision) == (
            "gn:703448", 703448, "UA", "city", 1)
        assert abs(kyiv[0].lat - 50.45) < 0.1 and abs(kyiv[0].lon - 30.52) < 0.1
        users = conn.scalar(select(func.count(func.distinct(mentions.c.article_id)))
                            .where(mentions.c.place_id == kyiv[0].id))
        assert users == 3
        assert conn.scalar(select(func.count()).select_from(places)) == 2
    assert "gn:703448" in [p.key for p in gazetteer.candidates("Kyiv")]
    # Alternatives are stored as JSON with their keys.
    with engine.connect() as conn:
        for raw in conn.scalars(select(mentions.c.alternatives)):
            for alt in json.loads(raw):
                assert {"key", "name", "lat", "lon", "score"} <= set(alt)


# ---------------------------------------------------------------------------
# filters


@pytest.fixture
def dated(store_url, geoparser):
    """Five articles with known dates and places (one undated)."""
    engine = _engine(store_url)
    docs = [
        _article("Kyiv in January", "Sirens sounded in Kyiv overnight.", published=date(2025, 1, 1)),
        _article("Odesa mid-month", "Drones struck Odesa, officials said.", published=date(2025, 1, 15)),
        _article("Gaza in February", "Aid trucks entered Gaza through Rafah.", published=date(2025, 2, 1)),
        _article("Undated Kyiv", "Officials in Kyiv and Khartoum spoke by phone.", published=None),
        _article("Chad and Sweden", "Refugees flew from N'Djamena to Stockholm.", published=date(2025, 3, 1)),
    ]
    summary = ingest(engine, docs, parser=geoparser)
    assert summary.added == 5
    ids = dict(zip([d.title for d in docs], summary.article_ids))
    return engine, ids


def _titles(engine, filters):
    with engine.connect() as conn:
        return sorted({r.article_title for r in iter_mentions(conn, filters)})


def _place_names(engine, filters):
    with engine.connect() as conn:
        return sorted({r.name for r in iter_mentions(conn, filters)})


def test_filter_by_article_ids(dated):
    engine, ids = dated
    filters = Filters.from_args(article=[str(ids["Odesa mid-month"]), ids["Gaza in February"], " 1 "])
    assert set(filters.article_ids) == {ids["Odesa mid-month"], ids["Gaza in February"], 1}
    assert _titles(engine, filters) == sorted({"Odesa mid-month", "Gaza in February", "Kyiv in January"})
    # Repeats collapse; an id that does not exist just matches nothing.
    assert Filters.from_args(article=["2", "2"]).article_ids == (2,)
    assert _titles(engine, Filters.from_args(article=["999"])) == []


def test_filter_since_until_are_inclusive(dated):
    engine, _ = dated
    mid = "2025-01-15"
    assert _titles(engine, Filters.from_args(since=mid)) == sorted(["Odesa mid-month", "Gaza in February",
                                                                    "Chad and Sweden"])
    assert _titles(engine, Filters.from_args(until=mid)) == sorted(["Kyiv in January", "Odesa mid-month"])
    assert _titles(engine, Filters.from_args(since=mid, until=mid)) == ["Odesa mid-month"]
    assert _titles(engine, Filters.from_args(since="2025-01-16", until="2025-01-31")) == []
    assert _titles(engine, Filters.from_args(since="2025-01-01", until="2025-03-01")) == sorted(
        ["Kyiv in January", "Odesa mid-month", "Gaza in February", "Chad and Sweden"])
    assert Filters.from_args(since=" 2025-01-15 ").since == date(2025, 1, 15)
    assert Filters.from_args(since="", until="  ") == Filters()


def test_undated_articles_are_stored_undated(dated):
    engine, ids = dated
    with engine.connect() as conn:
        assert conn.scalar(select(articles.c.published).where(articles.c.id == ids["Undated Kyiv"])) is None
        assert date_range(conn) == (date(2025, 1, 1), date(2025, 3, 1))
        everything = list_articles(conn)
        assert "Undated Kyiv" in [r.title for r in everything]
        assert everything[-1].title == "Undated Kyiv"  # newest first, undated last
        assert "Undated Kyiv" not in [r.title for r in list_articles(conn, Filters.from_args(since="1900-01-01"))]
        assert "Undated Kyiv" not in [r.title for r in list_articles(conn, Filters.from_args(until="2999-12-31"))]
    assert "Undated Kyiv" in _titles(engine, Filters())
    assert "Undated Kyiv" not in _titles(engine, Filters.from_args(since="1900-01-01"))
    assert "Undated Kyiv" not in _titles(engine, Filters.from_args(until="2999-12-31"))


def test_filter_by_country(dated):
    engine, _ = dated
    assert _place_names(engine, Filters.from_args(country="UA")) == ["Kyiv", "Odesa"]
    assert _place_names(engine, Filters.from_args(country=" ua ")) == ["Kyiv", "Odesa"]
    assert _place_names(engine, Filters.from_args(country="TD")) == ["N'Djamena"]
    assert _place_names(engine, Filters.from_args(country="ZZ")) == []
    assert _titles(engine, Filters.from_args(country="UA", since="2025-01-02")) == ["Odesa mid-month"]
    with engine.connect() as conn:
        assert {r.name for r in iter_places(conn, Filters.from_args(country="UA"))} == {"Kyiv", "Odesa"}


def test_filter_q_is_a_case_insensitive_substring(dated):
    engine, _ = dated
    assert _place_names(engine, Filters.from_args(q="kyiv")) == ["Kyiv"]
    assert _place_names(engine, Filters.from_args(q="KYI")) == ["Kyiv"]
    assert _place_names(engine, Filters.from_args(q="  des ")) == ["Odesa"]
    assert _place_names(engine, Filters.from_args(q="a")) == sorted(
        ["Gaza", "Rafaḩ", "Khartoum", "Odesa", "N'Djamena"])
    assert _place_names(engine, Filters.from_args(q="n'djam")) == ["N'Djamena"]  # a quote, matched literally
    assert _place_names(engine, Filters.from_args(q="Ndjamena")) == []  # folding keeps word breaks
    assert _place_names(engine, Filters.from_args(q="örebro")) == []  # none stored here; see the accents test
    assert _place_names(engine, Filters.from_args(q="Moscow")) == []


@pytest.mark.parametrize("q,expected", [
    # Punctuation folds away as in the gazetteer's keys, so it is never a wildcard or SQL.
    ("%", []), ("_", []), ("\\", []), ("\\%", []), ("''", []), ('"', []), ("*", []),
    ("K_iv", []), ("[K]yiv", []), ("' OR '1'='1", []), ("x'; DROP TABLE places; --", []),
    # What is left are letters, matched as a plain substring.
    ("Ky%", ["Kyiv"]), ("%yiv", ["Kyiv"]), ("Ky*", ["Kyiv"]), ("Kyiv' --", ["Kyiv"]),
])
def test_filter_q_wildcards_and_quotes_are_literal(dated, q, expected):
    engine, _ = dated
    assert _place_names(engine, Filters.from_args(q=q)) == expected
    with engine.connect() as conn:
        assert bool(list_articles(conn, Filters.from_args(q=q))) == bool(expected)
    assert _rows(engine)["places"] == 7  # nothing was injected


def test_filter_q_is_case_insensitive_beyond_ascii(store_url, geoparser):
    engine = _engine(store_url)
    ingest(engine, [_article("Unrest", "Protests spread across Île-de-France and in Örebro on Monday.")],
           parser=geoparser)
    assert _place_names(engine, Filters()) == sorted(["Örebro", "Île-de-France"])
    assert _place_names(engine, Filters.from_args(q="Örebro")) == ["Örebro"]
    assert _place_names(engine, Filters.from_args(q="örebro")) == ["Örebro"]
    assert _place_names(engine, Filters.from_args(q="île-de")) == ["Île-de-France"]


def test_filters_combine(dated):
    engine, ids = dated
    filters = Filters.from_args(article=[ids["Undated Kyiv"], ids["Odesa mid-month"]], country="UA", q="kyiv")
    assert _titles(engine, filters) == ["Undated Kyiv"]
    assert _place_names(engine, filters) == ["Kyiv"]


@pytest.mark.parametrize("kwargs, message", [
    ({"since": "2025-13-01"}, "since must be a date as YYYY-MM-DD, got '2025-13-01'"),
    ({"since": "yesterday"}, "since must be a date as YYYY-MM-DD, got 'yesterday'"),
    ({"until": "01/02/2025"}, "until must be a date as YYYY-MM-DD, got '01/02/2025'"),
    ({"until": "2025-02-30"}, "until must be a date"),
    ({"since": "2025-02-01", "until": "2025-01-01"}, "since (2025-02-01) is after until (2025-01-01)"),
    ({"country": "UKR"}, "country must be a two-letter ISO code such as UA, got 'UKR'"),
    ({"country": "U1"}, "country must be a two-letter ISO code"),
    ({"country": "ÜA"}, "country must be a two-letter ISO code"),
    ({"article": ["abc"]}, "article must be an article id (a whole number), got 'abc'"),
    ({"article": ["1.5"]}, "article must be an article id"),
    ({"article": ["0"]}, "article must be a positive id, got '0'"),
    ({"article": ["-3"]}, "article must be a positive id, got '-3'"),
    ({"article": ["7", ""]}, "article must be an article id"),
    ({"q": "x" * 201}, "q (place name) must be at most 200 characters"),
])
def test_invalid_filter_values_say_what_was_wrong(kwargs, message):
    with pytest.raises(InvalidFilter) as raised:
        Filters.from_args(**kwargs)
    assert message in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_describe_filters():
    assert Filters().describe() == "everything"
    described = Filters.from_args(article=["3"], since="2025-01-01", until="2025-02-01", country="ua",
                                  q="Kyiv").describe()
    assert described == "articles 3; from 2025-01-01; until 2025-02-01; in UA; places matching 'Kyiv'"


# ---------------------------------------------------------------------------
# list_articles


def test_list_articles_counts(dated):
    engine, ids = dated
    with engine.connect() as conn:
        rows = {r.title: r for r in list_articles(conn)}
        assert [r.title for r in list_articles(conn)] == [
            "Chad and Sweden", "Gaza in February", "Odesa mid-month", "Kyiv in January", "Undated Kyiv"]
        assert (rows["Undated Kyiv"].mention_count, rows["Undated Kyiv"].place_count) == (2, 2)
        assert (rows["Gaza in February"].mention_count, rows["Gaza in February"].place_count) == (2, 2)
        assert rows["Kyiv in January"].id == ids["Kyiv in January"]
        assert rows["Kyiv in January"].published == date(2025, 1, 1)

        ua = {r.title: (r.mention_count, r.place_count) for r in list_articles(conn, Filters.from_args(country="UA"))}
        assert ua == {"Kyiv in January": (1, 1), "Odesa mid-month": (1, 1), "Undated Kyiv": (1, 1)}
        assert [r.title for r in list_articles(conn, Filters.from_args(q="khart"))] == ["Undated Kyiv"]
        assert len(list_articles(conn, limit=2)) == 2
        assert [r.title for r in list_articles(conn, limit=2, offset=3)] == ["Kyiv in January", "Undated Kyiv"]

        totals = counts(conn)
    assert totals == {"articles": 5, "mentions": sum(r.mention_count for r in rows.values()), "places": 7}


def test_list_articles_includes_articles_without_mentions(store_url, geoparser):
    engine = _engine(store_url)
    ingest(engine, [_article("Nothing here", "the committee met and nothing happened.", published=date(2025, 5, 5))],
           parser=geoparser)
    with engine.connect() as conn:
        rows = list_articles(conn)
        assert [(r.title, r.mention_count, r.place_count) for r in rows] == [("Nothing here", 0, 0)]
        assert list_articles(conn, Filters.from_args(country="UA")) == []


def test_nul_characters_are_stored_as_replacement_characters(store_url, geoparser):
    """PostgreSQL's text cannot hold NUL: both backends store U+FFFD in its place, one for
    one, so every offset still points at the same characters."""
    engine = _engine(store_url)
    body = "Shelling hit Kyiv\x00 overnight.\x00 Odesa too."
    summary = ingest(engine, [_article("nul\x00title", body, url="https://example.org/\x00")], parser=geoparser)
    assert summary.added == 1 and not summary.failed
    with engine.connect() as conn:
        stored = conn.execute(select(articles.c.title, articles.c.text, articles.c.url)).one()
        found = [(m.start, m.end, m.surface) for m in _mentions_of(engine, summary.article_ids[0])]
    assert stored.text == body.replace("\x00", "\ufffd") and stored.title == "nul\ufffdtitle"
    assert stored.url == "https://example.org/\ufffd"
    assert found == [(body.index(name), body.index(name) + len(name), name) for name in ("Kyiv", "Odesa")]
    assert all(stored.text[start:end] == surface for start, end, surface in found)
    engine.dispose()


def test_a_connection_lost_mid_transaction_rolls_back_cleanly(store_url):
    """Ctrl-C inside a query invalidates the connection; rolling it back must not raise over
    that (the per-place totals' rollback hook once touched the dead connection)."""
    engine = _engine(store_url)
    with engine.connect() as conn:
        conn.execute(select(func.count()).select_from(articles))
        conn.invalidate()
        conn.rollback()
    with engine.connect() as conn:  # and the engine goes on with a fresh connection
        assert conn.scalar(select(func.count()).select_from(articles)) == 0
    engine.dispose()
