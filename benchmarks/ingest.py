"""Ingest and export throughput and memory: ``geomap.services.ingest`` and the GeoJSON export.

1. Generates ``--articles`` news-like articles (default 10,000 of ~3.5 KB, ~35 MB), deterministically:
   the bundled sample articles' sentences with their place names swapped for gazetteer places
   (countries, regions, towns >= 15,000 people), written as one JSON Lines file in a temp dir.
2. For each ``--workers`` count (default 1,2), in a fresh process (so each peak is its own), reads the
   file with ``geomap.readers.iter_articles`` and times ``geomap.services.ingest`` into a fresh SQLite
   DB: articles/s, MB/s (UTF-8 bytes of article text) and peak RSS (this process's high-water mark
   plus the largest worker's, from ``getrusage(RUSAGE_CHILDREN)``). The time includes loading the
   gazetteer in each worker and committing one transaction per article.
3. Exports >= ``--export-mentions`` mentions (default 100,000) to a GeoJSON file with
   ``geomap.export.iter_geojson`` in a fresh process, and prints the time and that process's peak RSS.
   When the ingest stored fewer mentions, the export DB is a copy topped up with duplicated articles
   (new identities, same passages and mentions). The file is then checked: valid JSON, one feature per
   place, mention counts summing to the number of mentions.

Targets (issue 3, this 2-core machine): 10,000 articles in < 120 s with 2 workers (>= 83.3 articles/s);
export of 100,000 mentions in < 5 s with peak RSS < 300 MB.

    python benchmarks/ingest.py                          # 10,000 articles, workers 1 and 2
    python benchmarks/ingest.py --articles 2000 --workers 2 --json
    GEOMAP_DATA_DIR=/tmp/gz python benchmarks/ingest.py --data-dir /tmp/gz
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from throughput import name_pool, sample_templates  # the same seeded sample of gazetteer names (benchmarks/ is on sys.path)

SEED = 20260103
TARGET_INGEST_ARTICLES, TARGET_INGEST_SECONDS = 10_000, 120.0
TARGET_EXPORT_SECONDS, TARGET_EXPORT_MB = 5.0, 300.0
INSERTS = ["Officials in {} said the situation was calm.", "Reports of shelling also came from {}.",
           "Delegations from {} and {} met on Tuesday.", "Aid convoys reached {} after a two-day delay.",
           "Prices rose sharply in {}, traders said.", "The talks are expected to resume in {} next month."]
SOURCES = ["Bench Wire", "Fixture Monitor", "Daily Example", "Harbour Herald"]


def peak_mb() -> tuple[float, float]:
    """(this process's peak RSS, the largest waited-for child's peak RSS), in MB.

    This process's own figure is VmHWM, which starts afresh at exec: Linux carries
    ``ru_maxrss`` (RUSAGE_SELF) over from the parent that spawned us, so it would report
    the launcher's size. The workers' figure is ``getrusage(RUSAGE_CHILDREN).ru_maxrss``:
    the largest worker's peak, counting what it shares with this process since the fork.
    """
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                own = int(line.split()[1]) / 1024
                break
    except OSError:
        pass
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


# -- the corpus -----------------------------------------------------------------------

def templates(data_dir: Path) -> tuple[list[list], list[list]]:
    """Titles and sentences of the sample articles, as literal pieces and (surface,) slots."""
    from gazetteer import Gazetteer
    from geomap.pipeline import Geoparser

    gazetteer = Gazetteer.open(data_dir)
    try:
        return sample_templates(Geoparser(gazetteer))
    finally:
        gazetteer.close()


def _two_years(rng: random.Random, i: int) -> date:
    return date(2025 + i % 2, 1 + rng.randrange(12), 1 + rng.randrange(28))


def write_corpus(path: Path, n: int, data_dir: Path, *, seed: int = SEED, chars: tuple[int, int] = (3000, 4000),
                 dated_share: float = 0.95, pick_date=_two_years, url_base: str = "https://bench.example.org/news/",
                 ref: str = "{:05d}") -> dict:
    """Write ``n`` articles of ``chars`` characters as JSON Lines (``dated_share`` of them dated
    by ``pick_date(rng, i)``); return their count and text bytes. benchmarks/scale.py uses it too."""
    rng = random.Random(seed)
    pool = name_pool(data_dir / "gazetteer.sqlite", rng)
    titles, sentences = templates(data_dir)
    kinds, weights = ["country", "admin1", "city"], [0.35, 0.2, 0.45]

    def pick() -> str:
        return rng.choice(pool[rng.choices(kinds, weights)[0]])

    def fill(pieces) -> str:
        return "".join(x if isinstance(x, str) else (pick() if rng.random() < 0.7 else x[0]) for x in pieces)

    text_bytes = 0
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            size = rng.randint(*chars)
            paragraphs, para, length = [], [], 0
            while length < size:
                sentence = (rng.choice(INSERTS).format(pick(), pick()) if rng.random() < 0.15
                            else fill(rng.choice(sentences)))
                para.append(sentence)
                length += len(sentence) + 1
                if len(para) >= rng.randint(3, 5):
                    paragraphs.append(" ".join(para))
                    para = []
            if para:
                paragraphs.append(" ".join(para))
            paragraphs.append(f"(Ref. {ref.format(i)})")  # every article distinct, even without a URL
            text = "\n\n".join(paragraphs)
            record = {"id": i, "title": fill(rng.choice(titles)), "text": text,
                      "source": rng.choice(SOURCES)}
            if rng.random() < dated_share:  # a few undated
                record["date"] = pick_date(rng, i).isoformat()
            if i % 2 == 0:  # half identified by URL, half by their text
                record["url"] = f"{url_base}{i}"
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            text_bytes += len(text.encode("utf-8"))
    return {"articles": n, "text_bytes": text_bytes, "file_bytes": path.stat().st_size}


# -- the measured children ------------------------------------------------------------

def child_ingest(args) -> dict:
    from geomap.readers import iter_articles
    from geomap.services import ingest
    from geomap.store import connect

    engine = connect(f"sqlite:///{args.db}")
    started = time.perf_counter()
    summary = ingest(engine, iter_articles([str(args.jsonl)]), workers=args.child_workers, data_dir=args.data_dir)
    seconds = time.perf_counter() - started
    own, workers = peak_mb()
    with engine.connect() as conn:
        from geomap.query import counts
        stored = dict(counts(conn))
    return {"seconds": seconds, "added": summary.added, "failed": summary.failed, "mentions": stored["mentions"],
            "places": stored["places"], "articles_stored": stored["articles"],
            "peak_rss_mb": own, "worker_peak_rss_mb": workers}


def child_export(args) -> dict:
    from geomap.export import iter_geojson
    from geomap.query import Filters
    from geomap.store import connect

    engine = connect(f"sqlite:///{args.db}")
    started = time.perf_counter()
    chunks = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for chunk in iter_geojson(engine, Filters()):
            out.write(chunk)
            chunks += 1
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "chunks": chunks, "bytes": os.path.getsize(args.out), "peak_rss_mb": peak_mb()[0]}


def run_child(mode: str, data_dir: Path, **options) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--data-dir", str(data_dir)]
    for key, value in options.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    env = {**os.environ, "GEOMAP_DATA_DIR": str(data_dir)}
    proc = subprocess.run(command, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"{mode} child failed ({proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- the export DB ----------------------------------------------------------------------

def mention_cutoffs(conn: sqlite3.Connection, purpose: str):
    """The stored mentions, and ``cutoff(need)``: the article id by which ``need`` of them are
    reached, counting in article order (what trimming or topping up a store needs)."""
    per_article = conn.execute("SELECT article_id, count(*) FROM mentions GROUP BY article_id "
                               "ORDER BY article_id").fetchall()
    base = sum(n for _, n in per_article)
    if base == 0:
        raise SystemExit(f"the ingest stored no mentions: nothing to {purpose}")

    def cutoff(need: int) -> int:
        running = 0
        for article_id, n in per_article:
            running += n
            if running >= need:
                return article_id
        return per_article[-1][0]

    return base, cutoff


def fit_mentions(db: Path, target: int) -> int:
    """Make ``db`` hold just over ``target`` mentions: keep only its first articles when it has more,
    add copies of its first articles (new ids and identities, same passages and mentions) when fewer."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA foreign_keys=OFF")
        base, cutoff = mention_cutoffs(conn, "export")

        if base > target:
            last = cutoff(target)
            for table, column in (("mentions", "article_id"), ("passages", "article_id"), ("articles", "id")):
                conn.execute(f"DELETE FROM {table} WHERE {column} > ?", (last,))
        amax, pmax, mmax = (conn.execute(f"SELECT max(id) FROM {t}").fetchone()[0] or 0
                            for t in ("articles", "passages", "mentions"))
        columns = {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in
                   ("articles", "passages", "mentions")}
        copies, total = 0, min(base, target) if base > target else base
        while total < target:
            copies += 1
            last = cutoff(target - total)
            for table, key, moved in (("articles", "id", {"id": amax}),
                                      ("passages", "article_id", {"id": pmax, "article_id": amax}),
                                      ("mentions", "article_id", {"id": mmax, "article_id": amax,
                                                                  "passage_id": pmax})):
                select = []
                for column in columns[table]:
                    quoted = f'"{column}"'
                    if column in moved:
                        select.append(f"{quoted} + {moved[column] * copies}")
                    elif table == "articles" and column == "identity":
                        select.append(f"{quoted} || '#copy{amax}.{copies}'")
                    else:
                        select.append(quoted)
                names = ", ".join(f'"{c}"' for c in columns[table])
                conn.execute(f"INSERT INTO {table} ({names}) SELECT {', '.join(select)} FROM {table} "
                             f"WHERE {key} <= ? AND id <= ?", (last, {"articles": amax, "passages": pmax,
                                                                       "mentions": mmax}[table]))
            total = conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
        conn.commit()
        conn.execute("VACUUM")
        count = conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
    finally:
        conn.close()
    rebuild_place_stats(db)
    return count


