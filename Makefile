# Two commands for a new user: `make demo` and `make test`. Each creates or
# refreshes the virtual environment first, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test install accuracy throughput clean

demo: install
	$(BIN)/geomap demo

test: install
	$(BIN)/python -m pytest -q

install: $(VENV)/.installed

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
	rm -rf $(VENV) *.egg-info
