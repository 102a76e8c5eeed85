"""``python -m geomap``: the same commands as the ``geomap`` console script."""
from geomap.cli import main

main(prog_name="geomap")
