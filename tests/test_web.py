"""The HTML pages (articles, article, place, upload) through Flask's test client.

One store is seeded per module with the bundled samples, a hostile article (markup,
script and template-literal payloads in its title and text) and an undated one;
each test gets a fresh app over it. Upload tests get an empty store of their own.
"""
from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, update

from geomap.model import Article
from geomap.query import DOUBTFUL_BELOW
from geomap.readers import iter_articles
from geomap.samples import sample_paths
from geomap.services import ingest
from geomap.store import articles, connect, mentions, places
from geomap.web import create_app

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

HOSTILE_TITLE = 'Quote "test" & <b>bold</b>'
HOSTILE_TEXT = (
    "Shelling hit Kyiv overnight <img src=x onerror=alert(1)> officials said.\n\n"
    "In Odesa, a wall read </script><script>alert(2)</script> on Monday.\n"
    "Near Odesa: ${alert(3)} and \\`-alert(4)-\\` were painted too.\n\n"
    "Kharkiv was quiet."
)
HOSTILE = Article(title=HOSTILE_TITLE, text=HOSTILE_TEXT, published=date(2026, 10, 1),
                  source='Hostile "Source" <i>', url="javascript:alert(5)", author="<script>alert(6)</script>",
                  origin="hostile")
UNDATED = Article(title="Undated note from Mariupol", text="Aid trucks reached Mariupol and Zaporizhzhia.",
                  origin="undated")
PAGE_SIZE = 3


@pytest.fixture(scope="module")
def seeded(module_store_url, geoparser) -> dict:
    """A store of the samples, the hostile article and an undated one (on SQLite, then
    PostgreSQL); returns its URL and ids."""
    url = module_store_url("web")
    items = [i for i in iter_articles([str(p) for p in sample_paths()]) if isinstance(i, Article)]
    items += [HOSTILE, UNDATED]
    engine = connect(url)
    summary = ingest(engine, items, parser=geoparser)
    assert summary.failed == 0 and summary.added == len(items)
    ids = dict(zip([a.origin for a in items], summary.article_ids))
    with engine.connect() as conn:
        place_ids = {row.name: row.id for row in conn.execute(select(places.c.id, places.c.name))}
    engine.dispose()
    return {"url": url, "hostile": ids["hostile"], "undated": ids["undated"], "count": len(items),
            "places": place_ids, "first_sample": summary.article_ids[0]}


@pytest.fixture
def make_app(seeded, geoparser, geomap_env):
    def make(**config):
        settings = {"DB_URL": seeded["url"], "GEOPARSER": geoparser, "TESTING": True, "PAGE_SIZE": PAGE_SIZE,
                    "TILES_URL": TILES}
        settings.update(config)
        return create_app(settings)
    return make


@pytest.fixture
def client(make_app):
    return make_app().test_client()


@pytest.fixture
def engine(seeded):
    engine = connect(seeded["url"])
    yield engine
    engine.dispose()


def html(response) -> str:
    return response.get_data(as_text=True)


def ok(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, html(response)[:500])
    assert response.mimetype == "text/html"
    return html(response)


# -- /articles -----------------------------------------------------------------------

def test_articles_lists_newest_first_with_counts(client, seeded):
    body = ok(client, "/articles")
    titles = re.findall(r'<td><a href="/articles/(\d+)">', body)
    assert len(titles) == PAGE_SIZE
    assert int(titles[0]) == seeded["hostile"]  # the newest (2026-10-01)
    assert "2026-10-01" in body and "2026-09-16" in body
    assert "Quote &#34;test&#34; &amp; &lt;b&gt;bold&lt;/b&gt;" in body
    assert "<b>bold</b>" not in body
    last = ok(client, "/articles?page=3")
    assert "Undated note from Mariupol" in last and "undated" in last  # undated articles come last
    assert re.search(r'class="gm-num">2</td>\s*<td class="gm-num">2</td>', last)  # 2 mentions of 2 places


