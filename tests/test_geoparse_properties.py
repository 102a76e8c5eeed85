"""Property-based tests of geoparse: for any text, offsets are within bounds,
``text[start:end]`` is the surface, mentions are sorted and disjoint, and each lies
inside the passage it names. Strategies mix real gazetteer names with punctuation,
case changes, combining marks, RTL and zero-width marks, NUL and arbitrary Unicode.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gazetteer import fold
from hostile import PROPERTY_EXAMPLES
from test_hostile_input import assert_mentions_valid

NAMES = ["Kyiv", "Odesa", "Kharkiv", "Donetsk", "Bakhmut", "Gaza", "Washington", "Georgia", "New York", "Paris",
         "Sudan", "Darfur", "Red Sea", "Black Sea", "Crimea", "Ukraine", "Russia", "US", "U.S.", "UK", "EU",
         "Zaporizhzhia", "São Paulo", "Côte d'Ivoire", "Minsk", "Jordan", "Turkey", "Chad", "March", "Nice"]
MARKS = ["\u0301", "\u0308", "\u200b", "\u200d", "\u200e", "\u200f", "\u202e", "\u202c", "\ufeff", "\x00", "\u2028"]
GLUE = [" ", "  ", "\n", "\n\n", "\t", ", ", ". ", "! ", "? ", "-", "'", "’", "\"", "(", ")", " in ", " near ",
        " and ", " of ", " Oblast", " region", " city", ":", ";", "—", "...", "\r\n"]

# Any Unicode but lone surrogates (no text file or form can carry them).
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)


@st.composite
def case_variant(draw, name: str) -> str:
    how = draw(st.sampled_from(["same", "upper", "lower", "title", "swap"]))
    return {"same": name, "upper": name.upper(), "lower": name.lower(), "title": name.title(),
            "swap": name.swapcase()}[how]


@st.composite
def news_like(draw) -> str:
    """Real place names in varied case, glued by punctuation, marks and random text."""
    pieces = []
    for _ in range(draw(st.integers(1, 25))):
        kind = draw(st.sampled_from(["name", "name", "glue", "mark", "any"]))
        if kind == "name":
            pieces.append(draw(case_variant(draw(st.sampled_from(NAMES)))))
        elif kind == "glue":
            pieces.append(draw(st.sampled_from(GLUE)))
        elif kind == "mark":
            pieces.append(draw(st.sampled_from(MARKS)))
        else:
            pieces.append(draw(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)))
    return "".join(pieces)


SETTINGS = settings(max_examples=PROPERTY_EXAMPLES, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@SETTINGS
@given(text=ANY_TEXT)
def test_any_unicode_text_keeps_the_contract(geoparser, text):
    mentions, passages = geoparser.geoparse_with_passages(text, demonyms=True)
    assert_mentions_valid(text, mentions, passages)


@SETTINGS
@given(text=news_like())
def test_names_with_punctuation_marks_and_case_keep_the_contract(geoparser, text):
    mentions, passages = geoparser.geoparse_with_passages(text, demonyms=True)
    assert_mentions_valid(text, mentions, passages)
    for p in passages:
        assert 0 <= p.start < p.end <= len(text) and text[p.start:p.end].strip() == text[p.start:p.end]
    assert [p.index for p in passages] == list(range(len(passages)))
    assert all(a.end <= b.start for a, b in zip(passages, passages[1:]))


@SETTINGS
@given(prefix=ANY_TEXT, suffix=ANY_TEXT)
def test_a_known_name_between_spaces_is_found_at_its_offsets(geoparser, prefix, suffix):
    """"in Kyiv" stays found, at the right place, whatever text surrounds it."""
    text = prefix + " shelling in Kyiv overnight. " + suffix
    start = len(prefix) + len(" shelling in ")
    found = {(m.start, m.end) for m in geoparser.geoparse(text)}
    assert (start, start + 4) in found
    assert_mentions_valid(text, geoparser.geoparse(text))


@pytest.mark.parametrize("mark", MARKS)
def test_marks_between_names_never_shift_offsets(geoparser, mark):
    text = f"{mark}Kyiv{mark} and {mark}Odesa{mark}"
    mentions = geoparser.geoparse(text)
    assert_mentions_valid(text, mentions)


@SETTINGS
@given(text=news_like())
def test_fold_is_the_same_character_by_character(text):
    """fold works on ASCII and non-ASCII stretches apart, for speed; the result must be what
    folding each character alone gives, and as long as the text."""
    folded = fold(text)
    assert folded == "".join(fold(ch) for ch in text)
    assert len(folded) == len(text)
