# Two commands matter: `make run` (the whole product on embedded defaults) and `make test`.
# Both create the virtual environment on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
AXE := node_modules/axe-core/axe.min.js
export NO_MKDOCS_2_WARNING := 1
export FLASK_APP := site_app
# The guide's canonical, hreflang and sitemap addresses (mkdocs.yml site_url): the site's
# public address when it is set, else http://127.0.0.1:5000/help/ (make run).
ifdef FLASK_PUBLIC_URL
export HELP_SITE_URL ?= $(FLASK_PUBLIC_URL)/help/
endif

.PHONY: install run test docs docs-serve screenshots translations messages migrate lint clean \
	translation-status translation-record language bench

## uv (a package on PyPI, installed into the venv) installs the packages in about 15 s on a
## clean machine where pip took about 80 s; pip does it when uv cannot be installed.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	if $(BIN)/python -m pip install --quiet uv; then \
	  $(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[test]'; \
	else \
	  echo "uv not installed: pip installs the packages (slower)"; \
	  $(BIN)/python -m pip install --quiet --upgrade pip && \
	  $(BIN)/python -m pip install --quiet -e '.[test]'; \
	fi
	touch $(STAMP)

install: $(STAMP)

## Compile the app's catalogs (.po → .mo), with each language's typography
## (site_app/typography.py: French no-break spaces, Arabic isolated placeholders).
translations: $(STAMP)
	$(BIN)/python scripts/compile_catalogs.py

## Extract new strings and update every catalog (for translators).
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -o site_app/translations/messages.pot site_app
	$(BIN)/pybabel update -N -i site_app/translations/messages.pot -d site_app/translations

## Build the help center into site/ (strict: a broken link, anchor or topic fails), then
## write the gzip copies WhiteNoise serves (restart the app's workers after a rebuild).
docs: $(STAMP)
	$(BIN)/mkdocs build --strict
	$(BIN)/python -m whitenoise.compress -q site

## Preview the guide at http://127.0.0.1:8000/help/ while editing docs/: a saved page shows
## in about a second (only it, and a French page's translations, are rendered again), and
## the browser reloads by itself (scripts/preview.py; docs/CONTRIBUTING.md, "Preview").
docs-serve: $(STAMP)
	$(BIN)/python scripts/preview.py

## Which translated pages are up to date, outdated (which sections) or missing; exit 1 if missing.
translation-status: $(STAMP)
	$(BIN)/python scripts/translations.py

## After updating translations: record which French text they translate, e.g.
## make translation-record FILES="docs/account.en.md"   (or FILES=--all)
translation-record: $(STAMP)
	$(BIN)/python scripts/translations.py record $(FILES)

## Add a language to the app and the guide in one step (see docs/CONTRIBUTING.md):
##   make language CODE=de        (name and direction from CLDR; NAME=… DIR=rtl to override)
language: $(STAMP)
	@test -n "$(CODE)" || { echo "usage: make language CODE=xx [NAME=…] [DIR=ltr|rtl]"; exit 2; }
	$(BIN)/python scripts/new_language.py $(CODE) $(if $(NAME),--name "$(NAME)") $(if $(DIR),--dir $(DIR))

## Retake the guide's figures from the real app (Chromium), every language of LANGUAGES:
## cut around their numbered points, 2x WebP in docs/assets/screenshots/<lang>/ + callouts.json.
## The guide is built without --strict here: the figures being made may not exist yet.
screenshots: $(STAMP) translations
	$(BIN)/mkdocs build
	$(BIN)/python scripts/screenshots.py --site site

## axe-core for the accessibility tests, pinned in package-lock.json.
## Without npm the accessibility tests are skipped (and fail when CI=true).
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  echo "npm ci --no-audit --no-fund" && npm ci --no-audit --no-fund && touch $(AXE); \
	else echo "npm not found: axe-core not installed, the accessibility tests will skip"; fi

migrate: $(STAMP)
	$(BIN)/flask db upgrade

## The embedded defaults: SQLite, limits in memory, and (no SMTP server) the development
## mailbox at /dev/mailbox, which is opened here only — never by default.
run: translations docs migrate
	FLASK_DEV_MAILBOX=true $(BIN)/flask run --host 127.0.0.1 --port 5000

## The tests' temporary files (their SQLite databases above all: on a disk each commit is
## an fsync, a third of the suite's time) go to memory, /dev/shm, when it has 2 GB free and
## TMPDIR is not set.
TEST_TMPDIR = $(or $(TMPDIR),$(shell df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 && $$4 > 2000000 {print "/dev/shm"}'))

## Two test processes per core: a process waiting for Chromium, a server it started, a
## build or a clock leaves its core to another (one per core left a core idle about half
## the time). A test file stays in one process (its fixtures, Redis, servers); the longest
## files start first, in the order of tests/conftest.py (LONGEST_FIRST).
TEST_WORKERS ?= $(shell echo $$(( 2 * $$(nproc 2>/dev/null || echo 1) )))

test: translations $(AXE)
	$(BIN)/ruff check site_app tests overrides scripts bench
	$(if $(TEST_TMPDIR),TMPDIR=$(TEST_TMPDIR) )$(BIN)/python -m pytest -n $(TEST_WORKERS) \
	  --dist loadfile --no-loadscope-reorder

## The benchmarks, by hand (not CI): wrk, valgrind, Flask-Security-Too, PostgreSQL, Redis.
## Writes bench/results/<commit>.json and the table of bench/README.md (about 15 minutes).
bench: $(STAMP) translations
	command -v wrk >/dev/null && command -v valgrind >/dev/null || apt-get install -y wrk valgrind
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check site_app tests overrides scripts bench
	$(BIN)/ruff format --check site_app tests overrides scripts bench

clean:
	rm -rf site instance .pytest_cache
