"""Collapsed drawings of one sample through nn's MLP(2, [16, 16, 1]).

``nn`` marks each neuron's output with ``node.group = "L{layer}.N{neuron}"``;
the drawing infers the rest of each box.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

import nn
from engine import Value, graph_stats, topological_order
from engine.drawing import GraphTooLargeError, draw
from engine.drawing.collapse import group_key
from tests.helpers.drawings import SVG, needs_dot, svg_edges, svg_nodes


def names(source: str, prefix: str) -> list[str]:
    return re.findall(rf"^\t({prefix}\d+) \[", source, re.MULTILINE)


def all_edges(source: str) -> list[tuple[str, str]]:
    """Every drawn edge (invisible ones, which only order the boxes, left out)."""
    found = re.findall(r"^\t+(\w+) -> (\w+)(.*)$", source, re.MULTILINE)
    return [(tail, head) for tail, head, attributes in found if "invis" not in attributes]


def box_edges(source: str) -> list[tuple[str, str]]:
    return [(tail, head) for tail, head in all_edges(source) if head.startswith("g")]


def mlp_loss(tag_parameters: bool = False) -> tuple[Value, list[Value]]:
    """The squared error of one sample through MLP(2, [16, 16, 1]) (tanh), after backward.

    ``tag_parameters`` also writes each neuron's group on its weights and bias.
    """
    model = nn.MLP(2, [16, 16, 1], activation="tanh", seed=0)
    if tag_parameters:
        for p in model.parameters():
            p.group = p.label.rsplit(".", 1)[0]
    inputs = [Value(0.3, label="x1"), Value(-0.7, label="x2")]
    loss = nn.squared_error(model(inputs), 0.5)
    loss.backward()
    return loss, inputs


@pytest.fixture(scope="module")
def mlp():
    return mlp_loss()


def test_the_mlp_has_the_shape_of_one_sample_through_mlp_2_16_16_1(mlp):
    loss, _ = mlp
    # Per neuron with n inputs: n weights, a bias, n products, n sums, an activation.
    # 16·(3·2+2) + 16·(3·16+2) + (3·16+1) + inputs 2 + target, difference, loss.
    assert graph_stats(loss).nodes == 16 * 8 + 16 * 50 + 49 + 2 + 3 == 982
    groups = {node.group for node in topological_order(loss) if node.group}
    assert len(groups) == 33 and "L2.N16" in groups and "L3.N1" in groups


def test_group_key_per_neuron_and_per_layer():
    assert group_key("L1.N3", "neuron") == "L1.N3"
    assert group_key("L1.N3", "layer") == "L1"
    assert group_key("net.L1.N3", "layer") == "net.L1"
    assert group_key("L2", "layer") == "L2"


def test_one_box_per_neuron(mlp):
    loss, inputs = mlp
    source = draw(loss, collapse="neuron", inputs=inputs).source
    assert len(names(source, "g")) == 33
    # Visible: x1, x2, the target 0.5, out - 0.5, the loss; ops: - and *.
    assert len(names(source, "v")) == 5 and len(names(source, "op")) == 2
    # Fully connected layers meet at a junction: x1, x2 → one point → the 16 of L1,
    # the 16 of L1 → one point → the 16 of L2; then the 16 of L2 → L3.N1; and six
    # edges of the loss in full (out − 0.5, then its square: two edges to one node).
    edges = all_edges(source)
    assert len(edges) == 2 + 16 + 16 + 16 + 16 + 6
    x_names = {f"v{i}" for i, n in enumerate(topological_order(loss)) if n in inputs}
    junctions = {head for tail, head in edges if tail in x_names}
    assert len(junctions) == 1 and sum(1 for tail, _ in edges if tail in x_names) == 2
    assert [head for tail, head in edges if tail in junctions] == [f"g{i}" for i in range(16)]
    into_last = [tail for tail, head in box_edges(source) if head == "g32"]
    assert into_last == [f"g{i}" for i in range(16, 32)]


def test_boxes_of_a_layer_keep_their_index_order(mlp):
    """Each layer's boxes form one rank, chained N1, N2, …, N16 so Graphviz keeps that order."""
    loss, inputs = mlp
    source = draw(loss, collapse="neuron", inputs=inputs).source
    ranks = re.findall(r"subgraph (layer\d+) \{\n\t\trank=same\n((?:\t\t.*\n)*)\t\}", source)
    assert [name for name, _ in ranks] == ["layer0", "layer1"]  # L3 has a single box
    chained = re.findall(r"(g\d+) -> (g\d+) \[style=invis\]", ranks[0][1])
    assert chained == [(f"g{i}", f"g{i + 1}") for i in range(15)]
    order = [re.search(r"<B>(.*?)</B>", line).group(1)
             for line in source.splitlines() if re.match(r"^\tg\d+ \[label", line)]
    assert order[:3] == ["L1.N1", "L1.N2", "L1.N3"] and order[9] == "L1.N10"


