# Set-up and main tasks. The environment is locked in uv.lock (exact versions and
# hashes of every package). Each target first syncs the project venv (.venv) from
# the lock with uv; the first run on a machine installs uv itself from PyPI (a
# pinned release, with pip, into the user cache), so a fresh machine needs only
# Python 3.11+ and access to the package index.
PYTHON     ?= python3
VENV       := .venv
BIN        := $(VENV)/bin
UV_VERSION := 0.13.9
UV_HOME    ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/study-tools/uv-$(UV_VERSION)
# `make UV=/path/to/uv ...` uses another uv and skips the bootstrap
ifeq ($(origin UV),undefined)
UV           := $(UV_HOME)/bin/uv
UV_BOOTSTRAP := $(UV)
endif

# uv uses the system Python ($(PYTHON)) and never downloads one; the venv is .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)
export UV_PROJECT_ENVIRONMENT := $(VENV)
# uv installs without .pyc files (compiling all ~9,900 modules would cost ~45 s): let
# Python cache each module on its first import instead, even where the caller's
# environment says not to write bytecode
unexport PYTHONDONTWRITEBYTECODE

.DEFAULT_GOAL := help
.PHONY: help report multiverse clean-data test test-slow lint mutants lab lock lock-check bench bench-report check-browser browser-deps distclean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(UV_HOME)/bin/uv:
	@echo "==> installing uv $(UV_VERSION) from PyPI into $(UV_HOME) (once per machine)"
	@mkdir -p "$(dir $(UV_HOME))" && tmp=$$(mktemp -d "$(UV_HOME).tmp.XXXXXX") && \
	  { PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1 $(PYTHON) -m pip install --quiet --target "$$tmp" "uv==$(UV_VERSION)" || \
	    { rm -rf "$$tmp"; echo "make: could not install uv with '$(PYTHON) -m pip' (on Debian/Ubuntu: apt install python3-pip); or install uv yourself and run 'make UV=uv ...'" >&2; exit 1; }; } && \
	  if [ -e "$(UV_HOME)/bin/uv" ]; then rm -rf "$$tmp"; else rm -rf "$(UV_HOME)" && mv "$$tmp" "$(UV_HOME)"; fi

# Every extra is installed, so `make report` and `make test` share one environment.
$(VENV)/.synced: uv.lock pyproject.toml | $(UV_BOOTSTRAP)
	@echo "==> installing the locked environment into $(VENV) (uv sync --locked)"
	@$(UV) sync --locked --all-extras || { echo "make: could not install from uv.lock; if it is out of date with pyproject.toml, run 'make lock'" >&2; exit 1; }
	@touch $@

report: $(VENV)/.synced  ## main job: clean the bundled data into data/processed/, then run every params/*.yaml into reports/
	$(BIN)/study clean
	$(BIN)/study report

multiverse: $(VENV)/.synced  ## the heavy multiverse set (left out of `make report`); SCHEDULER=tcp://HOST:8786 runs it on Dask
	$(BIN)/study run params/multiverse.yaml $(if $(SCHEDULER),--scheduler $(SCHEDULER))

clean-data: $(VENV)/.synced  ## only the clean: bundled raw data -> data/processed/
	$(BIN)/study clean

test: $(VENV)/.synced  ## the quick test suite (every test not marked slow), on every core (pytest-xdist)
	$(BIN)/python -m pytest -m "not slow" -n auto

test-slow: $(VENV)/.synced  ## only the tests marked slow
	@$(BIN)/python -m pytest -m slow; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "make test-slow: no test is marked slow"; rc=0; fi; exit $$rc

lint: $(VENV)/.synced  ## ruff check and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lab: $(VENV)/.synced  ## open the notebooks in JupyterLab with the project's kernel; figures and tables of a run go to reports/_lab/
	$(BIN)/python -m ipykernel install --sys-prefix --name study --display-name "study (project .venv)" >/dev/null
	$(BIN)/nbstripout --install  # git filter (see .gitattributes): outputs never reach a commit
	mkdir -p reports/_lab
	STUDY_RUN_DIR=$(CURDIR)/reports/_lab $(BIN)/jupyter lab --notebook-dir=notebooks

mutants: $(VENV)/.synced  ## plant known estimator errors one at a time (scripts/mutants.py); each must make a test fail
	$(BIN)/python scripts/mutants.py

lock: | $(UV_BOOTSTRAP)  ## after editing dependencies in pyproject.toml: update uv.lock, .venv and environment.yml (UPGRADE=1: newest allowed releases)
	$(UV) lock $(if $(UPGRADE),--upgrade)
	$(UV) sync --locked --all-extras
	@touch $(VENV)/.synced
	$(PYTHON) scripts/sync_environment.py

lock-check: | $(UV_BOOTSTRAP)  ## fail when uv.lock or environment.yml is out of date with pyproject.toml (run by CI)
	@$(UV) lock --check || { echo "make: uv.lock is out of date with pyproject.toml: run 'make lock' and commit uv.lock and environment.yml" >&2; exit 1; }
	$(PYTHON) scripts/sync_environment.py --check

bench: $(VENV)/.synced  ## time the clean of the bundled file (target: <= 0.3 s in-process)
	$(BIN)/python benchmarks/bench_clean.py

bench-report: $(VENV)/.synced  ## time `study report` against the papermill CLI run one notebook after another (goal: ratio <= 0.6)
	$(BIN)/python benchmarks/bench_report.py

browser-deps:  ## install Debian's chromium and the IPAex Gothic font (as root) when either is missing
	@{ command -v chromium && dpkg -s fonts-ipaexfont-gothic; } >/dev/null 2>&1 || { \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-ipaexfont-gothic; }

check-browser: $(VENV)/.synced browser-deps  ## run the reports, then open index.html and one report in headless Chromium (PNG/PDF in reports/_browser/)
	$(BIN)/study report --no-progress
	$(BIN)/python scripts/check_browser.py

distclean:  ## remove the venv and caches (not the uv binary or uv's package cache, which are per user)
	rm -rf $(VENV) .pytest_cache .hypothesis .benchmarks
