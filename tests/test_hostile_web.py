"""Bad input at the web doors: every filter and paging parameter of every page, API and
export, ids in paths, and the upload form (files, fields, size limit). Each gets a 4xx
with a message or a correct page; never a 500, and the store is unchanged by refusals.
The catalogue is tests/hostile.py.
"""
from __future__ import annotations

import io
import json
import re
import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest

from geomap.model import Article
from geomap.query import MAX_ID
from geomap.readers import iter_articles
from geomap.samples import sample_paths
from geomap.services import ingest
from geomap.store import connect
from geomap.web import create_app

from hostile import (FILTER_PARAMS, PAGES, PAGING_PARAMS, PARAM_VALUES, PATH_IDS, PATH_ROUTES, PAYLOADS, SECRET,
                     TRAVERSAL_URLS, UPLOAD_DATES, UPLOAD_FIELDS, UPLOAD_NAMES, UPLOAD_VALUES)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, geoparser) -> dict:
    db = tmp_path_factory.mktemp("hostile-web") / "t.sqlite"
    engine = connect(f"sqlite:///{db}")
    items = [i for i in iter_articles([str(p) for p in sample_paths()]) if isinstance(i, Article)]
    summary = ingest(engine, items, parser=geoparser)
    engine.dispose()
    return {"db": db, "place": 1, "snapshot": _snapshot(db), "articles": summary.article_ids}


def _snapshot(db: Path) -> dict:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return {t: conn.execute(f"SELECT count(*), coalesce(max(id), 0) FROM {t}").fetchone()
                for t in ("articles", "passages", "places", "mentions", "corrections")}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def client(seeded, geoparser, data_dir):
    app = create_app({"DB_URL": f"sqlite:///{seeded['db']}", "GEOPARSER": geoparser, "TESTING": False,
                      "DATA_DIR": str(data_dir), "PROPAGATE_EXCEPTIONS": False, "PAGE_SIZE": 3})
    return app.test_client()


def _get(client, url: str):
    response = client.get(url)
    body = response.get_data(as_text=True)  # read it all: a streamed export fails while streaming
    response.close()
    return response, body


def _assert_answered(response, body: str, url: str) -> None:
    """A correct page (2xx/3xx) or a refusal (4xx) that says why; never a 500."""
    assert response.status_code < 500, (url, response.status_code, body[:300])
    assert "Traceback" not in body
    if response.status_code >= 400:
        if response.is_json:
            error = json.loads(body)
            assert error["ok"] is False and error["status"] == response.status_code and error["error"]
        else:
            assert re.search(r"<title>\d{3} ", body), body[:300]
    elif response.mimetype in ("application/geo+json", "application/json"):
        json.loads(body)  # a whole document, not one cut short


@pytest.mark.parametrize("value", PARAM_VALUES)
@pytest.mark.parametrize("param", FILTER_PARAMS + PAGING_PARAMS)
def test_every_parameter_on_every_page_answers_without_a_500(client, seeded, param, value):
    for page in PAGES:
        url = page.format(place=seeded["place"]) + f"?{param}={quote(value, safe='')}"
        _assert_answered(*_get(client, url), url)


@pytest.mark.parametrize("query, message", [
    ("article=99999999999999999999999", "article must be an id of at most 2147483647"),
    ("article=2147483648", "article must be an id of at most 2147483647"),
    ("until=99999-01-01", "until must be a date as YYYY-MM-DD"),
    ("_size=99999999999999999999999", "_size must be between 1 and 1000"),
    ("_offset=-1", "_offset must be between 0 and"),
    ("country=%E2%80%AEAU", "country must be a two-letter ISO code"),
    ("country=%CE%91U", "country must be a two-letter ISO code"),  # Greek Alpha, not A
    ("q=" + "a" * 201, "q (place name) must be at most 200 characters"),
])
def test_api_refusals_say_what_was_wrong(client, query, message):
    response, body = _get(client, f"/api/articles?{query}")
    assert response.status_code == 400
    assert message in json.loads(body)["error"]


@pytest.mark.parametrize("value", ["' OR 1=1 --", "%", "_", "\\", "1; DROP TABLE articles", "\x00"])
def test_sql_strings_in_q_match_nothing_and_change_nothing(client, seeded, value):
    response, body = _get(client, f"/api/places.geojson?q={quote(value)}")
    assert response.status_code == 200
    assert json.loads(body)["features"] == []
    assert _snapshot(seeded["db"]) == seeded["snapshot"]


def test_filters_find_what_they_should_despite_noise(client):
    """The same filters, with noise around the values, still give the correct result."""
    _, body = _get(client, "/api/places.geojson?country=%20ua%20")
    features = json.loads(body)["features"]
    assert features and {f["properties"]["country_code"] for f in features} == {"UA"}
    _, body = _get(client, "/api/places.geojson?q=%20odesa%20")
    assert [f["properties"]["name"] for f in json.loads(body)["features"]] == ["Odesa"]


