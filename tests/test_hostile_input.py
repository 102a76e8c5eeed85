"""Bad input at every non-web door: geoparse, each reader, ``geomap ingest``,
``geomap geoparse`` and ``geomap export``. Each input from tests/hostile.py gets a
clear error or a correct result; none crashes, leaks a file, or corrupts the store.
The web doors (upload, filters, ids in paths) are in tests/test_hostile_web.py.
"""
from __future__ import annotations

import contextlib
import io
import json
import socket
import sqlite3
import sys
import threading
import warnings
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from geomap import cli
from geomap.cli import main
from geomap.dates import parse_date
from geomap.model import Article
from geomap.readers import ReadError, iter_articles
from geomap.samples import sample_paths

from hostile import (ABSURD_DATES, CLI_EXPORT_OPTIONS, PARAM_VALUES, PAYLOADS, READER_EXTENSIONS, SECRET, TEXTS,
                     XXE_CARRIERS, XXE_TARGETS, Payload)

_IDS = [p.name for p in PAYLOADS]


def assert_mentions_valid(text: str, mentions, passages=None) -> None:
    """The geoparse contract on any text: offsets in bounds, surface exact, sorted, disjoint."""
    previous_end = 0
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text), (m.start, m.end, len(text))
        assert text[m.start:m.end] == m.text
        assert m.start >= previous_end, "mentions overlap or are out of order"
        previous_end = m.end
        assert 0.0 <= m.score <= 1.0 and m.precision in (1, 2, 3, 4, 5)
        if passages is not None and m.passage is not None:
            p = passages[m.passage]
            assert p.start <= m.start and m.end <= p.end


def assert_clear_message(message: str) -> None:
    """One line a user can read: no traceback, no parser's internal fallback."""
    assert message.strip()
    assert "Traceback" not in message and "could not read it as" not in message, message
    assert len(message.strip().splitlines()) == 1, message


