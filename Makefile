# Two commands on a fresh machine: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
export DONGNE_DATA_DIR ?= var

.PHONY: install run test lint format bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/dongne migrate
	$(BIN)/dongne demo
	@echo ""
	@echo "  동네물어봐 Dongne is starting:"
	@echo "    API docs     http://$(HOST):$(PORT)/docs"
	@echo "    health       http://$(HOST):$(PORT)/health"
	@echo ""
	DONGNE_DEMO=true $(BIN)/dongne serve --host $(HOST) --port $(PORT)

# pytest exits 5 when it collected no tests: that must fail, not pass quietly.
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: no tests ran" >&2; exit 1; fi; exit $$status

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench/loadgen/node_modules/.package-lock.json: bench/loadgen/package-lock.json
	cd bench/loadgen && npm ci --no-audit --no-fund --loglevel=error

# The load benchmark (bench/README.md); BENCH_ARGS=--quick for a one-minute run.
bench: $(STAMP) bench/loadgen/node_modules/.package-lock.json
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache bench/loadgen/node_modules
