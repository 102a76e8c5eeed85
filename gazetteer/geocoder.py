"""A geopy geocoder over the local gazetteer, with an optional cached online fallback.

``GazetteerGeocoder`` answers from the built gazetteer only and never touches the
network::

    >>> geocoder = GazetteerGeocoder(Gazetteer.open())
    >>> geocoder.geocode("Bakhmut")
    Location(Bakhmut, Donetska oblast, Ukraine, (48.59419, 37.99886, 0.0))
    >>> geocoder.geocode("Paris, Texas").raw["admin1"]
    'US.TX'

Query forms: a name ("Bakhmut", "Kyiv"), a case-sensitive code ("US", "U.K.";
also any ISO 3166 alpha-2 country code and, written in capitals, the last part
of an admin-1 code such as "TX" for "US.TX"), and "X, Y[, Z]" where every part
after the first names a country or an admin-1 region by name or code and
restricts X to places inside it ("Paris, Texas", "Springfield, IL",
"Alexandria, Egypt"). A query whose trailing parts name no such container is
looked up whole, so names that contain a comma still match.

Ranking, best first (kept deliberately simple; the geoparser's resolver, which
sees the whole text, is much finer):

1. the curated news-sense preference for the name (``Gazetteer.preferred``);
2. the kind tier: large named areas (countries, continents, curated regions,
   seas, straits), then admin-1 regions and rivers, then populated places, then
   admin-2 districts. A region named like a town that lies inside it (the
   Kherson oblast and Kherson; the Land of Berlin and Berlin) ranks with the
   admin-2 districts, after the town;
3. population, larger first; then the gazetteer id, so ties are stable.

``country_codes`` and ``kinds`` filter the candidates before they are ranked.

Online fallback, off by default: pass ``fallback=`` any geopy geocoder, or any
callable taking ``(query, exactly_one=...)``, and it is asked only when the
gazetteer has no match. Online services have usage policies; keep the fallback
slow and cached, e.g.::

    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders import Nominatim

    online = RateLimiter(Nominatim(user_agent="your-app/1.0").geocode, min_delay_seconds=1)
    geocoder = GazetteerGeocoder(fallback=CachedGeocoder(online, "~/.cache/your-app/geocodes.sqlite"))

``CachedGeocoder`` keeps every answer (misses included) in an SQLite file, so a
query repeated in this or a later process never reaches the service again.

``reverse`` gives the nearest populated place within ``REVERSE_RADIUS_KM`` of a
point (a bounding-box scan of the places table, a few tens of milliseconds).
Addresses name the admin-1 region and country from ``Gazetteer.containers()``;
``reverse`` reads candidates with ``Gazetteer.in_box()``.
"""
from __future__ import annotations

import json
import math
import re
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from geopy.distance import great_circle
from geopy.exc import GeocoderQueryError
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from gazetteer.lookup import Gazetteer
from gazetteer.model import KINDS, Place
from gazetteer.normalize import name_key

__all__ = ["CachedGeocoder", "GazetteerGeocoder", "REVERSE_RADIUS_KM"]

REVERSE_RADIUS_KM = 50.0

# Kind tiers for ranking (lower first); see the module docstring.
_KIND_TIER = {"country": 0, "continent": 0, "region": 0, "sea": 0, "strait": 0,
              "admin1": 1, "river": 1, "city": 2, "admin2": 3}
_NAMESAKE_TIER = 3
# A query written as a bare code: "FR" (a country), "TX" (the admin-1 "US.TX").
_CODE_QUERY = re.compile(r"[A-Z]{2,3}")
_KM_PER_DEGREE = 111.195

GeocodeCallable = Callable[..., Any]


