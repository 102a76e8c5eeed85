"""Load test: the real server on 127.0.0.1 under concurrent clients.

Builds (or reuses, cached by size in --cache-dir) a store of --places places and --mentions
mentions with benchmarks/web.py's generator, starts ``geomap serve --threads N`` on a free
loopback port and drives it with --clients threads, each with its own keep-alive connection
and session cookie, for --seconds or --requests (whichever comes first). By default a client
sends its next request as soon as the last one is answered (the server's saturation point);
--think S makes each client pause 0.5-1.5 x S seconds between requests, as people do. The mix:

  map        ``/`` (sometimes with filters)
  place      ``/places/<id>``
  article    ``/articles/<id>`` (also the page an upload redirects to)
  geojson    ``/api/places.geojson`` and ``/api/mentions.geojson`` under the shared filters
             (country, since/until, article, q, review), what the map and its users ask for
  popup      ``/api/places/<id>/mentions.json``: a map popup fetching its passages
  api        ``/api/articles`` with filters
  upload     ``POST /upload`` of a short new article, with the form's CSRF token and the
             session cookie (the form is fetched first, as a browser does)

It prints requests/s, p50/p95/p99 latency per kind and overall, the API p95 (every
``/api/`` request), and the errors (any status but 2xx/3xx, or a failed connection).
Targets at 20 clients on a 2-core machine: 0 errors, API p95 under 500 ms.

The write rate limit is turned off on the server under test: every client shares
127.0.0.1, and this measures capacity, not the limiter.

    python benchmarks/load.py                              # 10,000 places, 100,000 mentions
    python benchmarks/load.py --clients 20 --seconds 60 --requests 20000
    python benchmarks/load.py --places 1000 --mentions 10000 --seconds 15 --json

tests/test_load.py runs ``serve`` and ``measure`` from here on a smaller store.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/ is not a package
from web import generate, start_server, stop_server  # noqa: E402

TARGET_API_P95_S = 0.5
DEFAULT_MIX = {"map": 8, "place": 16, "article": 12, "geojson": 40, "popup": 11, "api": 8, "upload": 5}
UPLOAD_MARK = "geomap-load"  # in every uploaded title, to count what was stored
UPLOAD_TEXT = ("Shelling hit {a} overnight, officials in {b} said on Monday.\n\n"
               "Aid convoys reached {c} later in the day. (Load test {run}, client {client}, upload {n}.)")
UPLOAD_PLACES = ["Kharkiv", "Odesa", "Kyiv", "Dnipro", "Zaporizhzhia", "Lviv", "Mykolaiv", "Kherson", "Sumy"]
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


# -- what to ask for --------------------------------------------------------------------

@dataclass(frozen=True)
class Targets:
    """What the store holds, for building requests that find something."""
    place_ids: list[int]
    article_ids: list[int]
    countries: list[str]
    names: list[str]
    first: str  # ISO dates of the oldest and newest article
    last: str

    @classmethod
    def from_store(cls, db_path: Path, *, sample: int = 2000, seed: int = 1) -> "Targets":
        rng = random.Random(seed)
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
            place_ids = [r[0] for r in conn.execute("SELECT DISTINCT place_id FROM mentions")]
            article_ids = [r[0] for r in conn.execute("SELECT id FROM articles")]
            countries = sorted(r[0] for r in conn.execute(
                "SELECT DISTINCT country_code FROM places WHERE country_code IS NOT NULL"))
            names = [r[0] for r in conn.execute("SELECT name FROM places ORDER BY id LIMIT ?", (sample,))]
            first, last = conn.execute("SELECT min(published), max(published) FROM articles").fetchone()
        pick = lambda items: rng.sample(items, min(sample, len(items)))  # noqa: E731
        return cls(pick(place_ids), pick(article_ids), countries, names, str(first)[:10], str(last)[:10])


def _month(rng: random.Random, targets: Targets) -> list[tuple[str, str]]:
    """A one-month since/until window inside the stored dates."""
    from datetime import date, timedelta

    first, last = date.fromisoformat(targets.first), date.fromisoformat(targets.last)
    start = first + timedelta(days=rng.randrange(max(1, (last - first).days - 29)))
    return [("since", start.isoformat()), ("until", (start + timedelta(days=29)).isoformat())]


def geojson_path(rng: random.Random, targets: Targets) -> str:
    """One of the filtered GeoJSON requests the map and API users make."""
    country = [("country", rng.choice(targets.countries))]
    choice = rng.randrange(6)
    if choice == 0:  # the map under a country filter (its popups fetch their passages: "popup")
        return "/api/places.geojson?" + urlencode(country + [("_mentions", "0")])
    if choice == 1:  # the time slider: a month
        return "/api/places.geojson?" + urlencode(_month(rng, targets) + [("_mentions", "0")])
    if choice == 2:  # one article's places (the article page's small map)
        return "/api/places.geojson?" + urlencode([("article", rng.choice(targets.article_ids)), ("_mentions", "3")])
    if choice == 3:  # a place by name
        return "/api/places.geojson?" + urlencode([("q", rng.choice(targets.names))])
    if choice == 4:  # doubtful mentions in a country and month (the review filter)
        return "/api/places.geojson?" + urlencode(country + _month(rng, targets) + [("review", "1")])
    return "/api/mentions.geojson?" + urlencode(country + _month(rng, targets))  # one point per mention


def read_path(kind: str, rng: random.Random, targets: Targets) -> str:
    if kind == "map":
        return "/" if rng.random() < 0.5 else "/?" + urlencode([("country", rng.choice(targets.countries))])
    if kind == "place":
        return f"/places/{rng.choice(targets.place_ids)}"
    if kind == "article":
        return f"/articles/{rng.choice(targets.article_ids)}"
    if kind == "geojson":
        return geojson_path(rng, targets)
    if kind == "popup":  # a map popup opened: the place's newest passages under the map's filters
        view = rng.choice([[], [("country", rng.choice(targets.countries))], _month(rng, targets)])
        return f"/api/places/{rng.choice(targets.place_ids)}/mentions.json?" + urlencode(view + [("_size", "3")])
    if kind == "api":
        return "/api/articles?" + urlencode([("country", rng.choice(targets.countries)), ("_size", "20")])
    raise ValueError(f"unknown request kind {kind!r}")


# -- the client -------------------------------------------------------------------------

@dataclass
class Sample:
    kind: str
    path: str
    seconds: float
    status: int | None  # None: the connection failed
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 400


@dataclass
class LoadResult:
    samples: list[Sample]
    seconds: float
    clients: int
    uploads: list[int] = field(default_factory=list)  # article ids the uploads were stored as
    run_id: str = ""
    think: float = 0.0

    @property
    def errors(self) -> list[Sample]:
        return [s for s in self.samples if not s.ok]

    def summary(self) -> dict:
        by_kind: dict[str, list[Sample]] = {}
        for s in self.samples:
            by_kind.setdefault(s.kind, []).append(s)
        rows = {kind: _stats(items, self.seconds) for kind, items in sorted(by_kind.items())}
        api = [s for s in self.samples if s.path.startswith("/api/")]
        return {"clients": self.clients, "think_s": self.think, "seconds": round(self.seconds, 2),
                "requests": len(self.samples),
                "requests_per_s": round(len(self.samples) / self.seconds, 1) if self.seconds else 0.0,
                "errors": len(self.errors), "uploads_stored": len(self.uploads),
                "overall": _stats(self.samples, self.seconds), "api": _stats(api, self.seconds),
                "kinds": rows, "first_errors": [f"{s.kind} {s.path}: {s.status} {s.error or ''}".strip()
                                                for s in self.errors[:10]]}


def _percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return 0.0
    rank = max(1, -(-len(sorted_values) * q // 100))
    return sorted_values[int(rank) - 1]


def _stats(samples: list[Sample], seconds: float) -> dict:
    times = sorted(s.seconds for s in samples)
    return {"count": len(samples), "errors": sum(not s.ok for s in samples),
            "per_s": round(len(samples) / seconds, 1) if seconds else 0.0,
            "p50_ms": round(_percentile(times, 50) * 1000, 1), "p95_ms": round(_percentile(times, 95) * 1000, 1),
            "p99_ms": round(_percentile(times, 99) * 1000, 1),
            "max_ms": round((times[-1] if times else 0.0) * 1000, 1)}


class Client:
    """One browser-like client: a keep-alive connection and a session cookie."""

    def __init__(self, base: str, number: int, run_id: str, timeout: float = 60.0):
        parts = urlsplit(base)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"the load test only targets this machine (127.0.0.1), not {parts.hostname}")
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.number, self.run_id = number, run_id
        self.cookie: str | None = None
        self.uploads = 0
        self.conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, dict, bytes]:
        """One request on the kept-alive connection (reopened if the server had closed it)."""
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()  # an idle keep-alive connection the server dropped: retry a GET once
                if attempt == 2 or method != "GET":
                    raise
                continue
            except Exception:
                self.close()
                raise
            cookie = response.getheader("Set-Cookie")
            if cookie:
                self.cookie = cookie.split(";", 1)[0]
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return response.status, dict(response.getheaders()), data
        raise AssertionError("unreachable")

    def timed(self, kind: str, method: str, path: str, **kwargs) -> tuple[Sample, dict, bytes]:
        started = time.perf_counter()
        try:
            status, headers, data = self.request(method, path, **kwargs)
        except (OSError, http.client.HTTPException) as exc:
            return Sample(kind, path, time.perf_counter() - started, None, f"{type(exc).__name__}: {exc}"), {}, b""
        sample = Sample(kind, path, time.perf_counter() - started, status)
        if not sample.ok:
            sample.error = data[:200].decode("utf-8", "replace")
        return sample, headers, data

    def upload(self) -> tuple[list[Sample], int | None]:
        """Fetch the form (CSRF token), post a new article, follow the redirect to it."""
        form, _, body = self.timed("upload form", "GET", "/upload")
        samples = [form]
        match = _CSRF.search(body.decode("utf-8", "replace")) if form.ok else None
        if not match:
            if form.ok:
                form.error = "no csrf_token in the upload form"
            return samples, None
        self.uploads += 1
        a, b, c = random.Random(f"{self.run_id}-{self.number}-{self.uploads}").sample(UPLOAD_PLACES, 3)
        fields = {"csrf_token": match.group(1), "title": f"{UPLOAD_MARK} {self.run_id} {self.number}-{self.uploads}",
                  "text": UPLOAD_TEXT.format(a=a, b=b, c=c, run=self.run_id, client=self.number, n=self.uploads),
                  "source": "load test"}
        post, headers, _ = self.timed("upload", "POST", "/upload", body=urlencode(fields).encode(),
                                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        samples.append(post)
        if not post.ok:
            return samples, None
        location = urlsplit(headers.get("Location", "")).path
        stored = re.fullmatch(r"/articles/(\d+)", location)
        if post.status != 303 or not stored:
            post.error = f"expected a 303 to the stored article, got {post.status} to {location!r}"
            return samples, None
        page, _, _ = self.timed("article", "GET", location)  # as a browser would (and it shows the flash)
        samples.append(page)
        return samples, int(stored.group(1))


def run_load(base: str, targets: Targets, *, clients: int = 20, seconds: float = 20.0, requests: int = 100_000,
             mix: dict[str, float] | None = None, seed: int = 1, warmup: bool = True,
             think: float = 0.0) -> LoadResult:
    """Drive ``base`` with ``clients`` threads for at most ``seconds`` and ``requests`` actions
    (an upload, with its form and redirect, is one); each client pauses ``think`` seconds on
    average (0.5-1.5 x) between them."""
    mix = dict(mix or DEFAULT_MIX)
    kinds, weights = zip(*[(k, w) for k, w in mix.items() if w > 0])
    run_id = uuid.uuid4().hex[:10]
    if warmup:  # one of each (the first upload loads the gazetteer), not measured
        client = Client(base, 0, f"{run_id}-warmup")  # its upload is not one of the run's
        rng = random.Random(seed)
        for kind in kinds:
            if kind != "upload":
                client.timed(kind, "GET", read_path(kind, rng, targets))
        client.upload()
        client.close()
    lock = threading.Lock()
    samples: list[Sample] = []
    uploads: list[int] = []
    remaining = [requests]
    started = time.perf_counter()
    deadline = started + seconds

    def take() -> bool:
        with lock:
            if remaining[0] <= 0 or time.perf_counter() >= deadline:
                return False
            remaining[0] -= 1
            return True

    def work(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        client = Client(base, number, run_id)
        mine: list[Sample] = []
        stored: list[int] = []
        try:
            while take():
                kind = rng.choices(kinds, weights)[0]
                if kind == "upload":
                    new, article_id = client.upload()
                    mine.extend(new)
                    if article_id is not None:
                        stored.append(article_id)
                else:
                    mine.append(client.timed(kind, "GET", read_path(kind, rng, targets))[0])
                if think > 0:
                    time.sleep(max(0.0, min(rng.uniform(0.5, 1.5) * think, deadline - time.perf_counter())))
        finally:
            client.close()
            with lock:
                samples.extend(mine)
                uploads.extend(stored)

    threads = [threading.Thread(target=work, args=(i + 1,), name=f"load-client-{i + 1}") for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return LoadResult(samples, time.perf_counter() - started, clients, uploads, run_id, think)


# -- the store and the server --------------------------------------------------------------

def cached_store(cache_dir: Path, places: int, mentions: int) -> Path:
    """benchmarks/web.py's store of this size, generated once into ``cache_dir``."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"load-{places}p-{mentions}m.sqlite"
    done = path.with_suffix(".done")
    if not done.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        generate(path, places, mentions)
        done.touch()
    return path