def test_articles_pagination_keeps_filters(client, seeded):
    first = ok(client, "/articles?country=UA")
    nxt = re.search(r'<a rel="next" class="gm-next" href="([^"]+)"', first)
    assert nxt and 'rel="prev"' not in first
    query = parse_qs(urlsplit(nxt.group(1).replace("&amp;", "&")).query)
    assert query == {"country": ["UA"], "page": ["2"]}
    second = ok(client, nxt.group(1).replace("&amp;", "&"))
    prev = re.search(r'<a rel="prev" class="gm-prev" href="([^"]+)"', second)
    assert prev and parse_qs(urlsplit(prev.group(1).replace("&amp;", "&")).query) == {"country": ["UA"]}

    seen = []
    for page in range(1, 10):
        body = ok(client, f"/articles?page={page}")
        found = re.findall(r'<td><a href="/articles/(\d+)">', body)
        seen += found
        if 'rel="next"' not in body:
            break
    assert len(seen) == len(set(seen)) == seeded["count"]
    assert "No articles on page 99" in ok(client, "/articles?page=99")


def test_articles_filters(client, seeded):
    body = ok(client, "/articles?since=2026-05-01&until=2026-09-30")
    assert set(re.findall(r'<td class="gm-date">([^<]+)</td>', body)) == {"2026-05-19", "2026-07-02", "2026-09-16"}
    body = ok(client, f"/articles?article={seeded['hostile']}")
    assert re.findall(r'<td><a href="/articles/(\d+)">', body) == [str(seeded["hostile"])]
    body = ok(client, "/articles?q=Mariupol")
    assert "Undated note from Mariupol" in body and "Quote" not in body
    assert "No articles match these filters" in ok(client, "/articles?country=ZZ")


