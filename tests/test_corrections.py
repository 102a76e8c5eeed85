"""Analyst corrections: the service (geomap.corrections) on real SQLite files in ``tmp_path``,
with real articles geoparsed by the session's gazetteer and stored through
``geomap.services.ingest``; the learned prior in the geoparser; and the CLI commands
(``geomap correct``, ``geomap corrections list|undo|export|import``, ``serve``'s guard).

"Paris" is the running example: alone or beside France it is the French capital; an
analyst may decide that, in their articles, it is Paris, Texas.
"""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from geomap.cli import main
from geomap.corrections import (CorrectionError, correct, import_corrections, iter_corrections,
                                learned_preferences, place_snapshot, undo)
from geomap.export import iter_csv, iter_geojson
from geomap.model import Article, PlaceRef
from geomap.pipeline import Geoparser
from geomap.query import Filters, article_mentions, iter_mentions, iter_places, list_articles
from geomap.services import ingest, reprocess
from geomap.store import connect, corrections, mentions, places

PARIS_FR = "gn:2988507"
PARIS_TX = "gn:4717560"  # Paris, Texas
PARIS_TN = "gn:4647963"  # another Paris in the US

# Two mentions of Paris with a US context: the automatic choice is still the French capital.
US_TEXT = "Storms hit Paris overnight. In Paris the mayor spoke to the United States press."
FR_TEXT = "Paris, the capital of France, hosted talks with Lyon and Marseille."
QUIET_TEXT = "Paris was quiet on Sunday."
TWICE_TEXT = "The mayor of Paris spoke. The Paris council met."
DOUBT_TEXT = "Springfield officials met on Monday."
# Tyler backs Texas: the condition for a learned "Paris, Texas" to count.
TX_TEXT = "Storms hit Paris overnight. In Paris the mayor spoke to reporters from Tyler."
NO_PARIS_TEXT = "Officials in Kyiv said drones struck Kherson overnight."


def _engine(store_url, name="corrections"):
    """A store on this test's backend (SQLite, then PostgreSQL: see ``conftest.store_url``)."""
    return connect(store_url(name))


def _article(title: str, text: str) -> Article:
    return Article(title=title, text=text, origin=f"test:{title}")


def _ingest(engine, geoparser, *texts: str, title: str = "article") -> list[int]:
    summary = ingest(engine, [_article(f"{title} {i}", t) for i, t in enumerate(texts)], parser=geoparser)
    assert summary.failed == 0, summary.failures
    return summary.article_ids


def _mentions(engine, article_id: int, surface: str | None = None) -> list:
    """An article's mentions in text order, with their place key and the automatic place's key."""
    auto = places.alias("auto")
    query = (select(mentions.c.id, mentions.c.start, mentions.c.end, mentions.c.surface, mentions.c.correction_id,
                    mentions.c.rejected, mentions.c.place_id, mentions.c.auto_place_id, places.c.key,
                    auto.c.key.label("auto_key"))
             .select_from(mentions.join(places, mentions.c.place_id == places.c.id)
                          .outerjoin(auto, mentions.c.auto_place_id == auto.c.id))
             .where(mentions.c.article_id == article_id).order_by(mentions.c.start))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [r for r in rows if surface is None or r.surface == surface]


def _paris(engine, article_id: int) -> list:
    return _mentions(engine, article_id, "Paris")


def _place(gazetteer, key: str, surface: str = "Paris") -> dict:
    """The snapshot of one of a name's gazetteer candidates, as the CLI and the web app build it."""
    place = next(p for p in gazetteer.candidates(surface) if p.key == key)
    return {"key": place.key, "geonameid": place.geonameid, "name": place.name, "kind": place.kind,
            "country_code": place.country_code, "lat": place.lat, "lon": place.lon}


def _correct(engine, mention_id: int, place: dict | None, **kwargs):
    with engine.begin() as conn:
        return correct(conn, mention_id, action="place" if place else "not_place", place=place, **kwargs)


def _undo(engine, correction_id: int):
    with engine.begin() as conn:
        return undo(conn, correction_id)


def _place_id(engine, key: str) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(places.c.id).where(places.c.key == key))


@pytest.fixture
def tx(gazetteer) -> dict:
    return _place(gazetteer, PARIS_TX)


@pytest.fixture
def tn(gazetteer) -> dict:
    return _place(gazetteer, PARIS_TN)


def test_the_running_example_is_ambiguous_as_assumed(geoparser):
    """The premise of every test below: the automatic choice is the French capital."""
    for text in (US_TEXT, FR_TEXT, QUIET_TEXT, TWICE_TEXT):
        found = [m for m in geoparser.geoparse(text) if m.text == "Paris"]
        assert found and {m.place.key for m in found} == {PARIS_FR}, text
    assert any(m.place.country_code == "US" for m in geoparser.geoparse(US_TEXT))
    assert {m.place.country_code for m in geoparser.geoparse(FR_TEXT)} == {"FR"}


# ---------------------------------------------------------------------------
# scopes


def test_mention_scope_changes_only_that_mention(store_url, geoparser, tx):
    engine = _engine(store_url)
    first, other = _ingest(engine, geoparser, US_TEXT, TWICE_TEXT)
    one, two = _paris(engine, first)
    applied = _correct(engine, one.id, tx, scope="mention", author="ana")

    assert applied.mentions_changed == 1 and applied.articles == (first,)
    one_after, two_after = _paris(engine, first)
    assert (one_after.key, one_after.auto_key, one_after.correction_id) == (PARIS_TX, PARIS_FR, applied.correction_id)
    assert (two_after.key, two_after.auto_place_id, two_after.correction_id) == (PARIS_FR, None, None)
    assert {m.key for m in _paris(engine, other)} == {PARIS_FR}
    with engine.connect() as conn:
        row = conn.execute(select(corrections)).one()
    assert (row.scope, row.action, row.author, row.surface_key, row.article_id, row.start, row.end) == \
        ("mention", "place", "ana", "paris", first, one.start, one.end)
    assert json.loads(row.place)["key"] == PARIS_TX
    assert json.loads(row.previous)["key"] == PARIS_FR


