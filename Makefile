# MentorSiG: `make run` serves the demo, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB_NAME ?= mentorsig_demo
DB_URI ?= sqlite:///$(CURDIR)/var/db
LISTEN ?= 127.0.0.1:8000
WEB_ROOT := $(CURDIR)/web/node_modules/tryton-sao
PYTEST_ARGS ?=

VENV_STAMP := $(VENV)/.mentorsig-installed
WEB_STAMP := web/node_modules/.mentorsig-installed
SYSTEM_STAMP := var/.system-packages
BENCH_STAMP := var/.bench-packages

.PHONY: run reset setup test test-sqlite test-postgresql bench clean

run: setup $(SYSTEM_STAMP)
	$(BIN)/python -m demo --database $(DB_NAME) --uri '$(DB_URI)' \
		--serve --listen $(LISTEN) --web-root $(WEB_ROOT)

reset: $(VENV_STAMP)
	$(BIN)/python -m demo --database $(DB_NAME) --uri '$(DB_URI)' --drop

setup: $(VENV_STAMP) $(WEB_STAMP) $(WEB_ROOT)/custom.js

# Pinned packages (requirements.txt), then our modules in editable mode so
# that trytond finds them through the trytond.modules entry point.
$(VENV_STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# sao's index.html loads its libraries from node_modules/ under its own
# folder while npm installs them beside it: link the folder to its parent.
$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --omit=dev --legacy-peer-deps --no-audit --no-fund
	ln -sfn .. web/node_modules/tryton-sao/node_modules
	touch $@

# Our additions to the web client (web/custom.js), which sao's index.html
# loads from its own folder
$(WEB_ROOT)/custom.js: $(WEB_STAMP)
	ln -sfn ../../custom.js $@

# Chromium for the browser tests and the PostgreSQL client tools that the
# host's DB_CACHE uses (pg_dump, pg_restore), from Debian's packages.
$(SYSTEM_STAMP): scripts/system-packages
	bash scripts/system-packages
	mkdir -p var && touch $@

test: setup $(SYSTEM_STAMP)
	$(BIN)/python tests/run.py sqlite postgresql -- $(PYTEST_ARGS)

test-sqlite: setup $(SYSTEM_STAMP)
	$(BIN)/python tests/run.py sqlite -- $(PYTEST_ARGS)

test-postgresql: setup $(SYSTEM_STAMP)
	$(BIN)/python tests/run.py postgresql -- $(PYTEST_ARGS)

# LibreOffice, for the host's side of bench_pdf's ratio only
$(BENCH_STAMP): scripts/bench-packages
	bash scripts/bench-packages
	mkdir -p var && touch $@

bench: setup $(SYSTEM_STAMP) $(BENCH_STAMP)
	@for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf var test-output