@pytest.mark.parametrize("query, message", [
    ("page=0", "page must be between 1 and"),
    ("page=two", "page must be a whole number, got &#39;two&#39;"),
    ("since=yesterday", "since must be a date as YYYY-MM-DD"),
    ("since=2026-05-01&until=2026-01-01", "since (2026-05-01) is after until (2026-01-01)"),
    ("country=Ukraine", "country must be a two-letter ISO code"),
    ("article=abc", "article must be an article id"),
])
def test_bad_filters_are_400_with_the_reason(client, seeded, query, message):
    for path in ("/articles", f"/places/{seeded['places']['Odesa']}"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400
        assert message in html(response)


# -- /articles/<id> ------------------------------------------------------------------

def test_article_page_highlights_every_mention(client, seeded, engine):
    article_id = seeded["first_sample"]
    body = ok(client, f"/articles/{article_id}")
    with engine.connect() as conn:
        row = conn.execute(select(articles).where(articles.c.id == article_id)).one()
        found = list(conn.execute(select(mentions).where(mentions.c.article_id == article_id)))
    assert row.title in body and "2026-01-14" in body and "geomap sample article" in body
    assert found
    for m in found:
        tag = re.search(rf'<a class="gm-mention[^"]*" id="mention-{m.id}" href="([^"]+)"[^>]*>([^<]*)</a>', body)
        assert tag, m.surface
        assert tag.group(2) == m.surface
        assert parse_qs(urlsplit(tag.group(1).replace("&amp;", "&")).query) == {
            "article": [str(article_id)], "place": [str(m.place_id)]}
        # The same threshold as the map's amber, review=1 and the review queue.
        assert ("gm-doubtful" in tag.group(0)) == (m.score < DOUBTFUL_BELOW and m.correction_id is None)
    # The text keeps its paragraphs, and every character of it is there.
    text = re.search(r'<div class="gm-text">(.*?)</div>', body, re.S).group(1)
    paragraphs = re.findall(r"<p>(.*?)</p>", text, re.S)
    assert len(paragraphs) == row.text.count("\n\n") + 1
    plain = re.sub(r'<a class="gm-to-place"[^>]*>[^<]*</a>', "", "\n\n".join(paragraphs))
    assert re.sub(r"<[^>]+>", "", plain).replace("&#39;", "'") == row.text
    # The places table and the small map of this article's places.
    assert f'href="/places/{seeded["places"]["Kramatorsk"]}">Kramatorsk</a>' in body
    assert "/api/places.geojson?article=" + str(article_id) in body.replace("\\u0026", "&")
    assert "_mentions=3" in body.replace("\\u0026", "&")
    assert 'class="gm-small-map"' in body and "geomapPlaces(" in body


def test_article_page_marks_doubtful_mentions(make_app, geoparser, tmp_path):
    url = f"sqlite:///{tmp_path}/doubt.sqlite"
    engine = connect(url)
    summary = ingest(engine, [Article(title="Two towns", text="Drones hit Kharkiv and Sumy.")], parser=geoparser)
    article_id = summary.article_ids[0]
    with engine.begin() as conn:
        first = conn.scalar(select(mentions.c.id).where(mentions.c.article_id == article_id)
                            .order_by(mentions.c.start))
        conn.execute(update(mentions).where(mentions.c.id == first).values(score=0.3))
    engine.dispose()
    body = ok(make_app(DB_URL=url).test_client(), f"/articles/{article_id}")
    assert re.search(rf'class="gm-mention gm-doubtful" id="mention-{first}"', body)
    assert len(re.findall(r'class="gm-mention"', body)) == 1  # the other one is not doubtful


def test_article_page_escapes_hostile_text(client, seeded):
    body = ok(client, f"/articles/{seeded['hostile']}")
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "<img src=x" not in body
    assert "</script><script>" not in body
    assert "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in body
    assert "${alert(3)}" in body and "\\`-alert(4)-\\`" in body  # literal text, outside any script
    assert "<title>Quote &#34;test&#34; &amp; &lt;b&gt;bold&lt;/b&gt; · geomap</title>" in body
    assert "Hostile &#34;Source&#34; &lt;i&gt;" in body and "&lt;script&gt;alert(6)&lt;/script&gt;" in body
    assert "javascript:alert(5)" in body and 'href="javascript:' not in body  # shown, never a link
    for script in re.findall(r"<script[^>]*>(.*?)</script>", body, re.S):
        assert "alert(" not in script
    surfaces = re.findall(r'class="gm-mention[^"]*" id="mention-\d+"[^>]*>([^<]*)</a>', body)
    assert surfaces == ["Kyiv", "Odesa", "Odesa", "Kharkiv"]
    # Paragraphs split at blank lines; the single line break inside one is kept.
    text = re.search(r'<div class="gm-text">(.*?)</div>', body, re.S).group(1)
    paragraphs = re.findall(r"<p>(.*?)</p>", text, re.S)
    assert len(paragraphs) == 3 and "on Monday.\nNear " in paragraphs[1]


def test_article_link_shown_only_for_web_urls(client, seeded):
    body = ok(client, f"/articles/{seeded['first_sample']}")
    assert 'class="gm-url"' not in body  # the samples have no URL
    upload = ok(client, f"/articles/{seeded['hostile']}")
    assert re.search(r'<p class="gm-url">javascript:alert\(5\)</p>', upload)


def test_unknown_ids_are_404(client):
    response = client.get("/articles/999999")
    assert response.status_code == 404 and "no article with id 999999" in html(response)
    response = client.get("/places/999999")
    assert response.status_code == 404 and "no place with id 999999" in html(response)
    assert client.get("/articles/abc").status_code == 404


# -- /places/<id> --------------------------------------------------------------------

def test_place_page(client, seeded, engine):
    place_id = seeded["places"]["Kramatorsk"]
    body = ok(client, f"/places/{place_id}")
    with engine.connect() as conn:
        place = conn.execute(select(places).where(places.c.id == place_id)).one()
        found = list(conn.execute(select(mentions).where(mentions.c.place_id == place_id)))
    assert "<h1>Kramatorsk</h1>" in body and "<dd>town</dd>" in body and "<dd>UA</dd>" in body
    assert f"{place.lat:.4f}, {place.lon:.4f}" in body
    assert place.geonameid and f'href="https://www.geonames.org/{place.geonameid}"' in body
    assert f"{len(found)} in 1 article" in body
    assert body.count("<mark>Kramatorsk</mark>") == len(found) == 2
    for m in found:
        assert f'href="/articles/{m.article_id}#mention-{m.id}"' in body


def test_place_page_passages_newest_first_and_paginated(client, seeded, engine):
    place_id = seeded["places"]["Odesa"]
    with engine.connect() as conn:
        total = len(list(conn.execute(select(mentions.c.id).where(mentions.c.place_id == place_id))))
    assert total > PAGE_SIZE
    body = ok(client, f"/places/{place_id}")
    assert f"{total} passages under everything" in body
    links = re.findall(r'href="/articles/(\d+)#mention-(\d+)"', body)
    assert len(links) == PAGE_SIZE and int(links[0][0]) == seeded["hostile"]  # the newest article first
    nxt = re.search(r'<a rel="next" class="gm-next" href="([^"]+)"', body).group(1).replace("&amp;", "&")
    assert nxt == f"/places/{place_id}?page=2"
    rest = re.findall(r'href="/articles/(\d+)#mention-(\d+)"', ok(client, nxt))
    assert len(links) + len(rest) == total and not set(links) & set(rest)
    # The filters apply to the passages listed, and pager links keep them.
    body = ok(client, f"/places/{place_id}?until=2026-09-30")
    assert f"{total - 2} passage" in body and str(seeded["hostile"]) + "#" not in body
    assert "No passages on page 5" in ok(client, f"/places/{place_id}?page=5")


def test_place_page_escapes_hostile_passages(client, seeded):
    for name in ("Kyiv", "Odesa"):
        body = ok(client, f"/places/{seeded['places'][name]}?article={seeded['hostile']}")
        assert f"<mark>{name}</mark>" in body
        assert "<img src=x" not in body and "</script><script>" not in body
        assert "Quote &#34;test&#34; &amp; &lt;b&gt;bold&lt;/b&gt;</a>" in body
    body = ok(client, f"/places/{seeded['places']['Kyiv']}?article={seeded['hostile']}")
    assert "Shelling hit <mark>Kyiv</mark> overnight &lt;img src=x onerror=alert(1)&gt; officials said." in body
    body = ok(client, f"/places/{seeded['places']['Odesa']}?article={seeded['hostile']}")
    assert "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in body


def test_place_page_shows_alternatives_when_doubtful(make_app, engine):
    with engine.connect() as conn:
        rows = list(conn.execute(select(mentions.c.id, mentions.c.place_id, mentions.c.score, mentions.c.alternatives)))
    doubtful = [r for r in rows if r.score < 0.9 and json.loads(r.alternatives)]
    sure = [r for r in rows if not (r.score < 0.9 and json.loads(r.alternatives))]
    assert doubtful and sure
    client = make_app(PAGE_SIZE=1000).test_client()
    for row in doubtful:
        body = ok(client, f"/places/{row.place_id}")
        item = re.search(rf'#mention-{row.id}".*?</li>\s*</ul>', body, re.S)
        assert item and "it could also be:" in item.group(0)
        for alternative in json.loads(row.alternatives):
            assert alternative["name"] in body.replace("&#39;", "'")
    sure_only = {r.place_id for r in sure} - {r.place_id for r in doubtful}
    place_id = sorted(sure_only)[0]
    assert "could also be" not in ok(client, f"/places/{place_id}")


# -- the API keeps the hostile text as data --------------------------------------------

def test_geojson_round_trips_hostile_text(client, seeded):
    response = client.get(f"/api/places.geojson?article={seeded['hostile']}&_mentions=3")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    collection = json.loads(response.get_data(as_text=True))
    refs = [m for f in collection["features"] for m in f["properties"]["mentions"]]
    assert {f["properties"]["name"] for f in collection["features"]} == {"Kyiv", "Odesa", "Kharkiv"}
    assert all(m["article_title"] == HOSTILE_TITLE for m in refs)
    passages = "\n".join(m["passage"] for m in refs)
    for payload in ("<img src=x onerror=alert(1)>", "</script><script>alert(2)</script>", "${alert(3)}",
                    "\\`-alert(4)-\\`"):
        assert payload in passages
    for m in refs:
        assert m["passage"][m["start"]:m["end"]] == m["surface"]


def test_map_points_carry_no_passages_and_a_popup_fetches_its_own(client, seeded):
    """The map asks for points only (_mentions=0); a popup then asks for its place's newest
    passages under the same filters, the same objects a feature's "mentions" would hold."""
    page = client.get("/").get_data(as_text=True).replace("\\u0026", "&")
    assert "_mentions=0" in page and '"mentionsUrl": "/api/places/"' in page
    points = json.loads(client.get("/api/places.geojson?_mentions=0").get_data(as_text=True))
    assert points["features"] and all("mentions" not in f["properties"] for f in points["features"])

    kyiv = seeded["places"]["Kyiv"]
    embedded = json.loads(client.get(f"/api/places.geojson?q=Kyiv&_mentions=2").get_data(as_text=True))
    [feature] = [f for f in embedded["features"] if f["properties"]["place_id"] == kyiv]
    popup = client.get(f"/api/places/{kyiv}/mentions.json?q=Kyiv&_size=2").get_json()
    assert popup["ok"] and popup["place_id"] == kyiv
    assert popup["mentions"] == feature["properties"]["mentions"] and len(popup["mentions"]) == 2
    hostile = client.get(f"/api/places/{kyiv}/mentions.json?article={seeded['hostile']}").get_json()
    assert hostile["mentions"] and all(m["article_title"] == HOSTILE_TITLE for m in hostile["mentions"])
    assert all(m["passage"][m["start"]:m["end"]] == m["surface"] for m in hostile["mentions"])


@pytest.mark.parametrize("url, status", [("/api/places/999999/mentions.json", 404),
                                         ("/api/places/1/mentions.json?_size=0", 400),
                                         ("/api/places/1/mentions.json?_size=lots", 400),
                                         ("/api/places/1/mentions.json?since=yesterday", 400)])
def test_popup_passages_refuse_bad_requests_with_json(client, url, status):
    response = client.get(url)
    assert response.status_code == status and response.get_json()["ok"] is False


# -- every page: CSP, our scripts only, no outside URLs ----------------------------------

def _pages(seeded) -> list[str]:
    return (["/", "/articles", "/articles?page=2", "/upload", "/articles/999999"]
            + [f"/articles/{i}" for i in range(1, seeded["count"] + 1)]
            + [f"/places/{i}" for i in sorted(seeded["places"].values())])


def test_every_page_is_self_contained_and_has_a_csp(client, seeded, engine):
    with engine.connect() as conn:
        article_urls = {u for u in conn.scalars(select(articles.c.url)) if u}
    allowed_links = ("https://www.geonames.org/", "https://creativecommons.org/")
    for path in _pages(seeded):
        response = client.get(path)
        assert response.status_code in (200, 404), path
        csp = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp and "script-src 'self' 'nonce-" in csp, path
        nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
        body = html(response)
        for tag in re.findall(r"<script\b[^>]*>", body):
            assert re.search(r'src="/static/', tag) or f'nonce="{nonce}"' in tag, (path, tag)
        assert not re.search(r"\son[a-z]+\s*=", re.sub(r"&lt;.*?&gt;", "", body)), path  # no inline handlers
        for tag in re.findall(r"<link\b[^>]*>", body):
            assert re.search(r'href="(?:/static/|data:)', tag), (path, tag)
        for url in re.findall(r'(?:src|href|action)="([^"]*)"', body):
            url = url.replace("&amp;", "&")
            if re.match(r"(?:[a-z][a-z0-9+.-]*:|//)", url, re.I) and not url.startswith("data:"):
                assert url.startswith(allowed_links) or url in article_urls, (path, url)
        for script in re.findall(r"<script\b[^>]*>(.*?)</script>", body, re.S):
            for url in re.findall(r"(?:https?:)?//[^\s\"'\\<]+", script):
                assert url == TILES or url.startswith(allowed_links), (path, url)


# -- /upload -------------------------------------------------------------------------

@pytest.fixture
def uploads(geoparser, geomap_env, tmp_path):
    app = create_app({"DB_URL": f"sqlite:///{tmp_path}/t.sqlite", "GEOPARSER": geoparser, "TESTING": True})
    return app.test_client()


def token(client) -> str:
    body = ok(client, "/upload")
    return re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)


