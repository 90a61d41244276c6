# PlaceVoice. `make run` to try it, `make test` for the whole suite. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_USER ?= demo
DEMO_PASSWORD ?= placevoice-demo

.PHONY: run install test test-fast worker beat lint typecheck bench vendor clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

## Set up everything and serve http://127.0.0.1:8000 on the embedded default
## (SQLite file, Celery tasks in-process, email to the console).
# Links in emails and calendar invitations point at the address the server listens on.
RUN_ENV = DEBUG=$${DEBUG:-1} SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)}
run: $(STAMP)
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo --if-empty
	$(RUN_ENV) $(BIN)/python manage.py create_user $(DEMO_USER) --role admin --password $(DEMO_PASSWORD) --first-name Demo --last-name Admin
	@echo ""
	@echo "  PlaceVoice is at http://$(HOST):$(PORT)/"
	@echo "  Sign in as '$(DEMO_USER)' with password '$(DEMO_PASSWORD)' (administrator: sees everything)."
	@echo "  Role logins, same password: officers 'olivia' and 'oscar', organiser 'omar',"
	@echo "  growth group 'grace'."
	@echo ""
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

## The whole suite, in parallel (one process per core, each with its own test database).
## Honours DATABASE_URL and CELERY_BROKER_URL when set; TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

worker: $(STAMP)
	$(BIN)/celery -A config worker --loglevel=info --concurrency=2

beat: $(STAMP)
	$(BIN)/celery -A config beat --loglevel=info

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py makemigrations --check --dry-run

bench: $(STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## Rebuild the vendored front-end assets (needs Node; `make run` does not).
vendor:
	bash scripts/vendor_frontend.sh

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
