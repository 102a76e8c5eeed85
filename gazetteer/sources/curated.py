"""Reader for ``curated.tsv``: the features no packaged source has, extra aliases,
news-sense preferences among namesakes, and demonyms."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

CURATED_PATH = Path(__file__).resolve().parent.parent / "curated.tsv"
COLUMNS = ["action", "name", "kind", "lat", "lon", "country_code", "geonameid", "names", "checked"]
ACTIONS = {"place", "alias", "prefer", "demonym"}


class CuratedError(ValueError):
    """A row of the curated table is malformed."""


@dataclass(frozen=True, slots=True)
class CuratedRow:
    action: str
    name: str
    kind: str
    lat: float | None
    lon: float | None
    country_code: str | None
    geonameid: int | None
    names: tuple[str, ...]
    checked: str


def read_curated(path: Path = CURATED_PATH) -> list[CuratedRow]:
    with open(path, encoding="utf-8", newline="") as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    if reader.fieldnames != COLUMNS:
        raise CuratedError(f"{path}: header must be {COLUMNS}, found {reader.fieldnames}")
    rows = []
    for number, raw in enumerate(reader, start=2):
        try:
            rows.append(_parse(raw))
        except (ValueError, TypeError) as exc:
            raise CuratedError(f"{path}: data row {number}: {exc}") from None
    return rows


def _parse(raw: dict[str, str]) -> CuratedRow:
    action = raw["action"].strip()
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    lat = float(raw["lat"]) if raw["lat"].strip() else None
    lon = float(raw["lon"]) if raw["lon"].strip() else None
    if action == "place" and (lat is None or lon is None or not -90 <= lat <= 90 or not -180 <= lon <= 180):
        raise ValueError(f"place {raw['name']!r} needs a valid lat/lon")
    gid = int(raw["geonameid"]) if raw["geonameid"].strip() else None
    if action != "place" and gid is None:
        raise ValueError(f"{action} row {raw['name']!r} needs a geonameid")
    names = tuple(n.strip() for n in (raw["names"] or "").split("|") if n.strip())
    return CuratedRow(action, raw["name"].strip(), raw["kind"].strip(), lat, lon,
                      raw["country_code"].strip() or None, gid, names, (raw["checked"] or "").strip())
