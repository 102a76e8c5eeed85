"""Reader for the official GeoNames dump (https://download.geonames.org/export/dump/).

Files are read in the layouts documented in GeoNames' readme.txt. Each may be
given plain (``X.txt``) or as the zip GeoNames distributes (``X.zip`` holding
``X.txt``); zips are streamed, never extracted.

Required: ``allCountries`` or one of ``cities500/1000/5000/15000`` (the main
table), ``admin1CodesASCII``, ``admin2Codes``, ``countryInfo``. Optional:
``alternateNamesV2`` (or the older 8-column ``alternateNames``).
"""
from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from sys import intern

from gazetteer.model import PlaceRecord

# Most inclusive first: allCountries has every feature, cities500 the most cities.
MAIN_TABLES = ("allCountries", "cities500", "cities1000", "cities5000", "cities15000")
ALTERNATE_TABLES = ("alternateNamesV2", "alternateNames")

# isolanguage values that hold codes or links rather than names.
PSEUDO_LANGUAGES = frozenset(
    {"link", "wkdt", "post", "iata", "icao", "faac", "tcid", "unlc", "abbr"}
)
# Capitals are kept whatever their population (often 0 for small admin seats).
CAPITAL_CODES = frozenset({"PPLC", "PPLA"})
# Historical, abandoned or destroyed places: a mention means the living place.
GONE_CODES = frozenset({"PPLH", "PPLQ", "PPLW", "PPLCH"})
# Non-populated features worth matching. Deliberately small: BAY, LK, STM,
# CHN, AREA etc. number in the hundreds of thousands, mostly tiny, and their
# size is unknown, so they would flood the gazetteer.
KIND_BY_CODE = {
    "ADM1": "admin1",
    "ADM2": "admin2",
    **dict.fromkeys(("PCL", "PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "TERR"), "country"),
    "CONT": "continent",
    "OCN": "sea",
    "SEA": "sea",
    "GULF": "sea",
    "STRT": "strait",
    "RGN": "region",
}


class GeoNamesDumpError(Exception):
    """The dump directory or one of its files cannot be read."""


class MissingDumpFileError(GeoNamesDumpError, FileNotFoundError):
    """A required dump file is absent."""


def iter_records(
    directory: str | os.PathLike[str],
    *,
    min_population: int = 500,
    progress: Callable[[str], None] | None = None,
) -> Iterator[PlaceRecord]:
    """Yield one PlaceRecord per useful GeoNames feature in ``directory``.

    Populated places (class P) with ``population >= min_population`` (any
    population for PPLC/PPLA) become cities; ADM1/ADM2, countries, continents,
    oceans/seas/gulfs, straits and RGN regions are kept; all else is skipped.

    Every row of countryInfo.txt, admin1CodesASCII.txt and admin2Codes.txt
    yields a record named as in that file (the main table's name becomes an
    alternate name). Coordinates come from the main table's row of the same
    geonameid; when it has none (always the case for a citiesN table) they
    are a fallback computed from the populated places read: the equal-weight
    mean of the country's places for a country, the midpoint of the bounding
    box of the member places for an admin1/admin2. An entry with neither (no
    places at all) is skipped, as is one whose geonameid the main table gave
    another kind (Antarctica's is a CONT).

    Missing files raise MissingDumpFileError here, not at the first next().
    ``progress(message)`` is called once per file and every 1,000,000 lines.
    """
    files = _locate(Path(directory))
    return _generate(files, min_population, progress)


def _locate(directory: Path) -> dict[str, Path | None]:
    if not directory.is_dir():
        raise MissingDumpFileError(f"GeoNames dump directory not found: {directory}")

    def first(stems: tuple[str, ...]) -> Path | None:
        for stem in stems:
            for suffix in (".txt", ".zip"):  # plain text reads faster
                if (path := directory / f"{stem}{suffix}").is_file():
                    return path
        return None

    files = {
        "main": first(MAIN_TABLES),
        "admin1": first(("admin1CodesASCII",)),
        "admin2": first(("admin2Codes",)),
        "country": first(("countryInfo",)),
        "alternates": first(ALTERNATE_TABLES),
    }
    wanted = {
        "main": " or ".join(f"{s}.txt" for s in MAIN_TABLES),
        "admin1": "admin1CodesASCII.txt",
        "admin2": "admin2Codes.txt",
        "country": "countryInfo.txt",
    }
    missing = [name for role, name in wanted.items() if files[role] is None]
    if missing:
        raise MissingDumpFileError(
            f"GeoNames dump in {directory} lacks {'; '.join(missing)} (plain or .zip)"
        )
    return files


def _generate(files, min_population, progress) -> Iterator[PlaceRecord]:
    records: dict[int, PlaceRecord] = {}
    columns: dict[int, str] = {}  # alternatenames column, split only on output: less memory
    points = _CityPoints()

    for c in _rows(files["main"], 15, progress):
        fclass, fcode = c[6], c[7]
        # Decide on the cheap columns first: most of allCountries is skipped.
        if fclass == "P":
            kind = None if fcode in GONE_CODES else "city"
        else:
            kind = KIND_BY_CODE.get(fcode)
        if kind is None:
            continue
        lat, lon, population = float(c[4]), float(c[5]), int(c[14] or 0)
        # Codes repeat across hundreds of thousands of rows: share one string each.
        cc, fcode = intern(c[8]), intern(fcode)
        # "00" is GeoNames' "no division at this level"; it names no real one.
        admin1 = intern(f"{cc}.{c[10]}") if c[10] not in ("", "00") else None
        admin2 = intern(f"{admin1}.{c[11]}") if admin1 and c[11] not in ("", "00") else None
        if kind == "city":
            points.add(cc, admin1, admin2, lat, lon)
            if population < min_population and fcode not in CAPITAL_CODES:
                continue
        gid = int(c[0])
        records[gid] = PlaceRecord(
            key=f"gn:{gid}", name=c[1], kind=kind, lat=lat, lon=lon,
            country_code=cc or None, geonameid=gid, admin1=admin1, admin2=admin2,
            population=population, feature_code=fcode, source="geonames",
            names=[c[2]] if c[2] != c[1] else [],
        )
        columns[gid] = c[3]

    for c in _rows(files["country"], 17, progress):
        if c[16]:
            _adopt(records, int(c[16]), "country", c[4], [], points.mean(c[0]),
                   country_code=c[0], population=int(c[7] or 0),
                   neighbours=[n for n in (c[17] if len(c) > 17 else "").split(",") if n])
    for c in _rows(files["admin1"], 4, progress):
        _adopt(records, int(c[3]), "admin1", c[1], [c[2]], points.midpoint(c[0]),
               country_code=c[0].split(".")[0], admin1=c[0], feature_code="ADM1")
    for c in _rows(files["admin2"], 4, progress):
        parts = c[0].split(".")
        _adopt(records, int(c[3]), "admin2", c[1], [c[2]], points.midpoint(c[0]),
               country_code=parts[0], admin1=".".join(parts[:2]), admin2=c[0],
               feature_code="ADM2")

    names, codes = {}, {}
    if files["alternates"] is not None:
        names, codes = _read_alternate_names(files["alternates"], records, progress)
    for gid, record in records.items():
        extra = names.pop(gid, [])
        # The alternatenames column mixes in codes (IATA "IEV"): drop a name
        # that the alternate-names table only knows as a code.
        drop = codes.pop(gid, set()).difference(extra)
        column = [n for n in columns.pop(gid, "").split(",") if n not in drop]
        record.names = _distinct(record.name, [*record.names, *column, *extra])
        yield record


def _adopt(records, gid, kind, name, names, fallback, **fields) -> None:
    """Turn a code-file entry into a record: patch the main-table row of the
    same id, or create one placed at ``fallback``."""
    record = records.get(gid)
    if record is None:
        if fallback is not None:
            records[gid] = PlaceRecord(
                key=f"gn:{gid}", name=name, kind=kind, lat=fallback[0], lon=fallback[1],
                geonameid=gid, source="geonames", names=list(names), **fields,
            )
    elif record.kind == kind:  # else the id is already in as something else (AQ is a CONT)
        record.names[:0] = [record.name, *names]
        record.name = name
        for attr, value in fields.items():
            setattr(record, attr, value)


def _read_alternate_names(path: Path, records: dict[int, PlaceRecord], progress):
    """Names by geonameid, and the code-like strings (IATA, postal...) by geonameid."""
    # The real file has ~18M rows: compare ids as strings and keep only ours.
    wanted = {str(gid) for gid in records}
    names: dict[int, list[str]] = {}
    codes: dict[int, set[str]] = {}
    for c in _rows(path, 8, progress):
        if c[1] not in wanted:
            continue
        if c[2] not in PSEUDO_LANGUAGES:  # historic names stay: "Artemivsk" is still in the news
            names.setdefault(int(c[1]), []).append(c[3])
        elif c[2] != "abbr":  # an abbreviation ("USA") is no name to add, nor one to drop
            codes.setdefault(int(c[1]), set()).add(c[3])
    return names, codes


def _distinct(name: str, names: list[str]) -> list[str]:
    seen = {name}
    out = []
    for n in names:
        n = n.strip()
        if n and n not in seen:
            seen.add(n)
            out.append(n)
    return out


class _CityPoints:
    """Where the populated places of each country and admin division lie."""

    def __init__(self) -> None:
        self.sums: dict[str, list[float]] = {}  # "UA" -> [sum lat, sum lon, count]
        self.boxes: dict[str, list[float]] = {}  # "UA.05" -> [lat0, lon0, lat1, lon1]

    def add(self, cc: str, admin1: str | None, admin2: str | None, lat: float, lon: float) -> None:
        s = self.sums.setdefault(cc, [0.0, 0.0, 0])
        s[0] += lat
        s[1] += lon
        s[2] += 1
        for code in (admin1, admin2):
            if code:
                b = self.boxes.setdefault(code, [lat, lon, lat, lon])
                b[0], b[1] = min(b[0], lat), min(b[1], lon)
                b[2], b[3] = max(b[2], lat), max(b[3], lon)

    def mean(self, cc: str) -> tuple[float, float] | None:
        s = self.sums.get(cc)
        return (s[0] / s[2], s[1] / s[2]) if s else None

    def midpoint(self, code: str) -> tuple[float, float] | None:
        # Naive in longitude: wrong for the few divisions crossing 180°.
        b = self.boxes.get(code)
        return ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2) if b else None


def _rows(path: Path, min_columns: int, progress) -> Iterator[list[str]]:
    """Tab-split data lines of one dump file, skipping blanks and '#' comments."""
    if progress:
        progress(f"reading {path.name}")
    with _open_text(path) as lines:
        for number, line in enumerate(lines, 1):
            if progress and number % 1_000_000 == 0:
                progress(f"{path.name}: {number:,} lines")
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            columns = line.split("\t")
            if len(columns) < min_columns:
                raise GeoNamesDumpError(
                    f"{path} line {number}: {len(columns)} tab-separated columns, "
                    f"expected at least {min_columns}; is this the official layout?"
                )
            yield columns


@contextmanager
def _open_text(path: Path) -> Iterator[io.TextIOBase]:
    if path.suffix != ".zip":
        with open(path, encoding="utf-8") as f:
            yield f
        return
    member = f"{path.stem}.txt"
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as e:
        raise GeoNamesDumpError(f"{path} is not a readable zip: {e}") from e
    with archive:
        found = [n for n in archive.namelist() if n.rsplit("/", 1)[-1] == member]
        if not found:
            raise GeoNamesDumpError(f"{path} holds no {member}")
        with archive.open(found[0]) as raw, io.TextIOWrapper(raw, encoding="utf-8") as f:
            yield f
