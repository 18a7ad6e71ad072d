"""Neuron, Layer, MLP and activations: values, labels, groups, seeding, errors."""

import math
import random

import pytest

from engine import Value, gradcheck, graph_stats, no_grad, topological_order
from nn import ACTIVATIONS, MLP, Layer, Neuron, get_activation

REFERENCE = {
    "relu": lambda s: max(s, 0.0),
    "leaky_relu": lambda s: s if s > 0 else 0.01 * s,
    "tanh": math.tanh,
    "sigmoid": lambda s: 1.0 / (1.0 + math.exp(-s)),
    "silu": lambda s: s / (1.0 + math.exp(-s)),
    "linear": lambda s: s,
}


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_neuron_computes_activation_of_weighted_sum(name):
    neuron = Neuron(3, name, seed=7)
    neuron.bias.data = 0.25
    x = [0.5, -1.5, 2.0]
    s = sum(w.data * xi for w, xi in zip(neuron.weights, x, strict=True)) + 0.25
    assert neuron(x).data == pytest.approx(REFERENCE[name](s), rel=1e-14, abs=1e-15)


def test_unknown_activation_lists_valid_names():
    with pytest.raises(ValueError, match="unknown activation 'softplus'.*relu.*leaky_relu.*linear"):
        get_activation("softplus")
    with pytest.raises(ValueError, match="relu, leaky_relu, tanh, sigmoid, silu, linear"):
        MLP(2, [3, 1], activation="Relu6")
    assert set(ACTIVATIONS) == set(REFERENCE)
    assert get_activation(None) is get_activation("linear")


def test_neuron_builds_the_lectures_graph():
    """w·x + b with binary ops: nin products, nin sums (incl. +b), one activation."""
    neuron = Neuron(4, "tanh", seed=0, name="L2.N3")
    out = neuron([1.0, 2.0, 3.0, 4.0])
    stats = graph_stats(out)
    assert stats.ops == {"*": 4, "+": 4, "tanh": 1}
    assert stats.leaves == 4 + 4 + 1  # inputs, weights, bias
    assert stats.nodes == stats.leaves + 9
    interior = [n for n in topological_order(out) if n.parents]
    assert out.group == "L2.N3"
    assert all(n.label is None and n.group is None for n in interior if n is not out)
    leaves = [n for n in topological_order(out) if not n.parents]
    assert {n.label for n in leaves if n.label} == {"L2.N3.w1", "L2.N3.w2", "L2.N3.w3",
                                                     "L2.N3.w4", "L2.N3.b"}
    assert all(n.group is None for n in leaves)


def test_layer_wraps_inputs_once_and_shares_them():
    layer = Layer(3, 5, seed=0)
    outs = layer([1, 2, 3])
    assert len(outs) == 5
    inputs = [{id(n) for n in topological_order(o) if not n.parents and n.label is None}
              for o in outs]
    assert all(s == inputs[0] for s in inputs) and len(inputs[0]) == 3


def test_mlp_groups_let_a_drawing_collapse_each_neuron():
    from engine.drawing.collapse import assign_boxes

    model = MLP(2, [3, 2], seed=0)
    inputs = [Value(0.5, label="x1"), Value(-0.5, label="x2")]
    out = model(inputs)
    root = out[0] + out[1]
    order = topological_order(root)
    groups = {n.group for n in order if n.group}
    assert groups == {"L1.N1", "L1.N2", "L1.N3", "L2.N1", "L2.N2"}
    boxes = assign_boxes(order, "neuron", inputs)
    # Every node a neuron builds, and its weights and bias, lands in its box.
    for layer in model.layers:
        for neuron in layer.neurons:
            for p in neuron.parameters():
                assert boxes[p] == neuron.name
    assert sum(1 for n in order if n.op == "*" and boxes.get(n) is None) == 0
    assert boxes.get(root) is None and all(x not in boxes for x in inputs)
    assert set(assign_boxes(order, "layer", inputs).values()) == {"L1", "L2"}