@needs_dot
def test_a_neuron_box_shows_its_output_value_and_gradient(mlp):
    loss, inputs = mlp
    order = topological_order(loss)
    output = next(n for n in order if n.group == "L3.N1" and n.op == "+" and
                  any(c.parents[0] is n for c in order if c.op == "-"))
    svg = ET.fromstring(draw(loss, collapse="neuron", inputs=inputs).pipe(format="svg"))
    boxes = {name: texts for name, texts in svg_nodes(svg).items() if name.startswith("g")}
    last = next(texts for texts in boxes.values() if texts[0] == "L3.N1")
    assert last[1] == " (49 nodes)"
    assert last[2:] == ["+", f"data {output.data:.4g}", f"grad {output.grad:.4g}"]
    assert output.grad == pytest.approx(2 * (output.data - 0.5))
    hidden = next(texts for texts in boxes.values() if texts[0] == "L1.N1")
    assert hidden[1] == " (8 nodes)" and hidden[2] == "tanh"


def test_one_box_per_layer(mlp):
    loss, inputs = mlp
    source = draw(loss, collapse="layer", inputs=inputs).source
    assert len(names(source, "g")) == 3
    edges = box_edges(source)
    assert len(edges) == 4  # x1 → L1, x2 → L1, L1 → L2, L2 → L3
    assert "(128 nodes)" in source and "(800 nodes)" in source and "(49 nodes)" in source
    assert source.count("… 8 more outputs") == 2  # L1 and L2 list 8 of their 16 outputs


def test_leaves_without_group_join_the_box_that_uses_them():
    loss, inputs = mlp_loss(tag_parameters=False)
    grouped, _ = mlp_loss(tag_parameters=True)
    for level in ("neuron", "layer"):
        source = draw(loss, collapse=level, inputs=inputs).source
        assert source == draw(grouped, collapse=level, inputs=inputs).source


def test_inputs_are_never_absorbed():
    x = Value(0.5, label="x")
    w, b = Value(2.0), Value(1.0)
    out = (w * x + b).tanh()
    for node in topological_order(out):
        if node.parents:
            node.group = "L1.N1"
    out.backward()
    absorbed = draw(out, collapse="layer").source
    assert names(absorbed, "v") == [] and len(names(absorbed, "g")) == 1
    kept = draw(out, collapse="layer", inputs=[x]).source
    x_name = f"v{topological_order(out).index(x)}"
    assert names(kept, "v") == [x_name] and box_edges(kept) == [(x_name, "g0")]


def test_collapsed_drawings_are_deterministic_and_guarded(mlp):
    loss, inputs = mlp
    again, again_inputs = mlp_loss()
    assert (draw(loss, collapse="neuron", inputs=inputs).source
            == draw(again, collapse="neuron", inputs=again_inputs).source)
    with pytest.raises(GraphTooLargeError, match="38 nodes and boxes") as error:
        draw(loss, collapse="neuron", inputs=inputs, max_nodes=10)
    assert "collapse='layer'" in str(error.value)
    with pytest.raises(ValueError, match="number_steps"):
        draw(loss, collapse="neuron", number_steps=True)
    with pytest.raises(ValueError, match="'neuron', 'layer' or None"):
        draw(loss, collapse="neurons")


def test_the_full_mlp_graph_fits_under_the_default_limit_and_draws(mlp):
    loss, inputs = mlp
    source = draw(loss, inputs=inputs).source
    assert len(names(source, "v")) == 982
    assert len(names(source, "op")) == 982 - (16 * 3 + 16 * 17 + 17 + 2 + 1)


@needs_dot
def test_collapsed_views_render(mlp, tmp_path):
    from engine.drawing import render

    loss, inputs = mlp
    svg = ET.parse(render(loss, tmp_path / "layers.svg", collapse="layer", inputs=inputs))
    texts = [t.text for t in svg.getroot().iter(f"{SVG}text")]
    assert "L1" in texts and "L2" in texts and "L3" in texts
    edges = svg_edges(svg.getroot())
    assert sum(1 for _, head, _ in edges if head.startswith("g")) == 4


def test_marking_only_a_neuron_output_hides_the_same_nodes_as_marking_them_all():
    def neuron(mark_every_node: bool) -> tuple[Value, Value]:
        x = Value(0.5, label="x")
        w1, w2, b = Value(2.0), Value(-1.0), Value(1.0)
        out = (w1 * x + w2 * x * x + b).tanh()
        for node in topological_order(out):
            if node is out or (mark_every_node and node.parents):
                node.group = "L1.N1"
        loss = (out - 1.0) ** 2
        loss.backward()
        return loss, x

    (outputs_only, x), (every_node, y) = neuron(False), neuron(True)
    for level in ("neuron", "layer"):
        drawn = draw(outputs_only, collapse=level, inputs=[x]).source
        assert drawn == draw(every_node, collapse=level, inputs=[y]).source
        # x, the constant 1.0, out - 1, the loss stay in view; 8 nodes hide in the box
        assert "(9 nodes)" in drawn and len(names(drawn, "v")) == 4
