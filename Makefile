# Customer portal — `make run` serves the portal on http://127.0.0.1:5000, `make test` runs
# the whole suite. Both set everything up themselves (virtualenv, packages, translations).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
# Links in mail point here; follows PORT unless PORTAL_BASE_URL is given (e.g. behind a proxy).
PORTAL_BASE_URL ?= http://127.0.0.1:$(PORT)
export FLASK_APP := app.py

.PHONY: run test bench translations compile-translations migrate demo mail clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

compile-translations: $(VENV)/.runtime
	$(BIN)/pybabel compile --statistics -d translations 2>&1 | grep -v '^$$' || true
	@test -f translations/ja/LC_MESSAGES/messages.mo

## run: set up, migrate the SQLite database in instance/, load demo data when empty, serve with
## gunicorn (gunicorn.conf.py: gthread, one worker per core × 4 threads; PORTAL_WORKERS=1 for one).
run: compile-translations
	mkdir -p instance
	PORTAL_ENV=development $(BIN)/flask db upgrade
	PORTAL_ENV=development $(BIN)/flask portal demo --if-empty
	@echo "Serving the portal on http://127.0.0.1:$(PORT), mail links to $(PORTAL_BASE_URL)  (Ctrl+C to stop)"
	PORTAL_ENV=development PORTAL_BASE_URL=$(PORTAL_BASE_URL) PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py

## test: the whole suite (SQLite; PostgreSQL when PORTAL_TEST_DATABASE_URL is set).
test: $(VENV)/.dev compile-translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## translations: extract messages, update the catalogs, compile them.
translations: $(VENV)/.dev
	$(BIN)/pybabel extract --sort-by-file --no-wrap -F babel.cfg -k _l -k lazy_gettext --ignore-dirs=".* __pycache__ .venv instance" -o translations/messages.pot .
	$(BIN)/pybabel update --no-wrap --ignore-obsolete -i translations/messages.pot -d translations
	$(BIN)/pybabel compile -d translations

## mail: deliver pending outbox mail once (needs MAIL_URL).
mail: $(VENV)/.runtime
	PORTAL_ENV=development PORTAL_BASE_URL=$(PORTAL_BASE_URL) $(BIN)/flask portal mail

clean-venv:
	rm -rf $(VENV)

## bench: the large data set; portal vs a bare Flask app, both under gunicorn, measured with wrk;
## list pages, the daily job, a notice to everyone (bench/run.py; BENCH_SCALE, BENCH_DATABASE_URL).
bench: $(VENV)/.dev compile-translations
	$(BIN)/python bench/run.py

## bench-billing: the daily job's invoices for 10,000 organizations, and the invoice PDF.
.PHONY: bench-billing
bench-billing: $(VENV)/.dev compile-translations
	$(BIN)/python bench/billing.py

## cluster: two portal nodes behind nginx with PostgreSQL and Redis, from Debian packages
## (deploy/cluster.py; Ctrl+C stops all). test-cluster: the tests on that setup (tests/cluster).
.PHONY: cluster test-cluster
cluster: $(VENV)/.runtime compile-translations
	$(BIN)/python deploy/cluster.py --port $(or $(CLUSTER_PORT),8080)

test-cluster: $(VENV)/.dev compile-translations
	PORTAL_CLUSTER_TESTS=1 $(BIN)/python -m pytest -p no:cacheprovider tests/cluster $(PYTEST_ARGS)

## bench-server: waitress vs gunicorn under wrk, the measurement behind the server choice.
.PHONY: bench-server
bench-server: $(VENV)/.dev compile-translations
	$(BIN)/python bench/server_choice.py

## bench-downloads: 1 GiB download through the portal vs from disk, server peak memory.
.PHONY: bench-downloads
bench-downloads: $(VENV)/.dev compile-translations
	$(BIN)/python bench/downloads.py