def rebuild_place_stats(db: Path) -> None:
    """Recount the per-place totals the map and place exports read: raw SQL such as the
    above bypasses geomap, which keeps them exact only for the writes it makes."""
    from geomap.place_stats import rebuild
    from geomap.store import connect, writing

    engine = connect(f"sqlite:///{db}")
    with writing(engine) as conn:
        rebuild(conn)
    engine.dispose()


def check_geojson(path: Path, db: Path) -> dict:
    """Whether the export is valid JSON with one feature per place and every mention counted."""
    conn = sqlite3.connect(db)
    try:
        mentions, places = conn.execute("SELECT count(*), count(DISTINCT place_id) FROM mentions").fetchone()
    finally:
        conn.close()
    try:
        with path.open(encoding="utf-8") as handle:
            collection = json.load(handle)
    except json.JSONDecodeError as exc:
        return {"valid": False, "error": f"invalid JSON: {exc.msg} at char {exc.pos}"}
    features = collection.get("features", [])
    counted = sum(f["properties"]["mention_count"] for f in features)
    listed = sum(len(f["properties"]["mentions"]) for f in features)
    ok = len(features) == places and counted == listed == mentions
    return {"valid": ok, "features": len(features), "places": places, "mentions": mentions,
            "mention_count_sum": counted, "mentions_listed": listed}


