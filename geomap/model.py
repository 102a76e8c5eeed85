"""The geoparser's plain data: what ``geoparse`` returns."""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from datetime import date

# A mention whose chosen place has less than this probability is doubtful: worth an analyst's look.
DOUBTFUL_BELOW = 0.75


@dataclass(frozen=True, slots=True)
class PlaceRef:
    """The gazetteer place a mention resolves to, as the contract exposes it."""

    id: int
    geonameid: int | None
    name: str
    country_code: str | None
    kind: str
    lat: float
    lon: float
    key: str | None = None  # the gazetteer's stable key, what the store identifies places by
    precision: int | None = None  # where its point is only its parent's (gazetteer.precision_of); else by kind


@dataclass(frozen=True, slots=True)
class Alternative:
    place: PlaceRef
    score: float


@dataclass(frozen=True, slots=True)
class Passage:
    """A sentence of the text: ``text[start:end]``."""

    index: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Mention:
    """One place name in a text: ``text[start:end] == self.text``."""

    start: int
    end: int
    text: str
    place: PlaceRef
    score: float
    precision: int
    alternatives: tuple[Alternative, ...] = ()
    passage: int | None = None
    evidence: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_demonym(self) -> bool:
        return self.place.kind == "demonym"

    def to_json(self) -> dict:
        """The JSONL contract's mention object."""
        p = self.place
        return {
            "start": self.start, "end": self.end, "text": self.text, "name": p.name, "geonameid": p.geonameid,
            "country_code": p.country_code, "kind": p.kind, "lat": p.lat, "lon": p.lon,
            "score": round(self.score, 4), "precision": self.precision,
        }

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(slots=True)
class Article:
    """A news article as a reader produced it, before it is geoparsed and stored."""

    title: str
    text: str
    published: date | None = None
    source: str | None = None  # the publication or site
    url: str | None = None
    author: str | None = None
    origin: str | None = None  # where it was read from: a path, "<stdin>", "file.jsonl:12"
    external_id: str | None = None  # an id the input gave it (JSON Lines "id")

    @property
    def identity(self) -> str:
        """The URL when there is one, else a hash of the whitespace-normalised text."""
        if self.url:
            return self.url.strip()
        normalised = re.sub(r"\s+", " ", self.text).strip()
        return "sha256:" + hashlib.sha256(normalised.encode("utf-8")).hexdigest()
