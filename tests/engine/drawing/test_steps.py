"""The backward sweep drawn step by step, and its animated GIF."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import pytest

from engine import topological_order
from engine.backward import sweep_gradients
from engine.drawing import backward_steps, save_backward_animation
from engine.drawing.roles import CURRENT_FILL
from engine.examples import fan_out_diamond
from tests.helpers.drawings import lecture_neuron_with_nodes, needs_dot


def cells(source: str) -> dict[str, list[str]]:
    """``{value node name: [its texts, stripped]}`` read from the DOT source."""
    out = {}
    for name, label in re.findall(r"^\t(v\d+) \[label=<(.*)> shape=plain\]$", source, re.M):
        texts = [html.unescape(t).strip() for t in re.split(r"<[^>]*>", label)]
        out[name] = [t for t in texts if t]
    return out


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def current(source: str) -> list[str]:
    return re.findall(rf'^\t(v\d+) \[label=<<TABLE[^>]*BGCOLOR="{CURRENT_FILL}"', source, re.M)


def test_one_drawing_per_step_highlighting_the_node_the_sweep_visits():
    o, nodes = lecture_neuron_with_nodes()
    order = topological_order(o)
    steps = backward_steps(o)
    assert len(steps) == len(order) == 10
    expected = sweep_gradients(o, wrt=order)
    sweep = list(reversed(order))
    for k, step in enumerate(steps, start=1):
        source = step.source
        visiting = sweep[k - 1]
        assert current(source) == [f"v{order.index(visiting)}"]
        drawn = cells(source)
        for index, node in enumerate(order):
            texts = drawn[f"v{index}"]
            grad_text = next(t for t in texts if t.startswith("grad"))
            if node in sweep[:k]:  # visited: the final gradient
                assert grad_text == f"grad {expected[node]:.4g}"
            elif any(node in c.parents for c in sweep[:k]):  # fed, not visited yet
                assert grad_text.endswith("so far")
            else:  # untouched: blank
                assert grad_text == "grad"
            assert f"step {sweep.index(node) + 1}" in texts
    # The op the visited node came from, and the edges into it, are highlighted.
    assert re.search(r"^\top9 \[label=<tanh> color=\"#d62728\"", steps[0].source, re.M)
    assert all(node.grad == 0.0 for node in nodes.values())  # nothing was written


def test_partial_sums_grow_until_the_fan_out_node_is_visited():
    d, a = fan_out_diamond()
    order = topological_order(d)
    name = f"v{order.index(a)}"
    seen = []
    for step in backward_steps(d):
        grad = next(t for t in cells(step.source)[name] if t.startswith("grad"))
        seen.append(grad)
    # b and c feed a (2 through b, 3 + 3 through c) before the sweep reaches it.
    assert seen[0] == "grad"
    partial = [g for g in seen if g.endswith("so far")]
    assert set(partial) in ({"grad 2 so far", "grad 8 so far"},
                            {"grad 6 so far", "grad 8 so far"})
    first_final = seen.index("grad 8")
    assert all(g == "grad 8" for g in seen[first_final:])
    assert all(g != "grad 8" for g in seen[:first_final])


def test_steps_ignore_gradients_accumulated_by_earlier_sweeps():
    o, nodes = lecture_neuron_with_nodes()
    o.backward()
    o.backward()  # leaves now hold twice their gradient
    assert nodes["x1"].grad == pytest.approx(-3.0)
    last = backward_steps(o)[-1].source
    x1 = cells(last)[f"v{topological_order(o).index(nodes['x1'])}"]
    assert "grad -1.5" in x1


def test_too_many_steps_are_refused():
    node = lecture_neuron_with_nodes()[0]
    for _ in range(30):  # each adds a product and its constant 1.0
        node = node * 1.0
    with pytest.raises(ValueError, match="70 nodes, so its sweep takes 70 steps"):
        backward_steps(node)
    assert len(backward_steps(node, max_nodes=70)) == 70


@needs_dot
def test_every_step_has_the_same_layout_size():
    o, _ = lecture_neuron_with_nodes()
    sizes = set()
    for step in backward_steps(o):
        svg = ET.fromstring(step.pipe(format="svg"))
        sizes.add((svg.get("width"), svg.get("height")))
    assert len(sizes) == 1


@needs_dot
def test_the_gif_skips_the_leaves_and_ends_on_the_finished_graph(tmp_path):
    from PIL import Image

    o, _ = lecture_neuron_with_nodes()
    path = save_backward_animation(o, tmp_path / "sweep.gif", duration=500)
    assert path == tmp_path / "sweep.gif"
    with Image.open(path) as gif:
        # 10 steps, 5 of them at leaves (nothing passed on): 5 frames and the result.
        assert gif.format == "GIF" and gif.n_frames == 6
        durations = []
        for frame in range(gif.n_frames):
            gif.seek(frame)
            durations.append(gif.info["duration"])
        assert durations == [500] * 5 + [1000]
        assert 300 < gif.width <= 1000 and gif.height > 100  # fits a notebook's column
        last = gif.convert("RGB")
        colours = {colour for _, colour in last.getcolors(maxcolors=1 << 16)}
        assert _rgb(CURRENT_FILL) not in colours  # the finished graph: nothing highlighted
        gif.seek(0)
        assert _rgb(CURRENT_FILL) in {c for _, c in gif.convert("RGB").getcolors(1 << 16)}
    with pytest.raises(ValueError, match="ending in .gif"):
        save_backward_animation(o, tmp_path / "sweep.png")


def test_step_drawings_explain_their_colours():
    o, _ = lecture_neuron_with_nodes()
    legend = next(li for li in backward_steps(o)[0].source.splitlines() if "labelloc=b" in li)
    assert "yellow: the node the sweep visits" in legend
    assert "red: the edges its gradient goes back along" in legend
    assert "so far" in legend
