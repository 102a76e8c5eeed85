"""Analyst review in the web app, through Flask's test client: the review queue, the
correction form and its POST (scopes, country condition, "not a place"), undo, the
gazetteer search, CSRF, the write token, and escaping of hostile text.

Every test gets a fresh store (the geoparser is the session's, so that costs little):
corrections change data, and each test starts from the automatic choices.
"""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, update

from geomap.model import Article
from geomap.services import ingest
from geomap.store import connect, corrections, mentions, places
from geomap.web import create_app

EGYPT = "gn:361058"  # Alexandria, Egypt: what geomap picks for a bare "Alexandria"
VIRGINIA = "gn:4744091"  # Alexandria, Virginia, US
VIRGINIA_LON_LAT = (-77.04692, 38.80484)
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(2)</script>"
HOSTILE_TITLE = 'Kingston <b>bold</b> "quoted" & co'

ARTICLES = {
    # origin: (title, text, date)
    "a1": ("Talks resume", "Talks in Alexandria resumed on Monday after a pause.", date(2026, 4, 1)),
    "a2": ("Negotiators return", "Negotiators returned to Alexandria, officials said.", date(2026, 4, 2)),
    "a3": ("Springfield meeting", "Officials met in Springfield on Monday. Talks in Alexandria went on. "
                                  "The mayor of Springfield spoke.", date(2026, 4, 3)),
    "a4": ("Springfield silent", "Springfield officials declined to comment.", date(2026, 4, 4)),
    "a5": ("Ferry", "A ferry reached Alexandria at dawn.", date(2026, 4, 5)),
    "hostile": (HOSTILE_TITLE, f"Sources in Kingston said {IMG} and {SCRIPT} on Monday.", date(2026, 4, 6)),
    "sure": ("Kyiv and Kharkiv", "Shelling hit Kyiv and Kharkiv overnight.", date(2026, 4, 7)),
}


@pytest.fixture
def store(store_url, geoparser) -> dict:
    """A fresh store of the articles above (on SQLite, then PostgreSQL); its URL and their ids by origin."""
    url = store_url("review")
    engine = connect(url)
    items = [Article(title=t, text=x, published=d, origin=o) for o, (t, x, d) in ARTICLES.items()]
    summary = ingest(engine, items, parser=geoparser)
    assert summary.added == len(items) and not summary.failed
    engine.dispose()
    return {"url": url, **dict(zip(ARTICLES, summary.article_ids))}


@pytest.fixture
def make_app(store, geoparser, geomap_env):
    def make(**config):
        settings = {"DB_URL": store["url"], "GEOPARSER": geoparser, "TESTING": True, "PAGE_SIZE": 50,
                    "TILES_URL": ""}
        settings.update(config)
        return create_app(settings)
    return make


@pytest.fixture
def client(make_app):
    return make_app().test_client()


@pytest.fixture
def db(store):
    engine = connect(store["url"])
    yield engine
    engine.dispose()


# -- helpers ---------------------------------------------------------------------------

def text(response) -> str:
    return response.get_data(as_text=True)


def mention_ids(db, article_id: int, surface: str) -> list[int]:
    with db.connect() as conn:
        return list(conn.scalars(select(mentions.c.id).where(mentions.c.article_id == article_id,
                                                             mentions.c.surface == surface)
                                 .order_by(mentions.c.start)))


def place_key_of(db, mention_id: int) -> str:
    with db.connect() as conn:
        return conn.scalar(select(places.c.key).select_from(mentions.join(places, mentions.c.place_id == places.c.id))
                           .where(mentions.c.id == mention_id))


def csrf(client, mention_id: int) -> str:
    body = text(client.get(f"/mentions/{mention_id}/correct"))
    return re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)


def post_correction(client, mention_id: int, *, place: str, scope: str = "mention",
                    csrf_value: str | None = "fetch", **fields):
    data = {"place": place, "scope": scope, **fields}
    if csrf_value == "fetch":
        data["csrf_token"] = csrf(client, mention_id)
    elif csrf_value is not None:
        data["csrf_token"] = csrf_value
    return client.post(f"/mentions/{mention_id}/correct", data=data)


