"""English news spellings of place names (gazetteer.spellings): Arabic and Hebrew names, names
with marks for ejectives and soft signs, German names with umlauts, Ukrainian names in Ukraine's
own romanisation, and names opening with "Saint" or "Mount"; and what the build makes of them."""
from __future__ import annotations

import pytest

from gazetteer import name_key
from gazetteer.spellings import (abbreviated_spellings, arabic_spellings, german_spelling, hebrew_spellings,
                                 russian_news_spelling, russian_spellings, somali_spelling,
                                 ukrainian_spellings, unmarked_spelling)


@pytest.mark.parametrize("name, spelling", [
    ("Jisr ash Shughūr", "Jisr al Shughur"),  # the article as written, not as spoken
    ("Ma‘arrat an Nu‘mān", "Maarrat al Numan"),  # no marks for ayn and hamza
    ("Tall ‘Afar", "Tal Afar"),
    ("Tall Tamr", "Tell Tamr"),
    ("‘Ayn ‘Īsá", "Ain Isa"),
    ("Shabwah", "Shabwa"),  # no final h
])
def test_spellings_news_uses(name, spelling):
    assert spelling in arabic_spellings(name)


def test_without_the_article_only_when_asked():
    assert "Qaim" not in arabic_spellings("Al Qā’im")
    assert "Qaim" in arabic_spellings("Al Qā’im", without_article=True)
    assert "Raqqa" in arabic_spellings("Ar Raqqah", without_article=True)
    # "as" before another letter is no article: nothing to leave out
    assert arabic_spellings("As Bayt", without_article=True) == []


@pytest.mark.parametrize("name", ["Cairo", "Aleppo", "Beirut", "Al Bab"])
def test_names_without_another_spelling(name):
    assert arabic_spellings(name, without_article=True) == []


def test_never_the_name_itself_and_at_most_a_dozen():
    for name in ["Ar Raqqah", "Tall ‘Afar", "Jisr ash Shughūr", "‘Ayn at Tall ash Sharqīyah"]:
        spellings = arabic_spellings(name, without_article=True)
        assert name_key(name) not in map(name_key, spellings)
        assert len(spellings) <= 12


@pytest.mark.parametrize("name, spelling", [
    ("Kfar ‘Azza", "Kfar Azza"),
    ("Netiv Ha‘Asara", "Netiv Haasara"),
    ("Qiryat Ye‘arim", "Kiryat Yearim"),
    ("Kefar Sava", "Kfar Sava"),
])
def test_hebrew_spellings_news_uses(name, spelling):
    assert spelling in hebrew_spellings(name)


def test_hebrew_names_without_another_spelling():
    assert hebrew_spellings("Sderot") == [] and hebrew_spellings("Tel Aviv") == []


def test_the_build_gives_towns_their_news_spellings(gazetteer):
    [(tal_afar, name_type)] = [(p, t) for p, t in gazetteer.entries("tal afar") if p.country_code == "IQ"]
    assert (tal_afar.name, tal_afar.kind, name_type) == ("Tall ‘Afar", "city", "alt")
    assert any(p.name == "Jisr ash Shughūr" for p, _ in gazetteer.entries("jisr al shughur"))
    assert any(p.name == "Kfar ‘Azza" for p, _ in gazetteer.entries("kfar azza"))


def test_the_build_names_no_village_without_its_article(gazetteer):
    # Al Hussein, a Yemeni district, and Al Ittiḩād, a Palestinian village: a person and a word.
    assert not any(p.country_code in ("YE", "PS") for p, _ in gazetteer.entries("hussein"))
    assert not any(p.country_code == "PS" for p, _ in gazetteer.entries("ittihad"))


@pytest.mark.parametrize("name, spellings", [
    ("St. Paul", ["Saint Paul", "St Paul"]),
    ("Saint Lucia", ["St. Lucia", "St Lucia"]),
    ("Sainte Genevieve", ["Ste. Genevieve", "Ste Genevieve"]),
    ("Mt. Pleasant", ["Mount Pleasant", "Mt Pleasant"]),
    ("Stanley", []), ("Saint-Denis", []), ("Mount", []),  # no abbreviation to swap
])
def test_abbreviated_spellings(name, spellings):
    assert abbreviated_spellings(name) == spellings


