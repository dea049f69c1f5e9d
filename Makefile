# One entry point for the dev commands; CONTRIBUTING.md explains each.
PY ?= .venv/bin/python

.PHONY: test lint layers typecheck check snapshots bench

test:
	$(PY) -m pytest -q

lint:
	$(PY) -m ruff check src tests benchmarks
	$(PY) -m ruff format --check src tests benchmarks

layers:
	.venv/bin/lint-imports

typecheck:
	$(PY) -m mypy

check: lint layers typecheck test

snapshots:
	$(PY) -m pytest -n 0 tests/snapshots --snapshot-update

bench:
	$(PY) benchmarks/startup.py
