"""``geomap ingest``, ``articles``, ``reprocess`` and ``export`` on real files and a real SQLite store.

Most tests use click's CliRunner with ``--db`` in ``tmp_path`` and the session's
gazetteer (GEOMAP_DATA_DIR); one runs ``python -m geomap.cli ingest`` as a real process
and kills it with SIGKILL mid-batch.
"""
from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from geomap.cli import main
from geomap.model import Article
from geomap.readers import iter_articles
from geomap.samples import sample_paths

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "articles"
REL_FIXTURES = "tests/fixtures/articles"


@pytest.fixture
def runner(geomap_env, monkeypatch):
    monkeypatch.delenv("GEOMAP_DB", raising=False)
    monkeypatch.chdir(ROOT)  # so the relative paths below read like a user's
    return CliRunner()


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "store.sqlite")


def _fixture_articles() -> list[Article]:
    return [a for a in iter_articles([str(FIXTURES)]) if isinstance(a, Article)]


def _query(db: str, sql: str, *params):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _counts(db: str) -> dict[str, int]:
    return {t: _query(db, f"SELECT count(*) FROM {t}")[0][0] for t in ("articles", "passages", "places", "mentions")}


def _run(runner, *args, input=None):
    result = runner.invoke(main, [str(a) for a in args], input=input)
    assert "Traceback" not in result.output, result.output
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def _usage_error(result, *fragments):
    assert result.exit_code == 2, result.output
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert "Traceback" not in result.output


def _ingested(runner, db, *paths, extra=("--workers", "1")):
    result = _run(runner, "ingest", *paths, "--db", db, *extra)
    return result


# ---------------------------------------------------------------------------
# ingest


def test_ingest_the_fixture_directory(runner, db):
    expected = _fixture_articles()
    result = _run(runner, "ingest", REL_FIXTURES, "--db", db)  # default workers: parallel on this machine
    assert result.exit_code == 1, result.output  # the broken JSONL line failed
    broken = f"{REL_FIXTURES}/gaza-dispatches.jsonl:3"
    assert f"error: {broken}: not valid JSON" in result.stderr
    assert f"{len(expected)} added, 0 updated, 0 unchanged, 1 failed" in result.stdout
    stored = _query(db, "SELECT title, published, url FROM articles ORDER BY id")
    assert len(stored) == len(expected) == 17
    assert sorted(t for t, _, _ in stored) == sorted(a.title for a in expected)
    # Every good article, from every format, with its date and passages.
    titles = {t: (p, u) for t, p, u in stored}
    assert titles["Drone strike knocks out power to parts of Kharkiv"] == (
        "2025-01-14", "https://news.example.org/2025/01/14/kharkiv-substation")
    assert titles["Clinic in Deir al-Balah treats hundreds"][0] == "2025-06-04"  # the line after the broken one
    assert titles["Tanker diverted away from Hodeidah"][0] == "2025-05-20"  # Atom
    assert titles["Convoy reaches El Fasher after week-long journey"][0] == "2025-04-15"  # RSS
    assert titles["Roads into Tigray reopen to aid trucks"][0] is None  # undated stays undated
    assert _query(db, "SELECT count(*) FROM articles a WHERE NOT EXISTS "
                      "(SELECT 1 FROM passages p WHERE p.article_id = a.id)") == [(0,)]
    counts = _counts(db)
    assert counts["mentions"] > 30
    assert f"{counts['mentions']} mentions of {counts['places']} distinct places" in result.stdout


def test_reingest_says_unchanged_and_update_replaces(runner, db):
    first = _ingested(runner, db, REL_FIXTURES)
    assert first.exit_code == 1
    counts = _counts(db)
    ids = _query(db, "SELECT id, identity FROM articles ORDER BY id")

    again = _ingested(runner, db, REL_FIXTURES)
    assert again.exit_code == 1  # the broken line is still broken
    assert "0 added, 0 updated, 17 unchanged, 1 failed" in again.stdout
    assert "17 article(s) were already stored and left unchanged (use --update to replace them)" in again.stderr
    assert _counts(db) == counts

    updated = _ingested(runner, db, REL_FIXTURES, extra=("--workers", "1", "--update"))
    assert updated.exit_code == 1
    assert "0 added, 17 updated, 0 unchanged, 1 failed" in updated.stdout
    assert "left unchanged" not in updated.stderr
    assert _query(db, "SELECT id, identity FROM articles ORDER BY id") == ids
    assert _counts(db) == counts


