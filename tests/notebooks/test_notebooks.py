"""The notebooks: committed with current, clean outputs, and every picture fits a column.

``make notebooks`` executes every notebook in place (``tests/notebooks/execute.py``),
so a student browsing the repository sees the graphs and plots. Here each
committed notebook is executed again in a temporary folder and must give
the same outputs: the same text (streams, text/plain, HTML, SVG) and an
image wherever it had one. Saved outputs must hold no absolute paths, memory
addresses, warnings or widget state, and every drawing must fit a notebook's
~1,000 px column (SVG sizes read from the outputs; 1 pt is 4/3 px).
"""

from __future__ import annotations

import base64
import difflib
import itertools
import re
import struct
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

from tests.notebooks.execute import NOTEBOOKS_DIR, execute, notebooks  # noqa: E402

NOTEBOOKS = notebooks()
COLUMN_PX = 1000
TEXT_TYPES = ("text/plain", "text/html", "image/svg+xml", "text/markdown", "text/latex")
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif")
ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])(/(home|root|tmp|work|Users|var|usr|opt)/|[A-Z]:\\\\)")
MEMORY_ADDRESS = re.compile(r"\bat 0x[0-9a-fA-F]{4,}")


def read(path: Path):
    return nbformat.read(path, as_version=4)


def outputs(notebook) -> list[tuple[int, dict]]:
    return [(index, output) for index, cell in enumerate(notebook.cells)
            if cell.cell_type == "code" for output in cell.outputs]


def texts_of(output) -> list[str]:
    """Every piece of text an output holds (its images left out)."""
    if output.output_type == "stream":
        return [output.text]
    if output.output_type == "error":
        return [output.ename, output.evalue, *output.traceback]
    data = output.get("data", {})
    return ["".join(data[kind]) if isinstance(data[kind], list) else str(data[kind])
            for kind in data if kind not in IMAGE_TYPES]


def comparable(notebook) -> list[list[tuple]]:
    """Per code cell: its outputs as (kind, text or 'an image') tuples, for staleness."""
    cells = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        shown = []
        for output in cell.outputs:
            if output.output_type == "stream":
                shown.append(("stream", output.name, output.text))
                continue
            data = output.get("data", {})
            for kind in sorted(data):
                shown.append((output.output_type, kind,
                               "an image" if kind in IMAGE_TYPES else data[kind]))
        cells.append(shown)
    return cells


def test_the_notebooks_are_there():
    """Guard against passing vacuously: the course has at least eight notebooks."""
    assert len(NOTEBOOKS) >= 8, f"found only {[p.name for p in NOTEBOOKS]} in {NOTEBOOKS_DIR}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_outputs_are_there_and_clean(path: Path):
    notebook = read(path)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    unrun = [i for i, cell in enumerate(code) if cell.execution_count is None]
    assert not unrun, f"{path.name}: run `make notebooks`; code cells {unrun} have no outputs"
    assert "widgets" not in notebook.metadata, f"{path.name} holds widget state"
    for index, output in outputs(notebook):
        where = f"{path.name}, cell {index}"
        assert output.output_type != "error", f"{where}: {output.ename}: {output.evalue}"
        assert not (output.output_type == "stream" and output.name == "stderr"), \
            f"{where} wrote to stderr (a warning?): {output.text[:200]!r}"
        assert not any("widget" in kind for kind in output.get("data", {})), f"{where}: a widget"
        for text in texts_of(output):
            assert not ABSOLUTE_PATH.search(text), \
                f"{where} holds an absolute path: {ABSOLUTE_PATH.search(text).group(0)!r}"
            assert not MEMORY_ADDRESS.search(text), \
                f"{where} holds a memory address: {MEMORY_ADDRESS.search(text).group(0)!r}"
            assert "Warning" not in text, f"{where} holds a warning"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_outputs_are_what_the_notebook_gives_now(path: Path, tmp_path: Path):
    """Re-executing changes no text output and drops no image (else: `make notebooks`)."""
    before = {p for p in NOTEBOOKS_DIR.rglob("*") if "__pycache__" not in p.parts}
    try:
        fresh = execute(path, working_dir=tmp_path)
    except nbclient.exceptions.CellExecutionError as error:
        pytest.fail(f"{path.name} failed:\n{error}", pytrace=False)
    after = {p for p in NOTEBOOKS_DIR.rglob("*") if "__pycache__" not in p.parts}
    assert not after - before, f"{path.name} wrote into the repository: {after - before}"
    committed, now = comparable(read(path)), comparable(fresh)
    assert len(committed) == len(now)
    for number, (old, new) in enumerate(zip(committed, now)):
        assert old == new, (f"{path.name}: the outputs of code cell {number} are stale; "
                            "run `make notebooks` and commit the notebooks\n"
                            + difference(old, new))


