"""Compile the sources into one SQLite file plus a saved Aho-Corasick automaton.

The build writes to temporary files and renames them into place only when both
are complete, so a crash mid-build never leaves a half-built gazetteer to be
used. A version stamp (hash of the builder's code, the curated table and the
source package versions) lets ``Gazetteer.open`` notice a stale build, and the
automaton's size and SHA-256 in the meta table let it notice a damaged or
mismatched automaton (loading a corrupt one can crash the process).
One build at a time per data directory: builds take an exclusive lock on it.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import sqlite3
import time
from contextlib import contextmanager
from difflib import SequenceMatcher
from pathlib import Path
from typing import Callable, Iterable, Iterator

import ahocorasick

from gazetteer.model import KINDS, POINT_OF, PlaceRecord
from gazetteer.normalize import is_latin, name_key
from gazetteer.spellings import (ARABIC_NAMED, GERMAN_NAMED, RUSSIAN_NAMED, SOMALI_NAMED, UKRAINIAN_NAMED,
                                 abbreviated_spellings, arabic_spellings, german_spelling, hebrew_spellings,
                                 russian_news_spelling, russian_spellings, somali_spelling, ukrainian_spellings,
                                 unmarked_spelling)
from gazetteer.sources.curated import CURATED_PATH, read_curated

DB_NAME = "gazetteer.sqlite"
AUTOMATON_NAME = "gazetteer.automaton"
FORMAT = 1

Progress = Callable[[str], None]

# Case-sensitive codes: "US", "U.S.", "UK", "U.A.E." Never matched case-folded.
CODE_RE = re.compile(r"(?:[A-Z]\.?){2,5}")
# Short all-capitals alternates in GeoNames are mostly airport codes ("IEV" for Kyiv).
_AIRPORT_LIKE = re.compile(r"[A-Z]{2,4}")
_MIN_KEY = 3
_MAX_WORDS = 6
# Alternate names of villages are mostly other languages' spellings that English
# news never uses; they cost automaton size and collide with common words.
_MIN_POPULATION_FOR_ALTERNATES = 5000
# German towns of this size get their names with umlauts written out ("Unterluess", 3,600 people).
_GERMAN_WRITTEN_POPULATION = 1000
# A country's foreign name that is a real town's own name ("Uman" for Oman, "Salvador" for
# El Salvador, "Nijar" for Niger) means the town in English text; the country's prior would
# always win, so such alternates are left out. Curated aliases are kept ("Holland").
_TOWN_OVER_COUNTRY_ALTERNATE = 20_000

SCHEMA = """
CREATE TABLE places (
    id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, geonameid INTEGER, name TEXT NOT NULL,
    kind TEXT NOT NULL, country_code TEXT, admin1 TEXT, admin2 TEXT, lat REAL NOT NULL, lon REAL NOT NULL,
    population INTEGER NOT NULL, feature_code TEXT NOT NULL, source TEXT NOT NULL);
CREATE TABLE names (key TEXT NOT NULL, place_id INTEGER NOT NULL REFERENCES places(id), type TEXT NOT NULL,
    surface TEXT NOT NULL);
CREATE TABLE prefs (key TEXT PRIMARY KEY, place_id INTEGER NOT NULL REFERENCES places(id));
CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE neighbours (country TEXT NOT NULL, neighbour TEXT NOT NULL);
"""
INDEXES = """
CREATE INDEX names_key ON names(key);
CREATE INDEX places_geonameid ON places(geonameid);
CREATE INDEX places_admin ON places(kind, admin1);
"""


def default_data_dir() -> Path:
    env = os.environ.get("GEOMAP_DATA_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("geomap", appauthor=False))


def code_stamp() -> str:
    """Hash of everything that shapes a build besides the source data itself."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256(str(FORMAT).encode())
    shaping = [here / "build.py", here / "model.py", here / "normalize.py", here / "spellings.py",
               *here.glob("sources/*.py"), CURATED_PATH]
    for path in sorted(shaping):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()[:16]