def test_article_scope_changes_every_mention_of_the_name_in_that_article(store_url, geoparser, tx):
    engine = _engine(store_url)
    first, other = _ingest(engine, geoparser, US_TEXT, TWICE_TEXT)
    applied = _correct(engine, _paris(engine, first)[1].id, tx, scope="article")

    assert applied.mentions_changed == 2
    assert [m.key for m in _paris(engine, first)] == [PARIS_TX, PARIS_TX]
    assert [m.key for m in _paris(engine, other)] == [PARIS_FR, PARIS_FR]
    # The article's other places are untouched.
    assert {m.key for m in _mentions(engine, first) if m.surface != "Paris"} == {"gn:6252001"}
    assert all(m.correction_id is None for m in _mentions(engine, first) if m.surface != "Paris")


def test_surface_scope_changes_every_article_and_newly_ingested_ones(store_url, geoparser, tx):
    engine = _engine(store_url)
    first, second, third = _ingest(engine, geoparser, US_TEXT, TWICE_TEXT, NO_PARIS_TEXT)
    applied = _correct(engine, _paris(engine, second)[0].id, tx, scope="surface")

    assert applied.mentions_changed == 4 and set(applied.articles) == {first, second}
    for article_id in (first, second):
        assert {(m.key, m.auto_key, m.correction_id) for m in _paris(engine, article_id)} == \
            {(PARIS_TX, PARIS_FR, applied.correction_id)}
    assert all(m.correction_id is None for m in _mentions(engine, third))

    [new] = _ingest(engine, geoparser, QUIET_TEXT, title="later")
    [mention] = _paris(engine, new)
    assert (mention.key, mention.correction_id) == (PARIS_TX, applied.correction_id)


def test_surface_scope_matches_the_folded_name(store_url, geoparser, gazetteer):
    engine = _engine(store_url)
    [first] = _ingest(engine, geoparser, "Police in Cordoba said the roads were closed.")
    [plain] = _mentions(engine, first, "Cordoba")
    spain = next(p for p in gazetteer.candidates("Cordoba") if p.country_code == "ES" and p.kind == "city")
    assert plain.key != spain.key
    _correct(engine, plain.id, place_snapshot(_ref(spain)), scope="surface")
    [accented] = _ingest(engine, geoparser, "Police in Córdoba said it was quiet on Sunday.",
                         title="accents")
    assert [m.key for m in _mentions(engine, accented, "Córdoba")] == [spain.key]


def test_country_condition_applies_only_where_the_article_mentions_that_country(store_url, geoparser, tx):
    engine = _engine(store_url)
    us, fr = _ingest(engine, geoparser, US_TEXT, FR_TEXT)
    applied = _correct(engine, _paris(engine, us)[0].id, tx, scope="surface", country="us")

    assert applied.mentions_changed == 2
    assert {m.key for m in _paris(engine, us)} == {PARIS_TX}
    assert [(m.key, m.correction_id) for m in _paris(engine, fr)] == [(PARIS_FR, None)]
    with engine.connect() as conn:
        assert conn.scalar(select(corrections.c.country)) == "US"

    # ... and so for articles ingested later.
    us_later, fr_later = _ingest(engine, geoparser, US_TEXT.replace("Storms", "Floods"),
                                 FR_TEXT.replace("talks", "a summit"), title="later")
    assert {m.key for m in _paris(engine, us_later)} == {PARIS_TX}
    assert [(m.key, m.correction_id) for m in _paris(engine, fr_later)] == [(PARIS_FR, None)]


def test_a_country_condition_needs_surface_scope(store_url, geoparser, tx):
    engine = _engine(store_url)
    [first] = _ingest(engine, geoparser, US_TEXT)
    for scope in ("mention", "article"):
        with pytest.raises(CorrectionError, match="country"):
            _correct(engine, _paris(engine, first)[0].id, tx, scope=scope, country="US")
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(corrections)) == 0


def test_invalid_corrections_are_refused_with_a_reason(store_url, geoparser, tx):
    engine = _engine(store_url)
    [first] = _ingest(engine, geoparser, US_TEXT)
    mention_id = _paris(engine, first)[0].id
    with engine.begin() as conn:
        with pytest.raises(CorrectionError, match="scope"):
            correct(conn, mention_id, action="place", place=tx, scope="planet")
        with pytest.raises(CorrectionError, match="action"):
            correct(conn, mention_id, action="delete", place=tx)
        with pytest.raises(CorrectionError, match="choose the place"):
            correct(conn, mention_id, action="place", place=None)
        with pytest.raises(CorrectionError, match="no mention with id 999999"):
            correct(conn, 999999, action="place", place=tx)
        assert conn.scalar(select(func.count()).select_from(corrections)) == 0


# ---------------------------------------------------------------------------
# not a place