class GazetteerGeocoder(Geocoder):
    """Forward (and nearest-place reverse) geocoding over the local gazetteer.

    ``gazetteer``: an open :class:`Gazetteer`; when omitted, one is opened from
    ``data_dir`` (default ``GEOMAP_DATA_DIR``) on first use, building it first when
    it is missing. ``fallback``: asked when the gazetteer has no match; a geopy
    geocoder or a callable such as a ``RateLimiter`` (see the module docstring).
    """

    def __init__(self, gazetteer: Gazetteer | None = None, *, data_dir: Path | str | None = None,
                 fallback: Geocoder | GeocodeCallable | None = None):
        super().__init__()
        if gazetteer is not None and data_dir is not None:
            raise TypeError("pass either a gazetteer or a data_dir, not both")
        self._gazetteer = gazetteer
        self._data_dir = Path(data_dir).expanduser() if data_dir is not None else None
        self.fallback = fallback
        self._fallback_call = _geocode_callable(fallback) if fallback is not None else None
        self._lock = threading.Lock()
        self._admin1s: dict[str, tuple[int, str]] | None = None  # "US.TX" -> (place id, name)
        self._countries: dict[str, tuple[int, str]] | None = None  # "US" -> (place id, name)
        self._admin1_suffixes: dict[str, set[str]] | None = None  # "TX" -> {"US.TX"}

    @property
    def gazetteer(self) -> Gazetteer:
        with self._lock:
            if self._gazetteer is None:
                self._gazetteer = Gazetteer.open(self._data_dir)
            return self._gazetteer

    # -- forward -------------------------------------------------------------

    def geocode(self, query: str, *, exactly_one: bool = True, country_codes: str | Iterable[str] | None = None,
                kinds: str | Iterable[str] | None = None, limit: int | None = None
                ) -> Location | list[Location] | None:
        """The place(s) ``query`` names: a :class:`Location`, a list of them when
        ``exactly_one`` is false (best first, at most ``limit``), or ``None``.

        ``country_codes`` (ISO alpha-2, any case) and ``kinds`` (see
        ``gazetteer.KINDS``) keep only matching places, before ranking. They do
        not reach the fallback, which is given the query and ``exactly_one`` only.
        """
        text = _check_query(query)
        countries = _country_filter(country_codes)
        wanted = _kind_filter(kinds)
        if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
            raise GeocoderQueryError(f"limit must be a positive integer, got {limit!r}")

        ranked = self._ranked(text, lambda p: (countries is None or p.country_code in countries)
                              and (wanted is None or p.kind in wanted))
        if ranked:
            if exactly_one:
                return self._location(ranked[0])
            return [self._location(p) for p in ranked[:limit]]
        if self._fallback_call is None:
            return None
        found = self._fallback_call(text, exactly_one=exactly_one)
        if not exactly_one and isinstance(found, list) and limit is not None:
            found = found[:limit]
        return found or None

    def _ranked(self, text: str, keep: Callable[[Place], bool]) -> list[Place]:
        """The places ``text`` names that ``keep`` accepts, best first."""
        name, _, rest = text.partition(",")
        if rest:
            containers = [self._container(part.strip()) for part in rest.split(",")]
            if all(containers):
                inside = [p for p in self._matches(name.strip())
                          if keep(p) and all(_within(p, *container) for container in containers)]
                return self._rank(name.strip(), inside)
        return self._rank(text, [p for p in self._matches(text) if keep(p)])

    def _matches(self, text: str) -> list[Place]:
        """Every place ``text`` may name, without duplicates."""
        places = list(self.gazetteer.candidates(text))
        if _CODE_QUERY.fullmatch(text) and text not in self.gazetteer.codes:
            gazetteer = self.gazetteer
            if text in self._country_names():
                places.append(gazetteer.get(self._country_names()[text][0]))
            for code in sorted(self._suffixes().get(text, ())):
                places.append(gazetteer.get(self._admin1_names()[code][0]))
        unique: dict[int, Place] = {}
        for place in places:
            unique.setdefault(place.id, place)
        return list(unique.values())

    def _rank(self, name: str, places: list[Place]) -> list[Place]:
        preferred = self.gazetteer.preferred(name_key(name))
        cities = [p for p in places if p.kind == "city"]

        def tier(place: Place) -> int:
            if place.kind in ("admin1", "admin2") and any(_inside(c, place) for c in cities):
                return _NAMESAKE_TIER
            return _KIND_TIER.get(place.kind, _NAMESAKE_TIER)

        return sorted(places, key=lambda p: (p.id != preferred, tier(p), -p.population, p.id))

    def _container(self, text: str) -> tuple[frozenset[str], frozenset[str]] | None:
        """(country codes, admin-1 codes) that ``text`` names, or None when it names neither."""
        countries: set[str] = set()
        admin1s: set[str] = set()
        for place in self.gazetteer.candidates(text):
            if place.kind == "country" and place.country_code:
                countries.add(place.country_code)
            elif place.kind == "admin1" and place.admin1:
                admin1s.add(place.admin1)
        if _CODE_QUERY.fullmatch(text):
            if text in self._country_names():
                countries.add(text)
            admin1s.update(self._suffixes().get(text, ()))
        if text in self._admin1_names():  # a full code: "US.TX"
            admin1s.add(text)
        return (frozenset(countries), frozenset(admin1s)) if countries or admin1s else None

    # -- reverse -------------------------------------------------------------

    def reverse(self, query: Point | str | tuple[float, float], *, exactly_one: bool = True
                ) -> Location | list[Location] | None:
        """The populated place nearest to ``query`` (a Point, "lat, lon" or
        (lat, lon)) within ``REVERSE_RADIUS_KM``, or all of them nearest first when
        ``exactly_one`` is false; ``None`` when there is none. ``raw`` carries
        ``distance_km``. The fallback is not consulted."""
        try:
            point = query if isinstance(query, Point) else Point(query)
        except (TypeError, ValueError) as exc:
            raise GeocoderQueryError(f"not a point: {query!r} ({exc})") from exc
        lat, lon = point.latitude, point.longitude
        dlat = REVERSE_RADIUS_KM / _KM_PER_DEGREE
        cos_lat = math.cos(math.radians(min(abs(lat) + dlat, 90.0)))
        dlon = REVERSE_RADIUS_KM / (_KM_PER_DEGREE * cos_lat) if cos_lat > 1e-9 else 360.0
        ranges = _lon_ranges(lon - dlon, lon + dlon) if dlon < 180.0 else [(-180.0, 180.0)]
        places = self.gazetteer.in_box(lat - dlat, lat + dlat, ranges)
        near = sorted((km, -place.population, place.id, place) for place in places
                      if (km := great_circle((lat, lon), (place.lat, place.lon)).km) <= REVERSE_RADIUS_KM)
        if not near:
            return None
        found = [self._location(place, distance_km=round(km, 3)) for km, _, _, place in near[:1 if exactly_one else None]]
        return found[0] if exactly_one else found

    # -- results -------------------------------------------------------------

    def _location(self, place: Place, **extra: Any) -> Location:
        admin1_name = country_name = None
        if place.kind not in ("country", "admin1") and place.admin1 in self._admin1_names():
            admin1_name = self._admin1_names()[place.admin1][1]
        if place.kind != "country" and place.country_code in self._country_names():
            country_name = self._country_names()[place.country_code][1]
        parts = [place.name]
        for part in (admin1_name, country_name):
            if part and part != parts[-1]:
                parts.append(part)
        raw = {
            "place_id": place.id, "geonameid": place.geonameid, "name": place.name, "kind": place.kind,
            "lat": place.lat, "lon": place.lon, "country_code": place.country_code, "admin1": place.admin1,
            "admin2": place.admin2, "population": place.population, "feature_code": place.feature_code,
            "precision": place.precision, "source": place.source, "admin1_name": admin1_name,
            "country_name": country_name, **extra,
        }
        return Location(", ".join(parts), (place.lat, place.lon), raw)

    def _admin1_names(self) -> dict[str, tuple[int, str]]:
        if self._admin1s is None:
            self._load_containers()
        return self._admin1s

    def _country_names(self) -> dict[str, tuple[int, str]]:
        if self._countries is None:
            self._load_containers()
        return self._countries

    def _suffixes(self) -> dict[str, set[str]]:
        if self._admin1_suffixes is None:
            self._load_containers()
        return self._admin1_suffixes

    def _load_containers(self) -> None:
        # Ordered by population so that, should a code occur twice, the larger place wins.
        admin1s: dict[str, tuple[int, str]] = {}
        countries: dict[str, tuple[int, str]] = {}
        suffixes: dict[str, set[str]] = {}
        for place in self.gazetteer.containers():
            kind, country_code, admin1, place_id, name = place.kind, place.country_code, place.admin1, place.id, place.name
            if kind == "country" and country_code:
                countries[country_code] = (place_id, name)
            elif kind == "admin1" and admin1:
                admin1s[admin1] = (place_id, name)
                suffix = admin1.partition(".")[2]
                if _CODE_QUERY.fullmatch(suffix):
                    suffixes.setdefault(suffix, set()).add(admin1)
        self._admin1s, self._countries, self._admin1_suffixes = admin1s, countries, suffixes


