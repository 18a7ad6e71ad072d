"""``sweepgrad demo`` end to end: what ``make demo`` runs, and what it writes."""

import struct

import pytest

from engine.cli import main
from engine.commands.demo import lecture_neuron, value_table
from engine.drawing.renderer import GraphvizNotFoundError, find_renderer


def test_the_value_table_lists_every_node_with_its_gradient():
    o = lecture_neuron()
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
    for name in ("neuron.svg", "neuron_backward.gif", "mlp_neurons.svg", "mlp_layers.svg",
                 "moons_decision_boundary.png", "moons_loss_curve.png", "complexity.png"):
        assert (tmp_path / name).stat().st_size > 1000, name
    png = (tmp_path / "moons_decision_boundary.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width >= 300 and height >= 300