@contextlib.contextmanager
def _no_fail():
    """Readers may warn (invalid UTF-8 replaced); here only their results count."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


# -- geoparse -------------------------------------------------------------------------

@pytest.mark.parametrize("text", TEXTS + [p.data.decode("utf-8", "replace") for p in PAYLOADS],
                         ids=[f"text{i}" for i in range(len(TEXTS))] + _IDS)
def test_geoparse_any_text_keeps_the_contract(geoparser, text):
    mentions, passages = geoparser.geoparse_with_passages(text, demonyms=True)
    assert_mentions_valid(text, mentions, passages)
    for p in passages:
        assert 0 <= p.start < p.end <= len(text)


@pytest.mark.parametrize("text, expected", [
    ("\x00Kyiv\x00", [(1, 5, "Kyiv")]),
    ("\u202eKyiv\u202c and \u200fOdesa", [(1, 5, "Kyiv"), (12, 17, "Odesa")]),
    ("\ufeffKyiv", [(1, 5, "Kyiv")]),
    ("\ud800Kyiv", [(1, 5, "Kyiv")]),  # a lone surrogate (str can hold one) is just another character
    ("\u041a\u0443\u0456v and \u039fdesa", []),  # Cyrillic/Greek look-alikes are not Kyiv or Odesa
    ("\U0001F1FA\U0001F1E6 Kyiv", [(3, 7, "Kyiv")]),  # astral characters count as one each
])
def test_geoparse_hostile_unicode_gives_exact_offsets(geoparser, text, expected):
    found = [(m.start, m.end, m.text) for m in geoparser.geoparse(text)]
    assert found == expected


def test_geoparse_rejects_bytes_with_a_clear_error(geoparser):
    with pytest.raises(TypeError, match="expects text as str, got bytes"):
        geoparser.geoparse(b"Kyiv")


def test_geoparse_50_mb_single_line(geoparser):
    """50 MB with no line break and no sentence end: it finishes and finds both ends exactly."""
    filler = "the convoy moved on along the road without a stop "
    text = "Kyiv " + filler * (50_000_000 // len(filler)) + "Odesa"
    assert len(text) > 50_000_000 and "\n" not in text
    found = geoparser.geoparse(text)
    assert [(m.start, m.end, m.text) for m in found] == [(0, 4, "Kyiv"), (len(text) - 5, len(text), "Odesa")]


# -- readers --------------------------------------------------------------------------

def _check_read(items, payload: Payload) -> None:
    assert items, "a reader must say something about every input"
    for item in items:
        if isinstance(item, ReadError):
            assert_clear_message(item.reason)
            continue
        assert isinstance(item, Article)
        assert isinstance(item.text, str) and item.text.strip()
        assert isinstance(item.title, str) and item.title.strip()
        assert item.published is None or date(1000, 1, 1) <= item.published <= date(2200, 12, 31)
        assert SECRET not in repr(item)
    if payload.readable is False:
        assert all(isinstance(i, ReadError) for i in items), items
    if payload.readable is True:
        assert any(isinstance(i, Article) for i in items), items


@pytest.mark.parametrize("ext", READER_EXTENSIONS)
@pytest.mark.parametrize("payload", PAYLOADS, ids=_IDS)
def test_every_reader_survives_every_payload(tmp_path, payload, ext):
    path = tmp_path / f"input{ext}"
    path.write_bytes(payload.data)
    with _no_fail():
        _check_read(list(iter_articles([str(path)])), payload)


@pytest.mark.parametrize("payload", PAYLOADS, ids=_IDS)
def test_directory_and_stdin_readers_survive_every_payload(tmp_path, monkeypatch, payload):
    directory = tmp_path / "batch"
    directory.mkdir()
    for ext in (".txt", ".html", ".rss", ".jsonl"):
        (directory / f"input{ext}").write_bytes(payload.data)
    with _no_fail():
        _check_read(list(iter_articles([str(directory)])), payload)
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(payload.data), encoding="utf-8"))
        _check_read(list(iter_articles(["-"])), payload)


def test_jsonl_bad_lines_cost_only_themselves(tmp_path):
    path = tmp_path / "batch.jsonl"
    lines = [b'{"text": "Shelling hit Kyiv."}', b"[" * 100_000, b'{"text": "x", "id": ' + b"9" * 5000 + b"}",
             b'{"text": "Drones over Odesa."}']
    path.write_bytes(b"\n".join(lines) + b"\n")
    items = list(iter_articles([str(path)]))
    assert [type(i).__name__ for i in items] == ["Article", "ReadError", "ReadError", "Article"]
    assert items[1] == ReadError(f"{path}:2", "not valid JSON for an article: nested too deeply")
    assert items[2] == ReadError(f"{path}:3", "not valid JSON for an article: a number is too long")


# -- absurd dates -----------------------------------------------------------------------

def _dated_files(value: str) -> dict[str, bytes]:
    quoted = json.dumps(value)
    return {
        "header.txt": f"Kyiv report\nDate: {value}\n\nShelling hit Kyiv.".encode(),
        "front.md": f"---\ntitle: Kyiv report\ndate: {quoted}\n---\nShelling hit Kyiv.".encode(),
        "line.jsonl": json.dumps({"text": "Shelling hit Kyiv.", "date": value}).encode(),
        "feed.rss": (f'<rss version="2.0"><channel><title>W</title><item><title>Kyiv</title>'
                     f"<description>Shelling hit Kyiv.</description><pubDate>{_xml(value)}</pubDate>"
                     f"</item></channel></rss>").encode(),
    }


def _xml(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace("\x00", "")


@pytest.mark.parametrize("value", ABSURD_DATES)
def test_absurd_dates_are_dropped_not_stored(tmp_path, value):
    for name, data in _dated_files(value).items():
        path = tmp_path / name
        path.write_bytes(data)
        items = list(iter_articles([str(path)]))
        if "\x00" in value and name.endswith(".txt"):  # a raw NUL: refused as binary
            assert items == [ReadError(str(path), "looks like a binary file (it contains NUL bytes), not text")]
            continue
        assert len(items) == 1 and isinstance(items[0], Article), (name, items)
        assert items[0].published is None, (name, items[0].published)
    assert parse_date(value) is None


# -- XML external entities ----------------------------------------------------------------

@pytest.fixture
def listener():
    """A TCP port on 127.0.0.1 that counts connections (an XXE must never reach it)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.05)
    seen, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            seen.append(1)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    stop.set()
    thread.join(timeout=2)
    server.close()