def post(client, data: dict, *, csrf: str | None = "fetch"):
    data = dict(data)
    if csrf == "fetch":
        data["csrf_token"] = token(client)
    elif csrf is not None:
        data["csrf_token"] = csrf
    return client.post("/upload", data=data, content_type="multipart/form-data")


def article_id_of(response) -> int:
    assert response.status_code == 303, html(response)[:800]
    match = re.fullmatch(r"/articles/(\d+)", urlsplit(response.headers["Location"]).path)
    assert match, response.headers["Location"]
    return int(match.group(1))


def test_upload_form(uploads):
    body = ok(uploads, "/upload")
    assert 'enctype="multipart/form-data"' in body and 'name="text"' in body and 'type="file"' in body
    for name in ("title", "date", "source"):
        assert f'name="{name}"' in body
    assert ".jsonl" in body and ".rss" in body


def test_upload_pasted_text(uploads):
    text = "Drone strike on Kharkiv\n\nA drone hit a depot in Kharkiv on Monday, officials in Kyiv said."
    response = post(uploads, {"text": text, "date": "2026-03-02", "source": "Wire"})
    article_id = article_id_of(response)
    body = ok(uploads, f"/articles/{article_id}")
    assert "<h1>Drone strike on Kharkiv</h1>" in body  # the first line is the title
    assert "2026-03-02" in body and "Wire" in body and "stored, with" in body
    assert re.findall(r'class="gm-mention[^"]*" id="mention-\d+"[^>]*>([^<]*)</a>', body) == [
        "Kharkiv", "Kharkiv", "Kyiv"]
    # The same text again: the stored article, with a notice.
    again = post(uploads, {"text": text, "title": "Other title"})
    assert article_id_of(again) == article_id
    assert "already stored" in ok(uploads, f"/articles/{article_id}")