def test_the_build_gives_saints_and_mounts_every_spelling(gazetteer):
    # GeoNames calls the country only "Saint Lucia", and Saint Paul, Minnesota, not "St Paul"
    assert any(p.kind == "country" and p.country_code == "LC" for p, _ in gazetteer.entries("st lucia"))
    assert any(p.country_code == "US" and p.population > 250_000 for p, _ in gazetteer.entries("st paul"))


@pytest.mark.parametrize("name, spelling", [
    ("Nek’emtē", "Nekemtē"),  # Ethiopia: an ejective
    ("Vyaz’ma", "Vyazma"),  # Russia: a soft sign
    ("P’yŏngsŏng", "Pyŏngsŏng"),  # North Korea
    ("Ts’khinvali", "Tskhinvali"),  # Georgia
    ("Tskhinvali", None), ("Homyel'", "Homyel"),
    ("Smith's", None), ("Lee's Summit", None),  # an English possessive keeps its mark
])
def test_unmarked_spelling(name, spelling):
    assert unmarked_spelling(name) == spelling


def test_the_build_gives_towns_their_unmarked_spellings(gazetteer):
    # GeoNames writes them "Nek’emtē" and "Yegor’yevsk", and keeps no alternate without the mark
    assert any(p.name == "Nek’emtē" and p.country_code == "ET" for p, _ in gazetteer.entries("nekemte"))
    assert any(p.country_code == "RU" for p, _ in gazetteer.entries("yegoryevsk"))
    # Bermuda's parish "Smith's" is not "Smiths"; a village's mark stays ("Ghulām ‘Alī" is a man)
    assert not any(p.country_code == "BM" for p, _ in gazetteer.entries("smiths"))
    assert not any(p.name == "Ghulām ‘Alī" for p, _ in gazetteer.entries("ghulam ali"))


@pytest.mark.parametrize("name, spelling", [
    ("Unterlüß", "Unterluess"), ("Grafenwöhr", "Grafenwoehr"), ("Zürich", "Zuerich"),
    ("Österreich", "Oesterreich"), ("Berlin", None),
])
def test_german_spelling(name, spelling):
    assert german_spelling(name) == spelling


def test_the_build_gives_german_towns_their_written_out_spellings(gazetteer):
    # Rheinmetall's ammunition plant: "Unterlüß" in GeoNames, 3,600 people, no such alternate
    assert any(p.name == "Unterlüß" and p.country_code == "DE" for p, _ in gazetteer.entries("unterluess"))
    assert any(p.country_code == "CH" for p, _ in gazetteer.entries("zuerich"))
    # only German-speaking countries: Finland's Mänttä is not "Maenttae"
    assert any(p.country_code == "FI" for p, _ in gazetteer.entries("mantta"))
    assert not gazetteer.entries("maenttae")


@pytest.mark.parametrize("name, spellings", [
    ("Kup’yans’k", ["Kupyansk", "Kupiansk"]),  # я inside a word, and soft signs
    ("Avdiyivka", ["Avdiivka"]),  # ї
    ("Hulyaypole", ["Huliaipole"]),  # я, and й after a vowel
    ("Kryvyy Rih", ["Kryvyi Rih"]),  # и then й
    ("Kostyantynivka", ["Kostiantynivka"]),  # the "y" of и stays
    ("Yenakiyeve", ["Yenakiieve"]),  # a word's first "Ye" stays
    ("Pokrovs’kyy Rayon", ["Pokrovskyy Rayon", "Pokrovskyi Raion"]),
    ("Stryi", []), ("Bakhmut", []), ("Yasynuvata", []),  # already so, or nothing to change
])
def test_ukrainian_spellings(name, spellings):
    assert ukrainian_spellings(name) == spellings


