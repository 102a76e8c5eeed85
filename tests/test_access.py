"""Access control: open reading, the write token and CSRF on every route that changes data,
the refusal to serve beyond loopback without a token, rate limits and the upload size limit.

The routes that change data are found from the app's url_map, so a new one fails
test_every_write_route_is_covered until this file says how to post to it.
"""
from __future__ import annotations

import io
import json
import re
import socket
import threading

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from geomap.cli import main
from geomap.model import Article
from geomap.services import ingest
from geomap.store import articles, connect, corrections, mentions
from geomap.web import ConfigError, create_app, upload_limit_bytes
from geomap.web.limits import Rate, RateLimiter, RateLimitError, parse_rate

TOKEN = "s3cret-token"
READ_METHODS = {"GET", "HEAD", "OPTIONS"}
ARTICLE = Article(title="Night in Kharkiv", text="Shelling hit Kharkiv overnight, officials in Kyiv said.",
                  origin="seed")


class FakeClock:
    """Stands in for time.monotonic, so a rate-limit window passes without sleeping."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def db(tmp_path, geoparser):
    url = f"sqlite:///{tmp_path / 'access.sqlite'}"
    engine = connect(url)
    ingest(engine, [ARTICLE], parser=geoparser)
    yield url, engine
    engine.dispose()


@pytest.fixture
def make_app(db, geoparser, geomap_env):
    def make(**config):
        return create_app({"DB_URL": db[0], "GEOPARSER": geoparser, "TESTING": True, **config})
    return make


def csrf_of(client) -> str:
    body = client.get("/upload").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)


def counts(engine) -> tuple[int, int, int]:
    """What a write changes: articles, corrections, and mentions decided by a correction."""
    with engine.connect() as conn:
        return (conn.scalar(select(func.count()).select_from(articles)),
                conn.scalar(select(func.count()).select_from(corrections)),
                conn.scalar(select(func.count()).select_from(mentions).where(mentions.c.correction_id.is_not(None))))


# -- how to make each write, and what it changes --------------------------------------------

def _upload(engine, n: int):
    return "/upload", {"text": f"Report {n}: sirens sounded in Lviv and Odesa at dawn."}


def _correct(engine, n: int):
    with engine.connect() as conn:
        mention = conn.scalar(select(mentions.c.id).where(mentions.c.correction_id.is_(None)).order_by(mentions.c.id))
    return f"/mentions/{mention}/correct", {"place": "not_place", "scope": "mention"}


def _undo(engine, n: int):
    with engine.connect() as conn:
        correction = conn.scalar(select(func.max(corrections.c.id)))
    if correction is None:  # something to undo
        with engine.begin() as conn:
            from geomap.corrections import correct

            mention = conn.scalar(select(func.min(mentions.c.id)))
            correction = correct(conn, mention, action="not_place", scope="mention").correction_id
    return f"/corrections/{correction}/undo", {}


WRITES = {"pages.upload": _upload, "review.correct_submit": _correct, "review.undo_correction": _undo}


def write_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if set(rule.methods) - READ_METHODS}


def test_every_write_route_is_covered(make_app):
    missing = write_endpoints(make_app()) - set(WRITES)
    assert not missing, f"routes that change data with no access test: {sorted(missing)}; add them to WRITES"


@pytest.mark.parametrize("endpoint", sorted(WRITES))
def test_a_write_needs_the_token_and_the_csrf_token(make_app, db, endpoint):
    _, engine = db
    url, data = WRITES[endpoint](engine, 1)
    before = counts(engine)

    # No write token (a fresh browser, valid CSRF token): 403, nothing changed.
    client = make_app(WRITE_TOKEN=TOKEN).test_client()
    response = client.post(url, data={**data, "csrf_token": csrf_of(client)})
    assert response.status_code == 403, (endpoint, response.status_code)
    assert "write token" in response.get_data(as_text=True)
    wrong = client.post(url, data={**data, "csrf_token": csrf_of(client), "token": "guess"})
    assert wrong.status_code == 403
    assert counts(engine) == before

    # The write token but no (or a forged) CSRF token: refused, nothing changed.
    client = make_app(WRITE_TOKEN=TOKEN).test_client()
    csrf_of(client)  # the session has a CSRF token; the requests below do not carry it
    for forged in (None, "", "forged"):
        form = {**data, "token": TOKEN} | ({} if forged is None else {"csrf_token": forged})
        response = client.post(url, data=form)
        assert response.status_code in (400, 403), (endpoint, forged, response.status_code)
    assert counts(engine) == before

    # Both: done (a 303 to the result), and the data changed.
    response = client.post(url, data={**data, "token": TOKEN, "csrf_token": csrf_of(client)})
    assert response.status_code == 303, (endpoint, response.get_data(as_text=True)[:500])
    assert counts(engine) != before


@pytest.mark.parametrize("endpoint", sorted(WRITES))
def test_the_token_header_works_too(make_app, db, endpoint):
    _, engine = db
    url, data = WRITES[endpoint](engine, 2)
    client = make_app(WRITE_TOKEN=TOKEN).test_client()
    response = client.post(url, data={**data, "csrf_token": csrf_of(client)}, headers={"X-Geomap-Token": TOKEN})
    assert response.status_code == 303


@pytest.mark.parametrize("endpoint", sorted(WRITES))
def test_without_a_configured_token_csrf_is_still_needed(make_app, db, endpoint):
    _, engine = db
    url, data = WRITES[endpoint](engine, 3)
    before = counts(engine)
    client = make_app().test_client()
    csrf_of(client)
    assert client.post(url, data=data).status_code in (400, 403)
    assert counts(engine) == before
    assert client.post(url, data={**data, "csrf_token": csrf_of(client)}).status_code == 303


def test_reading_is_open_without_a_token(make_app, db):
    """Every page and API answers a loopback client with no token, even when a write token is set."""
    app = make_app(WRITE_TOKEN=TOKEN)
    client = app.test_client()
    _, engine = db
    with engine.connect() as conn:
        article, mention, place = conn.execute(
            select(mentions.c.article_id, mentions.c.id, mentions.c.place_id).limit(1)).one()
    values = {"article_id": article, "mention_id": mention, "place_id": place, "filename": "geomap/map.js"}
    read = [rule for rule in app.url_map.iter_rules() if "GET" in rule.methods]
    assert len(read) >= 10
    for rule in read:
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<[^>]*:?{name}>", str(values[name]), url)
        if rule.endpoint == "review.gazetteer_search":
            url += "?q=Kyiv"
        response = client.get(url, environ_base={"REMOTE_ADDR": "127.0.0.1"})
        assert response.status_code == 200, (url, response.status_code)
        response.close()


# -- serving beyond loopback -------------------------------------------------------------------

@pytest.mark.parametrize("token", [None, "", "   "])
@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10"])
def test_serve_refuses_a_public_interface_without_a_token(tmp_path, monkeypatch, geomap_env, host, token):
    monkeypatch.delenv("GEOMAP_WRITE_TOKEN", raising=False)
    if token is not None:
        monkeypatch.setenv("GEOMAP_WRITE_TOKEN", token)
    db_path = tmp_path / "serve.sqlite"
    # Hold a loopback port: had the check let it through, binding that port would fail
    # instead of serving on a public interface from a test.
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen(1)
        port = held.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--host", host, "--port", str(port), "--db", str(db_path)])
    assert result.exit_code == 1, result.output
    assert f"refusing to serve on {host} without a write token" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)  # a clean exit 1
    assert not db_path.exists()  # refused before opening anything


# -- rate limits -------------------------------------------------------------------------------

def test_write_rate_limit_gives_429_then_recovers(make_app, db):
    clock = FakeClock()
    app = make_app(RATE_LIMIT_WRITES="3/minute", RATE_LIMIT_CLOCK=clock)
    client = app.test_client()
    csrf = csrf_of(client)
    for n in range(3):
        response = client.post("/upload", data={"csrf_token": csrf, "text": f"Report {n} from Dnipro."})
        assert response.status_code == 303
    refused = client.post("/upload", data={"csrf_token": csrf, "text": "One too many from Sumy."})
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "20"  # one request every 60/3 s
    body = refused.get_data(as_text=True)
    assert "too many requests: this server allows 3 requests a minute that change data from one address" in body
    assert "try again in 20 s" in body
    # Reading is not limited by default, and another address has its own allowance.
    assert all(client.get("/api/articles?_size=1").status_code == 200 for _ in range(30))
    other = client.post("/upload", data={"csrf_token": csrf, "text": "Elsewhere: Poltava."},
                        environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 303
    clock.now += 19
    assert client.post("/upload", data={"csrf_token": csrf, "text": "Still early: Sumy."}).status_code == 429
    clock.now += 1
    assert client.post("/upload", data={"csrf_token": csrf, "text": "Now it goes: Sumy."}).status_code == 303
    assert client.post("/upload", data={"csrf_token": csrf, "text": "Not yet again."}).status_code == 429
    clock.now += 60  # a whole window: the full allowance again
    for n in range(3):
        assert client.post("/upload", data={"csrf_token": csrf, "text": f"Later {n}: Kherson."}).status_code == 303


def test_read_rate_limit_answers_json_on_the_api(make_app):
    clock = FakeClock()
    client = make_app(RATE_LIMIT_READS="2/10s", RATE_LIMIT_CLOCK=clock).test_client()
    assert client.get("/api/articles").status_code == 200
    assert client.get("/api/places.geojson").status_code == 200
    for _ in range(5):  # a page's own static files are never limited
        assert client.get("/static/geomap/map.js").status_code == 200
    refused = client.get("/api/articles")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "5"
    body = json.loads(refused.get_data(as_text=True))
    assert body == {"ok": False, "status": 429, "error": "too many requests: this server allows 2 requests every "
                                                         "10 seconds that read data from one address; try again in 5 s"}
    clock.now += 5
    assert client.get("/api/articles").status_code == 200


def test_rate_limits_from_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("GEOMAP_RATE_LIMIT_WRITES", "7/hour")
    monkeypatch.setenv("GEOMAP_RATE_LIMIT_READS", "100/second")
    limits = make_app().extensions["geomap.limits"]
    assert limits["writes"].rate == Rate(7, 3600.0) and limits["reads"].rate == Rate(100, 1.0)
    monkeypatch.setenv("GEOMAP_RATE_LIMIT_WRITES", "off")
    monkeypatch.delenv("GEOMAP_RATE_LIMIT_READS")
    limits = make_app().extensions["geomap.limits"]
    assert limits["writes"] is None and limits["reads"] is None  # reads are off by default
    monkeypatch.delenv("GEOMAP_RATE_LIMIT_WRITES")
    assert make_app().extensions["geomap.limits"]["writes"].rate == Rate(30, 60.0)  # the default


@pytest.mark.parametrize("value", ["lots", "30/fortnight", "0/minute", "-1/second", "30 / 0 s"])
def test_a_bad_rate_limit_fails_at_start_with_a_message(make_app, value):
    with pytest.raises(RateLimitError, match=r"^RATE_LIMIT_WRITES \(GEOMAP_RATE_LIMIT_WRITES\): a rate limit"):
        make_app(RATE_LIMIT_WRITES=value)


@pytest.mark.parametrize("value, expected", [("30/minute", Rate(30, 60.0)), ("5 per second", Rate(5, 1.0)),
                                             ("100/10s", Rate(100, 10.0)), ("2/1.5 hours", Rate(2, 5400.0)),
                                             (None, None), ("off", None), ("", None), (0, None)])
def test_parse_rate(value, expected):
    assert parse_rate(value) == expected


def test_limiter_is_exact_under_threads_and_bounded_in_memory():
    clock = FakeClock()
    limiter = RateLimiter(Rate(100, 60.0), max_clients=50, clock=clock)
    allowed = []
    lock = threading.Lock()

    def hammer():
        mine = sum(limiter.hit("10.0.0.1") == 0 for _ in range(50))
        with lock:
            allowed.append(mine)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(allowed) == 100  # 400 attempts at once, exactly the allowance let through
    for n in range(1000):
        limiter.hit(f"10.1.{n // 256}.{n % 256}")
    assert len(limiter) == 50  # the least recently seen clients were forgotten


# -- upload size -------------------------------------------------------------------------------

def test_upload_size_limit_from_configuration(make_app, db, monkeypatch):
    _, engine = db
    monkeypatch.setenv("GEOMAP_MAX_UPLOAD_MB", "0.5")
    app = make_app()
    assert app.config["MAX_CONTENT_LENGTH"] == 512 * 1024
    client = app.test_client()
    csrf = csrf_of(client)
    before = counts(engine)
    big = client.post("/upload", data={"csrf_token": csrf, "text": "Kyiv. " * 100_000})  # 600 kB
    assert big.status_code == 413
    assert "the upload is larger than 0.5 MB, the most this server accepts" in big.get_data(as_text=True)
    as_file = client.post("/upload", data={"csrf_token": csrf, "file": (io.BytesIO(b"Odesa. " * 90_000), "a.txt")})
    assert as_file.status_code == 413
    assert counts(engine) == before
    ok = client.post("/upload", data={"csrf_token": csrf, "text": "Kyiv. " + "A quiet night. " * 20_000})  # 300 kB
    assert ok.status_code == 303


def test_an_explicit_byte_limit_is_said_in_bytes(make_app):
    client = make_app(MAX_CONTENT_LENGTH=2048).test_client()
    response = client.post("/upload", data={"text": "Kyiv. " * 1000})
    assert response.status_code == 413
    assert "the upload is larger than 2048 bytes" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["0", "-2", "lots", "nan", "inf"])
def test_a_bad_upload_limit_fails_with_a_message(value):
    with pytest.raises(ConfigError, match=r"MAX_UPLOAD_MB \(GEOMAP_MAX_UPLOAD_MB\) must be a positive number"):
        upload_limit_bytes(value)
