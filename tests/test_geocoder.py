"""GazetteerGeocoder over the real default gazetteer; the online fallback and its
cache against a dict-backed stand-in for an online service (never the network)."""
from __future__ import annotations

import pytest
from geopy.distance import great_circle
from geopy.exc import GeocoderQueryError
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from gazetteer.geocoder import REVERSE_RADIUS_KM, CachedGeocoder, GazetteerGeocoder

RAW_KEYS = {"geonameid", "name", "kind", "country_code", "population", "admin1", "admin2", "feature_code",
            "place_id", "precision"}


class DictGeocoder(Geocoder):
    """A stand-in for an online service: answers from a dict and records every call."""

    def __init__(self, places: dict[str, list[tuple[str, float, float]]]):
        super().__init__()
        self.places = places
        self.calls: list[tuple[str, bool]] = []

    def geocode(self, query, *, exactly_one=True):
        self.calls.append((query, exactly_one))
        found = [Location(address, (lat, lon), {"display_name": address, "service": "dict"})
                 for address, lat, lon in self.places.get(query, [])]
        if not found:
            return None
        return found[0] if exactly_one else found


ONLINE = {
    "Qwzxland": [("Qwzxland, Ocean", 31.0, -24.0)],
    "Plorvania": [("Plorvania, Indian Ocean", -10.0, 70.0), ("Plorvania, Pacific", 5.0, -150.0)],
}


@pytest.fixture(scope="module")
def geocoder(gazetteer) -> GazetteerGeocoder:
    return GazetteerGeocoder(gazetteer)


def test_is_a_geopy_geocoder(geocoder):
    assert isinstance(geocoder, Geocoder)
    assert isinstance(CachedGeocoder(DictGeocoder({}), ":memory:"), Geocoder)


def test_bakhmut(geocoder):
    location = geocoder.geocode("Bakhmut")
    assert isinstance(location, Location)
    assert great_circle(location.point, (48.594, 37.999)).km < 1
    assert location.raw["geonameid"] == 713174
    assert location.raw["country_code"] == "UA"
    assert location.raw["kind"] == "city" and location.raw["precision"] == 1
    assert RAW_KEYS <= set(location.raw)
    assert location.address.startswith("Bakhmut, ") and location.address.endswith(", Ukraine")
    assert location.raw["admin1_name"] in location.address


def test_query_is_stripped(geocoder):
    assert geocoder.geocode("  Bakhmut \n").raw["geonameid"] == 713174


def test_curated_preference_makes_kyiv_the_city(geocoder):
    location = geocoder.geocode("Kyiv")
    assert location.raw["geonameid"] == 703448
    assert location.raw["kind"] == "city"
    assert location.address == "Kyiv, Ukraine"  # the admin-1 region of the same name is not repeated


def test_washington_is_the_capital(geocoder):
    assert geocoder.geocode("Washington").raw["geonameid"] == 4140963


def test_paris_alone_is_france_and_paris_texas_is_in_texas(geocoder):
    assert geocoder.geocode("Paris").raw["country_code"] == "FR"
    location = geocoder.geocode("Paris, Texas")
    assert location.raw["country_code"] == "US"
    assert location.raw["admin1"] == "US.TX"
    assert location.address == "Paris, Texas, United States"


@pytest.mark.parametrize("query", ["Springfield, Illinois", "Springfield, IL", "Springfield, US.IL",
                                   "Springfield, Illinois, United States"])
def test_admin1_container_by_name_or_code(geocoder, query):
    location = geocoder.geocode(query)
    assert location.raw["admin1"] == "US.IL"
    assert location.raw["name"] == "Springfield"


def test_country_container(geocoder):
    location = geocoder.geocode("Alexandria, Egypt")
    assert location.raw["country_code"] == "EG"
    assert location.raw["kind"] == "city"


def test_container_with_no_such_place_inside_is_a_miss(geocoder):
    assert geocoder.geocode("Bakhmut, Texas") is None


def test_codes(geocoder):
    us = geocoder.geocode("US")
    assert us.raw["kind"] == "country" and us.raw["country_code"] == "US"
    assert us.address == "United States"
    assert geocoder.geocode("U.K.").raw["country_code"] == "GB"
    assert geocoder.geocode("FR").raw["kind"] == "country"  # any ISO alpha-2 code
    assert geocoder.geocode("TX").raw["admin1"] == "US.TX"  # the end of an admin-1 code


def test_namesake_region_ranks_after_its_town(geocoder):
    # No curated preference for Berlin: the city wins over the Land all the same.
    location = geocoder.geocode("Berlin")
    assert location.raw["kind"] == "city" and location.raw["country_code"] == "DE"


def test_several_results_sorted(geocoder):
    locations = geocoder.geocode("Springfield", exactly_one=False)
    assert len(locations) > 3
    assert all(isinstance(loc, Location) for loc in locations)
    first = locations[0].raw
    assert (first["name"], first["admin1"]) == ("Springfield", "US.MO")  # the most populous
    cities = [loc.raw["population"] for loc in locations if loc.raw["kind"] == "city"]
    assert cities == sorted(cities, reverse=True)
    assert len({loc.raw["place_id"] for loc in locations}) == len(locations)
    assert geocoder.geocode("Springfield", exactly_one=False, limit=2) == locations[:2]