def difference(old: list[tuple], new: list[tuple]) -> str:
    """The first lines that differ between two cells' outputs, as a unified diff."""
    old_text = "\n".join(map(str, old)).splitlines()
    new_text = "\n".join(map(str, new)).splitlines()
    lines = difflib.unified_diff(old_text, new_text, "committed", "now", lineterm="", n=1)
    return "\n".join(line[:300] for line in itertools.islice(lines, 40))


def svg_widths(text: str) -> list[float]:
    """The widths, in CSS pixels, of the <svg> elements in ``text``."""
    widths = []
    for tag in re.findall(r"<svg\b[^>]*>", text):
        match = re.search(r'\bwidth="([\d.]+)(pt|px)?"', tag)
        if match:
            widths.append(float(match.group(1)) * (4 / 3 if match.group(2) == "pt" else 1))
    return widths


def png_width(data: str) -> int:
    raw = base64.b64decode(data)
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">I", raw[16:20])[0]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_picture_fits_a_1000_px_column(path: Path):
    notebook = read(path)
    drawn = 0
    for index, output in outputs(notebook):
        data = output.get("data", {})
        for kind in ("image/svg+xml", "text/html"):
            if kind in data:
                for width in svg_widths("".join(data[kind])):
                    drawn += 1
                    assert width <= COLUMN_PX, f"{path.name}, cell {index}: SVG {width:.0f} px wide"
        if "image/png" in data:
            drawn += 1
            width = png_width(data["image/png"])
            assert width <= COLUMN_PX, f"{path.name}, cell {index}: PNG {width} px wide"
    assert drawn or path.stem.startswith(("01", "07")), f"{path.name}: no picture was checked"


def test_the_svg_reader_reads_points_and_pixels():
    assert svg_widths('<svg width="750pt" height="10pt"><svg width="20px">') == [1000.0, 20.0]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_links_its_exercises_and_cites_lectures_by_topic(path: Path):
    notebook = read(path)
    opening = next(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert "exercises/README.md" in opening and re.search(r"chapter \d", opening), \
        f"{path.name}: its title cell should link to its exercise chapter"
    prose = "\n".join(cell.source for cell in notebook.cells)
    assert not re.search(r"\d{3}_[0-9a-f]{16}|lectures/", prose), \
        f"{path.name} names a lecture file; cite the lecture by its topic"


def test_the_player_is_in_notebooks_02_and_05():
    for name, modes in (("02_the_backward_sweep", {"backward", "forward", "quiz"}),
                        ("05_neurons_layers_mlps", {"backward", "quiz"})):
        html = "".join("".join(output.get("data", {}).get("text/html", ""))
                       for _, output in outputs(read(NOTEBOOKS_DIR / f"{name}.ipynb")))
        assert set(re.findall(r'class="sweepgrad-player" id="[^"]+" data-mode="(\w+)"',
                              html)) == modes, name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_starts_with_the_set_up_cell_and_links_to_run_it_online(path: Path):
    """The first cell installs sweepgrad where it is missing (here it is: no output); the
    title cell links this very notebook in Colab and on Binder."""
    from engine.app.notebook_setup import SETUP_SOURCE, binder_link, colab_link

    notebook = read(path)
    first = notebook.cells[0]
    assert first.cell_type == "code" and first.source == SETUP_SOURCE, \
        f"{path.name}: run make notebooks to give it the current set-up cell"
    assert first.outputs == []
    title = notebook.cells[1]
    assert title.cell_type == "markdown" and title.source.startswith("# ")
    relative = f"notebooks/{path.name}"
    assert f"]({colab_link(relative)})" in title.source
    assert f"]({binder_link(relative)})" in title.source
