# Two commands for a new user: `make demo` and `make test`. Each creates or
# refreshes the virtual environment first, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test install static accuracy throughput clean

demo: install static
	$(BIN)/geomap demo

test: install static
	$(BIN)/python -m pytest -q

install: $(VENV)/.installed

# Leaflet and its plugins, from npm at the versions folium pins, copied into
# static/vendor (ignored by git): the map never loads anything from a CDN.
static: static/vendor/.installed

static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	rm -rf static/vendor && mkdir -p static/vendor/leaflet static/vendor/markercluster
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images static/vendor/leaflet/
	cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js node_modules/leaflet.markercluster/dist/MarkerCluster.css node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css static/vendor/markercluster/
	touch $@

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

accuracy: install
	$(BIN)/python benchmarks/accuracy.py

throughput: install
	$(BIN)/python benchmarks/throughput.py

clean:
	rm -rf $(VENV) *.egg-info node_modules static/vendor