def test_upload_pasted_text_with_title_and_crlf(uploads):
    response = post(uploads, {"text": "Sirens in Odesa.\r\n\r\nPower cut in Mykolaiv.", "title": "Night <report>"})
    body = ok(uploads, f"/articles/{article_id_of(response)}")
    assert "<h1>Night &lt;report&gt;</h1>" in body and "undated" in body
    assert len(re.findall(r'<div class="gm-text">.*?</div>', body, re.S)[0].split("<p>")) == 3


@pytest.mark.parametrize("name", ["odesa-port.html", "goma-airport.md", "kharkiv-substation.txt"])
def test_upload_single_article_files(uploads, name):
    data = (FIXTURES / name).read_bytes()
    expected = next(iter_articles([str(FIXTURES / name)]))
    response = post(uploads, {"file": (io.BytesIO(data), name)})
    body = ok(uploads, f"/articles/{article_id_of(response)}")
    assert expected.title.replace("'", "&#39;") in body
    assert 'class="gm-mention' in body


def test_upload_feed_stores_every_entry(uploads):
    name = "sudan-briefing.rss"
    expected = [a for a in iter_articles([str(FIXTURES / name)]) if isinstance(a, Article)]
    response = post(uploads, {"file": (io.BytesIO((FIXTURES / name).read_bytes()), name), "source": "Desk"})
    first = article_id_of(response)
    body = ok(uploads, f"/articles/{first}")
    assert f"{len(expected)} articles read: {len(expected)} stored" in body
    assert expected[0].title in body and "Desk" in body
    listing = ok(uploads, "/articles")
    for article in expected:
        assert article.title in listing
    # Uploading the feed again stores nothing new.
    again = post(uploads, {"file": (io.BytesIO((FIXTURES / name).read_bytes()), name)})
    assert article_id_of(again) == first
    assert f"{len(expected)} already stored" in ok(uploads, f"/articles/{first}")


