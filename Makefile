# Set-up and everyday commands; `make serve` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The engine of `make serve`, `make build` (`handbook build`): ProperDocs, the maintained
# continuation of MkDocs 1.6, or HANDBOOK_ENGINE=mkdocs for MkDocs 1.6.1 (both are installed).
HANDBOOK_ENGINE := $(or $(HANDBOOK_ENGINE),properdocs)
export HANDBOOK_ENGINE
ENGINES := properdocs mkdocs
ifeq ($(filter $(HANDBOOK_ENGINE),$(ENGINES)),)
$(error HANDBOOK_ENGINE=$(HANDBOOK_ENGINE) names no engine: set it to properdocs (the default) or mkdocs)
endif
# Run as `mkdocs`, Material prints a banner about MkDocs 2.0 and its own end of life, and a plugin
# may add ProperDocs' about moving to it: we pin mkdocs < 1.7, and ProperDocs is the default.
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: serve build test check clean test-deps node-deps

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/$(HANDBOOK_ENGINE) serve --config-file $(CURDIR)/mkdocs.yml --dev-addr 127.0.0.1:8000

# Builds into a fresh folder and swaps it in only when the whole build succeeded
# (mkdocs empties its site_dir first: a failed build in place would leave no site);
# one build at a time (site.lock), and a killed build is recovered from by the next.
build: $(STAMP)
	$(BIN)/handbook build . --site-dir site

check: $(STAMP)
	$(BIN)/handbook check .

# Two runs: ProperDocs takes the place of `mkdocs` in sys.modules for a whole process, so the
# tests that build, serve or check the feeds run again, in a second process, under ProperDocs
# (HANDBOOK_TEST_ENGINE=properdocs keeps those marked `engine`; see tests/conftest.py).
test: $(STAMP) test-deps node-deps
	HANDBOOK_TEST_ENGINE=mkdocs $(BIN)/python -m pytest
	HANDBOOK_TEST_ENGINE=properdocs $(BIN)/python -m pytest

# Debian packages the tests drive: chromium for the browser tests (Playwright's own browser
# download does not work offline) and faketime for the reproducible-build test. CI runs as
# root; elsewhere, without root, say what is missing and let those tests skip.
TEST_PACKAGES := chromium faketime
test-deps:
	@missing=""; for p in $(TEST_PACKAGES); do command -v $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing Debian packages:$$missing (apt-get install them; their tests skip)"; fi; \
	fi

# The Nu HTML Checker the HTML test runs (package.json pins it). --ignore-scripts: its install
# script downloads a JDK; the test runs the jar with the machine's Java instead.
node-deps:
	@test -d node_modules/vnu-jar || npm install --ignore-scripts --no-audit --no-fund --silent

clean:
	rm -rf $(VENV) site
