"""Accuracy of the geoparse contract on the gold corpora, scored by ../shared/eval/score.py.

Runs `geomap geoparse --jsonl` exactly as an outside evaluation would, then the
scorer. Skips (exit 0 with a message) where ../shared is absent.

    python benchmarks/accuracy.py              # every corpus
    python benchmarks/accuracy.py seed lgl     # some of them
    python benchmarks/accuracy.py --half odd   # every other document (even: 0, 2, 4...; odd: 1, 3, 5...)

A rule written from the errors on one half is kept only where the other half gains too.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
CORPORA = {"seed": [], "lgl": [], "geovirus": [], "wiktor": ["--resolution-only"]}


def run(name: str, workdir: Path, half: str | None = None) -> dict:
    gold = EVAL / f"{name}.jsonl"
    if half is not None:
        gold = _half(gold, half, workdir)
    pred = workdir / f"{name}.pred.jsonl"
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "geomap.cli", "geoparse", "--jsonl", str(gold), "-o", str(pred)],
                   check=True, cwd=ROOT)
    seconds = time.monotonic() - started
    out = subprocess.run([sys.executable, str(EVAL / "score.py"), str(gold), str(pred), *CORPORA[name], "--json"],
                         check=True, capture_output=True, text=True)
    result = json.loads(out.stdout)
    result["seconds"] = seconds
    return result


def _half(gold: Path, half: str, workdir: Path) -> Path:
    """The even- or odd-numbered documents of ``gold``, as a gold file of their own."""
    first = {"even": 0, "odd": 1}[half]
    with gold.open(encoding="utf-8") as f:
        lines = [line for line in f if line.strip()][first::2]
    path = workdir / f"{gold.stem}.{half}.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpora", nargs="*", metavar="CORPUS",
                    help=f"which gold corpora to score: {', '.join(CORPORA)} (default: all)")
    ap.add_argument("--half", choices=("even", "odd"),
                    help="only every other document (even: 0, 2, 4...; odd: 1, 3, 5...)")
    args = ap.parse_args(argv)
    unknown = [name for name in args.corpora if name not in CORPORA]
    if unknown:  # checked here: argparse 3.11 rejects an empty "*" list against choices
        ap.error(f"unknown corpus {', '.join(unknown)} (choose from {', '.join(CORPORA)})")
    if not (EVAL / "score.py").exists():
        print(f"skipped: {EVAL} is absent (the gold corpora live in ../shared/eval)")
        return 0
    half, names = args.half, args.corpora or list(CORPORA)
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            r = run(name, Path(tmp), half)
            rec, res = r.get("recognition"), r["resolution"]
            line = f"{name:<9}"
            if rec:
                line += f" P {rec['precision']:.3f} R {rec['recall']:.3f} F1 {rec['f1']:.3f}"
            line += (f"  acc@161 {res['acc161']:.3f} (resolved {res['resolved']}/{res['gold_with_coords']})"
                     f"  e2e {r['end_to_end_acc161']:.3f}  median {res['median_km'] or 0:.0f} km  {r['seconds']:.1f}s")
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
