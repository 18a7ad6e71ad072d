"""Drawings of known graphs: what is drawn, read back from the DOT and the SVG."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from engine import Value, examples, sweep_gradients, topological_order
from engine.drawing import GraphTooLargeError, draw, render
from tests.helpers.drawings import (
    by_label,
    lecture_neuron_with_nodes,
    needs_dot,
    svg_edges,
    svg_nodes,
    svg_of,
    values_and_ops,
)

# --- the lecture neuron -------------------------------------------------------


@needs_dot
def test_lecture_neuron_drawing_shows_values_ops_grads_and_local_derivatives():
    o, nodes = lecture_neuron_with_nodes()
    o.backward()
    assert math.isclose(o.data, 1 / math.sqrt(2), rel_tol=1e-12)
    svg = svg_of(draw(o, number_format=".4f"))
    values, ops = values_and_ops(svg_nodes(svg))
    assert len(values) == 10 and len(ops) == 5
    assert sorted(t[0] for t in ops.values()) == ["*", "*", "+", "+", "tanh"]
    cells = by_label(values)
    assert cells["o"][1:] == ["data 0.7071", "grad 1.0000"]
    assert cells["n"][1:] == ["data 0.8814", "grad 0.5000"]
    assert cells["x1"][1:] == ["data 2.0000", "grad -1.5000"]
    assert cells["w1"][1:] == ["data -3.0000", "grad 1.0000"]
    assert cells["x2"][1:] == ["data 0.0000", "grad 0.5000"]
    assert cells["w2"][1:] == ["data 1.0000", "grad 0.0000"]
    # Edge labels: ∂(x1*w1)/∂x1 = w1 = -3, ∂(x1*w1)/∂w1 = x1 = 2, ∂o/∂n = 1 - o² = 0.5.
    name = {n.label: f"v{i}" for i, n in enumerate(topological_order(o))}
    inner = ("x1*w1", "x2*w2", "x1*w1 + x2*w2", "n", "o")
    op_of = {label: "op" + name[label][1:] for label in inner}
    labels = {(tail, head): texts for tail, head, texts in svg_edges(svg)}
    assert labels[(name["x1"], op_of["x1*w1"])] == ["-3.0000"]
    assert labels[(name["w1"], op_of["x1*w1"])] == ["2.0000"]
    assert labels[(name["n"], op_of["o"])] == ["0.5000"]
    assert labels[(name["b"], op_of["n"])] == ["1.0000"]
    assert labels[(op_of["o"], name["o"])] == []
    assert len(svg_edges(svg)) == 9 + 5


@needs_dot
def test_step_numbers_follow_the_reverse_topological_order():
    o, nodes = lecture_neuron_with_nodes()
    o.backward()
    values, _ = values_and_ops(svg_nodes(svg_of(draw(o, number_steps=True))))
    step = {texts[1]: int(texts[0].split()[1]) for texts in values.values()}
    order = topological_order(o)
    assert sorted(step.values()) == list(range(1, 11))
    assert step["o"] == 1 and step["n"] == 2
    for node in order:
        for parent in node.parents:  # the sweep reaches a node before its parents
            assert step[node.label] < step[parent.label]
    assert [step[n.label] for n in reversed(order)] == list(range(1, 11))


def test_toggles_remove_grads_and_edge_labels():
    o, _ = lecture_neuron_with_nodes()
    o.backward()
    full = draw(o).source
    bare = draw(o, show_grads=False, show_local_grads=False, legend=False).source
    assert "grad 0.5" in full and "grad" not in bare
    assert re.search(r"-> op\d+ \[label=", full)
    assert not re.search(r"-> op\d+ \[label=", bare)
    assert "rankdir=TB" in full  # auto: left to right would not fit 1,000 pixels
    assert "rankdir=LR" in draw(o, rankdir="LR").source
    assert "rankdir=LR" in draw(o, max_width=None).source  # no limit: the usual direction


def test_number_format_accepts_specs_and_functions_and_rejects_nonsense():
    o, _ = lecture_neuron_with_nodes()
    o.backward()
    assert "data 0.707107" in draw(o, number_format=".6f").source
    assert "data [0.71]" in draw(o, number_format=lambda x: f"[{x:.2f}]").source
    with pytest.raises(ValueError, match="number_format"):
        draw(o, number_format="q")
    with pytest.raises(ValueError, match="rankdir"):
        draw(o, rankdir="RL")
    with pytest.raises(TypeError, match="draw\\(root\\) needs a Value"):
        draw(3.0)


# --- fan-out, x*x, determinism ---------------------------------------------------


@needs_dot
def test_diamond_gradient_is_drawn_as_the_sum_of_its_contributions():
    d, a = examples.fan_out_diamond()
    d.backward()
    assert a.grad == 2 + 2 * 3.0
    values, ops = values_and_ops(svg_nodes(svg_of(draw(d))))
    assert len(values) == 5  # a, the constant 2, b, c, d
    assert len(ops) == 3
    cells = by_label(values)
    # a's gradient 8 = 2 (through b = 2a) + 3 + 3 (the two edges of a*a).
    assert cells["a"][1:3] == ["data 3", "grad 8"]
    terms = cells["a"][3].removeprefix("= ").split(" + ")
    assert sorted(terms) == ["2", "3", "3"]
    assert cells["d"][1:] == ["data 15", "grad 1"]  # no fan-out: no sum


@needs_dot
def test_x_times_x_has_two_edges_into_one_op():
    x = Value(3.0, label="x")
    y = x * x
    y.backward()
    svg = svg_of(draw(y))
    values, ops = values_and_ops(svg_nodes(svg))
    assert len(values) == 2 and len(ops) == 1
    edges = [(t, h, texts) for t, h, texts in svg_edges(svg) if h.startswith("op")]
    assert edges == [("v0", "op1", ["3"]), ("v0", "op1", ["3"])]
    assert by_label(values)["x"][1:] == ["data 3", "grad 6", "= 3 + 3"]


def test_same_graph_gives_byte_identical_source():
    first, _ = lecture_neuron_with_nodes()
    second, _ = lecture_neuron_with_nodes()  # new objects, new ids: the same drawing
    first.backward()
    second.backward()
    assert draw(first).source == draw(first).source == draw(second).source
    d1, _ = examples.fan_out_diamond()
    d2, _ = examples.fan_out_diamond()
    assert draw(d1, number_steps=True).source == draw(d2, number_steps=True).source


def test_grads_argument_draws_a_sweep_without_touching_nodes():
    o, nodes = lecture_neuron_with_nodes()  # no backward(): every .grad is 0
    grads = sweep_gradients(o, wrt=topological_order(o))
    source = draw(o, grads=grads).source
    assert "grad -1.5" in source and "grad 0.5" in source
    assert all(node.grad == 0.0 for node in nodes.values())


# --- roles --------------------------------------------------------------------


def test_roles_are_coloured_and_explained_in_the_legend():
    o, nodes = lecture_neuron_with_nodes()
    o.backward()
    params = [nodes["w1"], nodes["w2"], nodes["b"]]
    source = draw(o, parameters=params).source
    order = topological_order(o)

    def fill(label: str) -> str:
        index = [n.label for n in order].index(label)
        line = next(li for li in source.splitlines() if li.startswith(f"\tv{index} "))
        return re.search(r'BGCOLOR="(#[0-9a-f]{6})"', line).group(1)

    assert fill("x1") == fill("x2") == "#cfe8fc"  # input
    assert fill("w1") == fill("w2") == fill("b") == "#ffe0b2"  # parameter
    assert fill("n") == "#ffffff" and fill("o") == "#c8efc8"
    # A caption under the picture (the graph's label), not a node in it.
    legend = next(li for li in source.splitlines() if "labelloc=b" in li)
    assert "legend" not in source
    for role in ("input", "parameter", "intermediate", "output"):
        assert f">{role}  <" in legend
    assert ">constant<" not in legend  # only the roles that occur
    constant = Value(2.0) * nodes["x1"]
    assert "constant" in draw(constant).source


def test_a_node_cannot_be_both_input_and_parameter():
    x = Value(1.0, label="x")
    with pytest.raises(ValueError, match="both inputs= and parameters="):
        draw(x * 2, inputs=[x], parameters=[x])


# --- large graphs ---------------------------------------------------------------


def chain(length: int) -> Value:
    node = Value(0.5, label="x")
    for _ in range(length):
        node = node * 1.0
    return node


def test_guard_says_how_many_nodes_and_what_to_do():
    root = chain(600)  # 1,201 value nodes
    with pytest.raises(GraphTooLargeError) as error:
        draw(root)
    message = str(error.value)
    assert "1201 value nodes" in message and "max_nodes=1000" in message
    assert "collapse='neuron'" in message and "max_nodes=1201" in message
    assert isinstance(error.value, ValueError)
    assert draw(root, max_nodes=1201).source.count("[label=<*>") == 600
    with pytest.raises(ValueError, match="max_nodes"):
        draw(root, max_nodes=0)


def test_a_deep_chain_is_drawn_without_recursion():
    root = chain(50_000)  # 100,001 value nodes, far deeper than the recursion limit
    with pytest.raises(GraphTooLargeError, match="100001 value nodes"):
        draw(root)
    source = draw(root, max_nodes=None, legend=False, show_local_grads=False).source
    assert source.count("[label=<*>") == 50_000
    assert "\tv100000 [" in source


# --- files -------------------------------------------------------------------


@needs_dot
def test_render_writes_svg_png_and_pdf_by_suffix(tmp_path):
    o, _ = lecture_neuron_with_nodes()
    o.backward()
    svg = render(o, tmp_path / "neuron.svg")
    assert svg == tmp_path / "neuron.svg"
    values, ops = values_and_ops(svg_nodes(ET.parse(svg).getroot()))
    assert len(values) == 10 and len(ops) == 5
    png = render(o, tmp_path / "neuron.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    wide = render(o, tmp_path / "wide.png", legend=False, rankdir="LR", max_width=None)
    with Image.open(wide) as image:
        assert image.width > 3 * image.height > 150  # left to right: a long strip
        wide_ratio = image.height / image.width
    tall = render(o, tmp_path / "tall.png", rankdir="TB", legend=False, max_width=None)
    with Image.open(tall) as image:
        assert image.height / image.width > 3 * wide_ratio
    pdf = render(o, tmp_path / "neuron.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    forced = render(o, tmp_path / "picture", format="svg")
    assert forced.read_text().lstrip().startswith("<?xml")
    dot_file = render(o, tmp_path / "neuron.gv")
    assert dot_file.read_text(encoding="utf-8") == draw(o).source
    with pytest.raises(ValueError, match=r"\.svg, \.png or \.pdf"):
        render(o, tmp_path / "neuron.bmp")


@needs_dot
def test_a_drawing_shown_inline_scales_down_to_its_column():
    svg = draw(examples.lecture_neuron()["o"])._repr_mimebundle_()["image/svg+xml"]
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("style") == "max-width:100%;height:auto"
    assert root.get("width", "").endswith("pt") and root.get("viewBox")  # scaled, not cut
