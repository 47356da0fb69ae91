# One target per action. PYTHON is the project's virtual environment.
VENV ?= .venv
PYTHON ?= $(VENV)/bin/python
MIRROR ?= $(if $(DESERTS_MIRROR),$(DESERTS_MIRROR),../shared/data)
PORT ?= 8501

.PHONY: install data run test test-fast bench lint format clean

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

## Build the national database (from the mirror folder when it exists, else official addresses)
data: install
	$(PYTHON) -m analytics.build $(if $(wildcard $(MIRROR)),--mirror $(MIRROR),)

## Build the database if missing or outdated, then start the app
run: install
	$(PYTHON) -m analytics.build --if-missing $(if $(wildcard $(MIRROR)),--mirror $(MIRROR),)
	$(VENV)/bin/streamlit run serve.py --server.port $(PORT) --server.headless true

## All tests (fixtures, national database from the mirror, AppTest, headless Chromium)
test: install
	DESERTS_MIRROR=$(MIRROR) $(PYTHON) -m pytest -q

test-fast: install
	$(PYTHON) -m pytest -q -m "not browser and not mirror"

bench: install
	$(PYTHON) -m bench.bench_build --mirror $(MIRROR)
	-$(PYTHON) -m bench.bench_accessibility --mirror $(MIRROR)
	-$(PYTHON) -m bench.bench_maps
	-$(PYTHON) -m bench.bench_exports
	-$(PYTHON) -m bench.bench_pages
	-$(PYTHON) -m bench.bench_priorities
	-$(PYTHON) -m bench.bench_planner
	-$(PYTHON) -m bench.bench_circuit
	-$(PYTHON) -m bench.bench_search
	-$(PYTHON) -m bench.bench_userdata
	-$(PYTHON) -m bench.bench_browser
	-$(PYTHON) -m bench.bench_load

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf data/raw data/*.duckdb data/*.tmp-* artifacts static/cartes
