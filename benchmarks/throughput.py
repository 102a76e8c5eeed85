"""Throughput and memory of the geoparser on one core, against the bare Aho-Corasick engine.

Builds a deterministic news-like corpus (sentences of the bundled sample articles with
their place names swapped for gazetteer places, plus a few inserted place sentences),
then times, median of ``--runs`` runs in this single process:

  full         Geoparser.geoparse(text) per article (recognition + resolution + passages)
  bare-engine  ``for _ in automaton.iter(padded_folded_text): pass`` over pre-folded text
  bare+fold    the same loop, folding each text inside it (``" " + fold(text) + " "``)
  floor        what any geoparse with this output must do besides its rules: the bare+fold loop,
               splitting passages, and making one Mention per mention (places and alternatives
               reused from a real run). Its ratio is the most this design could reach in Python
               if recognition and resolution cost nothing.

The ratio is full MB/s divided by bare-engine MB/s (folding excluded); target >= 0.40.
MB = 10^6 bytes of UTF-8. Memory targets: peak RSS < 600 MB.

    python benchmarks/throughput.py                       # default gazetteer (built on first use, ~20 s)
    GEOMAP_DATA_DIR=/tmp/gz python benchmarks/throughput.py --mb 5 --runs 3 --json
    python benchmarks/throughput.py --profile             # also cProfile one full run
    python benchmarks/throughput.py --jsonl ../shared/eval/lgl.jsonl   # real news texts instead
"""
from __future__ import annotations

import argparse, cProfile, gc, io, json, pstats, random, resource, sqlite3, statistics, subprocess, sys, time
from pathlib import Path

from gazetteer import Gazetteer, fold
from gazetteer import build as _build
from geomap.model import Mention
from geomap.passages import split_passages
from geomap.pipeline import Geoparser
from geomap.samples import sample_paths

SEED = 20260101
INSERTS = ["Officials in {} said the situation was calm.", "Reports of shelling also came from {}.",
           "Delegations from {} and {} met on Tuesday.", "Aid convoys reached {} after a two-day delay.",
           "Prices rose sharply in {}, traders said.", "The talks are expected to resume in {} next month."]


