"""Opening a built gazetteer and looking places up in it."""
from __future__ import annotations

import json
import sqlite3
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
        self._neighbours: dict[str, frozenset[str]] | None = None

    @classmethod
    def open(cls, data_dir: Path | None = None, *, build_if_missing: bool = True,
             progress: Callable[[str], None] | None = None) -> "Gazetteer":
        """Open the gazetteer in ``data_dir`` (default ``GEOMAP_DATA_DIR``), building it
        first when it is missing, damaged, or was built by different code or data."""
        data_dir = Path(data_dir) if data_dir else _build.default_data_dir()
        db_path = data_dir / _build.DB_NAME
        problem = _check(db_path, data_dir / _build.AUTOMATON_NAME)
        if problem:
            if not build_if_missing:
                raise GazetteerError(f"{problem}; run `geomap gazetteer build`")
            with _build.build_lock(data_dir):
                # Another process may have built it while this one waited for the lock.
                problem = _check(db_path, data_dir / _build.AUTOMATON_NAME)
                if problem:
                    if progress and db_path.exists():  # say why a build that exists is not used
                        progress(f"{problem}: rebuilding it")
                    dump_dir, min_population = _previous_build(db_path)
                    try:
                        _build.build_locked(data_dir, geonames_dir=dump_dir, min_population=min_population,
                                            progress=progress)
                    except Exception as exc:  # surface a clear message, keep the cause
                        raise GazetteerError(f"could not build the gazetteer in {data_dir}: {exc}") from exc
                    problem = _check(db_path, data_dir / _build.AUTOMATON_NAME)
                    if problem:
                        raise GazetteerError(f"the gazetteer just built in {data_dir} fails its check: {problem}")
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

    @property
    def neighbours(self) -> dict[str, frozenset[str]]:
        """For each country code, the codes of the countries it borders."""
        if self._neighbours is None:
            found: dict[str, set[str]] = {}
            for country, other in self._query("SELECT country, neighbour FROM neighbours"):
                found.setdefault(country, set()).add(other)
            self._neighbours = {k: frozenset(v) for k, v in found.items()}
        return self._neighbours

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


def _prefixed(alias: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in _PLACE_COLUMNS.split(","))


def _check(db_path: Path, automaton_path: Path) -> str | None:
    """Why the build at ``db_path`` cannot be used as it is, or None when it can.

    Cheap checks always (the database's size against its header, its meta table, the
    version stamp, the automaton's size); the expensive ones (PRAGMA quick_check and the
    automaton's SHA-256, ~0.3 s for the default build) once per process and build.
    """
    if not db_path.exists() or not automaton_path.exists():
        return f"no gazetteer built in {db_path.parent}"
    problem = _check_sqlite_file(db_path)
    if problem:
        return problem
    try:
        meta = _read_meta(db_path)
    except sqlite3.DatabaseError as exc:
        return f"gazetteer database {db_path} is unreadable ({exc})"
    if meta.get("stamp") != _build.code_stamp():
        return "gazetteer was built by a different version"
    if "automaton_sha256" not in meta:
        return "gazetteer was built by a different version (no automaton checksum)"
    size = automaton_path.stat().st_size
    if str(size) != meta.get("automaton_size"):
        return (f"gazetteer automaton {automaton_path} is damaged or from another build "
                f"({size:,} bytes, expected {meta.get('automaton_size')})")
    return _verify_contents(db_path, automaton_path, meta["automaton_sha256"])


_SQLITE_MAGIC = b"SQLite format 3\x00"
_verified: set[tuple] = set()  # (path, inode, size, mtime) of builds this process has checked in full


def _check_sqlite_file(db_path: Path) -> str | None:
    """A truncated or overwritten database file, from its 100-byte header alone."""
    with open(db_path, "rb") as handle:
        header = handle.read(100)
    size = db_path.stat().st_size
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        return f"gazetteer database {db_path} is not a SQLite database (damaged or overwritten)"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    # The header's page count is only trustworthy when its "valid-for" counter matches.
    pages = int.from_bytes(header[28:32], "big") if header[92:96] == header[24:28] else 0
    if page_size < 512 or size % page_size or (pages and pages * page_size != size):
        return f"gazetteer database {db_path} is truncated or damaged ({size:,} bytes, header says {pages} pages)"
    return None


def _verify_contents(db_path: Path, automaton_path: Path, digest: str) -> str | None:
    identity = tuple((str(p), s.st_ino, s.st_size, s.st_mtime_ns)
                     for p, s in ((db_path, db_path.stat()), (automaton_path, automaton_path.stat())))
    if identity in _verified:
        return None
    if _build.file_digest(automaton_path) != digest:
        return f"gazetteer automaton {automaton_path} is damaged (its SHA-256 differs from the build's)"
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        result = [(str(exc),)]
    if result != [("ok",)]:
        lines = [line for row in result for line in str(row[0]).splitlines() if line and not line.startswith("***")]
        return f"gazetteer database {db_path} is damaged (quick_check: {(lines or ['not ok'])[0]})"
    _verified.add(identity)
    return None


def _read_meta(db_path: Path) -> dict[str, str]:
    """The build's meta table (read-only); sqlite3.DatabaseError when it cannot be read."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return dict(conn.execute("SELECT k, v FROM meta"))
    finally:
        conn.close()


def _previous_build(db_path: Path) -> tuple[Path | None, int]:
    """What a previous build was made from (its GeoNames dump directory, its smallest town),
    so a rebuild makes the same gazetteer; the defaults when it cannot be read."""
    try:
        meta = _read_meta(db_path)
        sources = json.loads(meta.get("sources", "{}"))
        min_population = int(meta.get("min_population", 500))
    except (sqlite3.DatabaseError, ValueError, AttributeError):
        return None, 500
    path = sources.get("geonames_dump") if isinstance(sources, dict) else None
    return (Path(path) if path and Path(path).is_dir() else None), min_population