def _xxe_document(carrier: str, target: str, secret: Path, port: int) -> bytes:
    uri = {"file": secret.resolve().as_uri(), "http": f"http://127.0.0.1:{port}/xxe",
           "parameter-entity": f"http://127.0.0.1:{port}/dtd"}[target]
    if target == "parameter-entity":
        doctype = f'<!DOCTYPE r [<!ENTITY % remote SYSTEM "{uri}"> %remote; <!ENTITY xxe "x">]>'
    else:
        doctype = f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "{uri}">]>'
    body = "Shelling hit Kyiv overnight &xxe; and officials in Odesa confirmed it. " * 4
    if carrier in (".rss", ".xml"):
        doc = (f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>T &xxe;</title>'
               f"<item><title>Kyiv &xxe;</title><description>{body}</description></item></channel></rss>")
    elif carrier == ".atom":
        doc = (f'<?xml version="1.0"?>{doctype}<feed xmlns="http://www.w3.org/2005/Atom"><title>&xxe;</title>'
               f'<entry><title>Kyiv &xxe;</title><content type="text">{body}</content></entry></feed>')
    else:
        page = (f"{doctype}<html><head><title>Kyiv &xxe;</title></head><body><article>"
                f"<p>{body}</p><p>{body}</p></article></body></html>")
        doc = page if carrier == ".html" else json.dumps({"html": page})
    return doc.encode()


@pytest.mark.parametrize("target", XXE_TARGETS)
@pytest.mark.parametrize("carrier", XXE_CARRIERS)
def test_external_entities_never_read_a_file_or_the_network(tmp_path, listener, carrier, target):
    port, connections = listener
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    path = tmp_path / f"evil{carrier}"
    path.write_bytes(_xxe_document(carrier, target, secret, port))
    items = list(iter_articles([str(path)]))
    assert SECRET not in repr(items)
    assert any(isinstance(i, Article) and "Kyiv" in i.text for i in items), items
    assert not connections


# -- geomap ingest ------------------------------------------------------------------------

@pytest.fixture
def runner(geomap_env, geoparser, monkeypatch):
    monkeypatch.delenv("GEOMAP_DB", raising=False)
    # The session's geoparser over the session's real gazetteer, so that each of the many
    # runs below does not spend 2 s opening it again.
    assert hasattr(cli, "_geoparser")
    monkeypatch.setattr(cli, "_geoparser", lambda: geoparser)
    return CliRunner()


def _store_state(db: Path) -> dict:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        state = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("articles", "passages", "places", "mentions")}
        # Nothing half-stored: every mention and passage belongs to a stored article, every
        # mention lies inside its article's text, and no date is absurd.
        assert conn.execute("SELECT count(*) FROM mentions m LEFT JOIN articles a ON a.id = m.article_id "
                            "WHERE a.id IS NULL OR m.start < 0 OR m.end > length(a.text) "
                            "OR m.start >= m.end").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM passages p LEFT JOIN articles a ON a.id = p.article_id "
                            "WHERE a.id IS NULL").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM articles WHERE published IS NOT NULL AND "
                            "(published < '1000-01-01' OR published > '2200-12-31')").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM articles WHERE instr(text, ?) OR instr(title, ?)",
                            (SECRET, SECRET)).fetchone()[0] == 0
        return state
    finally:
        conn.close()


