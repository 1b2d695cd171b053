# Two commands: `make run` and `make test`. Everything else they need is installed here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi

.PHONY: install js run check test test-fast test-sqlite test-postgres bench bench-memory bench-scale translations migrate demo clean

# Where ruff looks (configured in pyproject.toml).
LINTED := app tests migrations bench
# The suite prints its slowest tests; PYTEST_ARGS narrows or widens a run (e.g. -m "not browser").
PYTEST := $(BIN)/pytest --durations=15 $(PYTEST_ARGS)

install: $(VENV)/.installed static/vendor/htmx.min.js js translations

# Our JavaScript as phones get it: minified by esbuild (an npm devDependency), in the one dialect
# Android Go's Chrome runs (ES2019). The sources in static/js are what is read and committed.
# The pages get one file (outbox.js, shared with the service worker, then app.js): one request on a
# first visit, not two; the worker imports the same file and worker.js. forms.js (drafts, photos made
# lighter, My drafts) is loaded by app.js only on pages that have such a form.
ESBUILD := node_modules/.bin/esbuild --minify --target=es2019 --log-level=warning
js: static/build/jamaati.js static/build/worker.js static/build/forms.js static/build/app.css

static/build/jamaati.js: static/js/outbox.js static/js/app.js node_modules/.installed
	mkdir -p static/build
	cat static/js/outbox.js static/js/app.js | $(ESBUILD) --loader=js > $@.part && mv $@.part $@

static/build/worker.js: static/js/worker.js node_modules/.installed
	mkdir -p static/build
	$(ESBUILD) $< --outfile=$@

static/build/forms.js: static/js/forms.js node_modules/.installed
	mkdir -p static/build
	$(ESBUILD) $< --outfile=$@

# The stylesheet too, minified (static/css/app.css is the source): every page's first visit pays for it.
static/build/app.css: static/css/app.css node_modules/.installed
	mkdir -p static/build
	$(ESBUILD) $< --outfile=$@

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

static/vendor/htmx.min.js: node_modules/.installed
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $@

translations: $(VENV)/.installed
	JAMAATI_DEMO=1 $(FLASK) translate compile

migrate: install
	JAMAATI_DEMO=1 $(FLASK) db upgrade

demo: migrate
	JAMAATI_DEMO=1 $(FLASK) communes import
	JAMAATI_DEMO=1 $(FLASK) permits seed
	JAMAATI_DEMO=1 $(FLASK) demo seed

run: demo
	@echo "Jamaati on http://127.0.0.1:$(PORT) (demo mode; accounts in README.md)"
	@# The notification worker runs beside the server and stops with it (Ctrl-C included).
	JAMAATI_DEMO=1 $(FLASK) notifications work & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	JAMAATI_DEMO=1 $(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers 1 --threads 4 --access-logfile - wsgi:app

check: $(VENV)/.installed
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

test: install test-sqlite test-postgres

# Everything but the browser tests (no Chromium needed), on SQLite.
test-fast: install
	$(PYTEST) -m "not browser"

test-sqlite:
	$(PYTEST)

test-postgres:
ifdef TEST_DATABASE_URL
	$(PYTEST) --database-url "$(TEST_DATABASE_URL)"
else ifdef REQUIRE_POSTGRES
	@echo "REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not" >&2; exit 1
else
	@echo "TEST_DATABASE_URL not set: PostgreSQL run skipped (.ci/run sets it)"
endif

bench: install
	$(BIN)/python -m bench.transfer
	$(BIN)/python -m bench.upload_memory
	$(BIN)/python -m bench.throughput
	$(BIN)/python -m bench.firstpaint

# What photo uploads add to a running worker's memory (issue 11); fails over its 100 MB budget.
bench-memory: install
	$(BIN)/python -m bench.upload_memory

# The desk and the public API at 10 k and at a million cases (BENCH_SCALE_N), on DATABASE_URL's database.
bench-scale: install
	$(BIN)/python -m bench.scale

clean:
	rm -rf $(VENV) node_modules static/vendor static/build instance .pytest_cache
