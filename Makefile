# transit — two commands: `make demo` and `make test`. Each creates/updates .venv itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= demo-output
BENCH_OUT ?= bench-output

.PHONY: demo test lint bench maps clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed, found " + sys.version.split()[0]'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/transit demo --out $(OUT)

lint: $(STAMP)
	$(BIN)/ruff check transit tests benchmarks tools
	$(BIN)/ruff format --check transit tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test: lint
	$(BIN)/python -m pytest -n 2 -q

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py --out $(BENCH_OUT)

maps: $(STAMP)
	$(BIN)/transit maps all --out maps

clean:
	rm -rf $(VENV) $(OUT) $(BENCH_OUT) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find maps -name '*.html' -delete 2>/dev/null || true
