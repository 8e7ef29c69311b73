# The two commands in the README: `make dev` and `make test`. Everything else is a helper.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup browser dev test lint bench clean

$(BIN)/clubflow: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/clubflow

# Browser tests drive Debian's Chromium; Playwright never downloads a browser of its own.
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

# axe-core, which the browser tests inject into every page they visit: a script, no browser.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# `make dev PORT=8001` for another port; the data stays in .clubflow/dev/ between runs.
PORT ?= 8000
dev: setup
	$(BIN)/clubflow dev --demo --port $(PORT)

# Lint and types first: a style or typing slip fails the run as a broken test would.
test: setup browser node_modules/axe-core/axe.min.js lint
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: setup
	$(BIN)/ruff check functions tests
	$(BIN)/mypy

# Every benchmark, each figure against its floor in the same run (`clubflow bench --quick`: a minute).
bench: setup
	$(BIN)/clubflow bench

clean:
	rm -rf $(VENV) build node_modules .pytest_cache .mypy_cache .ruff_cache
