# Lắng Nghe — `make run` and `make test` work from a fresh clone (DESIGN.md §5).
# The environment lives in .venv; it is (re)installed only when a requirements file changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip --disable-pip-version-check
PYTEST_ARGS ?=
# make bench BENCH_ARGS="--items 1000000" (every option: .venv/bin/langnghe bench --help)
BENCH_ARGS ?=

# The Playwright package must never download a browser: tests use Debian's chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: all venv run test lint format bench messages clean distclean help

all: help

help:
	@echo "make run        set up, migrate, demo data, then web server + worker on http://127.0.0.1:$${PORT:-8000}"
	@echo "make test       the whole test suite (SQLite; DATABASE_URL=postgres://… for PostgreSQL)"
	@echo "make lint       ruff check, ruff format --check, mypy"
	@echo "make format     ruff format + ruff check --fix"
	@echo "make bench      the benchmarks (langnghe bench)"
	@echo "make messages   makemessages + compilemessages for vi and en (needs gettext)"
	@echo "make clean      caches and build leftovers (never var/, the data)"
	@echo "make distclean  clean, and remove .venv"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Lắng Nghe needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -r requirements-dev.txt
	$(PIP) install --quiet --no-deps --editable .
	@touch $@

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/langnghe run

test: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest -q -p no:cacheprovider -n auto $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/langnghe bench $(BENCH_ARGS)

# Compiled .mo files are committed, so a fresh clone needs no gettext; this target needs it.
# The source strings are Vietnamese: only English is extracted (locale/vi holds Django's own
# strings its catalogue leaves in English, kept by hand).
messages: $(STAMP)
	@command -v msgfmt >/dev/null || { echo "install gettext (apt-get install gettext)"; exit 1; }
	mkdir -p locale
	$(BIN)/langnghe manage makemessages -l en --no-obsolete --ignore $(VENV) --ignore var --ignore tests
	$(BIN)/langnghe manage compilemessages -l vi -l en --ignore $(VENV) --ignore var

clean:
	find . -path ./$(VENV) -prune -o -path ./var -prune -o -type d -name __pycache__ -print -exec rm -rf {} +
	rm -rf .pytest_cache .mypy_cache .ruff_cache *.egg-info build dist test-results

distclean: clean
	rm -rf $(VENV)
