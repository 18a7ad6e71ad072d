# sweepgrad: `make demo` and `make test` set everything up themselves on a
# fresh Debian machine with Python 3.11, then run. A second run is quick:
# the virtual environment is reinstalled only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --quiet --disable-pip-version-check
OUT    := out

.PHONY: demo test lint notebooks lab graphviz chromium clean

demo: $(VENV)/.demo-installed graphviz
	$(VENV)/bin/sweepgrad demo --out $(OUT)

test: lint graphviz chromium
	$(PY) -m pytest

# Execute every notebook in place, seeded, so they are committed with their
# outputs (tests/notebooks/test_notebooks.py fails when they are stale).
notebooks: $(VENV)/.test-installed graphviz
	$(PY) -m tests.notebooks.execute

# JupyterLab on the notebooks, at http://localhost:8888; as root (a container,
# the quick start's setting) Jupyter needs --allow-root.
lab: $(VENV)/.notebooks-installed graphviz
	$(VENV)/bin/jupyter lab notebooks $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

# Style (ruff) and types (mypy, configured in pyproject.toml: engine/ and nn/).
lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check engine nn tests
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

# PyTorch is an optional test oracle: installed when its pinned CPU wheel can
# be had, and the suite skips those tests cleanly without it.
$(VENV)/.test-installed: pyproject.toml | $(PY)
	@echo "Installing sweepgrad with its test extras into $(VENV)..."
	@$(PIP) install -e '.[test,torch]' || { \
	  echo "PyTorch 2.13.0 unavailable: its tests will be skipped."; \
	  $(PIP) install -e '.[test]'; }
	@touch $@

# Graphviz's `dot` renders the graphs; install the Debian package as root.
graphviz:
	@command -v dot >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Graphviz (Debian package graphviz)..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
	  else \
	    echo "Graphviz's 'dot' program is missing. Install it, then run make again:" >&2; \
	    echo "  Debian/Ubuntu: sudo apt-get install graphviz" >&2; \
	    echo "  macOS:         brew install graphviz" >&2; \
	    echo "  conda:         conda install -c conda-forge graphviz" >&2; \
	    exit 1; \
	  fi; }

# The browser test drives Debian's Chromium (Playwright's own browser download
# is not used); install the Debian package as root.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Chromium (Debian package chromium) for the browser test..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium is missing; the browser test needs it: sudo apt-get install chromium" >&2; \
	    exit 1; \
	  fi; }

clean:
	rm -rf $(VENV) $(OUT) test-artifacts .pytest_cache .ruff_cache .hypothesis *.egg-info
