# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve setup test test-fast lint format browser screenshots benchmark clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev,bench,semantic]"
	touch $(STAMP)

install: $(STAMP)

## Migrate, load the seeds and build the search index.
setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_seeds
	@if $(PY) manage.py help search_index >/dev/null 2>&1; then $(PY) manage.py search_index sync; fi

## Serve the seeded archive on http://$(HOST):$(PORT)/ with a task worker beside it
## (alert matching and delivery); Ctrl-C stops both. No reloader for the worker: a
## reloading worker is two processes, and the trap below stops the one it started.
run: setup
	@$(PY) manage.py db_worker --queue-name '*' --interval 1 --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

## Debian's Chromium for the browser tests (a downloaded browser does not work here).
browser:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: install browser
	$(PY) -m pytest -q

test-fast: install
	$(PY) -m pytest -q -m "not browser and not slow"

## PNGs of the search, article, tag, feed, compare and admin article-list pages at 1280 and 390 px (some dark) into screenshots/
screenshots: install browser
	$(PY) tests/browser/screenshots.py screenshots

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache
