"""The load test, CI-sized: the real server (``geomap serve`` on 127.0.0.1) over a store of
1,000 places and 10,000 mentions, 20 clients for about 15 s mixing the map, place and article
pages, filtered GeoJSON, the article API and uploads. No request may fail and every upload
must be stored. (Latency is reported, not asserted: CI machines vary; benchmarks/load.py
measures it at full size.)"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
CLIENTS = 20
SECONDS = 15
MAX_REQUESTS = 20_000


def _load_module():
    spec = importlib.util.spec_from_file_location("geomap_benchmarks_load", BENCHMARKS / "load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


load = _load_module()


def test_twenty_clients_get_no_errors_and_every_upload_is_stored(data_dir, tmp_path):
    """Served by two processes (``--processes 2``): an upload form fetched from one and posted
    to the other must pass, so they share the session key."""
    db_path = load.cached_store(tmp_path, 1_000, 10_000)
    targets = load.Targets.from_store(db_path)
    with load.serve(db_path, data_dir, processes=2, log_path=tmp_path / "server.log") as server:
        children = _children(server.pid)
        summary = load.measure(server, targets, clients=CLIENTS, seconds=SECONDS, requests=MAX_REQUESTS)
    assert len(children) == 2, children
    assert not [pid for pid in children if _alive(pid)], "server processes outlived the server"
    result = summary.pop("result")
    load.print_summary(summary)  # shown with -s, and on failure
    assert summary["errors"] == 0, summary["first_errors"]
    kinds = summary["kinds"]
    for kind in ("map", "place", "article", "geojson", "popup", "api", "upload"):
        assert kinds.get(kind, {}).get("count", 0) > 0, f"no {kind} requests were made: {kinds}"
    assert summary["requests"] >= 100, "the server answered too few requests to call this a load test"
    assert result.uploads and len(set(result.uploads)) == len(result.uploads) == kinds["upload"]["count"]
    assert load.count_uploads(db_path, result.run_id) == len(result.uploads)
    assert summary["seconds"] < SECONDS + 60  # bounded: the last requests finish soon after the deadline


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
