"""Learning from corrections, measured: corrections made on one half of a corpus, scored on the other.

For each gold corpus in ../shared/eval (LGL, GeoVirus, WikToR with --resolution-only), and for
each of ``--splits`` deterministic splits of its documents into halves, in both directions
(corrections from A scored on B, and from B scored on A):

1. Split the documents into halves by the SHA-1 of their id (split 0) or of "<split>:<id>".
2. Geoparse the training half with the default geoparser and store it in a temporary SQLite
   database through ``geomap.services.ingest`` (as ``geomap ingest`` does).
3. Simulate an analyst correcting it from the gold: for each gold toponym with coordinates whose
   exactly-matching predicted mention lies >= 161 km from the gold point, if one of the gazetteer's
   candidates for that surface (``gazetteer.candidates(surface)``) lies within 161 km of the gold
   point, correct that mention to the nearest such candidate with ``geomap.corrections.correct``
   (mention scope: one vote per mention). Mentions the analyst could not fix from the gazetteer
   are left alone.
4. Learn the preferences with ``geomap.corrections.learned_preferences`` (per surface form, every
   place the corrections chose, with its votes) -- the same code ``geomap ingest`` and ``reprocess`` use.
5. Geoparse the held-out half twice -- the default geoparser, and
   ``Geoparser(gazetteer, preferences=learned)`` -- and score both with ../shared/eval/score.py.
   Nothing is tuned to the corpus: this only measures.

Skips (exit 0 with a message) where ../shared/eval is absent.

    python benchmarks/corrections.py                    # lgl, geovirus, wiktor; 3 splits x 2 directions
    python benchmarks/corrections.py lgl geovirus --splits 1
    python benchmarks/corrections.py --json
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import math
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
CORPORA = {"lgl": ("LGL", False), "geovirus": ("GeoVirus", False), "wiktor": ("WikToR", True)}
KM = 161.0
_EARTH_KM = 6371.0088


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def _scorer():
    spec = importlib.util.spec_from_file_location("geomap_eval_score", EVAL / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.score


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def split(docs: list[dict], seed: int = 0) -> tuple[list[dict], list[dict]]:
    """Halves A and B by the SHA-1 of each document's id (salted by ``seed`` after the first):
    stable across runs and machines."""
    a, b = [], []
    for doc in docs:
        salted = str(doc["id"]) if seed == 0 else f"{seed}:{doc['id']}"
        (a if hashlib.sha1(salted.encode("utf-8")).digest()[0] % 2 == 0 else b).append(doc)
    return a, b


def _predict(parser, docs: list[dict]) -> list[dict]:
    return [{"id": d["id"], "mentions": [m.to_json() for m in parser.geoparse(d["text"])]} for d in docs]


def simulate_analyst(engine, gazetteer, parser, docs: list[dict]) -> dict:
    """Ingest ``docs`` with ``parser``, then correct them from the gold through the correction service."""
    from sqlalchemy import select

    from geomap.corrections import correct
    from geomap.model import Article
    from geomap.services import ingest
    from geomap.store import mentions, places

    summary = ingest(engine, [Article(title=str(d["id"]), text=d["text"], external_id=str(d["id"]),
                                      origin=f"gold:{d['id']}") for d in docs], parser=parser)
    assert summary.failed == 0, summary.failures
    stats = {"gold_wrong": 0, "corrected": 0, "unfixable": 0}
    corrected_mentions: set[int] = set()
    with engine.begin() as conn:
        for doc, article_id in zip(docs, summary.article_ids):
            stored = {(r.start, r.end): r for r in conn.execute(
                select(mentions.c.id, mentions.c.start, mentions.c.end, mentions.c.surface, places.c.lat,
                       places.c.lon).select_from(mentions.join(places, mentions.c.place_id == places.c.id))
                .where(mentions.c.article_id == article_id))}
            for t in doc["toponyms"]:
                if t.get("lat") is None or t.get("lon") is None:
                    continue
                m = stored.get((t["start"], t["end"]))
                if m is None or m.id in corrected_mentions or _km(t["lat"], t["lon"], m.lat, m.lon) < KM:
                    continue
                stats["gold_wrong"] += 1
                near = [(_km(t["lat"], t["lon"], p.lat, p.lon), p.id, p) for p in gazetteer.candidates(m.surface)]
                near = [n for n in near if n[0] < KM]
                if not near:
                    stats["unfixable"] += 1
                    continue
                place = min(near, key=lambda n: (n[0], n[1]))[2]
                snapshot = {"key": place.key, "geonameid": place.geonameid, "name": place.name, "kind": place.kind,
                            "country_code": place.country_code, "lat": place.lat, "lon": place.lon}
                correct(conn, m.id, action="place", place=snapshot, scope="mention", author="benchmark")
                corrected_mentions.add(m.id)
                stats["corrected"] += 1
    return stats


def _changes(gold_docs: list[dict], before: list[dict], after: list[dict]) -> dict:
    """On B's gold toponyms with coordinates and an exactly-matching mention: how many the learned
    prior moved, and of those how many it fixed (now < 161 km, was not) or broke (the reverse)."""
    before_by = {d["id"]: {(m["start"], m["end"]): m for m in d["mentions"]} for d in before}
    after_by = {d["id"]: {(m["start"], m["end"]): m for m in d["mentions"]} for d in after}
    moved = fixed = broken = 0
    for doc in gold_docs:
        for t in doc["toponyms"]:
            if t.get("lat") is None:
                continue
            span = (t["start"], t["end"])
            b, a = before_by[doc["id"]].get(span), after_by[doc["id"]].get(span)
            if b is None or a is None or (b["lat"], b["lon"]) == (a["lat"], a["lon"]):
                continue
            moved += 1
            ok_before = _km(t["lat"], t["lon"], b["lat"], b["lon"]) < KM
            ok_after = _km(t["lat"], t["lon"], a["lat"], a["lon"]) < KM
            fixed += ok_after and not ok_before
            broken += ok_before and not ok_after
    return {"moved": moved, "fixed": fixed, "broken": broken}


def run(name: str, gazetteer, score, seed: int, direction: str, default_predictions: dict) -> dict:
    """Corrections made on one half of split ``seed``, scored on the other ("AB": learn on A)."""
    from geomap.corrections import learned_preferences
    from geomap.pipeline import Geoparser
    from geomap.store import connect

    label, resolution_only = CORPORA[name]
    half_a, half_b = split(_read(EVAL / f"{name}.jsonl"), seed)
    train, held_out = (half_a, half_b) if direction == "AB" else (half_b, half_a)
    default = Geoparser(gazetteer)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        engine = connect(f"sqlite:///{Path(tmp) / 'corrections.sqlite'}")
        stats = simulate_analyst(engine, gazetteer, default, train)
        with engine.connect() as conn:
            learned = learned_preferences(conn)
        engine.dispose()
    before = [default_predictions[d["id"]] for d in held_out]
    after = _predict(Geoparser(gazetteer, preferences=learned), held_out)
    return {
        "corpus": label, "split": seed, "direction": direction, "docs_train": len(train),
        "docs_held_out": len(held_out), **stats, "learned": len(learned),
        "before": score(held_out, before, resolution_only), "after": score(held_out, after, resolution_only),
        "changes": _changes(held_out, before, after), "seconds": round(time.monotonic() - started, 1),
    }


def _figures(r: dict) -> str:
    rec, res = r.get("recognition"), r["resolution"]
    text = f"P {rec['precision']:.3f} R {rec['recall']:.3f} F1 {rec['f1']:.3f}  " if rec else ""
    return (text + f"acc@161 {res['acc161']:.3f} ({res['resolved']} resolved)  "
            f"e2e {r['end_to_end_acc161']:.3f}  median {res['median_km'] or 0:.0f} km  AUC {res['auc'] or 0:.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpora", nargs="*", metavar="CORPUS", help=f"some of {', '.join(CORPORA)} (default: all)")
    ap.add_argument("--splits", type=int, default=3, metavar="N",
                    help="how many different halvings to measure, each in both directions (default 3)")
    ap.add_argument("--json", action="store_true", help="one JSON object per corpus, split and direction")
    args = ap.parse_args(argv)
    unknown = [name for name in args.corpora if name not in CORPORA]
    if unknown:
        ap.error(f"unknown corpus {', '.join(unknown)}; choose from {', '.join(CORPORA)}")
    if not 1 <= args.splits <= 20:
        ap.error("--splits must be between 1 and 20")
    if not (EVAL / "score.py").exists():
        print(f"skipped: {EVAL} is absent (the gold corpora live in ../shared/eval)")
        return 0
    from gazetteer import Gazetteer
    from geomap.pipeline import Geoparser

    score = _scorer()
    gazetteer = Gazetteer.open()
    summary: dict[str, list[dict]] = {}
    for name in args.corpora or list(CORPORA):
        # The default geoparser's output does not depend on the split: parse every document once.
        docs = _read(EVAL / f"{name}.jsonl")
        default_predictions = {p["id"]: p for p in _predict(Geoparser(gazetteer), docs)}
        for seed in range(args.splits):
            for direction in ("AB", "BA"):
                r = run(name, gazetteer, score, seed, direction, default_predictions)
                summary.setdefault(r["corpus"], []).append(r)
                if args.json:
                    print(json.dumps(r), flush=True)
                    continue
                c = r["changes"]
                train, test = direction[0], direction[1]
                print(f"{r['corpus']} split {seed} {train}->{test}: corrections on {train} ({r['docs_train']} docs): "
                      f"{r['gold_wrong']} gold toponyms placed >= 161 km off, {r['corrected']} corrected to a "
                      f"gazetteer candidate ({r['unfixable']} had none within 161 km); "
                      f"{r['learned']} surface forms learned")
                print(f"  {test} ({r['docs_held_out']} docs) before: {_figures(r['before'])}")
                print(f"  {test} ({r['docs_held_out']} docs) after:  {_figures(r['after'])}")
                print(f"  the learned evidence moved {c['moved']} of {test}'s gold toponyms: {c['fixed']} fixed, "
                      f"{c['broken']} broken  ({r['seconds']:.0f}s)", flush=True)
    if summary and not args.json:
        print("\nacc@161 on the held-out half, before -> after learning from the other half's corrections:")
        for label, runs in summary.items():
            cells = []
            for r in runs:
                b, a = r["before"]["resolution"]["acc161"], r["after"]["resolution"]["acc161"]
                cells.append(f"{r['split']}{r['direction']} {b:.3f}->{a:.3f} ({a - b:+.3f})")
            gains = [r["after"]["resolution"]["acc161"] - r["before"]["resolution"]["acc161"] for r in runs]
            fixed = sum(r["changes"]["fixed"] for r in runs)
            broken = sum(r["changes"]["broken"] for r in runs)
            print(f"{label:<9} mean {sum(gains) / len(gains):+.4f} (min {min(gains):+.4f}, max {max(gains):+.4f}); "
                  f"{fixed} fixed, {broken} broken in all")
            for i in range(0, len(cells), 2):
                print("          " + "   ".join(cells[i:i + 2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