def test_ingest_date_override(runner, db):
    result = _ingested(runner, db, REL_FIXTURES, extra=("--workers", "1", "--date", "2026-01-02"))
    assert result.exit_code == 1
    assert _query(db, "SELECT DISTINCT published FROM articles") == [("2026-01-02",)]
    assert _query(db, "SELECT count(*) FROM articles") == [(17,)]


@pytest.mark.parametrize("value, message", [
    ("garbage", "expected a date as YYYY-MM-DD, got 'garbage'"),
    ("2025-02-30", "no such day"),
    ("17 December 2024", "expected a date as YYYY-MM-DD"),
])
def test_ingest_bad_date_is_a_usage_error(runner, db, value, message):
    result = _run(runner, "ingest", REL_FIXTURES, "--db", db, "--date", value)
    _usage_error(result, "--date", message)
    assert not Path(db).exists() or _counts(db)["articles"] == 0


def test_ingest_from_stdin(runner, db):
    text = (FIXTURES / "kharkiv-substation.txt").read_text(encoding="utf-8")
    result = _run(runner, "ingest", "-", "--db", db, input=text.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert "1 added, 0 updated, 0 unchanged, 0 failed" in result.stdout
    assert _query(db, "SELECT title, published, url FROM articles") == [(
        "Drone strike knocks out power to parts of Kharkiv", "2025-01-14",
        "https://news.example.org/2025/01/14/kharkiv-substation")]
    # The same article from a file is the same article (same URL).
    again = _run(runner, "ingest", f"{REL_FIXTURES}/kharkiv-substation.txt", "--db", db)
    assert again.exit_code == 0 and "0 added, 0 updated, 1 unchanged" in again.stdout

    lines = (FIXTURES / "mixed" / "nested" / "d-lines.ndjson").read_text(encoding="utf-8")
    jsonl = _run(runner, "ingest", "-", "--db", db, "--workers", "1", input=lines)
    assert jsonl.exit_code == 0, jsonl.output
    assert "2 added" in jsonl.stdout
    assert {"Port Sudan airport reopens", "Ceasefire talks in Jeddah"} <= {
        t for (t,) in _query(db, "SELECT title FROM articles")}


def test_empty_stdin_is_reported(runner, db):
    result = _run(runner, "ingest", "-", "--db", db, "--workers", "1", input="")
    assert result.exit_code == 1
    assert "error: <stdin>:" in result.stderr and "empty" in result.stderr
    assert "0 added, 0 updated, 0 unchanged, 1 failed" in result.stdout


def test_a_missing_path_is_reported_and_the_others_stored(runner, db, tmp_path):
    missing = tmp_path / "missing.txt"
    result = _ingested(runner, db, f"{REL_FIXTURES}/kharkiv-substation.txt", missing,
                       f"{REL_FIXTURES}/goma-airport.md")
    assert result.exit_code == 1
    assert f"error: {missing}: no such file" in result.stderr
    assert "2 added, 0 updated, 0 unchanged, 1 failed" in result.stdout
    assert sorted(t for (t,) in _query(db, "SELECT title FROM articles")) == [
        "Drone strike knocks out power to parts of Kharkiv",
        "Flights to Goma stay grounded as fighting nears the airport"]


def test_a_bad_file_in_the_middle_of_a_directory(runner, db, tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    for i, path in enumerate(sample_paths()[:4]):
        (batch / f"{i}-{path.name}").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (batch / "2a-binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 10)
    (batch / "2b-empty.md").write_text("", encoding="utf-8")
    result = _ingested(runner, db, batch)
    assert result.exit_code == 1
    assert f"error: {batch / '2a-binary.txt'}:" in result.stderr
    assert f"error: {batch / '2b-empty.md'}:" in result.stderr
    assert "4 added, 0 updated, 0 unchanged, 2 failed" in result.stdout
    assert _counts(db)["articles"] == 4


# ---------------------------------------------------------------------------
# articles


def test_articles_lists_what_is_stored(runner, db):
    empty = _run(runner, "articles", "--db", db)
    assert empty.exit_code == 0 and "no articles stored" in empty.stdout
    _ingested(runner, db, REL_FIXTURES)
    result = _run(runner, "articles", "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 17
    assert "Roads into Tigray reopen to aid trucks" in lines[-1] and "undated" in lines[-1]  # undated last
    kharkiv = next(line for line in lines if "Kharkiv" in line)
    assert "2025-01-14" in kharkiv

    as_json = _run(runner, "articles", "--db", db, "--json")
    assert as_json.exit_code == 0
    rows = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert len(rows) == 17
    assert all(set(r) == {"id", "title", "published", "source", "url", "mentions", "places"} for r in rows)
    stored = dict(_query(db, "SELECT a.id, count(m.id) FROM articles a LEFT JOIN mentions m ON m.article_id = a.id "
                             "GROUP BY a.id"))
    assert {r["id"]: r["mentions"] for r in rows} == stored
    published = [r["published"] for r in rows if r["published"]]
    assert published == sorted(published, reverse=True)  # newest first
    assert rows[-1]["published"] is None

    ua = [json.loads(line) for line in _run(runner, "articles", "--db", db, "--json", "--country", "UA")
          .stdout.splitlines()]
    assert {r["title"] for r in ua} >= {"Drone strike knocks out power to parts of Kharkiv",
                                        "Kyiv metro stations shelter residents during night alert"}
    assert not any("Goma" in r["title"] for r in ua)
    limited = _run(runner, "articles", "--db", db, "--limit", "3").stdout.splitlines()
    assert limited == lines[:3]
    none = _run(runner, "articles", "--db", db, "--country", "ZZ")
    assert none.exit_code == 0 and "no articles stored for in ZZ" in none.stdout


# ---------------------------------------------------------------------------
# export


@pytest.fixture
def stored(runner, db):
    result = _ingested(runner, db, REL_FIXTURES)
    assert result.exit_code == 1 and "17 added" in result.stdout
    return db


def _features(path: Path) -> list[dict]:
    collection = json.loads(path.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    return collection["features"]


def _csv(text: str) -> list[dict]:
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    return rows


def test_export_geojson_and_csv_to_files(runner, stored, tmp_path):
    out = tmp_path / "out.geojson"
    result = _run(runner, "export", "--format", "geojson", "-o", out, "--db", stored)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    features = _features(out)
    counts = _counts(stored)
    assert len(features) == counts["places"]
    assert sum(f["properties"]["mention_count"] for f in features) == counts["mentions"]
    for f in features:
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        for m in f["properties"]["mentions"]:
            assert m["passage"][m["start"]:m["end"]] == m["surface"]

    import geopandas
    assert len(geopandas.read_file(out)) == counts["places"]

    csv_out = tmp_path / "out.csv"
    result = _run(runner, "export", "--format", "csv", "-o", csv_out, "--db", stored)
    assert result.exit_code == 0, result.output
    rows = _csv(csv_out.read_text(encoding="utf-8"))
    assert len(rows) == counts["mentions"]
    assert all(r["passage"][int(r["start"]):int(r["end"])] == r["surface"] for r in rows)

    to_stdout = _run(runner, "export", "--format", "csv", "--db", stored)
    assert to_stdout.exit_code == 0 and _csv(to_stdout.stdout) == rows
    mention_level = tmp_path / "mentions.geojson"
    assert _run(runner, "export", "--granularity", "mention", "-o", mention_level, "--db", stored).exit_code == 0
    assert len(_features(mention_level)) == counts["mentions"]


def test_export_filters(runner, stored, tmp_path):
    def export(*args) -> tuple[list[dict], list[dict]]:
        geo, table = tmp_path / "f.geojson", tmp_path / "f.csv"
        assert _run(runner, "export", "-o", geo, "--db", stored, *args).exit_code == 0
        assert _run(runner, "export", "--format", "csv", "-o", table, "--db", stored, *args).exit_code == 0
        features, rows = _features(geo), _csv(table.read_text(encoding="utf-8"))
        assert sum(f["properties"]["mention_count"] for f in features) == len(rows)
        return features, rows

    everything, all_rows = export()
    ua, ua_rows = export("--country", "UA")
    assert ua and {f["properties"]["country_code"] for f in ua} == {"UA"}
    assert {"Kharkiv", "Kyiv", "Odesa"} <= {f["properties"]["name"] for f in ua}
    assert len(ua_rows) == sum(1 for r in all_rows if r["country_code"] == "UA")

    spring, spring_rows = export("--since", "2025-04-15", "--until", "2025-05-20")
    dates = {r["published"] for r in spring_rows}
    assert dates and all("2025-04-15" <= d <= "2025-05-20" for d in dates)
    assert {"2025-04-15", "2025-05-20"} <= dates  # both ends inclusive
    assert len(spring_rows) == sum(1 for r in all_rows if r["published"] and "2025-04-15" <= r["published"]
                                   <= "2025-05-20")

    (kharkiv_id,) = _query(stored, "SELECT id FROM articles WHERE title LIKE 'Drone strike%'")[0]
    (goma_id,) = _query(stored, "SELECT id FROM articles WHERE title LIKE 'Flights to Goma%'")[0]
    chosen, chosen_rows = export("--article", kharkiv_id, "--article", goma_id)
    assert {int(r["article_id"]) for r in chosen_rows} == {kharkiv_id, goma_id}
    assert {m["article_id"] for f in chosen for m in f["properties"]["mentions"]} == {kharkiv_id, goma_id}

    combined, combined_rows = export("--country", "UA", "--article", kharkiv_id, "--q", "khar")
    assert [f["properties"]["name"] for f in combined] == ["Kharkiv"]
    assert {r["surface"] for r in combined_rows} == {"Kharkiv"}

    nothing, nothing_rows = export("--since", "2030-01-01")
    assert nothing == [] and nothing_rows == []


@pytest.mark.parametrize("args, message", [
    (["--since", "2025-13-01"], "since must be a date as YYYY-MM-DD, got '2025-13-01'"),
    (["--until", "last week"], "until must be a date as YYYY-MM-DD, got 'last week'"),
    (["--since", "2025-06-01", "--until", "2025-01-01"], "since (2025-06-01) is after until (2025-01-01)"),
    (["--country", "UKR"], "country must be a two-letter ISO code such as UA, got 'UKR'"),
    (["--article", "abc"], "article must be an article id (a whole number), got 'abc'"),
    (["--article", "0"], "article must be a positive id, got '0'"),
])
@pytest.mark.parametrize("command", ["export", "articles"])
def test_bad_filter_values_are_usage_errors(runner, db, tmp_path, command, args, message):
    out = tmp_path / "never.geojson"
    extra = ["-o", out] if command == "export" else []
    result = _run(runner, command, "--db", db, *extra, *args)
    _usage_error(result, message)
    assert not out.exists()


def test_export_format_and_granularity_are_checked(runner, db):
    _usage_error(_run(runner, "export", "--format", "kml", "--db", db), "kml")
    _usage_error(_run(runner, "export", "--granularity", "country", "--db", db), "country")


# ---------------------------------------------------------------------------
# reprocess


def test_reprocess(runner, stored):
    before = _query(stored, "SELECT a.id, m.start, m.end, m.surface, p.key FROM mentions m "
                            "JOIN articles a ON a.id = m.article_id JOIN places p ON p.id = m.place_id "
                            "ORDER BY a.id, m.start")
    ids = _query(stored, "SELECT id, identity FROM articles ORDER BY id")
    conn = sqlite3.connect(stored)  # as if the rules had changed: nothing found before
    conn.execute("DELETE FROM mentions")
    conn.commit()
    conn.close()
    assert _counts(stored)["mentions"] == 0

    result = _run(runner, "reprocess", "--db", stored)
    assert result.exit_code == 0, result.output
    assert f"reprocessed 17 article(s): {len(before)} mentions of" in result.stdout
    assert _query(stored, "SELECT id, identity FROM articles ORDER BY id") == ids
    after = _query(stored, "SELECT a.id, m.start, m.end, m.surface, p.key FROM mentions m "
                           "JOIN articles a ON a.id = m.article_id JOIN places p ON p.id = m.place_id "
                           "ORDER BY a.id, m.start")
    assert after == before

    one = _run(runner, "reprocess", "--db", stored, "--article", ids[0][0])
    assert one.exit_code == 0 and "reprocessed 1 article(s)" in one.stdout
    assert _counts(stored)["mentions"] == len(before)
    _usage_error(_run(runner, "reprocess", "--db", stored, "--article", "abc"), "article must be an article id")


# ---------------------------------------------------------------------------
# a real process, killed mid-batch


def _generate(directory: Path, n: int) -> None:
    """``n`` distinct articles built from the samples, each several kilobytes."""
    samples = [p.read_text(encoding="utf-8") for p in sample_paths()]
    for i in range(n):
        lines = samples[i % len(samples)].splitlines()
        title, body = lines[0], "\n".join(line for line in lines[1:] if not line.startswith(("Date:", "Source:")))
        day = date(2025, 1 + i % 12, 1 + i % 28).isoformat()
        paragraphs = [f"{body}\n\nDispatch {i}, part {k}: officials in Kyiv and Odesa said talks would resume."
                      for k in range(6)]
        (directory / f"article-{i:04d}.txt").write_text(
            f"{title} (dispatch {i})\nDate: {day}\nURL: https://dispatch.example.org/{i}\n\n" + "\n\n".join(paragraphs)
            + "\n", encoding="utf-8")


def _stored_articles(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:  # not created yet
        return 0


def test_an_interrupted_ingest_keeps_what_it_committed_and_finishes_on_rerun(data_dir, tmp_path):
    articles_dir = tmp_path / "batch"
    articles_dir.mkdir()
    total = 200
    _generate(articles_dir, total)
    db = tmp_path / "killed.sqlite"
    env = {**os.environ, "GEOMAP_DATA_DIR": str(data_dir), "PYTHONIOENCODING": "utf-8"}
    env.pop("GEOMAP_DB", None)
    command = [sys.executable, "-m", "geomap.cli", "ingest", "--workers", "1", "--db", str(db), str(articles_dir)]

    with open(tmp_path / "first.out", "wb") as out, open(tmp_path / "first.err", "wb") as err:
        proc = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=ROOT)
        try:
            deadline = time.monotonic() + 120
            while _stored_articles(db) < 5:
                assert proc.poll() is None, "the ingest ended before it could be interrupted"
                assert time.monotonic() < deadline, "no article was stored in time"
                time.sleep(0.01)
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        committed = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert 5 <= committed < total
        # Each stored article is whole: its passages and its mentions (every one names Kyiv and Odesa).
        assert conn.execute("SELECT count(*) FROM articles a WHERE NOT EXISTS "
                            "(SELECT 1 FROM passages p WHERE p.article_id = a.id)").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM articles a WHERE NOT EXISTS "
                            "(SELECT 1 FROM mentions m JOIN places p ON p.id = m.place_id "
                            "WHERE m.article_id = a.id AND p.name = 'Kyiv')").fetchone()[0] == 0
        per_article = {n for (n,) in conn.execute("SELECT count(*) FROM mentions GROUP BY article_id")}
        assert min(per_article) >= 12  # 6 dispatch lines x (Kyiv + Odesa), at least
    finally:
        conn.close()

    rerun = subprocess.run(command, capture_output=True, env=env, cwd=ROOT, timeout=600)
    assert rerun.returncode == 0, rerun.stderr.decode()
    assert f"{total - committed} added, 0 updated, {committed} unchanged, 0 failed" in rerun.stdout.decode()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT count(*), count(DISTINCT identity), count(DISTINCT title) FROM articles") \
            .fetchone() == (total, total, total)
        assert conn.execute("SELECT count(*) FROM articles a WHERE NOT EXISTS "
                            "(SELECT 1 FROM passages p WHERE p.article_id = a.id)").fetchone()[0] == 0
        # No duplicated passages from the interrupted run: each article's passage indexes are 0..n-1 once.
        assert conn.execute("SELECT count(*) FROM (SELECT article_id, idx FROM passages "
                            "GROUP BY article_id, idx HAVING count(*) > 1)").fetchone()[0] == 0
    finally:
        conn.close()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_stream_that_pauses_is_stored_during_the_pause(data_dir, tmp_path, workers):
    """``… | geomap ingest -`` from a feed that pauses: the article before the pause is
    stored while the stream is still open, not when the next one comes or the stream ends."""
    db = tmp_path / "live.sqlite"
    env = {**os.environ, "GEOMAP_DATA_DIR": str(data_dir), "PYTHONIOENCODING": "utf-8"}
    env.pop("GEOMAP_DB", None)
    command = [sys.executable, "-m", "geomap.cli", "ingest", "--workers", workers, "--db", str(db), "-"]
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, cwd=ROOT)
    try:
        proc.stdin.write(json.dumps({"id": "live-1", "text": "Sirens sounded in Odesa overnight."}).encode() + b"\n")
        proc.stdin.flush()
        deadline = time.monotonic() + 120
        while _stored_articles(db) < 1:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the article before the pause was not stored in time"
            time.sleep(0.05)
        last = json.dumps({"id": "live-2", "text": "Power returned in Mykolaiv."}).encode() + b"\n"
        out, err = proc.communicate(last, timeout=120)  # and the stream ends
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
    assert proc.returncode == 0, err.decode()
    assert "2 added, 0 updated, 0 unchanged, 0 failed" in out.decode()
