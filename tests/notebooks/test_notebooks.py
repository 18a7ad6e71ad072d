"""Every notebook in notebooks/ runs from top to bottom without an error.

Each notebook is executed with nbclient on the "python3" kernel, in a
temporary working directory (so the images and files a notebook writes land
there, not in the repository), with a time limit per cell. A failing cell
fails the test with the cell's source and the error. The notebooks are kept
in the repository without outputs; execution here does not write them back.
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
CELL_TIMEOUT = 120  # seconds; every cell takes a few seconds at most


def files_in_notebooks() -> set[Path]:
    """Files under notebooks/, without Python's bytecode caches (other tests import from there)."""
    return {p for p in NOTEBOOKS_DIR.rglob("*") if "__pycache__" not in p.parts}


def test_the_notebooks_are_there():
    """Guard against passing vacuously: the course has at least eight notebooks."""
    assert len(NOTEBOOKS) >= 8, f"found only {[p.name for p in NOTEBOOKS]} in {NOTEBOOKS_DIR}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_saved_without_outputs(path: Path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    dirty = [i for i, cell in enumerate(notebook.cells)
             if cell.cell_type == "code" and (cell.outputs or cell.execution_count)]
    assert not dirty, f"{path.name}: clear the outputs of cells {dirty} before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_without_errors(path: Path, tmp_path: Path):
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    before = files_in_notebooks()
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as error:
        pytest.fail(f"{path.name} failed:\n{error}", pytrace=False)
    errors = [output for cell in notebook.cells if cell.cell_type == "code"
              for output in cell.outputs if output.output_type == "error"]
    assert not errors, f"{path.name}: {errors[0].ename}: {errors[0].evalue}"
    written = sorted(str(p.relative_to(NOTEBOOKS_DIR)) for p in files_in_notebooks() - before)
    assert not written, f"{path.name} wrote into the repository, not its tmp dir: {written}"
