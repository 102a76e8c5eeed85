"""Splitting text into passages (sentences) while keeping character offsets."""
from __future__ import annotations

import bisect
import re

from geomap.model import Passage

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before
# whitespace and an opening capital, digit or quote; a blank line always ends one.
# A single line break does not: hard-wrapped text breaks lines inside sentences
# (and inside names: "New\nYork"), and a mention must lie inside its passage.
# Abbreviations such as "U.S." or "Gen." followed by a name split too eagerly
# sometimes; a passage is context for a reader, so that costs little.
# A sentence keeps its closing quotes and brackets ("Is Kyiv safe?!"). The pattern opens with
# the punctuation itself, not a look-behind, so the regex engine can skip ahead to it.
_BOUNDARY = re.compile(r"""(?P<end>[.!?]["'”’)\]]*)\s+(?=["'“‘(\[]?[A-Z0-9])|\n\s*\n""")
_ABBREVIATIONS = re.compile(r"(?:\b[A-Z]|Mr|Mrs|Ms|Dr|Gen|Gov|Sen|Rep|Lt|Col|Capt|Sgt|St|Mt|Ft|No|vs|Jr|Sr|Inc|Co|Corp|Prof|Rev)\.$")


def split_passages(text: str) -> list[Passage]:
    passages = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        stop = m.start() + 1  # just past the full stop, for the abbreviation check
        if text[m.start()] == "." and _ABBREVIATIONS.search(text, max(0, stop - 6), stop):
            continue
        end = m.end("end") if m.group("end") else m.start()
        _append(passages, text, start, end)
        start = m.end()
    _append(passages, text, start, len(text))
    return passages


def _append(passages: list[Passage], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        passages.append(Passage(len(passages), start, end))


def passage_index(passages: list[Passage], starts: list[int], offset: int) -> int | None:
    """Index of the passage containing ``offset`` (``starts`` lists the passages' starts),
    or None when it falls between passages."""
    i = bisect.bisect_right(starts, offset) - 1
    if i >= 0 and passages[i].start <= offset < passages[i].end:
        return i
    return None
