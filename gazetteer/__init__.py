"""An offline gazetteer built from installed packages (or GeoNames dumps).

Self-contained: it knows nothing of ``geomap``.
"""
from gazetteer.build import build as build_gazetteer, default_data_dir
from gazetteer.geocoder import CachedGeocoder, GazetteerGeocoder
from gazetteer.lookup import Gazetteer, GazetteerError
from gazetteer.model import PRECISION, Place, PlaceRecord, precision_of
from gazetteer.normalize import fold, name_key

__all__ = ["CachedGeocoder", "Gazetteer", "GazetteerGeocoder", "GazetteerError", "Place", "PlaceRecord", "PRECISION", "precision_of", "build_gazetteer", "default_data_dir",
           "fold", "name_key"]
