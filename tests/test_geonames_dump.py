"""Tests for the GeoNames dump reader over hand-written fixtures in the official layout."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from gazetteer.sources.geonames_dump import GeoNamesDumpError, iter_records

FIXTURES = Path(__file__).parent / "fixtures" / "geonames"
CODE_FILES = ("admin1CodesASCII.txt", "admin2Codes.txt", "countryInfo.txt", "alternateNamesV2.txt")


def by_key(directory, **kwargs):
    records = list(iter_records(directory, **kwargs))
    keyed = {r.key: r for r in records}
    assert len(keyed) == len(records), "keys must be unique within one source"
    return keyed


@pytest.fixture(scope="module")
def places():
    return by_key(FIXTURES)


def test_city_fields_mapped(places):
    bakhmut = places["gn:713174"]
    assert bakhmut.kind == "city"
    assert bakhmut.name == "Bakhmut"
    assert (bakhmut.lat, bakhmut.lon) == (48.5953, 38.0009)
    assert bakhmut.geonameid == 713174
    assert bakhmut.country_code == "UA"
    assert bakhmut.admin1 == "UA.05"
    assert bakhmut.admin2 == "UA.05.1402"
    assert bakhmut.population == 73212
    assert bakhmut.feature_code == "PPLA2"
    assert bakhmut.source == "geonames"
    assert {"Bachmut", "Бахмут", "Artemivsk", "Артемівськ"} <= set(bakhmut.names)
    assert "Bakhmut" not in bakhmut.names  # the name itself is not repeated


def test_exactly_the_useful_features_are_kept(places):
    kinds = {key: r.kind for key, r in places.items()}
    assert kinds == {
        "gn:6255148": "continent",  # Europe
        "gn:630673": "sea",  # Black Sea
        "gn:707226": "strait",  # Kerch Strait
        "gn:12217846": "region",  # Donbas
        "gn:690791": "country",
        "gn:3017382": "country",
        "gn:6252001": "country",
        "gn:2921044": "country",  # Germany: countryInfo only
        "gn:709716": "admin1",
        "gn:703447": "admin1",  # Kyiv City: admin1CodesASCII only
        "gn:3012874": "admin1",
        "gn:5815135": "admin1",
        "gn:4138106": "admin1",
        "gn:2950157": "admin1",  # Berlin state: admin1CodesASCII only
        "gn:11902371": "admin2",
        "gn:11902372": "admin2",  # Kramatorskyi Raion: admin2Codes only
        "gn:2968815": "admin2",
        "gn:5799783": "admin2",  # King County: admin2Codes only
        "gn:713174": "city",
        "gn:704508": "city",
        "gn:700646": "city",
        "gn:703448": "city",
        "gn:2988507": "city",
        "gn:2950159": "city",
        "gn:4140963": "city",
        "gn:5809844": "city",
        "gn:5811696": "city",
    }
    # Skipped: the hill (T HLL), the river (H STM), the 120-person village,
    # Antarctica (no coordinates anywhere) and Kharkiv Oblast (no places in it).
    for skipped in ("gn:696730", "gn:709930", "gn:689541", "gn:6697173", "gn:706482"):
        assert skipped not in places


def test_admin_codes_normalised(places):
    assert places["gn:709716"].admin1 == "UA.05" and places["gn:709716"].admin2 is None
    assert places["gn:2968815"].admin2 == "FR.11.75"
    # Berlin's row has admin2 "00" and Ukraine's admin1 "00": GeoNames' "none".
    assert places["gn:2950159"].admin1 == "DE.16" and places["gn:2950159"].admin2 is None
    assert places["gn:690791"].admin1 is None


def test_population_threshold():
    low = by_key(FIXTURES, min_population=100)
    assert low["gn:689541"].kind == "city"  # Vesela Dolyna, population 120

    high = by_key(FIXTURES, min_population=1_000_000)
    assert "gn:713174" not in high  # Bakhmut, 73,212
    assert "gn:5809844" not in high  # Seattle, 737,015 (PPLA2 is no exemption)
    assert "gn:4140963" in high  # Washington, D.C.: PPLC is kept regardless
    assert "gn:703448" in high  # Kyiv, 2.8M


def test_alternate_names_filtered(places):
    every_name = {n for r in places.values() for n in r.names}
    assert not any(n.startswith("http") for n in every_name)  # 'link' rows
    assert "Q163872" not in every_name  # 'wkdt' row
    assert "75001" not in every_name  # 'post' row
    kyiv = places["gn:703448"]
    assert "Kiev" in kyiv.names  # historic, kept
    assert "IEV" not in kyiv.names  # in the column, but V2 knows it only as an IATA code
    assert "Lutèce" in places["gn:2988507"].names  # historic, only in V2
    usa = places["gn:6252001"]
    assert "United States of America" in usa.names
    assert "USA" in usa.names  # from the column; the 'abbr' row neither adds nor removes
    assert usa.names.count("USA") == 1


def test_countries_from_country_info(places):
    ukraine = places["gn:690791"]
    assert (ukraine.name, ukraine.country_code) == ("Ukraine", "UA")
    assert (ukraine.lat, ukraine.lon) == (49.0, 32.0)  # allCountries' PCLI row
    assert ukraine.population == 44622516
    assert "Україна" in ukraine.names

    germany = places["gn:2921044"]  # no row in allCountries: placed at its one city
    assert (germany.name, germany.country_code, germany.population) == ("Germany", "DE", 82927922)
    assert (germany.lat, germany.lon) == (52.52437, 13.41053)
    # countryInfo's last column: the countries each borders
    assert sorted(ukraine.neighbours) == ["BY", "HU", "MD", "PL", "RO", "RU", "SK"]
    assert "FR" in germany.neighbours and "UA" not in germany.neighbours


def test_admin_records_from_code_files(places):
    dc = places["gn:4138106"]
    assert dc.name == "Washington, D.C."  # admin1CodesASCII's name wins
    assert "District of Columbia" in dc.names  # allCountries' name is kept as a name
    assert (dc.lat, dc.lon, dc.population) == (38.91706, -77.00025, 689545)

    kyiv_city = places["gn:703447"]  # only in admin1CodesASCII: placed at its one city
    assert (kyiv_city.admin1, kyiv_city.country_code, kyiv_city.feature_code) == ("UA.12", "UA", "ADM1")
    assert (kyiv_city.lat, kyiv_city.lon) == (50.45466, 30.5238)

    raion = places["gn:11902372"]  # only in admin2Codes: bounding box of Kramatorsk + Sloviansk
    assert (raion.admin1, raion.admin2) == ("UA.05", "UA.05.1403")
    assert raion.lat == pytest.approx((48.72305 + 48.8528) / 2)
    assert raion.lon == pytest.approx((37.55629 + 37.6111) / 2)


def test_zipped_input_gives_identical_records(tmp_path):
    for txt in FIXTURES.glob("*.txt"):
        with zipfile.ZipFile(tmp_path / f"{txt.stem}.zip", "w", zipfile.ZIP_DEFLATED) as zf:
            zf.write(txt, txt.name)
    assert not list(tmp_path.glob("*.txt"))
    assert list(iter_records(tmp_path)) == list(iter_records(FIXTURES))


def test_old_alternate_names_layout_accepted(tmp_path):
    for name in ("allCountries.txt", *CODE_FILES[:3]):
        shutil.copy(FIXTURES / name, tmp_path / name)
    v2 = (FIXTURES / "alternateNamesV2.txt").read_text(encoding="utf-8").splitlines()
    old = ["\t".join(line.split("\t")[:8]) for line in v2]  # no from/to columns
    (tmp_path / "alternateNames.txt").write_text("\n".join(old) + "\n", encoding="utf-8")
    assert list(iter_records(tmp_path)) == list(iter_records(FIXTURES))


def test_cities_only_directory_uses_fallback_coordinates(tmp_path):
    # A cities500.txt as GeoNames cuts it: populated places of 500 or more.
    rows = [line.split("\t") for line in
            (FIXTURES / "allCountries.txt").read_text(encoding="utf-8").splitlines()]
    cities = [r for r in rows if r[6] == "P" and int(r[14]) >= 500]
    (tmp_path / "cities500.txt").write_text(
        "".join("\t".join(r) + "\n" for r in cities), encoding="utf-8")
    for name in CODE_FILES:
        shutil.copy(FIXTURES / name, tmp_path / name)

    places = by_key(tmp_path)
    kinds = {r.kind for r in places.values()}
    assert kinds == {"city", "country", "admin1", "admin2"}  # no seas etc. in citiesN

    ukraine = places["gn:690791"]  # equal-weight mean of Bakhmut, Kramatorsk, Sloviansk, Kyiv
    assert ukraine.name == "Ukraine" and ukraine.population == 44622516
    assert ukraine.lat == pytest.approx((48.5953 + 48.72305 + 48.8528 + 50.45466) / 4)
    assert ukraine.lon == pytest.approx((38.0009 + 37.55629 + 37.6111 + 30.5238) / 4)
    assert "Україна" not in ukraine.names  # only in the allCountries column

    donetsk = places["gn:709716"]  # midpoint of the bounding box of its three cities
    assert (donetsk.kind, donetsk.admin1, donetsk.name) == ("admin1", "UA.05", "Donetsk Oblast")
    assert donetsk.lat == pytest.approx((48.5953 + 48.8528) / 2)
    assert donetsk.lon == pytest.approx((37.55629 + 38.0009) / 2)
    assert "Донецкая область" in donetsk.names  # alternate names still joined by id

    washington = places["gn:5815135"]  # Seattle and Spokane span the state
    assert washington.lon == pytest.approx((-122.33207 + -117.42908) / 2)

    assert places["gn:713174"].admin1 == "UA.05"
    assert "Artemivsk" in places["gn:713174"].names


def test_missing_required_file_named(tmp_path):
    for name in ("allCountries.txt", "admin2Codes.txt", "countryInfo.txt"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    # Raised by the call itself, before any iteration.
    with pytest.raises(GeoNamesDumpError) as err:
        iter_records(tmp_path)
    assert isinstance(err.value, FileNotFoundError)
    assert "admin1CodesASCII.txt" in str(err.value) and str(tmp_path) in str(err.value)
    assert "admin2Codes" not in str(err.value)


def test_missing_main_table_named(tmp_path):
    for name in CODE_FILES:
        shutil.copy(FIXTURES / name, tmp_path / name)
    with pytest.raises(FileNotFoundError, match="allCountries.txt or cities500.txt"):
        iter_records(tmp_path)


def test_wrong_layout_reported_with_line(tmp_path):
    for name in CODE_FILES:
        shutil.copy(FIXTURES / name, tmp_path / name)
    (tmp_path / "allCountries.txt").write_text("703448\tKyiv\t50.45\t30.52\n", encoding="utf-8")
    with pytest.raises(GeoNamesDumpError, match="allCountries.txt line 1"):
        list(iter_records(tmp_path))


def test_progress_reports_each_file():
    messages = []
    list(iter_records(FIXTURES, progress=messages.append))
    for name in ("allCountries.txt", "countryInfo.txt", "admin1CodesASCII.txt",
                 "admin2Codes.txt", "alternateNamesV2.txt"):
        assert f"reading {name}" in messages
