# Two commands on a fresh machine: `make run` serves the API, `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run test lint audit postman migrate bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.3"

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

## run: install, migrate, serve with gunicorn on 127.0.0.1:8000 (PORT=8001 for another) plus one jobs consumer (SQLite under instance/)
run: $(VENV)/.runtime
	@if [ -z "$$SECRET_KEY" ] && [ ! -f instance/secret_key ]; then \
	  echo "SECRET_KEY is not set: generating a local development secret in instance/secret_key"; fi
	$(BIN)/flask db upgrade
	RUN_JOBS_CONSUMER=1 MALLOC_ARENA_MAX=2 $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

## test: install dev tools and run the whole suite in parallel, one database per worker (PostgreSQL when TEST_DATABASE_URL is set)
TEST_WORKERS ?= auto
test: $(VENV)/.dev
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

## lint: ruff over the code (migrations excluded), mypy over taskapi/, the import-layer contracts in setup.cfg, and /openapi.json validated
lint: $(VENV)/.dev
	$(BIN)/ruff check taskapi tests bench config.py wsgi.py gunicorn.conf.py
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python .ci/openapi_check.py

## audit: pip-audit over requirements.txt (fails on a fixable known vulnerability)
audit: $(VENV)/.dev
	$(BIN)/python .ci/audit.py

## postman: run the Postman collection with newman against a fresh server (installs newman into .tools/)
postman: $(VENV)/.dev
	bash .ci/newman.sh

## migrate: apply migrations to DATABASE_URL (or the SQLite default)
migrate: $(VENV)/.runtime
	$(BIN)/flask db upgrade

## bench: instructions per request (callgrind), then taskapi vs the blog-design peer (and, on PostgreSQL, full-stack-fastapi-template) under wrk, 3 paired rounds per database; writes bench/results/latest.*
bench: $(VENV)/.dev
	@command -v wrk >/dev/null && command -v valgrind >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk valgrind)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