def features(client, **query) -> list[dict]:
    response = client.get("/api/places.geojson", query_string=query)
    assert response.status_code == 200, text(response)
    return json.loads(text(response))["features"]


def feature(client, name: str, country: str, **query) -> dict | None:
    found = [f for f in features(client, **query)
             if f["properties"]["name"] == name and f["properties"]["country_code"] == country]
    assert len(found) <= 1
    return found[0] if found else None


def queue(client, query: str = "") -> list[tuple[str, int, int]]:
    """The review queue as (surface key, mentions, articles), in page order."""
    body = text(client.get("/review" + query))
    return [(key, int(n), int(a)) for key, n, a in re.findall(
        r'data-surface-key="([^"]+)".*?class="gm-review-count">(\d+) mentions?</span>\s*'
        r'in <span class="gm-review-articles">(\d+) articles?', body, re.S)]


# -- the review queue ------------------------------------------------------------------

def test_review_queue_lists_doubtful_groups_biggest_first(client, store, db):
    assert queue(client) == [("alexandria", 4, 4), ("springfield", 3, 2), ("kingston", 1, 1)]
    body = text(client.get("/review"))
    assert "8 doubtful mentions nobody has decided yet, in 3 groups" in body
    assert "kyiv" not in body.lower()  # confident mentions are not in the queue
    # Each group: current place, an example passage with the surface marked, a "decide" link.
    first = body.split('class="gm-review-group"')[1]
    assert "Alexandria</a>" in first and "(town, EG)" in first
    assert "<mark>Alexandria</mark>" in first
    decide = re.search(r'class="gm-decide" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    path, query = decide.split("?")
    assert re.fullmatch(r"/mentions/\d+/correct", path)
    assert parse_qs(query) == {"scope": ["surface"], "next": ["/review"]}
    form = text(client.get(decide))
    assert re.search(r'name="scope" value="surface" checked', form)


def test_review_queue_pages(make_app):
    client = make_app(PAGE_SIZE=2).test_client()
    assert queue(client) == [("alexandria", 4, 4), ("springfield", 3, 2)]
    body = text(client.get("/review"))
    assert 'rel="next"' in body and "page 1 of 2" in body
    assert queue(client, "?page=2") == [("kingston", 1, 1)]
    assert "No groups on page 9" in text(client.get("/review?page=9"))
    assert client.get("/review?page=0").status_code == 400


def test_review_queue_follows_filters(client, store):
    assert queue(client, "?country=US") == [("springfield", 3, 2)]
    assert queue(client, f"?article={store['a3']}") == [("springfield", 2, 1), ("alexandria", 1, 1)]


# -- correcting ------------------------------------------------------------------------

def test_correcting_one_mention_moves_its_point(client, store, db):
    (mention,) = mention_ids(db, store["a1"], "Alexandria")
    egypt_before = feature(client, "Alexandria", "EG")["properties"]
    assert egypt_before["mention_count"] == 4 and egypt_before["doubtful_count"] == 4
    assert feature(client, "Alexandria", "US") is None

    response = post_correction(client, mention, place=VIRGINIA)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/articles/{store['a1']}#mention-{mention}"

    # The point moved: the article's only place is now Alexandria, Virginia, at its coordinates.
    (moved,) = features(client, article=store["a1"])
    assert moved["properties"]["name"] == "Alexandria" and moved["properties"]["country_code"] == "US"
    assert tuple(moved["geometry"]["coordinates"]) == VIRGINIA_LON_LAT
    assert moved["properties"]["corrected_count"] == 1 and moved["properties"]["doubtful_count"] == 0
    (ref,) = moved["properties"]["mentions"]
    assert ref["mention_id"] == mention and ref["corrected"] is True
    assert ref["automatic_place_id"] == egypt_before["place_id"]
    assert feature(client, "Alexandria", "EG")["properties"]["mention_count"] == 3
    # The exports say so too.
    rows = list(csv.DictReader(io.StringIO(text(client.get("/export.csv", query_string={"article": store["a1"]})))))
    assert [(r["place_name"], r["country_code"], r["corrected"]) for r in rows] == [("Alexandria", "US", "1")]
    # The notice with its undo button, on the article page.
    page = text(client.get(f"/articles/{store['a1']}"))
    assert "Corrected 1 mention of “Alexandria”: Alexandria (US)." in page
    assert re.search(r'<form class="gm-undo" method="post" action="/corrections/\d+/undo">', page)
    # The article page marks the corrected mention.
    assert re.search(rf'class="gm-mention gm-corrected" id="mention-{mention}"', page)
    assert "corrected by analyst (automatic: Alexandria)" in page
    # And the queue has one mention less.
    assert queue(client)[0] == ("alexandria", 3, 3)


def test_correct_form_shows_the_candidates(client, store, db):
    (mention,) = mention_ids(db, store["a2"], "Alexandria")
    response = client.get(f"/mentions/{mention}/correct")
    assert response.status_code == 200
    body = text(response)
    assert "Negotiators returned to <mark>Alexandria</mark>, officials said." in body
    keys = re.findall(r'name="place" value="([^"]+)"', body)
    assert keys[0] == EGYPT and VIRGINIA in keys and keys[-1] == "not_place"
    assert len(keys) == len(set(keys)) and len(keys) >= 10
    assert re.search(rf'value="{EGYPT}" checked', body)
    assert "pop. 5,263,542" in body  # population from the gazetteer
    # The map's data: JSON in a non-executable block, read by our own script.
    data = re.search(r'<script type="application/json" id="gm-candidates">(.*?)</script>', body, re.S).group(1)
    points = json.loads(data)
    assert {p["key"] for p in points} == set(keys[:-1])
    assert '<script src="/static/geomap/correct.js"></script>' in body
    # The same candidates as GeoJSON.
    collection = json.loads(text(client.get(f"/api/mentions/{mention}/candidates.geojson")))
    assert [f["properties"]["key"] for f in collection["features"]] == keys[:-1]
    # A server-side search (the form without JavaScript) adds other places of a name.
    body = text(client.get(f"/mentions/{mention}/correct?search=Alexandria,+US"))
    assert "Alexandria, Kentucky, United States" in body
    assert 'name="search_q" id="gm-search-q-used" value="Alexandria, US"' in body


def test_article_scope_corrects_every_mention_in_the_article(client, store, db):
    first, second = mention_ids(db, store["a3"], "Springfield")
    response = post_correction(client, first, place="not_place", scope="article", next="/review")
    assert response.status_code == 303 and response.headers["Location"] == "/review"
    assert "Corrected 2 mentions of “Springfield”: not a place." in text(client.get("/review"))
    assert mention_ids(db, store["a4"], "Springfield")  # the other article keeps its mention
    assert queue(client) == [("alexandria", 4, 4), ("kingston", 1, 1), ("springfield", 1, 1)]


def test_surface_scope_applies_to_later_ingests(client, store, db, geoparser):
    (mention,) = mention_ids(db, store["a1"], "Alexandria")
    assert post_correction(client, mention, place=VIRGINIA, scope="surface").status_code == 303
    assert "Corrected 4 mentions" in text(client.get(f"/articles/{store['a1']}"))
    assert feature(client, "Alexandria", "EG") is None
    assert feature(client, "Alexandria", "US")["properties"]["mention_count"] == 4

    summary = ingest(db, [Article(title="Later", text="Delegates flew to Alexandria on Tuesday.", origin="later")],
                     parser=geoparser)
    (later,) = summary.article_ids
    (new_mention,) = mention_ids(db, later, "Alexandria")
    assert place_key_of(db, new_mention) == VIRGINIA
    (ref,) = feature(client, "Alexandria", "US", article=later)["properties"]["mentions"]
    assert ref["corrected"] is True
    assert "corrected by analyst (automatic: Alexandria)" in text(client.get(f"/articles/{later}"))


def test_country_condition_limits_a_surface_correction(client, store, db):
    (mention,) = mention_ids(db, store["a3"], "Alexandria")
    response = post_correction(client, mention, place=VIRGINIA, scope="surface", country="us")
    assert response.status_code == 303
    # Only the article that also mentions a US place (Springfield) changes.
    assert place_key_of(db, mention) == VIRGINIA
    for origin in ("a1", "a2", "a5"):
        (other,) = mention_ids(db, store[origin], "Alexandria")
        assert place_key_of(db, other) == EGYPT
    with db.connect() as conn:
        assert conn.execute(select(corrections.c.scope, corrections.c.country)).all() == [("surface", "US")]
    # A condition only makes sense for a surface-wide correction, and must be a country code.
    assert post_correction(client, mention, place=VIRGINIA, scope="mention", country="US").status_code == 400
    assert post_correction(client, mention, place=VIRGINIA, scope="surface", country="USA").status_code == 400
    assert post_correction(client, mention, place=VIRGINIA, scope="surface", country="<b>").status_code == 400


def test_not_a_place_leaves_the_map_and_exports(client, store, db):
    (mention,) = mention_ids(db, store["hostile"], "Kingston")
    assert [f["properties"]["name"] for f in features(client, article=store["hostile"])] == ["Kingston"]
    assert post_correction(client, mention, place="not_place").status_code == 303
    assert features(client, article=store["hostile"]) == []
    assert json.loads(text(client.get(f"/api/mentions.geojson?article={store['hostile']}")))["features"] == []
    rows = list(csv.DictReader(io.StringIO(text(client.get(f"/export.csv?article={store['hostile']}")))))
    assert rows == []
    page = text(client.get(f"/articles/{store['hostile']}"))
    assert f'id="mention-{mention}"' not in page and "0 mentions of 0 places" in page
    # The form still opens for it, saying what was decided.
    assert "Marked <strong>not a place</strong> by analyst" in text(client.get(f"/mentions/{mention}/correct"))
    assert ("kingston", 1, 1) not in queue(client)


def test_undo_restores_the_automatic_choice(client, store, db):
    (mention,) = mention_ids(db, store["a2"], "Alexandria")
    before = features(client)
    response = post_correction(client, mention, place=VIRGINIA, scope="surface")
    page = text(client.get(response.headers["Location"]))
    undo_url = re.search(r'action="(/corrections/\d+/undo)"', page).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert features(client) != before

    assert client.post(undo_url, data={"next": "/review"}).status_code == 400  # no CSRF token
    response = client.post(undo_url, data={"csrf_token": token, "next": "/review"})
    assert response.status_code == 303 and response.headers["Location"] == "/review"
    assert "Undone: 4 mentions back" in text(client.get("/review"))
    assert features(client) == before
    assert place_key_of(db, mention) == EGYPT
    assert queue(client)[0] == ("alexandria", 4, 4)
    # Twice is an error, and so is a correction that does not exist.
    assert client.post(undo_url, data={"csrf_token": token}).status_code == 400
    assert client.post("/corrections/9999/undo", data={"csrf_token": token}).status_code == 404


# -- validation and security -------------------------------------------------------------

def test_csrf_token_is_required(client, store, db):
    (mention,) = mention_ids(db, store["a1"], "Alexandria")
    assert post_correction(client, mention, place=VIRGINIA, csrf_value=None).status_code == 400
    csrf(client, mention)  # the session has a token now; a wrong one still fails
    response = post_correction(client, mention, place=VIRGINIA, csrf_value="forged")
    assert response.status_code == 400 and "the form expired" in text(response)
    with db.connect() as conn:
        assert conn.execute(select(corrections)).all() == []


@pytest.mark.parametrize("fields, status, message", [
    ({"place": "gn:999999999"}, 400, "no place with key"),
    ({"place": "curated:nowhere"}, 400, "no place with key"),
    ({"place": ""}, 400, "choose the place"),
    ({"place": VIRGINIA, "scope": "planet"}, 400, "scope must be one of"),
    ({"place": VIRGINIA, "scope": ""}, 400, "scope must be one of"),
    ({"place": VIRGINIA, "author": "x" * 101}, 400, "at most 100"),
])
def test_bad_corrections_are_refused(client, store, db, fields, status, message):
    (mention,) = mention_ids(db, store["a1"], "Alexandria")
    fields = {"scope": "mention", **fields}
    response = post_correction(client, mention, **fields)
    assert response.status_code == status
    assert message in text(response)
    assert place_key_of(db, mention) == EGYPT


def test_unknown_mention_is_404(client):
    assert client.get("/mentions/999999/correct").status_code == 404
    assert client.get("/api/mentions/999999/candidates.geojson").status_code == 404
    token = re.search(r'name="csrf_token" value="([^"]+)"', text(client.get("/upload"))).group(1)
    response = client.post("/mentions/999999/correct", data={"csrf_token": token, "place": VIRGINIA,
                                                             "scope": "mention"})
    assert response.status_code == 404


def test_posted_coordinates_are_never_trusted(client, store, db):
    (mention,) = mention_ids(db, store["a1"], "Alexandria")
    response = post_correction(client, mention, place=VIRGINIA, lat="0", lon="0", name="Atlantis")
    assert response.status_code == 303
    (moved,) = features(client, article=store["a1"])
    assert tuple(moved["geometry"]["coordinates"]) == VIRGINIA_LON_LAT
    assert moved["properties"]["name"] == "Alexandria"


def test_a_searched_place_is_found_again_by_its_search(client, store, db):
    (mention,) = mention_ids(db, store["a1"], "Alexandria")
    # Donbas is no candidate of "Alexandria" and has no GeoNames id: only the search finds it again.
    assert post_correction(client, mention, place="curated:donbas").status_code == 400
    response = post_correction(client, mention, place="curated:donbas", search_q="Donbas")
    assert response.status_code == 303
    assert place_key_of(db, mention) == "curated:donbas"
    # Any GeoNames place may be chosen by its id: Kyiv.
    (other,) = mention_ids(db, store["a2"], "Alexandria")
    assert post_correction(client, other, place="gn:703448").status_code == 303
    assert place_key_of(db, other) == "gn:703448"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x",
                                      "/ok\r\nSet-Cookie: x=1"])
