"""English news spellings of Arabic, Hebrew, German and Ukrainian place names that GeoNames writes another way.

GeoNames romanises Arabic names letter for letter: "Jisr ash Shughūr", "Tall ‘Afar",
"Al Qardāḩah", "Ma‘arrat an Nu‘mān". English news writes the article as spelled, not as
spoken ("Jisr al-Shughur"), drops the marks for ayn and hamza ("Maarrat"), writes "Tal"
for "Tall" and "Ain" for "‘Ayn", and often leaves out the article and the final h
("Qardaha", "Qaim"). The packages keep alternate names only for towns of 5,000 or more,
so most such towns are reachable under their GeoNames spelling alone. Hebrew names have
the same marks ("Kfar ‘Azza") and their own romanisation ("Qiryat" for "Kiryat").

Elsewhere GeoNames marks ejectives, soft signs and glottal stops the same way ("Nek’emtē",
"Vyaz’ma", "P’yŏngsŏng", "Ts’khinvali"); English news leaves the marks out ("Nekemte",
"Vyazma", "Pyongsong").

Ukrainian names are romanised in GeoNames the older BGN way, with "y" for я, ю, є, ї and й and a
mark for the soft sign: "Kup’yans’k", "Avdiyivka", "Hulyaypole", "Kryvyy Rih". Ukraine's own
system, which its government and most war reporting use, writes "Kupiansk", "Avdiivka",
"Huliaipole", "Kryvyi Rih". The packages hold that spelling only for some towns. Reporting from
Russian sources (the Russian defence ministry, TASS) romanises the Russian names: "Gulyaipole",
"Zarechnoye", "Svyatogorsk", "Kurakhovo". GeoNames holds those in Cyrillic ("Гуляйполе",
"Заречное") for villages too, beside the Soviet-era names many villages once had.

German names lose their umlauts and sharp s where they cannot be typed: "Unterluess" for
"Unterlüß", "Grafenwoehr" for "Grafenwöhr".

Names anywhere that open with "Saint" or "Mount" are written three ways: "St. Paul" (US
style), "St Paul" (British style) and "Saint Paul"; GeoNames holds one or two of them.
"""
from __future__ import annotations

import itertools
import re
from difflib import SequenceMatcher
from typing import Iterable

from gazetteer.normalize import name_key

# Countries where Arabic names are romanised this way (the Arab League's members).
ARABIC_NAMED = frozenset("AE BH DJ DZ EG IQ JO KM KW LB LY MA MR OM PS QA SA SD SO SY TN YE".split())

# Marks for ayn and hamza, written or left out: "Ma‘arrat", "Qā’im", "Ta'izz".
_APOSTROPHES = re.compile("[‘’'ʻʼʿʾ`´]")
# An English possessive, whose mark stays: "Smith's", "St. John's".
_POSSESSIVE = re.compile("[‘’'ʼ`´]s\\b")
# The article before a "sun letter" takes that letter's sound: "ash Shughur", "an Nu‘mān".
_SUN_ARTICLES = {"at": "t", "ath": "th", "ad": "d", "adh": "dh", "ar": "r", "az": "z", "as": "s", "ash": "sh",
                 "an": "n"}
_ARTICLES = frozenset(("al", "el", *_SUN_ARTICLES))
_FIRST_WORDS = {"tall": ("tal", "tell"), "ayn": ("ain", "ein")}
_HEBREW_FIRST_WORDS = {"qiryat": ("kiryat",), "kefar": ("kfar",)}
_MIN_WITHOUT_ARTICLE = 4  # "Al Qā’im" is "Qaim"; shorter words alone are mostly other words
_MIN_FOR_FINAL_H = 5  # "Qardāḩah" is "Qardaha"; not "Abah"
_MAX_SPELLINGS = 12


def arabic_spellings(name: str, *, without_article: bool = False) -> list[str]:
    """The other spellings English news may use for ``name`` ("Jisr al Shughur"), at most
    a dozen; with ``without_article``, also those that leave out the article of a one-word
    name ("Qaim"). Empty when it has none."""
    words = name_key(_APOSTROPHES.sub("", name)).split()
    if not words:
        return []
    options = [_word_options(words, i) for i in range(len(words))]
    found = {" ".join(combo) for combo in itertools.product(*options)}
    if without_article and len(words) == 2 and _is_article(*words) and len(words[1]) >= _MIN_WITHOUT_ARTICLE:
        found.update(" ".join(combo[1:]) for combo in itertools.product(*options))
    found.discard(name_key(name))
    return [" ".join(w if w in _ARTICLES else w.capitalize() for w in s.split())
            for s in sorted(found)[:_MAX_SPELLINGS]]


