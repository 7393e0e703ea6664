# Two commands on a fresh machine: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
export DONGNE_DATA_DIR ?= var
# The web client (web/, TypeScript + Vite) is built into the package; never committed.
WEB := web
WEB_DEPS := $(WEB)/node_modules/.package-lock.json
WEB_BUILD := src/dongne/static/index.html
WEB_SOURCES := $(shell find $(WEB)/src $(WEB)/public -type f 2>/dev/null) \
	$(WEB)/index.html $(WEB)/admin.html $(WEB)/vite.config.ts $(WEB)/tsconfig.json $(WEB)/tsconfig.sw.json \
	src/dongne/regions/data/jeju_hotspots.json src/dongne/regions/data/jeju_regions.geojson

.PHONY: install lock run test lint format bench soak clean web eval-similar bench-similar

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# Re-resolves every dependency to its newest allowed version, in a throwaway venv.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	{ sed -n '/^#/p' constraints.txt; .lock-venv/bin/python -m pip freeze --exclude-editable \
	  --disable-pip-version-check; } > constraints.new && mv constraints.new constraints.txt
	rm -rf .lock-venv

install: $(STAMP)

# npm writes node_modules/.package-lock.json on every install: our stamp.
$(WEB_DEPS): $(WEB)/package.json $(WEB)/package-lock.json
	cd $(WEB) && npm ci --no-audit --no-fund

$(WEB_BUILD): $(WEB_DEPS) $(WEB_SOURCES)
	cd $(WEB) && npm run build

web: $(WEB_BUILD)

run: $(STAMP) $(WEB_BUILD)
	$(BIN)/dongne migrate
	$(BIN)/dongne demo
	@echo ""
	@echo "  동네물어봐 Dongne is starting:"
	@echo "    web client   http://$(HOST):$(PORT)/"
	@echo "    dashboard    http://$(HOST):$(PORT)/admin  (admin@dongne.demo)"
	@echo "    API docs     http://$(HOST):$(PORT)/docs"
	@echo "    health       http://$(HOST):$(PORT)/health"
	@echo ""
	DONGNE_DEMO=true $(BIN)/dongne serve --host $(HOST) --port $(PORT)

# pytest exits 5 when it collected no tests: that must fail, not pass quietly. `-rs` lists
# every skipped test with its reason (the ones skipped by design, and any missing service).
test: $(STAMP) $(WEB_BUILD)
	cd $(WEB) && npm test
	$(BIN)/python -m pytest -rs $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: no tests ran" >&2; exit 1; fi; exit $$status

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	cd $(WEB) && npm run typecheck

format: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench/loadgen/node_modules/.package-lock.json: bench/loadgen/package-lock.json
	cd bench/loadgen && npm ci --no-audit --no-fund --loglevel=error

# The load benchmark (bench/README.md); BENCH_ARGS=--quick for a one-minute run.
bench: $(STAMP) bench/loadgen/node_modules/.package-lock.json
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# [17] Precision and recall of the similar-question matcher against a character n-gram
# baseline, on tests/fixtures/similar; and its query latency at 100,000 stored questions.
eval-similar: $(STAMP)
	$(BIN)/python bench/eval_similar.py

bench-similar: $(STAMP)
	$(BIN)/python bench/similar.py

# The soak test with faults (docs/reliability.md): SOAK_ARGS="--minutes 3" or "--cluster".
# `make soak -- --cluster` works too: the words after `--` are passed on.
ifeq (soak,$(firstword $(MAKECMDGOALS)))
SOAK_EXTRA := $(wordlist 2,$(words $(MAKECMDGOALS)),$(MAKECMDGOALS))
$(eval $(SOAK_EXTRA):;@:)
endif
soak: $(STAMP)
	$(BIN)/python bench/soak.py $(SOAK_ARGS) $(SOAK_EXTRA)

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache $(WEB)/node_modules src/dongne/static bench/loadgen/node_modules
