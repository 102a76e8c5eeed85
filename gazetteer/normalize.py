"""Name normalisation shared by the gazetteer's keys and the text it is matched against.

``fold`` maps every character to exactly one character, so a folded text has the
same length as the original and offsets carry over unchanged: letters and digits
are lower-cased and stripped of accents, everything else (spaces, punctuation,
hyphens, apostrophes) becomes a space. "Ukraine's" folds to "ukraine s" and
"Guinea-Bissau" to "guinea bissau", so possessives and hyphens need no rules of
their own.
"""
from __future__ import annotations

import re
import unicodedata

# Letters NFD does not decompose but that readers treat as their base letter.
_EXTRA = {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "t", "ı": "i", "ħ": "h", "ŧ": "t", "ß": "s", "æ": "a", "œ": "o"}


def _fold_char(ch: str) -> str:
    if not ch.isalnum():
        return " "
    low = ch.lower()
    if len(low) != 1:  # "İ" lowers to two code points: use its base letter instead
        low = unicodedata.normalize("NFD", ch)[0].lower()
    base = unicodedata.normalize("NFD", low)[0]
    return _EXTRA.get(base, base)


# A str indexed by code point is the fastest table str.translate accepts; code
# points past the BMP raise IndexError, which translate treats as "leave as is".
_TABLE = "".join(_fold_char(chr(cp)) for cp in range(0x10000))


# str.translate is fast only on all-ASCII input. News text is ASCII but for a few quotes and
# accented names, so a text that is not is translated in its ASCII and non-ASCII stretches.
_STRETCHES = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]+")


def fold(text: str) -> str:
    """Fold ``text`` for matching; ``len(fold(text)) == len(text)`` always holds."""
    if text.isascii():
        return text.translate(_TABLE)
    return "".join([stretch.translate(_TABLE) for stretch in _STRETCHES.findall(text)])


def name_key(name: str) -> str:
    """The lookup key of a gazetteer name: folded, outer spaces stripped."""
    return fold(name).strip()


def is_latin(name: str) -> bool:
    """True when every letter of ``name`` is in a Latin block (the scripts news in English uses)."""
    for ch in name:
        if ch.isalpha():
            cp = ord(ch)
            if not (cp < 0x250 or 0x1E00 <= cp <= 0x1EFF):
                return False
    return True