@contextmanager
def build_lock(data_dir: Path) -> Iterator[None]:
    """An exclusive lock on ``data_dir`` while the gazetteer is (re)built there."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / ".build.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def file_digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def build(data_dir: Path | None = None, *, geonames_dir: Path | None = None, min_population: int = 500,
          progress: Progress | None = None) -> Path:
    """Build the gazetteer into ``data_dir`` and return the path of its database."""
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    with build_lock(data_dir):
        return build_locked(data_dir, geonames_dir=geonames_dir, min_population=min_population, progress=progress)


def build_locked(data_dir: Path, *, geonames_dir: Path | None = None, min_population: int = 500,
                 progress: Progress | None = None) -> Path:
    """``build`` for a caller that already holds ``build_lock(data_dir)``."""
    say = progress or (lambda message: None)
    started = time.monotonic()
    data_dir.mkdir(parents=True, exist_ok=True)
    _remove_interrupted_builds(data_dir, say)

    if geonames_dir is not None:
        from gazetteer.sources import geonames_dump

        geonames_dir = Path(geonames_dir).resolve()
        records = geonames_dump.iter_records(geonames_dir, min_population=min_population, progress=say)
        sources = {"geonames_dump": str(geonames_dir)}
    else:
        from gazetteer.sources import packages

        records = packages.iter_records(min_population=min_population, progress=say)
        sources = {"packages": packages.package_versions()}

    by_key: dict[str, PlaceRecord] = {}
    for rec in records:
        _merge(by_key, rec)
    say(f"read {len(by_key):,} places")
    _name_regions_after_their_towns(by_key.values())
    _add_news_spellings(by_key.values())
    _share_names_with_namesake_regions(by_key.values())
    prefs = _apply_curated(by_key, say)
    _share_curated_names_with_namesake_regions(by_key.values())

    # Per-process names, so two builds into one directory never write the same file.
    db_tmp = data_dir / f"{DB_NAME}.{os.getpid()}.tmp"
    auto_tmp = data_dir / f"{AUTOMATON_NAME}.{os.getpid()}.tmp"
    for tmp in (db_tmp, auto_tmp):
        tmp.unlink(missing_ok=True)
    counts = _write_db(db_tmp, by_key.values(), prefs, say)
    say("building the Aho-Corasick automaton")
    automaton = _build_automaton(db_tmp)
    if len(automaton) == 0:
        raise ValueError("the sources yielded no matchable names; nothing was replaced")
    automaton.save(str(auto_tmp))

    meta = {
        "format": str(FORMAT), "stamp": code_stamp(), "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "sources": json.dumps(sources), "min_population": str(min_population), "counts": json.dumps(counts),
        "build_seconds": f"{time.monotonic() - started:.1f}",
        "automaton_size": str(auto_tmp.stat().st_size), "automaton_sha256": file_digest(auto_tmp),
    }
    with sqlite3.connect(db_tmp) as conn:
        conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    conn.close()
    # The database goes last: it is what ``open`` checks, so it never points at a missing automaton.
    os.replace(auto_tmp, data_dir / AUTOMATON_NAME)
    os.replace(db_tmp, data_dir / DB_NAME)
    say(f"built {counts['places']:,} places, {counts['names']:,} names in {time.monotonic() - started:.1f}s")
    return data_dir / DB_NAME


def _remove_interrupted_builds(data_dir: Path, say: Progress) -> None:
    """Delete the temporary files of builds that died (this one holds the lock, so no other is running)."""
    for stale in sorted(data_dir.glob(f"{DB_NAME}.*.tmp")) + sorted(data_dir.glob(f"{AUTOMATON_NAME}.*.tmp")):
        say(f"removing {stale.name}, left by an interrupted build")
        stale.unlink(missing_ok=True)


def _merge(by_key: dict[str, PlaceRecord], rec: PlaceRecord) -> None:
    old = by_key.get(rec.key)
    if old is None:
        by_key[rec.key] = rec
    else:  # the same place from two sources: keep the first's fields, pool the names
        old.names.extend([rec.name, *rec.names])
        old.curated_names.extend(rec.curated_names)
        old.spellings.extend(rec.spellings)
        old.codes.extend(rec.codes)
        old.demonyms.extend(rec.demonyms)
        old.neighbours.extend(rec.neighbours)


# Admin-1 names some sources give only in transliterated adjectival form ("Kurskaya oblast'",
# "Krasnodarskiy kray"): the kind word, and the English name it gets with the town's name.
_ADJECTIVAL_REGION_KINDS = {"oblast": "Oblast", "kray": "Krai", "voblasts": "Oblast", "voblasc": "Oblast"}
_MIN_STEM = 4
_MIN_SHORT_STEM = 3  # a whole stem this short still counts: "Tul'skaya" from Tula


def _name_regions_after_their_towns(records: Iterable[PlaceRecord]) -> None:
    """Give such a region the names English uses for it: its largest town's name ("Kursk",
    as "Kursk region" says) and "Kursk Oblast", where the adjective is made from that town's
    name ("Kurskaya" from Kursk, "Samarskaya" from Samara, "Tul'skaya" from Tula)."""
    records = list(records)
    largest: dict[str, PlaceRecord] = {}
    for rec in records:
        if rec.kind == "city" and rec.admin1:
            best = largest.get(rec.admin1)
            if best is None or (rec.population or 0) > (best.population or 0):
                largest[rec.admin1] = rec
    for rec in records:
        words = name_key(unmarked_spelling(rec.name) or rec.name).split()  # "Tul'skaya" is one word
        if rec.kind != "admin1" or len(words) != 2 or words[1] not in _ADJECTIVAL_REGION_KINDS:
            continue
        town = largest.get(rec.admin1)
        if town is None or " " in name_key(town.name):
            continue
        # The adjective opens with the town's name, give or take its last letters: "Kurskaya",
        # "Kaluzhskaya" (Kaluga), "Vologodskaya" (Vologda), "Yaroslavskaya" (Yaroslavl).
        town_key = name_key(town.name)
        stem = town_key.rstrip("aeiouy")
        shared = len(os.path.commonprefix((town_key, words[0])))
        if len(words[0]) > len(town_key) and ((shared >= len(stem) >= _MIN_SHORT_STEM)
                                              or (shared >= _MIN_STEM and shared >= len(town_key) - 2)):
            rec.names.extend((town.name, f"{town.name} {_ADJECTIVAL_REGION_KINDS[words[1]]}"))


def _add_news_spellings(records: Iterable[PlaceRecord]) -> None:
    """Give places in Arabic-speaking countries and Israel the spellings English news uses
    ("Jisr al-Shughur" for "Jisr ash Shughūr", "Kfar Azza" for "Kfar ‘Azza"), places in Ukraine
    Ukraine's own ("Huliaipole" for "Hulyaypole") and towns there the Russian ("Gulyaipole"), towns elsewhere
    their names without marks ("Nekemte" for "Nek’emtē"), and places named "Saint ..." or
    "Mount ..." their abbreviated forms ("St Paul", "St. Lucia"), except where one is another
    place's own name.
    Only regions and towns news writes about get one-word spellings ("Qaim" for "Al Qā’im",
    "Shabwa"): for villages and districts such a word is mostly a person's name or a word
    ("Al Hussein", "Al Ittiḩād", "Mā‘īn")."""
    records = list(records)
    main_keys = {name_key(rec.name) for rec in records}
    for rec in records:
        rec.spellings.extend(s for s in abbreviated_spellings(rec.name) if name_key(s) not in main_keys)
        if rec.kind not in ("city", "admin1", "admin2"):
            continue
        notable = rec.kind == "admin1" or (rec.kind == "city" and rec.population >= _MIN_POPULATION_FOR_ALTERNATES)
        if rec.country_code in ARABIC_NAMED:
            spellings = arabic_spellings(rec.name, without_article=notable)
            if rec.country_code in SOMALI_NAMED:  # villages too: the packages hold few there
                somali = (somali_spelling(name) for name in (rec.name, unmarked_spelling(rec.name) or rec.name))
                rec.spellings.extend(s for s in dict.fromkeys(filter(None, somali)) if name_key(s) not in main_keys)
        elif rec.country_code == "IL":
            spellings = hebrew_spellings(rec.name)
        elif rec.country_code in GERMAN_NAMED:
            # a German town's name written out is no one's name, as an Arabic village's may be
            written = german_spelling(rec.name)
            notable = notable or rec.population >= _GERMAN_WRITTEN_POPULATION
            spellings = [written] if written and notable else []
        elif rec.country_code in UKRAINIAN_NAMED:
            # war reporting names villages of a few hundred people, in Ukraine's own spelling
            notable = True
            spellings = ukrainian_spellings(rec.name)
            if rec.kind == "city":  # and the Russian names that reporting from Russian sources uses
                spellings += russian_spellings(rec.name, rec.names)
        else:  # elsewhere villages' marks are mostly in names of people ("Ghulām ‘Alī")
            unmarked = unmarked_spelling(rec.name)
            spellings = [unmarked] if unmarked and notable else []
            if rec.country_code in RUSSIAN_NAMED and notable:  # "Oktyabrsky" for "Oktyabr’skiy"
                spellings += filter(None, [russian_news_spelling(rec.name)])
        rec.spellings.extend(s for s in spellings if name_key(s) not in main_keys and (notable or " " in s))


# How alike two names must be to count as spellings of one name ("Khan Yunis", "Khan Younis").
_SPELLING_SIMILARITY = 0.8


def _share_names_with_namesake_regions(records: Iterable[PlaceRecord]) -> None:
    """Give an admin-1 region that bears a town's own name the town's other spellings of that
    name too: "Khan Younis" is the governorate as well as the town, but GeoNames gives that
    spelling to the town alone. Only spellings (names much like the main one): a town's other
    names are often someone's or another place's ("Hamid" for Isparta)."""
    records = list(records)
    towns: dict[tuple[str | None, str], PlaceRecord] = {}
    for rec in records:
        if rec.kind == "city":
            key = (rec.country_code, name_key(rec.name))
            if key not in towns or rec.population > towns[key].population:
                towns[key] = rec
    for rec in records:
        town = towns.get((rec.country_code, name_key(rec.name))) if rec.kind == "admin1" else None
        if town is not None:
            own = name_key(rec.name)
            rec.names.extend(name for name in town.names if _spelling_of(own, name_key(name)))
            rec.spellings.extend(town.spellings)


def _spelling_of(own: str, key: str) -> bool:
    """Whether the name keyed ``key`` spells the name keyed ``own`` another way: much like it,
    and not it with a word added ("Washington DC" is the town's name, not the state's)."""
    return SequenceMatcher(None, own, key).ratio() >= _SPELLING_SIMILARITY and f" {own} " not in f" {key} "


def _share_curated_names_with_namesake_regions(records: Iterable[PlaceRecord]) -> None:
    """Give an admin-1 region that goes by its main town's name the English names a curated
    row gives that town: news writes "the Zaporozhye region", "the Kiev region", "the Kharkov
    region" as it writes "Zaporozhye", "Kiev" and "Kharkov" for the towns."""
    records = list(records)
    towns: dict[tuple[str, str], PlaceRecord] = {}  # (admin-1 code, a name) -> the biggest town so called
    for rec in records:
        if rec.kind == "city" and rec.admin1 and rec.curated_names:
            for name in (rec.name, *rec.curated_names, *rec.spellings):
                key = (rec.admin1, name_key(name))
                if key not in towns or rec.population > towns[key].population:
                    towns[key] = rec
    for rec in records:
        if rec.kind != "admin1" or not rec.admin1:
            continue
        town = next((towns[key] for name in (rec.name, *rec.names, *rec.curated_names)
                     if (key := (rec.admin1, name_key(name))) in towns), None)
        if town is not None:
            rec.curated_names.extend(town.curated_names)


