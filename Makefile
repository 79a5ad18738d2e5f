# toex: the two set-up commands are `make demo` (the main job) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit web bench bench-national bench-growth fuzz audit setup system-deps clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,spark]'
	touch $(STAMP)

system-deps:
	bash scripts/system-deps.sh

## The main job: generate (or reuse) the medium synthetic dataset and run the whole pipeline.
demo: setup system-deps
	$(BIN)/toex demo

## Every test: lint, types (strict on src/), the web front end's types and unit tests, then the test suite
## (which also rebuilds the web bundle and checks it is the one committed).
test: setup system-deps lint typecheck web unit

lint:
	$(BIN)/ruff check src tests scripts

typecheck:
	$(BIN)/mypy

unit:
	$(BIN)/pytest -q -n 2 -m "not slow"

## The web front end: its npm packages exactly as locked, its TypeScript types, its unit tests (vitest).
web: web/node_modules/.installed
	cd web && ./node_modules/.bin/tsc --noEmit && ./node_modules/.bin/vitest run --reporter=dot

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

## Benchmarks (print their figures; see docs/benchmarks.md).
## RL_PYTHON=/path/to/venv/bin/python adds recordlinkage (it needs pandas < 3, so its own venv).
bench: setup
	$(BIN)/python scripts/bench.py $(if $(RL_PYTHON),--rl-python $(RL_PYTHON))

## The national dataset end to end (about 25-35 minutes on 2 cores, 12 GB of memory).
bench-national: setup
	bash scripts/bench_national.sh

## How each stage's cost grows: small, medium and national end to end, then the growth exponents and
## the person blocking's candidate and true pairs at each scale (about an hour on 2 cores; work in /tmp/toex-growth).
bench-growth: setup
	for s in small medium national; do bash scripts/bench_national.sh /tmp/toex-growth/$$s 1 $$s || exit 1; done
	$(BIN)/python scripts/bench_growth.py /tmp/toex-growth/small /tmp/toex-growth/medium /tmp/toex-growth/national
	for s in medium national; do $(BIN)/python scripts/bench_blocking.py /tmp/toex-growth/$$s/$$s.duckdb /tmp/toex-growth/$$s/data/truth || exit 1; done

## Coverage-guided fuzzing of the input parsers, one minute per target.
fuzz: setup
	for t in pole policeuk mapping; do $(BIN)/python scripts/fuzz_parsers.py --target $$t --seconds 60 || exit 1; done

## Dependency audit against the public vulnerability databases (needs access to them:
## PyPI's JSON API / OSV for pip-audit, the npm registry's advisory endpoint for npm audit).
audit: setup
	$(BIN)/pip-audit -r constraints.txt --progress-spinner off
	cd web && npm audit --audit-level=high

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
