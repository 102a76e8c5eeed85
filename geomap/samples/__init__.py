"""Sample articles bundled for the demo: written for geomap, not real reporting."""
from pathlib import Path

SAMPLES_DIR = Path(__file__).resolve().parent


def sample_paths() -> list[Path]:
    return sorted(SAMPLES_DIR.glob("*.txt"))