def _apply_curated(by_key: dict[str, PlaceRecord], say: Progress) -> dict[str, str]:
    """Add curated places, aliases and demonyms; return preferences as name key -> place key."""
    by_gid = {rec.geonameid: rec for rec in by_key.values() if rec.geonameid}
    prefs: dict[str, str] = {}
    skipped = []
    for row in read_curated():
        if row.action == "place":
            key = f"gn:{row.geonameid}" if row.geonameid else "curated:" + name_key(row.name).replace(" ", "-")
            names, codes = _split_codes(row.names)
            # (its names are curated ones, matchable whatever the place's size: "Meiss el-Jabal")
            rec = PlaceRecord(key=key, name=row.name, kind=row.kind, lat=row.lat, lon=row.lon,
                              country_code=row.country_code, geonameid=row.geonameid, feature_code=row.kind.upper(),
                              source="curated", curated_names=names, codes=codes)
            old = by_key.get(key)
            if old is not None:  # curated wins on the point and kind, keeps the rest of the source's record
                rec.names.extend([old.name, *old.names])
                rec.curated_names.extend(old.curated_names)
                rec.spellings.extend(old.spellings)
                rec.codes.extend(old.codes)
                rec.demonyms.extend(old.demonyms)
                rec.neighbours.extend(old.neighbours)
                rec.population = old.population
                rec.admin1, rec.admin2 = rec.admin1 or old.admin1, rec.admin2 or old.admin2
                # (its own point now, not a parent's)
                rec.feature_code = old.feature_code.partition(POINT_OF)[0] or rec.feature_code
            by_key[key] = rec
            if row.geonameid:
                by_gid[row.geonameid] = rec
            continue
        target = by_gid.get(row.geonameid)
        if target is None:
            skipped.append(f"{row.action} {row.name} -> {row.geonameid}")
            continue
        if row.action == "alias":
            names, codes = _split_codes((row.name, *row.names))
            target.curated_names.extend(names)
            target.codes.extend(codes)
        elif row.action == "demonym":
            target.demonyms.extend((row.name, *row.names))
        elif row.action == "prefer":
            prefs[name_key(row.name)] = target.key
    if skipped:
        say(f"curated rows whose place is not in this build ({len(skipped)}): " + "; ".join(skipped[:10]))
    return prefs