def test_next_stays_on_this_site(client, store, db, next_url):
    (mention,) = mention_ids(db, store["a1"], "Alexandria")
    response = post_correction(client, mention, place=VIRGINIA, next=next_url)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/articles/{store['a1']}#mention-{mention}"


def test_write_token_guards_every_write(make_app, store, db):
    client = make_app(WRITE_TOKEN="s3cret-token").test_client()
    (mention,) = mention_ids(db, store["a1"], "Alexandria")
    form = text(client.get(f"/mentions/{mention}/correct"))
    assert 'name="token"' in form  # the form asks for it
    assert client.get("/review").status_code == 200  # reading needs nothing

    response = post_correction(client, mention, place=VIRGINIA)
    assert response.status_code == 403 and "write token" in text(response)
    data = {"place": VIRGINIA, "scope": "mention", "csrf_token": csrf(client, mention), "token": "wrong"}
    assert client.post(f"/mentions/{mention}/correct", data=data).status_code == 403
    assert place_key_of(db, mention) == EGYPT
    # The upload follows the same rule.
    upload_csrf = re.search(r'name="csrf_token" value="([^"]+)"', text(client.get("/upload"))).group(1)
    assert 'name="token"' in text(client.get("/upload"))
    response = client.post("/upload", data={"csrf_token": upload_csrf, "text": "Shelling hit Kyiv."})
    assert response.status_code == 403
    # The header or the form field lets it through; the session then remembers it.
    data["token"] = ""
    response = client.post(f"/mentions/{mention}/correct", data=data, headers={"X-Geomap-Token": "s3cret-token"})
    assert response.status_code == 303
    assert place_key_of(db, mention) == VIRGINIA
    page = text(client.get(response.headers["Location"]))
    assert 'name="token"' not in page
    undo_url = re.search(r'action="(/corrections/\d+/undo)"', page).group(1)
    # Another browser (no remembered token) cannot undo it.
    other = make_app(WRITE_TOKEN="s3cret-token").test_client()
    other_csrf = csrf(other, mention)
    assert other.post(undo_url, data={"csrf_token": other_csrf}).status_code == 403
    assert other.post(undo_url, data={"csrf_token": other_csrf, "token": "s3cret-token"}).status_code == 303
    assert place_key_of(db, mention) == EGYPT