def test_kinds_and_country_filters(geocoder):
    assert geocoder.geocode("Texas").raw["kind"] == "admin1"
    texas_town = geocoder.geocode("Texas", kinds=["city"])
    assert texas_town.raw["kind"] == "city" and texas_town.raw["country_code"] == "MX"
    assert geocoder.geocode("Kyiv", kinds="admin1").raw["admin1"] == "UA.12"
    assert geocoder.geocode("Paris", country_codes="us").raw["admin1"] == "US.TX"
    assert all(loc.raw["country_code"] in {"US", "CA"}
               for loc in geocoder.geocode("Paris", exactly_one=False, country_codes=["US", "CA"]))
    assert geocoder.geocode("Bakhmut", kinds=["country"]) is None


@pytest.mark.parametrize("options", [{"kinds": ["town"]}, {"limit": 0}, {"limit": "3"}])
def test_bad_options_rejected(geocoder, options):
    with pytest.raises(GeocoderQueryError):
        geocoder.geocode("Paris", **options)


def test_unknown_name_is_none(geocoder):
    assert geocoder.geocode("Qwzxplorvia") is None
    assert geocoder.geocode("Qwzxplorvia", exactly_one=False) is None


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
def test_empty_query_rejected(geocoder, query):
    with pytest.raises(GeocoderQueryError, match="empty") as info:
        geocoder.geocode(query)
    assert isinstance(info.value, ValueError)


def test_non_string_query_rejected(geocoder):
    with pytest.raises(GeocoderQueryError):
        geocoder.geocode(None)


def test_reverse_nearest_place(geocoder):
    location = geocoder.reverse("48.60, 38.00")
    assert location.raw["geonameid"] == 713174
    assert location.raw["distance_km"] < 2
    nearby = geocoder.reverse((48.60, 38.00), exactly_one=False)
    distances = [loc.raw["distance_km"] for loc in nearby]
    assert distances == sorted(distances) and distances[-1] <= REVERSE_RADIUS_KM
    assert len(nearby) > 1


def test_reverse_far_from_everything_is_none(geocoder):
    assert geocoder.reverse((0.0, -140.0)) is None  # the middle of the Pacific


def test_reverse_rejects_a_non_point(geocoder):
    with pytest.raises(GeocoderQueryError):
        geocoder.reverse("not a point")


def test_opens_the_gazetteer_lazily(data_dir):
    lazy = GazetteerGeocoder(data_dir=data_dir)
    assert lazy._gazetteer is None
    assert lazy.geocode("Bakhmut").raw["geonameid"] == 713174
    with pytest.raises(TypeError):
        GazetteerGeocoder(lazy.gazetteer, data_dir=data_dir)


def test_fallback_only_when_the_gazetteer_misses(gazetteer):
    online = DictGeocoder(ONLINE)
    geocoder = GazetteerGeocoder(gazetteer, fallback=online)
    assert geocoder.geocode("Bakhmut").raw["geonameid"] == 713174
    assert online.calls == []
    assert geocoder.geocode("Qwzxland").address == "Qwzxland, Ocean"
    assert geocoder.geocode("Plorvania", exactly_one=False, limit=1)[0].address == "Plorvania, Indian Ocean"
    assert geocoder.geocode("Nowhere at all") is None
    assert online.calls == [("Qwzxland", True), ("Plorvania", False), ("Nowhere at all", True)]


def test_fallback_may_be_a_plain_callable(gazetteer):
    online = DictGeocoder(ONLINE)
    geocoder = GazetteerGeocoder(gazetteer, fallback=online.geocode)  # as a RateLimiter would wrap it
    assert geocoder.geocode("Qwzxland").latitude == 31.0
    with pytest.raises(TypeError):
        GazetteerGeocoder(gazetteer, fallback=42)


def test_cache_persists_across_instances(tmp_path):
    path = tmp_path / "cache" / "geocodes.sqlite"
    online = DictGeocoder(ONLINE)
    first = CachedGeocoder(online, path)
    atlantis = first.geocode("Qwzxland")
    assert atlantis.address == "Qwzxland, Ocean" and atlantis.raw["service"] == "dict"
    lemuria = first.geocode("Plorvania", exactly_one=False)
    assert first.geocode("Nowhere") is None
    assert first.geocode("Qwzxland") == atlantis
    assert len(online.calls) == 3
    first.close()

    again = DictGeocoder(ONLINE)
    second = CachedGeocoder(again, path)
    assert second.geocode("Qwzxland") == atlantis
    assert second.geocode("  Qwzxland ") == atlantis
    assert second.geocode("Plorvania", exactly_one=False) == lemuria
    assert second.geocode("Nowhere") is None  # misses are remembered too
    assert again.calls == []

    second.forget("Qwzxland")
    assert second.geocode("Qwzxland") == atlantis
    assert again.calls == [("Qwzxland", True)]
    second.close()


def test_cache_as_the_fallback(gazetteer, tmp_path):
    online = DictGeocoder(ONLINE)
    path = tmp_path / "geocodes.sqlite"
    for _ in range(2):
        geocoder = GazetteerGeocoder(gazetteer, fallback=CachedGeocoder(online, path))
        assert geocoder.geocode("Qwzxland").address == "Qwzxland, Ocean"
        assert geocoder.geocode("Kyiv").raw["geonameid"] == 703448
    assert online.calls == [("Qwzxland", True)]


def test_cache_rejects_empty_query(tmp_path):
    with pytest.raises(GeocoderQueryError):
        CachedGeocoder(DictGeocoder(ONLINE), tmp_path / "c.sqlite").geocode(" ")