def test_upload_form_fields_override_the_file(uploads):
    name = "odesa-port.html"
    response = post(uploads, {"file": (io.BytesIO((FIXTURES / name).read_bytes()), name),
                              "title": "My title", "date": "2024-02-29", "source": "Me"})
    body = ok(uploads, f"/articles/{article_id_of(response)}")
    assert "<h1>My title</h1>" in body and "2024-02-29" in body and "Me</span>" in body


def test_upload_file_with_unknown_extension_is_sniffed(uploads):
    feed = (FIXTURES / "red-sea-updates.atom").read_bytes()
    response = post(uploads, {"file": (io.BytesIO(feed), "updates.download")})
    assert "articles read" in ok(uploads, f"/articles/{article_id_of(response)}")


@pytest.mark.parametrize("data, message", [
    ({}, "nothing to store: paste an article&#39;s text or choose a file"),
    ({"text": "   \n  "}, "nothing to store"),
    ({"text": "Kyiv", "date": "14/01/2026"}, "date: expected a date as YYYY-MM-DD, got &#39;14/01/2026&#39;"),
    ({"text": "Kyiv", "date": "2026-02-30"}, "(no such day)"),
    ({"text": "Kyiv", "file": (io.BytesIO(b"Kyiv"), "a.txt")}, "give either pasted text or a file, not both"),
    ({"file": (io.BytesIO(b""), "empty.txt")}, "could not read the file: the file is empty"),
    ({"file": (io.BytesIO(b"\x89PNG\x00\x00\x00"), "photo.txt")}, "could not read the file: looks like a binary"),
    ({"file": (io.BytesIO(b"{not json"), "bad.jsonl")}, "could not read the file: bad.jsonl:1: not valid JSON"),
    ({"file": (io.BytesIO(b"<rss><channel></channel></rss>"), "f.rss")}, "could not read the file: the feed has no"),
])
def test_upload_refuses_bad_input_with_400(uploads, data, message):
    response = post(uploads, data)
    assert response.status_code == 400
    body = html(response)
    assert message in body
    assert 'name="csrf_token"' in body  # the form again, ready to fix and resend
    assert "No articles" in ok(uploads, "/articles")