def _split_codes(names: Iterable[str]) -> tuple[list[str], list[str]]:
    """Codes ("UK", "U.S.") and abbreviations ("Ill.", "W.Va.") are matched case-sensitively."""
    plain, codes = [], []
    for name in names:
        # an abbreviation is abbreviated throughout: "W. Va.", where "Washington D.C." is a name
        abbreviation = all(word.endswith(".") for word in name.split())
        (codes if CODE_RE.fullmatch(name) or abbreviation else plain).append(name)
    return plain, codes


def matchable(name: str) -> bool:
    """Whether an alternate name may be matched case-insensitively in running text."""
    if not name or not is_latin(name) or any(ch.isdigit() for ch in name):
        return False
    if _AIRPORT_LIKE.fullmatch(name) or CODE_RE.fullmatch(name):
        return False
    key = name_key(name)
    return len(key) >= _MIN_KEY and key.count(" ") < _MAX_WORDS


def _write_db(path: Path, records: Iterable[PlaceRecord], prefs: dict[str, str], say: Progress) -> dict:
    conn = sqlite3.connect(path)
    conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
    place_rows, name_rows, neighbour_rows = [], [], []
    id_of_key: dict[str, int] = {}
    kinds: dict[str, int] = {}
    records = list(records)
    town_names = {name_key(rec.name) for rec in records
                  if rec.kind == "city" and (rec.population or 0) >= _TOWN_OVER_COUNTRY_ALTERNATE}
    for pid, rec in enumerate(records, start=1):
        if rec.kind not in KINDS:
            raise ValueError(f"place {rec.key} has unknown kind {rec.kind!r}")
        id_of_key[rec.key] = pid
        kinds[rec.kind] = kinds.get(rec.kind, 0) + 1
        place_rows.append((pid, rec.key, rec.geonameid, rec.name, rec.kind, rec.country_code, rec.admin1,
                           rec.admin2, rec.lat, rec.lon, int(rec.population or 0), rec.feature_code, rec.source))
        main_key = name_key(rec.name)
        seen = set()
        alternates = rec.names if rec.kind != "city" or rec.population >= _MIN_POPULATION_FOR_ALTERNATES else ()
        if rec.kind == "country":
            alternates = [name for name in alternates if name_key(name) not in town_names]
        for name in [rec.name, *rec.curated_names, *rec.spellings, *alternates]:
            key = name_key(name)
            if key not in seen and matchable(name):
                seen.add(key)
                # Alternate names are weaker evidence: many are old or foreign names
                # that collide with other places' names ("Pokrovsk" was Engels).
                name_rows.append((key, pid, "name" if key == main_key else "alt", name))
        for code in dict.fromkeys(rec.codes):
            name_rows.append((code, pid, "code", code))
        for demonym in dict.fromkeys(rec.demonyms):
            name_rows.append((name_key(demonym), pid, "demonym", demonym))
        if rec.kind == "country" and rec.country_code:
            neighbour_rows.extend((rec.country_code, other) for other in dict.fromkeys(rec.neighbours))
    say(f"writing {len(place_rows):,} places and {len(name_rows):,} names")
    conn.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", place_rows)
    conn.executemany("INSERT INTO names VALUES (?,?,?,?)", name_rows)
    # Borders go both ways; the packaged lists do not always say so (Sudan lists Chad, Chad
    # does not list Sudan).
    neighbour_rows = sorted({*neighbour_rows, *((b, a) for a, b in neighbour_rows)})
    conn.executemany("INSERT INTO neighbours VALUES (?,?)", neighbour_rows)
    conn.executemany("INSERT INTO prefs VALUES (?,?)",
                     [(k, id_of_key[v]) for k, v in prefs.items() if v in id_of_key])
    conn.executescript(INDEXES)
    conn.commit()
    conn.close()
    return {"places": len(place_rows), "names": len(name_rows), "kinds": kinds, "preferences": len(prefs)}


def _build_automaton(db_path: Path) -> ahocorasick.Automaton:
    """Keys are padded with spaces: folded text turns every non-word character into
    a space, so a padded key can only match a whole word sequence. Each key stores
    only its length (the key itself is the matched slice of the folded text), which
    keeps the saved automaton small and quick to load."""
    automaton = ahocorasick.Automaton(ahocorasick.STORE_LENGTH, ahocorasick.KEY_STRING)
    conn = sqlite3.connect(db_path)
    for (key,) in conn.execute("SELECT DISTINCT key FROM names WHERE type != 'code'"):
        automaton.add_word(f" {key} ")
    conn.close()
    automaton.make_automaton()
    return automaton
