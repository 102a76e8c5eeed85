"""Accuracy of the geoparse contract on the gold corpora, scored by ../shared/eval/score.py.

Runs `geomap geoparse --jsonl` exactly as an outside evaluation would, then the
scorer. Skips (exit 0 with a message) where ../shared is absent.

    python benchmarks/accuracy.py              # every corpus
    python benchmarks/accuracy.py seed lgl     # some of them
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
CORPORA = {"seed": [], "lgl": [], "geovirus": [], "wiktor": ["--resolution-only"]}


def run(name: str, workdir: Path) -> dict:
    gold = EVAL / f"{name}.jsonl"
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


def main(argv: list[str]) -> int:
    if not (EVAL / "score.py").exists():
        print(f"skipped: {EVAL} is absent (the gold corpora live in ../shared/eval)")
        return 0
    names = argv or list(CORPORA)
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            r = run(name, Path(tmp))
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
