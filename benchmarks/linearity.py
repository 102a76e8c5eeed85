"""Does geoparse stay linear in the size of its input? Times growing inputs of several
shapes and prints seconds, MB/s and the fitted log-log slope per shape (1.0 = linear,
2.0 = quadratic). MB = 10^6 characters.

Shapes: ``news`` (the bundled sample articles repeated), and adversarial ones:
``one-line`` (names with no line break and no sentence end), ``repeated-names`` (one
name over and over), ``all-caps`` (a shouted headline without end), ``no-punctuation``
(lower-case prose with a few names, no full stop, no newline), ``caps-datelines`` (one line
of capitalised names, each run closed by a colon as a headline's dateline is).

    GEOMAP_DATA_DIR=/tmp/gz python benchmarks/linearity.py
    GEOMAP_DATA_DIR=/tmp/gz python benchmarks/linearity.py --sizes 0.25 0.5 1 2 --shapes one-line all-caps
"""
from __future__ import annotations

import argparse
import math
import time

from geomap.pipeline import default_geoparser
from geomap.samples import sample_paths


def shapes() -> dict[str, str]:
    news = "\n\n".join(p.read_text(encoding="utf-8") for p in sample_paths())
    return {
        "news": news + "\n\n",
        "one-line": "Kyiv and Odesa and Kharkiv near Donetsk, Bakhmut and Gaza ",
        "repeated-names": "Kyiv ",
        "all-caps": "KYIV ODESA UKRAINE RUSSIA WAR GAZA SUDAN ",
        "no-punctuation": "the convoy moved on from Kyiv along the road while people waited ",
        "caps-datelines": "KYIV, KHARKIV AND ODESA, LVIV AND DNIPRO: ",
    }


def grow(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of log(seconds) against log(size)."""
    xs = [math.log(s) for s, _ in points]
    ys = [math.log(max(t, 1e-9)) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.25, 0.5, 1, 2, 4, 8], help="sizes in MB")
    parser.add_argument("--shapes", nargs="+", default=list(shapes()), choices=list(shapes()))
    parser.add_argument("--runs", type=int, default=1, help="best of N runs per size")
    args = parser.parse_args()

    geoparser = default_geoparser()
    geoparser.geoparse("Kyiv")  # open the gazetteer before timing
    units = shapes()
    print(f"{'shape':<16} {'MB':>6} {'seconds':>9} {'MB/s':>7} {'mentions':>9}")
    for name in args.shapes:
        points = []
        for mb in args.sizes:
            text = grow(units[name], int(mb * 1_000_000))
            best, found = float("inf"), 0
            for _ in range(args.runs):
                started = time.perf_counter()
                found = len(geoparser.geoparse(text))
                best = min(best, time.perf_counter() - started)
            points.append((len(text), best))
            print(f"{name:<16} {mb:>6g} {best:>9.2f} {mb / best:>7.2f} {found:>9}", flush=True)
        print(f"{name:<16} slope (log-log) = {slope(points):.2f}\n", flush=True)


if __name__ == "__main__":
    main()
