"""The per-place totals the map's unfiltered views read (``store.place_stats``) stay equal to
counting the mentions themselves, through every way mentions change, on both backends."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from geomap import store
from geomap.aggregate import count_places
from geomap.corrections import correct, undo
from geomap.model import Article
from geomap.query import Filters, _counted_places, iter_places
from geomap.services import ingest, reprocess
from geomap.store import connect, mentions, places, writing

ARTICLES = [
    Article(title="Kharkiv", text="Shelling hit Kharkiv and Sumy overnight, officials in Kyiv said.",
            published=date(2026, 3, 2), url="https://example.org/1"),
    Article(title="Kyiv", text="Air raid sirens sounded in Kyiv on Sunday. Kyiv's mayor spoke.",
            published=date(2026, 3, 9), url="https://example.org/2"),
    Article(title="Springfield", text="Springfield officials met in Paris on Monday.", published=None,
            url="https://example.org/3"),
    Article(title="Paris", text="Storms hit Paris overnight. In Paris the mayor spoke.",
            published=date(2026, 2, 1), url="https://example.org/4"),
]
FILTERS = [Filters(), Filters.from_args(country="UA"), Filters.from_args(q="kyi"),
           Filters.from_args(bbox="22,44,41,53")]


def _totals(conn, filters: Filters) -> list[tuple]:
    assert filters.place_level_only
    return [tuple(row) for row in iter_places(conn, filters)]


def _counted(conn, filters: Filters) -> list[tuple]:
    return [tuple(row) for row in conn.execute(_counted_places(filters))]


def assert_exact(engine) -> None:
    with engine.connect() as conn:
        for filters in FILTERS:
            counted = _counted(conn, filters)
            assert _totals(conn, filters) == counted, filters.describe()
            assert count_places(conn, filters) == len(counted)


@pytest.fixture
def engine(store_url, geoparser):
    engine = connect(store_url("totals"))
    summary = ingest(engine, ARTICLES, parser=geoparser)
    assert summary.added == len(ARTICLES)
    yield engine
    engine.dispose()


def _mention(engine, surface: str, article_title: str):
    with engine.connect() as conn:
        return conn.execute(select(mentions.c.id).select_from(mentions.join(store.articles))
                            .where(mentions.c.surface == surface, store.articles.c.title == article_title)
                            .order_by(mentions.c.start)).first().id


def test_ingest_adds_each_article_to_its_places(engine):
    assert_exact(engine)
    with engine.connect() as conn:
        kyiv = next(r for r in iter_places(conn, Filters()) if r.name == "Kyiv")
    assert (kyiv.mention_count, kyiv.article_count) == (3, 2)
    assert (kyiv.first_date, kyiv.last_date) == (date(2026, 3, 2), date(2026, 3, 9))


def test_replacing_and_reprocessing_recount_the_places(engine, geoparser, data_dir):
    changed = Article(title="Kyiv", text="Drones struck Odesa on Sunday.", published=date(2026, 4, 1),
                      url="https://example.org/2")  # Kyiv's article now names Odesa only
    assert ingest(engine, [changed], parser=geoparser, replace=True).updated == 1
    assert_exact(engine)
    with engine.connect() as conn:
        kyiv = next(r for r in iter_places(conn, Filters()) if r.name == "Kyiv")
    assert (kyiv.mention_count, kyiv.article_count, kyiv.last_date) == (1, 1, date(2026, 3, 2))
    reprocess(engine, data_dir=data_dir)
    assert_exact(engine)


def test_corrections_and_their_undo_move_the_counts(engine):
    with engine.connect() as conn:
        texas = {"key": "gn:4717560", "geonameid": 4717560, "name": "Paris", "country_code": "US",
                 "kind": "city", "lat": 33.66094, "lon": -95.55551}
    with engine.begin() as conn:  # any transaction, not only store.writing
        moved = correct(conn, _mention(engine, "Paris", "Paris"), action="place", place=texas, scope="surface")
    assert_exact(engine)
    with writing(engine) as conn:
        rejected = correct(conn, _mention(engine, "Springfield", "Springfield"), action="not_place")
    assert_exact(engine)
    with engine.connect() as conn:
        names = {r.name for r in iter_places(conn, Filters())}
        assert "Springfield" not in names and conn.scalar(
            select(places.c.id).where(places.c.key == "gn:4717560")) is not None
    with writing(engine) as conn:
        undo(conn, moved.correction_id)
        undo(conn, rejected.correction_id)
    assert_exact(engine)


def test_a_rolled_back_change_leaves_the_totals_as_they_were(engine, geoparser):
    with engine.connect() as conn:
        before = _totals(conn, Filters())
    with pytest.raises(RuntimeError, match="changed my mind"):
        with writing(engine) as conn:
            mentioned, found_passages = geoparser.geoparse_with_passages("Shelling hit Kharkiv again.")
            store.save_article(conn, Article(title="x", text="Shelling hit Kharkiv again."), mentioned,
                               found_passages)
            raise RuntimeError("changed my mind")
    with engine.connect() as conn:
        assert _totals(conn, Filters()) == before
    # and the next transaction on the same pooled connection starts clean
    ingest(engine, [Article(title="y", text="Shelling hit Kharkiv again.")], parser=geoparser)
    assert_exact(engine)


def test_reprocess_recounts_totals_that_other_tools_left_behind(engine, data_dir):
    """Rows written around geomap (a bulk load, a hand edit) bypass the totals; reprocessing
    even one article recounts every place."""
    with engine.begin() as conn:
        conn.execute(store.place_stats.delete())
    with engine.connect() as conn:
        assert _totals(conn, Filters()) == []
    reprocess(engine, article_ids=[1], data_dir=data_dir)
    assert_exact(engine)
