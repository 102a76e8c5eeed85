"""geomap: find the places news articles mention and put them on a map."""
from geomap.model import Alternative, Mention, Passage, PlaceRef
from geomap.pipeline import Geoparser, geoparse

__all__ = ["Alternative", "Geoparser", "Mention", "Passage", "PlaceRef", "geoparse"]
__version__ = "0.1.0"
