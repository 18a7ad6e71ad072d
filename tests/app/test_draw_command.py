"""``sweepgrad draw``: an expression drawn to a file from the command line."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest

from engine.app.cli import main
from engine.app.commands.draw import parse_assignment
from tests.helpers.drawings import needs_dot, svg_nodes, values_and_ops


@needs_dot
def test_draw_writes_the_neuron_with_values_and_gradients(tmp_path, capsys):
    out = tmp_path / "neuron.svg"
    code = main(["draw", "tanh(x*w + b)", "--set", "x=2", "--set", "w=-3", "--set", "b=6.88",
                 "-o", str(out), "--parameters", "w,b", "--number-steps"])
    assert code == 0
    assert f"graph drawn to {out}" in capsys.readouterr().out
    values, ops = values_and_ops(svg_nodes(ET.parse(out).getroot()))
    assert len(values) == 6 and sorted(t[0] for t in ops.values()) == ["*", "+", "tanh"]
    rows = {texts[1]: texts[2:] for texts in values.values() if len(texts) == 4}
    slope = 1 - math.tanh(2 * -3 + 6.88) ** 2  # do/dn = 1 - o²
    assert rows["x"] == ["data 2", f"grad {-3 * slope:.4g}"]
    assert rows["w"] == ["data -3", f"grad {2 * slope:.4g}"]
    assert rows["b"][0] == "data 6.88"
    assert all(texts[0].startswith("step ") for texts in values.values())
    source = out.read_text()
    assert source.count('fill="#ffe0b2"') >= 2  # w and b coloured as parameters


@needs_dot
def test_draw_can_also_write_the_steps_as_a_gif(tmp_path):
    from PIL import Image

    gif = tmp_path / "steps.gif"
    code = main(["draw", "x*x + y", "--set", "x=3", "--set", "y=1",
                 "-o", str(tmp_path / "g.png"), "--steps", str(gif)])
    assert code == 0
    with Image.open(gif) as image:
        # The steps at x*x + y and x*x (the leaves x, y pass nothing on), then the result.
        assert image.n_frames == 3


@pytest.mark.parametrize(
    "argv, message",
    [
        (["draw", "__import__('os')"], "calling '__import__'"),
        (["draw", "x*y", "--set", "x=1"], "'y' has no value"),
        (["draw", "x", "--set", "x=1", "--set", "z=2"], "--set z: not in the expression"),
        (["draw", "x", "--set", "x"], "write NAME=NUMBER"),
        (["draw", "x", "--set", "x=two"], "'two' is not a number"),
        (["draw", "x*w", "--set", "x=1", "--set", "w=2", "--parameters", "v"],
         "--parameters v: not variables"),
        (["draw", "x", "--set", "x=1", "-o", "x.bmp"], r".svg, .png or .pdf"),
    ],
)
def test_mistakes_are_reported_without_a_traceback(argv, message, capsys, tmp_path,
                                                   monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_parse_assignment():
    assert parse_assignment("x=2") == ("x", 2.0)
    assert parse_assignment(" w = -3.5 ") == ("w", -3.5)
    with pytest.raises(ValueError, match="NAME=NUMBER"):
        parse_assignment("2x=1")