@dataclass(frozen=True)
class Server:
    base: str
    pid: int

    def cpu_seconds(self) -> float | None:
        """CPU time the server and its live server processes have used so far (user + system;
        Linux /proc), else None."""
        try:
            pids = [self.pid] + [int(p) for p in Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()]
            total = 0
            for pid in pids:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
            return total / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return None


@contextmanager
def serve(db_path: Path, data_dir: Path, *, threads: int = 8, processes: int = 1, log_path: Path | None = None):
    """``geomap serve`` over ``db_path`` on a free loopback port; yields a Server; always stopped."""
    own_log = log_path is None
    log_path = log_path or Path(tempfile.mkstemp(prefix="geomap-load-", suffix=".log")[1])
    try:
        proc, base = start_server(db_path, data_dir, log_path, threads=threads, processes=processes,
                                  env={"GEOMAP_RATE_LIMIT_WRITES": "off", "GEOMAP_WRITE_TOKEN": ""})
        try:
            yield Server(base, proc.pid)
        finally:
            stop_server(proc)
    finally:
        if own_log:
            log_path.unlink(missing_ok=True)


def measure(server: Server, targets: Targets, **options) -> dict:
    """``run_load`` against ``server``, summarised, with the server's CPU time per request: a
    figure that, unlike latency, does not depend on what else the machine is doing."""
    before = server.cpu_seconds()
    result = run_load(server.base, targets, **options)
    after = server.cpu_seconds()
    summary = result.summary()
    if before is not None and after is not None and result.samples:
        summary["server_cpu_ms_per_request"] = round((after - before) / len(result.samples) * 1000, 1)
        summary["server_cores_busy"] = round((after - before) / result.seconds, 2)
    summary["result"] = result
    return summary


