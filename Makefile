# The two commands of README.md. Each sets up .venv itself (scripts/bootstrap.sh).
.PHONY: up test lint venv

venv:
	@scripts/bootstrap.sh

# Run the product: embedded database, Ray, API, console, demo data on first start.
up:
	@SELECTIO_WANT_CHROMIUM=1 SELECTIO_WANT_PROMETHEUS=1 scripts/bootstrap.sh
	@.venv/bin/selectio up --demo

# Run the test suite (the 25 slowest tests are listed at the end: the suite must stay within
# 15 minutes on 2 cores).
test:
	@SELECTIO_NEED_CHROMIUM=1 SELECTIO_NEED_PROMETHEUS=1 SELECTIO_NEED_POSTGRESQL=1 scripts/bootstrap.sh
	@.venv/bin/python -m pytest -q --durations=25

lint: venv
	@.venv/bin/ruff check . && .venv/bin/ruff format --check .
