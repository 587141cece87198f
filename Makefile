# Set-up and main tasks. Every target creates the project venv (.venv) if needed
# and installs the package from pyproject.toml, so each is one command on a
# fresh machine with Python 3.11+ and access to the package index.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.DEFAULT_GOAL := help
.PHONY: help report clean-data test bench bench-report check-browser browser-deps check-processed distclean

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

report: $(VENV)/.installed  ## main job: clean the bundled data into data/processed/, then run every params/*.yaml into reports/
	$(BIN)/study clean
	$(BIN)/study report

clean-data: $(VENV)/.installed  ## only the clean: bundled raw data -> data/processed/
	$(BIN)/study clean

test: $(VENV)/.installed-test  ## run the test suite
	$(BIN)/python -m pytest

bench: $(VENV)/.installed-test  ## time the clean of the bundled file (target: <= 0.3 s in-process)
	$(BIN)/python benchmarks/bench_clean.py

bench-report: $(VENV)/.installed-test  ## time `study report` against the papermill CLI run one notebook after another (goal: ratio <= 0.6)
	$(BIN)/python benchmarks/bench_report.py

browser-deps:  ## install Debian's chromium and the IPAex Gothic font (as root) when either is missing
	@{ command -v chromium && dpkg -s fonts-ipaexfont-gothic; } >/dev/null 2>&1 || { \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-ipaexfont-gothic; }

check-browser: $(VENV)/.installed browser-deps  ## run the reports, then open index.html and one report in headless Chromium (PNG/PDF in reports/_browser/)
	$(BIN)/study report --no-progress
	$(BIN)/python scripts/check_browser.py

distclean:  ## remove the venv and caches
	rm -rf $(VENV) .pytest_cache .hypothesis .benchmarks