def test_mlp_returns_value_for_one_output_list_otherwise():
    assert isinstance(MLP(2, [4, 1], seed=0)([1.0, 2.0]), Value)
    out = MLP(2, [4, 3], seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3


def test_mlp_matches_hand_written_forward():
    model = MLP(2, [3, 2], activation="tanh", output_activation="sigmoid", seed=11)
    x = [0.3, -1.2]
    hidden = [math.tanh(sum(w.data * xi for w, xi in zip(n.weights, x, strict=True)) + n.bias.data)
              for n in model.layers[0].neurons]
    expected = [1.0 / (1.0 + math.exp(-(sum(w.data * h for w, h in zip(n.weights, hidden,
                                                                         strict=True))
                                          + n.bias.data)))
                for n in model.layers[1].neurons]
    assert [o.data for o in model(x)] == pytest.approx(expected, rel=1e-14)


def test_seed_reproducible_and_global_random_untouched():
    random.seed(123)
    state = random.getstate()
    a = [p.data for p in MLP(2, [8, 1], seed=42).parameters()]
    b = [p.data for p in MLP(2, [8, 1], seed=42).parameters()]
    c = [p.data for p in MLP(2, [8, 1], seed=43).parameters()]
    assert a == b and a != c
    rng = random.Random(42)
    d = [p.data for p in MLP(2, [8, 1], seed=rng).parameters()]
    assert d == a
    assert random.getstate() == state


def test_initialisation_is_uniform_within_he_bound_and_biases_zero():
    model = MLP(16, [64, 1], seed=0)
    weights = [w.data for n in model.layers[0].neurons for w in n.weights]
    bound = math.sqrt(6.0 / 16)
    assert max(abs(w) for w in weights) <= bound
    assert max(abs(w) for w in weights) > 0.95 * bound  # the whole range is used
    assert sum(weights) / len(weights) == pytest.approx(0.0, abs=0.05)
    # Var of U(-a, a) is a²/3 = 2/nin.
    variance = sum(w * w for w in weights) / len(weights)
    assert variance == pytest.approx(2.0 / 16, rel=0.1)
    assert all(n.bias.data == 0.0 for layer in model.layers for n in layer.neurons)


def test_gradients_through_mlp_match_central_differences():
    model = MLP(3, [4, 4, 1], activation="tanh", seed=1)

    def f(a, b, c):
        return model([a, b, c])

    assert gradcheck(f, [0.4, -0.3, 0.9], eps=1e-6, atol=1e-8, rtol=1e-6)


def test_no_grad_forward_builds_no_graph():
    model = MLP(2, [4, 1], seed=0)
    with no_grad():
        out = model([1.0, 2.0])
    assert out.parents == ()
    assert out.data == model([1.0, 2.0]).data


def test_input_errors_teach():
    model = MLP(2, [4, 1], seed=0)
    with pytest.raises(ValueError, match="expects 2 inputs, got 3"):
        model([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="list of 2 numbers"):
        model(1.0)
    with pytest.raises(TypeError, match="str"):
        model([1.0, "a"])
    with pytest.raises(ValueError, match="nin must be a positive int"):
        Neuron(0)
    with pytest.raises(ValueError, match="sizes must be a non-empty list"):
        MLP(2, 16)
    with pytest.raises(TypeError, match="seed must be an int"):
        MLP(2, [1], seed="0")


def test_reprs_name_the_shape():
    assert repr(Neuron(3, "tanh", name="L1.N2")) == "Neuron(3, activation='tanh', name='L1.N2')"
    assert repr(Layer(2, 16)) == "Layer(2, 16, activation='relu', name='L1')"
    assert repr(MLP(2, [16, 16, 1], seed=0)) == (
        "MLP(2, [16, 16, 1], activation='relu', output_activation='linear') with 337 parameters"
    )