@pytest.mark.parametrize("ident", PATH_IDS)
@pytest.mark.parametrize("route", PATH_ROUTES)
def test_ids_in_paths_are_404_or_the_page(client, route, ident):
    url = route.format(ident)
    response, body = _get(client, url)
    _assert_answered(response, body, url)
    if not ident.isdigit() or int(ident) > MAX_ID or ident == "0":
        assert response.status_code == 404, url


@pytest.mark.parametrize("url", TRAVERSAL_URLS)
def test_path_traversal_never_serves_a_file_outside_static(client, url):
    response, body = _get(client, url)
    assert response.status_code in (400, 404), url
    assert "import" not in body and "root:" not in body


# -- /upload ------------------------------------------------------------------------------

@pytest.fixture
def uploads(geoparser, data_dir, tmp_path):
    db = tmp_path / "u.sqlite"
    app = create_app({"DB_URL": f"sqlite:///{db}", "GEOPARSER": geoparser, "TESTING": False,
                      "DATA_DIR": str(data_dir), "PROPAGATE_EXCEPTIONS": False})
    client = app.test_client()
    client.db = db
    return client


def _post(client, data: dict):
    page = client.get("/upload").get_data(as_text=True)
    data = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1), **data}
    response = client.post("/upload", data=data, content_type="multipart/form-data")
    return response, response.get_data(as_text=True)


def _stored(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT count(*) FROM mentions m JOIN articles a ON a.id = m.article_id "
                            "WHERE m.start < 0 OR m.end > length(a.text)").fetchone()[0] == 0
        return conn.execute("SELECT title, text, published FROM articles").fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("payload", PAYLOADS, ids=[p.name for p in PAYLOADS])
def test_upload_any_file_is_stored_or_refused_with_400(uploads, payload):
    response, body = _post(uploads, {"file": (io.BytesIO(payload.data), "upload.txt")})
    stored = _stored(uploads.db)
    if response.status_code == 303:
        assert re.fullmatch(r"/articles/\d+", response.headers["Location"].split("localhost")[-1])
        assert len(stored) == 1 and payload.readable is not False
        assert SECRET not in repr(stored)
    else:
        assert response.status_code == 400, (response.status_code, body[:300])
        assert "could not read the file" in body or "nothing could be stored" in body
        assert stored == []


@pytest.mark.parametrize("value", UPLOAD_VALUES)
@pytest.mark.parametrize("field", UPLOAD_FIELDS)
def test_upload_hostile_field_values(uploads, field, value):
    data = {"text": "Shelling hit Kyiv overnight.", field: value}
    response, body = _post(uploads, data)
    stored = _stored(uploads.db)
    assert response.status_code in (303, 400), (response.status_code, body[:300])
    if response.status_code == 400:
        assert stored == [] and re.search(r'class="[^"]*error|nothing to store|date: ', body)
    else:
        (title, text, published), = stored
        assert published is None or "1000-01-01" <= published <= "2200-12-31"
        stored_as = value.replace("\x00", "\ufffd")  # NUL is kept as U+FFFD, one for one: PostgreSQL cannot hold it
        if field == "text":
            assert text == stored_as.strip("\n")
        if field == "title" and value.strip():
            assert title == stored_as.strip()


@pytest.mark.parametrize("value", UPLOAD_DATES)
def test_upload_absurd_date_is_refused(uploads, value):
    response, body = _post(uploads, {"text": "Shelling hit Kyiv.", "date": value})
    assert response.status_code == 400 and "date: expected a date" in body
    assert _stored(uploads.db) == []


def test_upload_50_mb_is_refused_with_413(uploads):
    response, body = _post(uploads, {"file": (io.BytesIO(b"Kyiv " * 10_000_000), "big.txt")})
    assert response.status_code == 413 and "the upload is larger than 5 MB" in body
    assert _stored(uploads.db) == []


def test_upload_without_csrf_token_stores_nothing(uploads):
    response = uploads.post("/upload", data={"text": "Shelling hit Kyiv."}, content_type="multipart/form-data")
    assert response.status_code == 400 and "the form expired" in response.get_data(as_text=True)
    assert _stored(uploads.db) == []


@pytest.mark.parametrize("name", UPLOAD_NAMES)
def test_upload_file_names_never_escape_the_temporary_directory(uploads, name):
    response, body = _post(uploads, {"file": (io.BytesIO(b"Shelling hit Kyiv overnight."), name)})
    assert response.status_code == 303, body[:300]
    assert not Path("/tmp/geomap-evil.txt").exists()
    conn = sqlite3.connect(uploads.db)
    try:
        (origin,), = conn.execute("SELECT origin FROM articles").fetchall()
    finally:
        conn.close()
    assert "/" not in origin and "\\" not in origin and ".." not in origin.replace("...", "")
