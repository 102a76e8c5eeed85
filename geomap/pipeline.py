"""The geoparser: text in, mentions out."""
from __future__ import annotations

import threading
from dataclasses import dataclass

from gazetteer import Gazetteer
from geomap.model import Article, Mention, Passage
from geomap.passages import passage_index, split_passages
from geomap.recognize import Recognizer
from geomap.resolve import Preferences, Resolver


class Geoparser:
    """Recognition and resolution over one gazetteer; build once, call many times."""

    def __init__(self, gazetteer: Gazetteer, *, preferences: Preferences | None = None):
        """``preferences`` maps a folded surface to the gazetteer key analysts chose for it,
        or to the keys they chose with how many times (``learned_preferences``)."""
        self.gazetteer = gazetteer
        self.recognizer = Recognizer(gazetteer)
        self.resolver = Resolver(gazetteer, preferences=preferences)

    def geoparse(self, text: str, *, demonyms: bool = False) -> list[Mention]:
        """Every place ``text`` mentions, in order, each linked to its passage."""
        mentions, _ = self.geoparse_with_passages(text, demonyms=demonyms)
        return mentions

    def geoparse_with_passages(self, text: str, *, demonyms: bool = False) -> tuple[list[Mention], list[Passage]]:
        if not isinstance(text, str):
            raise TypeError(f"geoparse expects text as str, got {type(text).__name__}")
        spans, context = self.recognizer.find_with_context(text)
        passages = split_passages(text)
        starts = [p.start for p in passages]
        mentions = self.resolver.resolve(spans, text, context=context, sentence_starts=starts)
        if not demonyms:
            mentions = [m for m in mentions if not m.is_demonym]
        for m in mentions:
            # Mentions are frozen for callers; setting the link here, once, is part of making them.
            object.__setattr__(m, "passage", passage_index(passages, starts, m.start))
        return mentions, passages


Parsed = tuple[Article, list[Mention], list[Passage]]


@dataclass
class Failure:
    """An article (or input) that could not be geoparsed or read, and why."""
    origin: str
    reason: str


def parse_article(parser: Geoparser, article: Article) -> Parsed | Failure:
    """Geoparse one article of a batch: its error becomes a Failure, so the batch goes on.
    A Failure given in its place (a reader's error) passes through, so it is reported in its
    place among the articles."""
    if isinstance(article, Failure):
        return article
    try:
        found, passages = parser.geoparse_with_passages(article.text)
    except Exception as exc:  # one bad article must not stop a batch
        return Failure(article.origin or article.title, f"geoparsing failed: {type(exc).__name__}: {exc}")
    return article, found, passages


_default: Geoparser | None = None
_default_lock = threading.Lock()


def default_geoparser() -> Geoparser:
    """The geoparser over the default gazetteer, opened (and built if needed) on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Geoparser(Gazetteer.open())
        return _default


def geoparse(text: str, *, demonyms: bool = False) -> list[Mention]:
    """Find and resolve every place ``text`` mentions, with the default gazetteer."""
    return default_geoparser().geoparse(text, demonyms=demonyms)
