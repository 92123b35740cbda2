# Two commands matter: `make run` (the whole product on embedded defaults) and `make test`.
# Both create the virtual environment on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export NO_MKDOCS_2_WARNING := 1
export FLASK_APP := site_app

.PHONY: install run test docs docs-serve translations messages migrate lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Compile the app's catalogs (.po → .mo).
translations: $(STAMP)
	$(BIN)/pybabel compile -d site_app/translations --statistics

## Extract new strings and update every catalog (for translators).
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -o site_app/translations/messages.pot site_app
	$(BIN)/pybabel update -N -i site_app/translations/messages.pot -d site_app/translations

## Build the help center into site/ (strict: a broken link, anchor or topic fails).
docs: $(STAMP)
	$(BIN)/mkdocs build --strict

## Preview the guide with live reload at http://127.0.0.1:8000/help/ while editing docs/.
docs-serve: $(STAMP)
	$(BIN)/mkdocs serve

migrate: $(STAMP)
	$(BIN)/flask db upgrade

run: translations docs migrate
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: translations
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check site_app tests overrides

clean:
	rm -rf site instance .pytest_cache
