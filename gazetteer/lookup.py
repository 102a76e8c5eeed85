"""Opening a built gazetteer and looking places up in it."""
from __future__ import annotations

import fcntl
import json
import sqlite3
from contextlib import contextmanager
import threading
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

import ahocorasick

from gazetteer import build as _build
from gazetteer.model import Place
from gazetteer.normalize import name_key

_PLACE_COLUMNS = "id, name, kind, lat, lon, country_code, geonameid, admin1, admin2, population, feature_code, source, key"


class GazetteerError(RuntimeError):
    """The gazetteer is missing, stale or unreadable and could not be (re)built."""


class Gazetteer:
    """A built gazetteer: a read-only SQLite database and its name automaton."""

    def __init__(self, db_path: Path):
        self.path = Path(db_path)
        # Read-only and shared across threads (the web app reads from several).
        self._conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self.meta = dict(self._conn.execute("SELECT k, v FROM meta"))
        self._automaton: ahocorasick.Automaton | None = None
        self.entries = lru_cache(maxsize=200_000)(self._entries)
        self._codes: dict[str, tuple[tuple[Place, str], ...]] | None = None
        self._prefs = {k: pid for k, pid in self._conn.execute("SELECT key, place_id FROM prefs")}

    @classmethod
    def open(cls, data_dir: Path | None = None, *, build_if_missing: bool = True,
             progress: Callable[[str], None] | None = None) -> "Gazetteer":
        """Open the gazetteer in ``data_dir`` (default ``GEOMAP_DATA_DIR``), building it
        first when it is missing or was built by different code or data."""
        data_dir = Path(data_dir) if data_dir else _build.default_data_dir()
        db_path = data_dir / _build.DB_NAME
        problem = _check(db_path, data_dir / _build.AUTOMATON_NAME)
        if problem:
            if not build_if_missing:
                raise GazetteerError(f"{problem}; run `geomap gazetteer build`")
            with _build_lock(data_dir):
                # Another process may have built it while this one waited for the lock.
                if _check(db_path, data_dir / _build.AUTOMATON_NAME):
                    previous = _dump_source(db_path) if db_path.exists() else None
                    try:
                        _build.build(data_dir, geonames_dir=previous, progress=progress)
                    except Exception as exc:  # surface a clear message, keep the cause
                        raise GazetteerError(f"could not build the gazetteer in {data_dir}: {exc}") from exc
        return cls(db_path)

    # -- lookups -------------------------------------------------------------

    @property
    def automaton(self) -> ahocorasick.Automaton:
        if self._automaton is None:
            path = self.path.with_name(_build.AUTOMATON_NAME)
            self._automaton = ahocorasick.load(str(path), lambda data: data)
        return self._automaton

    @property
    def codes(self) -> dict[str, tuple[tuple[Place, str], ...]]:
        """Case-sensitive codes ("US", "U.K.") and the places they name."""
        if self._codes is None:
            rows = self._query(f"SELECT n.key, {_prefixed('p')} FROM names n JOIN places p ON p.id = n.place_id "
                               "WHERE n.type = 'code'")
            codes: dict[str, list] = {}
            for row in rows:
                codes.setdefault(row[0], []).append((Place(*row[1:]), "code"))
            self._codes = {k: tuple(v) for k, v in codes.items()}
        return self._codes

    def _entries(self, key: str) -> tuple[tuple[Place, str], ...]:
        """(place, name type) pairs for a folded name key, most populous first."""
        rows = self._query(f"SELECT n.type, {_prefixed('p')} FROM names n JOIN places p ON p.id = n.place_id "
                           "WHERE n.key = ? AND n.type != 'code' ORDER BY p.population DESC, p.id", (key,))
        return tuple((Place(*row[1:]), row[0]) for row in rows)

    def candidates(self, surface: str) -> list[Place]:
        """Places a surface form may name (demonyms excluded), most populous first."""
        if surface in self.codes:
            return [p for p, _ in self.codes[surface]]
        return [p for p, kind in self.entries(name_key(surface)) if kind != "demonym"]

    def preferred(self, key: str) -> int | None:
        """The place id news usually means by this name key, if the curated table says."""
        return self._prefs.get(key)

    def get(self, place_id: int) -> Place:
        rows = self._query(f"SELECT {_PLACE_COLUMNS} FROM places WHERE id = ?", (place_id,))
        if not rows:
            raise KeyError(place_id)
        return Place(*rows[0])

    def by_geonameid(self, geonameid: int) -> Place | None:
        rows = self._query(f"SELECT {_PLACE_COLUMNS} FROM places WHERE geonameid = ? ORDER BY id LIMIT 1",
                           (geonameid,))
        return Place(*rows[0]) if rows else None

    def containers(self) -> list[Place]:
        """Every country and admin-1 region, least populous first."""
        rows = self._query(f"SELECT {_PLACE_COLUMNS} FROM places WHERE kind IN ('admin1', 'country') "
                           "ORDER BY population, id")
        return [Place(*row) for row in rows]

    def in_box(self, south: float, north: float, lon_ranges: list[tuple[float, float]], *,
               kind: str = "city") -> list[Place]:
        """Places of ``kind`` with south <= lat <= north and lon inside one of ``lon_ranges``."""
        where = "kind = ? AND lat BETWEEN ? AND ? AND (" + " OR ".join("lon BETWEEN ? AND ?" for _ in lon_ranges) + ")"
        params = (kind, south, north, *(x for r in lon_ranges for x in r))
        return [Place(*row) for row in self._query(f"SELECT {_PLACE_COLUMNS} FROM places WHERE {where}", params)]

    def names(self) -> Iterator[str]:
        """Every matchable name key (what the automaton is built from)."""
        for (key,) in self._query("SELECT DISTINCT key FROM names WHERE type != 'code'"):
            yield key

    def counts(self) -> dict:
        return json.loads(self.meta.get("counts", "{}"))

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def close(self) -> None:
        self._conn.close()


@contextmanager
def _build_lock(data_dir: Path):
    """An exclusive lock on the data directory while the gazetteer is (re)built."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / ".build.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _prefixed(alias: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in _PLACE_COLUMNS.split(","))


def _check(db_path: Path, automaton_path: Path) -> str | None:
    """Why the build at ``db_path`` cannot be used as it is, or None when it can."""
    if not db_path.exists() or not automaton_path.exists():
        return f"no gazetteer built in {db_path.parent}"
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            meta = dict(conn.execute("SELECT k, v FROM meta"))
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return f"gazetteer database {db_path} is unreadable ({exc})"
    if meta.get("stamp") != _build.code_stamp():
        return "gazetteer was built by a different version"
    return None


def _dump_source(db_path: Path) -> Path | None:
    """The GeoNames dump directory a previous build used, so a rebuild keeps using it."""
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            sources = json.loads(dict(conn.execute("SELECT k, v FROM meta")).get("sources", "{}"))
        finally:
            conn.close()
    except (sqlite3.DatabaseError, ValueError):
        return None
    path = sources.get("geonames_dump")
    return Path(path) if path and Path(path).is_dir() else None
