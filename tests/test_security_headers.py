"""Security headers on every response: each registered route (GET, HEAD, OPTIONS and POST where
allowed), static files (200 and 304), streamed exports, redirects, and every error status,
the 500 handler included, which must not leak what went wrong."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from geomap.model import Article
from geomap.services import ingest
from geomap.store import connect, mentions
from geomap.web import create_app

ARTICLES = [Article(title="Strikes on Kharkiv", text="Shelling hit Kharkiv overnight, officials in Kyiv said.",
                    origin="a"),
            Article(title="Port of Odesa", text="Ships left Odesa for Istanbul on Monday.", origin="b")]
STATIC_FILE = "geomap/site.css"


@pytest.fixture(scope="module")
def store(tmp_path_factory, geoparser) -> dict:
    url = f"sqlite:///{tmp_path_factory.mktemp('headers') / 'h.sqlite'}"
    engine = connect(url)
    summary = ingest(engine, ARTICLES, parser=geoparser)
    with engine.connect() as conn:
        mention, place = conn.execute(select(mentions.c.id, mentions.c.place_id).limit(1)).one()
    engine.dispose()
    # A sample value for each URL variable of the app's routes: a new route with a variable
    # not listed here fails test_every_route_has_the_headers until it is added.
    return {"url": url, "values": {"article_id": summary.article_ids[0], "place_id": place, "mention_id": mention,
                                   "correction_id": 1, "filename": STATIC_FILE}}


@pytest.fixture
def make_app(store, geoparser, geomap_env):
    def make(**config):
        return create_app({"DB_URL": store["url"], "GEOPARSER": geoparser, "TESTING": True, **config})
    return make


def assert_secure(response, what: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, (what, response.status_code, csp)
    assert "default-src 'self'" in csp and "object-src 'none'" in csp, (what, csp)
    assert re.search(r"script-src 'self' 'nonce-[A-Za-z0-9_-]{16,}'", csp), (what, csp)
    assert headers.get("X-Content-Type-Options") == "nosniff", (what, response.status_code)
    assert headers.get("X-Frame-Options") == "DENY", (what, response.status_code)
    assert headers.get("Referrer-Policy") == "same-origin", (what, response.status_code)


def route_urls(app, values: dict) -> list[tuple[str, str, set[str]]]:
    """(endpoint, url, methods) for every rule of the app, its variables filled from ``values``."""
    found = []
    for rule in app.url_map.iter_rules():
        missing = rule.arguments - set(values)
        assert not missing, f"{rule.rule}: give a sample value for {sorted(missing)} in this test's store fixture"
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})
        found.append((rule.endpoint, url, set(rule.methods)))
    return found


def test_every_route_has_the_headers(make_app, store):
    app = make_app()
    client = app.test_client()
    seen = set()
    for endpoint, url, methods in route_urls(app, store["values"]):
        for method in sorted(methods):
            response = client.open(url, method=method)  # a POST without CSRF token: refused, with headers
            assert response.status_code < 500, (method, url, response.status_code)
            assert_secure(response, f"{method} {url}")
            seen.add((endpoint, method))
            response.close()
    assert ("static", "GET") in seen and ("pages.upload", "POST") in seen and ("api.places_geojson", "GET") in seen


def test_static_files_streams_and_redirects_have_the_headers(make_app):
    client = make_app().test_client()
    first = client.get(f"/static/{STATIC_FILE}")
    assert first.status_code == 200
    assert_secure(first, "static")
    again = client.get(f"/static/{STATIC_FILE}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert_secure(again, "static 304")
    for url in ("/api/places.geojson?_mentions=2", "/api/mentions.geojson?country=UA", "/export.csv?download=1",
                "/basemap/countries.geojson"):
        response = client.get(url)
        assert response.status_code == 200, url
        response.get_data()  # streamed: the headers went out before the body
        assert_secure(response, url)
    form = client.get("/upload").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    stored = client.post("/upload", data={"csrf_token": csrf, "text": "Sirens sounded in Lviv at dawn."})
    assert stored.status_code == 303 and stored.headers["Location"].startswith("/articles/")
    assert_secure(stored, "303 after upload")


def error_body(response) -> str:
    if response.mimetype == "application/json":
        body = json.loads(response.get_data(as_text=True))
        assert body["ok"] is False and body["status"] == response.status_code
        return body["error"]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/articles/1/nope", "/api/nope.geojson"])
def test_404(make_app, path):
    response = make_app().test_client().get(path)
    assert response.status_code == 404
    assert_secure(response, path)
    error_body(response)


@pytest.mark.parametrize("path, is_json", [("/articles?since=soon", False), ("/api/places.geojson?until=x", True),
                                           ("/api/gazetteer/search", True)])
def test_400(make_app, path, is_json):
    response = make_app().test_client().get(path)
    assert response.status_code == 400
    assert_secure(response, path)
    assert (response.mimetype == "application/json") == is_json
    error_body(response)


@pytest.mark.parametrize("method, path, is_json", [("POST", "/articles", False), ("DELETE", "/upload", False),
                                                   ("PUT", "/api/places.geojson", True)])
def test_405_names_the_allowed_methods(make_app, method, path, is_json):
    response = make_app().test_client().open(path, method=method)
    assert response.status_code == 405
    assert_secure(response, f"{method} {path}")
    assert (response.mimetype == "application/json") == is_json
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert "GET" in allowed and method not in allowed
    assert f"{method} is not allowed here; this address takes" in error_body(response)


def test_403_413_429_have_the_headers(make_app):
    client = make_app(WRITE_TOKEN="s3cret").test_client()
    refused = client.post("/upload", data={"text": "Kyiv"})
    assert refused.status_code == 403
    assert_secure(refused, "403")

    small = make_app(MAX_UPLOAD_MB=0.001).test_client()  # 1,048 bytes
    too_large = small.post("/upload", data={"text": "Odesa. " * 500})
    assert too_large.status_code == 413
    assert_secure(too_large, "413")

    limited = make_app(RATE_LIMIT_READS="1/minute").test_client()
    assert limited.get("/api/articles").status_code == 200
    throttled = limited.get("/api/articles")
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "60"
    assert_secure(throttled, "429")


@pytest.mark.parametrize("path, is_json", [("/boom", False), ("/api/boom.json", True)])
def test_500_is_generic_and_has_the_headers(make_app, path, is_json):
    # TESTING off: errors are handled as in production instead of raised into the test.
    app = make_app(TESTING=False)

    def boom():
        raise RuntimeError("secret detail: /srv/geomap/db password=hunter2")

    app.add_url_rule(path, "boom", boom)
    response = app.test_client().get(path)
    assert response.status_code == 500
    assert_secure(response, "500")
    assert (response.mimetype == "application/json") == is_json
    body = response.get_data(as_text=True)
    assert "something went wrong on the server" in error_body(response)
    assert "hunter2" not in body and "secret detail" not in body and "Traceback" not in body
