# Every target installs what it needs first, so any of them works on a fresh clone.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PORT   ?= 8011
SCALE  ?= 5000
SIZE   ?= full
# the datasets `make analytics-docs` describes (the demo's: ploomes_demo, hivestr_demo, erp_demo)
PLOOMES_DATASET ?= ploomes
HIVESTR_DATASET ?= hivestr
ERP_DATASET ?= erp
# the Dagster instance of `make dagster`: its runs, schedules and logs; its dagster.yaml is orchestration/dagster.yaml
# (the pools' limit), copied there on each start: edit that one
DAGSTER_HOME ?= $(CURDIR)/.dagster

.PHONY: setup demo test lint simulate bench docs analytics-docs dashboard dagster

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(PY) pipelines/demo.py

test: $(STAMP)
	$(PY) -m pytest -n 3 --durations=15

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

simulate: $(STAMP)
	$(PY) -m simulators.ploomes --port $(PORT) --scale $(SCALE)

bench: $(STAMP)
	$(PY) -m bench --size $(SIZE)

# docs/tables.md, the data dictionary, from a load of the simulators (a test fails when it is stale)
docs: $(STAMP)
	$(PY) -m pipelines.docs

# The dbt documentation site of the analytics layer, one self-contained page: analytics/target/static_index.html
analytics-docs: $(STAMP)
	$(PY) pipelines/analytics.py docs --ploomes-dataset $(PLOOMES_DATASET) --hivestr-dataset $(HIVESTR_DATASET) \
		--erp-dataset $(ERP_DATASET)

# dashboard.html: one self-contained page of both CRMs' marts (the demo's: PLOOMES_DATASET=ploomes_demo ...)
dashboard: $(STAMP)
	$(PY) pipelines/dashboard.py --ploomes-dataset $(PLOOMES_DATASET) --hivestr-dataset $(HIVESTR_DATASET)

# Dagster's UI on http://127.0.0.1:3000: every configured account's tables as assets, the schedules, the runs
dagster: $(STAMP)
	mkdir -p $(DAGSTER_HOME)
	cp orchestration/dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	DAGSTER_HOME=$(DAGSTER_HOME) $(VENV)/bin/dagster dev -m orchestration.definitions