def test_not_a_place_removes_the_mention_from_every_view(store_url, geoparser):
    engine = _engine(store_url)
    [first] = _ingest(engine, geoparser, "Springfield officials met in Paris on Monday.")
    [spring] = _mentions(engine, first, "Springfield")
    spring_place = spring.place_id
    with engine.connect() as conn:
        before = list_articles(conn)[0]
    assert before.mention_count == 2 and before.place_count == 2

    _correct(engine, spring.id, None, scope="mention")

    [after] = _mentions(engine, first, "Springfield")
    assert after.rejected == 1 and after.correction_id is not None
    with engine.connect() as conn:
        assert [r.surface for r in iter_mentions(conn, Filters())] == ["Paris"]
        assert [r.place_key for r in iter_places(conn, Filters())] == [PARIS_FR]
        assert spring_place not in {r.place_id for r in iter_places(conn, Filters())}
        row = list_articles(conn)[0]
        assert (row.mention_count, row.place_count) == (1, 1)
        assert [m.surface for m in article_mentions(conn, first)] == ["Paris"]
    geojson = json.loads("".join(iter_geojson(engine, Filters(), granularity="mention")))
    assert [f["properties"]["surface"] for f in geojson["features"]] == ["Paris"]
    by_place = json.loads("".join(iter_geojson(engine, Filters())))
    assert [f["properties"]["name"] for f in by_place["features"]] == ["Paris"]
    assert by_place["features"][0]["properties"]["mention_count"] == 1
    rows = list(csv.DictReader(io.StringIO("".join(iter_csv(engine, Filters())))))
    assert [r["surface"] for r in rows] == ["Paris"]


def test_not_a_place_for_a_whole_article_and_undo_brings_it_back(store_url, geoparser):
    engine = _engine(store_url)
    [first] = _ingest(engine, geoparser, TWICE_TEXT)
    applied = _correct(engine, _paris(engine, first)[0].id, None, scope="article")
    assert applied.mentions_changed == 2
    with engine.connect() as conn:
        assert list(iter_mentions(conn, Filters())) == []
        assert list_articles(conn)[0].mention_count == 0
    _undo(engine, applied.correction_id)
    assert [(m.key, m.rejected, m.correction_id) for m in _paris(engine, first)] == [(PARIS_FR, 0, None)] * 2


# ---------------------------------------------------------------------------
# precedence, undo


def test_most_specific_correction_wins_whatever_the_order(store_url, geoparser, tx, tn):
    engine = _engine(store_url)
    first, second = _ingest(engine, geoparser, US_TEXT, TWICE_TEXT)
    # The surface-wide decision first, then one mention decided otherwise ...
    surface = _correct(engine, _paris(engine, second)[0].id, tx, scope="surface")
    mention = _correct(engine, _paris(engine, first)[0].id, tn, scope="mention")
    assert [(m.key, m.correction_id) for m in _paris(engine, first)] == \
        [(PARIS_TN, mention.correction_id), (PARIS_TX, surface.correction_id)]
    assert {m.key for m in _paris(engine, second)} == {PARIS_TX}

    # ... and a later surface-wide decision does not override the mention's either.
    later = _correct(engine, _paris(engine, second)[1].id, None, scope="surface")
    assert [(m.key, m.correction_id, m.rejected) for m in _paris(engine, first)] == \
        [(PARIS_TN, mention.correction_id, 0), (PARIS_FR, later.correction_id, 1)]
    assert [m.rejected for m in _paris(engine, second)] == [1, 1]


def test_article_scope_beats_surface_scope(store_url, geoparser, tx, tn):
    engine = _engine(store_url)
    first, second = _ingest(engine, geoparser, US_TEXT, TWICE_TEXT)
    article = _correct(engine, _paris(engine, first)[0].id, tn, scope="article")
    surface = _correct(engine, _paris(engine, second)[0].id, tx, scope="surface")
    assert {(m.key, m.correction_id) for m in _paris(engine, first)} == {(PARIS_TN, article.correction_id)}
    assert {(m.key, m.correction_id) for m in _paris(engine, second)} == {(PARIS_TX, surface.correction_id)}


def test_undo_restores_the_automatic_choice_and_reapplies_what_else_is_active(store_url, geoparser, tx, tn):
    engine = _engine(store_url)
    first, second = _ingest(engine, geoparser, US_TEXT, TWICE_TEXT)
    surface = _correct(engine, _paris(engine, second)[0].id, tx, scope="surface")
    mention = _correct(engine, _paris(engine, first)[0].id, tn, scope="mention")

    applied = _undo(engine, mention.correction_id)
    assert applied.articles == (first,)
    # The surface-wide correction takes the mention back.
    assert [(m.key, m.auto_key, m.correction_id) for m in _paris(engine, first)] == \
        [(PARIS_TX, PARIS_FR, surface.correction_id)] * 2

    _undo(engine, surface.correction_id)
    for article_id in (first, second):
        assert [(m.key, m.auto_place_id, m.correction_id, m.rejected) for m in _paris(engine, article_id)] == \
            [(PARIS_FR, None, None, 0)] * 2
    with engine.connect() as conn:
        assert all(r.undone_at is not None for r in conn.execute(select(corrections)))
        assert list(iter_corrections(conn)) == []
        assert len(list(iter_corrections(conn, include_undone=True))) == 2

    with pytest.raises(CorrectionError, match="already undone"):
        _undo(engine, surface.correction_id)
    with pytest.raises(CorrectionError, match="no correction with id 4242"):
        _undo(engine, 4242)


def test_undoing_an_overridden_correction_leaves_the_winner_in_place(store_url, geoparser, tx, tn):
    engine = _engine(store_url)
    [first] = _ingest(engine, geoparser, US_TEXT)
    surface = _correct(engine, _paris(engine, first)[0].id, tx, scope="surface")
    mention = _correct(engine, _paris(engine, first)[0].id, tn, scope="mention")
    _undo(engine, surface.correction_id)
    assert [(m.key, m.correction_id) for m in _paris(engine, first)] == \
        [(PARIS_TN, mention.correction_id), (PARIS_FR, None)]


def test_undo_restores_the_automatic_choice_of_articles_ingested_while_it_was_active(store_url, geoparser, data_dir,
                                                                                    tx):
    engine = _engine(store_url)
    [first] = _ingest(engine, geoparser, TWICE_TEXT)
    surface = _correct(engine, _paris(engine, first)[0].id, tx, scope="surface")
    # Ingested like the CLI and the web app do: no parser given, the learned prior is used.
    summary = ingest(engine, [_article("later", US_TEXT)], data_dir=data_dir)
    [later] = summary.article_ids
    assert {m.key for m in _paris(engine, later)} == {PARIS_TX}

    _undo(engine, surface.correction_id)
    assert {m.key for m in _paris(engine, later)} == {PARIS_FR}  # what geoparsing it afresh gives


# ---------------------------------------------------------------------------
# reprocess, exports


def test_reprocess_keeps_corrections_applied(store_url, geoparser, data_dir, tx, tn):
    engine = _engine(store_url)
    first, second = _ingest(engine, geoparser, US_TEXT, DOUBT_TEXT)
    one, two = _paris(engine, first)
    mention = _correct(engine, two.id, tn, scope="mention")
    rejected = _correct(engine, _mentions(engine, second, "Springfield")[0].id, None, scope="article")

    summary = reprocess(engine, data_dir=data_dir)
    assert summary.updated == 2

    # Mention ids change on reprocess; the correction follows the mention's offsets.
    one_after, two_after = _paris(engine, first)
    assert two_after.id != two.id
    assert (two_after.start, two_after.end, two_after.key, two_after.correction_id) == \
        (two.start, two.end, PARIS_TN, mention.correction_id)
    # The other mention is ranked afresh, with the correction as learned evidence.
    automatic = {m.place.key for m in Geoparser(geoparser.gazetteer, preferences={"paris": PARIS_TN})
                 .geoparse(US_TEXT) if m.text == "Paris"}
    assert {one_after.key, two_after.auto_key} == automatic
    assert one_after.correction_id is None
    [spring] = _mentions(engine, second, "Springfield")
    assert (spring.rejected, spring.correction_id) == (1, rejected.correction_id)


def test_reprocess_applies_surface_corrections(store_url, geoparser, data_dir, tx):
    engine = _engine(store_url)
    first, second = _ingest(engine, geoparser, FR_TEXT, QUIET_TEXT)
    surface = _correct(engine, _paris(engine, second)[0].id, tx, scope="surface")
    reprocess(engine, data_dir=data_dir)
    for article_id in (first, second):
        assert {(m.key, m.correction_id) for m in _paris(engine, article_id)} == {(PARIS_TX, surface.correction_id)}


def test_exports_mark_corrected_mentions_and_keep_the_automatic_choice(store_url, geoparser, tx):
    engine = _engine(store_url)
    [first] = _ingest(engine, geoparser, US_TEXT)
    one, _ = _paris(engine, first)
    _correct(engine, one.id, tx, scope="mention")
    fr_id, tx_id = _place_id(engine, PARIS_FR), _place_id(engine, PARIS_TX)

    features = json.loads("".join(iter_geojson(engine, Filters(), granularity="mention")))["features"]
    paris = [f["properties"] for f in features if f["properties"]["surface"] == "Paris"]
    assert [(p["place_id"], p["corrected"], p["automatic_place_id"]) for p in paris] == \
        [(tx_id, True, fr_id), (fr_id, False, None)]
    assert [f["geometry"]["coordinates"] for f in features if f["properties"]["mention_id"] == one.id] == \
        [[round(tx["lon"], 6), round(tx["lat"], 6)]]

    by_place = {f["properties"]["place_id"]: f["properties"]
                for f in json.loads("".join(iter_geojson(engine, Filters())))["features"]}
    assert (by_place[tx_id]["corrected_count"], by_place[tx_id]["mention_count"]) == (1, 1)
    assert [m["corrected"] for m in by_place[tx_id]["mentions"]] == [True]
    assert by_place[tx_id]["mentions"][0]["automatic_place_id"] == fr_id
    assert (by_place[fr_id]["corrected_count"], by_place[fr_id]["mention_count"]) == (0, 1)

    rows = [r for r in csv.DictReader(io.StringIO("".join(iter_csv(engine, Filters())))) if r["surface"] == "Paris"]
    assert [(r["place_id"], r["corrected"], r["automatic_place_id"]) for r in rows] == \
        [(str(tx_id), "1", str(fr_id)), (str(fr_id), "0", "")]


# ---------------------------------------------------------------------------
# sharing: export / import


def test_corrections_travel_to_another_database(store_url, geoparser, tx, tn):
    source = _engine(store_url, "source")
    _, first = _ingest(source, geoparser, NO_PARIS_TEXT, US_TEXT)
    one, two = _paris(source, first)
    _correct(source, one.id, tn, scope="mention", author="ana")
    _correct(source, two.id, tn, scope="article", author="ana")
    _correct(source, one.id, tx, scope="surface", author="ben")
    undone = _correct(source, one.id, None, scope="surface", author="ben")
    _undo(source, undone.correction_id)
    with source.connect() as conn:
        # Through text, as a JSON Lines file carries them.
        shared = [json.loads(json.dumps(r)) for r in iter_corrections(conn)]
    assert [(r["scope"], r["author"], r["place"]["key"]) for r in shared] == \
        [("mention", "ana", PARIS_TN), ("article", "ana", PARIS_TN), ("surface", "ben", PARIS_TX)]
    assert shared[0]["previous"]["key"] == PARIS_FR and shared[0]["article_id"] == first
    assert (shared[0]["start"], shared[0]["end"]) == (one.start, one.end)

    # A fresh database: its only article is id 1, the corrections' article (id 2) is not there.
    target = _engine(store_url, "target")
    [here] = _ingest(target, geoparser, TWICE_TEXT)
    assert here != first
    with target.begin() as conn:
        assert import_corrections(conn, shared, author="team") == (1, 2)
    assert {m.key for m in _paris(target, here)} == {PARIS_TX}
    with target.connect() as conn:
        [imported] = list(iter_corrections(conn))
    assert (imported["scope"], imported["author"], imported["surface_key"], imported["place"]["key"]) == \
        ("surface", "team", "paris", PARIS_TX)
    # And it applies to what the target ingests next.
    [later] = _ingest(target, geoparser, QUIET_TEXT, title="later")
    assert {m.key for m in _paris(target, later)} == {PARIS_TX}


