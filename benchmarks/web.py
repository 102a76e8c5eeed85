"""Web benchmark: the map service over a large store, served by the real server.

Generates a SQLite store (default 10,000 places and 100,000 mentions, bulk-inserted with
SQLAlchemy Core into geomap.store's tables: short articles, one passage per sentence,
places with realistic coordinates and kinds, mentions skewed towards a few busy places,
dates over two years), starts ``geomap serve`` on a free port with tiles off, then measures

  server  wall time of a full GET (request to last byte, urllib, median of --runs after one
          warm-up) of ``/``, ``/api/places.geojson?_mentions=0`` (what the map fetches: points;
          a popup fetches its passages when opened), ``?_mentions=3`` (points with three
          passages each, as an API user may ask) and ``/api/places.geojson`` (the full
          export), and each response's size;
  browser time from navigation to ``document.body.dataset.mapReady === "1"`` in Playwright
          driving Debian's chromium (fresh context each time, median of --browser-runs),
          split into: page + scripts loaded, the GeoJSON request (waiting for the first
          byte = server time, then download), and drawing (JSON parse + markers + clusters).

Targets: ``/`` under 1 s, a ready map under 4 s.

    python benchmarks/web.py                              # 10,000 places, 100,000 mentions
    python benchmarks/web.py --places 2000 --mentions 20000 --json
    python benchmarks/web.py --db /tmp/web.sqlite --keep  # keep the generated store
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]
TARGET_PAGE_S = 1.0
TARGET_READY_S = 4.0
SEED = 20260301
POPUP_MENTIONS = 3  # the app's POPUP_PASSAGES: what a popup shows

# Where news places are: (weight, lat_min, lat_max, lon_min, lon_max).
REGIONS = [(30, 44, 53, 22, 41),   # Ukraine and around
           (15, 36, 60, -10, 30),  # Europe
           (15, 12, 38, 30, 60),   # Middle East
           (15, -35, 30, -17, 50),  # Africa
           (10, 5, 45, 60, 125),   # South and East Asia
           (10, 25, 50, -125, -70),  # North America
           (5, -40, 10, -80, -35)]  # South America
KINDS = [("city", 0.82), ("admin2", 0.06), ("admin1", 0.06), ("region", 0.01), ("river", 0.01), ("country", 0.025),
         ("sea", 0.015), ("continent", 0.005), ("strait", 0.005)]
SYLLABLES = ["ba", "kho", "mut", "lo", "va", "ri", "sk", "ne", "don", "tsk", "ha", "ra", "za", "po", "krov", "ar",
             "mi", "le", "sha", "ma", "ti", "ko", "vi", "dro", "gor", "an", "el", "ka", "su", "dar"]
SENTENCES = ["Officials in {} said the situation was calm.", "Reports of shelling also came from {}.",
             "Aid convoys reached {} after a two-day delay.", "Prices rose sharply in {}, traders said.",
             "The talks are expected to resume in {} next month.", "Residents of {} described a quiet night."]


# -- the store -----------------------------------------------------------------------

def generate(db_path: Path, n_places: int, n_mentions: int, per_article: int = 20) -> dict:
    """Bulk-insert a synthetic store; returns its counts and the seconds it took."""
    from sqlalchemy import insert

    from gazetteer import PRECISION
    from geomap.place_stats import rebuild
    from geomap.store import articles, connect, mentions, passages, places

    started = time.monotonic()
    rng = random.Random(SEED)
    engine = connect(f"sqlite:///{db_path}")
    kinds, kind_weights = zip(*KINDS)
    region_weights = [r[0] for r in REGIONS]
    place_rows, names = [], []
    for pid in range(1, n_places + 1):
        kind = rng.choices(kinds, kind_weights)[0]
        _, lat0, lat1, lon0, lon1 = rng.choices(REGIONS, region_weights)[0]
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
        names.append(name)
        place_rows.append(dict(id=pid, key=f"bench:{pid}", geonameid=1_000_000 + pid, name=name, kind=kind,
                               country_code=rng.choice(["UA", "RU", "PL", "DE", "FR", "IL", "SY", "SD", "CN", "US",
                                                        "BR", "IN", "YE", "TR", "EG"]),
                               lat=round(rng.uniform(lat0, lat1), 5), lon=round(rng.uniform(lon0, lon1), 5),
                               precision=PRECISION.get(kind, 1)))
    # Every place at least once (so the map has n_places points), then a skewed tail:
    # a few places get most of the mentions, as in real news.
    # Half the rest log-uniform over a random ranking of the places (the busiest gets ~4 %),
    # half uniform.
    ranking = list(range(1, n_places + 1))
    rng.shuffle(ranking)
    chosen = list(range(1, n_places + 1)) + [
        ranking[min(n_places, int(n_places ** rng.random())) - 1] if rng.random() < 0.5 else rng.randint(1, n_places)
        for _ in range(max(0, n_mentions - n_places))]
    rng.shuffle(chosen)
    chosen = chosen[:n_mentions]
    first_day = date(2025, 1, 1)
    now = datetime(2026, 1, 1)
    article_rows, passage_rows, mention_rows = [], [], []
    passage_id = mention_id = 0
    for aid, offset in enumerate(range(0, len(chosen), per_article), start=1):
        text_parts, cursor = [], 0
        for idx, pid in enumerate(chosen[offset:offset + per_article]):
            template = rng.choice(SENTENCES)
            sentence = template.format(names[pid - 1])
            start = cursor
            passage_id += 1
            passage_rows.append(dict(id=passage_id, article_id=aid, idx=idx, start=start,
                                     end=start + len(sentence), text=sentence))
            at = start + template.index("{}")
            mention_id += 1
            mention_rows.append(dict(id=mention_id, article_id=aid, passage_id=passage_id, place_id=pid, start=at,
                                     end=at + len(names[pid - 1]), surface=names[pid - 1],
                                     score=round(rng.uniform(0.5, 1.0), 4), precision=place_rows[pid - 1]["precision"],
                                     alternatives="[]"))
            text_parts.append(sentence)
            cursor += len(sentence) + 1
        article_rows.append(dict(id=aid, identity=f"bench:{aid}", title=f"Benchmark article {aid}",
                                 published=first_day + timedelta(days=rng.randrange(730)), source="benchmark",
                                 url=None, author=None, origin="benchmarks/web.py", external_id=str(aid),
                                 text=" ".join(text_parts), ingested_at=now))
    with engine.begin() as conn:
        for table, rows in ((places, place_rows), (articles, article_rows), (passages, passage_rows),
                            (mentions, mention_rows)):
            for i in range(0, len(rows), 20_000):
                conn.execute(insert(table), rows[i:i + 20_000])
        rebuild(conn)  # bulk rows bypass the per-place totals the map reads: count them once
    engine.dispose()
    return {"places": n_places, "mentions": len(mention_rows), "articles": len(article_rows),
            "passages": len(passage_rows), "seconds": round(time.monotonic() - started, 2),
            "db_mb": round(db_path.stat().st_size / 1e6, 1)}


# -- the server ----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db_path: Path, data_dir: Path, log_path: Path, *, threads: int | None = None,
                 processes: int = 1, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """``geomap serve`` on a free loopback port (tiles off), once it answers; ``env`` adds to
    the environment (benchmarks/load.py turns the write rate limit off with it)."""
    port = free_port()
    env = {**os.environ, "GEOMAP_DATA_DIR": str(data_dir), "GEOMAP_TILES_URL": "", **(env or {})}
    env.pop("GEOMAP_DB", None)
    log = open(log_path, "wb")
    command = [sys.executable, "-m", "geomap.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--db", str(db_path), "--processes", str(processes)] + (["--threads", str(threads)] if threads else [])
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"geomap serve exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(base + "/api/articles?_size=1", timeout=5):
                break
        except OSError:
            if time.monotonic() > deadline:
                proc.terminate()
                raise SystemExit(f"geomap serve did not answer in 60 s:\n{log_path.read_text(errors='replace')}")
            time.sleep(0.2)
    get(base + "/basemap/countries.geojson", timeout=600)  # built once into the data directory
    return proc, base


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def get(url: str, timeout: float = 300) -> tuple[float, int, float]:
    """(seconds to the last byte, body bytes, seconds to the first byte) of one GET."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=timeout) as response:
        first = response.read(1)
        first_byte = time.perf_counter() - started
        size = len(first) + len(response.read())
        if response.status != 200:
            raise SystemExit(f"{url}: HTTP {response.status}")
    return time.perf_counter() - started, size, first_byte