class CachedGeocoder(Geocoder):
    """Any geocoder (or geocoding callable) with its answers kept in an SQLite file.

    Answers are stored per (query, exactly_one) as JSON lists of
    ``[address, lat, lon, raw]``; misses are stored too. Nothing expires: delete
    the file (or call :meth:`forget`) to ask the service again. Use one file per
    service, since the key does not name the service.
    """

    def __init__(self, geocoder: Geocoder | GeocodeCallable, path: Path | str):
        super().__init__()
        self.geocoder = geocoder
        self._call = _geocode_callable(geocoder)
        self.path = Path(path).expanduser()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._conn:
            self._conn.execute("CREATE TABLE IF NOT EXISTS geocodes (query TEXT NOT NULL, "
                               "exactly_one INTEGER NOT NULL, results TEXT NOT NULL, stored REAL NOT NULL, "
                               "PRIMARY KEY (query, exactly_one))")

    def geocode(self, query: str, *, exactly_one: bool = True) -> Location | list[Location] | None:
        text = _check_query(query)
        key = (" ".join(text.split()), int(bool(exactly_one)))
        with self._lock:
            row = self._conn.execute("SELECT results FROM geocodes WHERE query = ? AND exactly_one = ?",
                                     key).fetchone()
        if row is not None:
            locations = [Location(address, (lat, lon), raw) for address, lat, lon, raw in json.loads(row[0])]
        else:
            found = self._call(text, exactly_one=exactly_one)
            locations = [] if found is None else [found] if isinstance(found, Location) else list(found)
            results = [[loc.address, loc.latitude, loc.longitude, loc.raw] for loc in locations]
            with self._lock, self._conn:
                self._conn.execute("INSERT OR REPLACE INTO geocodes VALUES (?, ?, ?, ?)",
                                   (*key, json.dumps(results, default=str), time.time()))
        if not locations:
            return None
        return locations[0] if exactly_one else locations

    def forget(self, query: str) -> None:
        """Drop the stored answers for ``query``, so the next call asks the service."""
        with self._lock, self._conn:
            self._conn.execute("DELETE FROM geocodes WHERE query = ?", (" ".join(query.split()),))

    def close(self) -> None:
        self._conn.close()