def test_import_keeps_mention_and_article_corrections_where_the_article_matches(store_url, geoparser, tn):
    source = _engine(store_url, "source")
    [first] = _ingest(source, geoparser, US_TEXT)
    one, _ = _paris(source, first)
    _correct(source, one.id, tn, scope="mention")
    with source.connect() as conn:
        shared = list(iter_corrections(conn))

    target = _engine(store_url, "target")  # the same article at the same id
    [same] = _ingest(target, geoparser, US_TEXT)
    assert same == first
    with target.begin() as conn:
        assert import_corrections(conn, shared) == (1, 0)
    assert [m.key for m in _paris(target, same)] == [PARIS_TN, PARIS_FR]

    # An article with that id but not that name at those offsets: skipped.
    other = _engine(store_url, "other")
    _ingest(other, geoparser, FR_TEXT)
    with other.begin() as conn:
        assert import_corrections(conn, shared) == (0, 1)


BAD_RECORDS = [
    ("not an object", "not a JSON object"),
    ({"scope": "planet", "action": "place", "surface_key": "paris"}, "scope must be"),
    ({"scope": "surface", "action": "rename", "surface_key": "paris"}, "action one of"),
    ({"scope": "surface", "action": "not_place", "surface_key": "  "}, "surface_key is missing"),
    ({"scope": "surface", "action": "place", "surface_key": "paris", "place": {"key": "gn:1"}}, "place needs"),
    ({"scope": "surface", "action": "place", "surface_key": "paris", "place": "Paris"}, "place needs"),
    ({"scope": "surface", "action": "place", "surface_key": "paris",
      "place": {"key": "gn:1", "name": "X", "kind": "city", "lat": "north", "lon": 2}}, "place needs"),
    ({"scope": "article", "action": "not_place", "surface_key": "paris"}, "needs article_id"),
    ({"scope": "mention", "action": "not_place", "surface_key": "paris", "article_id": 1}, "needs start and end"),
    ({"scope": "mention", "action": "not_place", "surface_key": "paris", "article_id": "one", "start": 0,
      "end": 5}, "whole numbers"),
]


@pytest.mark.parametrize("record, message", BAD_RECORDS, ids=[m for _, m in BAD_RECORDS])
def test_a_bad_import_record_is_refused_naming_its_line(store_url, tx, record, message):
    engine = _engine(store_url)
    good = {"scope": "surface", "action": "place", "surface_key": "paris", "place": tx}
    with pytest.raises(CorrectionError, match=f"^line 2: .*{message}"):
        with engine.begin() as conn:
            import_corrections(conn, [good, record])
    with engine.connect() as conn:  # the caller's transaction rolled back: nothing half-imported
        assert conn.scalar(select(func.count()).select_from(corrections)) == 0


def test_import_refuses_coordinates_off_the_globe(store_url):
    engine = _engine(store_url)
    record = {"scope": "surface", "action": "place", "surface_key": "paris",
              "place": {"key": "gn:1", "name": "Nowhere", "kind": "city", "lat": 1000, "lon": -999}}
    with pytest.raises(CorrectionError, match="line 1"):
        with engine.begin() as conn:
            import_corrections(conn, [record])


# ---------------------------------------------------------------------------
# learning from corrections


def test_learned_preferences_count_every_place_active_place_corrections_chose(store_url, geoparser, gazetteer, tx,
                                                                             tn):
    engine = _engine(store_url)
    first, second, third = _ingest(engine, geoparser, US_TEXT, TWICE_TEXT, DOUBT_TEXT)
    with engine.connect() as conn:
        assert learned_preferences(conn) == {}
    _correct(engine, _paris(engine, first)[0].id, tx, scope="mention")
    _correct(engine, _paris(engine, second)[0].id, tx, scope="mention")
    _correct(engine, _paris(engine, first)[1].id, tn, scope="mention")
    _correct(engine, _paris(engine, second)[1].id, None, scope="mention")  # "not a place" is no vote
    withdrawn = [_correct(engine, _paris(engine, first)[0].id, tn, scope="article") for _ in range(3)]
    for applied in withdrawn:  # undone corrections are no votes either
        _undo(engine, applied.correction_id)
    spring = _other_springfield(gazetteer, geoparser)
    _correct(engine, _mentions(engine, third, "Springfield")[0].id, place_snapshot(_ref(spring)), scope="surface")
    with engine.connect() as conn:
        learned = learned_preferences(conn)
    assert learned == {"paris": {PARIS_TX: 2, PARIS_TN: 1}, "springfield": {spring.key: 1}}
    assert list(learned["paris"]) == [PARIS_TX, PARIS_TN]  # most chosen first