def test_upload_keeps_the_values_on_error(uploads):
    body = html(post(uploads, {"text": "Sirens in <Kyiv>", "date": "soon", "title": 'A "title"'}))
    assert "Sirens in &lt;Kyiv&gt;</textarea>" in body and 'value="A &#34;title&#34;"' in body


@pytest.mark.parametrize("csrf", [None, "", "forged-token"])
def test_upload_needs_the_csrf_token(uploads, csrf):
    token(uploads)  # the session has a token; the form does not send it
    response = post(uploads, {"text": "Sirens in Kyiv."}, csrf=csrf)
    assert response.status_code == 400
    assert "the form expired; reload the page" in html(response)
    assert "No articles" in ok(uploads, "/articles")


def test_upload_token_from_another_session_is_refused(uploads, geoparser, geomap_env, tmp_path):
    other = create_app({"DB_URL": f"sqlite:///{tmp_path}/o.sqlite", "GEOPARSER": geoparser, "TESTING": True})
    stolen = token(other.test_client())
    response = post(uploads, {"text": "Sirens in Kyiv."}, csrf=stolen)
    assert response.status_code == 400


def test_upload_long_pasted_text(uploads):
    """Pasted text past Flask's 500 kB form-field default is fine while under MAX_CONTENT_LENGTH."""
    text = "Long report from Kherson\n\n" + "The night passed without news. " * 20_000 + "\n\nThen Odesa."  # 600 kB
    response = post(uploads, {"text": text})
    body = ok(uploads, f"/articles/{article_id_of(response)}")
    assert re.findall(r'id="mention-\d+"[^>]*>([^<]*)</a>', body) == ["Kherson", "Odesa"]


def test_upload_too_large_is_413(geoparser, geomap_env, tmp_path):
    app = create_app({"DB_URL": f"sqlite:///{tmp_path}/t.sqlite", "GEOPARSER": geoparser, "TESTING": True,
                      "MAX_CONTENT_LENGTH": 2048})
    client = app.test_client()
    response = post(client, {"text": "Kyiv. " * 1000})
    assert response.status_code == 413
    assert "the upload is larger than" in html(response)
    response = post(client, {"file": (io.BytesIO(b"Odesa. " * 1000), "big.txt")})
    assert response.status_code == 413
