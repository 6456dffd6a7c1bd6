# Shuangshi: `make run` and `make test` are all a new machine needs (Python 3.11+ and make).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# pytest-xdist: one test worker per core
TEST_WORKERS ?= auto

.PHONY: run test lint format bench translations messages install install-dev clean wheel wheelhouse

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Compiled catalogs (.mo) are built here, never committed.
translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d core/translations

# Re-extract the message catalog after changing user-facing strings; then fill in
# the new zh-CN entries in core/translations/zh_Hans_CN/LC_MESSAGES/messages.po.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l --no-location --sort-output \
		--ignore-dirs=".venv tests migrations bench instance build" -o core/translations/messages.pot .
	$(BIN)/pybabel update -N --ignore-obsolete --no-wrap -i core/translations/messages.pot -d core/translations

run: translations
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) org init
	HOST=$(HOST) PORT=$(PORT) $(FLASK) demo-data --if-empty
	@echo "Background tasks and scheduled jobs run beside the server; Ctrl+C stops all three."
	$(FLASK) worker & worker=$$!; $(FLASK) scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null; wait' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/pybabel compile -d core/translations
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist load $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: translations
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# The installable package, its catalogs compiled in (setup.py); built from a copy of the tree so
# no build/ folder is left in it.
wheel: $(VENV)/.installed-dev
	rm -rf dist && mkdir -p dist
	tmp=$$(mktemp -d) && git ls-files -z | xargs -0 -I{} cp --parents {} $$tmp && \
	$(BIN)/pip wheel $$tmp -w dist --no-deps --no-build-isolation -q && rm -rf $$tmp
	@ls dist

# The wheel and every dependency, pinned by requirements.lock: an installation with no internet.
wheelhouse: wheel
	$(BIN)/pip download -r requirements.lock -d dist --only-binary=:all: --no-deps --require-hashes -q
	@echo "offline, on the machine: python3 -m venv /opt/shuangshi && \\"
	@echo "  /opt/shuangshi/bin/pip install --no-index --find-links dist shuangshi"