def _other_springfield(gazetteer, geoparser):
    """A Springfield the geoparser does not choose on its own."""
    automatic = geoparser.geoparse(DOUBT_TEXT)[0].place.key
    return next(p for p in gazetteer.candidates("Springfield") if p.kind == "city" and p.key != automatic)


def _ref(place) -> PlaceRef:
    return PlaceRef(place.id, place.geonameid, place.name, place.country_code, place.kind, place.lat, place.lon,
                    place.key)


def test_preferences_change_the_ranking_of_an_ambiguous_name(gazetteer, geoparser):
    plain = [m for m in geoparser.geoparse(TX_TEXT) if m.text == "Paris"]
    learned = Geoparser(gazetteer, preferences={"paris": PARIS_TX})
    preferred = [m for m in learned.geoparse(TX_TEXT) if m.text == "Paris"]
    # Only where the text backs the learned place's region: nothing in US_TEXT points at Texas.
    assert {m.place.key for m in learned.geoparse(US_TEXT) if m.text == "Paris"} == {PARIS_FR}
    assert {m.place.key for m in plain} == {PARIS_FR}
    assert {m.place.key for m in preferred} == {PARIS_TX}
    assert PARIS_FR in {a.place.key for m in preferred for a in m.alternatives}
    # A prior, not an override: a text that says France still means the French capital.
    assert {m.place.key for m in learned.geoparse(FR_TEXT) if m.text == "Paris"} == {PARIS_FR}
    # Names without a learned preference are ranked as before.
    assert [(m.text, m.place.key) for m in learned.geoparse(NO_PARIS_TEXT)] == \
        [(m.text, m.place.key) for m in geoparser.geoparse(NO_PARIS_TEXT)]
    # With nothing else in the text, a learned preference has nothing to stand on.
    spring = _other_springfield(gazetteer, geoparser)
    assert Geoparser(gazetteer, preferences={"springfield": spring.key}).geoparse(DOUBT_TEXT)[0].place.key == \
        geoparser.geoparse(DOUBT_TEXT)[0].place.key


# Paris, Tennessee where the text is Tennessee's; Paris, France where it backs France more than Texas.
TN_TEXT = "Storms hit Paris overnight. In Paris the mayor spoke to reporters from Nashville."
FR_TX_TEXT = "Storms hit Paris overnight. In Paris the mayor spoke to reporters from Tyler, Lyon and Marseille."
NY_TEXT = "Flooding closed roads across New York on Monday, officials in Albany and Buffalo said."
NY_STATE = "gn:5128638"
NY_CITY = "gn:5128581"


def _senses(parser, text: str, surface: str) -> set[str]:
    return {m.place.key for m in parser.geoparse(text) if m.text == surface}


def test_every_place_analysts_chose_for_a_name_counts_where_the_text_backs_its_region(gazetteer, geoparser):
    """Across local papers one name means several towns: each learned place wins in the texts of its region."""
    assert _senses(geoparser, TN_TEXT, "Paris") == _senses(geoparser, TX_TEXT, "Paris") == {PARIS_FR}
    learned = Geoparser(gazetteer, preferences={"paris": {PARIS_TX: 2, PARIS_TN: 1}})
    assert _senses(learned, TX_TEXT, "Paris") == {PARIS_TX}
    assert _senses(learned, TN_TEXT, "Paris") == {PARIS_TN}  # the minority's choice, where Tennessee speaks
    assert _senses(learned, US_TEXT, "Paris") == {PARIS_FR}  # no state backs either town
    assert _senses(learned, FR_TEXT, "Paris") == {PARIS_FR}
    # A majority-only prior would have lost Paris, Tennessee.
    assert _senses(Geoparser(gazetteer, preferences={"paris": PARIS_TX}), TN_TEXT, "Paris") == {PARIS_FR}


def test_a_learned_place_loses_where_the_text_backs_the_rival_country_more(gazetteer, geoparser):
    learned = Geoparser(gazetteer, preferences={"paris": {PARIS_TX: 1}})
    # Tyler backs Texas, but Lyon and Marseille back France more.
    assert _senses(learned, FR_TX_TEXT, "Paris") == _senses(geoparser, FR_TX_TEXT, "Paris") == {PARIS_FR}
    assert _senses(learned, TX_TEXT, "Paris") == {PARIS_TX}


def test_a_learned_place_in_the_rival_sense_region_needs_more_than_the_corrections(gazetteer, geoparser):
    """New York the state or the city: nothing in the text tells them apart, so the corrections
    alone do not overturn the automatic choice (measured: that broke as many mentions as it fixed)."""
    assert _senses(geoparser, NY_TEXT, "New York") == {NY_CITY}
    learned = Geoparser(gazetteer, preferences={"new york": {NY_STATE: 3}})
    assert _senses(learned, NY_TEXT, "New York") == {NY_CITY}


def test_ingest_uses_the_learned_prior_where_no_correction_decides(store_url, geoparser, data_dir, tx):
    """A mention-scope correction decides only its mention, but it is evidence for the next article."""
    engine = _engine(store_url)
    [first] = _ingest(engine, geoparser, US_TEXT)
    _correct(engine, _paris(engine, first)[0].id, tx, scope="mention")
    summary = ingest(engine, [_article("later", TX_TEXT.replace("Storms", "Floods"))], data_dir=data_dir)
    [later] = summary.article_ids
    assert {(m.key, m.correction_id) for m in _paris(engine, later)} == {(PARIS_TX, None)}


# ---------------------------------------------------------------------------
# the review filter


