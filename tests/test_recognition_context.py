"""The recogniser's readers of the text around a name, held to their definitions.

The word before a name, whether a sentence starts before it, and the codes standing
alone are read with code written for speed (backwards over the reversed text, and an
Aho-Corasick pass for codes). Each is defined by a plain regular expression searched
forwards, written out here; on generated text around real names, both must agree.
"""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from geomap import recognize
from geomap.recognize import _code_matches, _previous_word, _sentence_starts_before

LOOKBACK = recognize._LOOKBACK
# The definitions: the last word before the offset, past an optional full stop and spaces,
# quotes or an opening bracket; a sentence, clause, line or dash end (or the text's start)
# with only spaces, quotes or brackets after it; a list's bullet opening a line counts too.
PREVIOUS_WORD = re.compile(r"([^\W_]+)\.?[\s\"'“‘(]*$")
SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”‘(\[\n]|--|—|–|(?:^|\n)[ \t]*[-*•·▪])[\s\"“”‘’(]*$")

PIECES = ["Kyiv", "Sunday", "said", "U.S.", "US", "USA", "U.S.A.", "UK", "Ill.", "W. Va.", "EU", "USB", "Mr", "M",
          "é", "_", "1", "a", " ", "  ", "\n", "\n\n", "\t", ".", "..", ",", ";", ":", "!", "?", "\"", "'", "“", "”",
          "‘", "’", "(", ")", "[", "-", "--", "—", "–", "\u00a0", "\u2028", "*", "•"]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def previous_word_by_definition(text: str, offset: int) -> tuple[str, int, int] | None:
    m = PREVIOUS_WORD.search(text, max(0, offset - LOOKBACK), offset)
    return (m.group(1), m.start(1), m.end(1)) if m else None


@settings(max_examples=400, deadline=None)
@given(TEXTS, st.data())
def test_the_previous_word_is_read_as_defined(text, data):
    offset = data.draw(st.integers(0, len(text)))
    assert _previous_word(text, offset) == previous_word_by_definition(text, offset)


@settings(max_examples=400, deadline=None)
@given(TEXTS, st.data())
def test_a_sentence_start_is_read_as_defined(text, data):
    offset = data.draw(st.integers(0, len(text)))
    expected = SENTENCE_START.search(text, max(0, offset - LOOKBACK), offset) is not None
    assert _sentence_starts_before(text, offset) == expected


def test_the_readers_on_plain_cases():
    text = "Talks ended on Sunday. Kyiv said (\"Odesa\" too) - the U.S. agreed"
    assert _previous_word(text, text.index("Kyiv")) == ("Sunday", text.index("Sunday"), text.index("."))
    assert _sentence_starts_before(text, text.index("Kyiv"))
    assert _sentence_starts_before(text, text.index("Odesa"))
    assert not _sentence_starts_before(text, text.index("said"))
    assert _sentence_starts_before(text, 0) and _previous_word(text, 0) is None
    far = " " * (LOOKBACK + 5)  # beyond the look-back there is no word, and no text start either
    assert _previous_word("Kyiv" + far, LOOKBACK + 9) is None
    assert not _sentence_starts_before("Kyiv" + far, LOOKBACK + 9)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_codes_standing_alone_are_found_as_defined(geoparser, text):
    codes = sorted(geoparser.gazetteer.codes, key=len, reverse=True)
    definition = re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, codes)) + r")(?![\w])")
    expected = [(m.start(), m.end(), m.group()) for m in definition.finditer(text)]
    assert _code_matches(geoparser.recognizer.code_automaton, text) == expected


def test_codes_on_plain_cases(geoparser):
    text = "The U.S.A. and USB sticks, U.S.-made, UK's EU, W. Va. and Springfield, Ill."
    found = [code for _, _, code in _code_matches(geoparser.recognizer.code_automaton, text)]
    assert found == ["U.S.A.", "U.S.", "UK", "EU", "W. Va.", "Ill."]
