# The two commands: `make run` (the demo desk on http://127.0.0.1:8000) and `make test`.
# `make serve` is the production profile (docs/deploying.md).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

# The newest Python 3.12+ on this machine (Django 6 needs 3.12 or newer).
PYTHON := $(shell for c in python3.13 python3.12 python3.14 python3 python; do \
	if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	command -v $$c; break; fi; done)

.PHONY: run serve test lint format lock browser java postgres-binaries wrk bench clean

$(PY):
	@if [ -z "$(PYTHON)" ]; then \
		echo "No Python 3.12 or newer found. Install one (e.g. 'pyenv install 3.13'," >&2; \
		echo "'apt-get install python3.13', or python.org), then run make again." >&2; \
		exit 1; \
	fi
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

# The background worker (page fetches for new sources) runs beside the server and stops with it.
run: $(VENV)/.installed-run
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo --if-empty
	$(PY) manage.py desk_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The production profile: migrate, collectstatic, then gunicorn (WEB_CONCURRENCY workers on
# BIND) and TASK_WORKERS background workers, stopping together. Needs DATABASE_URL and
# SECRET_KEY; see docs/deploying.md for the whole environment.
serve: $(VENV)/.installed-run
	exec $(PY) -m factcheck.serve

# Browser tests drive Debian's Chromium (Playwright's own browser download does not work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The journeys run the Nu HTML Checker (node_modules/vnu-jar) on every page: it needs Java.
java:
	@command -v java >/dev/null 2>&1 || { \
		echo "Installing Debian's Java for the Nu HTML Checker"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq default-jre-headless >/dev/null; }

# The benchmark's load generator: Debian's wrk.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
		echo "Installing Debian's wrk for the benchmark"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }

# The desk's pages against Django's floor on PostgreSQL, with the budgets (docs/bench.md).
# BENCH_DATABASE_URL names the database it creates and drops (default: factcheck_bench on
# 127.0.0.1:5432 as root).
bench: $(VENV)/.installed-run wrk
	$(PY) manage.py bench

# The fault tests run a PostgreSQL of their own (initdb in a temporary folder): Debian's
# server package has the binaries.
postgres-binaries:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { \
		echo "Installing Debian's postgresql for the fault tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; }

# axe-core (accessibility checks injected into pages by the browser tests) and vnu-jar (the Nu
# HTML Checker), from package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: $(VENV)/.installed-dev browser java postgres-binaries node_modules/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Regenerate the pinned requirements after editing requirements*.in.
lock: $(VENV)/.installed-dev
	$(VENV)/bin/pip-compile --quiet --no-emit-index-url --no-emit-find-links --strip-extras requirements.in -o requirements.txt
	$(VENV)/bin/pip-compile --quiet --no-emit-index-url --no-emit-find-links --strip-extras requirements-dev.in -o requirements-dev.txt

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
