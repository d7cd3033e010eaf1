# Two commands do all the set-up on a fresh machine (Python, pip and gcc only):
#   make run    the main job on the default scenario (creates .venv and installs on first use)
#   make test   the test suite (installs Debian's chromium for the browser tests when missing)
#   make test-quick   the quick lane: tests not marked slow or browser
#   make lint   ruff and mypy on src/ (CI runs it before make test)
#   make docs   the documentation site, built offline into site/ (warnings are errors)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SCENARIO ?= parameters/ftap_2018_2022.yaml
STAMP := $(VENV)/.installed

.PHONY: run test test-quick lint install browser dashboard bench docs clean

$(STAMP): pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test,docs]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/workbench run $(SCENARIO)

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium fonts-dejavu-core; }
	@command -v pdftotext >/dev/null 2>&1 || { \
	  echo "installing Debian's poppler-utils (pdftotext: the report-security tests read report.pdf)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q poppler-utils; }

test: $(STAMP) browser
	$(BIN)/python -m pytest

# ruff (lint) and mypy (types) as configured in pyproject.toml: docs/operations/lint-and-types.md
lint: $(STAMP)
	$(BIN)/ruff check src
	$(BIN)/mypy

# the quick lane while working (no test marked slow or browser; under a minute)
test-quick: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not browser"

dashboard: $(STAMP)
	$(BIN)/workbench dashboard --scenario $(SCENARIO)

# MkDocs 1.x (pinned) prints a notice about a future 2.0 at every build: silenced
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 DISABLE_MKDOCS_2_WARNING=true $(BIN)/mkdocs build --strict --clean

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info site