def test_review_keeps_only_doubtful_mentions_no_analyst_decided(store_url, geoparser):
    engine = _engine(store_url)
    doubtful, sure = _ingest(engine, geoparser, DOUBT_TEXT, FR_TEXT)
    review = Filters(review=True)
    with engine.connect() as conn:
        assert [r.surface for r in iter_mentions(conn, review)] == ["Springfield"]
        assert [r.id for r in list_articles(conn, review)] == [doubtful]
        assert len(list(iter_mentions(conn, Filters()))) == 5
    [spring] = _mentions(engine, doubtful, "Springfield")
    gazetteer_choice = spring.key
    with engine.connect() as conn:
        row = conn.execute(select(places).where(places.c.key == gazetteer_choice)).one()
    snapshot = {field: getattr(row, field) for field in ("key", "geonameid", "name", "kind", "country_code", "lat",
                                                         "lon")}
    _correct(engine, spring.id, snapshot, scope="mention")  # confirmed as it was: decided, no longer doubtful
    with engine.connect() as conn:
        assert list(iter_mentions(conn, review)) == []
        assert list_articles(conn, review) == []
        [row] = [r for r in iter_places(conn, Filters()) if r.place_key == gazetteer_choice]
        assert (row.doubtful_count, row.corrected_count) == (0, 1)


# ---------------------------------------------------------------------------
# the command line


@pytest.fixture
def runner(geomap_env):
    return CliRunner()


@pytest.fixture
def cli_db(tmp_path, geoparser):
    """A database file with two articles, and the ids of their Paris mentions."""
    path = tmp_path / "cli.sqlite"
    engine = connect(f"sqlite:///{path}")
    first, second = _ingest(engine, geoparser, US_TEXT, QUIET_TEXT)
    ids = [m.id for m in _paris(engine, first)] + [m.id for m in _paris(engine, second)]
    engine.dispose()
    return path, ids


def _run(runner, *args):
    return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


def _error(result, *fragments):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def test_cli_correct_list_undo(runner, cli_db):
    db, (one, two, three) = cli_db
    result = _run(runner, "correct", one, "--place-key", PARIS_TX, "--scope", "surface", "--author", "ana",
                  "--db", db)
    assert result.exit_code == 0, result.output
    assert "correction 1:" in result.output and "Paris (city, US; gn:4717560)" in result.output
    assert "3 mention(s) in 2 article(s)" in result.output
    engine = connect(f"sqlite:///{db}")
    assert {m.key for a in (1, 2) for m in _paris(engine, a)} == {PARIS_TX}

    result = _run(runner, "correct", three, "--geonameid", 4647963, "--db", db)
    assert result.exit_code == 0, result.output
    assert _paris(engine, 2)[0].key == PARIS_TN

    listed = _run(runner, "corrections", "list", "--db", db)
    assert listed.exit_code == 0
    lines = listed.output.splitlines()
    assert len(lines) == 2
    assert lines[0].split()[0] == "1" and "ana" in lines[0] and "surface" in lines[0] and "paris" in lines[0]
    assert "gn:4717560" in lines[0] and lines[0].endswith("active")
    assert "mention" in lines[1] and "gn:4647963" in lines[1] and "analyst" in lines[1]

    as_json = [json.loads(line) for line in _run(runner, "corrections", "list", "--json", "--db", db).output
               .splitlines()]
    assert [(r["id"], r["scope"], r["author"], r["place"]["key"], r["undone_at"]) for r in as_json] == \
        [(1, "surface", "ana", PARIS_TX, None), (2, "mention", "analyst", PARIS_TN, None)]

    result = _run(runner, "corrections", "undo", 2, "--db", db)
    assert result.exit_code == 0, result.output
    assert "undid correction 2" in result.output
    assert _paris(engine, 2)[0].key == PARIS_TX  # the surface-wide one applies again

    _error(_run(runner, "corrections", "undo", 2, "--db", db), "correction 2 was already undone")
    _error(_run(runner, "corrections", "undo", 77, "--db", db), "no correction with id 77")

    assert len(_run(runner, "corrections", "list", "--db", db).output.splitlines()) == 1
    every = _run(runner, "corrections", "list", "--all", "--db", db).output.splitlines()
    assert len(every) == 2 and every[1].endswith("undone")
    _run(runner, "corrections", "undo", 1, "--db", db)
    assert _run(runner, "corrections", "list", "--db", db).output.strip() == "no active corrections"
    assert {m.key for a in (1, 2) for m in _paris(engine, a)} == {PARIS_FR}


def test_cli_correct_not_a_place_with_a_country_condition(runner, cli_db):
    db, (one, two, three) = cli_db
    result = _run(runner, "correct", one, "--not-a-place", "--scope", "surface", "--country", "us", "--db", db)
    assert result.exit_code == 0, result.output
    assert "not a place" in result.output
    engine = connect(f"sqlite:///{db}")
    assert [m.rejected for m in _paris(engine, 1)] == [1, 1]  # this article mentions the United States
    assert [m.rejected for m in _paris(engine, 2)] == [0]  # this one does not
    listed = _run(runner, "corrections", "list", "--db", db).output
    assert "not a place [where US is mentioned]" in listed


def test_cli_correct_refuses_what_it_cannot_do(runner, cli_db):
    db, (one, two, three) = cli_db
    _error(_run(runner, "correct", one, "--place-key", "gn:703448", "--db", db),
           "'gn:703448' is not one of the places 'Paris' may name")
    _error(_run(runner, "correct", one, "--geonameid", 999999999, "--db", db), "no place with GeoNames id 999999999")
    _error(_run(runner, "correct", 424242, "--not-a-place", "--db", db), "no mention with id 424242")
    _error(_run(runner, "correct", one, "--not-a-place", "--country", "US", "--db", db), "country condition")
    for args in ([], ["--not-a-place", "--geonameid", "4717560"]):
        result = _run(runner, "correct", one, *args, "--db", db)
        assert result.exit_code == 2 and "exactly one of" in result.stderr
    result = _run(runner, "correct", one, "--not-a-place", "--scope", "surface", "--country", "USA", "--db", db)
    assert result.exit_code == 2 and "two-letter" in result.stderr
    engine = connect(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(corrections)) == 0


