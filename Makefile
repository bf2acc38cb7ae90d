# The two commands: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# What `make install` installs: the runtime and the test and lint tools (requirements-dev.txt reads
# requirements.txt). The stamp names a hash of both, so a change to either installs again.
REQUIREMENTS := requirements.txt requirements-dev.txt
STAMP := $(VENV)/.installed-$(shell cat $(REQUIREMENTS) | md5sum | cut -c1-12)
PYTEST_ARGS ?=
# Test processes in parallel (pytest-xdist); each gets its own database, folder and Redis database.
PYTEST_WORKERS ?= 2
# Each module handed whole to the first free process, slowest first (tests/conftest.py orders
# them and keeps the journeys, which share one demo stack, together).
PYTEST_DIST := --dist loadscope --no-loadscope-reorder

.PHONY: install demo serve test test-fast lint format bench migrate clean audit

$(STAMP): $(REQUIREMENTS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

migrate: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput

# Serves http://127.0.0.1:8000 with a Celery worker and beat; no external service needed.
demo: migrate
	DEBUG=1 $(BIN)/python manage.py seed_demo
	DEBUG=1 $(BIN)/honcho start -f Procfile

serve: migrate
	DEBUG=1 $(BIN)/honcho start -f Procfile

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	TESTING=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_DIST) $(PYTEST_ARGS)

# The suite without the tests marked slow (browsers, workers, servers, load): for development.
test-fast: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_DIST) -m "not slow" $(PYTEST_ARGS)

# Known vulnerabilities in the pinned runtime requirements (needs PyPI's JSON API or OSV; --strict fails
# when a package could not be checked, so an unreachable service is an error, not a pass).
audit: install
	$(BIN)/python -m pip install --quiet pip-audit==2.10.1
	$(BIN)/pip-audit --requirement requirements.txt --no-deps --disable-pip --strict --progress-spinner off

# Benchmarks in their own database (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set).
bench: install
	$(BIN)/python -m bench --markdown bench

clean:
	rm -rf $(VENV) var staticfiles db.sqlite3*