def vm_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def name_pool(db_path: Path, rng: random.Random) -> dict[str, list[str]]:
    """A fixed seeded sample of country, admin-1 and city (population >= 15000) names."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT name, kind FROM places WHERE kind IN ('country', 'admin1') "
                            "OR (kind = 'city' AND population >= 15000) ORDER BY id").fetchall()
    finally:
        conn.close()
    by_kind: dict[str, list[str]] = {}
    for name, kind in rows:
        by_kind.setdefault(kind, []).append(name)
    sizes = {"country": 250, "admin1": 600, "city": 2500}
    return {k: rng.sample(v, min(sizes[k], len(v))) for k, v in sorted(by_kind.items())}


def sample_templates(geoparser: Geoparser) -> tuple[list[list], list[list]]:
    """Titles and sentences of the sample articles as literal pieces, with a slot
    (a 1-tuple holding the original surface) where each mention was."""
    titles, sentences = [], []
    for path in sample_paths():
        text = path.read_text(encoding="utf-8")
        mentions = geoparser.geoparse(text)
        for p in split_passages(text):
            if text[p.start:p.end].startswith(("Date:", "Source:")):
                continue
            pieces, pos = [], p.start
            for m in (m for m in mentions if p.start <= m.start and m.end <= p.end):
                pieces += [text[pos:m.start], (m.text,)]
                pos = m.end
            pieces.append(text[pos:p.end])
            (titles if p.start == 0 else sentences).append(pieces)
    return titles, sentences


def make_corpus(geoparser: Geoparser, db_path: Path, mb: float) -> list[str]:
    rng = random.Random(SEED)
    pool = name_pool(db_path, rng)
    kinds, weights = ["country", "admin1", "city"], [0.35, 0.2, 0.45]
    pick = lambda: rng.choice(pool[rng.choices(kinds, weights)[0]])
    titles, sentences = sample_templates(geoparser)
    fill = lambda pieces: "".join(x if isinstance(x, str) else (pick() if rng.random() < 0.7 else x[0]) for x in pieces)
    articles, total, target = [], 0, int(mb * 1_000_000)
    while total < target:
        size = rng.randint(2000, 4000)
        parts = [fill(rng.choice(titles)), f"Date: 2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", ""]
        para: list[str] = []
        while sum(map(len, parts)) + sum(map(len, para)) < size:
            para.append(rng.choice(INSERTS).format(pick(), pick()) if rng.random() < 0.15 else fill(rng.choice(sentences)))
            if len(para) >= rng.randint(3, 5):
                parts.append(" ".join(para) + "\n")
                para = []
        parts.append(" ".join(para))
        articles.append("\n".join(parts).strip() + "\n")
        total += len(articles[-1].encode("utf-8"))
    return articles


def timed(fn, texts: list[str], runs: int) -> dict:
    """Median-of-runs seconds for ``fn`` over all texts, plus per-text latencies of the median run."""
    results = []
    for _ in range(runs):
        lat = []
        started = time.perf_counter()
        for t in texts:
            t0 = time.perf_counter()
            fn(t)
            lat.append(time.perf_counter() - t0)
        results.append((time.perf_counter() - started, lat))
    ordered = sorted(results, key=lambda r: r[0])
    seconds, lat = ordered[len(ordered) // 2]
    return {"seconds": seconds, "runs_s": [round(r[0], 4) for r in results],
            "article_median_ms": statistics.median(lat) * 1000, "article_p95_ms": sorted(lat)[int(0.95 * len(lat))] * 1000}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=None, help="gazetteer dir (default: GEOMAP_DATA_DIR or the default)")
    ap.add_argument("--mb", type=float, default=5.0, help="corpus size in MB (default 5)")
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is reported (default 3)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    ap.add_argument("--profile", action="store_true", help="cProfile one full geoparse run, print the top 15")
    ap.add_argument("--jsonl", type=Path, action="append", default=[], metavar="FILE",
                    help="measure over the texts of this JSON Lines file (repeatable) instead of a generated corpus")
    args = ap.parse_args()
    data_dir = args.data_dir or _build.default_data_dir()
    # Build if needed in a child process, so a build does not count in this process's memory.
    subprocess.run([sys.executable, "-c", "import sys; from gazetteer import Gazetteer; Gazetteer.open(sys.argv[1])",
                    str(data_dir)], check=True)

    opens, loads, rss_loaded, gaz = [], [], None, None
    for _ in range(args.runs):  # fresh opens; the previous one is freed first so only one automaton is alive
        if gaz is not None:
            gaz.close()
            gaz = None
            gc.collect()
        t0 = time.perf_counter()
        gaz = Gazetteer.open(data_dir, build_if_missing=False)
        t1 = time.perf_counter()
        automaton = gaz.automaton
        loads.append(time.perf_counter() - t1)
        opens.append(t1 - t0)
        del automaton
        if rss_loaded is None:
            rss_loaded = vm_rss_mb()
    t0 = time.perf_counter()
    geoparser = Geoparser(gaz)
    init_s = time.perf_counter() - t0
    rss_init = vm_rss_mb()

    if args.jsonl:
        texts = [json.loads(line)["text"] for path in args.jsonl
                 for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    else:
        texts = make_corpus(geoparser, gaz.path, args.mb)

    def start_cold() -> None:  # forget every name looked up and resolved so far
        gaz.entries.cache_clear()
        geoparser.resolver.clear_cache()

    start_cold()  # corpus building geoparsed the samples
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    automaton = gaz.automaton
    folded = {t: " " + fold(t) + " " for t in texts}

    def engine(t: str) -> None:
        for _ in automaton.iter(folded[t]):
            pass

    def engine_fold(t: str) -> None:
        for _ in automaton.iter(" " + fold(t) + " "):
            pass

    found = {t: geoparser.geoparse(t) for t in texts}

    def floor(t: str) -> None:
        engine_fold(t)
        split_passages(t)
        [Mention(m.start, m.end, m.text, m.place, m.score, m.precision, m.alternatives, m.passage, m.evidence)
         for m in found[t]]

    mentions = sum(len(found[t]) for t in texts[:200])
    start_cold()
    res = {"full": timed(geoparser.geoparse, texts, args.runs), "bare_engine": timed(engine, texts, args.runs),
           "bare_with_fold": timed(engine_fold, texts, args.runs), "floor": timed(floor, texts, args.runs)}
    for r in res.values():
        r["mb_per_s"] = nbytes / 1e6 / r["seconds"]
    ratio = res["full"]["mb_per_s"] / res["bare_engine"]["mb_per_s"]
    out = {
        "data_dir": str(data_dir), "source": ", ".join(map(str, args.jsonl)) or "generated", "articles": len(texts), "corpus_mb": nbytes / 1e6,
        "mean_article_bytes": nbytes / len(texts), "mentions_per_article_first200": mentions / min(200, len(texts)),
        "runs": args.runs, **res, "ratio_full_over_bare_engine": ratio, "ratio_target": 0.40,
        "ratio_full_over_bare_with_fold": res["full"]["mb_per_s"] / res["bare_with_fold"]["mb_per_s"],
        "ratio_floor_over_bare_engine": res["floor"]["mb_per_s"] / res["bare_engine"]["mb_per_s"],
        "gazetteer_open_s": statistics.median(opens), "automaton_load_s": statistics.median(loads),
        "geoparser_init_s": init_s, "rss_after_load_mb": rss_loaded, "rss_after_geoparser_init_mb": rss_init,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "rss_target_mb": 600,
    }
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"corpus ({out['source']}): {len(texts)} articles, {out['corpus_mb']:.2f} MB, {out['mean_article_bytes']:.0f} B/article, "
              f"~{out['mentions_per_article_first200']:.1f} mentions/article; median of {args.runs} runs, one core")
        print(f"{'':<26}{'MB/s':>8}{'total s':>9}{'ms/article (median, p95)':>27}")
        for key, label in [("full", "full geoparse"), ("bare_engine", "bare engine (pre-folded)"),
                           ("bare_with_fold", "bare engine + fold"), ("floor", "floor (no rules)")]:
            r = res[key]
            print(f"{label:<26}{r['mb_per_s']:>8.2f}{r['seconds']:>9.2f}"
                  f"{r['article_median_ms']:>17.3f}, {r['article_p95_ms']:.3f}")
        print(f"full geoparse runs (s): {res['full']['runs_s']}  (first run has a cold lookup cache)")
        print(f"ratio full / bare engine (pre-folded, fold excluded): {ratio:.3f}  target >= 0.40  "
              f"{'OK' if ratio >= 0.40 else 'BELOW TARGET'}   (vs bare+fold: {out['ratio_full_over_bare_with_fold']:.3f})")
        print(f"ratio floor / bare engine: {out['ratio_floor_over_bare_engine']:.3f}  (the most this design reaches in Python "
              f"with recognition and resolution free)")
        print(f"gazetteer open {out['gazetteer_open_s'] * 1000:.1f} ms, automaton load {out['automaton_load_s']:.2f} s "
              f"(median of {args.runs}), Geoparser init {init_s:.2f} s")
        print(f"RSS after gazetteer + automaton load {rss_loaded:.0f} MB, after Geoparser init {rss_init:.0f} MB, "
              f"peak {out['peak_rss_mb']:.0f} MB  target < 600 MB  {'OK' if out['peak_rss_mb'] < 600 else 'ABOVE TARGET'}")
    if args.profile:
        start_cold()
        prof = cProfile.Profile()
        prof.runcall(lambda: [geoparser.geoparse(t) for t in texts])
        for sort in ("cumulative", "tottime"):
            buf = io.StringIO()
            pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(sort).print_stats(15)
            print(buf.getvalue(), file=sys.stderr if args.json else sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