def _assert_cli_clean(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


@pytest.fixture(scope="module")
def base_store(tmp_path_factory, geoparser) -> Path:
    """A store holding the bundled samples, copied for each test that may change it."""
    from geomap.services import ingest
    from geomap.store import connect

    db = tmp_path_factory.mktemp("hostile") / "base.sqlite"
    engine = connect(f"sqlite:///{db}")
    items = [i for i in iter_articles([str(p) for p in sample_paths()]) if isinstance(i, Article)]
    assert ingest(engine, items, parser=geoparser).added == len(items)
    engine.dispose()
    return db


@pytest.fixture
def store(base_store, tmp_path) -> Path:
    db = tmp_path / "store.sqlite"
    db.write_bytes(base_store.read_bytes())
    return db


@pytest.mark.parametrize("payload", PAYLOADS, ids=_IDS)
def test_ingest_hostile_file_leaves_the_store_intact(geoparser, store, tmp_path, payload):
    """Through the service ``geomap ingest`` runs (its own gazetteer costs 3 s a run; the
    CLI itself is run once below, over all of these files)."""
    from geomap.services import ingest
    from geomap.store import connect

    before = _store_state(store)
    path = tmp_path / "input.txt"
    path.write_bytes(payload.data)
    engine = connect(f"sqlite:///{store}")
    with _no_fail():
        summary = ingest(engine, iter_articles([str(path)]), parser=geoparser)
    engine.dispose()
    after = _store_state(store)
    if summary.failed:
        assert summary.added == 0 and after == before  # a refused file stores nothing, not even passages
        for failure in summary.failures:
            assert_clear_message(failure.reason)
    else:
        assert summary.added == 1 and after["articles"] == before["articles"] + 1


def test_ingest_cli_over_every_hostile_file(runner, store, tmp_path):
    directory = tmp_path / "hostile"
    directory.mkdir()
    for payload in PAYLOADS:
        (directory / f"{payload.name}.txt").write_bytes(payload.data)
    with _no_fail():
        items = list(iter_articles([str(directory)]))
    readable = [i for i in items if isinstance(i, Article)]
    before = _store_state(store)
    result = runner.invoke(main, ["ingest", "--db", str(store), "--workers", "1", str(directory)])
    _assert_cli_clean(result)
    assert result.exit_code == 1  # some inputs failed: said, and the batch went on
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [f"error: {i.origin}: {i.reason}" for i in items if isinstance(i, ReadError)]
    assert len(errors) >= sum(p.readable is False for p in PAYLOADS)
    assert _store_state(store)["articles"] == before["articles"] + len(readable)


@pytest.mark.parametrize("value", ABSURD_DATES)
def test_ingest_date_option_refuses_absurd_dates(runner, store, value):
    before = _store_state(store)
    result = runner.invoke(main, ["ingest", "--db", str(store), "--date", value, str(sample_paths()[0])])
    _assert_cli_clean(result)
    assert result.exit_code == 2 and "--date" in result.output
    assert _store_state(store) == before


# -- geomap geoparse ------------------------------------------------------------------------

@pytest.mark.parametrize("payload", PAYLOADS, ids=_IDS)
def test_geoparse_cli_file_gives_json_or_one_line_error(runner, tmp_path, payload):
    path = tmp_path / "input.txt"
    path.write_bytes(payload.data)
    result = runner.invoke(main, ["geoparse", str(path)])
    _assert_cli_clean(result)
    if result.exit_code == 0:
        out = json.loads(result.stdout)
        text = payload.data.decode("utf-8-sig", "replace")
        assert_mentions_valid(text, [_M(**m) for m in out["mentions"]])
    else:
        assert result.exit_code == 1 and result.stderr.startswith("Error: ")
        assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("payload", PAYLOADS, ids=_IDS)
def test_geoparse_cli_jsonl_gives_lines_or_one_line_error(runner, payload):
    result = runner.invoke(main, ["geoparse", "--jsonl", "-"], input=payload.data)
    _assert_cli_clean(result)
    if result.exit_code == 0:
        for line in result.stdout.splitlines():
            assert set(json.loads(line)) == {"id", "mentions"}
    else:
        assert result.exit_code == 1 and result.stderr.startswith("Error: "), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


class _M:
    def __init__(self, start, end, text, score, precision, **_):
        self.start, self.end, self.text, self.score, self.precision, self.passage = start, end, text, score, precision, None


# -- geomap export ------------------------------------------------------------------------

@pytest.mark.parametrize("value", PARAM_VALUES)
@pytest.mark.parametrize("option", CLI_EXPORT_OPTIONS)
def test_export_options_give_a_result_or_a_usage_error(runner, base_store, tmp_path, option, value):
    out = tmp_path / "out.geojson"
    before = _store_state(base_store)
    result = runner.invoke(main, ["export", "--db", str(base_store), option, value, "-o", str(out)])
    _assert_cli_clean(result)
    if result.exit_code == 0:
        collection = json.loads(out.read_text(encoding="utf-8"))
        assert collection["type"] == "FeatureCollection"
        for feature in collection["features"]:
            lon, lat = feature["geometry"]["coordinates"]
            assert -180 <= lon <= 180 and -90 <= lat <= 90
    else:
        assert result.exit_code == 2 and "Error: Invalid value" in result.output, result.output
        assert not out.exists()
    assert _store_state(base_store) == before