def count_uploads(db_path: Path, run_id: str) -> int:
    """Articles stored by the uploads of one run."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT count(*) FROM articles WHERE title LIKE ?",
                            (f"{UPLOAD_MARK} {run_id} %",)).fetchone()[0]


def print_summary(summary: dict) -> None:
    pause = f" (pausing {summary['think_s']:g} s between requests)" if summary.get("think_s") else " (no pauses)"
    print(f"\n{summary['clients']} clients{pause}, {summary['seconds']} s: {summary['requests']:,} requests, "
          f"{summary['requests_per_s']} requests/s, {summary['errors']} errors, "
          f"{summary['uploads_stored']} uploads stored\n")
    print(f"{'kind':<14} {'count':>7} {'errors':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'max ms':>8}")
    rows = list(summary["kinds"].items()) + [("API (/api/*)", summary["api"]), ("overall", summary["overall"])]
    for kind, r in rows:
        print(f"{kind:<14} {r['count']:>7} {r['errors']:>6} {r['per_s']:>7} {r['p50_ms']:>8} {r['p95_ms']:>8} "
              f"{r['p99_ms']:>8} {r['max_ms']:>8}")
    if summary.get("server_cpu_ms_per_request") is not None:
        print(f"\nserver CPU: {summary['server_cpu_ms_per_request']} ms per request, "
              f"{summary['server_cores_busy']} cores busy on average"
              + (f" (machine load average {summary['load_average']:.1f} at the end)"
                 if summary.get("load_average") is not None else ""))
    api_ok = summary["api"]["p95_ms"] < TARGET_API_P95_S * 1000
    print(f"\ntarget: 0 errors ({'ok' if not summary['errors'] else 'MISSED'}), "
          f"API p95 < {TARGET_API_P95_S * 1000:g} ms ({'ok' if api_ok else 'MISSED'})")
    for line in summary["first_errors"]:
        print(f"  error: {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--places", type=int, default=10_000)
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0, help="at most this long (default 60)")
    parser.add_argument("--requests", type=int, default=50_000,
                        help="at most this many client actions (default 50,000; an upload, with its form and "
                             "redirect, is one)")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean pause of each client between requests, in seconds (default 0: none)")
    parser.add_argument("--threads", type=int, default=4, help="threads per server process (geomap serve --threads)")
    parser.add_argument("--processes", type=int, default=2,
                        help="the server's processes (geomap serve --processes; default 2, one per core here)")
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "geomap-load-cache",
                        help="where the generated store is kept between runs")
    parser.add_argument("--data-dir", type=Path, help="GEOMAP_DATA_DIR for the server (the gazetteer uploads use); "
                        "default: $GEOMAP_DATA_DIR")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args(argv)
    if args.mentions < args.places:
        parser.error("--mentions must be at least --places (every place is mentioned once)")
    if (not 1 <= args.clients <= 200 or not 0 < args.seconds <= 3600 or args.requests < 1
            or not 0 <= args.think <= 60):
        parser.error("--clients must be 1-200, --seconds 0-3600, --think 0-60 and --requests at least 1 "
                     "(the test is bounded)")
    data_dir = args.data_dir or (Path(os.environ["GEOMAP_DATA_DIR"]) if os.environ.get("GEOMAP_DATA_DIR") else None)
    if data_dir is None:
        parser.error("give --data-dir or set GEOMAP_DATA_DIR (the gazetteer the server geoparses uploads with)")
    log = (lambda m: None) if args.json else (lambda m: print(m, file=sys.stderr, flush=True))

    log(f"store: {args.places:,} places, {args.mentions:,} mentions (cached in {args.cache_dir}) ...")
    db_path = cached_store(args.cache_dir, args.places, args.mentions)
    targets = Targets.from_store(db_path)
    with serve(db_path, data_dir, threads=args.threads, processes=args.processes) as server:
        log(f"server at {server.base} ({args.processes} processes x {args.threads} threads); {args.clients} clients for at most "
            f"{args.seconds:g} s or {args.requests:,} requests ...")
        summary = measure(server, targets, clients=args.clients, seconds=args.seconds, requests=args.requests,
                          think=args.think)
    result = summary.pop("result")
    summary["uploads_in_store"] = count_uploads(db_path, result.run_id)
    summary["load_average"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    summary["server_threads"] = args.threads
    summary["server_processes"] = args.processes
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print_summary(summary)
    return 0 if not summary["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
