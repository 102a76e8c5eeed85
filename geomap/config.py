"""Settings from the environment, passed explicitly to whatever needs them."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from gazetteer import default_data_dir

DB_NAME = "geomap.sqlite"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    db_url: str

    @classmethod
    def from_env(cls, *, db: str | None = None) -> "Settings":
        """``db`` (a path or SQLAlchemy URL) beats ``GEOMAP_DB``, which beats the data directory."""
        data_dir = default_data_dir()
        return cls(data_dir=data_dir, db_url=database_url(db or os.environ.get("GEOMAP_DB") or data_dir / DB_NAME))


def database_url(value: str | Path) -> str:
    """A SQLAlchemy URL from a URL or a file path."""
    text = str(value)
    if "://" in text:
        return text
    return "sqlite:///" + str(Path(text).expanduser().resolve())