def test_cli_export_and_import(runner, cli_db, tmp_path, geoparser):
    db, (one, two, three) = cli_db
    _run(runner, "correct", one, "--place-key", PARIS_TX, "--scope", "surface", "--db", db)
    _run(runner, "correct", two, "--geonameid", 4647963, "--db", db)
    _run(runner, "correct", three, "--not-a-place", "--scope", "article", "--db", db)
    _run(runner, "corrections", "undo", 3, "--db", db)

    out = tmp_path / "shared.jsonl"
    result = _run(runner, "corrections", "export", "-o", out, "--db", db)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["scope"]) for r in records] == [(1, "surface"), (2, "mention")]
    every = [json.loads(line) for line in _run(runner, "corrections", "export", "--all", "--db", db).output
             .splitlines()]
    assert [r["id"] for r in every] == [1, 2, 3] and every[2]["undone_at"]

    # Into a database that holds a different article: the surface-wide one applies, the other is skipped.
    target = tmp_path / "target.sqlite"
    engine = connect(f"sqlite:///{target}")
    [here] = _ingest(engine, geoparser, FR_TEXT)
    out.write_text(out.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a blank line is fine
    result = _run(runner, "corrections", "import", out, "--author", "team", "--db", target)
    assert result.exit_code == 0, result.output
    assert "1 correction(s) added, 1 skipped" in result.output
    assert [m.key for m in _paris(engine, here)] == [PARIS_TX]
    listed = _run(runner, "corrections", "list", "--json", "--db", target).output.splitlines()
    assert [json.loads(line)["author"] for line in listed] == ["team"]


def test_cli_import_names_the_bad_line_and_adds_nothing(runner, cli_db, tmp_path, tx):
    db, _ = cli_db
    good = json.dumps({"scope": "surface", "action": "place", "surface_key": "paris", "place": tx})
    bad_record = tmp_path / "bad.jsonl"
    bad_record.write_text(f"{good}\n\n{json.dumps({'scope': 'surface', 'action': 'place'})}\n", encoding="utf-8")
    _error(_run(runner, "corrections", "import", bad_record, "--db", db), f"{bad_record}:3:", "surface_key is missing")
    bad_json = tmp_path / "bad-json.jsonl"
    bad_json.write_text(f"{good}\n{{not json\n", encoding="utf-8")
    _error(_run(runner, "corrections", "import", bad_json, "--db", db), f"{bad_json}:2: not valid JSON")
    _error(_run(runner, "corrections", "import", tmp_path / "missing.jsonl", "--db", db), "no such file")
    engine = connect(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(corrections)) == 0
    assert {m.key for m in _paris(engine, 1)} == {PARIS_FR}


def test_cli_import_from_stdin(runner, cli_db, tx):
    db, _ = cli_db
    line = json.dumps({"scope": "surface", "action": "place", "surface_key": "Paris", "place": tx})
    result = runner.invoke(main, ["corrections", "import", "-", "--db", str(db)], input=line + "\n",
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "1 correction(s) added, 0 skipped" in result.output


class _NoServer:
    """Stands in for waitress: records what it was asked to serve, binds nothing."""

    def __init__(self):
        self.calls = []

    def __call__(self, app, **kwargs):
        self.calls.append((app, kwargs))


@pytest.fixture
def no_server(monkeypatch, geomap_env):  # serve loads the session's gazetteer before it serves
    import waitress

    fake = _NoServer()
    monkeypatch.setattr(waitress, "serve", fake)
    monkeypatch.delenv("GEOMAP_WRITE_TOKEN", raising=False)
    return fake


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_serve_refuses_a_public_host_without_a_write_token(runner, tmp_path, no_server, host):
    result = runner.invoke(main, ["serve", "--host", host, "--db", str(tmp_path / "s.sqlite")])
    assert result.exit_code == 1
    assert f"refusing to serve on {host} without a write token (--write-token or GEOMAP_WRITE_TOKEN)" in \
        result.stderr
    assert no_server.calls == []
    assert not (tmp_path / "s.sqlite").exists()  # refused before opening anything


def test_serve_on_a_public_host_with_a_token_passes_it_to_the_app(runner, tmp_path, no_server, monkeypatch):
    result = runner.invoke(main, ["serve", "--host", "0.0.0.0", "--port", "5055", "--write-token", "s3cret",
                                  "--db", str(tmp_path / "s.sqlite")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    [(app, kwargs)] = no_server.calls
    assert app.config["WRITE_TOKEN"] == "s3cret" and (kwargs["host"], kwargs["port"]) == ("0.0.0.0", 5055)

    monkeypatch.setenv("GEOMAP_WRITE_TOKEN", "from-env")
    result = runner.invoke(main, ["serve", "--host", "0.0.0.0", "--db", str(tmp_path / "s.sqlite")],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert no_server.calls[-1][0].config["WRITE_TOKEN"] == "from-env"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_serve_on_loopback_needs_no_token(runner, tmp_path, no_server, host):
    result = runner.invoke(main, ["serve", "--host", host, "--db", str(tmp_path / "s.sqlite")],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    [(app, kwargs)] = no_server.calls
    assert kwargs["host"] == host and not app.config.get("WRITE_TOKEN")
