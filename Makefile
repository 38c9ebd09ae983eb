# transit — two commands: `make demo` and `make test`. Each creates/updates .venv itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= demo-output
BENCH_OUT ?= bench-output

.PHONY: demo test lint bench maps clean venv browser

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

# The browser tests drive Debian's chromium (and need a Japanese font). Quick when both are there;
# installs them with apt-get when root; never fails: without them the browser tests skip, saying why.
browser:
	@if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
	  echo "browser: chromium and fonts-noto-cjk are installed"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "browser: installing chromium and fonts-noto-cjk (apt-get)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
	    || echo "browser: apt-get failed; the browser tests will be skipped"; \
	else \
	  echo "browser: cannot install chromium here (needs root and apt-get); the browser tests will be skipped"; \
	fi

test: lint browser
	$(BIN)/python -m pytest -n 2 -q

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py --out $(BENCH_OUT)

# The workshop atlas of the sample city, from the demo's outputs (runs the demo first when absent).
maps: $(STAMP)
	@test -f $(OUT)/scenarios/provenance.json || $(BIN)/transit demo --out $(OUT)
	$(BIN)/transit maps all --feed $(OUT)/gtfs/sample-feed-2026.zip --store $(OUT)/demand/store \
	  --areas $(OUT)/drt --scenarios $(OUT)/scenarios --synthetic all -o maps

clean:
	rm -rf $(VENV) $(OUT) $(BENCH_OUT) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find maps -name '*.html' -delete 2>/dev/null || true
	rm -rf maps/assets maps/handout test-output