def time_url(url: str, runs: int) -> dict:
    get(url)  # warm-up: connections, SQLite page cache
    samples = [get(url) for _ in range(runs)]
    return {"median_s": round(statistics.median(s[0] for s in samples), 3),
            "min_s": round(min(s[0] for s in samples), 3),
            "first_byte_s": round(statistics.median(s[2] for s in samples), 3),
            "bytes": samples[0][1]}


# -- the browser ---------------------------------------------------------------------

# Injected before the page's own scripts (CDP, so our CSP does not apply): note when the map
# says it is ready, in the page's clock.
READY_PROBE = """
new MutationObserver(function (_, observer) {
  if (document.body && document.body.dataset.mapReady === "1" && !window.__gmReadyAt) {
    window.__gmReadyAt = performance.now(); observer.disconnect();
  }
}).observe(document, {attributes: true, subtree: true, attributeFilter: ["data-map-ready"]});
"""
TIMINGS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const data = performance.getEntriesByType("resource").filter(e => e.name.includes("/api/places.geojson"))[0];
  const mapJs = performance.getEntriesByType("resource").filter(e => e.name.includes("/static/geomap/map.js"))[0];
  return {ready: window.__gmReadyAt, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
          html_ttfb: nav.responseStart, html_end: nav.responseEnd,
          map_js_end: mapJs ? mapJs.responseEnd : null,
          data_start: data ? data.startTime : null, data_ttfb: data ? data.responseStart : null,
          data_end: data ? data.responseEnd : null, data_bytes: data ? data.encodedBodySize : null,
          count: Number(document.body.dataset.mapCount),
          drawn: document.querySelectorAll(".leaflet-interactive, .marker-cluster").length};
}"""


def browser_ready(base: str, runs: int) -> dict:
    if not Path(CHROMIUM).exists():
        return {"skipped": f"Debian chromium not installed ({CHROMIUM})"}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "playwright is not installed"}
    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs + 1):  # the first is a warm-up (chromium's own start-up costs)
                context = browser.new_context(viewport={"width": 1280, "height": 860})
                page = context.new_page()
                page.add_init_script(READY_PROBE)
                errors = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                started = time.perf_counter()
                page.goto(base + "/", wait_until="commit", timeout=120_000)
                page.wait_for_function("() => ['1', 'error'].includes(document.body && document.body.dataset.mapReady)",
                                       timeout=120_000, polling=20)
                wall = time.perf_counter() - started
                t = page.evaluate(TIMINGS)
                state = page.evaluate("document.body.dataset.mapReady")
                context.close()
                if state != "1" or errors:
                    return {"error": f"the map did not load: state {state!r}, errors {errors}"}
                results.append({"wall_s": wall, **t})
        finally:
            browser.close()
    runs_ = results[1:]
    med = lambda key: statistics.median(r[key] for r in runs_)  # noqa: E731
    ready_ms = med("ready")
    return {
        "ready_s": round(ready_ms / 1000, 2),  # navigation start to mapReady, the page's clock
        "wall_s": round(med("wall_s"), 2),  # goto() to mapReady seen by Playwright
        "runs_s": [round(r["ready"] / 1000, 2) for r in runs_],
        "points": runs_[0]["count"],
        "drawn_elements": runs_[0]["drawn"],
        "phases_s": {
            "html (to last byte)": round(med("html_end") / 1000, 3),
            "scripts and styles (to DOMContentLoaded)": round((med("dcl") - med("html_end")) / 1000, 3),
            # The GeoJSON is streamed: the first byte comes early, the rest as the server makes it.
            "geojson: request to first byte": round((med("data_ttfb") - med("data_start")) / 1000, 3),
            "geojson: rest of the stream (server + transfer)": round((med("data_end") - med("data_ttfb")) / 1000, 3),
            "drawing (parse, markers, clusters)": round((ready_ms - med("data_end")) / 1000, 3),
        },
        "geojson_request_started_s": round(med("data_start") / 1000, 3),
    }


# -- main ------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--places", type=int, default=10_000)
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="server timings per URL (median)")
    parser.add_argument("--browser-runs", type=int, default=3, help="browser loads (median)")
    parser.add_argument("--db", type=Path, help="store path (default: a temporary file); regenerated")
    parser.add_argument("--keep", action="store_true", help="keep the generated store")
    parser.add_argument("--data-dir", type=Path, help="GEOMAP_DATA_DIR for the server (country outlines); "
                        "default: $GEOMAP_DATA_DIR, else a temporary directory")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args(argv)
    if args.mentions < args.places:
        parser.error("--mentions must be at least --places (every place is mentioned once)")

    tmp = Path(tempfile.mkdtemp(prefix="geomap-web-bench-"))
    db_path = args.db or tmp / "bench.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    data_dir = args.data_dir or (Path(os.environ["GEOMAP_DATA_DIR"]) if os.environ.get("GEOMAP_DATA_DIR") else tmp)
    log = lambda message: None if args.json else print(message, file=sys.stderr, flush=True)  # noqa: E731

    log(f"generating {args.places:,} places and {args.mentions:,} mentions into {db_path} ...")
    store = generate(db_path, args.places, args.mentions)
    log(f"  {store['articles']:,} articles, {store['db_mb']} MB in {store['seconds']} s")
    proc, base = start_server(db_path, data_dir, tmp / "server.log")
    try:
        log(f"server at {base}; timing ...")
        server = {
            "/": time_url(base + "/", args.runs),
            "/api/places.geojson?_mentions=0": time_url(f"{base}/api/places.geojson?_mentions=0", args.runs),
            f"/api/places.geojson?_mentions={POPUP_MENTIONS}": time_url(
                f"{base}/api/places.geojson?_mentions={POPUP_MENTIONS}", args.runs),
            "/api/places.geojson": time_url(base + "/api/places.geojson", args.runs),
        }
        log("browser ...")
        browser = browser_ready(base, args.browser_runs)
    finally:
        stop_server(proc)
        if not args.keep:
            if not args.db:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db_path}{suffix}").unlink(missing_ok=True)
            shutil.rmtree(tmp, ignore_errors=True)

    result = {"store": store, "server": server, "browser": browser,
              "targets": {"/ (s)": TARGET_PAGE_S, "ready map (s)": TARGET_READY_S},
              "met": {"/": server["/"]["median_s"] < TARGET_PAGE_S,
                      "ready map": bool(browser.get("ready_s") is not None and browser["ready_s"] < TARGET_READY_S)}}
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"\ngeomap web benchmark: {store['places']:,} places, {store['mentions']:,} mentions, "
          f"{store['articles']:,} articles (SQLite {store['db_mb']} MB)\n")
    print(f"{'measure':<44} {'median':>9} {'min':>8} {'size':>10}   target")
    for url, r in server.items():
        target = f"< {TARGET_PAGE_S:g} s  {'ok' if r['median_s'] < TARGET_PAGE_S else 'MISSED'}" if url == "/" else ""
        print(f"{'server ' + url:<44} {r['median_s']:>8.3f}s {r['min_s']:>7.3f}s {_mb(r['bytes']):>10}   {target}")
    if "ready_s" in browser:
        ok = "ok" if browser["ready_s"] < TARGET_READY_S else "MISSED"
        print(f"{'browser: navigation to mapReady':<44} {browser['ready_s']:>8.2f}s {min(browser['runs_s']):>7.2f}s "
              f"{'':>10}   < {TARGET_READY_S:g} s  {ok}")
        print(f"  ({browser['points']:,} points; goto() to ready seen by Playwright {browser['wall_s']:.2f} s; "
              f"runs {browser['runs_s']})")
        print("  where the time goes (medians):")
        for phase, seconds in browser["phases_s"].items():
            print(f"    {phase:<50} {seconds:>7.3f}s")
    else:
        print(f"browser: {browser.get('skipped') or browser.get('error')}")
    return 0


def _mb(size: int) -> str:
    return f"{size / 1e6:.2f} MB" if size >= 100_000 else f"{size / 1e3:.1f} kB"


if __name__ == "__main__":
    sys.exit(main())