def test_the_build_gives_ukrainian_villages_their_own_spelling(gazetteer):
    # a village of 1,500 people, whose other names the packages leave out below 5,000
    assert any(p.country_code == "UA" and p.name == "Ivanopillya" for p, _ in gazetteer.entries("ivanopillia"))


@pytest.mark.parametrize("name, cyrillic, spellings", [
    ("Hulyaypole", ["Гуляйполе", "Гуляй-Поле"], ["Gulyaipole", "Gulyaypole", "Gulyai-Pole", "Gulyay-Pole"]),
    ("Avdiyivka", ["Авдеевка", "Авдіївка"], ["Avdeyevka"]),  # е after a vowel; і is Ukrainian's letter
    ("Mar'yinka", ["Марьинка"], ["Maryinka"]),  # the soft sign before a vowel
    ("Kryvyy Rih", ["Кривой Рог"], ["Krivoi Rog", "Krivoy Rog"]),
    ("Bilozerka", ["Белозёрка"], ["Belozyorka", "Belozerka"]),  # ё as written and as typed
    ("Zarichne", ["Октябрьское", "Заречное"], ["Zarechnoye"]),  # not the Soviet-era name
    ("Bakhmut", ["Бахмут", "Артемовск"], []),  # the same as the main name, or another name
    ("Lyman", ["Красный Лиман", "Krasnyy Liman"], []),  # not Cyrillic, or a former name
])
def test_russian_spellings(name, cyrillic, spellings):
    assert russian_spellings(name, cyrillic) == spellings


def test_the_build_gives_ukrainian_villages_their_russian_name(gazetteer):
    # a village of 1,700 people, whose Latin alternates the packages leave out below 5,000
    assert any(p.country_code == "UA" and p.name == "Yunakivka" for p, _ in gazetteer.entries("yunakovka"))
    # a Russian form that is another place's own name is left to it: Zarechnoye in Crimea keeps its
    # name, though five villages called Zarichne are Zarechnoye in Russian too
    assert all(p.name != "Zarichne" or p.population >= 5000 for p, _ in gazetteer.entries("zarechnoye"))


def test_a_region_does_not_take_its_namesake_towns_longer_names(gazetteer):
    # the state of Washington bears the capital's name, and shares its spellings, but "Washington
    # DC" and "Washington City" are the town's own
    for key in ("washington dc", "washington city"):
        assert not [p for p, _ in gazetteer.entries(key) if p.name == "Washington" and p.kind == "admin1"]


@pytest.mark.parametrize("name, spelling", [
    ("Oktyabr’skiy", "Oktyabrsky"), ("Nizhniy Novgorod", "Nizhny Novgorod"), ("Staryy Oskol", "Stary Oskol"),
    ("Gus’-Khrustal’nyy", "Gus-Khrustalny"),
    ("Moscow", None), ("Bolshoy Kamen", None), ("Vyaz’ma", None),  # nothing to change but marks
])
def test_russian_news_spelling(name, spelling):
    assert russian_news_spelling(name) == spelling


def test_the_build_gives_russian_towns_the_news_ending(gazetteer):
    # Afipskiy, a refinery town of 17,000 in drone-strike reports as "Afipsky"
    assert any(p.country_code == "RU" and p.name == "Afipskiy" for p, _ in gazetteer.entries("afipsky"))


@pytest.mark.parametrize("name, spelling", [
    ("Qoryooley", "Qoryoley"), ("Garoowe", "Garowe"), ("Dhuusamarreeb", "Dhusamarreb"), ("Baidoa", None),
])
def test_somali_spelling(name, spelling):
    assert somali_spelling(name) == spelling


def test_the_build_gives_somali_places_their_news_spelling(gazetteer):
    # Qoryooley, 52,000 people, which news writes "Qoryoley"
    assert any(p.country_code == "SO" and p.name == "Qoryooley" for p, _ in gazetteer.entries("qoryoley"))
