"""Faults and concurrency: kill ``geomap ingest`` mid-batch and serve the map while two ingests write.

Two scenarios, each over real processes (``python -m geomap.cli``) and a real SQLite file:

  kills        SIGKILL ``geomap ingest`` (2 worker processes) at seeded random moments, from
               interpreter start-up through worker start-up to mid-write; after each kill the
               database must open clean with no half-stored article; a final re-run must
               complete the batch with every article stored exactly once.
  concurrency  ``geomap serve`` on 127.0.0.1 while two ``geomap ingest`` processes write two
               batches into its database; readers poll pages and the API meanwhile and count
               every non-200, every "database is locked", and every inconsistent read.

    GEOMAP_DATA_DIR=/tmp/gz python benchmarks/faults.py                 # 20 kills + concurrency
    GEOMAP_DATA_DIR=/tmp/gz python benchmarks/faults.py --kills 8 --json

"Inconsistent" counts reads whose numbers disagree inside one response: a place's
mention_count or article_count against the mentions listed under it in
/api/places.geojson, an article listed with no mentions in /api/articles.

The tests (tests/test_faults.py, tests/test_concurrency.py) run these same functions, smaller.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 20260601
_PLACES = ["Kyiv", "Odesa", "Kharkiv", "Warsaw", "Geneva", "Ankara", "Cairo", "Amman", "Beirut", "Nairobi",
           "Khartoum", "Tbilisi", "Baku", "Yerevan", "Chisinau", "Vilnius", "Riga", "Helsinki", "Oslo", "Madrid"]


# -- inputs ----------------------------------------------------------------------------

def write_batch(directory: Path, n: int, *, tag: str, seed: int = SEED) -> list[str]:
    """``n`` distinct short news-like articles (text files) from the bundled samples; returns their titles."""
    from geomap.samples import sample_paths

    rng = random.Random(f"{seed}:{tag}")
    paragraphs = [p for path in sample_paths()
                  for p in path.read_text(encoding="utf-8").split("\n\n")[1:] if len(p) > 200]
    directory.mkdir(parents=True, exist_ok=True)
    titles = []
    for i in range(n):
        a, b = rng.sample(_PLACES, 2)
        title = f"Dispatch {tag}-{i}: talks between {a} and {b}"
        day = date(2025, 1 + i % 12, 1 + i % 28).isoformat()
        body = "\n\n".join([*rng.sample(paragraphs, rng.randint(1, 3)),
                            f"Officials in {a} said a delegation from {b} would arrive on Monday ({tag}-{i})."])
        (directory / f"{tag}-{i:04d}.txt").write_text(f"{title}\nDate: {day}\n\n{body}\n", encoding="utf-8")
        titles.append(title)
    return titles


def ingest_command(db: Path, *paths: Path, workers: int = 2) -> list[str]:
    return [sys.executable, "-m", "geomap.cli", "ingest", "--workers", str(workers), "--db", str(db),
            *map(str, paths)]


def cli_env(data_dir: Path | None) -> dict[str, str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "GEOMAP_TILES_URL": ""}
    if data_dir is not None:
        env["GEOMAP_DATA_DIR"] = str(data_dir)
    for name in ("GEOMAP_DB", "GEOMAP_WRITE_TOKEN"):
        env.pop(name, None)
    return env


# -- what a database holds -------------------------------------------------------------

@dataclass
class Health:
    opened: bool  # sqlite opens it and PRAGMA integrity_check says ok
    foreign_key_violations: int
    half_stored: int  # articles missing their geoparse, or with passages/mentions that do not add up
    duplicates: int  # articles stored more than once (same identity or same title)
    articles: int
    titles: set[str] = field(default_factory=set, repr=False)


def store_health(db: Path) -> Health:
    """Open ``db`` the way a user would after a crash and check every article is whole.

    An article is stored whole when it has its passages, numbered 0..n-1 once each, and
    every mention points into a passage of the same article (the store writes the row,
    its passages and its mentions in one transaction; the generated articles all mention
    places, so an article without mentions is half stored too).
    """
    if not db.exists():
        return Health(True, 0, 0, 0, 0)
    conn = sqlite3.connect(db, timeout=30)
    try:
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError:
            return Health(False, 0, 0, 0, 0)
        if "articles" not in tables:  # killed before the schema was created: nothing to lose
            return Health(ok, 0, 0, 0, 0)
        fk = len(conn.execute("PRAGMA foreign_key_check").fetchall())
        half = conn.execute("""
            SELECT count(*) FROM articles a WHERE
                trim(a.text) != '' AND NOT EXISTS (SELECT 1 FROM passages p WHERE p.article_id = a.id)
             OR NOT EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = a.id)
             OR (SELECT count(*) != count(DISTINCT idx) OR min(idx) != 0 OR max(idx) != count(*) - 1
                 FROM passages p WHERE p.article_id = a.id)
             OR EXISTS (SELECT 1 FROM mentions m JOIN passages p ON p.id = m.passage_id
                        WHERE m.article_id = a.id AND p.article_id != a.id)""").fetchone()[0]
        total, identities, titles = conn.execute(
            "SELECT count(*), count(DISTINCT identity), count(DISTINCT title) FROM articles").fetchone()
        stored = {t for (t,) in conn.execute("SELECT title FROM articles")}
        return Health(ok, fk, half, total - min(identities, titles), total, stored)
    finally:
        conn.close()


# -- scenario 1: SIGKILL mid-batch -----------------------------------------------------

@dataclass
class KillFigures:
    kills: int = 0
    killed_while_running: int = 0  # the process was still running when the signal came
    phases: list[str] = field(default_factory=list)  # "startup" (nothing stored by that run) or "mid-write"
    clean_opens: int = 0
    half_stored: int = 0
    duplicates: int = 0
    stored_before_rerun: int = 0
    stored_after_rerun: int = 0
    expected: int = 0
    lost: int = 0
    rerun_exit: int | None = None
    leftover_workers: int = 0  # worker processes still alive 3 s after their parent was killed
    kill_points: list[str] = field(default_factory=list)


def kill_cycle(workdir: Path, data_dir: Path | None, *, articles: int = 200, kills: int = 5,
               seed: int = SEED) -> KillFigures:
    """Kill ``geomap ingest`` ``kills`` times at seeded random points, then re-run it to the end.

    Kill points alternate between a random delay after start (0.05-2.5 s: interpreter,
    gazetteer and worker start-up, or the first writes) and a random number of articles
    (1-30) stored by that run (mid-write, seen by polling the database).
    """
    rng = random.Random(seed)
    batch = workdir / "batch"
    titles = write_batch(batch, articles, tag="k")
    db = workdir / "killed.sqlite"
    env = cli_env(data_dir)
    command = ingest_command(db, batch)
    figures = KillFigures(expected=articles)
    for number in range(kills):
        before = store_health(db).articles
        if number % 2 == 0:
            delay, after_stored = rng.uniform(0.05, 2.5), None
            figures.kill_points.append(f"{delay:.2f}s")
        else:
            delay, after_stored = None, rng.randint(1, 30)
            figures.kill_points.append(f"+{after_stored} stored")
        with open(workdir / "killed.log", "ab") as log:
            # Its own session, so whatever the kill leaves behind can be found and cleaned up.
            proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log, start_new_session=True)
        try:
            if delay is not None:
                time.sleep(delay)
            else:
                _wait_until_stored(db, before + after_stored, proc, timeout=120)
            figures.killed_while_running += proc.poll() is None
            proc.send_signal(signal.SIGKILL)  # the ingest process only, as the OOM killer or `kill -9` would
            proc.wait(timeout=30)
            figures.leftover_workers += _wait_for_group_exit(proc.pid, timeout=3)
        finally:
            _kill_group(proc)
        figures.kills += 1
        health = store_health(db)
        figures.phases.append("startup" if health.articles == before else "mid-write")
        figures.clean_opens += health.opened and health.foreign_key_violations == 0
        figures.half_stored += health.half_stored
        figures.duplicates += health.duplicates
        figures.stored_before_rerun = health.articles
    rerun = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, timeout=600)
    figures.rerun_exit = rerun.returncode
    health = store_health(db)
    figures.half_stored += health.half_stored
    figures.duplicates += health.duplicates
    figures.stored_after_rerun = health.articles
    figures.lost = len(set(titles) - health.titles)
    return figures


def _stored_count(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:  # not created yet
        return 0


def _wait_until_stored(db: Path, count: int, proc: subprocess.Popen, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while _stored_count(db) < count and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)


def _group_members(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                members.append(int(entry.name))
    return members


def _wait_for_group_exit(pgid: int, *, timeout: float) -> int:
    """How many processes of the group outlive their killed parent by ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while (alive := _group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return len(alive)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if proc.poll() is None:
        proc.wait(timeout=30)


# -- scenario 2: serve while two ingests write ----------------------------------------

@dataclass
class ConcurrencyFigures:
    reads: int = 0
    by_path: dict[str, int] = field(default_factory=dict)
    not_ok: int = 0  # responses other than 200
    locked: int = 0  # responses that mention "database is locked"
    inconsistent: int = 0
    count_decreased: int = 0
    problems: list[str] = field(default_factory=list)
    ingest_exits: list[int] = field(default_factory=list)
    ingest_seconds: float = 0.0
    expected: int = 0
    stored: int = 0
    lost: int = 0
    duplicates: int = 0
    half_stored: int = 0


READ_PATHS = ["/api/articles?_size=1000", "/api/places.geojson", "/articles", "/", "/api/mentions.geojson",
              "/export.csv"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``geomap serve`` on 127.0.0.1 over ``db``, in a subprocess (a context manager)."""

    def __init__(self, db: Path, data_dir: Path | None, log: Path):
        self.db, self.env, self.log_path = db, cli_env(data_dir), log
        self.base = f"http://127.0.0.1:{free_port()}"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        port = self.base.rsplit(":", 1)[1]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "geomap.cli", "serve", "--host", "127.0.0.1",
                                          "--port", port, "--db", str(self.db)], cwd=ROOT, env=self.env,
                                         stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"geomap serve exited: {self.log_path.read_text(errors='replace')}")
            try:
                if get(self.base + "/api/articles", timeout=5)[0] == 200:
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError(f"geomap serve did not answer: {self.log_path.read_text(errors='replace')}")
            time.sleep(0.1)

    def __exit__(self, *_exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def get(url: str, *, timeout: float = 60) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", errors="replace")


def check_read(path: str, body: str) -> list[str]:
    """Whatever in one response does not add up (counts against the lists they count)."""
    problems = []
    if path.startswith("/api/places.geojson"):
        for feature in json.loads(body)["features"]:
            p = feature["properties"]
            if p["mention_count"] != len(p["mentions"]):
                problems.append(f"{path}: place {p['place_id']} mention_count {p['mention_count']} "
                                f"!= {len(p['mentions'])} mentions listed")
            if p["article_count"] != len({m["article_id"] for m in p["mentions"]}):
                problems.append(f"{path}: place {p['place_id']} article_count {p['article_count']} "
                                f"!= articles of its mentions")
    elif path.startswith("/api/articles"):
        rows = json.loads(body)["articles"]
        if any(r["mention_count"] < 1 or r["place_count"] < 1 or r["place_count"] > r["mention_count"]
               for r in rows):
            problems.append(f"{path}: an article listed without its mentions")
    return problems


def article_total(base: str) -> int:
    status, body = get(base + "/api/articles?_size=1000")
    if status != 200:
        raise RuntimeError(f"/api/articles answered {status}: {body[:500]}")
    return len(json.loads(body)["articles"])


def concurrency(workdir: Path, data_dir: Path | None, *, per_batch: int = 150, readers: int = 4,
                max_seconds: float = 120, max_reads: int = 100_000) -> ConcurrencyFigures:
    """Serve ``db`` while two ingests write ``per_batch`` articles each; poll it meanwhile."""
    titles = write_batch(workdir / "batch-a", per_batch, tag="a") + write_batch(workdir / "batch-b", per_batch,
                                                                                tag="b")
    db = workdir / "shared.sqlite"
    figures = ConcurrencyFigures(expected=len(titles))
    env = cli_env(data_dir)
    lock = threading.Lock()
    done = threading.Event()

    def note(problem: str) -> None:
        with lock:
            if len(figures.problems) < 20:
                figures.problems.append(problem)

    with Server(db, data_dir, workdir / "server.log") as server:
        def poll(index: int) -> None:
            last_total = 0
            turn = index
            deadline = time.monotonic() + max_seconds
            while not done.is_set() and time.monotonic() < deadline:
                path = READ_PATHS[turn % len(READ_PATHS)]
                turn += 1
                try:
                    status, body = get(server.base + path)
                except OSError as exc:
                    status, body = 0, f"{type(exc).__name__}: {exc}"
                with lock:
                    figures.reads += 1
                    figures.by_path[path] = figures.by_path.get(path, 0) + 1
                    if figures.reads >= max_reads:
                        done.set()
                if "database is locked" in body:
                    with lock:
                        figures.locked += 1
                    note(f"{path}: database is locked")
                if status != 200:
                    with lock:
                        figures.not_ok += 1
                    note(f"{path}: HTTP {status}: {body[:300]}")
                    continue
                problems = check_read(path, body)
                if path.startswith("/api/articles"):
                    total = len(json.loads(body)["articles"])
                    if total < last_total:  # committed articles never disappear
                        problems.append(f"{path}: {total} articles after {last_total}")
                        with lock:
                            figures.count_decreased += 1
                    last_total = total
                if problems:
                    with lock:
                        figures.inconsistent += 1
                    for problem in problems[:3]:
                        note(problem)

        threads = [threading.Thread(target=poll, args=(i,), daemon=True) for i in range(readers)]
        for thread in threads:
            thread.start()
        started = time.monotonic()
        logs = [open(workdir / f"ingest-{tag}.log", "wb") for tag in "ab"]
        ingests = [subprocess.Popen(ingest_command(db, workdir / f"batch-{tag}"), env=env, cwd=ROOT, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
                   for tag, log in zip("ab", logs)]
        try:
            for proc in ingests:
                figures.ingest_exits.append(proc.wait(timeout=max_seconds))
        finally:
            figures.ingest_seconds = time.monotonic() - started
            for proc, log in zip(ingests, logs):
                _kill_group(proc)
                log.close()
            done.set()
            for thread in threads:
                thread.join(timeout=90)
        for tag, code in zip("ab", figures.ingest_exits):
            if code != 0:
                note(f"ingest {tag} exited {code}: "
                     f"{(workdir / f'ingest-{tag}.log').read_text(errors='replace')[-1500:]}")
        figures.stored = article_total(server.base)
    health = store_health(db)
    figures.lost = len(set(titles) - health.titles)
    figures.duplicates = health.duplicates
    figures.half_stored = health.half_stored
    return figures


# -- the report -----------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20, help="SIGKILLs in the kill scenario")
    parser.add_argument("--articles", type=int, default=200, help="articles in the killed batch")
    parser.add_argument("--per-batch", type=int, default=150, help="articles in each concurrent ingest")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    data_dir = Path(os.environ["GEOMAP_DATA_DIR"]) if os.environ.get("GEOMAP_DATA_DIR") else None
    with tempfile.TemporaryDirectory(prefix="geomap-faults-") as tmp:
        kills = kill_cycle(Path(tmp) / "kills", data_dir, articles=args.articles, kills=args.kills, seed=args.seed)
        conc = concurrency(Path(tmp) / "concurrency", data_dir, per_batch=args.per_batch)
    if args.json:
        print(json.dumps({"kills": asdict(kills), "concurrency": asdict(conc)}, indent=2, default=sorted))
        return
    print(f"SIGKILL at {kills.kills} random points ({kills.killed_while_running} while running, "
          f"{kills.phases.count('startup')} in start-up, {kills.phases.count('mid-write')} mid-write): "
          f"{kills.clean_opens}/{kills.kills} databases opened "
          f"clean, {kills.half_stored} half-stored articles, {kills.duplicates} duplicates, "
          f"{kills.leftover_workers} orphaned workers; re-run exit {kills.rerun_exit}: "
          f"{kills.stored_after_rerun}/{kills.expected} stored, {kills.lost} lost")
    reads = ", ".join(f"{path} {n}" for path, n in conc.by_path.items())
    print(f"serve + 2 concurrent ingests ({conc.expected} articles, {conc.ingest_seconds:.1f}s): {conc.reads} reads "
          f"({reads}), {conc.not_ok} non-200, {conc.locked} 'database is locked', {conc.inconsistent} inconsistent, "
          f"{conc.count_decreased} count decreases; ingests exited {conc.ingest_exits}; {conc.stored}/"
          f"{conc.expected} stored, {conc.lost} lost, {conc.duplicates} duplicates, {conc.half_stored} half-stored")
    for problem in conc.problems:
        print(f"  problem: {problem}")


if __name__ == "__main__":
    main()