def test_search_endpoint_returns_json(client):
    response = client.get("/api/gazetteer/search?q=Kingston")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = json.loads(text(response))
    assert body["ok"] is True and body["q"] == "Kingston"
    first = body["results"][0]
    assert first["key"] == "gn:3489854" and first["label"] == "Kingston, Jamaica"
    assert {"name", "kind", "country_code", "population", "lat", "lon"} <= set(first)
    assert len(json.loads(text(client.get("/api/gazetteer/search?q=Kingston&limit=2")))["results"]) == 2
    # "Name, Country" narrows.
    narrowed = json.loads(text(client.get("/api/gazetteer/search?q=Kingston,+Canada")))["results"]
    assert narrowed and {r["country_code"] for r in narrowed} == {"CA"}
    # Hostile input comes back as JSON data, never as markup.
    response = client.get("/api/gazetteer/search", query_string={"q": "<script>alert(1)</script>"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert json.loads(text(response)) == {"ok": True, "q": "<script>alert(1)</script>", "results": []}
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # never sniffed as HTML
    for query in ("", "q=", "q=" + "x" * 201, "q=Kyiv&limit=0", "q=Kyiv&limit=x"):
        response = client.get("/api/gazetteer/search?" + query)
        assert response.status_code == 400 and response.mimetype == "application/json", query
        assert json.loads(text(response))["ok"] is False


def test_hostile_text_is_escaped(client, store, db):
    (mention,) = mention_ids(db, store["hostile"], "Kingston")
    # A hostile surface too (straight into the store: no gazetteer name looks like this).
    with db.begin() as conn:
        conn.execute(update(mentions).where(mentions.c.id == mention).values(surface='<i>Kingston</i>"'))
    for path in ("/review", f"/mentions/{mention}/correct"):
        body = text(client.get(path))
        assert IMG not in body and SCRIPT not in body and "<i>Kingston" not in body, path
        assert "&lt;img src=x onerror=alert(1)&gt;" in body, path
        assert "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in body, path
        assert "&lt;i&gt;Kingston&lt;/i&gt;&#34;" in body, path
    correct = text(client.get(f"/mentions/{mention}/correct"))
    assert "Kingston &lt;b&gt;bold&lt;/b&gt; &#34;quoted&#34; &amp; co" in correct  # the article title
    # An analyst's name reaches the pages escaped too.
    (other,) = mention_ids(db, store["a1"], "Alexandria")
    response = post_correction(client, other, place=VIRGINIA, author='<script>alert(7)</script>"')
    assert response.status_code == 303
    page = text(client.get(f"/articles/{store['a1']}"))
    assert "<script>alert(7)" not in page
    assert "corrected by &lt;script&gt;alert(7)&lt;/script&gt;&#34; (automatic: Alexandria)" in page
    assert "<script>alert(7)" not in text(client.get(f"/mentions/{other}/correct"))


# -- the map, article and place pages ----------------------------------------------------------

def test_map_offers_the_review_filter(client):
    body = text(client.get("/"))
    assert re.search(r'<input type="checkbox" name="review" value="1"\s*>', body)
    body = text(client.get("/?review=1"))
    assert re.search(r'<input type="checkbox" name="review" value="1" checked>', body)
    for link in re.findall(r'id="gm-download-(?:geojson|csv)" href="([^"]+)"', body):
        assert parse_qs(urlsplit(link.replace("&amp;", "&")).query)["review"] == ["1"]
    doubtful = features(client, review="1")
    assert {(f["properties"]["name"], f["properties"]["doubtful_count"]) for f in doubtful} == \
        {("Alexandria", 4), ("Springfield", 3), ("Kingston", 1)}
    assert all(f["properties"]["doubtful_count"] == 0 for f in features(client)
               if f["properties"]["name"] in ("Kyiv", "Kharkiv"))


def test_article_and_place_pages_link_to_the_form(client, store, db):
    (mention,) = mention_ids(db, store["a1"], "Alexandria")
    page = text(client.get(f"/articles/{store['a1']}"))
    assert f'href="/mentions/{mention}/correct"' in page
    egypt = feature(client, "Alexandria", "EG")["properties"]["place_id"]
    place = text(client.get(f"/places/{egypt}"))
    assert re.search(rf'href="/mentions/{mention}/correct\?next=/places/{egypt}"', place)
