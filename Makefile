# Hito: `make run` serves Chile's demo node on http://127.0.0.1:8000 and Peru's on :8001,
# exchanging under the demo agreement; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
CL_PORT ?= 8000
PE_PORT ?= 8001

.PHONY: install run test test-slow lint typecheck bench clean chromium postgres

$(BIN)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(BIN)/.installed node_modules/.installed

# Both nodes, each with its own var/<node>.db and key; Ctrl-C stops both.
run: install
	HITO_DEMO=1 $(BIN)/hito demo up --host $(HOST) --cl-port $(CL_PORT) --pe-port $(PE_PORT)

chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

postgres:
	@scripts/ensure-postgres.sh

# Test files spread over the machine's cores (pytest-xdist; one file stays on one worker, each
# worker runs its own pair of nodes).
test: install chromium postgres
	$(BIN)/pytest -m "not slow" -n auto --dist loadfile --durations=20

$(BIN)/.spark: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e ".[dev,spark]"
	@touch $@

# Slow tests: Splink on Spark in local mode (needs Java 17+, installs pyspark).
test-slow: install chromium postgres $(BIN)/.spark
	$(BIN)/pytest -m slow

lint: install
	$(BIN)/ruff check hito tests bench migrations
	$(BIN)/ruff format --check hito tests bench migrations
	$(BIN)/mypy

typecheck: install
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/listing.py
	$(BIN)/python bench/linkage.py
	$(BIN)/python bench/screening.py

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache
