"""``sweepgrad demo`` end to end: what ``make demo`` runs, and what it writes."""

import struct
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from engine.app.cli import main
from engine.app.demonstration import value_table
from engine.drawing.renderer import GraphvizNotFoundError, find_renderer
from engine.examples import lecture_neuron
from nn.plots import REGION_COLORS
from tests.helpers.drawings import needs_dot
from tests.helpers.images import share_of


def test_the_value_table_lists_every_node_with_its_gradient():
    o = lecture_neuron()["o"]
    o.backward()
    lines = value_table(o).splitlines()
    assert lines[0].split() == ["node", "op", "data", "grad"]
    rows = {line.split()[0]: line.split()[-2:] for line in lines[2:] if line.split()[0] != "x1*w1"}
    assert len(lines) == 2 + 10
    assert rows["o"] == ["0.707107", "1.000000"]
    assert rows["x1"] == ["2.000000", "-1.500000"]
    assert rows["w1"] == ["-3.000000", "1.000000"]
    assert rows["b"] == ["6.881374", "0.500000"]


@pytest.mark.slow
def test_the_demo_runs_end_to_end_and_writes_its_images(tmp_path, capsys):
    try:
        find_renderer()
    except GraphvizNotFoundError:
        pytest.skip("no Graphviz renderer")
    assert main(["demo", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    for heading in ("The lecture's neuron", "Training MLP", "Speed"):
        assert heading in printed
    names = ("neuron.svg", "neuron_backward.gif", "mlp_neurons.svg", "mlp_layers.svg",
             "moons_decision_boundary.png", "moons_loss_curve.png", "complexity.png",
             "benchmarks.txt")
    for name in names:
        assert (tmp_path / name).stat().st_size > 1000, name
    # The tables went to the file; the terminal got a line of each, then the summary.
    tables = (tmp_path / "benchmarks.txt").read_text(encoding="utf-8")
    assert "floats ns/node" in tables and "per-edge chain rule" in tables
    assert "floats ns/node" not in printed and len(printed.splitlines()) < 60
    summary = printed.split("== Done. Written to ", 1)[1]
    assert all(f"  {name} " in summary for name in names)
    assert summary.index("Try next:") > summary.index("benchmarks.txt")
    assert "sweepgrad exercises release" in summary
    png = (tmp_path / "moons_decision_boundary.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width >= 300 and height >= 300


def test_the_training_section_trains_and_draws(tmp_path, capsys):
    from engine.app.demonstration import training_section

    training_section(tmp_path)
    out = capsys.readouterr().out
    assert "20 epochs, 460 steps" in out and "test loss" in out
    accuracy = float(out.split("test loss")[1].split("accuracy ")[1].split("%")[0])
    assert accuracy >= 97.0
    image = Image.open(tmp_path / "moons_decision_boundary.png")
    assert share_of(image, REGION_COLORS[1]) > 0.1
    assert (tmp_path / "moons_loss_curve.png").stat().st_size > 1000


def test_epoch_benchmark_reports_graph_size(capsys):
    from engine.app.benchmarks.fit_speed import epoch_benchmark

    result = epoch_benchmark(n=40, batch_size=10, epochs=1, sizes=(4, 1))
    # One example through MLP(2,[4,1]): 4·(2+2+1) + (4+4) nodes, plus leaves.
    assert result["steps_per_epoch"] == 4 and result["parameters"] == 17
    assert result["nodes_per_step"] > 10 * 28 and result["edges_per_step"] > 10 * 44
    assert "s per epoch" in capsys.readouterr().out


@needs_dot
def test_demo_drawings_write_the_neuron_its_sweep_and_the_collapsed_mlp(tmp_path):
    from engine.app.demonstration import drawings

    paths = drawings(tmp_path)
    assert [p.name for p in paths] == ["neuron.svg", "neuron_backward.gif",
                                       "mlp_neurons.svg", "mlp_layers.svg"]
    layers = ET.parse(tmp_path / "mlp_layers.svg").getroot()
    assert sum(1 for g in layers.iter("{http://www.w3.org/2000/svg}g")
               if g.get("class") == "node" and g.find("{http://www.w3.org/2000/svg}title")
               .text.startswith("g")) == 3
