"""Which program renders a drawing: ``dot``, else ``graphviz-pure``, else a clear error.

PATH is set by each test to a folder holding only what the test puts there
(a fake program that records how it was called, or the real one).
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from engine import Value
from engine.drawing import GraphvizNotFoundError, draw, render
from engine.drawing import renderer as renderer_module
from tests.helpers.drawings import lecture_neuron_with_nodes, svg_nodes, values_and_ops

FAKE = """#!{python}
import pathlib, sys
args = sys.argv[1:]
source = sys.stdin.read()
sys.stdout.write("<svg xmlns='http://www.w3.org/2000/svg'/>")
log = pathlib.Path(sys.argv[0]).with_name("calls.log")
log.write_text({name!r} + "\\n" + " ".join(args) + "\\n" + source, encoding="utf-8")
"""


def fake_program(folder: Path, name: str) -> Path:
    program = folder / name
    program.write_text(FAKE.format(python=sys.executable, name=name))
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return program


def real_graphviz_pure() -> str | None:
    found = shutil.which("graphviz-pure")
    for directory in renderer_module._scripts_directories():
        found = found or shutil.which("graphviz-pure", path=directory)
    return found


REAL_GRAPHVIZ_PURE = real_graphviz_pure()  # looked up before any test changes PATH


@pytest.fixture
def only(tmp_path, monkeypatch):
    """PATH = an empty folder, and no programs next to Python; returns the folder."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.setattr(renderer_module, "_scripts_directories", lambda: [])
    return folder


def neuron() -> Value:
    o, _ = lecture_neuron_with_nodes()
    o.backward()
    return o


def test_without_any_program_the_error_says_how_to_install(only, tmp_path):
    o = neuron()
    with pytest.raises(GraphvizNotFoundError) as error:
        render(o, tmp_path / "neuron.svg")
    assert isinstance(error.value, RuntimeError)
    message = str(error.value)
    for hint in ("apt-get install graphviz", "brew install graphviz",
                 "conda install -c conda-forge graphviz", "pip install graphviz-pure"):
        assert hint in message
    assert not (tmp_path / "neuron.svg").exists()
    # The graph itself needs no program: its source, and .gv files.
    assert "tanh" in draw(o).source
    assert render(o, tmp_path / "neuron.gv").read_text(encoding="utf-8") == draw(o).source


def test_dot_is_used_when_on_path(only, tmp_path):
    fake_program(only, "dot")
    fake_program(only, "graphviz-pure")
    o = neuron()
    out = render(o, tmp_path / "neuron.png")
    name, args, source = (only / "calls.log").read_text().split("\n", 2)
    assert name == "dot"
    assert args.split() == ["-Tpng"]  # the picture comes back on stdout, written atomically
    assert source == draw(o).source
    assert out.read_text().startswith("<svg")


def test_graphviz_pure_is_used_when_dot_is_missing(only, tmp_path):
    fake_program(only, "graphviz-pure")
    render(neuron(), tmp_path / "neuron.svg")
    assert (only / "calls.log").read_text().startswith("graphviz-pure\n-Tsvg\n")


def test_graphviz_pure_next_to_python_is_found_without_path(only, tmp_path, monkeypatch):
    scripts = tmp_path / "venv-bin"
    scripts.mkdir()
    fake_program(scripts, "graphviz-pure")
    monkeypatch.setattr(renderer_module, "_scripts_directories", lambda: [str(scripts)])
    assert renderer_module.find_renderer() == str(scripts / "graphviz-pure")


def test_graphviz_pure_cannot_write_pdf(only, tmp_path):
    fake_program(only, "graphviz-pure")
    with pytest.raises(GraphvizNotFoundError, match="cannot write PDF"):
        render(neuron(), tmp_path / "neuron.pdf")


@pytest.mark.skipif(REAL_GRAPHVIZ_PURE is None, reason="graphviz-pure not installed")
def test_the_real_graphviz_pure_draws_the_neuron(only, tmp_path):
    os.symlink(REAL_GRAPHVIZ_PURE, only / "graphviz-pure")
    o = neuron()
    svg = render(o, tmp_path / "neuron.svg")
    values, ops = values_and_ops(svg_nodes(ET.parse(svg).getroot()))
    assert len(values) == 10 and len(ops) == 5
    assert sorted(t[0] for t in ops.values()) == ["*", "*", "+", "+", "tanh"]
    assert render(o, tmp_path / "neuron.png").read_bytes()[:4] == b"\x89PNG"


def test_a_failing_program_reports_its_message(only, tmp_path):
    program = only / "dot"
    program.write_text(f"#!{sys.executable}\nimport sys\nsys.stderr.write('bad input')\n"
                       "sys.exit(3)\n")
    program.chmod(0o755)
    with pytest.raises(RuntimeError, match="bad input"):
        render(neuron(), tmp_path / "neuron.svg")