# -- main -------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000, help="articles to generate (default 10,000)")
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts to time (default 1,2)")
    ap.add_argument("--export-mentions", type=int, default=100_000,
                    help="mentions to export at least (default 100,000)")
    ap.add_argument("--data-dir", type=Path, default=None,
                    help="gazetteer directory (default: GEOMAP_DATA_DIR, else the per-user data dir)")
    ap.add_argument("--workdir", type=Path, default=None, help="keep the corpus, DBs and export here")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    # Internal: the measured children.
    ap.add_argument("--child", choices=["generate", "ingest", "export"], help=argparse.SUPPRESS)
    ap.add_argument("--count", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--jsonl", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--child-workers", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        if args.child == "generate":
            result = write_corpus(args.out, args.count, args.data_dir)
        else:
            result = child_ingest(args) if args.child == "ingest" else child_export(args)
        print(json.dumps(result))
        return 0

    from gazetteer import default_data_dir

    data_dir = (args.data_dir or (Path(os.environ["GEOMAP_DATA_DIR"]) if os.environ.get("GEOMAP_DATA_DIR")
                                  else default_data_dir())).resolve()
    workers = [int(w) for w in args.workers.split(",") if w.strip()]
    # Build the gazetteer (if needed) in a child, so no build counts in any measurement.
    subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from gazetteer import Gazetteer; "
                    "Gazetteer.open(Path(sys.argv[1])).close()", str(data_dir)], check=True)

    temp = None
    if args.workdir:
        work = args.workdir
        work.mkdir(parents=True, exist_ok=True)
    else:
        temp = tempfile.TemporaryDirectory(prefix="geomap-bench-")
        work = Path(temp.name)
    log = (lambda *a: None) if args.json else (lambda *a: print(*a, flush=True))
    try:
        report: dict = {"data_dir": str(data_dir), "cpus": os.cpu_count()}
        corpus = work / "articles.jsonl"
        log(f"generating {args.articles:,} articles in {corpus} ...")
        started = time.perf_counter()
        # In a child too: this process stays small, so nothing it spawns inherits a large footprint.
        report["corpus"] = run_child("generate", data_dir, out=corpus, count=args.articles)
        report["corpus"]["seconds"] = round(time.perf_counter() - started, 2)
        mb = report["corpus"]["text_bytes"] / 1e6
        log(f"  {args.articles:,} articles, {mb:.1f} MB of text ({report['corpus']['file_bytes'] / 1e6:.1f} MB "
            f"JSONL), {report['corpus']['seconds']:.1f}s to generate")

        target_rate = TARGET_INGEST_ARTICLES / TARGET_INGEST_SECONDS
        report["ingest"] = []
        last_db = None
        for count in workers:
            db = work / f"ingest-w{count}.sqlite"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            log(f"ingest with {count} worker(s) ...")
            r = run_child("ingest", data_dir, jsonl=corpus, db=db, child_workers=count)
            r.update(workers=count, articles_per_s=args.articles / r["seconds"], mb_per_s=mb / r["seconds"],
                     peak_rss_total_mb=r["peak_rss_mb"] + (r["worker_peak_rss_mb"] if count > 1 else 0) * count,
                     projected_10k_s=TARGET_INGEST_ARTICLES / (args.articles / r["seconds"]))
            if count == 2:
                r["target"] = f"10,000 articles < {TARGET_INGEST_SECONDS:.0f} s (>= {target_rate:.1f} articles/s)"
                r["meets_target"] = r["projected_10k_s"] < TARGET_INGEST_SECONDS
            report["ingest"].append(r)
            last_db = db
            worker_note = (f" + {count} x {r['worker_peak_rss_mb']:.0f} MB workers (largest) = "
                           f"{r['peak_rss_total_mb']:.0f} MB" if count > 1 else "")
            log(f"  {r['seconds']:.1f}s: {r['articles_per_s']:.1f} articles/s, {r['mb_per_s']:.2f} MB/s; "
                f"{r['added']:,} added, {r['failed']} failed; {r['mentions']:,} mentions of {r['places']:,} places; "
                f"peak RSS {r['peak_rss_mb']:.0f} MB{worker_note}")
            log(f"  projected for 10,000 articles: {r['projected_10k_s']:.0f}s"
                + (f"   target < {TARGET_INGEST_SECONDS:.0f}s with 2 workers: "
                   f"{'MET' if r['meets_target'] else 'NOT MET'}" if count == 2 else ""))

        if last_db is not None and args.export_mentions > 0:
            export_db = work / "export.sqlite"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{export_db}{suffix}").unlink(missing_ok=True)
            conn = sqlite3.connect(last_db)  # checkpoint the WAL so the copy is complete
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()
            shutil.copyfile(last_db, export_db)
            stored = sqlite3.connect(export_db).execute("SELECT count(*) FROM mentions").fetchone()[0]
            mentions = fit_mentions(export_db, args.export_mentions)
            topped = mentions > stored
            out = work / "export.geojson"
            how = ("topped up with copies of its articles" if topped else "the first articles' mentions")
            log(f"export of {mentions:,} mentions to GeoJSON (ingest stored {stored:,}; {how}) ...")
            e = run_child("export", data_dir, db=export_db, out=out)
            e.update(mentions=mentions, topped_up=topped, mb_written=e["bytes"] / 1e6,
                     target=f"< {TARGET_EXPORT_SECONDS:.0f} s, peak RSS < {TARGET_EXPORT_MB:.0f} MB",
                     meets_target=e["seconds"] < TARGET_EXPORT_SECONDS and e["peak_rss_mb"] < TARGET_EXPORT_MB)
            e["check"] = check_geojson(out, export_db)
            report["export"] = e
            log(f"  {e['seconds']:.2f}s, peak RSS {e['peak_rss_mb']:.0f} MB, {e['mb_written']:.1f} MB written in "
                f"{e['chunks']:,} chunks   target < {TARGET_EXPORT_SECONDS:.0f}s and < {TARGET_EXPORT_MB:.0f} MB: "
                f"{'MET' if e['meets_target'] else 'NOT MET'}")
            check = e["check"]
            if check["valid"]:
                log(f"  output checked: {check['features']:,} features (one per place), "
                    f"{check['mentions_listed']:,} mentions listed")
            else:
                log(f"  output check FAILED: {check}")
        if args.json:
            print(json.dumps(report, indent=2))
        return 0
    finally:
        if temp is not None:
            temp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
