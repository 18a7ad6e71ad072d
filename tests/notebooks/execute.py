"""Executing the notebooks: what ``make notebooks`` runs and what the tests compare with.

    python -m tests.notebooks.execute            # every notebook, outputs written in place
    python -m tests.notebooks.execute 02_the_backward_sweep

Each notebook runs top to bottom on a fresh "python3" kernel in a temporary
working directory (the files a notebook writes land there, not in the
repository), the same way every time:

- randomness is seeded in each notebook; ``PYTHONHASHSEED=0`` fixes set order;
- progress bars are off (``SWEEPGRAD_PROGRESS=0``): a bar's timings would
  change every run, and a widget would leave its state in the file;
- no execution timestamps and no widget state are recorded;
- consecutive writes to one stream are joined into one output (how the
  kernel splits them depends on how long the cell paused between prints).

So running it twice gives the same files, and a test can re-execute a
committed notebook and demand the same outputs (``test_notebooks.py``).

Before executing, ``main`` gives each notebook its opening: the set-up cell
first (``engine.app.notebook_setup``: it installs sweepgrad where it is
missing), and at the end of the title cell the links that run it in Colab
and on Binder.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import nbclient
import nbformat

from engine.app.notebook_setup import run_online_line, with_setup_cell

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
CELL_TIMEOUT = 120  # seconds; every cell takes a few seconds at most
ENVIRONMENT = {"SWEEPGRAD_PROGRESS": "0", "PYTHONHASHSEED": "0", "MPLBACKEND": ""}


def notebooks() -> list[Path]:
    return sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


def execute(path: Path, working_dir: Path | None = None) -> nbformat.NotebookNode:
    """The notebook at ``path`` with fresh outputs (the file itself is not changed)."""
    notebook = nbformat.read(path, as_version=4)
    saved = {name: os.environ.get(name) for name in ENVIRONMENT}
    # The kernel inherits this process's environment.
    for name, value in ENVIRONMENT.items():
        if value:
            os.environ[name] = value
        else:
            os.environ.pop(name, None)  # matplotlib picks Jupyter's inline backend itself
    try:
        with tempfile.TemporaryDirectory() as scratch:
            client = nbclient.NotebookClient(
                notebook,
                kernel_name="python3",
                timeout=CELL_TIMEOUT,
                record_timing=False,
                store_widget_state=False,
                resources={"metadata": {"path": str(working_dir or scratch)}},
            )
            client.execute()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = merged_streams(cell.outputs)
    return notebook


RUN_ONLINE = "Run it online:"


def with_opening(notebook: nbformat.NotebookNode, path: Path) -> nbformat.NotebookNode:
    """``notebook`` starting with the set-up cell, its title cell ending with the links
    that run ``path`` online (both replaced when they are there already)."""
    cells = with_setup_cell([dict(cell) for cell in notebook.cells])
    title = next(cell for cell in cells if cell["cell_type"] == "markdown")
    text = "".join(title["source"]) if isinstance(title["source"], list) else title["source"]
    kept = [line for line in text.rstrip("\n").split("\n") if not line.startswith(RUN_ONLINE)]
    while kept and not kept[-1].strip():
        kept.pop()
    line = run_online_line(f"{NOTEBOOKS_DIR.name}/{path.name}")
    title["source"] = "\n".join([*kept, "", line])
    notebook.cells = [nbformat.from_dict(cell) for cell in cells]
    return notebook


def merged_streams(outputs: list) -> list:
    """``outputs`` with each run of stdout (or stderr) text joined into one output."""
    merged: list = []
    for output in outputs:
        last = merged[-1] if merged else None
        if (output.output_type == "stream" and last is not None
                and last.output_type == "stream" and last.name == output.name):
            last.text += output.text
        else:
            merged.append(output)
    return merged


def main(names: list[str]) -> int:
    chosen = [p for p in notebooks() if not names or p.stem in names or p.name in names]
    if names and len(chosen) != len(names):
        print(f"unknown notebook(s); the notebooks are: {[p.stem for p in notebooks()]}",
              file=sys.stderr)
        return 2
    for path in chosen:
        print(f"executing {path.relative_to(NOTEBOOKS_DIR.parent)}", flush=True)
        nbformat.write(with_opening(nbformat.read(path, as_version=4), path), path)
        nbformat.write(execute(path), path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
