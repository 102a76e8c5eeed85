"""The offline base layer: country outlines from the countryinfo package, simplified,
written once to the data directory and served from our own origin."""
from __future__ import annotations

import json
import os
from pathlib import Path

_TOLERANCE_DEG = 0.02  # ~2 km: invisible at the zooms where outlines matter, a tenth of the size


def country_outlines(data_dir: Path) -> Path:
    """The path of the outlines GeoJSON, building it on first use."""
    path = Path(data_dir) / "basemap-countries.geojson"
    if path.exists():
        return path
    from countryinfo import all_countries
    from shapely.geometry import mapping, shape

    features = []
    for country in all_countries():
        info = country.info()
        try:
            collection = country.geo_json()
        except Exception:  # a few territories carry no outline; the layer simply lacks them
            continue
        for feature in (collection or {}).get("features", ()):
            geometry = shape(feature["geometry"]).simplify(_TOLERANCE_DEG, preserve_topology=True)
            if geometry.is_empty:
                continue
            features.append({"type": "Feature", "properties": {"name": info.get("name")},
                             "geometry": _rounded(mapping(geometry))})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")))
    os.replace(tmp, path)
    return path


def _rounded(geometry: dict) -> dict:
    def walk(value):
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], (int, float)):
                return [round(value[0], 3), round(value[1], 3)]
            return [walk(v) for v in value]
        return value

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}
