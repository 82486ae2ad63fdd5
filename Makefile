# Set-up and everyday commands; `make serve` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Material prints a banner about MkDocs 2.0 on every run; we pin mkdocs 1.6.
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test check clean browser-deps

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

# Builds into a fresh folder and swaps it in only when the whole build succeeded
# (mkdocs empties its site_dir first: a failed build in place would leave no site).
build: $(STAMP)
	$(BIN)/handbook build . --site-dir site

check: $(STAMP)
	$(BIN)/handbook check .

test: $(STAMP) browser-deps
	$(BIN)/python -m pytest

# The browser tests drive Debian's chromium (Playwright's own browser download does not work
# here); CI runs as root. Nothing to do when chromium is already there.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

clean:
	rm -rf $(VENV) site
