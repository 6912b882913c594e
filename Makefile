# Jubao — `make run` and `make test` work on a fresh machine with Python 3.11+ and git.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat requirements-dev.lock | (sha1sum 2>/dev/null || shasum) | cut -c1-12)

.PHONY: run test bench lint install migrate demo clean-db

$(STAMP): requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Jubao needs Python 3.11 or newer (found %s)" % sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.lock
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

## Start the web server and the worker on 127.0.0.1:8000 with the demo organisation loaded.
run: demo
	$(PY) manage.py serve --bind 127.0.0.1:8000

## The test suite (SQLite by default; set DATABASE_URL=postgres://… for PostgreSQL).
test: install
	@$(PY) -c 'import shutil,sys; print("browser tests: " + ("using /usr/bin/chromium" if shutil.which("chromium") or __import__("os").path.exists("/usr/bin/chromium") else "SKIPPED — /usr/bin/chromium is not installed (apt-get install chromium)"))'
	$(PY) -m pytest

bench: migrate
	$(PY) -m bench

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy jubao

clean-db:
	rm -f var/jubao.sqlite3 var/jubao.sqlite3-wal var/jubao.sqlite3-shm