def hebrew_spellings(name: str) -> list[str]:
    """The same for Hebrew names romanised the GeoNames way: no marks for ayin and aleph
    ("Kfar ‘Azza" is "Kfar Azza", "Netiv Ha‘Asara" "Netiv HaAsara"), and "Kiryat" and "Kfar"
    as news writes them for "Qiryat" and "Kefar"."""
    words = name_key(_APOSTROPHES.sub("", name)).split()
    options = [(w, *_HEBREW_FIRST_WORDS.get(w, ())) if i == 0 else (w,) for i, w in enumerate(words)]
    found = {" ".join(combo) for combo in itertools.product(*options)}
    found.discard(name_key(name))
    return [" ".join(w.capitalize() for w in s.split()) for s in sorted(found)]


def unmarked_spelling(name: str) -> str | None:
    """``name`` without its marks for ayn, hamza, ejectives and soft signs ("Nekemte" for
    "Nek’emtē"), or None where it has none. Not for an English possessive: "Smith's"
    (a parish of Bermuda) without its mark is a family ("the Smiths")."""
    if _POSSESSIVE.search(name):
        return None
    unmarked = _APOSTROPHES.sub("", name)
    return unmarked if unmarked != name and unmarked.strip() else None


# Somalia's official spelling doubles long vowels ("Qoryooley", "Garoowe", "Afgooye"), which
# English news writes single ("Qoryoley", "Garowe", "Afgoye").
SOMALI_NAMED = frozenset(("SO",))
_DOUBLED_VOWEL = re.compile(r"([aeiou])\1")


def somali_spelling(name: str) -> str | None:
    """``name`` with its doubled vowels single, or None where it has none."""
    single = _DOUBLED_VOWEL.sub(r"\1", name)
    return single if single != name else None


# Countries whose places GeoNames names in Russian, romanised the BGN way: a word's final -ий or
# -ый is "iy" or "yy" there ("Oktyabr’skiy", "Nizhniy Novgorod", "Staryy Oskol"), and "y" in
# English news ("Oktyabrsky", "Nizhny Novgorod", "Stary Oskol").
RUSSIAN_NAMED = frozenset("RU BY KZ KG".split())
_BGN_ADJECTIVE_END = re.compile(r"(?<=[bcdfghjklmnpqrstvwxz])[iy]y\b")


def russian_news_spelling(name: str) -> str | None:
    """``name`` without its marks and with "y" for a final "iy" or "yy" ("Oktyabrsky" for
    "Oktyabr’skiy"), or None where that changes nothing but the marks."""
    plain = unmarked_spelling(name) or name
    written = _BGN_ADJECTIVE_END.sub("y", plain)
    return written if written != plain else None


# Countries whose names English writes with "ae", "oe", "ue" and "ss" where the umlaut or the
# sharp s cannot be typed: "Unterluess", "Grafenwoehr", "Muenchen".
GERMAN_NAMED = frozenset("DE AT CH LI LU".split())
_GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def german_spelling(name: str) -> str | None:
    """``name`` with its umlauts and sharp s written out ("Unterluess" for "Unterlüß"), or None
    where it has none."""
    written = name.translate(_GERMAN_LETTERS)
    return written if written != name else None


UKRAINIAN_NAMED = frozenset(("UA",))
# Ukraine's national romanisation from the BGN one, inside a word (at its start both write "Ya",
# "Yu", "Ye", "Yi", "Y"): я ю є ("ya" "yu" "ye", and "yo" for йо) become "ia" "iu" "ie" "io";
# ї ("yi") becomes "i"; й after a vowel ("Hulyaypole", "Kryvyy") becomes "i". A "y" after a
# consonant is и in both systems ("Kostyantynivka": only its "ya" changes).
_NATIONAL_VOWEL_AFTER_Y = re.compile("(?<=[a-z])y(?=[aeuo])")
_NATIONAL_YI = re.compile("(?<=[a-z])yi(?=[a-z])")  # not "Stryi": a final "yi" is ий in Ukraine's own
_NATIONAL_SHORT_I = re.compile("(?<=[aeiouy])y(?![aeiouy])")


def ukrainian_spellings(name: str) -> list[str]:
    """``name`` as Ukraine's own romanisation writes it ("Avdiivka" for "Avdiyivka", "Kupiansk"
    for "Kup’yans’k"), and without its marks ("Kupyansk"), where these differ from it."""
    unmarked = _APOSTROPHES.sub("", name)
    national = _NATIONAL_VOWEL_AFTER_Y.sub("i", unmarked)
    national = _NATIONAL_YI.sub("i", national)
    national = _NATIONAL_SHORT_I.sub("i", national)
    return [s for s in dict.fromkeys((unmarked, national)) if s != name and s.strip()]


# A name in Russian's letters only: none of Ukrainian's and Belarusian's own (і ї є ґ ў).
_RUSSIAN_NAME = re.compile("[А-ЯЁа-яё]+(?:[ -][А-ЯЁа-яё]+)*")
_RUSSIAN_VOWELS = frozenset("аеёиоуыэюя")
_RUSSIAN_LETTERS = {
    **dict(zip("абвгдезиклмнопрстуфыэ", "abvgdeziklmnoprstufye")),
    "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ю": "yu", "я": "ya",
    "ъ": "", "ь": "",
}
# How alike the consonants of a Russian name and the Ukrainian one must be for the Russian name to
# be the same name ("Zarechnoye" for "Zarichne"), not a former one ("Oktyabrskoye").
_RUSSIAN_FORM_SIMILARITY = 0.8


def russian_spellings(name: str, names: Iterable[str]) -> list[str]:
    """The Russian forms of a Ukrainian place's name as English reporting romanises them
    ("Gulyaipole" and "Gulyaypole" for Hulyaypole, "Zarechnoye" for Zarichne), made from its
    Cyrillic ``names`` in Russian letters that are the same name as ``name``."""
    own = _consonants(name)
    spellings = []
    for cyrillic in names:
        if not _RUSSIAN_NAME.fullmatch(cyrillic):
            continue
        # й as "i" or "y" ("Gulyaipole", "Krasnoarmeysk"), ё as "yo" or "e" ("Artyomovsk", "Belozerka")
        for short_i, yo in itertools.product("iy", ("yo", "e")):
            latin = _romanise_russian(cyrillic, short_i, yo)
            if SequenceMatcher(None, _consonants(latin), own).ratio() >= _RUSSIAN_FORM_SIMILARITY:
                spellings.append(latin)
    key = name_key(name)
    return [s for s in dict.fromkeys(spellings) if name_key(s) != key]


def _romanise_russian(cyrillic: str, short_i: str, yo: str) -> str:
    """News style: "ye" for е after a vowel or a word's start ("Avdeyevka"), "y" for a final
    -ый or -ий ("Krasny"), the soft and hard signs left out but for the "y" of ьи ("Maryinka")."""
    out = []
    low = cyrillic.lower()
    for i, ch in enumerate(low):
        before = low[i - 1] if i else " "
        after = low[i + 1] if i + 1 < len(low) else " "
        if ch == "е" and (before in " -ьъ" or before in _RUSSIAN_VOWELS):
            latin = "ye"
        elif ch == "й":
            if before in "иы" and after in " -":
                out[-1] = out[-1][:-1] + "y"
                continue
            latin = short_i
        elif ch == "ё":
            latin = yo
        elif ch in "ьъ" and after in "иеёюя":
            latin = "y" if after == "и" else ""
        else:
            latin = _RUSSIAN_LETTERS.get(ch, ch)
        out.append(latin.capitalize() if cyrillic[i].isupper() else latin)
    return "".join(out)


def _consonants(name: str) -> str:
    """A name's consonants, with Ukrainian's h as Russian's g: what its Russian and Ukrainian
    forms share ("zrchn" for both "Zarichne" and "Zarechnoye")."""
    return re.sub("[aeiouy ]", "", name_key(name).replace("kh", "x").replace("h", "g"))


def _is_article(word: str, after: str) -> bool:
    return word in ("al", "el") or (word in _SUN_ARTICLES and after.startswith(_SUN_ARTICLES[word]))


def _word_options(words: list[str], i: int) -> tuple[str, ...]:
    word = words[i]
    after = words[i + 1] if i + 1 < len(words) else ""
    if word in _SUN_ARTICLES and _is_article(word, after):
        return word, "al"
    if i == 0 and len(words) > 1 and word in _FIRST_WORDS:
        return (word, *_FIRST_WORDS[word])
    if i == len(words) - 1 and len(word) >= _MIN_FOR_FINAL_H and word.endswith("ah"):
        return word, word[:-1]
    return (word,)


# A name's first word and its abbreviations, as news writes them ("St. Paul", "St Paul").
_ABBREVIATED_FIRST_WORDS = (("Saint", "St.", "St"), ("Sainte", "Ste.", "Ste"), ("Mount", "Mt.", "Mt"))


def abbreviated_spellings(name: str) -> list[str]:
    """The other ways to write a name that opens with "Saint", "Sainte" or "Mount" or an
    abbreviation of them ("St Paul" and "Saint Paul" for "St. Paul"); empty for others."""
    first, _, rest = name.partition(" ")
    if not rest:
        return []
    for forms in _ABBREVIATED_FIRST_WORDS:
        if first.lower() in (form.lower() for form in forms):
            return [f"{form} {rest}" for form in forms if form.lower() != first.lower()]
    return []
