"""The set-up cell every notebook starts with, and the links to run a notebook online.

Every notebook in ``notebooks/`` and every exercise notebook ``sweepgrad
exercises release`` writes starts with the same code cell. Where sweepgrad
is installed it does nothing; where it is not (Colab, Binder, JupyterLite, a
plain Jupyter) it installs it into the running kernel:

- in JupyterLite (``sys.platform == "emscripten"``), ``%pip install
  sweepgrad`` takes the wheel the site serves;
- elsewhere pip takes ``sweepgrad[plot]`` from PyPI or from a folder named
  by ``PIP_FIND_LINKS``, and failing that from the repository (a Git URL).

``REPOSITORY`` is the project's address as ``pyproject.toml`` states it
(``tests/test_packaging.py`` holds the two together); the Colab and Binder
links are made from it.
"""

from __future__ import annotations

from typing import Any

REPOSITORY = "https://github.com/sweepgrad/sweepgrad"
BRANCH = "main"

SETUP_SOURCE = f'''# Set-up: installs sweepgrad where it is missing (Colab, Binder, JupyterLite).
import importlib
import importlib.util
import sys

if importlib.util.find_spec("engine") is None:
    if sys.platform == "emscripten":  # JupyterLite: its site serves sweepgrad's wheel
        %pip install sweepgrad
    else:  # PyPI or the folder PIP_FIND_LINKS names, else the repository
        %pip install --quiet "sweepgrad[plot]"
        importlib.invalidate_caches()
        if importlib.util.find_spec("engine") is None:
            %pip install --quiet "sweepgrad[plot] @ git+{REPOSITORY}"'''


def setup_cell() -> dict[str, Any]:
    """The set-up cell, as a notebook (nbformat 4) code cell without outputs."""
    return {"cell_type": "code", "execution_count": None, "id": "sweepgrad-setup",
            "metadata": {"sweepgrad": {"setup": True}}, "outputs": [],
            "source": SETUP_SOURCE.splitlines(keepends=True)}


def is_setup_cell(cell: dict[str, Any]) -> bool:
    return bool(cell.get("metadata", {}).get("sweepgrad", {}).get("setup"))


def with_setup_cell(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``cells`` starting with the current set-up cell (an older one replaced)."""
    return [setup_cell(), *(cell for cell in cells if not is_setup_cell(cell))]


OWNER_AND_NAME = REPOSITORY.removeprefix("https://github.com/")


def colab_link(path: str) -> str:
    """Open the notebook at ``path`` (relative to the repository) in Google Colab."""
    return f"https://colab.research.google.com/github/{OWNER_AND_NAME}/blob/{BRANCH}/{path}"


def binder_link(path: str) -> str:
    """Open the notebook at ``path`` in JupyterLab on Binder (mybinder.org)."""
    return f"https://mybinder.org/v2/gh/{OWNER_AND_NAME}/{BRANCH}?labpath={path}"


def run_online_line(path: str) -> str:
    """The Markdown line a notebook's title cell ends with: where to run it."""
    return (f"Run it online: [in Colab]({colab_link(path)}) · "
            f"[on Binder]({binder_link(path)}) (its first cell installs sweepgrad).")