def _geocode_callable(geocoder: Any) -> GeocodeCallable:
    call = getattr(geocoder, "geocode", geocoder)
    if not callable(call):
        raise TypeError(f"expected a geocoder or a callable, got {geocoder!r}")
    return call


def _check_query(query: Any) -> str:
    if not isinstance(query, str):
        raise GeocoderQueryError(f"query must be a string, got {type(query).__name__}")
    text = query.strip()
    if not text:
        raise GeocoderQueryError("query is empty")
    return text


def _country_filter(codes: str | Iterable[str] | None) -> frozenset[str] | None:
    if codes is None:
        return None
    codes = [codes] if isinstance(codes, str) else list(codes)
    return frozenset(c.upper() for c in codes)


def _kind_filter(kinds: str | Iterable[str] | None) -> frozenset[str] | None:
    if kinds is None:
        return None
    kinds = frozenset([kinds] if isinstance(kinds, str) else kinds)
    unknown = kinds - set(KINDS)
    if unknown:
        raise GeocoderQueryError(f"unknown kind(s) {sorted(unknown)}; expected some of {list(KINDS)}")
    return kinds


def _within(place: Place, countries: frozenset[str], admin1s: frozenset[str]) -> bool:
    return place.country_code in countries or place.admin1 in admin1s


def _inside(city: Place, region: Place) -> bool:
    """Whether ``city`` lies in the admin region ``region`` (which it is named like)."""
    if region.kind == "admin1":
        return region.admin1 is not None and city.admin1 == region.admin1
    return region.admin2 is not None and city.admin2 == region.admin2


def _lon_ranges(low: float, high: float) -> list[tuple[float, float]]:
    """[low, high] as one or two ranges inside [-180, 180] (split at the antimeridian)."""
    if low < -180.0:
        return [(-180.0, high), (low + 360.0, 180.0)]
    if high > 180.0:
        return [(low, 180.0), (-180.0, high - 360.0)]
    return [(low, high)]
