"""The geoparser's plain data: what ``geoparse`` returns."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


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
