# sweepgrad: `make demo` and `make test` set everything up themselves on a
# fresh Debian machine with Python 3.11, then run. A second run is quick:
# the virtual environment is reinstalled only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --quiet --disable-pip-version-check
OUT    := out

.PHONY: demo test lint notebooks lab dist site graphviz chromium bubblewrap npm clean

demo: $(VENV)/.demo-installed graphviz
	$(VENV)/bin/sweepgrad demo --out $(OUT)

# On every core, a test file's tests together on one worker (tests/conftest.py).
test: lint graphviz chromium bubblewrap npm
	$(PY) -m pytest -n auto --dist loadgroup

# Execute every notebook in place, seeded, so they are committed with their
# outputs (tests/notebooks/test_notebooks.py fails when they are stale).
notebooks: $(VENV)/.test-installed graphviz
	$(PY) -m tests.notebooks.execute

# JupyterLab on the notebooks, at http://localhost:8888; as root (a container,
# the quick start's setting) Jupyter needs --allow-root.
lab: $(VENV)/.notebooks-installed graphviz
	$(VENV)/bin/jupyter lab notebooks $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

# The wheel and the source distribution, into dist/, built in an isolated
# environment as any installer would build them (with byte-compiling allowed,
# which setuptools otherwise reports skipping).
dist: $(VENV)/.test-installed
	rm -rf dist
	PYTHONDONTWRITEBYTECODE= $(PY) -m build --outdir dist .

# The course site, into site/: the documentation with the API reference, every
# notebook as a page, and JupyterLite under site/lite/ (docs/site.md). Needs PyPI
# and npm only; downloads are cached in ~/.cache/sweepgrad-site.
site: $(VENV)/.site-installed npm
	$(PY) docs/site/build.py --out site

# Style (ruff) and types (mypy, configured in pyproject.toml: engine/ and nn/).
lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check engine nn tests docs/site
	$(VENV)/bin/mypy

$(PY):
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing python3-venv (Debian package)..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null \
	      && $(PYTHON) -m venv $(VENV); \
	  else \
	    echo "Cannot create a virtual environment: install python3-venv (sudo apt-get install python3-venv)." >&2; \
	    exit 1; \
	  fi; }
	@$(PIP) install --upgrade pip

$(VENV)/.demo-installed: pyproject.toml | $(PY)
	@echo "Installing sweepgrad with its plotting extras into $(VENV)..."
	@$(PIP) install -e '.[plot]'
	@touch $@

$(VENV)/.notebooks-installed: pyproject.toml | $(PY)
	@echo "Installing sweepgrad with JupyterLab into $(VENV)..."
	@$(PIP) install -e '.[notebooks]'
	@touch $@

$(VENV)/.site-installed: pyproject.toml | $(PY)
	@echo "Installing sweepgrad with the site builders (MkDocs, JupyterLite) into $(VENV)..."
	@$(PIP) install -e '.[site]'
	@touch $@

# PyTorch is an optional test oracle: installed when its pinned CPU wheel can
# be had, and the suite skips those tests cleanly without it.
$(VENV)/.test-installed: pyproject.toml | $(PY)
	@echo "Installing sweepgrad with its test extras into $(VENV)..."
	@$(PIP) install -e '.[test,torch]' || { \
	  echo "PyTorch 2.13.0 unavailable: its tests will be skipped."; \
	  $(PIP) install -e '.[test]'; }
	@touch $@

# $(call debian_package,PROGRAM,PACKAGE,NAME,HELP): install the Debian package
# PACKAGE when PROGRAM is missing, as root; otherwise print the lines of the
# variable named HELP and stop.
define debian_package
	@command -v $(1) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing $(3) (Debian package $(2))..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
	  else \
	    printf '%s\n' $($(4)) >&2; \
	    exit 1; \
	  fi; }
endef

# Graphviz's `dot` renders the graphs.
GRAPHVIZ_HELP := "Graphviz's 'dot' program is missing. Install it, then run make again:" \
  "  Debian/Ubuntu: sudo apt-get install graphviz" \
  "  macOS:         brew install graphviz" \
  "  conda:         conda install -c conda-forge graphviz"
graphviz:
	$(call debian_package,dot,graphviz,Graphviz,GRAPHVIZ_HELP)

# The browser test drives Debian's Chromium (Playwright's own browser download
# is not used).
CHROMIUM_HELP := "Chromium is missing; the browser test needs it: sudo apt-get install chromium"
chromium:
	$(call debian_package,chromium,chromium,Chromium,CHROMIUM_HELP)

# Grading runs each student's code in a bubblewrap sandbox (the grading
# tests attack it); without it, `sweepgrad grade` refuses unless --no-sandbox.
BUBBLEWRAP_HELP := "bubblewrap ('bwrap') is missing; grading sandboxes students' code with it:" \
  "  Debian/Ubuntu: sudo apt-get install bubblewrap" \
  "  Fedora:        sudo dnf install bubblewrap"
bubblewrap:
	$(call debian_package,bwrap,bubblewrap,bubblewrap,BUBBLEWRAP_HELP)

# npm fetches what the course site serves to the browser (docs/site/package.json).
NPM_HELP := "npm is missing; the course site needs it: sudo apt-get install npm"
npm:
	$(call debian_package,npm,npm,npm,NPM_HELP)

clean:
	rm -rf $(VENV) $(OUT) site dist build test-artifacts .pytest_cache .ruff_cache .hypothesis *.egg-info
