# Set-up and main tasks. Every target creates the project venv (.venv) if needed
# and installs the package from pyproject.toml, so each is one command on a
# fresh machine with Python 3.11+ and access to the package index.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.DEFAULT_GOAL := help
.PHONY: help report clean-data test bench check-processed distclean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

report: $(VENV)/.installed  ## main job: clean + validate the bundled raw data into data/processed/
	$(BIN)/study clean

clean-data: report  ## alias of report (until the report runner exists)

test: $(VENV)/.installed-test  ## run the test suite
	$(BIN)/python -m pytest

bench: $(VENV)/.installed-test  ## time the clean of the bundled file (target: <= 0.3 s in-process)
	$(BIN)/python benchmarks/bench_clean.py

distclean:  ## remove the venv and caches
	rm -rf $(VENV) .pytest_cache .hypothesis .benchmarks
